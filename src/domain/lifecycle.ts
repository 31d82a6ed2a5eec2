/**
 * Incident lifecycle. The happy path follows the runbook's 即座ロールバック steps:
 *   detected → awaiting_decision → rolling_back → verifying → resolved
 * (問題の確認 → ルーティング切り替え → 検証 → 事後対応), with the judgment matrix's other outcomes
 * (修正を試みる → fixing, 次回リリースで修正 → deferred) and the 15/30-minute エスカレーション
 * (→ escalated) beside it. Every function returns new values; inputs are never modified.
 *
 * There are no self-transitions: a status is changed, not re-entered. A second escalation level
 * or a repeated decision is a timeline event of its own kind, not a `status` event.
 */
import type { NewTimelineEvent, StatusDetail, StatusEvent, TimelineEventOf } from './timeline.ts';
import type { Actor, Incident, IncidentStatus, Tier } from './types.ts';

/** Legal transitions, as data. Each edge says which runbook moment it stands for. */
export const TRANSITIONS: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  detected: [
    'awaiting_decision', // warning (or critical with autoRollback off): post the matrix, ask for a decision
    'rolling_back', // critical with autoRollback: critical — 即座ロールバック without waiting for a person
    'fixing', // someone answered the head message directly with 修正を試みる
    'deferred', // … or with 次回リリースで修正
    'escalated', // 15 minutes passed while still untouched (escalation counts from detection)
    'resolved', // the tier cleared on its own or it was a false alarm, closed by a person
  ],
  awaiting_decision: [
    'rolling_back', // 即座 / 段階的 / 計画的ロールバック chosen
    'fixing', // 修正を試みる chosen
    'deferred', // 次回リリースで修正 chosen
    'escalated', // 15 / 30 minutes without a decision
    'resolved', // recovered before a decision was needed
  ],
  rolling_back: [
    'verifying', // routing switched (step_2 done): 検証 — watch the error rate fall
    'awaiting_decision', // rollback aborted or failed: a person decides what next
    'escalated', // 15 / 30 minutes passed during the rollback
  ],
  verifying: [
    'resolved', // 正常復旧確認: metrics recovered over the verify window
    'rolling_back', // not recovered while still critical: automatic rollback to the next version of the fallback chain
    'awaiting_decision', // not recovered: offer the next fallback to a person
    'escalated', // 15 / 30 minutes passed during verification
  ],
  fixing: [
    'resolved', // the fix is deployed (cautious canary) and healthy
    'rolling_back', // the fix takes too long or the tier rose: roll back after all
    'deferred', // the fix turns out bigger: 次回リリースで修正 instead
    'awaiting_decision', // reconsider the matrix
    'escalated', // 15 / 30 minutes without resolution
  ],
  deferred: [
    'resolved', // fixed in the next release, or judged harmless
    'rolling_back', // the tier rose to critical (automatic rollback) or a person changed their mind
    'fixing', // the users cannot wait for the next release after all: 修正を試みる now
    'awaiting_decision', // reconsider the matrix
    'escalated', // 15 / 30 minutes without resolution
  ],
  escalated: [
    // The senior engineer or manager takes over and may do anything a decision allows.
    'rolling_back',
    'verifying', // a rollback that was running when escalation fired has switched routing
    'fixing',
    'deferred',
    'awaiting_decision',
    'resolved',
  ],
  resolved: [], // final: a recurrence opens a new incident (new ID, new timeline, new escalation)
};

export function allowedFrom(from: IncidentStatus): readonly IncidentStatus[] {
  return TRANSITIONS[from] ?? [];
}

export function canTransition(from: IncidentStatus, to: IncidentStatus): boolean {
  return allowedFrom(from).includes(to);
}

export class IllegalTransitionError extends Error {
  readonly incidentId: string;
  readonly from: IncidentStatus;
  readonly to: IncidentStatus;

  constructor(incidentId: string, from: IncidentStatus, to: IncidentStatus) {
    const allowed = allowedFrom(from);
    super(
      `${incidentId}: cannot go from ${from} to ${to}; allowed from ${from}: ` +
        `${allowed.length ? allowed.join(', ') : 'none'}`,
    );
    this.name = 'IllegalTransitionError';
    this.incidentId = incidentId;
    this.from = from;
    this.to = to;
  }
}

export interface Transitioned {
  incident: Incident;
  event: StatusEvent;
}

/**
 * Moves the incident to `to` and returns the new incident with its `status` timeline event.
 * Entering `resolved` stamps `resolvedAt` (the end of MTTR).
 * @throws IllegalTransitionError when the table above does not allow the move.
 */
export function transition(
  incident: Incident,
  to: IncidentStatus,
  actor: Actor,
  at: number,
  detail: StatusDetail = {},
): Transitioned {
  const from = incident.status;
  if (!canTransition(from, to)) throw new IllegalTransitionError(incident.id, from, to);
  return {
    incident: { ...incident, status: to, resolvedAt: to === 'resolved' ? at : incident.resolvedAt },
    event: { incidentId: incident.id, at, kind: 'status', actor: { ...actor }, from, to, detail: { ...detail } },
  };
}

/**
 * - `acknowledged`: the first acknowledgement, stamped on the incident (the end of MTTA) with an
 *   `ack` timeline event.
 * - `already_acknowledged`: the first acknowledgement stands — MTTA and the name shown on the head
 *   message do not move — so the incident is returned as it was and nothing is recorded.
 * - `already_resolved`: acknowledging a closed incident means nothing; returned as it was.
 * The caller uses the outcome to answer the person (e.g. "already acknowledged by <@U1>").
 */
export type AckOutcome = 'acknowledged' | 'already_acknowledged' | 'already_resolved';

export interface Acknowledged {
  incident: Incident;
  event: TimelineEventOf<'ack'> | null;
  outcome: AckOutcome;
}

export function acknowledge(incident: Incident, actor: Actor, at: number): Acknowledged {
  if (incident.acknowledgedAt !== null) return { incident, event: null, outcome: 'already_acknowledged' };
  if (incident.status === 'resolved') return { incident, event: null, outcome: 'already_resolved' };
  return {
    incident: { ...incident, acknowledgedAt: at, acknowledgedBy: actor.id },
    event: { incidentId: incident.id, at, kind: 'ack', actor: { ...actor }, detail: { status: incident.status } },
    outcome: 'acknowledged',
  };
}

export interface NewIncident {
  service: string;
  version: string | null;
  severity: Tier;
  title: string;
  drill: boolean;
  /** Epoch ms of detection: escalation and MTTA/MTTR count from here. */
  startedAt: number;
}

/** An incident before the store has given it its `INC-YYYYMMDD-NNN` id, and its first timeline line. */
export interface OpenedIncident {
  incident: Omit<Incident, 'id'>;
  event: Extract<NewTimelineEvent, { kind: 'detected' }>;
}

/**
 * A new incident in `detected`, with the `detected` event that starts its timeline (タイムライン:
 * エラー率上昇を検知). The id is allocated by the store when it writes both in one transaction.
 */
export function openIncident(input: NewIncident, actor: Actor): OpenedIncident {
  if (input.service.trim() === '') throw new Error('openIncident: service is empty');
  if (!Number.isFinite(input.startedAt))
    throw new RangeError(`openIncident ${input.service}: startedAt must be epoch milliseconds, got ${input.startedAt}`);
  const incident: Omit<Incident, 'id'> = {
    service: input.service,
    version: input.version,
    severity: input.severity,
    status: 'detected',
    title: input.title,
    drill: input.drill,
    startedAt: input.startedAt,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    slackChannel: null,
    slackTs: null,
  };
  const event: OpenedIncident['event'] = {
    at: input.startedAt,
    kind: 'detected',
    actor: { ...actor },
    detail: {
      service: input.service,
      version: input.version,
      severity: input.severity,
      title: input.title,
      drill: input.drill,
      breaches: [],
    },
  };
  return { incident, event };
}

/**
 * MTTA and MTTR of one incident: detection to acknowledgement, detection to resolution; null
 * until that has happened. Drills count for their own scorecards, not for these.
 */
export function responseTimes(incident: Pick<Incident, 'startedAt' | 'acknowledgedAt' | 'resolvedAt'>): {
  mttaMs: number | null;
  mttrMs: number | null;
} {
  return {
    mttaMs: incident.acknowledgedAt === null ? null : Math.max(0, incident.acknowledgedAt - incident.startedAt),
    mttrMs: incident.resolvedAt === null ? null : Math.max(0, incident.resolvedAt - incident.startedAt),
  };
}
