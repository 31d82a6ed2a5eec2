/** Strings of the cautious-canary modal (blocks/canary.ts) and its answers. */
import type { Locale } from './locale.ts';

export interface CanaryStrings {
  /** Modal title, submit and close labels: Slack allows 24 characters each. */
  title: string;
  submit: string;
  close: string;
  /** The button on the fix-prep note and on a 修正を試みる incident. */
  button: string;
  intro: (service: string, incidentId: string) => string;
  stableLabel: (version: string) => string;
  versionLabel: string;
  versionPlaceholder: string;
  plan: (steps: string, observe: string, stable: string) => string;
  abortNote: (condition: string) => string;
  approvalNote: (required: number) => string;
  dryRunWarning: string;
  started: (service: string, version: string, first: string) => string;
  approvalWaiting: (have: number, need: number) => string;
  noVersionChosen: string;
}

export const CANARY_STRINGS: Record<Locale, CanaryStrings> = {
  en: {
    title: 'Re-deploy the fix',
    submit: 'Start canary',
    close: 'Cancel',
    button: 'Re-deploy fix as cautious canary',
    intro: (service, incidentId) =>
      `Bring the fixed version of *${service}* in as a cautious canary (incident ${incidentId}).`,
    stableLabel: (version) => `*Stable (serving now)*\n\`${version}\``,
    versionLabel: 'Fixed version',
    versionPlaceholder: 'Choose the fixed version',
    plan: (steps, observe, stable) =>
      `Traffic on the fix goes ${steps}, each step watched for ${observe}; at 100% its metrics are verified over ` +
      `twice the usual window. ${stable} keeps the rest.`,
    abortNote: (condition) =>
      `If \`${condition}\` holds for the fix at any step, or it is not healthy at 100%, the canary goes back to 0% ` +
      `and all traffic returns to the stable version.`,
    approvalNote: (required) =>
      `🔐 The canary needs ${required} approvals: after you start it, a different approver must press Approve in the ` +
      `incident thread.`,
    dryRunWarning: '🧪 *Dry run*: every routing change is logged, none is sent to the cluster.',
    started: (service, version, first) =>
      `🐤 Cautious canary of *${service}* \`${version}\` started at ${first}. Follow it in the incident thread.`,
    approvalWaiting: (have, need) =>
      `Your approval is recorded (${have}/${need}). The canary starts when another approver approves it in the thread.`,
    noVersionChosen: 'Choose the fixed version to bring in.',
  },
  ja: {
    title: '修正版の再デプロイ',
    submit: 'カナリア開始',
    close: 'キャンセル',
    button: '修正版を慎重なカナリアで再デプロイ',
    intro: (service, incidentId) => `*${service}* の修正版を慎重なカナリアで投入します（インシデント ${incidentId}）。`,
    stableLabel: (version) => `*安定版（現在のバージョン）*\n\`${version}\``,
    versionLabel: '修正版のバージョン',
    versionPlaceholder: '修正版を選択',
    plan: (steps, observe, stable) =>
      `修正版へのトラフィックを ${steps} と段階的に増やし、各段階を ${observe} 観測します。100% で通常の 2 倍の期間メトリクスを検証します。残りは ${stable} が受けます。`,
    abortNote: (condition) =>
      `いずれかの段階で修正版が \`${condition}\` を満たすか、100% で健全でない場合、カナリアは 0% に戻り、すべてのトラフィックが安定版に戻ります。`,
    approvalNote: (required) =>
      `🔐 このカナリアには ${required} 名の承認が必要です。開始後、別の承認者がインシデントのスレッドで「承認」を押してください。`,
    dryRunWarning: '🧪 *ドライラン*: ルーティングの変更はログに記録されるだけで、クラスタには送信されません。',
    started: (service, version, first) =>
      `🐤 *${service}* \`${version}\` の慎重なカナリアを ${first} から開始しました。経過はインシデントのスレッドで確認できます。`,
    approvalWaiting: (have, need) =>
      `承認を記録しました（${have}/${need}）。別の承認者がスレッドで承認するとカナリアが始まります。`,
    noVersionChosen: '投入する修正版を選んでください。',
  },
};
