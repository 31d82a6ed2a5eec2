/**
 * Strings of the refusals about what a request or a dialog names (blocks/plan-refusals.ts): a
 * service or version Rewind does not have, a dialog that names another service than its incident,
 * a dialog whose plan the state has moved away from, metadata that is not Rewind's, a planned time
 * that has passed or lies too far ahead.
 */
import type { Locale } from './locale.ts';

export interface PlanRefusalStrings {
  unknownService: (service: string, known: string) => string;
  noService: (known: string) => string;
  unknownVersion: (service: string, version: string, known: string) => string;
  serviceMismatch: (shown: string, incidentId: string, service: string) => string;
  planChanged: (strategy: string, service: string, changes: string) => string;
  /** A planned rollback whose time has come and gone; `when` is written in the team's zone. */
  plannedPassed: (service: string, when: string) => string;
  plannedTooFar: (service: string, when: string, maxDays: number) => string;
  /** One difference between a dialog and the plan now; `shown` is what the dialog said. */
  change: {
    from: (shown: string, now: string) => string;
    stable: (shown: string, now: string) => string;
    to: (shown: string, now: string) => string;
    incident: (shown: string, now: string) => string;
    noIncident: string;
    noTarget: (shown: string) => string;
    phases: (shown: string, now: string) => string;
    steps: (shown: string, now: string) => string;
    dryRunOn: string;
    dryRunOff: string;
    approvals: (shown: number, now: number) => string;
    unknown: string;
  };
  changeSeparator: string;
  dialogUnreadable: { confirm: string; canary: string };
}

export const PLAN_REFUSAL_STRINGS: Record<Locale, PlanRefusalStrings> = {
  en: {
    unknownService: (service, known) =>
      `🚫 Rewind has no service *${service}*; the configured ones are ${known}. Nothing was changed.`,
    noService: (known) => `🚫 The request names no service; the configured ones are ${known}. Nothing was changed.`,
    unknownVersion: (service, version, known) =>
      `🚫 *${service}* has no version ${version}; its versions are ${known}. Nothing was started. A new version goes ` +
      `into \`services.${service}.versions\` in the config first.`,
    serviceMismatch: (shown, incidentId, service) =>
      `🚫 This dialog names *${shown}*, but incident ${incidentId} is about *${service}*. Nothing was started: use ` +
      `the buttons on the incident's own message.`,
    planChanged: (strategy, service, changes) =>
      `🚫 The ${strategy.toLowerCase()} of *${service}* is no longer what this dialog showed: ${changes}. Nothing was ` +
      `started: open the dialog again to see the plan as it stands now.`,
    plannedPassed: (service, when) =>
      `🚫 This rollback of *${service}* was planned for ${when}, and that time has passed. Nothing was started: plan ` +
      `it again with \`/rollback planned ${service} at &lt;time&gt;\`, or roll back now with \`/rollback immediate ` +
      `${service}\`.`,
    plannedTooFar: (service, when, maxDays) =>
      `🚫 This rollback of *${service}* is planned for ${when}, more than ${maxDays} days ahead. Nothing was started: ` +
      `a rollback can be planned at most ${maxDays} days out (\`/rollback planned ${service} at &lt;time&gt;\`).`,
    change: {
      from: (shown, now) => `the version serving now is ${now} (the dialog showed ${shown})`,
      stable: (shown, now) => `the stable version is now ${now} (the dialog showed ${shown})`,
      to: (shown, now) => `the target is now ${now} (the dialog showed ${shown})`,
      incident: (shown, now) => `the rollback now belongs to incident ${now} (the dialog showed ${shown})`,
      noIncident: 'no incident',
      noTarget: (shown) => `rolling back to ${shown}, as the dialog showed, is not possible from there`,
      phases: (shown, now) => `the phases are now ${now} (the dialog showed ${shown})`,
      steps: (shown, now) => `the steps are now ${now} (the dialog showed ${shown})`,
      dryRunOn: 'it would now be a dry run (the dialog said it would change the cluster)',
      dryRunOff: 'it would now change the cluster (the dialog said dry run)',
      approvals: (shown, now) => `it now needs ${now} approvals (the dialog said ${shown})`,
      unknown: 'unknown',
    },
    changeSeparator: '; ',
    dialogUnreadable: {
      confirm:
        '⚠️ The confirmation could not be read, so nothing was started. Use the buttons on the incident message again.',
      canary:
        '⚠️ The canary request could not be read, so nothing was started. Use the button in the incident thread again.',
    },
  },
  ja: {
    unknownService: (service, known) =>
      `🚫 サービス *${service}* は Rewind に設定されていません。設定済みのサービス: ${known}。何も変更していません。`,
    noService: (known) => `🚫 サービスが指定されていません。設定済みのサービス: ${known}。何も変更していません。`,
    unknownVersion: (service, version, known) =>
      `🚫 *${service}* にバージョン ${version} はありません。バージョン: ${known}。何も開始していません。新しいバージョンは先に設定の ` +
      `\`services.${service}.versions\` に追加してください。`,
    serviceMismatch: (shown, incidentId, service) =>
      `🚫 このダイアログは *${shown}* を対象にしていますが、インシデント ${incidentId} は *${service}* のものです。何も開始していません。` +
      `インシデントのメッセージのボタンから操作してください。`,
    planChanged: (strategy, service, changes) =>
      `🚫 *${service}* の${strategy}は、このダイアログが示した内容から変わりました: ${changes}。何も開始していません。もう一度ダイアログを開いて現在の計画を確認してください。`,
    plannedPassed: (service, when) =>
      `🚫 *${service}* のこのロールバックは ${when} に予定されていましたが、その時刻は過ぎています。何も開始していません。\`/rollback planned ${service} at ` +
      `&lt;時刻&gt;\` で計画し直すか、\`/rollback immediate ${service}\` で今すぐロールバックしてください。`,
    plannedTooFar: (service, when, maxDays) =>
      `🚫 *${service}* のこのロールバックの予定 ${when} は${maxDays}日より先です。何も開始していません。計画的ロールバックは${maxDays}日以内で指定してください（\`/rollback ` +
      `planned ${service} at &lt;時刻&gt;\`）。`,
    change: {
      from: (shown, now) => `現在稼働中のバージョンは ${now}（ダイアログでは ${shown}）`,
      stable: (shown, now) => `安定版は ${now}（ダイアログでは ${shown}）`,
      to: (shown, now) => `切り戻し先は ${now}（ダイアログでは ${shown}）`,
      incident: (shown, now) => `このロールバックはインシデント ${now} のものになります（ダイアログでは ${shown}）`,
      noIncident: 'インシデントなし',
      noTarget: (shown) => `ダイアログの切り戻し先 ${shown} へは、そこから切り戻せません`,
      phases: (shown, now) => `フェーズは ${now}（ダイアログでは ${shown}）`,
      steps: (shown, now) => `ステップは ${now}（ダイアログでは ${shown}）`,
      dryRunOn: 'ドライランになります（ダイアログではクラスタを変更する内容でした）',
      dryRunOff: 'クラスタを実際に変更します（ダイアログではドライランでした）',
      approvals: (shown, now) => `必要な承認は ${now} 件です（ダイアログでは ${shown} 件）`,
      unknown: '不明',
    },
    changeSeparator: '、',
    dialogUnreadable: {
      confirm:
        '⚠️ 確認ダイアログの内容を読み取れなかったため、何も開始していません。インシデントのメッセージのボタンからもう一度操作してください。',
      canary:
        '⚠️ カナリアの依頼内容を読み取れなかったため、何も開始していません。インシデントのスレッドのボタンからもう一度操作してください。',
    },
  },
};
