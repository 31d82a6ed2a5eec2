/**
 * What a reader calls the parts of Rewind that act on their own, by the id their actions are
 * recorded under. English shows the id as recorded (`rollback-engine resolved the incident`);
 * Japanese names each part in words, so a thread or a draft never reads as an English id.
 * An id not listed here (an alert source, a name from a newer build) is shown as it is. And what a
 * thread notice keeps of who acted: a person's id, with where they acted from when it was not Slack.
 */
import type { Actor, ActorVia } from './types.ts';

const SYSTEM_ACTORS_JA: Readonly<Record<string, string>> = {
  rewind: 'Rewind',
  slack: 'Slack',
  escalations: 'エスカレーション',
  rollbacks: 'ロールバック',
  'planned-rollbacks': '計画的ロールバック',
  'rollback-engine': 'ロールバックエンジン',
  'post-actions': '事後対応',
  drills: '訓練',
  'drill-schedule': '訓練スケジュール',
  'drift-watch': 'ドリフト検知',
  generic: '汎用 Webhook',
};

export function systemActorName(id: string, locale: 'en' | 'ja'): string {
  return locale === 'ja' ? (SYSTEM_ACTORS_JA[id] ?? id) : id;
}

/** Who a notice says acted: the actor's id, and where a person acted from when it was not Slack. */
export function actedBy(actor: Actor): { by: string; via?: ActorVia } {
  return actor.via ? { by: actor.id, via: actor.via } : { by: actor.id };
}
