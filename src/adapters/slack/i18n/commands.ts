/**
 * Strings of the slash commands' usage, help and parse errors (commands/render.ts). Words the
 * person types (subcommands, `to`, `at`, `in`, `--dry-run`) stay in English in both languages
 * because the parser only accepts those; placeholders and explanations are translated.
 *
 * Message functions receive their pieces already formatted for Slack (quoted in backticks,
 * escaped, lists joined), so a translation only decides word order.
 */
import type { DrillSub, IncidentSub, ParseError, RollbackSub } from '../commands/types.ts';
import { COMPLAINT_MAX_LENGTH, DECLARE_SUMMARY_MAX, PLANNED_MAX_AHEAD_DAYS } from '../commands/types.ts';
import type { Locale } from './locale.ts';

/** Pieces each parse error's message is built from; every ParseError code must have an entry. */
export interface ErrorParams {
  unknown_subcommand: { command: string; given: string; known: string; suggestion: string | null };
  missing_argument: { what: string; known: string | null };
  unexpected_argument: { given: string };
  unknown_service: { given: string; known: string | null; suggestion: string | null };
  unknown_version: { service: string; given: string; known: string | null; suggestion: string | null };
  bad_time: { given: string; forms: string };
  time_not_in_future: { given: string };
  time_too_far: { given: string; maxDays: number };
  unknown_scenario: { given: string; known: string | null; suggestion: string | null };
  bad_id: { given: string; expected: string; example: string };
  empty_complaint: Record<string, never>;
  complaint_too_long: { length: number; max: number };
}

export type ErrorMessages = { [K in ParseError['code']]: (p: ErrorParams[K]) => string };

/** The argument names `missing_argument` reports, as the sentence "Missing …" names them. */
export type ArgumentName = 'service' | 'version' | 'time' | 'scenario' | 'id' | 'summary';

export interface HelpEntry {
  explain: string;
  example: string;
}

export interface HelpSection<Sub extends string> {
  title: string;
  entries: Record<Sub, HelpEntry>;
  /** Lines after the list: time forms, defaults, who may run what. */
  notes: string[];
}

export interface CommandStrings {
  usageHeading: string;
  exampleLabel: string;
  /** Closing line of an error reply, pointing at the command's help. */
  helpHint: (helpCommand: string) => string;
  /** Joins the known alternatives: `a`, `b` / `a`、`b`. */
  listSeparator: string;
  argument: Record<ArgumentName, string>;
  errors: ErrorMessages;
  /** Each subcommand's usage after `/command `, one line each. */
  usage: {
    rollback: Record<RollbackSub, string>;
    incident: Record<IncidentSub, string>;
    drill: Record<DrillSub, string>;
  };
  help: { rollback: HelpSection<RollbackSub>; incident: HelpSection<IncidentSub>; drill: HelpSection<DrillSub> };
}

/** The accepted `<time>` forms, as examples (not translated: they are typed as is). */
export const TIME_FORMS = ['14:30', '2026-01-05 14:30', '2026-01-05T05:30:00Z', '+30m', '+2h', 'in 30m'] as const;

const MAX_DAYS = PLANNED_MAX_AHEAD_DAYS;
const MAX_COMPLAINT = COMPLAINT_MAX_LENGTH;
const MAX_SUMMARY = DECLARE_SUMMARY_MAX;

export const COMMAND_STRINGS: Record<Locale, CommandStrings> = {
  en: {
    usageHeading: '*Usage:*',
    exampleLabel: 'e.g.',
    helpHint: (helpCommand) => `${helpCommand} explains each one with an example.`,
    listSeparator: ', ',
    argument: {
      service: 'the service name',
      version: 'the version after `to`',
      time: 'the time (`at <time>` or `in <duration>`)',
      scenario: 'the scenario name',
      id: 'the id',
      summary: 'the summary: after the service name, say in a few words what is wrong',
    },
    errors: {
      unknown_subcommand: ({ command, given, known, suggestion }) =>
        `${command} has no subcommand ${given}.${suggestion ? ` Did you mean ${suggestion}?` : ''} Known: ${known}.`,
      missing_argument: ({ what, known }) => `Missing ${what}.${known ? ` Known: ${known}.` : ''}`,
      unexpected_argument: ({ given }) => `Unexpected ${given}: nothing more belongs there.`,
      unknown_service: ({ given, known, suggestion }) =>
        `Unknown service ${given}.${suggestion ? ` Did you mean ${suggestion}?` : ''} ` +
        `${known ? `Configured services: ${known}.` : 'No services are configured.'}`,
      unknown_version: ({ service, given, known, suggestion }) =>
        `${service} has no version ${given}.${suggestion ? ` Did you mean ${suggestion}?` : ''} ` +
        `${known ? `Its versions: ${known}.` : 'It has no versions configured.'}`,
      bad_time: ({ given, forms }) => `Cannot read ${given} as a time. Use one of ${forms}.`,
      time_not_in_future: ({ given }) => `${given} is not in the future: a planned rollback needs a time ahead of now.`,
      time_too_far: ({ given, maxDays }) =>
        `${given} is more than ${maxDays} days ahead: plan a rollback at most ${maxDays} days out.`,
      unknown_scenario: ({ given, known, suggestion }) =>
        `Unknown drill scenario ${given}.${suggestion ? ` Did you mean ${suggestion}?` : ''} ` +
        `${known ? `Scenarios: ${known}.` : 'No drill scenarios are configured.'}`,
      bad_id: ({ given, expected, example }) => `${given} is not an id: expected ${expected}, e.g. ${example}.`,
      empty_complaint: () => 'The complaint is empty: after the service name, write what users reported.',
      complaint_too_long: ({ length, max }) =>
        `The complaint is ${length} characters long; the limit is ${max}. Shorten it or link to the details.`,
    },
    usage: {
      rollback: {
        immediate: 'immediate <service> [to <version>]',
        gradual: 'gradual <service> [to <version>]',
        planned: 'planned <service> [to <version>] at <time> [immediate|gradual]',
        status: 'status [service]',
        pause: 'pause <service>',
        resume: 'resume <service>',
        abort: 'abort <service>',
        history: 'history [service]',
        complaint: 'complaint <service> <text…>',
        help: 'help',
      },
      incident: {
        declare: 'declare <service> [--critical|--warning|--watch] <summary…>',
        list: 'list',
        ack: 'ack [id]',
        resolve: 'resolve [id]',
        rca: 'rca [id]',
        timeline: 'timeline [id]',
        help: 'help',
      },
      drill: {
        run: 'run <scenario> [--dry-run]',
        schedule: 'schedule',
        history: 'history',
        report: 'report <id>',
        abort: 'abort [id]',
        help: 'help',
      },
    },
    help: {
      rollback: {
        title: 'roll a service back, as the runbook says',
        entries: {
          immediate: {
            explain: 'switch all traffic to the rollback target at once (immediate rollback)',
            example: 'immediate prompt-service',
          },
          gradual: {
            explain: 'move traffic back in the configured phases, observing each one (gradual rollback)',
            example: 'gradual prompt-service to v1.5.0',
          },
          planned: {
            explain:
              'roll back at a set time, with a reminder before it starts (planned rollback); the strategy defaults ' +
              'to gradual',
            example: 'planned prompt-service at 22:00 immediate',
          },
          status: {
            explain:
              'current version, traffic split and live metrics against thresholds (every service when none is named)',
            example: 'status prompt-service',
          },
          pause: { explain: 'pause a gradual or planned rollback in progress', example: 'pause prompt-service' },
          resume: { explain: 'resume a paused rollback', example: 'resume prompt-service' },
          abort: { explain: 'stop a rollback in progress', example: 'abort prompt-service' },
          history: { explain: 'past rollbacks, of one service when it is named', example: 'history prompt-service' },
          complaint: {
            explain: 'file a user complaint; it counts toward the `user_complaints` metric',
            example: 'complaint prompt-service Answers come back in the wrong language',
          },
          help: { explain: 'show this help', example: 'help' },
        },
        notes: [
          `Times for \`planned\`: \`14:30\` (the next 14:30 in the configured time zone), \`2026-01-05 14:30\`, ` +
            `\`2026-01-05T05:30:00Z\`, \`+30m\` / \`+2h\`, or \`in 30m\` instead of \`at …\`; at most ${MAX_DAYS} ` +
            `days ahead.`,
          'Without `to`, the target is the next version in the service’s fallback chain, else the previous version ' +
            'deployed.',
          `A complaint is at most ${MAX_COMPLAINT} characters.`,
          '🔐 Only approvers may start, pause, resume or abort a rollback.',
        ],
      },
      incident: {
        title: 'work with incidents',
        entries: {
          declare: {
            explain:
              'open an incident by hand, with the same message, judgment matrix, escalation and timeline as one ' +
              'opened by an alert',
            example: 'declare prompt-service Answers in the wrong language since 14:00',
          },
          list: { explain: 'list the open incidents', example: 'list' },
          ack: { explain: 'acknowledge an incident: someone is on it', example: 'ack INC-20260105-001' },
          resolve: { explain: 'mark an incident resolved', example: 'resolve' },
          rca: { explain: 'post the root-cause-analysis draft', example: 'rca INC-20260105-001' },
          timeline: { explain: 'show the incident’s timeline', example: 'timeline' },
          help: { explain: 'show this help', example: 'help' },
        },
        notes: [
          'Without an id, the command acts on the open incident. Ids look like `INC-20260105-001` (any case).',
          `\`declare\`: anyone who can see incidents may declare one (in the incident channel, or in a direct ` +
            `message with Rewind as a member of it). A service has one open incident at a time: if it has one, you ` +
            `are pointed to it. The version is the one serving now. Severity is warning unless \`--critical\` or ` +
            `\`--watch\` is given; a declared critical incident never rolls back by itself: an approver decides. The ` +
            `summary is cut at ${MAX_SUMMARY} characters.`,
        ],
      },
      drill: {
        title: 'rollback drills',
        entries: {
          run: {
            explain: 'run a drill scenario now; `--dry-run` walks through it without injecting a fault',
            example: 'run high-error-rate --dry-run',
          },
          schedule: { explain: 'show the drill schedule and the next drill', example: 'schedule' },
          history: { explain: 'past drills with their scores and trends', example: 'history' },
          report: { explain: 'the scorecard of one drill', example: 'report DRILL-20260105-001' },
          abort: {
            explain: 'stop the running drill (or cancel a scheduled one) and remove its fault',
            example: 'abort',
          },
          help: { explain: 'show this help', example: 'help' },
        },
        notes: [
          'Drills inject real faults, only on the service marked `drill: allowed`; the fault is always removed at ' +
            'the end.',
        ],
      },
    },
  },
  ja: {
    usageHeading: '*使い方:*',
    exampleLabel: '例:',
    helpHint: (helpCommand) => `各サブコマンドの説明と例は ${helpCommand} で確認できます。`,
    listSeparator: '、',
    argument: {
      service: 'サービス名',
      version: '`to` の後のバージョン',
      time: '実行時刻(`at <時刻>` または `in <期間>`)',
      scenario: 'シナリオ名',
      id: 'ID',
      summary: '概要(サービス名の後に、何が起きているかを短く書いてください)',
    },
    errors: {
      unknown_subcommand: ({ command, given, known, suggestion }) =>
        `${command} に ${given} というサブコマンドはありません。${suggestion ? `もしかして ${suggestion} ですか? ` : ''}使えるサブコマンド: ${known}`,
      missing_argument: ({ what, known }) => `${what}がありません。${known ? `指定できるもの: ${known}` : ''}`,
      unexpected_argument: ({ given }) => `余分な引数 ${given} があります。`,
      unknown_service: ({ given, known, suggestion }) =>
        `${given} というサービスはありません。` +
        `${suggestion ? `もしかして ${suggestion} ですか? ` : ''}${known ? `設定済みのサービス: ${known}` : 'サービスが1つも設定されていません。'}`,
      unknown_version: ({ service, given, known, suggestion }) =>
        `${service} に ${given} というバージョンはありません。` +
        `${suggestion ? `もしかして ${suggestion} ですか? ` : ''}` +
        `${known ? `このサービスのバージョン: ${known}` : 'このサービスにはバージョンが設定されていません。'}`,
      bad_time: ({ given, forms }) =>
        `${given} を時刻として読み取れません。${forms} のいずれかの形式で指定してください。`,
      time_not_in_future: ({ given }) =>
        `${given} は未来の時刻ではありません。計画的ロールバックには現在より後の時刻を指定してください。`,
      time_too_far: ({ given, maxDays }) =>
        `${given} は${maxDays}日より先です。計画的ロールバックは${maxDays}日以内で指定してください。`,
      unknown_scenario: ({ given, known, suggestion }) =>
        `${given} という訓練シナリオはありません。` +
        `${suggestion ? `もしかして ${suggestion} ですか? ` : ''}${known ? `シナリオ: ${known}` : '訓練シナリオが1つも設定されていません。'}`,
      bad_id: ({ given, expected, example }) =>
        `${given} は ID の形式ではありません。${expected} の形式(例: ${example})で指定してください。`,
      empty_complaint: () => '苦情の内容が空です。サービス名の後に、ユーザーから寄せられた内容を書いてください。',
      complaint_too_long: ({ length, max }) =>
        `苦情の内容が${length}文字あります。上限は${max}文字です。短くするか、詳細へのリンクを貼ってください。`,
    },
    usage: {
      rollback: {
        immediate: 'immediate <サービス> [to <バージョン>]',
        gradual: 'gradual <サービス> [to <バージョン>]',
        planned: 'planned <サービス> [to <バージョン>] at <時刻> [immediate|gradual]',
        status: 'status [サービス]',
        pause: 'pause <サービス>',
        resume: 'resume <サービス>',
        abort: 'abort <サービス>',
        history: 'history [サービス]',
        complaint: 'complaint <サービス> <内容…>',
        help: 'help',
      },
      incident: {
        declare: 'declare <サービス> [--critical|--warning|--watch] <概要…>',
        list: 'list',
        ack: 'ack [ID]',
        resolve: 'resolve [ID]',
        rca: 'rca [ID]',
        timeline: 'timeline [ID]',
        help: 'help',
      },
      drill: {
        run: 'run <シナリオ> [--dry-run]',
        schedule: 'schedule',
        history: 'history',
        report: 'report <ID>',
        abort: 'abort [ID]',
        help: 'help',
      },
    },
    help: {
      rollback: {
        title: 'ランブックに沿ってサービスをロールバックします',
        entries: {
          immediate: {
            explain: '全トラフィックをロールバック先へ一度に切り替えます(即座ロールバック)',
            example: 'immediate prompt-service',
          },
          gradual: {
            explain: '設定されたフェーズごとにトラフィックを戻し、各フェーズを監視します(段階的ロールバック)',
            example: 'gradual prompt-service to v1.5.0',
          },
          planned: {
            explain:
              '指定した時刻にロールバックします。開始前にリマインドします(計画的ロールバック)。戦略の既定は段階的です',
            example: 'planned prompt-service at 22:00 immediate',
          },
          status: {
            explain:
              '現在のバージョン、トラフィック配分、しきい値と比べたメトリクスを表示します(サービス省略時は全サービス)',
            example: 'status prompt-service',
          },
          pause: { explain: '進行中の段階的・計画的ロールバックを一時停止します', example: 'pause prompt-service' },
          resume: { explain: '一時停止中のロールバックを再開します', example: 'resume prompt-service' },
          abort: { explain: '進行中のロールバックを中止します', example: 'abort prompt-service' },
          history: {
            explain: '過去のロールバックを表示します(サービスを指定するとそのサービスのみ)',
            example: 'history prompt-service',
          },
          complaint: {
            explain: 'ユーザーからの苦情を登録します。`user_complaints` メトリクスに加算されます',
            example: 'complaint prompt-service 回答が英語で返ってくる',
          },
          help: { explain: 'このヘルプを表示します', example: 'help' },
        },
        notes: [
          `\`planned\` の時刻: \`14:30\`(設定されたタイムゾーンで次に来る14:30)、\`2026-01-05 14:30\`、\`2026-01-05T05:30:00Z\`、` +
            `\`+30m\`・\`+2h\`、または \`at …\` の代わりに \`in 30m\`。${MAX_DAYS}日先まで指定できます。`,
          '`to` を省略すると、サービスのフォールバックチェーンの次のバージョン(なければ直前にデプロイされていたバージョン)に戻します。',
          `苦情の内容は${MAX_COMPLAINT}文字までです。`,
          '🔐 ロールバックの開始・一時停止・再開・中止ができるのは承認者(approvers)だけです。',
        ],
      },
      incident: {
        title: 'インシデントを操作します',
        entries: {
          declare: {
            explain:
              'インシデントを手動で宣言します。アラートで起票されたものと同じメッセージ・判断マトリックス・エスカレーション・タイムラインが付きます',
            example: 'declare prompt-service 14:00以降、回答が英語で返ってくる',
          },
          list: { explain: '未解決のインシデントを一覧表示します', example: 'list' },
          ack: { explain: 'インシデントを確認済み(対応中)にします', example: 'ack INC-20260105-001' },
          resolve: { explain: 'インシデントを解決済みにします', example: 'resolve' },
          rca: { explain: '根本原因分析(RCA)の下書きを投稿します', example: 'rca INC-20260105-001' },
          timeline: { explain: 'インシデントのタイムラインを表示します', example: 'timeline' },
          help: { explain: 'このヘルプを表示します', example: 'help' },
        },
        notes: [
          'ID を省略すると、未解決のインシデントが対象になります。ID は `INC-20260105-001` の形式です(大文字・小文字は問いません)。',
          `\`declare\`: インシデントを閲覧できる人(インシデントチャンネル、またはそのメンバーとして Rewind とのダイレクトメッセージ)なら誰でも宣言できます。` +
            `1つのサービスで未解決のインシデントは1つだけです。既にある場合はそのインシデントを案内します。バージョンは現在稼働中のものです。重大度は \`--critical\`（重大）か ` +
            `\`--watch\`（監視強化）を付けない限り警告です。重大として宣言したインシデントでも自動ロールバックは行いません(承認者が判断します)。概要は${MAX_SUMMARY}文字までで切り詰めます。`,
        ],
      },
      drill: {
        title: 'ロールバック訓練',
        entries: {
          run: {
            explain: '訓練シナリオを今すぐ実行します。`--dry-run` を付けると障害を注入せずに流れだけを確認します',
            example: 'run high-error-rate --dry-run',
          },
          schedule: { explain: '訓練のスケジュールと次回の予定を表示します', example: 'schedule' },
          history: { explain: '過去の訓練とスコアの推移を表示します', example: 'history' },
          report: { explain: '1回分の訓練のスコアカードを表示します', example: 'report DRILL-20260105-001' },
          abort: {
            explain: '実行中の訓練を中止し（予定の訓練は取り消し）、注入した障害を取り除きます',
            example: 'abort',
          },
          help: { explain: 'このヘルプを表示します', example: 'help' },
        },
        notes: [
          '訓練では `drill: allowed` のサービスにだけ実際に障害を注入します。注入した障害は終了時に必ず取り除きます。',
        ],
      },
    },
  },
};
