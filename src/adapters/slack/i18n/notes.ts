/** Strings of thread replies (blocks/notes.ts noteMessage) and ephemeral refusals (refusalText). */
import type { RollbackControl } from '../../../services/ports.ts';
import type { Locale } from './locale.ts';

export interface NoteStrings {
  decision: (who: string, action: string) => string;
  decisionAsRecommended: string;
  decisionAgainstRecommendation: (recommended: string) => string;
  assessment: (who: string, answers: string) => string;
  assessmentIncomplete: string;
  rollbackRequested: (who: string, strategy: string, service: string, versions: string) => string;
  approvalNeeded: (who: string, strategy: string, service: string, versions: string, have: number, need: number) => string;
  approved: (who: string, service: string, have: number, need: number) => string;
  approvedComplete: string;
  approvalsMissing: (missing: number) => string;
  control: { pause: (who: string, strategy: string, service: string) => string; resume: (who: string, strategy: string, service: string) => string; abort: (who: string, strategy: string, service: string) => string };
  controlState: (state: string) => string;
  acknowledged: (who: string) => string;
  resolved: (who: string) => string;
  escalation: (level: number, label: string, who: string) => string;
  escalationNobody: (level: number, label: string) => string;
  escalationLate: (late: string) => string;
  escalationDm: (label: string, incidentId: string, service: string, linkText: string) => string;
  step: (seq: number, total: number, name: string, status: string, elapsed: string) => string;
  stepStatus: Record<'succeeded' | 'failed' | 'skipped', string>;
  stepBudget: (budget: string) => string;
  stepOverBudget: (budget: string) => string;
  finished: Record<'succeeded' | 'failed' | 'aborted', (strategy: string, service: string, versions: string) => string>;
  finishedReason: (reason: string) => string;
  scheduled: (strategy: string, service: string, versions: string, when: string) => string;
  allAlertsResolved: string;
  severityRaised: (from: string, to: string) => string;
  tierFired: (tier: string, version: string, breaches: string) => string;
  tierCleared: (tier: string, version: string) => string;
  notRecovered: (service: string, version: string, breaching: string) => string;
  nextFallback: string;
  draftRca: string;
  postmortemScheduled: (when: string, who: string) => string;
  postmortemReminder: (who: string) => string;
  fixPrep: string;
  rcaPosted: (id: string) => string;
  /** The same RCA draft was uploaded `ago` ago and is not uploaded again; `thread` links to it. */
  rcaAlreadyPosted: (id: string, ago: string, thread: string) => string;
  rcaThreadLink: string;
  automaticRollback: (reason: string) => string;
  unknownService: (service: string, source: string, summary: string) => string;
  /** The rest of a minute's unknown services in one line; `since` names the minute when the line is late (null: it is the minute just ended). */
  unknownServicesMore: (count: number, names: string, since: string | null) => string;
  reminder: (strategy: string, service: string, versions: string, when: string) => string;
}

/**
 * What a person who is not an approver tried, as the subject of `notApprover` (a rollback is named
 * by its strategy, from TERMS).
 */
export interface ApproverActionWords {
  approveRollback: string;
  control: Record<RollbackControl, string>;
  canary: string;
  runDrill: string;
  abortDrill: string;
  resolveIncident: string;
}

/** What would have run had the engine been installed, as `engineUnavailable` says it. */
export interface EngineWorkWords {
  /** `strategy` from TERMS; `versions` `from → to`, already formatted. */
  rollback: (strategy: string, service: string, versions: string) => string;
  canary: (service: string) => string;
  control: Record<RollbackControl, (rollbackId: string) => string>;
}

export interface RefusalStrings {
  approverAction: ApproverActionWords;
  engineWork: EngineWorkWords;
  notApprover: (action: string, approvers: string) => string;
  noApprovers: (action: string) => string;
  sameApprover: (rollbackId: string) => string;
  rollbackRunning: (service: string, strategy: string, state: string) => string;
  incidentResolved: (incidentId: string) => string;
  unknownIncident: (incidentId: string) => string;
  noOpenIncident: string;
  noOpenIncidentFor: (service: string) => string;
  severalOpenIncidents: (ids: string, example: string) => string;
  noRollback: (service: string) => string;
  illegalTransition: (incidentId: string, from: string, to: string) => string;
  noTargetVersion: (service: string, from: string, known: string) => string;
  noKnownVersions: (service: string, from: string) => string;
  engineUnavailable: (what: string) => string;
  gradualNotPossible: (service: string, router: string) => string;
  canaryNotPossible: (service: string, router: string) => string;
  canaryTooEarly: (incidentId: string, status: string) => string;
  otherIncidentOpen: (incidentId: string, service: string) => string;
  servingUnknown: (service: string) => string;
  noFixVersion: (service: string) => string;
  fixIsServing: (service: string, version: string) => string;
  fixIsBadVersion: (incidentId: string, version: string) => string;
  unknownRollback: (rollbackId: string) => string;
  startFailed: (what: 'rollback' | 'canary', reason: string) => string;
  notAnAnswer: (value: string, question: string) => string;
  unknownChecklist: string;
}

export const NOTE_STRINGS: Record<Locale, NoteStrings> = {
  en: {
    decision: (who, action) => `🧭 ${who} chose *${action}*.`,
    decisionAsRecommended: 'This is the recommended course (the judgment matrix, adjusted for what the service can do and the live numbers).',
    decisionAgainstRecommendation: (recommended) => `The recommended course was *${recommended}*.`,
    assessment: (who, answers) => `📝 ${who} updated the assessment: ${answers}`,
    assessmentIncomplete: 'Answer the remaining questions for a recommendation.',
    rollbackRequested: (who, strategy, service, versions) => `🔁 ${who} started a *${strategy}* of *${service}*: ${versions}.`,
    approvalNeeded: (who, strategy, service, versions, have, need) =>
      `🔐 ${who} requested a *${strategy}* of *${service}*: ${versions}. It needs ${need} approvals (${have} so far): another approver, please review and press Approve.`,
    approved: (who, service, have, need) => `✅ ${who} approved the rollback of *${service}* (${have}/${need}).`,
    approvedComplete: 'It starts now.',
    approvalsMissing: (missing) => `${missing} more ${missing === 1 ? 'approval is' : 'approvals are'} needed.`,
    control: {
      pause: (who, strategy, service) => `⏸ ${who} paused the ${strategy.toLowerCase()} of *${service}*.`,
      resume: (who, strategy, service) => `▶️ ${who} resumed the ${strategy.toLowerCase()} of *${service}*.`,
      abort: (who, strategy, service) => `⏹ ${who} aborted the ${strategy.toLowerCase()} of *${service}*.`,
    },
    controlState: (state) => `Now: ${state}.`,
    acknowledged: (who) => `👀 ${who} acknowledged the incident.`,
    resolved: (who) => `✅ ${who} resolved the incident.`,
    escalationDm: (label, incidentId, service, linkText) =>
      `⏫ You are being escalated to as *${label}* for ${incidentId} (${service}), which is still not resolved. Open the incident: ${linkText}`,
    escalation: (level, label, who) => `⏫ Escalation level ${level} (${label}): ${who}, this incident is still not resolved. Please join this thread.`,
    escalationNobody: (level, label) => `⏫ Escalation level ${level} (${label}): this incident is still not resolved, and nobody is configured to notify at this level.`,
    step: (seq, total, name, status, elapsed) => `${status} Step ${seq}/${total} *${name}* (${elapsed})`,
    stepStatus: { succeeded: '✅', failed: '❌', skipped: '⏭️' },
    stepBudget: (budget) => `within its ${budget} budget`,
    stepOverBudget: (budget) => `⚠️ over its ${budget} budget`,
    finished: {
      succeeded: (strategy, service, versions) => `🏁 ${strategy} of *${service}* ${versions} finished.`,
      failed: (strategy, service, versions) => `🛑 ${strategy} of *${service}* ${versions} failed.`,
      aborted: (strategy, service, versions) => `⏹ ${strategy} of *${service}* ${versions} stopped.`,
    },
    finishedReason: (reason) => `Reason: ${reason}`,
    allAlertsResolved: 'Every alert of this incident is resolved. Resolve the incident if the service is healthy.',
    severityRaised: (from, to) => `⬆️ Severity raised from ${from} to *${to}*.`,
    tierFired: (tier, version, breaches) => `📈 *${tier}* tier fired on \`${version}\`: ${breaches}`,
    tierCleared: (tier, version) => `📉 The *${tier}* tier cleared on \`${version}\`.`,
    notRecovered: (service, version, breaching) => `⚠️ *${service}* has not recovered on \`${version}\`: ${breaching}. Escalating; the next version down the fallback chain can be rolled to from here.`,
    nextFallback: 'Roll back to the next version',
    draftRca: 'Draft the RCA',
    postmortemScheduled: (when, who) => `🗓 Post-mortem scheduled for ${when}. Participants: ${who}.`,
    fixPrep: '🛠 Fix preparation (runbook): tick the steps as they are done; the state is kept with the incident.',
    postmortemReminder: (who) => `📝 Post-mortem time: ${who}, please meet to review this incident (the RCA draft is one click away).`,
    rcaPosted: (id) => `📄 The RCA draft of ${id} is posted in the incident thread.`,
    rcaAlreadyPosted: (id, ago, thread) =>
      `📄 The RCA draft of ${id} was posted in the incident thread ${ago} ago, and nothing it is drawn from has changed since, so it was not posted again: ${thread}.`,
    rcaThreadLink: 'open the thread',
    automaticRollback: (reason) => `🤖 Rewind started the immediate rollback itself (${reason}; \`autoRollback: critical\`).`,
    unknownService: (service, source, summary) => `❓ A ${source} alert names the service *${service}*, which is not configured in Rewind: "${summary}". It was stored; add the service to config/rewind.yml to have its alerts handled. (Said at most once an hour per service.)`,
    unknownServicesMore: (count, names, since) =>
      `❓ …and ${count.toLocaleString('en-US')} more unknown ${count === 1 ? 'service' : 'services'} sent alerts ${since === null ? 'in the last minute' : `in the minute from ${since}`}: ${names}. They were stored; add them to config/rewind.yml to have their alerts handled.`,
    scheduled: (strategy, service, versions, when) => `🗓 ${strategy} of *${service}* ${versions} is planned for ${when}. Cancel it here until then.`,
    reminder: (strategy, service, versions, when) => `⏰ Reminder: the ${strategy} of *${service}* ${versions} starts at ${when}.`,
    escalationLate: (late) => `(Sent ${late} late: the bot was not running when it came due.)`,
  },
  ja: {
    decision: (who, action) => `🧭 ${who} が *${action}* を選択しました。`,
    decisionAsRecommended: '推奨どおりの対応です（判断マトリックスを、サービスにできることと現在の数値で補正したもの）。',
    decisionAgainstRecommendation: (recommended) => `推奨は *${recommended}* でした。`,
    assessment: (who, answers) => `📝 ${who} が評価を更新しました: ${answers}`,
    assessmentIncomplete: '残りの質問に答えると推奨アクションが表示されます。',
    rollbackRequested: (who, strategy, service, versions) => `🔁 ${who} が *${service}* の *${strategy}* を開始しました: ${versions}`,
    approvalNeeded: (who, strategy, service, versions, have, need) =>
      `🔐 ${who} が *${service}* の *${strategy}* を申請しました: ${versions}。承認が ${need} 件必要です（現在 ${have} 件）。別の承認者の方は内容を確認して「承認」を押してください。`,
    approved: (who, service, have, need) => `✅ ${who} が *${service}* のロールバックを承認しました（${have}/${need}）。`,
    approvedComplete: 'これから開始します。',
    approvalsMissing: (missing) => `あと ${missing} 件の承認が必要です。`,
    control: {
      pause: (who, strategy, service) => `⏸ ${who} が *${service}* の${strategy}を一時停止しました。`,
      resume: (who, strategy, service) => `▶️ ${who} が *${service}* の${strategy}を再開しました。`,
      abort: (who, strategy, service) => `⏹ ${who} が *${service}* の${strategy}を中止しました。`,
    },
    controlState: (state) => `（現在: ${state}）`,
    acknowledged: (who) => `👀 ${who} がインシデントを確認しました。`,
    resolved: (who) => `✅ ${who} がインシデントを解決済みにしました。`,
    escalationDm: (label, incidentId, service, linkText) =>
      `⏫ *${label}* としてエスカレーションされました: ${incidentId}（${service}）がまだ解決していません。インシデントを開く: ${linkText}`,
    escalation: (level, label, who) => `⏫ エスカレーション レベル ${level}（${label}）: ${who} このインシデントはまだ解決していません。スレッドに参加してください。`,
    escalationNobody: (level, label) => `⏫ エスカレーション レベル ${level}（${label}）: このインシデントはまだ解決していませんが、このレベルの通知先が設定されていません。`,
    step: (seq, total, name, status, elapsed) => `${status} ステップ ${seq}/${total} *${name}*（${elapsed}）`,
    stepStatus: { succeeded: '✅', failed: '❌', skipped: '⏭️' },
    stepBudget: (budget) => `目標時間 ${budget} 以内`,
    stepOverBudget: (budget) => `⚠️ 目標時間 ${budget} を超過`,
    finished: {
      succeeded: (strategy, service, versions) => `🏁 *${service}* の${strategy}（${versions}）が完了しました。`,
      failed: (strategy, service, versions) => `🛑 *${service}* の${strategy}（${versions}）が失敗しました。`,
      aborted: (strategy, service, versions) => `⏹ *${service}* の${strategy}（${versions}）を停止しました。`,
    },
    finishedReason: (reason) => `理由: ${reason}`,
    allAlertsResolved: 'このインシデントのアラートはすべて解消しました。サービスが正常なら解決済みにしてください。',
    severityRaised: (from, to) => `⬆️ 重大度を ${from} から *${to}* に引き上げました。`,
    tierFired: (tier, version, breaches) => `📈 \`${version}\` で *${tier}* ティアが発火しました: ${breaches}`,
    tierCleared: (tier, version) => `📉 \`${version}\` の *${tier}* ティアが解除されました。`,
    notRecovered: (service, version, breaching) => `⚠️ *${service}* は \`${version}\` でも復旧していません: ${breaching}。エスカレーションします。ここからフォールバックチェーンの次のバージョンへロールバックできます。`,
    nextFallback: '次のバージョンへロールバック',
    draftRca: 'RCA の下書きを作成',
    postmortemScheduled: (when, who) => `🗓 ポストモーテムを ${when} に予定しました。参加者: ${who}`,
    fixPrep: '🛠 修正版の準備（ランブック）: 終わった項目にチェックを入れてください。状態はインシデントと一緒に保存されます。',
    postmortemReminder: (who) => `📝 ポストモーテムの時間です: ${who} このインシデントを振り返ってください（RCA の下書きはボタン一つで作れます）。`,
    rcaPosted: (id) => `📄 ${id} の RCA 下書きをインシデントのスレッドに投稿しました。`,
    rcaAlreadyPosted: (id, ago, thread) =>
      `📄 ${id} の RCA 下書きは ${ago}前にインシデントのスレッドに投稿済みで、その後元になる記録に変化がないため、再投稿していません: ${thread}`,
    rcaThreadLink: 'スレッドを開く',
    automaticRollback: (reason) => `🤖 Rewind が即座ロールバックを自動で開始しました（${reason}、\`autoRollback: critical\`）。`,
    unknownService: (service, source, summary) => `❓ ${source} のアラートが Rewind に設定されていないサービス *${service}* を指しています: 「${summary}」。記録はしました。扱うには config/rewind.yml にサービスを追加してください。（同じサービスについては1時間に一度までお知らせします）`,
    unknownServicesMore: (count, names, since) =>
      `❓ ほかにも Rewind に設定されていないサービス ${count.toLocaleString('ja-JP')} 件が${since === null ? '直近1分間に' : `${since} からの1分間に`}アラートを送りました: ${names}。記録はしました。扱うには config/rewind.yml にサービスを追加してください。`,
    scheduled: (strategy, service, versions, when) => `🗓 *${service}* の${strategy}（${versions}）を ${when} に予定しました。それまではここからキャンセルできます。`,
    reminder: (strategy, service, versions, when) => `⏰ リマインド: *${service}* の${strategy}（${versions}）は ${when} に始まります。`,
    escalationLate: (late) => `（ボットが停止していたため、予定より ${late} 遅れて通知しました）`,
  },
};

export const REFUSAL_STRINGS: Record<Locale, RefusalStrings> = {
  en: {
    approverAction: {
      approveRollback: 'Approving a rollback',
      control: { pause: 'Pausing a rollback', resume: 'Resuming a rollback', abort: 'Aborting a rollback' },
      canary: 'Re-deploying a fix as a canary',
      runDrill: 'Running a drill',
      abortDrill: 'Aborting a drill',
      resolveIncident: 'Resolving an incident',
    },
    engineWork: {
      rollback: (strategy, service, versions) => `the ${strategy.toLowerCase()} of *${service}* (${versions})`,
      canary: (service) => `a canary of the fix for *${service}*`,
      control: {
        pause: (rollbackId) => `pausing rollback ${rollbackId}`,
        resume: (rollbackId) => `resuming rollback ${rollbackId}`,
        abort: (rollbackId) => `aborting rollback ${rollbackId}`,
      },
    },
    notApprover: (action, approvers) =>
      `🚫 *${action}* is limited to approvers: ${approvers}. Ask one of them to do it, or ask an admin to add you to \`slack.approvers\`. This attempt has been recorded.`,
    noApprovers: (action) => `🚫 *${action}* is limited to approvers, and none are configured: an admin must set \`slack.approvers\` in the config. This attempt has been recorded.`,
    sameApprover: (rollbackId) =>
      `🚫 You have already approved (or requested) rollback ${rollbackId}. The next approval must come from a different approver: ask another one to press Approve.`,
    rollbackRunning: (service, strategy, state) =>
      `🚫 A ${strategy.toLowerCase()} of *${service}* is already in progress (${state}). Only one rollback per service runs at a time: wait for it to finish, or pause or abort it first (\`/rollback abort ${service}\`).`,
    incidentResolved: (incidentId) => `🚫 Incident ${incidentId} is already resolved, so nothing was changed. If the problem is back, a new alert opens a new incident.`,
    unknownIncident: (incidentId) => `🚫 There is no incident ${incidentId}. \`/incident list\` shows the open incidents and their ids.`,
    noOpenIncident: '🚫 There is no open incident. `/incident list` shows what is open.',
    noOpenIncidentFor: (service) => `🚫 There is no open incident for *${service}*. \`/incident list\` shows what is open.`,
    severalOpenIncidents: (ids, example) => `🚫 Several incidents are open (${ids}): name the one you mean, e.g. \`/incident ${example}\`.`,
    noRollback: (service) => `🚫 No rollback of *${service}* is in progress. \`/rollback status ${service}\` shows its current version and traffic.`,
    illegalTransition: (incidentId, from, to) =>
      `🚫 Incident ${incidentId} is *${from}*; it cannot move to *${to}* from there. \`/incident timeline ${incidentId}\` shows what has happened so far.`,
    noTargetVersion: (service, from, known) =>
      `🚫 There is no version to roll *${service}* back to from ${from}. Name one with \`to <version>\`; known versions: ${known}.`,
    noKnownVersions: (service, from) =>
      `🚫 There is no version to roll *${service}* back to from ${from}, and no versions are configured for it. An admin must list them under \`services.${service}.versions\`.`,
    engineUnavailable: (what) =>
      `⚠️ The rollback engine is not installed in this build yet: ${what} was recorded but not run. Follow the runbook by hand, then resolve the incident here.`,
    gradualNotPossible: (service, router) =>
      `🚫 *${service}* is blue-green (\`${router}\`): traffic moves at once, so only an immediate rollback can run on it. A gradual rollback needs a router that splits traffic by weight. Nothing was started.`,
    canaryNotPossible: (service, router) =>
      `🚫 *${service}* is blue-green (\`${router}\`): traffic moves at once, so a fix cannot come in as a canary. Switch to the fix with an immediate rollback to it instead. Nothing was started.`,
    canaryTooEarly: (incidentId, status) =>
      `🚫 A fix comes in as a canary once ${incidentId} is resolved by a rollback, or while a fix is being tried; it is *${status}* now. Nothing was started.`,
    otherIncidentOpen: (incidentId, service) => `🚫 ${incidentId} is open on *${service}*: settle it before bringing a fix in. Nothing was started.`,
    servingUnknown: (service) => `🚫 Rewind cannot tell which version of *${service}* serves traffic now, so it cannot plan the canary. Check \`/rollback status ${service}\`. Nothing was started.`,
    noFixVersion: (service) =>
      `🚫 No other version of *${service}* is configured: add the fixed version to \`services.${service}.versions\` in the config (with its deployment and subset or backend) and restart Rewind.`,
    fixIsServing: (service, version) => `🚫 \`${version}\` already serves all traffic of *${service}*: choose the fixed version. Nothing was started.`,
    fixIsBadVersion: (incidentId, version) => `🚫 \`${version}\` is the version ${incidentId} is about: choose the fixed version. Nothing was started.`,
    unknownRollback: (rollbackId) => `🚫 There is no rollback ${rollbackId}. \`/rollback history\` lists the recent ones.`,
    startFailed: (what, reason) => `🛑 The ${what} could not start: ${reason}. Traffic was not moved; the thread says what was tried.`,
    notAnAnswer: (value, question) => `🚫 "${value}" is not an answer to *${question}*, so nothing was recorded. Choose one of the answers the menu offers.`,
    unknownChecklist: '🚫 This checklist does not belong to an incident Rewind knows, so nothing was ticked. Use the checklist in the incident\'s thread.',
  },
  ja: {
    approverAction: {
      approveRollback: 'ロールバックの承認',
      control: { pause: 'ロールバックの一時停止', resume: 'ロールバックの再開', abort: 'ロールバックの中止' },
      canary: '修正版のカナリア再デプロイ',
      runDrill: '訓練の実行',
      abortDrill: '訓練の中止',
      resolveIncident: 'インシデントの解決',
    },
    engineWork: {
      rollback: (strategy, service, versions) => `*${service}* の${strategy}（${versions}）`,
      canary: (service) => `*${service}* の修正版のカナリア再デプロイ`,
      control: {
        pause: (rollbackId) => `ロールバック ${rollbackId} の一時停止`,
        resume: (rollbackId) => `ロールバック ${rollbackId} の再開`,
        abort: (rollbackId) => `ロールバック ${rollbackId} の中止`,
      },
    },
    notApprover: (action, approvers) =>
      `🚫 *${action}* は承認者のみ実行できます。承認者: ${approvers}。承認者に依頼するか、管理者に \`slack.approvers\` への追加を依頼してください。この操作は監査ログに記録されました。`,
    noApprovers: (action) => `🚫 *${action}* は承認者のみ実行できますが、承認者が設定されていません。管理者が設定の \`slack.approvers\` を設定してください。この操作は監査ログに記録されました。`,
    sameApprover: (rollbackId) => `🚫 ロールバック ${rollbackId} はすでにあなたが承認（または申請）しています。次の承認は別の承認者が行う必要があります。ほかの承認者に「承認」を依頼してください。`,
    rollbackRunning: (service, strategy, state) =>
      `🚫 *${service}* の${strategy}がすでに進行中です（${state}）。ロールバックは 1 サービスにつき同時に 1 つだけです。完了を待つか、先に一時停止または中止してください（\`/rollback abort ${service}\`）。`,
    incidentResolved: (incidentId) => `🚫 インシデント ${incidentId} はすでに解決済みのため、何も変更していません。問題が再発した場合は、新しいアラートで新しいインシデントが作成されます。`,
    unknownIncident: (incidentId) => `🚫 インシデント ${incidentId} は存在しません。\`/incident list\` で対応中のインシデントと ID を確認できます。`,
    noOpenIncident: '🚫 対応中のインシデントはありません。`/incident list` で一覧を確認できます。',
    noOpenIncidentFor: (service) => `🚫 *${service}* の対応中のインシデントはありません。\`/incident list\` で一覧を確認できます。`,
    severalOpenIncidents: (ids, example) => `🚫 対応中のインシデントが複数あります（${ids}）。対象を指定してください。例: \`/incident ${example}\``,
    noRollback: (service) => `🚫 *${service}* で進行中のロールバックはありません。\`/rollback status ${service}\` で現在のバージョンとトラフィックを確認できます。`,
    illegalTransition: (incidentId, from, to) =>
      `🚫 インシデント ${incidentId} は現在 *${from}* のため、*${to}* には移行できません。\`/incident timeline ${incidentId}\` でこれまでの経過を確認できます。`,
    noTargetVersion: (service, from, known) =>
      `🚫 *${service}* を ${from} から切り戻す先のバージョンがありません。\`to <version>\` で指定してください。既知のバージョン: ${known}`,
    noKnownVersions: (service, from) =>
      `🚫 *${service}* を ${from} から切り戻す先のバージョンがなく、バージョンも設定されていません。管理者が \`services.${service}.versions\` に登録してください。`,
    engineUnavailable: (what) =>
      `⚠️ このビルドにはロールバックエンジンがまだ組み込まれていません: ${what}は記録されましたが実行されていません。ランブックに沿って手動で対応し、完了したらここでインシデントを解決済みにしてください。`,
    gradualNotPossible: (service, router) =>
      `🚫 *${service}* はブルーグリーン構成（\`${router}\`）でトラフィックが一度に切り替わるため、実行できるのは即座ロールバックのみです。段階的ロールバックには重みでトラフィックを分割できるルーターが必要です。何も開始していません。`,
    canaryNotPossible: (service, router) =>
      `🚫 *${service}* はブルーグリーン構成（\`${router}\`）でトラフィックが一度に切り替わるため、修正をカナリアで投入できません。修正版への即座ロールバックで切り替えてください。何も開始していません。`,
    canaryTooEarly: (incidentId, status) =>
      `🚫 修正をカナリアで投入できるのは、${incidentId} がロールバックで解決した後か、修正を試している間です。現在は *${status}* です。何も開始していません。`,
    otherIncidentOpen: (incidentId, service) => `🚫 *${service}* では ${incidentId} が対応中です。先にそちらを片付けてから修正を投入してください。何も開始していません。`,
    servingUnknown: (service) => `🚫 *${service}* で現在どのバージョンがトラフィックを受けているか分からないため、カナリアを計画できません。\`/rollback status ${service}\` を確認してください。何も開始していません。`,
    noFixVersion: (service) =>
      `🚫 *${service}* にほかのバージョンが設定されていません。修正版を設定の \`services.${service}.versions\` に（\`deployment\` と \`subset\` または \`backend\` とともに）追加し、Rewind を再起動してください。`,
    fixIsServing: (service, version) => `🚫 \`${version}\` はすでに *${service}* の全トラフィックを受けています。修正版を選んでください。何も開始していません。`,
    fixIsBadVersion: (incidentId, version) => `🚫 \`${version}\` は ${incidentId} の原因のバージョンです。修正版を選んでください。何も開始していません。`,
    unknownRollback: (rollbackId) => `🚫 ロールバック ${rollbackId} は存在しません。\`/rollback history\` で最近のロールバックを確認できます。`,
    startFailed: (what, reason) => `🛑 ${what === 'canary' ? 'カナリア' : 'ロールバック'}を開始できませんでした: ${reason}。トラフィックは移していません。試したことはスレッドに記載しています。`,
    notAnAnswer: (value, question) => `🚫 「${value}」は *${question}* の選択肢にないため、記録していません。メニューの選択肢から選んでください。`,
    unknownChecklist: '🚫 このチェックリストは Rewind が把握しているインシデントのものではないため、チェックを記録していません。インシデントのスレッドにあるチェックリストを使ってください。',
  },
};
