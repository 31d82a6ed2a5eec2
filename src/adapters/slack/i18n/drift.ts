/**
 * The words for routing changed behind Rewind's back, in English and Japanese: the note (who
 * changed what, and what Rewind set), its buttons, what the team did about it, and why a click was
 * refused. Names (the service, the field manager, the object) are shown in code spans.
 */
import type { Locale } from './locale.ts';

export interface DriftStrings {
  /** `service`, `writer`: code spans; `live`, `expected`: split texts; `at`: a time in the team's zone. */
  changed: (service: string, writer: string, live: string, expected: string, at: string) => string;
  /** As `changed`, when a person accepted the expected split (`who`: their mention) rather than Rewind setting it. */
  changedAccepted: (service: string, writer: string, live: string, expected: string, who: string, at: string) => string;
  /** As `changed`, when a rollback's write met the change: `expected` is what Rewind was about to set. */
  changedIntended: (service: string, writer: string, live: string, expected: string, at: string) => string;
  /** The routing was changed again since (another writer's change noted, or Rewind's own write): no buttons. */
  superseded: string;
  /** The object whose change was seen. */
  object: (object: string) => string;
  /** A gradual rollback stopped moving traffic because of it. */
  paused: (rollbackId: string) => string;
  reapplyButton: string;
  acceptButton: string;
  reapplied: (who: string, service: string, split: string) => string;
  /** After Re-apply or Accept, the rollback the drift paused is paused still; `resume`: the command, in a code span. */
  stillPaused: (rollbackId: string, resume: string) => string;
  accepted: (who: string, service: string, split: string) => string;
  /** Re-apply is for approvers; `approvers`: their mentions. */
  notApprover: (approvers: string) => string;
  /** Accept is for approvers too: it silences the drift and changes what Re-apply restores. */
  notApproverAccept: (approvers: string) => string;
  unknown: (id: string) => string;
  settled: (id: string) => string;
  /** A click on a note a later change superseded. */
  supersededRefusal: (id: string) => string;
  failed: (message: string) => string;
  /** What was refused, as the subject of the refusal when no approver is configured. */
  action: { reapply: string; accept: string };
}

export const DRIFT_STRINGS: Record<Locale, DriftStrings> = {
  en: {
    changed: (service, writer, live, expected, at) =>
      `⚠️ ${service} routing changed by ${writer}: ${live} — Rewind set ${expected} at ${at}`,
    changedAccepted: (service, writer, live, expected, who, at) =>
      `⚠️ ${service} routing changed by ${writer}: ${live} — ${expected} accepted by ${who} at ${at}`,
    changedIntended: (service, writer, live, expected, at) =>
      `⚠️ ${service} routing changed by ${writer}: ${live} — Rewind was about to set ${expected} at ${at} ` +
      '(its write met this change, so nothing was written)',
    superseded:
      "⏭️ Superseded by a later change of this routing (another writer's, or Rewind's own): " +
      'act on the latest note, if any.',
    object: (object) => `Changed object: ${object}`,
    paused: (rollbackId) => `⏸️ Rollback ${rollbackId} is paused so as not to fight this change (reason: drift).`,
    reapplyButton: "Re-apply Rewind's routing",
    acceptButton: 'Accept',
    reapplied: (who, service, split) => `↩️ ${who} re-applied Rewind's routing of ${service}: ${split}.`,
    accepted: (who, service, split) => `✅ ${who} accepted the routing of ${service} as expected: ${split}.`,
    stillPaused: (rollbackId, resume) =>
      `⏸️ Rollback ${rollbackId} is still paused: go on with ${resume}, or stop it with Abort.`,
    notApprover: (approvers) => `🚫 Only approvers can re-apply Rewind's routing: ${approvers}.`,
    notApproverAccept: (approvers) => `🚫 Only approvers can accept a routing change: ${approvers}.`,
    unknown: (id) => `🚫 There is no routing drift ${id}.`,
    settled: (id) => `🚫 Routing drift ${id} was settled already.`,
    supersededRefusal: (id) =>
      `🚫 Routing drift ${id} was superseded by a later change (another writer's, or Rewind's own), so its ` +
      'splits are no longer live: nothing was changed. Act on the latest note, if any.',
    failed: (message) => `🚫 Rewind's routing was not re-applied: Kubernetes answered \`${message}\`.`,
    action: { reapply: "Re-applying Rewind's routing", accept: 'Accepting a routing change' },
  },
  ja: {
    changed: (service, writer, live, expected, at) =>
      `⚠️ ${service} のルーティングが ${writer} によって変更されました: ${live}（Rewind は ${at} に ${expected} に設定）`,
    changedAccepted: (service, writer, live, expected, who, at) =>
      `⚠️ ${service} のルーティングが ${writer} によって変更されました: ${live}` +
      `（${at} に ${who} が ${expected} を受け入れ済み）`,
    changedIntended: (service, writer, live, expected, at) =>
      `⚠️ ${service} のルーティングが ${writer} によって変更されました: ${live}` +
      `（Rewind は ${at} に ${expected} に設定しようとしていましたが、この変更と重なったため何も書き込んでいません）`,
    superseded:
      '⏭️ このルーティングはその後さらに変更された（他の書き手、または Rewind 自身による）ため、この通知は無効です。' +
      '新しい通知があればそちらで対応してください。',
    object: (object) => `変更されたオブジェクト: ${object}`,
    paused: (rollbackId) =>
      `⏸️ この変更と競合しないよう、ロールバック ${rollbackId} を一時停止しました（理由: ドリフト）。`,
    reapplyButton: 'Rewind のルーティングを再適用',
    acceptButton: '受け入れる',
    reapplied: (who, service, split) =>
      `↩️ ${who} が ${service} のルーティングを Rewind の設定に戻しました: ${split}。`,
    accepted: (who, service, split) => `✅ ${who} が ${service} の現在のルーティングを受け入れました: ${split}。`,
    stillPaused: (rollbackId, resume) =>
      `⏸️ ロールバック ${rollbackId} は一時停止したままです。続けるには ${resume}、やめるには「中止」を使ってください。`,
    notApprover: (approvers) => `🚫 Rewind のルーティングを再適用できるのは承認者だけです: ${approvers}`,
    notApproverAccept: (approvers) => `🚫 ルーティングの変更を受け入れられるのは承認者だけです: ${approvers}`,
    unknown: (id) => `🚫 ルーティングのドリフト ${id} は存在しません。`,
    settled: (id) => `🚫 ルーティングのドリフト ${id} はすでに対応済みです。`,
    supersededRefusal: (id) =>
      `🚫 ルーティングのドリフト ${id} はその後の変更（他の書き手、または Rewind 自身による）で置き換えられ、` +
      '内容が最新ではないため、何も変更していません。新しい通知があればそちらで対応してください。',
    failed: (message) => `🚫 Rewind のルーティングを再適用できませんでした。Kubernetes の応答: \`${message}\``,
    action: { reapply: 'Rewind のルーティングの再適用', accept: 'ルーティングの変更の受け入れ' },
  },
};
