/**
 * From what the services know (snapshots, refusals, notices) to what the Block Kit builders draw
 * (view models). The services speak in ids; the views want the rollback itself, so it is looked up
 * here, through the queries the services offer.
 */
import type { IncidentSnapshot, RollbackSnapshot } from '../../services/incident-snapshot.ts';
import type { IncidentNotice } from '../../services/ports.ts';
import type { Queries } from '../../services/queries.ts';
import type { Refusal as ServiceRefusal } from '../../services/refusals.ts';
import type { IncidentView, Note, Refusal, RollbackView } from './blocks/view-models.ts';
import { ACTIVE_ROLLBACK_STATUSES } from './blocks/rollback-summary.ts';
import { metricsNamed, type StakeholderView, type StakeholderWork } from './blocks/stakeholder.ts';

export function rollbackView(r: RollbackSnapshot): RollbackView {
  const gradual = r.strategy === 'gradual' || r.strategy === 'canary';
  return {
    id: r.id,
    service: r.service,
    strategy: r.strategy,
    status: r.status,
    fromVersion: r.fromVersion,
    toVersion: r.toVersion,
    newVersionWeight: r.newVersionWeight,
    phase: gradual && r.currentPhase !== null ? r.currentPhase + 1 : null,
    phaseCount: gradual && r.phases.length > 0 ? r.phases.length : null,
    approvals: r.approvals,
    startedBy: r.startedBy,
    scheduledFor: r.scheduledFor,
    error: r.error,
    ...(r.gitops ? { gitops: r.gitops } : {}),
  };
}

export function incidentView(s: IncidentSnapshot, now: number): IncidentView {
  return {
    incident: s.incident,
    now,
    breaches: s.breaches.map((b) => ({
      metric: b.metric,
      ...(b.unit ? { unit: b.unit } : {}),
      op: b.op,
      value: b.value,
      threshold: b.threshold,
    })),
    assessment: s.assessment,
    recommendation: s.recommendation,
    actions: s.actions,
    decision: s.decision,
    rollback: s.rollback ? rollbackView(s.rollback) : null,
    earlierRollback: s.earlierRollback ? rollbackView(s.earlierRollback) : null,
    escalation: s.escalation,
  };
}

/** A stand-in view for a rollback that cannot be found any more (never expected; never crash on it). */
function unknownRollback(id: string): RollbackView {
  return {
    id,
    service: '?',
    strategy: 'immediate',
    status: 'failed',
    fromVersion: null,
    toVersion: '?',
    newVersionWeight: null,
    phase: null,
    phaseCount: null,
    approvals: { have: 0, need: 1, by: [] },
    startedBy: '?',
    scheduledFor: null,
    error: null,
  };
}

export function refusalView(refusal: ServiceRefusal, queries: Queries): Refusal {
  if (refusal.kind !== 'rollback_running') return refusal;
  const r = queries.rollback(refusal.rollbackId);
  return { kind: 'rollback_running', rollback: r ? rollbackView(r) : unknownRollback(refusal.rollbackId) };
}

export function noteView(notice: IncidentNotice, queries: Queries): Note {
  if (!('rollbackId' in notice)) return notice;
  const { rollbackId, ...rest } = notice;
  const r = queries.rollback(rollbackId);
  return { ...rest, rollback: r ? rollbackView(r) : unknownRollback(rollbackId) } as Note;
}

/**
 * The stakeholder notice's facts. The rollback that counts is the one that restores the service:
 * a canary bringing the fix in afterwards is shown only while it runs on a fix being tried.
 */
export function stakeholderView(s: IncidentSnapshot, timezone: string): StakeholderView {
  const { incident } = s;
  const canary = s.rollback?.strategy === 'canary' ? s.rollback : null;
  const rollback = canary ? s.earlierRollback : s.rollback;
  // Alerts carry no breaches; their summary may still name the metric (`error_rate 7.2% > 5%`).
  const metrics = s.breaches.length > 0 ? [...new Set(s.breaches.map((b) => b.metric))] : metricsNamed(incident.title);
  const units = Object.fromEntries(s.breaches.flatMap((b) => (b.unit ? [[b.metric, b.unit]] : [])));
  return {
    incidentId: incident.id,
    service: incident.service,
    drill: incident.drill,
    metrics,
    units,
    userImpact: s.assessment.userImpact ?? null,
    startedAt: incident.startedAt,
    resolved:
      incident.status === 'resolved'
        ? { at: incident.resolvedAt ?? incident.startedAt, rolledBack: rollback?.status === 'succeeded' }
        : null,
    work: stakeholderWork(incident.status, rollback, canary),
    timezone,
  };
}

function stakeholderWork(
  status: IncidentSnapshot['incident']['status'],
  rollback: RollbackSnapshot | null,
  canary: RollbackSnapshot | null,
): StakeholderWork {
  if (canary && ACTIVE_ROLLBACK_STATUSES.includes(canary.status)) return { kind: 'fix_canary' };
  if (rollback?.status === 'scheduled' && rollback.scheduledFor !== null)
    return { kind: 'rollback_planned', at: rollback.scheduledFor };
  if (rollback && ACTIVE_ROLLBACK_STATUSES.includes(rollback.status)) return { kind: 'rolling_back' };
  if (status === 'fixing') return { kind: 'fixing' };
  if (status === 'deferred') return { kind: 'deferred' };
  if (rollback?.status === 'succeeded') return { kind: 'rolled_back' };
  // A cancelled planned rollback never tried to restore anything: the team is back to deciding.
  if (rollback?.status === 'failed' || rollback?.status === 'aborted') return { kind: 'rollback_stopped' };
  return { kind: 'investigating' };
}
