import { describe, expect, it } from 'vitest';
import { noteMessage } from '../../../src/adapters/slack/blocks/notes.ts';
import { refusalText } from '../../../src/adapters/slack/blocks/refusals.ts';
import type { Note, Refusal } from '../../../src/adapters/slack/blocks/view-models.ts';
import { ACTION } from '../../../src/adapters/slack/ids.ts';
import type { Locale } from '../../../src/adapters/slack/i18n/locale.ts';
import type { ApproverAction } from '../../../src/services/refusals.ts';
import { actionIds, buttonByAction, joinedText, limitViolations, makeRollback } from './support.ts';

const rollback = makeRollback();
const pending = makeRollback({
  status: 'pending',
  strategy: 'immediate',
  newVersionWeight: 100,
  phase: null,
  phaseCount: null,
  approvals: { have: 1, need: 2, by: ['U0LEAD'] },
});

/** One note of each kind, with what its English and Japanese texts must contain. */
const NOTES: Array<{ note: Note; en: string[]; ja: string[] }> = [
  {
    note: { kind: 'decision', action: 'gradual', by: 'U0LEAD', recommended: 'immediate' },
    en: ['<@U0LEAD> chose *Gradual rollback*', 'recommended course was *Immediate rollback*'],
    ja: ['<@U0LEAD> が *段階的ロールバック* を選択', '推奨は *即座ロールバック*'],
  },
  {
    note: {
      kind: 'assessment',
      by: 'U0LEAD',
      assessment: { userImpact: 'all', businessImpact: 'high', fixTime: 'short' },
      recommendation: { action: 'immediate', rule: 0 },
    },
    en: [
      '<@U0LEAD> updated the assessment',
      'User impact *All users*',
      'Business impact *High*',
      'Time to fix *Short*',
      'Recommended: *Immediate rollback* (rule 1)',
    ],
    ja: ['ユーザー影響 *全体*', 'ビジネス影響 *高*', '修正見込み時間 *短*', '推奨: *即座ロールバック*（ルール 1）'],
  },
  {
    note: {
      kind: 'assessment',
      by: 'U0LEAD',
      assessment: { userImpact: 'partial', businessImpact: 'high', fixTime: 'long' },
      recommendation: {
        action: 'immediate',
        rule: 2,
        instead: {
          matrixAction: 'gradual',
          reason: { kind: 'moves_at_once', service: 'prompt-service', router: 'service-selector' },
        },
      },
    },
    en: [
      '⭐ Recommended: *Immediate rollback* (rule 3 of the matrix says *Gradual rollback*)',
      'Blue-green: traffic moves at once.',
    ],
    ja: [
      '⭐ 推奨: *即座ロールバック*（マトリックスのルール 3 は *段階的ロールバック*）',
      'ブルーグリーン構成: トラフィックは一度に切り替わります。',
    ],
  },
  {
    note: { kind: 'rollback_requested', rollback, by: 'U0LEAD' },
    en: ['<@U0LEAD> started a gradual rollback of *prompt-service*', '`v2.0.0` → `v1.5.0`'],
    ja: ['*prompt-service* の *段階的ロールバック* を開始', '`v2.0.0` → `v1.5.0`'],
  },
  {
    note: { kind: 'approval_needed', rollback: pending, by: 'U0LEAD' },
    en: ['<@U0LEAD> requested an immediate rollback of *prompt-service*', 'needs 2 approvals (1 so far)'],
    ja: ['承認が 2 件必要です（現在 1 件）'],
  },
  {
    note: {
      kind: 'approved',
      rollback: makeRollback({ approvals: { have: 2, need: 2, by: ['U0LEAD', 'U0SECOND'] } }),
      by: 'U0SECOND',
    },
    en: ['<@U0SECOND> approved the rollback of *prompt-service* (2/2). It starts now.'],
    ja: ['<@U0SECOND> が *prompt-service* のロールバックを承認しました（2/2）。これから開始します。'],
  },
  {
    note: { kind: 'rollback_control', control: 'pause', rollback: makeRollback({ status: 'paused' }), by: 'U0LEAD' },
    en: ['⏸ <@U0LEAD> paused the gradual rollback of *prompt-service*', 'v2.0.0 25% / v1.5.0 75%', 'Phase 2/3'],
    ja: ['一時停止しました', 'v2.0.0 25% / v1.5.0 75%', 'フェーズ 2/3'],
  },
  {
    note: { kind: 'rollback_control', control: 'resume', rollback, by: 'U0LEAD' },
    en: ['▶️ <@U0LEAD> resumed the gradual rollback'],
    ja: ['再開しました'],
  },
  {
    note: { kind: 'rollback_control', control: 'abort', rollback: makeRollback({ status: 'aborted' }), by: 'U0LEAD' },
    en: ['⏹ <@U0LEAD> aborted the gradual rollback'],
    ja: ['中止しました'],
  },
  {
    note: { kind: 'acknowledged', by: 'U0ACK' },
    en: ['<@U0ACK> acknowledged the incident.'],
    ja: ['<@U0ACK> がインシデントを確認しました。'],
  },
  {
    note: { kind: 'resolved', by: 'U0ACK', incidentId: 'INC-20260105-001' },
    en: ['<@U0ACK> resolved the incident.'],
    ja: ['<@U0ACK> がインシデントを解決済みにしました。'],
  },
  {
    // A part of Rewind is named in the reader's words, never by its English id.
    note: { kind: 'resolved', by: 'rollback-engine', incidentId: 'INC-20260105-001' },
    en: ['rollback-engine resolved the incident.'],
    ja: ['ロールバックエンジン がインシデントを解決済みにしました。'],
  },
  {
    note: { kind: 'escalation', level: 1, label: 'Senior engineer', notify: ['S0SENIOR', 'U0ONCALL'], lateMs: 0 },
    en: ['Escalation level 1 (Senior engineer): <!subteam^S0SENIOR>, <@U0ONCALL>'],
    ja: ['エスカレーション レベル 1（Senior engineer）: <!subteam^S0SENIOR>、<@U0ONCALL>'],
  },
];

describe('noteMessage', () => {
  for (const { note, en, ja } of NOTES) {
    it(`renders ${note.kind}${note.kind === 'rollback_control' ? ` ${note.control}` : ''} in both languages`, () => {
      for (const [locale, expected] of [
        ['en', en],
        ['ja', ja],
      ] as const) {
        const { text, blocks } = noteMessage(note, locale, 'Asia/Tokyo');
        for (const piece of expected) expect(text).toContain(piece);
        expect(joinedText(blocks)).toContain(text);
        expect(limitViolations(blocks, 'message')).toEqual([]);
      }
    });
  }

  it(
    'puts an Approve button carrying the rollback id on approval_needed, a Draft-RCA button on resolved, and nothing ' +
      'on the rest',
    () => {
      const { blocks } = noteMessage({ kind: 'approval_needed', rollback: pending, by: 'U0LEAD' }, 'en', 'Asia/Tokyo');
      expect(buttonByAction(blocks, ACTION.approve)?.value).toBe('RB-0001');
      const resolved = noteMessage(
        { kind: 'resolved', by: 'U0ACK', incidentId: 'INC-20260105-001' },
        'en',
        'Asia/Tokyo',
      ).blocks;
      expect(buttonByAction(resolved, ACTION.draftRca)?.value).toBe('INC-20260105-001');
      for (const { note } of NOTES.filter((n) => n.note.kind !== 'approval_needed' && n.note.kind !== 'resolved'))
        expect(actionIds(noteMessage(note, 'en', 'Asia/Tokyo').blocks)).toEqual([]);
      expect(
        buttonByAction(
          noteMessage({ kind: 'approval_needed', rollback: pending, by: 'U0LEAD' }, 'ja', 'Asia/Tokyo').blocks,
          ACTION.approve,
        )?.text.text,
      ).toBe('承認');
    },
  );

  it('says whether a decision follows the recommendation', () => {
    expect(
      noteMessage({ kind: 'decision', action: 'immediate', by: 'U1X', recommended: 'immediate' }, 'en', 'Asia/Tokyo')
        .text,
    ).toContain('This is the recommended course');
    const none = noteMessage(
      { kind: 'decision', action: 'fix', by: 'U1X', recommended: null },
      'en',
      'Asia/Tokyo',
    ).text;
    expect(none).toBe('🧭 <@U1X> chose *Try a fix*.');
  });

  it('shows unanswered questions and asks for the rest', () => {
    const { text } = noteMessage(
      { kind: 'assessment', by: 'U1X', assessment: { userImpact: 'minor' }, recommendation: null },
      'en',
      'Asia/Tokyo',
    );
    expect(text).toContain('User impact *Minor* · Business impact — · Time to fix —');
    expect(text).toContain('Answer the remaining questions');
    expect(
      noteMessage({ kind: 'assessment', by: 'U1X', assessment: {}, recommendation: null }, 'ja', 'Asia/Tokyo').text,
    ).toContain('ユーザー影響 未回答');
  });

  it('counts the approvals still missing', () => {
    const one = noteMessage(
      { kind: 'approved', rollback: makeRollback({ approvals: { have: 1, need: 2, by: ['U1X'] } }), by: 'U1X' },
      'en',
      'Asia/Tokyo',
    ).text;
    expect(one).toContain('(1/2). 1 more approval is needed.');
    const two = noteMessage(
      { kind: 'approved', rollback: makeRollback({ approvals: { have: 1, need: 3, by: ['U1X'] } }), by: 'U1X' },
      'en',
      'Asia/Tokyo',
    ).text;
    expect(two).toContain('2 more approvals are needed.');
  });

  it('says how late an escalation is when the bot was down, and not when it is on time', () => {
    const late = noteMessage(
      { kind: 'escalation', level: 2, label: 'Manager', notify: ['U0MANAGER'], lateMs: 7 * 60_000 },
      'en',
      'Asia/Tokyo',
    ).text;
    expect(late).toContain('Sent 7m 00s late');
    const onTime = noteMessage(
      { kind: 'escalation', level: 2, label: 'Manager', notify: ['U0MANAGER'], lateMs: 900 },
      'en',
      'Asia/Tokyo',
    ).text;
    expect(onTime).not.toContain('late');
    expect(
      noteMessage({ kind: 'escalation', level: 2, label: 'Manager', notify: [], lateMs: 0 }, 'en', 'Asia/Tokyo').text,
    ).toContain('nobody is configured');
  });

  it('escapes a label that would otherwise be read as a mention', () => {
    expect(
      noteMessage({ kind: 'escalation', level: 1, label: '<!channel>', notify: ['U1X'], lateMs: 0 }, 'en', 'Asia/Tokyo')
        .text,
    ).toContain('&lt;!channel&gt;');
  });
});

/** One refusal of each kind, with what its English and Japanese texts must contain. */
const REFUSALS: Array<{ refusal: Refusal; en: string[]; ja: string[] }> = [
  {
    refusal: {
      kind: 'not_approver',
      action: { kind: 'rollback', strategy: 'immediate' },
      approvers: ['S0SRE', 'U0LEAD'],
    },
    en: ['*Immediate rollback* is limited to approvers: <!subteam^S0SRE>, <@U0LEAD>', '`slack.approvers`'],
    ja: ['*即座ロールバック* は承認者のみ実行できます。承認者: <!subteam^S0SRE>、<@U0LEAD>'],
  },
  {
    refusal: { kind: 'same_approver', rollbackId: 'RB-0001' },
    en: ['RB-0001', 'different approver'],
    ja: ['RB-0001', '別の承認者'],
  },
  {
    refusal: { kind: 'gradual_not_possible', service: 'prompt-service', router: 'service-selector' },
    en: [
      '🚫 *prompt-service* is blue-green (`service-selector`): traffic moves at once, so only an immediate rollback ' +
        'can run on it.',
      'Nothing was started.',
    ],
    ja: [
      '🚫 *prompt-service* はブルーグリーン構成（`service-selector`）でトラフィックが一度に切り替わるため、実行できるのは即座ロールバックのみです。',
      '何も開始していません。',
    ],
  },
  {
    refusal: { kind: 'rollback_running', rollback },
    en: [
      'gradual rollback of *prompt-service* is already in progress (Running, v2.0.0 25% / v1.5.0 75%',
      '`/rollback abort prompt-service`',
    ],
    ja: [
      '*prompt-service* の段階的ロールバックがすでに進行中です（実行中、v2.0.0 25% / v1.5.0 75%',
      '`/rollback abort prompt-service`',
    ],
  },
  {
    refusal: { kind: 'incident_resolved', incidentId: 'INC-1' },
    en: ['INC-1 is already resolved'],
    ja: ['INC-1 はすでに解決済み'],
  },
  {
    refusal: { kind: 'unknown_incident', incidentId: 'INC-404' },
    en: ['no incident INC-404', '`/incident list`'],
    ja: ['INC-404 は存在しません', '`/incident list`'],
  },
  {
    refusal: { kind: 'no_open_incident', service: null },
    en: ['There is no open incident.'],
    ja: ['対応中のインシデントはありません。'],
  },
  {
    refusal: { kind: 'no_open_incident', service: 'prompt-service' },
    en: ['no open incident for *prompt-service*'],
    ja: ['*prompt-service* の対応中のインシデントはありません'],
  },
  {
    refusal: { kind: 'several_open_incidents', ids: ['INC-1', 'INC-2'] },
    en: ['(INC-1, INC-2)', '`/incident ack INC-1`'],
    ja: ['（INC-1、INC-2）', '`/incident ack INC-1`'],
  },
  {
    refusal: { kind: 'several_open_incidents', ids: ['INC-1', 'INC-2'], sub: 'resolve' },
    en: ['`/incident resolve INC-1`'],
    ja: ['`/incident resolve INC-1`'],
  },
  {
    refusal: { kind: 'no_rollback', service: 'prompt-service' },
    en: ['No rollback of *prompt-service*', '`/rollback status prompt-service`'],
    ja: ['進行中のロールバックはありません'],
  },
  {
    refusal: { kind: 'illegal_transition', incidentId: 'INC-1', from: 'resolved', to: 'rolling_back' },
    en: ['INC-1 is *Resolved*; it cannot move to *Rolling back*'],
    ja: ['*解決済み* のため、*ロールバック中* には移行できません'],
  },
  {
    refusal: {
      kind: 'no_target_version',
      service: 'prompt-service',
      fromVersion: 'v1.0.0',
      known: ['v2.0.0', 'v1.5.0', 'v1.0.0'],
    },
    en: ['from `v1.0.0`', '`to <version>`', 'known versions: `v2.0.0`, `v1.5.0`, `v1.0.0`'],
    ja: ['`v1.0.0` から切り戻す先', '既知のバージョン: `v2.0.0`、`v1.5.0`、`v1.0.0`'],
  },
  {
    refusal: { kind: 'no_target_version', service: 'svc', fromVersion: null, known: [] },
    en: ['from current version', '`services.svc.versions`'],
    ja: ['現行バージョン から', '`services.svc.versions`'],
  },
  {
    refusal: {
      kind: 'engine_unavailable',
      what: { kind: 'rollback', strategy: 'gradual', service: 'prompt-service', from: 'v2.0.0', to: 'v1.5.0' },
    },
    en: [
      'The rollback engine is not installed in this build yet: ' +
        'the gradual rollback of *prompt-service* (`v2.0.0` → `v1.5.0`) was recorded but not run',
    ],
    ja: [
      'ロールバックエンジンがまだ組み込まれていません: ' +
        '*prompt-service* の段階的ロールバック（`v2.0.0` → `v1.5.0`）は記録されましたが実行されていません',
    ],
  },
  {
    refusal: { kind: 'engine_unavailable', what: { kind: 'control', control: 'pause', rollbackId: 'RB-0001' } },
    en: ['pausing rollback RB-0001 was recorded but not run'],
    ja: ['ロールバック RB-0001 の一時停止は記録されましたが'],
  },
  {
    refusal: { kind: 'canary_too_early', incidentId: 'INC-1', status: 'rolling_back' },
    en: ['once INC-1 is resolved by a rollback', '*Rolling back* now'],
    ja: ['INC-1 がロールバックで解決した後', '現在は *'],
  },
  {
    refusal: { kind: 'other_incident_open', incidentId: 'INC-2', service: 'prompt-service' },
    en: ['INC-2 is open on *prompt-service*'],
    ja: ['*prompt-service* では INC-2 が対応中です'],
  },
  {
    refusal: { kind: 'serving_unknown', service: 'prompt-service' },
    en: ['cannot tell which version of *prompt-service*'],
    ja: ['どのバージョンがトラフィックを受けているか分からない'],
  },
  {
    refusal: { kind: 'no_fix_version', service: 'prompt-service' },
    en: ['`services.prompt-service.versions`'],
    ja: ['`services.prompt-service.versions`', '再起動'],
  },
  {
    refusal: { kind: 'fix_is_serving', service: 'prompt-service', version: 'v2.0.0' },
    en: ['`v2.0.0` already serves all traffic'],
    ja: ['`v2.0.0` はすでに *prompt-service* の全トラフィック'],
  },
  {
    refusal: { kind: 'fix_is_bad_version', incidentId: 'INC-1', version: 'v2.0.0' },
    en: ['`v2.0.0` is the version INC-1 is about'],
    ja: ['`v2.0.0` は INC-1 の原因のバージョン'],
  },
  {
    refusal: { kind: 'unknown_rollback', rollbackId: 'RB-9' },
    en: ['There is no rollback RB-9'],
    ja: ['ロールバック RB-9 は存在しません'],
  },
  {
    refusal: {
      kind: 'start_failed',
      what: 'canary',
      problem: { kind: 'error', message: 'Deployment x is gone.' },
    },
    en: ['The canary could not start: Deployment x is gone. Traffic was not moved'],
    ja: ['カナリアを開始できませんでした: Deployment x is gone。'],
  },
  {
    refusal: { kind: 'drill_fault_not_applied', drillId: 'DRILL-1', message: 'database is locked.' },
    en: ['Drill DRILL-1: the fault could not be applied: database is locked. Whatever reached'],
    ja: ['訓練 DRILL-1: 障害を注入できませんでした: database is locked。'],
  },
  {
    refusal: { kind: 'not_an_answer', question: 'fixTime', value: 'forever' },
    en: ['"forever" is not an answer to *Time to fix*'],
    ja: ['「forever」は *修正見込み時間* の選択肢にない'],
  },
  {
    refusal: { kind: 'unknown_checklist' },
    en: ['does not belong to an incident Rewind knows'],
    ja: ['Rewind が把握しているインシデントのものではない'],
  },
  {
    refusal: { kind: 'drill_button_unnamed' },
    en: ['names no drill', '`/drill abort <id>`'],
    ja: ['訓練が指定されていない', '`/drill abort <id>`'],
  },
];

describe('refusalText', () => {
  for (const { refusal, en, ja } of REFUSALS) {
    it(`explains ${refusal.kind} in both languages`, () => {
      const texts = { en: refusalText(refusal, 'en'), ja: refusalText(refusal, 'ja') };
      for (const piece of en) expect(texts.en).toContain(piece);
      for (const piece of ja) expect(texts.ja).toContain(piece);
      expect(texts.ja).not.toBe(texts.en);
    });
  }

  it("names what was refused in the reader's language", () => {
    const refused = (action: ApproverAction, locale: Locale) =>
      refusalText({ kind: 'not_approver', action, approvers: ['U0LEAD'] }, locale);
    expect(refused({ kind: 'control', control: 'pause' }, 'en')).toContain('*Pausing a rollback* is limited');
    expect(refused({ kind: 'control', control: 'pause' }, 'ja')).toContain('*ロールバックの一時停止* は承認者のみ');
    expect(refused({ kind: 'approve_rollback' }, 'ja')).toContain('*ロールバックの承認* は承認者のみ');
    expect(refused({ kind: 'rollback', strategy: 'gradual' }, 'ja')).toContain('*段階的ロールバック*');
    expect(refused({ kind: 'run_drill' }, 'en')).toContain('*Running a drill* is limited');
    expect(refused({ kind: 'run_drill' }, 'ja')).toContain('*訓練の実行* は承認者のみ');
  });

  it('says so when no approver is configured', () => {
    const action: ApproverAction = { kind: 'rollback', strategy: 'immediate' };
    const refusal: Refusal = { kind: 'not_approver', action, approvers: [] };
    expect(refusalText(refusal, 'en')).toContain('none are configured');
  });

  it('escapes messages from outside', () => {
    expect(refusalText({ kind: 'drill_fault_not_applied', drillId: 'DRILL-1', message: '<script>' }, 'en')).toContain(
      '&lt;script&gt;',
    );
    expect(refusalText({ kind: 'not_an_answer', question: 'userImpact', value: '<!channel>' }, 'ja')).toContain(
      '&lt;!channel&gt;',
    );
  });
});
