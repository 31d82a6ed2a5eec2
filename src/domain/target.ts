/**
 * Which version a rollback goes to: the version asked for, else the next one down
 * the service's fallback chain (フォールバックチェーン: v2.0.0 → v1.5.0 → v1.0.0), else the
 * previous version recorded in history. A version the service does not know is refused.
 */

export interface TargetInput {
  /** The service's versions, newest first: the fallback chain. */
  chain: readonly string[];
  /** The version being rolled back, when known. */
  from: string | null;
  /** The `to` argument, when given. */
  requested: string | null;
  /** Versions the service ran before, most recent first (from rollback history). */
  history: readonly string[];
}

export type TargetChoice =
  | { ok: true; to: string; reason: 'requested' | 'fallback_chain' | 'history' }
  | { ok: false; error: 'unknown_version' | 'same_version' | 'no_target'; known: string[] };

export function chooseTarget(input: TargetInput): TargetChoice {
  const known = [...input.chain];
  if (input.requested !== null) {
    if (!known.includes(input.requested)) return { ok: false, error: 'unknown_version', known };
    if (input.requested === input.from) return { ok: false, error: 'same_version', known };
    return { ok: true, to: input.requested, reason: 'requested' };
  }
  const at = input.from === null ? -1 : known.indexOf(input.from);
  const next = at >= 0 ? known[at + 1] : undefined;
  if (next !== undefined) return { ok: true, to: next, reason: 'fallback_chain' };
  const previous = input.history.find((v) => v !== input.from && known.includes(v));
  if (previous !== undefined) return { ok: true, to: previous, reason: 'history' };
  return { ok: false, error: 'no_target', known };
}
