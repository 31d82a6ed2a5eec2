/**
 * What a read command answers outside the places it answers in full (listeners/read-scope.ts):
 * where to look instead, or why a direct message gets no answer. Channels come in as `<#C…>`.
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
}

export const READ_SCOPE_STRINGS: Record<Locale, ReadScopeStrings> = {
  en: {
    elsewhere: {
      incidents: (channel) => `Incidents are discussed in ${channel}: run this command there.`,
      drills: (channel) => `Drills are discussed in ${channel}: run this command there.`,
    },
    notMember: (incidentChannel) => `🔒 In a direct message Rewind answers this only to members of ${incidentChannel}. Ask to be added there, then run the command again.`,
    unchecked: (incidentChannel, why) =>
      `⚠️ Rewind could not check with Slack whether you are a member of ${incidentChannel} (${why}), so nothing is shown here. Run this command in ${incidentChannel}, or try again in a moment.`,
    slackSaid: (code) => `Slack: ${code}`,
    httpStatus: (status) => `Slack answered HTTP ${status}`,
    unreachable: 'Slack could not be reached',
    tooManyMembers: 'the channel has too many members to check',
  },
  ja: {
    elsewhere: {
      incidents: (channel) => `インシデントは ${channel} で扱っています。このコマンドはそちらで実行してください。`,
      drills: (channel) => `ロールバック訓練は ${channel} で扱っています。このコマンドはそちらで実行してください。`,
    },
    notMember: (incidentChannel) => `🔒 ダイレクトメッセージでは ${incidentChannel} のメンバーにだけお答えしています。${incidentChannel} に参加してから、もう一度実行してください。`,
    unchecked: (incidentChannel, why) =>
      `⚠️ ${incidentChannel} のメンバーかどうかを Slack で確認できなかったため（${why}）、ここには表示しません。${incidentChannel} でこのコマンドを実行するか、少し待ってからもう一度お試しください。`,
    slackSaid: (code) => `Slack: ${code}`,
    httpStatus: (status) => `Slack の応答は HTTP ${status}`,
    unreachable: 'Slack に接続できませんでした',
    tooManyMembers: 'チャンネルのメンバーが多すぎて確認できません',
  },
};
