/**
 * What a read command answers outside the places it answers in full (listeners/read-scope.ts):
 * where to look instead, or why a direct message gets no answer; and what a command that changes
 * something answers outside the places it runs (`write`). Channels come in as `<#C…>`.
 */
import type { Locale } from './locale.ts';

export interface ReadScopeStrings {
  /** The channel the command's topic is discussed in. */
  elsewhere: { incidents: (channel: string) => string; drills: (channel: string) => string };
  notMember: (incidentChannel: string) => string;
  unchecked: (incidentChannel: string, why: string) => string;
  slackSaid: (code: string) => string;
  httpStatus: (status: number) => string;
  unreachable: string;
  tooManyMembers: string;
  /** A command that would change something, refused where it was typed: nothing was changed. */
  write: {
    elsewhere: {
      incidents: (channel: string) => string;
      drills: (drillChannel: string, incidentChannel: string) => string;
    };
    notMember: (incidentChannel: string) => string;
    unchecked: (incidentChannel: string, why: string) => string;
  };
}

export const READ_SCOPE_STRINGS: Record<Locale, ReadScopeStrings> = {
  en: {
    elsewhere: {
      incidents: (channel) => `Incidents are discussed in ${channel}: run this command there.`,
      drills: (channel) => `Drills are discussed in ${channel}: run this command there.`,
    },
    notMember: (incidentChannel) =>
      `🔒 In a direct message Rewind answers this only to members of ${incidentChannel}. Ask to be added there, then ` +
      `run the command again.`,
    unchecked: (incidentChannel, why) =>
      `⚠️ Rewind could not check with Slack whether you are a member of ${incidentChannel} (${why}), so nothing is ` +
      `shown here. Run this command in ${incidentChannel}, or try again in a moment.`,
    slackSaid: (code) => `Slack: ${code}`,
    httpStatus: (status) => `Slack answered HTTP ${status}`,
    unreachable: 'Slack could not be reached',
    tooManyMembers: 'the channel has too many members to check',
    write: {
      elsewhere: {
        incidents: (channel) =>
          `🚫 Nothing was changed: incidents are worked on in ${channel}. Run this command there.`,
        drills: (drillChannel, incidentChannel) =>
          `🚫 Nothing was changed: drills are run from ${drillChannel} or ${incidentChannel}. Run this command there.`,
      },
      notMember: (incidentChannel) =>
        `🔒 Nothing was changed: outside ${incidentChannel}, Rewind takes this only from members of ` +
        `${incidentChannel}. Ask to be added there, then run the command again.`,
      unchecked: (incidentChannel, why) =>
        `⚠️ Nothing was changed: Rewind could not check with Slack whether you are a member of ${incidentChannel} ` +
        `(${why}). Run this command in ${incidentChannel}, or try again in a moment.`,
    },
  },
  ja: {
    elsewhere: {
      incidents: (channel) => `インシデントは ${channel} で扱っています。このコマンドはそちらで実行してください。`,
      drills: (channel) => `ロールバック訓練は ${channel} で扱っています。このコマンドはそちらで実行してください。`,
    },
    notMember: (incidentChannel) =>
      `🔒 ダイレクトメッセージでは ${incidentChannel} のメンバーにだけお答えしています。${incidentChannel} に参加してから、もう一度実行してください。`,
    unchecked: (incidentChannel, why) =>
      `⚠️ ${incidentChannel} のメンバーかどうかを Slack で確認できなかったため（${why}）、ここには表示しません。${incidentChannel} でこのコマンドを実行するか、` +
      `少し待ってからもう一度お試しください。`,
    slackSaid: (code) => `Slack: ${code}`,
    httpStatus: (status) => `Slack の応答は HTTP ${status}`,
    unreachable: 'Slack に接続できませんでした',
    tooManyMembers: 'チャンネルのメンバーが多すぎて確認できません',
    write: {
      elsewhere: {
        incidents: (channel) =>
          `🚫 何も変更していません。インシデントの対応は ${channel} で行っています。このコマンドはそちらで実行してください。`,
        drills: (drillChannel, incidentChannel) =>
          `🚫 何も変更していません。ロールバック訓練は ${drillChannel} または ${incidentChannel} から実行します。このコマンドはそちらで実行してください。`,
      },
      notMember: (incidentChannel) =>
        `🔒 何も変更していません。${incidentChannel} の外では、${incidentChannel} のメンバーからの操作だけを受け付けています。${incidentChannel} に参加してから、` +
        `もう一度実行してください。`,
      unchecked: (incidentChannel, why) =>
        `⚠️ 何も変更していません。${incidentChannel} のメンバーかどうかを Slack で確認できませんでした（${why}）。${incidentChannel} でこのコマンドを実行するか、` +
        `少し待ってからもう一度お試しください。`,
    },
  },
};
