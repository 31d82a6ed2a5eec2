/**
 * Strings of the drill messages (blocks/drills.ts, drill-scorecard.ts, drill-common.ts): announcement, start,
 * scorecard, history, report, dry run.
 */
import type { TimeMeasure, TrendDirection } from '../../../domain/drills.ts';
import type { Locale } from './locale.ts';

export interface DrillStrings {
  /** What the scenario injects; null parts were not given. */
  fault: {
    errors: (rate: string | null) => string;
    latency: (latency: string | null) => string;
    partial: (share: string | null, rate: string | null) => string;
    other: (trigger: string) => string;
  };
  millisecond: string;
  drillId: (id: string) => string;
  announcement: (title: string, service: string, when: string) => string;
  announcementToday: (title: string, service: string, when: string) => string;
  injected: (fault: string) => string;
  expected: (target: string) => string;
  howItRuns: string;
  approvers: (who: string) => string;
  escalation: (who: string) => string;
  nobody: string;
  preparationHeading: string;
  started: (id: string, title: string, service: string, version: string) => string;
  startedFault: (injector: string, fault: string) => string;
  respond: string;
  recordingHeading: string;
  removal: (limit: string) => string;
  abortButton: string;
  confirmAbort: { title: string; text: string; confirm: string; deny: string };
  missed: (id: string, title: string, when: string, scenario: string) => string;
  scorecardHeading: (id: string, title: string, service: string) => string;
  incident: (id: string) => string;
  noIncident: string;
  passed: (target: string) => string;
  notPassed: (target: string, missed: string) => string;
  firstDrill: string;
  measure: Record<TimeMeasure, { name: string; span: string }>;
  measureHeading: (name: string, span: string) => string;
  timeLine: (measured: string, target: string, mark: string) => string;
  mark: { pass: string; miss: string; notReached: string };
  trend: (chain: string) => string;
  direction: Record<TrendDirection, string>;
  communicationName: string;
  communicationAverage: (average: string, count: number) => string;
  communicationNone: string;
  ratePrompt: string;
  executionHeading: string;
  faultRemoved: (note: string) => string;
  faultGone: (note: string) => string;
  faultPending: string;
  reviewHeading: string;
  reviewState: string;
  scorecardText: (id: string, title: string, verdict: string) => string;
  verdictPassed: string;
  verdictNotPassed: string;
  reportHeading: (id: string, title: string, service: string, status: string, when: string) => string;
  noScorecard: (status: string) => string;
  historyHeading: (count: number) => string;
  historyRow: (id: string, when: string, scenario: string, service: string, status: string) => string;
  historyTotal: (verdict: string, total: string, target: string) => string;
  historyNotReached: (verdict: string) => string;
  more: (count: number) => string;
  noDrills: string;
  noService: string;
  status: Record<'scheduled' | 'announced' | 'running' | 'completed' | 'aborted' | 'failed' | 'missed', string>;
  plan: (title: string, scenario: string, service: string, version: string, injector: string) => string;
  planNoLines: string;
  planFault: (fault: string) => string;
  planRemoval: (limit: string) => string;
  planExpected: (target: string) => string;
}

export const DRILL_STRINGS: Record<Locale, DrillStrings> = {
  en: {
    fault: {
      errors: (rate) =>
        rate === null ? 'requests fail with HTTP 5xx errors' : `${rate} of requests fail with HTTP 5xx errors`,
      latency: (latency) =>
        latency === null ? 'added latency on every request' : `${latency} of added latency on every request`,
      partial: (share, rate) =>
        share === null
          ? 'part of the traffic fails'
          : rate === null
            ? `${share} of the traffic fails`
            : `${share} of the traffic is affected, ${rate} of it failing`,
      other: (trigger) => `the \`${trigger}\` fault`,
    },
    millisecond: 'ms',
    drillId: (id) => `Drill ${id}`,
    announcement: (title, service, when) => `🧪 *Rollback drill* planned: *${title}* on *${service}*, ${when}`,
    announcementToday: (title, service, when) => `🧪 *Rollback drill today*: *${title}* on *${service}* at ${when}`,
    injected: (fault) => `*What will be injected*: ${fault}.`,
    expected: (target) => `*Expected response*: the rollback verified within ${target} of the fault.`,
    howItRuns:
      'At drill time Rewind injects the fault and the drill incident opens in the incident channel: respond as you ' +
      'would for real. The fault is removed once the rollback has switched traffic, when the drill is aborted, or at ' +
      'its time limit.',
    approvers: (who) => `*Approvers* (decide and run the rollback): ${who}`,
    escalation: (who) => `*Escalation contacts*: ${who}`,
    nobody: '— (none configured)',
    preparationHeading: '*Preparation* (runbook): tick each item when it is done.',
    started: (id, title, service, version) => `🧪 Drill ${id} started: *${title}* on *${service}* ${version}.`,
    startedFault: (injector, fault) => `Injected through \`${injector}\`: ${fault}.`,
    respond:
      'Respond as you would to a real incident: the drill incident opens in the incident channel when a trigger fires.',
    recordingHeading: '*Execution* (runbook): Rewind records these itself.',
    removal: (limit) =>
      `The fault is removed once the rollback has switched traffic, when the drill is aborted, or after ${limit} at ` +
      `the latest.`,
    abortButton: 'Abort the drill',
    confirmAbort: {
      title: 'Abort the drill?',
      text: 'The fault is removed now and the drill ends.',
      confirm: 'Abort',
      deny: 'Keep going',
    },
    missed: (id, title, when, scenario) =>
      `⏭ Drill ${id} (*${title}*) was due ${when} while Rewind was not running. It was not run late: run it with ` +
      `\`/drill run ${scenario}\`, or wait for the next scheduled one.`,
    scorecardHeading: (id, title, service) => `🧪 *Drill scorecard* · ${id} · *${title}* on *${service}*`,
    incident: (id) => `Drill incident: ${id}`,
    noIncident: 'No drill incident was opened.',
    passed: (target) => `✅ *Passed*: every step within the expected response of ${target}.`,
    notPassed: (target, missed) => `❌ *Not passed* (expected response ${target}): ${missed}.`,
    firstDrill: 'First scored drill: trends start with the next one.',
    measure: {
      detection: { name: 'Detection', span: 'fault injected → incident opened' },
      decision: { name: 'Decision', span: 'incident posted → rollback chosen' },
      execution: { name: 'Rollback execution', span: 'rollback chosen → rollback verified' },
      total: { name: 'Total', span: 'fault injected → rollback verified' },
    },
    measureHeading: (name, span) => `*${name}* (${span})`,
    timeLine: (measured, target, mark) => `${measured} · target ${target} · ${mark}`,
    mark: { pass: '✅ pass', miss: '❌ missed', notReached: '⏹ not reached' },
    trend: (chain) => `Trend: ${chain}`,
    direction: { better: 'better', worse: 'worse', same: 'same', first: 'first measurement' },
    communicationName: '*Communication*',
    communicationAverage: (average, count) => `${average} / 5 (${count} ${count === 1 ? 'rating' : 'ratings'})`,
    communicationNone: 'no ratings yet',
    ratePrompt: 'How was the communication during this drill? Rate it from 1 (poor) to 5 (excellent).',
    executionHeading: '*Execution* (runbook), as Rewind recorded it:',
    faultRemoved: (note) => `🧹 Fault removed: ${note}`,
    faultGone: (note) => `ℹ️ No fault of ours was left to remove: ${note}`,
    faultPending: '⚠️ The fault is not removed yet: Rewind keeps trying, a minute apart.',
    reviewHeading: '*Review* (runbook): tick each item when it is done.',
    reviewState: '*Review* (runbook):',
    scorecardText: (id, title, verdict) => `🧪 Drill ${id} scorecard (${title}): ${verdict}`,
    verdictPassed: 'passed',
    verdictNotPassed: 'not passed',
    reportHeading: (id, title, service, status, when) =>
      `🧪 *Drill ${id}* · *${title}* on *${service}* · ${status} · ${when}`,
    noScorecard: (status) => `This drill has no scorecard (it is ${status}).`,
    historyHeading: (count) => `🧪 *Drills* (newest first, ${count}):`,
    historyRow: (id, when, scenario, service, status) => `• *${id}* · ${when} · ${scenario} · ${service} · ${status}`,
    historyTotal: (verdict, total, target) => `${verdict} (total ${total} / target ${target})`,
    historyNotReached: (verdict) => `${verdict} (rollback not verified)`,
    more: (count) => `…and ${count} more.`,
    noDrills:
      'No drills yet. Run one with `/drill run <scenario>` (add `--dry-run` to see what it would do first), or see ' +
      'when the next one is due with `/drill schedule`.',
    noService: 'service not chosen yet',
    status: {
      scheduled: 'scheduled',
      announced: 'announced',
      running: 'running',
      completed: 'completed',
      aborted: 'aborted',
      failed: 'failed',
      missed: 'missed',
    },
    plan: (title, scenario, service, version, injector) =>
      `🧪 *Dry run* of *${title}* (\`${scenario}\`) on *${service}* ${version} through the \`${injector}\` injector. ` +
      `This is what would happen; nothing was changed:`,
    planNoLines: '• (the injector reports no change for this scenario)',
    planFault: (fault) => `Fault: ${fault}.`,
    planRemoval: (limit) =>
      `The fault would be removed once the rollback has switched traffic, when the drill is aborted, or after ` +
      `${limit} at the latest.`,
    planExpected: (target) => `Expected response: the rollback verified within ${target} of the fault.`,
  },
  ja: {
    fault: {
      errors: (rate) =>
        rate === null ? 'リクエストが HTTP 5xx エラーになります' : `リクエストの ${rate} が HTTP 5xx エラーになります`,
      latency: (latency) =>
        latency === null ? '各リクエストに遅延を追加します' : `各リクエストに ${latency} の遅延を追加します`,
      partial: (share, rate) =>
        share === null
          ? 'トラフィックの一部が失敗します'
          : rate === null
            ? `トラフィックの ${share} が失敗します`
            : `トラフィックの ${share} に影響し、その ${rate} が失敗します`,
      other: (trigger) => `障害 \`${trigger}\``,
    },
    millisecond: 'ミリ秒',
    drillId: (id) => `訓練 ${id}`,
    announcement: (title, service, when) => `🧪 *ロールバック訓練* の予定: *${service}* で *${title}*（${when}）`,
    announcementToday: (title, service, when) =>
      `🧪 *本日ロールバック訓練を行います*: *${service}* で *${title}*（${when}）`,
    injected: (fault) => `*注入する障害*: ${fault}。`,
    expected: (target) => `*目標対応時間*: 障害注入から ${target} 以内にロールバックの検証完了。`,
    howItRuns:
      '訓練時刻になると Rewind が障害を注入し、インシデントチャンネルに訓練インシデントが作成されます。本番と同じように対応してください。障害はロールバックでトラフィックが切り替わった時点、訓練の中止時、' +
      'または制限時間で取り除かれます。',
    approvers: (who) => `*承認者*（ロールバックを判断・実行）: ${who}`,
    escalation: (who) => `*エスカレーション先*: ${who}`,
    nobody: '—（設定なし）',
    preparationHeading: '*準備*（ランブック）: 終わった項目にチェックを入れてください。',
    started: (id, title, service, version) => `🧪 訓練 ${id} を開始しました: *${service}* ${version} で *${title}*。`,
    startedFault: (injector, fault) => `\`${injector}\` で注入: ${fault}。`,
    respond:
      '本番のインシデントと同じように対応してください。トリガーが発火するとインシデントチャンネルに訓練インシデントが作成されます。',
    recordingHeading: '*実施*（ランブック）: 以下は Rewind が自動で記録します。',
    removal: (limit) =>
      `障害はロールバックでトラフィックが切り替わった時点、訓練の中止時、遅くとも ${limit} 後に取り除かれます。`,
    abortButton: '訓練を中止',
    confirmAbort: {
      title: '訓練を中止しますか？',
      text: '障害をただちに取り除き、訓練を終了します。',
      confirm: '中止する',
      deny: '続ける',
    },
    missed: (id, title, when, scenario) =>
      `⏭ 訓練 ${id}（*${title}*）の予定時刻 ${when} に Rewind が停止していました。遅れての実施はしていません。\`/drill run ${scenario}\` で実施するか、` +
      `次回の定期訓練をお待ちください。`,
    scorecardHeading: (id, title, service) => `🧪 *訓練スコアカード* · ${id} · *${service}* で *${title}*`,
    incident: (id) => `訓練インシデント: ${id}`,
    noIncident: '訓練インシデントは作成されませんでした。',
    passed: (target) => `✅ *合格*: すべての段階が目標対応時間 ${target} 以内でした。`,
    notPassed: (target, missed) => `❌ *不合格*（目標対応時間 ${target}）: ${missed}。`,
    firstDrill: '初めての採点済み訓練です。推移は次回から表示されます。',
    measure: {
      detection: { name: '検知時間', span: '障害注入 → インシデント作成' },
      decision: { name: '判断時間', span: 'インシデント投稿 → ロールバック判断' },
      execution: { name: 'ロールバック実行時間', span: 'ロールバック判断 → 検証完了' },
      total: { name: '合計', span: '障害注入 → ロールバック検証完了' },
    },
    measureHeading: (name, span) => `*${name}*（${span}）`,
    timeLine: (measured, target, mark) => `${measured} · 目標 ${target} · ${mark}`,
    mark: { pass: '✅ 達成', miss: '❌ 未達', notReached: '⏹ 未到達' },
    trend: (chain) => `推移: ${chain}`,
    direction: { better: '改善', worse: '悪化', same: '横ばい', first: '初回の計測' },
    communicationName: '*コミュニケーション品質*',
    communicationAverage: (average, count) => `${average} / 5（${count} 件の評価）`,
    communicationNone: 'まだ評価がありません',
    ratePrompt: 'この訓練中のコミュニケーションはどうでしたか？ 1（不十分）〜 5（非常に良い）で評価してください。',
    executionHeading: '*実施*（ランブック）: Rewind の記録',
    faultRemoved: (note) => `🧹 障害を取り除きました: ${note}`,
    faultGone: (note) => `ℹ️ 取り除く障害は残っていませんでした: ${note}`,
    faultPending: '⚠️ 障害はまだ取り除けていません。1 分おきに再試行しています。',
    reviewHeading: '*振り返り*（ランブック）: 終わった項目にチェックを入れてください。',
    reviewState: '*振り返り*（ランブック）:',
    scorecardText: (id, title, verdict) => `🧪 訓練 ${id} のスコアカード（${title}）: ${verdict}`,
    verdictPassed: '合格',
    verdictNotPassed: '不合格',
    reportHeading: (id, title, service, status, when) =>
      `🧪 *訓練 ${id}* · *${service}* で *${title}* · ${status} · ${when}`,
    noScorecard: (status) => `この訓練にはスコアカードがありません（状態: ${status}）。`,
    historyHeading: (count) => `🧪 *訓練の履歴*（新しい順、${count} 件）:`,
    historyRow: (id, when, scenario, service, status) => `• *${id}* · ${when} · ${scenario} · ${service} · ${status}`,
    historyTotal: (verdict, total, target) => `${verdict}（合計 ${total} / 目標 ${target}）`,
    historyNotReached: (verdict) => `${verdict}（ロールバック未検証）`,
    more: (count) => `…ほか ${count} 件`,
    noDrills:
      'まだ訓練の記録はありません。`/drill run <scenario>` で実施できます（先に `--dry-run` を付けると内容だけ確認できます）。次回の予定は `/drill schedule` で確認できます。',
    noService: 'サービス未定',
    status: {
      scheduled: '予定',
      announced: '告知済み',
      running: '実施中',
      completed: '完了',
      aborted: '中止',
      failed: '失敗',
      missed: '未実施',
    },
    plan: (title, scenario, service, version, injector) =>
      `🧪 *${service}* ${version} での *${title}*（\`${scenario}\`）の *ドライラン*（インジェクター \`${injector}\`）。実際に行われる内容は以下のとおりです。` +
      `何も変更していません:`,
    planNoLines: '•（このシナリオではインジェクターによる変更はありません）',
    planFault: (fault) => `障害: ${fault}。`,
    planRemoval: (limit) =>
      `障害はロールバックでトラフィックが切り替わった時点、訓練の中止時、遅くとも ${limit} 後に取り除かれます。`,
    planExpected: (target) => `目標対応時間: 障害注入から ${target} 以内にロールバックの検証完了。`,
  },
};
