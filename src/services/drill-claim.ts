/**
 * A drill's start, claimed in one transaction: the checks (no drill running, no incident open and no
 * rollback active on the service), the drill row `running` with its runner and the fault it is
 * about to apply, and its durable timers (the first watch tick and the deadline). Replicas on one
 * PostgreSQL take the writer lock for every transaction, so two `/drill run` at once give one
 * drill; and since the timers exist before the fault is written to Kubernetes, a process killed
 * at any point after the claim leaves a drill that whichever replica runs timers heals or finishes.
 */
import type { DrillScenario } from '../config/schema.ts';
import type { DrillRecord, StoredFault } from '../domain/drill-records.ts';
import type { Store } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import { drillTimer } from './drill-faults.ts';
import { faultSpec, type DrillPlan } from './drill-plan.ts';
import type { InjectorKind } from './drill-ports.ts';
import type { IncidentService } from './incidents.ts';
import { ok, refuse, type Outcome } from './refusals.ts';
import type { TimerService } from './timers.ts';

/**
 * How often a running drill looks at its incident. Short: a route-wide fault (istio-fault) also
 * hits the version rolled back to, so it must go soon after the switch or the verification would
 * measure the drill instead of the rollback.
 */
const WATCH_MAX_MS = 5_000;

export type DrillClaimStore = Pick<Store, 'transaction'> & {
  drills: Pick<Store['drills'], 'withStatus' | 'move' | 'create' | 'update'>;
  rollbacks: Pick<Store['rollbacks'], 'activeForService'>;
};

export interface DrillClaimContext {
  store: DrillClaimStore;
  clock: Clock;
  timers: TimerService;
  incidents: Pick<IncidentService, 'openFor'>;
  evaluationIntervalMs: number;
}

export interface DrillClaim {
  scenario: DrillScenario;
  plan: DrillPlan;
  injector: InjectorKind;
  maxDurationMs: number;
  /** The scheduled drill to start; a manual run creates its row. */
  scheduled?: DrillRecord;
}

/** The claimed drill and the fault recorded in it, or why it may not start; all or nothing. */
export function claimDrill(
  o: DrillClaimContext,
  claim: DrillClaim,
): Outcome<{ drill: DrillRecord; fault: StoredFault }> {
  return o.store.transaction(() => {
    const { plan } = claim;
    const open = o.incidents.openFor(plan.service);
    if (open) return refuse({ kind: 'drill_incident_open', incidentId: open.id, service: plan.service });
    const running = o.store.drills.withStatus('running')[0];
    if (running) return refuse({ kind: 'drill_already_running', drillId: running.id });
    const rollback = o.store.rollbacks.activeForService(plan.service);
    if (rollback) return refuse({ kind: 'drill_rollback_active', rollbackId: rollback.id, service: plan.service });
    const now = o.clock.now();
    const runner = o.timers.owner;
    const row = claim.scheduled
      ? o.store.drills.move(claim.scheduled.id, ['scheduled', 'announced'], {
          status: 'running',
          startedAt: now,
          service: plan.service,
          runner,
        })
      : o.store.drills.create({
          scenario: claim.scenario.name,
          scheduledFor: now,
          service: plan.service,
          status: 'running',
          runner,
        });
    if (!row) return refuse({ kind: 'drill_not_startable', drillId: claim.scheduled?.id ?? null });
    const spec = faultSpec(claim.scenario, plan.service, plan.version, row.id, claim.maxDurationMs);
    const fault: StoredFault = {
      injector: claim.injector,
      spec,
      detail: null,
      appliedAt: null,
      removedAt: null,
      removal: null,
    };
    const drill = o.store.drills.update(row.id, { startedAt: now, faultApplied: fault });
    watchDrill(o, row.id, now);
    o.timers.schedule({
      kind: drillTimer,
      key: `drill:${row.id}:deadline`,
      dueAt: now + claim.maxDurationMs,
      payload: { drillId: row.id, step: 'deadline' },
    });
    return ok({ drill, fault });
  });
}

type WatchContext = Pick<DrillClaimContext, 'timers' | 'evaluationIntervalMs'>;

/** The drill's next watch tick. */
export function watchDrill(o: WatchContext, drillId: string, now: number): void {
  o.timers.schedule({
    kind: drillTimer,
    key: `drill:${drillId}:watch:${now}`,
    dueAt: now + Math.min(o.evaluationIntervalMs, WATCH_MAX_MS),
    payload: { drillId, step: 'watch' },
  });
}
