/**
 * Thread notes saying that part of an escalation level reached nobody (adapters/slack/escalation-dms.ts):
 * a user group Slack will not list, or a person Slack will not take a direct message for. `path` is
 * the config key to check, e.g. `escalation.levels[0].notify`; `code` is Slack's error code.
 */
import type { Locale } from './locale.ts';

export interface EscalationDeliveryStrings {
  groupUnreadable: (level: number, label: string, group: string, code: string, path: string) => string;
  dmUndeliverable: (level: number, label: string, user: string, code: string, path: string) => string;
}

export const ESCALATION_DELIVERY_STRINGS: Record<Locale, EscalationDeliveryStrings> = {
  en: {
    groupUnreadable: (level, label, group, code, path) =>
      `⚠️ Escalation level ${level} (${label}): the user group \`${group}\` could not be read (${code}); nobody was ` +
      `messaged for it — check \`${path}\`.`,
    dmUndeliverable: (level, label, user, code, path) =>
      `⚠️ Escalation level ${level} (${label}): the direct message to \`${user}\` could not be sent (${code}); they ` +
      `were not messaged — check \`${path}\`.`,
  },
  ja: {
    groupUnreadable: (level, label, group, code, path) =>
      `⚠️ エスカレーション レベル ${level}（${label}）: ユーザーグループ \`${group}\` を読み取れませんでした（${code}）。このグループの誰にもメッセージを送っていません。` +
      `\`${path}\` を確認してください。`,
    dmUndeliverable: (level, label, user, code, path) =>
      `⚠️ エスカレーション レベル ${level}（${label}）: \`${user}\` へのダイレクトメッセージを送れませんでした（${code}）。この人には届いていません。\`${path}\` ` +
      `を確認してください。`,
  },
};
