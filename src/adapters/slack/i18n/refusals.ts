/** Strings of the ephemeral refusals (blocks/refusals.ts refusalText): what was wrong and what to do instead. */
import type { RollbackControl } from '../../../services/ports.ts';
import { indefinite } from './article.ts';
import type { Locale } from './locale.ts';

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
  resumeGitOps: string;
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
  alreadyPaused: (rollbackId: string) => string;
  notPaused: (rollbackId: string) => string;
  gitopsNotPaused: (rollbackId: string) => string;
  /** Someone else's click is resuming that sync right now. */
  gitopsResuming: (rollbackId: string) => string;
  /** Another click of Resume opened the confirmation that the source still has the paused revision. */
  gitopsConfirming: (rollbackId: string) => string;
  /** `target`: the GitOps object; `message`: what Kubernetes said, as it said it. */
  gitopsFailed: (target: string, message: string) => string;
  notStarted: (rollbackId: string) => string;
  alreadyServing: (service: string, version: string) => string;
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

export const REFUSAL_STRINGS: Record<Locale, RefusalStrings> = {
  en: {
    approverAction: {
      approveRollback: 'Approving a rollback',
      control: { pause: 'Pausing a rollback', resume: 'Resuming a rollback', abort: 'Aborting a rollback' },
      canary: 'Re-deploying a fix as a canary',
      runDrill: 'Running a drill',
      abortDrill: 'Aborting a drill',
      resolveIncident: 'Resolving an incident',
      resumeGitOps: 'Resuming a GitOps sync',
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
      `🚫 *${action}* is limited to approvers: ${approvers}. Ask one of them to do it, or ask an admin to add you to ` +
      `\`slack.approvers\`. This attempt has been recorded.`,
    noApprovers: (action) =>
      `🚫 *${action}* is limited to approvers, and none are configured: an admin must set \`slack.approvers\` in the ` +
      `config. This attempt has been recorded.`,
    sameApprover: (rollbackId) =>
      `🚫 You have already approved (or requested) rollback ${rollbackId}. The next approval must come from a ` +
      `different approver: ask another one to press Approve.`,
    rollbackRunning: (service, strategy, state) =>
      `🚫 ${indefinite(strategy.toLowerCase(), true)} of *${service}* is already in progress (${state}). Only one ` +
      `rollback per service runs at a time: wait for it to finish, or pause or abort it first ` +
      `(\`/rollback abort ${service}\`).`,
    incidentResolved: (incidentId) =>
      `🚫 Incident ${incidentId} is already resolved, so nothing was changed. If the problem is back, a new alert ` +
      `opens a new incident.`,
    unknownIncident: (incidentId) =>
      `🚫 There is no incident ${incidentId}. \`/incident list\` shows the open incidents and their ids.`,
    noOpenIncident: '🚫 There is no open incident. `/incident list` shows what is open.',
    noOpenIncidentFor: (service) =>
      `🚫 There is no open incident for *${service}*. \`/incident list\` shows what is open.`,
    severalOpenIncidents: (ids, example) =>
      `🚫 Several incidents are open (${ids}): name the one you mean, e.g. \`/incident ${example}\`.`,
    noRollback: (service) =>
      `🚫 No rollback of *${service}* is in progress. \`/rollback status ${service}\` shows its current version and ` +
      `traffic.`,
    alreadyPaused: (rollbackId) =>
      `🚫 Rollback ${rollbackId} is already paused. Resume it to go on, or abort it to stop where traffic is now.`,
    notPaused: (rollbackId) => `🚫 Rollback ${rollbackId} is not paused, so there is nothing to resume.`,
    gitopsNotPaused: (rollbackId) =>
      `🚫 Rollback ${rollbackId} left no GitOps sync paused (it was off before, or it was resumed), so there is ` +
      `nothing to resume.`,
    gitopsResuming: (rollbackId) => `🚫 The GitOps sync rollback ${rollbackId} paused is already being resumed.`,
    gitopsConfirming: (rollbackId) =>
      `🚫 A confirmation to resume the GitOps sync rollback ${rollbackId} paused is open already: answer it there ` +
      '(or cancel it and press Resume again). Nothing was resumed.',
    gitopsFailed: (target, message) => `🚫 The GitOps sync was not resumed: \`${target}\` answered \`${message}\`.`,
    notStarted: (rollbackId) =>
      `🚫 Rollback ${rollbackId} has not started yet: it waits for its approvals or its planned time. It can only ` +
      `be aborted.`,
    alreadyServing: (service, version) =>
      `🚫 \`${version}\` is already serving *${service}*: there is nothing to move. Name another version with ` +
      `\`to <version>\`. Nothing was started.`,
    illegalTransition: (incidentId, from, to) =>
      `🚫 Incident ${incidentId} is *${from}*; it cannot move to *${to}* from there. \`/incident timeline ` +
      `${incidentId}\` shows what has happened so far.`,
    noTargetVersion: (service, from, known) =>
      `🚫 There is no version to roll *${service}* back to from ${from}. Name one with \`to <version>\`; known ` +
      `versions: ${known}.`,
    noKnownVersions: (service, from) =>
      `🚫 There is no version to roll *${service}* back to from ${from}, and no versions are configured for it. An ` +
      `admin must list them under \`services.${service}.versions\`.`,
    engineUnavailable: (what) =>
      `⚠️ The rollback engine is not installed in this build yet: ${what} was recorded but not run. Follow the ` +
      `runbook by hand, then resolve the incident here.`,
    gradualNotPossible: (service, router) =>
      `🚫 *${service}* is blue-green (\`${router}\`): traffic moves at once, so only an immediate rollback can run on ` +
      `it. A gradual rollback needs a router that splits traffic by weight. Nothing was started.`,
    canaryNotPossible: (service, router) =>
      `🚫 *${service}* is blue-green (\`${router}\`): traffic moves at once, so a fix cannot come in as a canary. ` +
      `Switch to the fix with an immediate rollback to it instead. Nothing was started.`,
    canaryTooEarly: (incidentId, status) =>
      `🚫 A fix comes in as a canary once ${incidentId} is resolved by a rollback, or while a fix is being tried; it ` +
      `is *${status}* now. Nothing was started.`,
    otherIncidentOpen: (incidentId, service) =>
      `🚫 ${incidentId} is open on *${service}*: settle it before bringing a fix in. Nothing was started.`,
    servingUnknown: (service) =>
      `🚫 Rewind cannot tell which version of *${service}* serves traffic now, so it cannot plan the canary. Check ` +
      `\`/rollback status ${service}\`. Nothing was started.`,
    noFixVersion: (service) =>
      `🚫 No other version of *${service}* is configured: add the fixed version to \`services.${service}.versions\` ` +
      `in the config (with its deployment and subset or backend) and restart Rewind.`,
    fixIsServing: (service, version) =>
      `🚫 \`${version}\` already serves all traffic of *${service}*: choose the fixed version. Nothing was started.`,
    fixIsBadVersion: (incidentId, version) =>
      `🚫 \`${version}\` is the version ${incidentId} is about: choose the fixed version. Nothing was started.`,
    unknownRollback: (rollbackId) =>
      `🚫 There is no rollback ${rollbackId}. \`/rollback history\` lists the recent ones.`,
    startFailed: (what, reason) => `🛑 The ${what} could not start: ${reason}. Traffic was not moved.`,
    notAnAnswer: (value, question) =>
      `🚫 "${value}" is not an answer to *${question}*, so nothing was recorded. Choose one of the answers the menu ` +
      `offers.`,
    unknownChecklist:
      '🚫 This checklist does not belong to an incident Rewind knows, so nothing was ticked. Use the checklist in the ' +
      "incident's thread.",
  },
  ja: {
    approverAction: {
      approveRollback: 'ロールバックの承認',
      control: { pause: 'ロールバックの一時停止', resume: 'ロールバックの再開', abort: 'ロールバックの中止' },
      canary: '修正版のカナリア再デプロイ',
      runDrill: '訓練の実行',
      abortDrill: '訓練の中止',
      resolveIncident: 'インシデントの解決',
      resumeGitOps: 'GitOps の同期の再開',
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
      `🚫 *${action}* は承認者のみ実行できます。承認者: ${approvers}。承認者に依頼するか、管理者に \`slack.approvers\` への追加を依頼してください。` +
      `この操作は監査ログに記録されました。`,
    noApprovers: (action) =>
      `🚫 *${action}* は承認者のみ実行できますが、承認者が設定されていません。管理者が設定の \`slack.approvers\` を設定してください。この操作は監査ログに記録されました。`,
    sameApprover: (rollbackId) =>
      `🚫 ロールバック ${rollbackId} はすでにあなたが承認（または申請）しています。次の承認は別の承認者が行う必要があります。ほかの承認者に「承認」を依頼してください。`,
    rollbackRunning: (service, strategy, state) =>
      `🚫 *${service}* の${strategy}がすでに進行中です（${state}）。ロールバックは 1 サービスにつき同時に 1 つだけです。完了を待つか、` +
      `先に一時停止または中止してください（\`/rollback abort ${service}\`）。`,
    incidentResolved: (incidentId) =>
      `🚫 インシデント ${incidentId} はすでに解決済みのため、何も変更していません。問題が再発した場合は、新しいアラートで新しいインシデントが作成されます。`,
    unknownIncident: (incidentId) =>
      `🚫 インシデント ${incidentId} は存在しません。\`/incident list\` で対応中のインシデントと ID を確認できます。`,
    noOpenIncident: '🚫 対応中のインシデントはありません。`/incident list` で一覧を確認できます。',
    noOpenIncidentFor: (service) =>
      `🚫 *${service}* の対応中のインシデントはありません。\`/incident list\` で一覧を確認できます。`,
    severalOpenIncidents: (ids, example) =>
      `🚫 対応中のインシデントが複数あります（${ids}）。対象を指定してください。例: \`/incident ${example}\``,
    noRollback: (service) =>
      `🚫 *${service}* で進行中のロールバックはありません。\`/rollback status ${service}\` で現在のバージョンとトラフィックを確認できます。`,
    alreadyPaused: (rollbackId) =>
      `🚫 ロールバック ${rollbackId} はすでに一時停止中です。続けるには再開し、現在のトラフィックのまま止めるには中止してください。`,
    notPaused: (rollbackId) => `🚫 ロールバック ${rollbackId} は一時停止していないため、再開するものはありません。`,
    gitopsNotPaused: (rollbackId) =>
      `🚫 ロールバック ${rollbackId} が一時停止した GitOps の同期はありません（もともと停止していたか、再開済みです）。`,
    gitopsResuming: (rollbackId) => `🚫 ロールバック ${rollbackId} が一時停止した GitOps の同期はすでに再開中です。`,
    gitopsConfirming: (rollbackId) =>
      `🚫 ロールバック ${rollbackId} が一時停止した GitOps の同期を再開する確認がすでに開いています。そちらで回答して` +
      'ください（キャンセルしてから再開をもう一度押すこともできます）。何も再開していません。',
    gitopsFailed: (target, message) => `🚫 GitOps の同期を再開できませんでした。\`${target}\` の応答: \`${message}\``,
    notStarted: (rollbackId) =>
      `🚫 ロールバック ${rollbackId} はまだ開始していません（承認または計画時刻を待っています）。できるのは中止のみです。`,
    alreadyServing: (service, version) =>
      `🚫 *${service}* はすでに \`${version}\` で稼働しているため、切り戻す必要はありません。\`to <version>\` で別のバージョンを指定してください。何も開始していません。`,
    illegalTransition: (incidentId, from, to) =>
      `🚫 インシデント ${incidentId} は現在 *${from}* のため、*${to}* には移行できません。\`/incident timeline ${incidentId}\` ` +
      `でこれまでの経過を確認できます。`,
    noTargetVersion: (service, from, known) =>
      `🚫 *${service}* を ${from} から切り戻す先のバージョンがありません。\`to <version>\` で指定してください。既知のバージョン: ${known}`,
    noKnownVersions: (service, from) =>
      `🚫 *${service}* を ${from} から切り戻す先のバージョンがなく、バージョンも設定されていません。管理者が \`services.${service}.versions\` に登録してください。`,
    engineUnavailable: (what) =>
      `⚠️ このビルドにはロールバックエンジンがまだ組み込まれていません: ${what}は記録されましたが実行されていません。ランブックに沿って手動で対応し、完了したらここでインシデントを解決済みにしてください。`,
    gradualNotPossible: (service, router) =>
      `🚫 *${service}* はブルーグリーン構成（\`${router}\`）でトラフィックが一度に切り替わるため、実行できるのは即座ロールバックのみです。` +
      `段階的ロールバックには重みでトラフィックを分割できるルーターが必要です。何も開始していません。`,
    canaryNotPossible: (service, router) =>
      `🚫 *${service}* はブルーグリーン構成（\`${router}\`）でトラフィックが一度に切り替わるため、修正をカナリアで投入できません。修正版への即座ロールバックで切り替えてください。何も開始していません。`,
    canaryTooEarly: (incidentId, status) =>
      `🚫 修正をカナリアで投入できるのは、${incidentId} がロールバックで解決した後か、修正を試している間です。現在は *${status}* です。何も開始していません。`,
    otherIncidentOpen: (incidentId, service) =>
      `🚫 *${service}* では ${incidentId} が対応中です。先にそちらを片付けてから修正を投入してください。何も開始していません。`,
    servingUnknown: (service) =>
      `🚫 *${service}* で現在どのバージョンがトラフィックを受けているか分からないため、カナリアを計画できません。\`/rollback status ${service}\` を確認してください。` +
      `何も開始していません。`,
    noFixVersion: (service) =>
      `🚫 *${service}* にほかのバージョンが設定されていません。修正版を設定の \`services.${service}.versions\` に（\`deployment\` と \`subset\` または ` +
      `\`backend\` とともに）追加し、Rewind を再起動してください。`,
    fixIsServing: (service, version) =>
      `🚫 \`${version}\` はすでに *${service}* の全トラフィックを受けています。修正版を選んでください。何も開始していません。`,
    fixIsBadVersion: (incidentId, version) =>
      `🚫 \`${version}\` は ${incidentId} の原因のバージョンです。修正版を選んでください。何も開始していません。`,
    unknownRollback: (rollbackId) =>
      `🚫 ロールバック ${rollbackId} は存在しません。\`/rollback history\` で最近のロールバックを確認できます。`,
    startFailed: (what, reason) =>
      `🛑 ${what === 'canary' ? 'カナリア' : 'ロールバック'}を開始できませんでした: ${reason}。トラフィックは移していません。`,
    notAnAnswer: (value, question) =>
      `🚫 「${value}」は *${question}* の選択肢にないため、記録していません。メニューの選択肢から選んでください。`,
    unknownChecklist:
      '🚫 このチェックリストは Rewind が把握しているインシデントのものではないため、チェックを記録していません。インシデントのスレッドにあるチェックリストを使ってください。',
  },
};
