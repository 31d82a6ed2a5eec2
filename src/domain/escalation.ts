/**
 * Escalation plan of the runbook (ランブック → エスカレーション): 15 minutes without resolution →
 * senior engineer, 30 minutes → manager. Levels count from the incident's start, each one
 * fires once; the services keep them as timer rows keyed by `escalationKey` so a restart neither
 * loses nor repeats one.
 */
import type { Incident } from './types.ts';

export interface EscalationLevel {
  /** Time after the incident's start at which this level is due. */
  afterMs: number;
  label: string;
  /** Slack user or user-group IDs to notify. */
  notify: string[];
}

export interface PlannedEscalation {
  /** 1-based, numbered in order of due time: level 1 is the earliest. */
  level: number;
  dueAt: number;
  label: string;
  notify: string[];
}

/**
 * Levels are numbered by due time (a stable sort, so equal delays keep config order), whatever
 * order the config lists them in: level 1 is always the first to fire.
 */
export function planEscalation(startedAt: number, levels: readonly EscalationLevel[]): PlannedEscalation[] {
  if (!Number.isFinite(startedAt)) throw new RangeError(`incident start must be epoch milliseconds, got ${startedAt}`);
  for (const [i, l] of levels.entries()) {
    if (!Number.isFinite(l.afterMs) || l.afterMs < 0) {
      throw new RangeError(`escalation level "${l.label}" (#${i + 1}): afterMs must be 0 or more, got ${l.afterMs}`);
    }
  }
  return [...levels]
    .sort((a, b) => a.afterMs - b.afterMs)
    .map((l, i) => ({ level: i + 1, dueAt: startedAt + l.afterMs, label: l.label, notify: [...l.notify] }));
}

/** Levels whose time has come (`dueAt <= now`) and that have not fired yet, earliest first. */
export function dueLevels(
  plan: readonly PlannedEscalation[],
  now: number,
  alreadyFired: ReadonlySet<number> | readonly number[],
): PlannedEscalation[] {
  const fired = alreadyFired instanceof Set ? alreadyFired : new Set(alreadyFired);
  return plan.filter((p) => p.dueAt <= now && !fired.has(p.level)).sort((a, b) => a.dueAt - b.dueAt);
}

/** The earliest level not fired yet (due or not), to schedule the next wake-up; null when all fired. */
export function nextEscalation(
  plan: readonly PlannedEscalation[],
  alreadyFired: ReadonlySet<number> | readonly number[],
): PlannedEscalation | null {
  const fired = alreadyFired instanceof Set ? alreadyFired : new Set(alreadyFired);
  const pending = plan.filter((p) => !fired.has(p.level)).sort((a, b) => a.dueAt - b.dueAt);
  return pending[0] ?? null;
}

/** `escalation:INC-20260105-001:1` — the timer key of one level of one incident. */
export function escalationKey(incidentId: string, level: number): string {
  if (incidentId.trim() === '') throw new Error('escalationKey: incident ID is empty');
  if (!Number.isInteger(level) || level < 1)
    throw new RangeError(`escalationKey: level must be an integer from 1, got ${level}`);
  return `${escalationKeyPrefix(incidentId)}${level}`;
}

/** `escalation:INC-20260105-001:` — what every level key of one incident starts with. */
export function escalationKeyPrefix(incidentId: string): string {
  if (incidentId.trim() === '') throw new Error('escalationKey: incident ID is empty');
  return `escalation:${incidentId}:`;
}

/**
 * Escalation runs until the incident is resolved. With `escalation.stopOnAck: true`, an
 * acknowledgement also stops it: someone has taken the incident, so paging upward would be noise.
 */
export function shouldStopEscalation(
  incident: Pick<Incident, 'status' | 'acknowledgedAt'>,
  stopOnAck: boolean,
): boolean {
  if (incident.status === 'resolved') return true;
  return stopOnAck && incident.acknowledgedAt !== null;
}
