/**
 * Strings of the private answers to `/incident declare` (blocks/declare.ts). Pieces arrive formatted
 * for Slack (escaped, in backticks, channels as `<#C…>`), so a translation only decides word order.
 */
import type { Locale } from './locale.ts';

export interface DeclareStrings {
  declared: (p: { id: string; service: string; version: string; severity: string; channel: string }) => string;
  /** After the version: where it was read. */
  versionFromRouter: string;
  versionFromRecords: string;
  versionUnknown: string;
  /** A declared critical incident waits for a person (services/declarations.ts says why). */
  criticalNoAutomatic: string;
  watchQuiet: string;
  drill: (service: string) => string;
  clipped: (max: number) => string;
  alreadyOpen: (p: {
    id: string;
    service: string;
    status: string;
    severity: string;
    title: string;
    channel: string;
  }) => string;
}

export const DECLARE_STRINGS: Record<Locale, DeclareStrings> = {
  en: {
    declared: ({ id, service, version, severity, channel }) =>
      `🆘 Declared *${id}*: *${service}* ${version}, severity ${severity}. Its message with the judgment matrix is in ` +
      `${channel}; the timeline names you as the one who declared it, and escalation counts from now.`,
    versionFromRouter: '(serving now, read from the router)',
    versionFromRecords: '(serving as far as Rewind’s records go; the routing was not read)',
    versionUnknown: 'version unknown',
    criticalNoAutomatic:
      'Nothing was rolled back automatically: a declared incident waits for a decision (an approver chooses the ' +
      'rollback on its message).',
    watchQuiet: 'As a watch it is a quiet message: it asks for a decision once its severity rises.',
    drill: (service) => `🧪 A drill is running on *${service}*: this incident is the drill’s and is marked as one.`,
    clipped: (max) => `The summary was cut to ${max} characters.`,
    alreadyOpen: ({ id, service, status, severity, title, channel }) =>
      `*${service}* already has an open incident: *${id}* (${status}, ${severity}) — “${title}”. A service has one ` +
      `incident at a time, so nothing new was opened: add what you know in its thread in ${channel}.`,
  },
  ja: {
    declared: ({ id, service, version, severity, channel }) =>
      `🆘 *${id}* を宣言しました: *${service}* ${version}、重大度 ${severity}。判断マトリックス付きのメッセージは ${channel} にあります。` +
      `タイムラインには宣言者としてあなたが記録され、エスカレーションは今から数えます。`,
    versionFromRouter: '(ルーターから読み取った現在稼働中のバージョン)',
    versionFromRecords: '(Rewind の記録上の稼働中バージョン。ルーティングは読み取っていません)',
    versionUnknown: 'バージョン不明',
    criticalNoAutomatic:
      '自動ロールバックは行っていません。宣言したインシデントは判断を待ちます(承認者がメッセージからロールバックを選びます)。',
    watchQuiet: '重大度が監視強化のため、静かなメッセージにしています。重大度が上がると判断を求めます。',
    drill: (service) => `🧪 *${service}* で訓練が実行中のため、このインシデントは訓練のものとして扱います。`,
    clipped: (max) => `概要は${max}文字に切り詰めました。`,
    alreadyOpen: ({ id, service, status, severity, title, channel }) =>
      `*${service}* には未解決のインシデント *${id}*(${status}、${severity})があります — 「${title}」。1つのサービスのインシデントは同時に1つだけのため、` +
      `新しくは起票していません。分かっていることは ${channel} のそのスレッドに書き込んでください。`,
  },
};
