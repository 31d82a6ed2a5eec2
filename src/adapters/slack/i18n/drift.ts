/**
 * The words for routing changed behind Rewind's back, in English and Japanese: the note (who
 * changed what, and what Rewind set), its buttons, what the team did about it, and why a click was
 * refused. Names (the service, the field manager, the object) are shown in code spans.
 */
import type { Locale } from './locale.ts';

export interface DriftStrings {
  /** `service`, `writer`: code spans; `live`, `expected`: split texts; `at`: a time in the team's zone. */
  changed: (service: string, writer: string, live: string, expected: string, at: string) => string;
  /** The object whose change was seen. */
  object: (object: string) => string;
  /** A gradual rollback stopped moving traffic because of it. */
  paused: (rollbackId: string) => string;
  reapplyButton: string;
  acceptButton: string;
  reapplied: (who: string, service: string, split: string) => string;
  accepted: (who: string, service: string, split: string) => string;
  /** Re-apply is for approvers; `approvers`: their mentions. */
  notApprover: (approvers: string) => string;
  /** Accept is for approvers too: it silences the drift and changes what Re-apply restores. */
  notApproverAccept: (approvers: string) => string;
  unknown: (id: string) => string;
  settled: (id: string) => string;
  failed: (message: string) => string;
}

export const DRIFT_STRINGS: Record<Locale, DriftStrings> = {
  en: {
    changed: (service, writer, live, expected, at) =>
      `⚠️ ${service} routing changed by ${writer}: ${live} — Rewind set ${expected} at ${at}`,
    object: (object) => `Changed object: ${object}`,
    paused: (rollbackId) => `⏸️ Rollback ${rollbackId} is paused so as not to fight this change (reason: drift).`,
    reapplyButton: "Re-apply Rewind's routing",
    acceptButton: 'Accept',
    reapplied: (who, service, split) => `↩️ ${who} re-applied Rewind's routing of ${service}: ${split}.`,
    accepted: (who, service, split) => `✅ ${who} accepted the routing of ${service} as expected: ${split}.`,
    notApprover: (approvers) => `🚫 Only approvers can re-apply Rewind's routing: ${approvers}.`,
    notApproverAccept: (approvers) => `🚫 Only approvers can accept a routing change: ${approvers}.`,
    unknown: (id) => `🚫 There is no routing drift ${id}.`,
    settled: (id) => `🚫 Routing drift ${id} was settled already.`,
    failed: (message) => `🚫 Rewind's routing was not re-applied: Kubernetes answered \`${message}\`.`,
  },
  ja: {
    changed: (service, writer, live, expected, at) =>
      `⚠️ ${service} のルーティングが ${writer} によって変更されました: ${live}（Rewind は ${at} に ${expected} に設定）`,
    object: (object) => `変更されたオブジェクト: ${object}`,
    paused: (rollbackId) =>
      `⏸️ この変更と競合しないよう、ロールバック ${rollbackId} を一時停止しました（理由: ドリフト）。`,
    reapplyButton: 'Rewind のルーティングを再適用',
    acceptButton: '受け入れる',
    reapplied: (who, service, split) =>
      `↩️ ${who} が ${service} のルーティングを Rewind の設定に戻しました: ${split}。`,
    accepted: (who, service, split) => `✅ ${who} が ${service} の現在のルーティングを受け入れました: ${split}。`,
    notApprover: (approvers) => `🚫 Rewind のルーティングを再適用できるのは承認者だけです: ${approvers}`,
    notApproverAccept: (approvers) => `🚫 ルーティングの変更を受け入れられるのは承認者だけです: ${approvers}`,
    unknown: (id) => `🚫 ルーティングのドリフト ${id} は存在しません。`,
    settled: (id) => `🚫 ルーティングのドリフト ${id} はすでに対応済みです。`,
    failed: (message) => `🚫 Rewind のルーティングを再適用できませんでした。Kubernetes の応答: \`${message}\``,
  },
};
