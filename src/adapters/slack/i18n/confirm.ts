/** Strings of the rollback confirmation modal (blocks/confirm.ts). */
import type { Locale } from './locale.ts';

export interface ConfirmStrings {
  /** Modal title, submit and close labels: Slack allows 24 characters each. */
  title: string;
  submit: string;
  close: string;
  intro: (strategy: string, service: string) => string;
  forIncident: (incidentId: string) => string;
  fromLabel: string;
  toLabel: string;
  unknownFrom: string;
  whatHappensLabel: string;
  immediatePlan: (from: string, to: string) => string;
  gradualPlan: (from: string, steps: string, phaseCount: number) => string;
  gradualAbortNote: string;
  /** `count` phases at `skipped` are at or above the share `from` has `now`. */
  gradualSkipped: (from: string, now: string, skipped: string, count: number) => string;
  gradualUnread: (from: string) => string;
  /** The first of the steps when the share could not be read. */
  nowUnread: string;
  approvalNote: (required: number) => string;
  dryRunWarning: string;
  plannedAt: (when: string) => string;
}

export const CONFIRM_STRINGS: Record<Locale, ConfirmStrings> = {
  en: {
    title: 'Confirm rollback',
    submit: 'Roll back',
    close: 'Cancel',
    intro: (strategy, service) => `*${strategy}* of *${service}*`,
    forIncident: (incidentId) => `Incident ${incidentId}`,
    fromLabel: '*From (now serving)*',
    toLabel: '*To (rollback target)*',
    unknownFrom: 'unknown: no version recorded',
    whatHappensLabel: '*What happens*',
    immediatePlan: (from, to) =>
      `All traffic switches from ${from} to ${to} at once; then the bot reads the change back and verifies the ` +
      `metrics.`,
    gradualPlan: (from, steps, phaseCount) =>
      `Traffic on ${from} steps down in ${phaseCount} phases: ${steps}. Each phase is observed before the next one ` +
      `starts.`,
    gradualAbortNote:
      'If the abort condition holds during a phase, traffic goes straight to 0% on the version being rolled back.',
    gradualSkipped: (from, now, skipped, count) =>
      `${from} has ${now} of the traffic now, so the ${count === 1 ? 'phase' : 'phases'} at ${skipped} ` +
      `${count === 1 ? 'is' : 'are'} skipped: a rollback never sends traffic back to the version it rolls back.`,
    gradualUnread: (from) =>
      `The share ${from} has now could not be read from the cluster. It is read again when the rollback starts, and ` +
      `a phase at or above it is skipped.`,
    nowUnread: 'now',
    approvalNote: (required) =>
      `🔐 This rollback needs ${required} approvals: after you confirm, a different approver must press Approve in ` +
      `the incident thread before it starts.`,
    plannedAt: (when) =>
      `🗓 *Planned*: runs at ${when}. A reminder is posted in the incident thread before it starts, with a button to ` +
      `cancel it.`,
    dryRunWarning: '🧪 *Dry run*: every routing change is logged, none is sent to the cluster. Traffic will not move.',
  },
  ja: {
    title: 'ロールバックの確認',
    submit: '実行する',
    close: 'キャンセル',
    intro: (strategy, service) => `*${service}* の *${strategy}*`,
    forIncident: (incidentId) => `インシデント ${incidentId}`,
    fromLabel: '*切り戻し元（現在のバージョン）*',
    toLabel: '*切り戻し先*',
    unknownFrom: '不明（バージョンの記録なし）',
    whatHappensLabel: '*実行される内容*',
    immediatePlan: (from, to) =>
      `すべてのトラフィックを ${from} から ${to} へ一度に切り替え、変更を読み戻してメトリクスを検証します。`,
    gradualPlan: (from, steps, phaseCount) =>
      `${from} へのトラフィックを ${phaseCount} フェーズで段階的に減らします: ${steps}。各フェーズを観測してから次へ進みます。`,
    gradualAbortNote: 'フェーズ中に中止条件を満たした場合、切り戻し元へのトラフィックは直ちに 0% になります。',
    gradualSkipped: (from, now, skipped, _count) =>
      `${from} のトラフィックは現在 ${now} のため、${skipped} のフェーズは飛ばします（切り戻し元へトラフィックを戻すことはありません）。`,
    gradualUnread: (from) =>
      `${from} の現在の割合をクラスタから読み取れませんでした。ロールバック開始時にもう一度読み取り、その割合以上のフェーズは飛ばします。`,
    nowUnread: '現在',
    approvalNote: (required) =>
      `🔐 このロールバックには ${required} 名の承認が必要です。確認後、別の承認者がインシデントのスレッドで「承認」を押すと開始されます。`,
    plannedAt: (when) =>
      `🗓 *計画的ロールバック*: ${when} に実行します。開始前にインシデントのスレッドへリマインドを投稿し、キャンセルボタンを付けます。`,
    dryRunWarning:
      '🧪 *ドライラン*: ルーティングの変更はログに記録されるだけで、クラスタには送信されません。トラフィックは変わりません。',
  },
};
