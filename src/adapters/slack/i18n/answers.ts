/** Strings of the ephemeral answers to slash commands (blocks/answers.ts). */
import type { Locale } from './locale.ts';

export interface AnswerStrings {
  incidentListHeader: string;
  incidentListEmpty: string;
  mtta: (time: string) => string;
  mttr: (time: string) => string;
  recentHeader: string;
  timelineHeader: (id: string) => string;
  timelineEmpty: string;
  statusHeader: (service: string) => string;
  statusVersion: (version: string) => string;
  statusNoRollback: string;
  statusIncident: (id: string, status: string) => string;
  statusNoIncident: string;
  statusThresholds: string;
  /** Said when no metrics provider is configured: there is nothing live to show. */
  statusNoMetrics: string;
  statusLiveHeader: (window: string) => string;
  /** A version's readings; `share` is its part of the traffic, absent when the routing was not read. */
  statusLiveVersion: (version: string, share: string | null, readings: string) => string;
  statusLiveNoAnswer: string;
  statusLiveNothingRead: string;
  historyHeader: (service: string | null) => string;
  historyEmpty: string;
  complaintRecorded: (service: string, count: number, window: string, threshold: string) => string;
  acknowledged: (id: string) => string;
  alreadyAcknowledged: (id: string, by: string) => string;
  resolved: (id: string) => string;
  controlDone: (control: 'pause' | 'resume' | 'abort', service: string) => string;
  approvalWaiting: (have: number, need: number) => string;
  rollbackStarted: (service: string, to: string) => string;
  rollbackScheduled: (service: string, to: string, when: string) => string;
  drillSchedule: (expression: string, timezone: string, runs: string[]) => string;
}

export const ANSWER_STRINGS: Record<Locale, AnswerStrings> = {
  en: {
    incidentListHeader: '*Open incidents*',
    incidentListEmpty: 'No open incidents. 🎉',
    mtta: (time) => `acknowledged after ${time}`,
    mttr: (time) => `recovered after ${time}`,
    recentHeader: '*Recently resolved*',
    timelineHeader: (id) => `*Timeline of ${id}*`,
    timelineEmpty: 'Nothing recorded yet.',
    statusHeader: (service) => `*${service}*`,
    statusVersion: (version) => `Serving (as far as Rewind knows): \`${version}\``,
    statusNoRollback: 'No rollback in progress.',
    statusIncident: (id, status) => `Open incident: ${id} (${status})`,
    statusNoIncident: 'No open incident.',
    statusThresholds: 'Thresholds:',
    statusNoMetrics: 'No metrics provider is configured, so Rewind reads no live values.',
    statusLiveHeader: (window) => `Now (over the last ${window}):`,
    statusLiveVersion: (version, share, readings) =>
      `• \`${version}\`${share === null ? '' : ` (${share} of traffic)`}: ${readings}`,
    statusLiveNoAnswer: 'the metrics backend did not answer in time',
    statusLiveNothingRead: 'no metric could be read',
    historyHeader: (service) => (service ? `*Rollbacks of ${service}*` : '*Recent rollbacks*'),
    historyEmpty: 'No rollbacks recorded.',
    complaintRecorded: (service, count, window, threshold) =>
      `📣 Complaint about *${service}* recorded. ${count} in the last ${window} (the watch tier fires above ` +
      `${threshold}).`,
    acknowledged: (id) => `✋ You acknowledged ${id}.`,
    alreadyAcknowledged: (id, by) => `${id} was already acknowledged by ${by}.`,
    resolved: (id) => `✅ ${id} is resolved.`,
    controlDone: (control, service) =>
      ({
        pause: `⏸ Paused the rollback of *${service}*.`,
        resume: `▶️ Resumed the rollback of *${service}*.`,
        abort: `⏹ Aborted the rollback of *${service}*.`,
      })[control],
    approvalWaiting: (have, need) =>
      `Your approval is recorded (${have}/${need}). The rollback starts when another approver confirms.`,
    rollbackStarted: (service, to) =>
      `🚀 Rollback of *${service}* to \`${to}\` started. Follow it in the incident thread.`,
    rollbackScheduled: (service, to, when) =>
      `🗓 Rollback of *${service}* to \`${to}\` planned for ${when}. The incident thread has the reminder and the ` +
      `cancel button.`,
    drillSchedule: (expression, timezone, runs) =>
      `*Drill schedule* \`${expression}\` (${timezone})\nNext runs:\n${runs.map((r) => `• ${r}`).join('\n')}`,
  },
  ja: {
    incidentListHeader: '*対応中のインシデント*',
    incidentListEmpty: '対応中のインシデントはありません。🎉',
    mtta: (time) => `確認まで ${time}`,
    mttr: (time) => `復旧まで ${time}`,
    recentHeader: '*最近解決したインシデント*',
    timelineHeader: (id) => `*${id} のタイムライン*`,
    timelineEmpty: 'まだ記録がありません。',
    statusHeader: (service) => `*${service}*`,
    statusVersion: (version) => `稼働中のバージョン（Rewind の把握する限り）: \`${version}\``,
    statusNoRollback: '進行中のロールバックはありません。',
    statusIncident: (id, status) => `対応中のインシデント: ${id}（${status}）`,
    statusNoIncident: '対応中のインシデントはありません。',
    statusThresholds: 'しきい値:',
    statusNoMetrics: 'メトリクスプロバイダが設定されていないため、現在値は読み取っていません。',
    statusLiveHeader: (window) => `現在値（直近 ${window}）:`,
    statusLiveVersion: (version, share, readings) =>
      `• \`${version}\`${share === null ? '' : `（トラフィックの ${share}）`}: ${readings}`,
    statusLiveNoAnswer: 'メトリクスのバックエンドが時間内に応答しませんでした',
    statusLiveNothingRead: '読み取れたメトリクスはありません',
    historyHeader: (service) => (service ? `*${service} のロールバック履歴*` : '*最近のロールバック*'),
    historyEmpty: 'ロールバックの記録はありません。',
    complaintRecorded: (service, count, window, threshold) =>
      `📣 *${service}* へのユーザー苦情を記録しました。直近 ${window} で ${count} 件です（${threshold} 件を超えると監視強化ティアが発火します）。`,
    acknowledged: (id) => `✋ ${id} を確認済みにしました。`,
    alreadyAcknowledged: (id, by) => `${id} は ${by} が確認済みです。`,
    resolved: (id) => `✅ ${id} を解決済みにしました。`,
    controlDone: (control, service) =>
      ({
        pause: `⏸ *${service}* のロールバックを一時停止しました。`,
        resume: `▶️ *${service}* のロールバックを再開しました。`,
        abort: `⏹ *${service}* のロールバックを中止しました。`,
      })[control],
    approvalWaiting: (have, need) =>
      `承認を記録しました（${have}/${need}）。別の承認者が確認するとロールバックが始まります。`,
    rollbackStarted: (service, to) =>
      `🚀 *${service}* を \`${to}\` へロールバックし始めました。経過はインシデントのスレッドで確認できます。`,
    rollbackScheduled: (service, to, when) =>
      `🗓 *${service}* の \`${to}\` へのロールバックを ${when} に予定しました。リマインドとキャンセルボタンはインシデントのスレッドにあります。`,
    drillSchedule: (expression, timezone, runs) =>
      `*訓練スケジュール* \`${expression}\`（${timezone}）\n次回以降:\n${runs.map((r) => `• ${r}`).join('\n')}`,
  },
};
