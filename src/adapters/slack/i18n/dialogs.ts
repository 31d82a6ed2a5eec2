/**
 * What the person who clicked (or typed the command) is told when Slack would not open a dialog
 * (views.open failed): which dialog, what Slack said, and what to do about it.
 */
import type { Locale } from './locale.ts';

export type DialogName = 'confirm' | 'canary';
/** What opened the dialog: a button on a message, or a slash command. */
export type DialogOrigin = 'click' | 'command';

export interface DialogStrings {
  /** The dialog as the subject of a sentence. */
  dialog: Record<DialogName, string>;
  notOpened: (dialog: string, why: string, next: string) => string;
  /** Slack answered `ok: false` with `code`; `hint` explains the code when it is one people meet. */
  slackSaid: (code: string, hint: string | null) => string;
  httpStatus: (status: number) => string;
  rateLimited: (seconds: number) => string;
  unreachable: string;
  /** Hints for the trigger errors, the ones a person can do something about. */
  hints: Record<'expired_trigger_id' | 'exchanged_trigger_id' | 'invalid_trigger_id', Record<DialogOrigin, string>>;
  again: Record<DialogOrigin, string>;
}

export const DIALOG_STRINGS: Record<Locale, DialogStrings> = {
  en: {
    dialog: { confirm: 'The confirmation dialog', canary: 'The canary dialog' },
    notOpened: (dialog, why, next) => `${dialog} could not be opened (${why}). ${next}`,
    slackSaid: (code, hint) => (hint ? `Slack: ${code} — ${hint}` : `Slack: ${code}`),
    httpStatus: (status) => `Slack answered HTTP ${status}`,
    rateLimited: (seconds) => `Slack is rate limiting Rewind for ${seconds} s`,
    unreachable: 'Slack could not be reached',
    hints: {
      expired_trigger_id: {
        click: 'dialogs must open within 3 seconds of the click',
        command: 'dialogs must open within 3 seconds of the command',
      },
      exchanged_trigger_id: {
        click: 'this click already opened a dialog',
        command: 'this command already opened a dialog',
      },
      invalid_trigger_id: {
        click: 'Slack did not recognise the click',
        command: 'Slack did not recognise the command',
      },
    },
    again: { click: 'Click the button again.', command: 'Run the command again.' },
  },
  ja: {
    dialog: { confirm: '確認ダイアログ', canary: 'カナリアのダイアログ' },
    notOpened: (dialog, why, next) => `${dialog}を開けませんでした（${why}）。${next}`,
    slackSaid: (code, hint) => (hint ? `Slack: ${code} — ${hint}` : `Slack: ${code}`),
    httpStatus: (status) => `Slack の応答は HTTP ${status}`,
    rateLimited: (seconds) => `Slack のレート制限中（${seconds} 秒）`,
    unreachable: 'Slack に接続できませんでした',
    hints: {
      expired_trigger_id: {
        click: 'ダイアログはクリックから 3 秒以内に開く必要があります',
        command: 'ダイアログはコマンドから 3 秒以内に開く必要があります',
      },
      exchanged_trigger_id: {
        click: 'このクリックではすでにダイアログが開かれています',
        command: 'このコマンドではすでにダイアログが開かれています',
      },
      invalid_trigger_id: {
        click: 'Slack がこのクリックを認識できませんでした',
        command: 'Slack がこのコマンドを認識できませんでした',
      },
    },
    again: { click: 'もう一度ボタンを押してください。', command: 'もう一度コマンドを実行してください。' },
  },
};
