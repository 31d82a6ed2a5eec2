/**
 * Everything known about one incident, gathered for whoever shows it (the head message, App Home,
 * `/incident` answers): the incident, the metrics that fired, the matrix answers and the
 * recommendation, the actions its service can run, the last decision, the current rollback with
 * its approvals, the escalation level. Read-only; derived from the stored rows every time so it
 * can never drift from them.
 */
import { recommendFor, type Assessment, type Judgment, type Recommendation } from '../domain/matrix.ts';
import type { MetricName, MetricSample } from '../domain/metrics.ts';
import { UNKNOWN_ROUTER, runnableActions } from '../domain/routing.ts';
import { breachesOf, type BreachRecord } from '../domain/timeline.ts';
import type { Action, Incident, Tier } from '../domain/types.ts';
import type { SyncOwner } from '../domain/gitops.ts';
import type { RollbackStep } from '../domain/rollback-record.ts';
import type { RollbackRecord, Store, StoredTimelineEvent } from '../store/index.ts';

/** What a rollback's snapshot reads beside its row: who approved it, and its GitOps step. */
export type RollbackSnapshotStore = {
  approvals: Pick<Store['approvals'], 'list'>;
  rollbacks: Pick<Store['rollbacks'], 'steps'>;
};

/** What an incident's snapshot reads: the incident, its timeline, the matrix answers, its rollbacks. */
export type IncidentSnapshotStore = RollbackSnapshotStore & {
  incidents: Pick<Store['incidents'], 'get' | 'timelineWithout'>;
  assessments: Pick<Store['assessments'], 'get'>;
  rollbacks: Pick<Store['rollbacks'], 'listForIncident'>;
};

export type { BreachRecord };

export interface RollbackSnapshot extends RollbackRecord {
  approvals: { have: number; need: number; by: string[] };
  /** Share of traffic still on the version being rolled back (0–100), when the engine reported it. */
  newVersionWeight: number | null;
  phases: number[];
  /** Who re-applies the routing from git and what the rollback did about it; absent when nobody does. */
  gitops?: GitOpsSnapshot;
}

/**
 * The GitOps step as the head message says it: `to_pause` before it ran, `paused` (by the rollback),
 * `was_paused` (off before it), `left_on` (onRollback warn), `not_paused` (the step failed or was
 * skipped), `resumed` (a person turned it back on), `dry_run` (only shown, nothing paused).
 */
export interface GitOpsSnapshot {
  owner: SyncOwner;
  selfHeal: boolean;
  state: 'to_pause' | 'paused' | 'was_paused' | 'left_on' | 'not_paused' | 'resumed' | 'dry_run';
}

function gitopsSnapshot(steps: readonly RollbackStep[]): GitOpsSnapshot | undefined {
  const step = steps.find((s) => s.detail.kind === 'gitops');
  const d = step?.detail;
  if (!step || d?.kind !== 'gitops') return undefined;
  const state: GitOpsSnapshot['state'] =
    d.onRollback === 'warn'
      ? 'left_on'
      : d.dryRun
        ? 'dry_run'
        : d.resumedAt !== undefined
          ? 'resumed'
          : step.status === 'succeeded'
            ? d.pausedBefore
              ? 'was_paused'
              : 'paused'
            : step.status === 'failed' || step.status === 'skipped'
              ? 'not_paused'
              : 'to_pause';
  return { owner: d.owner, selfHeal: d.selfHeal, state };
}

export interface IncidentSnapshot {
  incident: Incident;
  breaches: BreachRecord[];
  assessment: Assessment;
  recommendation: Recommendation | null;
  /** The matrix's actions the service can run (a blue-green service has no gradual rollback). */
  actions: Action[];
  decision: { action: Action; by: string; at: number } | null;
  rollback: RollbackSnapshot | null;
  /** When the latest is a canary bringing the fix in: the rollback before it, still part of the story. */
  earlierRollback: RollbackSnapshot | null;
  escalation: { level: number; label: string } | null;
}

/**
 * The latest value of each metric the bot has read for the incident's version: the breaches on
 * its timeline (opening, later triggers), later ones over earlier. A metric that never fired is
 * absent — not known, so never taken as healthy or as breaching — and so is one whose tier has
 * cleared since: it is back under that tier's threshold, its value no longer known.
 */
export function latestReadings(incident: Incident, timeline: readonly StoredTimelineEvent[]): MetricSample {
  const readings = new Map<MetricName, { value: number; tier: Tier }>();
  for (const e of timeline) {
    if (e.kind !== 'detected' && e.kind !== 'trigger' && e.kind !== 'tier_cleared') continue;
    // Another version of the service firing (during a split) says nothing about this one.
    if (incident.version !== null && e.detail.version !== null && e.detail.version !== incident.version) continue;
    if (e.kind === 'tier_cleared') {
      for (const [metric, r] of readings) if (r.tier === e.detail.tier) readings.delete(metric);
      continue;
    }
    // A trigger names its tier; the opening event, the severity it opened with.
    const tier = e.kind === 'trigger' ? e.detail.tier : e.detail.severity;
    for (const b of e.detail.breaches) readings.set(b.metric, { value: b.value, tier });
  }
  return Object.fromEntries([...readings].map(([metric, r]) => [metric, r.value]));
}

/** The matrix's recommendation on the answers, checked against the incident's service and latest readings. */
export function incidentRecommendation(
  judgment: Judgment,
  incident: Incident,
  assessment: Assessment,
  timeline: readonly StoredTimelineEvent[],
): Recommendation | null {
  return recommendFor(judgment.matrix, assessment, {
    service: incident.service,
    router: judgment.routers[incident.service] ?? UNKNOWN_ROUTER,
    readings: latestReadings(incident, timeline),
    abortIf: judgment.abortIf,
  });
}

export function rollbackSnapshot(
  store: RollbackSnapshotStore,
  rollback: RollbackRecord,
  requiredApprovals: number,
): RollbackSnapshot {
  const plan = (rollback.plan ?? {}) as { phases?: unknown; requiredApprovals?: unknown; currentWeight?: unknown };
  const approvals = store.approvals.list(rollback.id).map((a) => a.approver);
  const gitops = gitopsSnapshot(store.rollbacks.steps(rollback.id));
  return {
    ...(gitops ? { gitops } : {}),
    ...rollback,
    approvals: {
      have: approvals.length,
      need: typeof plan.requiredApprovals === 'number' ? plan.requiredApprovals : requiredApprovals,
      by: approvals,
    },
    newVersionWeight: typeof plan.currentWeight === 'number' ? plan.currentWeight : null,
    phases: Array.isArray(plan.phases) ? plan.phases.filter((p): p is number => typeof p === 'number') : [],
  };
}

export function incidentSnapshot(
  store: IncidentSnapshotStore,
  judgment: Judgment,
  requiredApprovals: number,
  incidentId: string,
): IncidentSnapshot | null {
  const incident = store.incidents.get(incidentId);
  if (!incident) return null;
  // Alert lines carry no breaches, decisions or escalations, and an incident may hold thousands.
  const timeline = store.incidents.timelineWithout(incidentId, 'alert');
  let breaches: BreachRecord[] = [];
  let decision: IncidentSnapshot['decision'] = null;
  let escalation: IncidentSnapshot['escalation'] = null;
  for (const e of timeline) {
    const found = breachesOf(e);
    if (found.length > 0) breaches = found;
    if (e.kind === 'decision') decision = { action: e.detail.action, by: e.actor.id, at: e.at };
    if (e.kind === 'escalation') escalation = { level: e.detail.level, label: e.detail.label };
  }
  const assessment = store.assessments.get(incidentId);
  const all = store.rollbacks.listForIncident(incidentId);
  const latest = all.at(-1) ?? null;
  const earlier = latest?.strategy === 'canary' ? (all.filter((r) => r.strategy !== 'canary').at(-1) ?? null) : null;
  return {
    incident,
    breaches,
    assessment,
    recommendation: incidentRecommendation(judgment, incident, assessment, timeline),
    actions: runnableActions(judgment.routers[incident.service] ?? UNKNOWN_ROUTER),
    decision,
    rollback: latest ? rollbackSnapshot(store, latest, requiredApprovals) : null,
    earlierRollback: earlier ? rollbackSnapshot(store, earlier, requiredApprovals) : null,
    escalation,
  };
}
