/** Strings of the incident head message (blocks/incident.ts). Shared vocabulary lives in terms.ts. */
import type { Locale } from './locale.ts';

export interface IncidentStrings {
  severity: (label: string) => string;
  elapsed: (duration: string) => string;
  /** Open incidents: when it started, with a live "… ago"; `ago` is the age at render time for the fallback. */
  started: (when: string) => string;
  ago: (duration: string) => string;
  escalated: (label: string) => string;
  acknowledgedBy: (who: string) => string;
  acknowledged: string;
  breachesHeading: string;
  moreBreaches: (count: number) => string;
  matrixHeading: string;
  recommended: (action: string, basis: string) => string;
  ruleBasis: (ruleNumber: number) => string;
  defaultBasis: string;
  /** The basis when the recommendation is not the matrix's own action: what the rule (null: the default) said. */
  matrixSaid: (action: string, ruleNumber: number | null) => string;
  /** Why the matrix's gradual rollback is not recommended for this service now. */
  insteadBecause: {
    movesAtOnce: (service: string, router: string) => string;
    abortIfHolds: (metric: string, value: string, abortIf: string) => string;
  };
  decision: (who: string, action: string, when: string) => string;
  rollbackHeading: (strategy: string, status: string, startedBy: string) => string;
  traffic: (split: string) => string;
  waitingApproval: (have: number, need: number) => string;
  approvedBy: (who: string) => string;
  scheduledFor: (when: string) => string;
  rollbackError: (message: string) => string;
  resolvedSummary: (duration: string) => string;
  resolvedDecision: (action: string, who: string) => string;
  resolvedRollback: (strategy: string, versions: string, status: string) => string;
  resolvedFix: (strategy: string, versions: string, status: string) => string;
  /** A resolved incident shows the highest severity it reached, not a live one. */
  peakSeverity: (label: string) => string;
  /** The header's state while the fix comes in as a canary after the resolution (`share`: on the fix). */
  fixCanary: {
    waiting: (version: string) => string;
    at: (version: string, share: string) => string;
    paused: (version: string, share: string) => string;
  };
  fixCanarySummary: (duration: string) => string;
  button: {
    acknowledge: string;
    resolve: string;
    approve: string;
    pause: string;
    resume: string;
    abort: string;
    cancelScheduled: string;
  };
  confirmResolve: { title: string; text: (incidentId: string) => string; confirm: string; deny: string };
  confirmAbort: { title: string; text: (service: string) => string; confirm: string; deny: string };
  /** A canary that is aborted goes back to the stable version, unlike a rollback that stays where it is. */
  confirmAbortCanary: { title: string; text: (service: string) => string; confirm: string; deny: string };
  confirmCancelScheduled: { title: string; text: (service: string) => string; confirm: string; deny: string };
}

export const INCIDENT_STRINGS: Record<Locale, IncidentStrings> = {
  en: {
    severity: (label) => `Severity: ${label}`,
    elapsed: (duration) => `Elapsed ${duration}`,
    started: (when) => `Started ${when}`,
    ago: (duration) => `${duration} ago`,
    escalated: (label) => `⏫ escalated: ${label}`,
    acknowledgedBy: (who) => `👀 Acknowledged by ${who}`,
    acknowledged: '👀 Acknowledged',
    breachesHeading: '*Thresholds breached*',
    moreBreaches: (count) => `…and ${count} more`,
    matrixHeading: '*Judgment matrix*: answer all three questions for a recommended action.',
    recommended: (action, basis) => `⭐ Recommended: *${action}* (${basis})`,
    ruleBasis: (ruleNumber) => `rule ${ruleNumber}`,
    defaultBasis: 'default',
    matrixSaid: (action, ruleNumber) =>
      ruleNumber === null ? `the matrix's default is *${action}*` : `rule ${ruleNumber} of the matrix says *${action}*`,
    insteadBecause: {
      movesAtOnce: (service, router) =>
        `Blue-green: traffic moves at once. *${service}* is routed by \`${router}\`, which sends all traffic to one ` +
        `version, so a gradual rollback cannot run on it.`,
      abortIfHolds: (metric, value, abortIf) =>
        `A gradual rollback would abort at once: ${metric} is ${value} now, which already meets its abort condition ` +
        `\`${abortIf}\`, so its first phase would go straight to 0%.`,
    },
    decision: (who, action, when) => `✅ ${who} chose *${action}* (${when})`,
    rollbackHeading: (strategy, status, startedBy) => `*${strategy}* · ${status} · started by ${startedBy}`,
    traffic: (split) => `Traffic: ${split}`,
    waitingApproval: (have, need) => `⏳ Waiting for approval: ${have}/${need}`,
    approvedBy: (who) => ` (approved by ${who})`,
    scheduledFor: (when) => `🗓 Scheduled for ${when}`,
    rollbackError: (message) => `⚠️ Error: ${message}`,
    resolvedSummary: (duration) =>
      `✅ Resolved after ${duration}. Who resolved it, and the full timeline, are in the thread.`,
    resolvedDecision: (action, who) => `Decision: ${action} (${who})`,
    resolvedRollback: (strategy, versions, status) => `Rollback: ${strategy} ${versions}, ${status}`,
    resolvedFix: (strategy, versions, status) => `Fix: ${strategy} ${versions}, ${status}`,
    peakSeverity: (label) => `Peak severity: ${label}`,
    fixCanary: {
      waiting: (version) => `Fix canary: ${version} waiting for approval`,
      at: (version, share) => `Fix canary: ${version} at ${share}`,
      paused: (version, share) => `Fix canary: ${version} paused at ${share}`,
    },
    fixCanarySummary: (duration) =>
      `The incident was resolved after ${duration}. Its fix is now coming in as a cautious canary, watched at every ` +
      `step.`,
    button: {
      acknowledge: 'Acknowledge',
      resolve: 'Resolve',
      approve: 'Approve',
      pause: 'Pause',
      resume: 'Resume',
      abort: 'Abort',
      cancelScheduled: 'Cancel rollback',
    },
    confirmResolve: {
      title: 'Resolve this incident?',
      text: (incidentId) =>
        `${incidentId} will be marked resolved and its escalation stops. The summary goes to the thread.`,
      confirm: 'Resolve',
      deny: 'Not yet',
    },
    confirmAbortCanary: {
      title: 'Abort the canary?',
      text: (service) =>
        `The canary of ${service} stops now: the fix goes back to 0% and all traffic returns to the stable version.`,
      confirm: 'Abort',
      deny: 'Keep going',
    },
    confirmAbort: {
      title: 'Abort the rollback?',
      text: (service) =>
        `The rollback of ${service} stops now and no further phase runs. You can start a new rollback afterwards.`,
      confirm: 'Abort',
      deny: 'Keep going',
    },
    confirmCancelScheduled: {
      title: 'Cancel the planned rollback?',
      text: (service) => `The planned rollback of ${service} will not run. Traffic is not changed.`,
      confirm: 'Cancel rollback',
      deny: 'Keep it',
    },
  },
  ja: {
    severity: (label) => `重大度: ${label}`,
    elapsed: (duration) => `経過 ${duration}`,
    started: (when) => `発生 ${when}`,
    ago: (duration) => `${duration}前`,
    escalated: (label) => `⏫ エスカレーション: ${label}`,
    acknowledgedBy: (who) => `👀 ${who} が確認済み`,
    acknowledged: '👀 確認済み',
    breachesHeading: '*閾値超過*',
    moreBreaches: (count) => `…ほか ${count} 件`,
    matrixHeading: '*判断マトリックス*: 3 つの質問すべてに答えると推奨アクションが表示されます。',
    recommended: (action, basis) => `⭐ 推奨: *${action}*（${basis}）`,
    ruleBasis: (ruleNumber) => `ルール ${ruleNumber}`,
    defaultBasis: 'デフォルト',
    matrixSaid: (action, ruleNumber) =>
      ruleNumber === null
        ? `マトリックスのデフォルトは *${action}*`
        : `マトリックスのルール ${ruleNumber} は *${action}*`,
    insteadBecause: {
      movesAtOnce: (service, router) =>
        `ブルーグリーン構成: トラフィックは一度に切り替わります。*${service}* のルーター \`${router}\` は全トラフィックを 1 つのバージョンへ送るため、段階的ロールバックは実行できません。`,
      abortIfHolds: (metric, value, abortIf) =>
        `段階的ロールバックは直ちに中止されます: 現在の ${metric} は ${value} で、中止条件 \`${abortIf}\` を既に満たしているため、最初のフェーズでそのまま 0% になります。`,
    },
    decision: (who, action, when) => `✅ ${who} が *${action}* を選択（${when}）`,
    rollbackHeading: (strategy, status, startedBy) => `*${strategy}* · ${status} · 開始: ${startedBy}`,
    traffic: (split) => `トラフィック: ${split}`,
    waitingApproval: (have, need) => `⏳ 承認待ち: ${have}/${need}`,
    approvedBy: (who) => `（承認: ${who}）`,
    scheduledFor: (when) => `🗓 実行予定: ${when}`,
    rollbackError: (message) => `⚠️ エラー: ${message}`,
    resolvedSummary: (duration) => `✅ ${duration} で解決。対応者と経過の詳細はスレッドを参照してください。`,
    resolvedDecision: (action, who) => `判断: ${action}（${who}）`,
    resolvedRollback: (strategy, versions, status) => `ロールバック: ${strategy} ${versions}、${status}`,
    resolvedFix: (strategy, versions, status) => `修正版: ${strategy} ${versions}、${status}`,
    peakSeverity: (label) => `最大重大度: ${label}`,
    fixCanary: {
      waiting: (version) => `修正版カナリア: ${version} 承認待ち`,
      at: (version, share) => `修正版カナリア: ${version} ${share}`,
      paused: (version, share) => `修正版カナリア: ${version} ${share} で一時停止中`,
    },
    fixCanarySummary: (duration) =>
      `インシデントは ${duration} で解決済みです。現在、修正版を慎重なカナリアで投入しており、各段階を監視しています。`,
    button: {
      acknowledge: '確認 (Ack)',
      resolve: '解決済みにする',
      approve: '承認',
      pause: '一時停止',
      resume: '再開',
      abort: '中止',
      cancelScheduled: '予約を取り消す',
    },
    confirmResolve: {
      title: 'インシデントを解決済みにしますか？',
      text: (incidentId) =>
        `${incidentId} を解決済みにし、エスカレーションを停止します。まとめはスレッドに投稿されます。`,
      confirm: '解決済みにする',
      deny: 'まだ',
    },
    confirmAbortCanary: {
      title: 'カナリアを中止しますか？',
      text: (service) =>
        `${service} のカナリアをここで止め、修正版を 0% に戻してすべてのトラフィックを安定版に戻します。`,
      confirm: '中止する',
      deny: '続ける',
    },
    confirmAbort: {
      title: 'ロールバックを中止しますか？',
      text: (service) =>
        `${service} のロールバックをここで止め、以降のフェーズは実行しません。中止後に新しいロールバックを開始できます。`,
      confirm: '中止する',
      deny: '続行する',
    },
    confirmCancelScheduled: {
      title: '計画的ロールバックを取り消しますか？',
      text: (service) => `${service} の計画的ロールバックは実行されません。トラフィックは変更されません。`,
      confirm: '予約を取り消す',
      deny: '残す',
    },
  },
};
