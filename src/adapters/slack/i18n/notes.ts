/**
 * Strings of thread replies (blocks/notes.ts noteMessage) and of the channel and direct messages
 * that go with them. The ephemeral refusals are in refusals.ts.
 */
import { indefinite } from './article.ts';
import type { Locale } from './locale.ts';

export interface NoteStrings {
  decision: (who: string, action: string) => string;
  decisionAsRecommended: string;
  decisionAgainstRecommendation: (recommended: string) => string;
  assessment: (who: string, answers: string) => string;
  assessmentIncomplete: string;
  rollbackRequested: (who: string, strategy: string, service: string, versions: string) => string;
  approvalNeeded: (
    who: string,
    strategy: string,
    service: string,
    versions: string,
    have: number,
    need: number,
  ) => string;
  approved: (who: string, service: string, have: number, need: number) => string;
  approvedComplete: string;
  approvalsMissing: (missing: number) => string;
  control: {
    pause: (who: string, strategy: string, service: string) => string;
    resume: (who: string, strategy: string, service: string) => string;
    abort: (who: string, strategy: string, service: string) => string;
  };
  controlState: (state: string) => string;
  /** Rewind paused the rollback itself because another writer changed the routing (the drift note says who, what). */
  pausedOnDrift: (strategy: string, service: string) => string;
  acknowledged: (who: string) => string;
  resolved: (who: string) => string;
  /** A person who acted from the break-glass command line, and the OS account it ran as. */
  viaCommandLine: (who: string, osUser: string) => string;
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
  automaticRollbackHeld: (reason: string, strategy: string, id: string, service: string, status: string) => string;
  unknownService: (service: string, source: string, summary: string) => string;
  /**
   * The rest of a minute's unknown services in one line; `since` names the minute when the line is late (null: it is
   * the minute just ended).
   */
  unknownServicesMore: (count: number, names: string, since: string | null) => string;
  reminder: (strategy: string, service: string, versions: string, when: string) => string;
}

/** `Immediate rollback` → `an immediate rollback`: a strategy's name inside an English sentence. */
const withArticle = (strategy: string) => `${/^[aeiou]/i.test(strategy) ? 'an' : 'a'} ${strategy.toLowerCase()}`;

export const NOTE_STRINGS: Record<Locale, NoteStrings> = {
  en: {
    decision: (who, action) => `🧭 ${who} chose *${action}*.`,
    decisionAsRecommended:
      'This is the recommended course (the judgment matrix, adjusted for what the service can do and the live ' +
      'numbers).',
    decisionAgainstRecommendation: (recommended) => `The recommended course was *${recommended}*.`,
    assessment: (who, answers) => `📝 ${who} updated the assessment: ${answers}`,
    assessmentIncomplete: 'Answer the remaining questions for a recommendation.',
    rollbackRequested: (who, strategy, service, versions) =>
      `🔁 ${who} started ${withArticle(strategy)} of *${service}*: ${versions}.`,
    approvalNeeded: (who, strategy, service, versions, have, need) =>
      `🔐 ${who} requested ${withArticle(strategy)} of *${service}*: ${versions}. It needs ${need} approvals ` +
      `(${have} so far): another approver, please review and press Approve.`,
    approved: (who, service, have, need) => `✅ ${who} approved the rollback of *${service}* (${have}/${need}).`,
    approvedComplete: 'It starts now.',
    approvalsMissing: (missing) => `${missing} more ${missing === 1 ? 'approval is' : 'approvals are'} needed.`,
    control: {
      pause: (who, strategy, service) => `⏸ ${who} paused the ${strategy.toLowerCase()} of *${service}*.`,
      resume: (who, strategy, service) => `▶️ ${who} resumed the ${strategy.toLowerCase()} of *${service}*.`,
      abort: (who, strategy, service) => `⏹ ${who} aborted the ${strategy.toLowerCase()} of *${service}*.`,
    },
    controlState: (state) => `Now: ${state}.`,
    pausedOnDrift: (strategy, service) =>
      `⏸ Rewind paused the ${strategy.toLowerCase()} of *${service}* because its routing was changed by someone ` +
      'else (drift): it does not fight that change. The routing note says who changed what.',
    acknowledged: (who) => `👀 ${who} acknowledged the incident.`,
    resolved: (who) => `✅ ${who} resolved the incident.`,
    viaCommandLine: (who, osUser) => `${who} (from the command line, as OS user ${osUser})`,
    escalationDm: (label, incidentId, service, linkText) =>
      `⏫ ${incidentId} (${service}) is escalated to you as *${label}*: it is still not resolved. Open the incident: ` +
      linkText,
    escalation: (level, label, who) =>
      `⏫ Escalation level ${level} (${label}): ${who}, this incident is still not resolved. Please join this thread.`,
    escalationNobody: (level, label) =>
      `⏫ Escalation level ${level} (${label}): this incident is still not resolved, and nobody is configured to ` +
      `notify at this level.`,
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
    notRecovered: (service, version, breaching) =>
      `⚠️ *${service}* has not recovered on \`${version}\`: ${breaching}. Escalating; the next version down the ` +
      `fallback chain can be rolled to from here.`,
    nextFallback: 'Roll back to the next version',
    draftRca: 'Draft the RCA',
    postmortemScheduled: (when, who) => `🗓 Post-mortem scheduled for ${when}. Participants: ${who}.`,
    fixPrep: '🛠 Fix preparation (runbook): tick the steps as they are done; the state is kept with the incident.',
    postmortemReminder: (who) =>
      `📝 Post-mortem time: ${who}, please meet to review this incident (the RCA draft is one click away).`,
    rcaPosted: (id) => `📄 The RCA draft of ${id} is posted in the incident thread.`,
    rcaAlreadyPosted: (id, ago, thread) =>
      `📄 The RCA draft of ${id} was posted in the incident thread ${ago} ago, and nothing it is drawn from has ` +
      `changed since, so it was not posted again: ${thread}.`,
    rcaThreadLink: 'open the thread',
    automaticRollback: (reason) =>
      `🤖 Rewind started the immediate rollback itself (${reason}; \`autoRollback: critical\`).`,
    automaticRollbackHeld: (reason, strategy, id, service, status) =>
      `🚨 Rewind did not start the automatic rollback (${reason}; \`autoRollback: critical\`): ${strategy} ` +
      `${id} already holds *${service}* (${status}). Go on with it, or abort it and roll back now: ` +
      `\`/rollback abort ${service}\`, then \`/rollback immediate ${service}\`.`,
    unknownService: (service, source, summary) =>
      `❓ ${indefinite(source, true)} alert names the service *${service}*, which is not configured in Rewind: ` +
      `"${summary}". It was stored; add the service to config/rewind.yml to have its alerts handled. (Said at ` +
      `most once an hour per service.)`,
    unknownServicesMore: (count, names, since) =>
      `❓ …and ${count.toLocaleString('en-US')} more unknown ${count === 1 ? 'service' : 'services'} sent alerts ` +
      `${since === null ? 'in the last minute' : `in the minute from ${since}`}: ${names}. They were stored; add ` +
      `them to config/rewind.yml to have their alerts handled.`,
    scheduled: (strategy, service, versions, when) =>
      `🗓 ${strategy} of *${service}* ${versions} is planned for ${when}. Cancel it here until then.`,
    reminder: (strategy, service, versions, when) =>
      `⏰ Reminder: the ${strategy} of *${service}* ${versions} starts at ${when}.`,
    escalationLate: (late) => `(Sent ${late} late: the bot was not running when it came due.)`,
  },
  ja: {
    decision: (who, action) => `🧭 ${who} が *${action}* を選択しました。`,
    decisionAsRecommended:
      '推奨どおりの対応です（判断マトリックスを、サービスにできることと現在の数値で補正したもの）。',
    decisionAgainstRecommendation: (recommended) => `推奨は *${recommended}* でした。`,
    assessment: (who, answers) => `📝 ${who} が評価を更新しました: ${answers}`,
    assessmentIncomplete: '残りの質問に答えると推奨アクションが表示されます。',
    rollbackRequested: (who, strategy, service, versions) =>
      `🔁 ${who} が *${service}* の *${strategy}* を開始しました: ${versions}`,
    approvalNeeded: (who, strategy, service, versions, have, need) =>
      `🔐 ${who} が *${service}* の *${strategy}* を申請しました: ${versions}。承認が ${need} 件必要です（現在 ${have} 件）。` +
      `別の承認者の方は内容を確認して「承認」を押してください。`,
    approved: (who, service, have, need) =>
      `✅ ${who} が *${service}* のロールバックを承認しました（${have}/${need}）。`,
    approvedComplete: 'これから開始します。',
    approvalsMissing: (missing) => `あと ${missing} 件の承認が必要です。`,
    control: {
      pause: (who, strategy, service) => `⏸ ${who} が *${service}* の${strategy}を一時停止しました。`,
      resume: (who, strategy, service) => `▶️ ${who} が *${service}* の${strategy}を再開しました。`,
      abort: (who, strategy, service) => `⏹ ${who} が *${service}* の${strategy}を中止しました。`,
    },
    controlState: (state) => `（現在: ${state}）`,
    pausedOnDrift: (strategy, service) =>
      `⏸ *${service}* のルーティングが他の誰かによって変更された（ドリフト）ため、Rewind はその変更と競合しないよう` +
      `${strategy}を一時停止しました。誰が何を変更したかはルーティングの通知にあります。`,
    acknowledged: (who) => `👀 ${who} がインシデントを確認しました。`,
    resolved: (who) => `✅ ${who} がインシデントを解決済みにしました。`,
    viaCommandLine: (who, osUser) => `${who}（コマンドラインから、ログインユーザー ${osUser} として）`,
    escalationDm: (label, incidentId, service, linkText) =>
      `⏫ ${incidentId}（${service}）が *${label}* としてあなたにエスカレーションされました。まだ解決していません。` +
      `インシデントを開く: ${linkText}`,
    escalation: (level, label, who) =>
      `⏫ エスカレーション レベル ${level}（${label}）: ${who} このインシデントはまだ解決していません。スレッドに参加してください。`,
    escalationNobody: (level, label) =>
      `⏫ エスカレーション レベル ${level}（${label}）: このインシデントはまだ解決していませんが、このレベルの通知先が設定されていません。`,
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
    notRecovered: (service, version, breaching) =>
      `⚠️ *${service}* は \`${version}\` でも復旧していません: ${breaching}。エスカレーションします。ここからフォールバックチェーンの次のバージョンへロールバックできます。`,
    nextFallback: '次のバージョンへロールバック',
    draftRca: 'RCA の下書きを作成',
    postmortemScheduled: (when, who) => `🗓 ポストモーテムを ${when} に予定しました。参加者: ${who}`,
    fixPrep:
      '🛠 修正版の準備（ランブック）: 終わった項目にチェックを入れてください。状態はインシデントと一緒に保存されます。',
    postmortemReminder: (who) =>
      `📝 ポストモーテムの時間です: ${who} このインシデントを振り返ってください（RCA の下書きはボタン一つで作れます）。`,
    rcaPosted: (id) => `📄 ${id} の RCA 下書きをインシデントのスレッドに投稿しました。`,
    rcaAlreadyPosted: (id, ago, thread) =>
      `📄 ${id} の RCA 下書きは ${ago}前にインシデントのスレッドに投稿済みで、その後元になる記録に変化がないため、再投稿していません: ${thread}`,
    rcaThreadLink: 'スレッドを開く',
    automaticRollback: (reason) =>
      `🤖 Rewind が即座ロールバックを自動で開始しました（${reason}、\`autoRollback: critical\`）。`,
    automaticRollbackHeld: (reason, strategy, id, service, status) =>
      `🚨 ${strategy} ${id} がすでに *${service}* を扱っているため（${status}）、Rewind は自動ロールバックを開始しませんでした` +
      `（${reason}、\`autoRollback: critical\`）。そのまま進めるか、中止してすぐにロールバックしてください: ` +
      `\`/rollback abort ${service}\` の後に \`/rollback immediate ${service}\`。`,
    unknownService: (service, source, summary) =>
      `❓ ${source} のアラートが Rewind に設定されていないサービス *${service}* を指しています: 「${summary}」。記録はしました。扱うには config/rewind.yml ` +
      `にサービスを追加してください。（同じサービスについては1時間に一度までお知らせします）`,
    unknownServicesMore: (count, names, since) =>
      `❓ ほかにも Rewind に設定されていないサービス ${count.toLocaleString('ja-JP')} ` +
      `件が${since === null ? '直近1分間に' : `${since} からの1分間に`}アラートを送りました: ${names}。記録はしました。扱うには config/rewind.yml ` +
      `にサービスを追加してください。`,
    scheduled: (strategy, service, versions, when) =>
      `🗓 *${service}* の${strategy}（${versions}）を ${when} に予定しました。それまではここからキャンセルできます。`,
    reminder: (strategy, service, versions, when) =>
      `⏰ リマインド: *${service}* の${strategy}（${versions}）は ${when} に始まります。`,
    escalationLate: (late) => `（ボットが停止していたため、予定より ${late} 遅れて通知しました）`,
  },
};
