/**
 * Which rollback a request means: the service (an incident's own, when it names one), the version
 * serving now as far as the bot knows, and the target down the fallback chain. Planning only reads
 * the store; RollbackRequests authorises the person and writes the rows.
 *
 * The same planning answers twice: when the confirmation dialog opens (`draft`), and when it is
 * submitted (`recheck`), because a dialog's metadata comes back from Slack — forged, or stale after
 * the state moved on — and only a plan made from the state then may run.
 *
 * A gradual rollback starts from the share the version has now, read from the router by the
 * caller (`liveSplit`) and passed in: phases at or above it are left out of the plan, as the
 * engine would skip them (phasesFrom), so the dialog shows the steps that will run.
 */
import { isSyncOwner, type GitOpsOnRollback, type SyncOwner } from '../domain/gitops.ts';
import { phasesFrom } from '../domain/rollback-plan.ts';
import { UNKNOWN_ROUTER, canRun, type RouterFacts } from '../domain/routing.ts';
import { chooseTarget } from '../domain/target.ts';
import type { Store } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import type { DecisionService } from './decisions.ts';
import type { IncidentService } from './incidents.ts';
import { rollbackPlanChanges } from './plan-changes.ts';
import type { ClusterPort, Split } from './ports.ts';
import { ok, refuse, type Outcome, type PlanChange } from './refusals.ts';

/**
 * How long planning waits for the router. A person is waiting for the dialog, and Slack takes its
 * trigger_id for 3 seconds of real time only, so this is real time too, not the injected clock:
 * a dialog that says the share could not be read is better than no dialog.
 */
const LIVE_READ_MS = 1_500;

/** `read()`, or null when it fails or does not answer within LIVE_READ_MS. */
async function withinLiveRead<T>(read: () => Promise<T>): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), LIVE_READ_MS)));
    return await Promise.race([read(), late]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** Who re-applies the routing from git, as the confirmation dialog says it (shown only, never compared). */
export interface GitOpsPlan {
  owner: SyncOwner;
  selfHeal: boolean;
  onRollback: GitOpsOnRollback;
}

/**
 * How far ahead a rollback may be planned: `/rollback planned` refuses a time further out (the
 * Slack command's parser holds the same number), and so does the plan, for a dialog whose time
 * comes back from Slack. A row planned for 2100 would hold the service's one active rollback.
 */
export const PLANNED_MAX_AHEAD_DAYS = 30;
export const PLANNED_MAX_AHEAD_MS = PLANNED_MAX_AHEAD_DAYS * 86_400_000;

export type ManualStrategy = 'immediate' | 'gradual';

/** What planning reads: the service's rollbacks, their steps, and its history (planning writes nothing). */
export type RollbackPlannerStore = {
  rollbacks: Pick<Store['rollbacks'], 'activeForService' | 'history' | 'listForIncident' | 'steps'>;
};

/** Everything the confirmation dialog shows, and what is run once it is confirmed. */
export interface RollbackPlan {
  incidentId: string | null;
  service: string;
  fromVersion: string | null;
  toVersion: string;
  strategy: ManualStrategy;
  /** Share left on the new version after each gradual phase that runs, e.g. [25, 5, 0]. */
  phases: number[];
  /**
   * Gradual: the share `fromVersion` has now, read from the router (e.g. 50); null when it could not
   * be read, or for an immediate rollback, which moves everything whatever it is.
   */
  currentWeight: number | null;
  /** Configured phases left out because they are at or above `currentWeight` (phasesFrom). */
  skippedPhases: number[];
  requiredApprovals: number;
  dryRun: boolean;
  /** A planned rollback (計画的ロールバック): when it runs; null runs once confirmed. */
  scheduledFor: number | null;
  /** Who re-applies the routing from git and what the rollback will do about it, as read for the dialog. */
  gitops?: GitOpsPlan;
}

/** What `/rollback` or a button asks to plan; `to` null takes the default target. */
export interface PlanRequest {
  incidentId: string | null;
  service?: string;
  strategy: ManualStrategy;
  to: string | null;
  at?: number | null;
}

/**
 * What a confirmation dialog showed: the plan when it opened, and the `to` asked for (absent or null: the default
 * target).
 */
export interface ShownRollbackPlan extends RollbackPlan {
  requestedTo?: string | null;
}

/** The service a request is about, and the version its open incident names. */
export interface Subject {
  service: string;
  incidentVersion: string | null;
}

export interface RollbackPlannerOptions {
  store: RollbackPlannerStore;
  /** A planned time is checked against it: ahead of now, and at most PLANNED_MAX_AHEAD_DAYS out. */
  clock: Clock;
  incidents: IncidentService;
  decisions: DecisionService;
  /** Fallback chain per service, newest first. */
  chains: Record<string, string[]>;
  /** Each service's router (name and traits): one that moves traffic at once (blue-green) runs no gradual rollback. */
  routers: Record<string, RouterFacts>;
  /** Where the live split is read; without one (tests with a recording engine) it is not known. */
  cluster?: ClusterPort | null;
  phases: number[];
  requiredApprovals: number;
  dryRun: boolean;
}

export class RollbackPlanner {
  constructor(private readonly o: RollbackPlannerOptions) {}

  /**
   * The version running now, as far as the bot knows before the engine reads the router: where the
   * incident's last rollback or canary left all traffic, else the incident's version, else where the
   * last finished rollback left the service, else the newest.
   */
  servingVersion(service: string, incidentVersion: string | null, incidentId: string | null): string | null {
    if (incidentId) {
      for (const r of this.o.store.rollbacks.listForIncident(incidentId).reverse()) {
        const last = this.o.store.rollbacks
          .steps(r.id)
          .flatMap((st) => (st.status === 'succeeded' && st.detail.kind === 'set_weight' ? [st.detail.weight] : []))
          .at(-1);
        // Weight is the share left on `from`: 0 moved everything to `to`, 100 (a canary sent back) kept it on `from`.
        if (last === 0) return r.toVersion;
        if (last === 100) return r.fromVersion;
      }
    }
    if (incidentVersion) return incidentVersion;
    const last = this.o.store.rollbacks.history({ service, limit: 20 }).find((r) => r.status === 'succeeded');
    return last?.toVersion ?? this.o.chains[service]?.[0] ?? null;
  }

  /**
   * The split the cluster has now, to show where a gradual rollback starts; null when there is no
   * cluster or it does not answer within LIVE_READ_MS. Only shown and compared: the engine reads
   * the split again when the rollback starts and skips by that.
   */
  async liveSplit(service: string): Promise<Split | null> {
    const cluster = this.o.cluster;
    return cluster ? withinLiveRead(() => cluster.forService(service).router.read()) : null;
  }

  /**
   * Who re-applies the service's routing from git, for the dialog to say; null without a cluster,
   * without GitOps access, or when it does not answer within LIVE_READ_MS. The engine reads it again
   * before the rollback's first step.
   */
  async liveGitOps(service: string): Promise<GitOpsPlan | null> {
    const cluster = this.o.cluster;
    if (!cluster) return null;
    const reading = await withinLiveRead(async () => (await cluster.forService(service).gitops?.read()) ?? null);
    if (!reading || !isSyncOwner(reading.owner)) return null;
    return { owner: reading.owner, selfHeal: reading.state?.selfHeal ?? false, onRollback: reading.onRollback };
  }

  /** The incident's own service when an incident is named (it must be open), else the named service. */
  subject(incidentId: string | null, named: string | null): Outcome<Subject> {
    const known = () => Object.keys(this.o.chains);
    if (incidentId) {
      const open = this.o.decisions.openIncident(incidentId);
      if (!open.ok) return open;
      const { service, version } = open.value;
      return this.o.chains[service]
        ? ok({ service, incidentVersion: version })
        : refuse({ kind: 'unknown_service', service, known: known() });
    }
    if (!named || !this.o.chains[named]) return refuse({ kind: 'unknown_service', service: named, known: known() });
    return ok({ service: named, incidentVersion: this.o.incidents.openFor(named)?.version ?? null });
  }

  /** The plan from the state now and the split read just before (`liveSplit`). The caller has authorised the person. */
  draft(request: PlanRequest, { service, incidentVersion }: Subject, live: Split | null = null): Outcome<RollbackPlan> {
    const router = this.o.routers[service] ?? UNKNOWN_ROUTER;
    if (!canRun(request.strategy, router))
      return refuse({ kind: 'gradual_not_possible', service, router: router.name });
    const active = this.o.store.rollbacks.activeForService(service);
    if (active && active.status !== 'pending') return refuse({ kind: 'rollback_running', rollbackId: active.id });
    const at = request.at ?? null;
    if (at !== null) {
      // A time that passed is refused, not run now: the person confirmed a later moment, and "now"
      // is a different decision (a dialog that said "now" carries no time at all).
      const now = this.o.clock.now();
      if (at <= now)
        return refuse({ kind: 'planned_time', service, at, problem: 'passed', maxDays: PLANNED_MAX_AHEAD_DAYS });
      if (at - now > PLANNED_MAX_AHEAD_MS)
        return refuse({ kind: 'planned_time', service, at, problem: 'too_far', maxDays: PLANNED_MAX_AHEAD_DAYS });
    }

    const from = this.servingVersion(service, incidentVersion, request.incidentId);
    const history = this.o.store.rollbacks
      .history({ service, limit: 50 })
      .filter((r) => r.status === 'succeeded')
      .flatMap((r) => [r.fromVersion, r.toVersion])
      .filter((v): v is string => v !== null);
    const target = chooseTarget({ chain: this.o.chains[service] ?? [], from, requested: request.to, history });
    if (!target.ok) {
      if (target.error === 'unknown_version' && request.to !== null)
        return refuse({ kind: 'unknown_version', service, version: request.to, known: target.known });
      if (target.error === 'same_version' && request.to !== null)
        return refuse({ kind: 'already_serving', service, version: request.to });
      return refuse({ kind: 'no_target_version', service, fromVersion: from, known: target.known });
    }
    const gradual = request.strategy === 'gradual';
    const currentWeight = gradual && live !== null && from !== null ? (live[from] ?? 0) : null;
    const phases = phasesFrom(this.o.phases, currentWeight);
    return ok({
      incidentId: request.incidentId ?? this.o.incidents.openFor(service)?.id ?? null,
      service,
      fromVersion: from,
      toVersion: target.to,
      strategy: request.strategy,
      phases: gradual ? phases.run : [0],
      currentWeight,
      skippedPhases: gradual ? phases.skipped : [],
      requiredApprovals: this.o.requiredApprovals,
      dryRun: this.o.dryRun,
      scheduledFor: at,
    });
  }

  /**
   * The plan a submitted dialog may run: made again from the state now for the dialog's incident
   * (or service), strategy, asked-for target and time, and refused when it is not what the dialog
   * showed — another service than the incident's, a version the service does not have, a planned
   * time that has passed or is too far ahead (the command's own limits), or any difference in the
   * incident, versions, phases or settings.
   */
  recheck(shown: ShownRollbackPlan, subject: Subject, live: Split | null = null): Outcome<RollbackPlan> {
    const { service } = subject;
    if (shown.incidentId !== null && shown.service !== service)
      return refuse({ kind: 'service_mismatch', incidentId: shown.incidentId, service, shown: shown.service });
    const known = this.o.chains[service] ?? [];
    const requestedTo = shown.requestedTo ?? null;
    for (const version of [shown.fromVersion, shown.toVersion, requestedTo]) {
      if (version !== null && !known.includes(version))
        return refuse({ kind: 'unknown_version', service, version, known: [...known] });
    }
    const fresh = this.draft(
      { incidentId: shown.incidentId, strategy: shown.strategy, to: requestedTo, at: shown.scheduledFor },
      subject,
      live,
    );
    if (!fresh.ok) {
      const r = fresh.refusal;
      // Traffic moved on to where nothing is left to roll back to, or onto the target asked for: the plan is gone.
      const now = r.kind === 'no_target_version' ? r.fromVersion : r.kind === 'already_serving' ? r.version : undefined;
      if (now !== undefined && now !== shown.fromVersion) {
        const changes: PlanChange[] = [
          { field: 'from', shown: shown.fromVersion, now },
          { field: 'to', shown: shown.toVersion, now: null },
        ];
        return refuse({ kind: 'plan_changed', service, strategy: shown.strategy, changes });
      }
      return fresh;
    }
    const changes = rollbackPlanChanges(shown, fresh.value);
    return changes.length > 0 ? refuse({ kind: 'plan_changed', service, strategy: shown.strategy, changes }) : fresh;
  }
}
