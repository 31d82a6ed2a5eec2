/**
 * 修正版の準備 → 再デプロイ: bringing the fixed version in after the rollback, as the runbook's "more
 * cautious canary (1% start)". It is a rollback row of strategy `canary` — from the stable version
 * serving now to the fix — so it gets the same approvals, exactly-once start, routers, abortIf
 * watch, pause/resume/abort and progress display as a gradual rollback; only the direction differs.
 *
 * Offered when the incident was resolved by a rollback (the fix-prep note) or while a fix is being
 * tried (修正を試みる): a canary that ends healthy resolves a `fixing` incident.
 */
import { actedBy } from '../domain/actors.ts';
import type { RouterFacts } from '../domain/routing.ts';
import type { Actor } from '../domain/types.ts';
import { RollbackConflictError, type RollbackRecord, type Store } from '../store/index.ts';
import type { Authorizer } from './authorization.ts';
import type { Clock } from '../clock.ts';
import type { IncidentService } from './incidents.ts';
import type { IncidentNotifier, RollbackEngine } from './ports.ts';
import { canaryPlanChanges, type CanaryShown } from './plan-changes.ts';
import { notApprover, ok, refuse, type Outcome } from './refusals.ts';
import type { RequestResult, RollbackRequests } from './rollback-requests.ts';

export interface CanaryPlan {
  incidentId: string;
  service: string;
  /** The stable version serving all traffic now. */
  fromVersion: string;
  /** The fix; null until it is chosen. */
  toVersion: string | null;
  /** Configured versions the fix can be (not the stable one, not the one rolled back). */
  candidates: string[];
  /** Percent of traffic on the fix at each step, ending at 100. */
  steps: number[];
  observeMs: number;
  /** The abort rule watched at every step (the gradual rollback's `abortIf`). */
  abortIf: string;
  requiredApprovals: number;
  dryRun: boolean;
}

/** What the canary reads and writes itself: its incident, and the service's rollback row it claims. */
export type FixCanaryStore = {
  incidents: Pick<Store['incidents'], 'get'>;
  rollbacks: Pick<Store['rollbacks'], 'activeForService' | 'create'>;
};

export interface FixCanaryOptions {
  store: FixCanaryStore;
  clock: Clock;
  incidents: IncidentService;
  authorizer: Authorizer;
  engine: RollbackEngine;
  notifier: IncidentNotifier;
  requests: RollbackRequests;
  /** Per service: configured versions (newest first) and router kind. */
  services: Record<string, { versions: string[]; router: RouterFacts }>;
  steps: number[];
  observeMs: number;
  abortIf: string;
  requiredApprovals: number;
  dryRun: boolean;
}

export class FixCanary {
  constructor(private readonly o: FixCanaryOptions) {}

  /** What the modal shows, and — with a version — the checks a submission must pass. */
  async plan(request: { incidentId: string; version: string | null }, actor: Actor): Promise<Outcome<CanaryPlan>> {
    const incident = this.o.store.incidents.get(request.incidentId);
    if (!incident) return refuse({ kind: 'unknown_incident', incidentId: request.incidentId });
    const service = incident.service;
    const config = this.o.services[service];
    if (!config) return refuse({ kind: 'unknown_service', service, known: Object.keys(this.o.services) });
    if (incident.status !== 'resolved' && incident.status !== 'fixing') {
      return refuse({ kind: 'canary_too_early', incidentId: incident.id, status: incident.status });
    }
    const auth = await this.o.authorizer.authorize(actor, 'rollback.canary', service, {
      incidentId: incident.id,
      step: 'plan',
    });
    if (!auth.ok) return refuse(notApprover({ kind: 'canary' }, auth.approvers));
    if (config.router.movesAtOnce) {
      return refuse({ kind: 'canary_not_possible', service, router: config.router.name });
    }
    const active = this.o.store.rollbacks.activeForService(service);
    if (active) return refuse({ kind: 'rollback_running', rollbackId: active.id });
    const other = this.o.incidents.openFor(service);
    if (other && other.id !== incident.id)
      return refuse({ kind: 'other_incident_open', incidentId: other.id, service });
    if (!this.o.engine.available) return refuse({ kind: 'engine_unavailable', what: { kind: 'canary', service } });

    const from = this.o.requests.servingVersion(service, incident.version, incident.id);
    if (!from) return refuse({ kind: 'serving_unknown', service });
    const candidates = config.versions.filter((v) => v !== from && v !== incident.version);
    if (candidates.length === 0) {
      return refuse({ kind: 'no_fix_version', service });
    }
    const plan: CanaryPlan = {
      incidentId: incident.id,
      service,
      fromVersion: from,
      toVersion: null,
      candidates,
      steps: [...this.o.steps],
      observeMs: this.o.observeMs,
      abortIf: this.o.abortIf,
      requiredApprovals: this.o.requiredApprovals,
      dryRun: this.o.dryRun,
    };
    if (request.version === null) return ok(plan);
    const version = request.version.trim();
    if (version === from) return refuse({ kind: 'fix_is_serving', service, version });
    if (version === incident.version) return refuse({ kind: 'fix_is_bad_version', incidentId: incident.id, version });
    if (!candidates.includes(version))
      return refuse({ kind: 'unknown_version', service, version, known: [...config.versions] });
    return ok({ ...plan, toVersion: version });
  }

  /**
   * The modal's choice against what the modal showed. Its metadata comes back from Slack, forged or
   * stale, so the plan is made again from the state now, and it must still be the one shown: the
   * incident's own service, the same stable version, steps and settings.
   */
  async check(shown: CanaryShown, version: string, actor: Actor): Promise<Outcome<CanaryPlan>> {
    const incident = this.o.store.incidents.get(shown.incidentId);
    if (incident && incident.service !== shown.service)
      return refuse({
        kind: 'service_mismatch',
        incidentId: incident.id,
        service: incident.service,
        shown: shown.service,
      });
    const planned = await this.plan({ incidentId: shown.incidentId, version }, actor);
    if (!planned.ok) return planned;
    const changes = canaryPlanChanges(shown, planned.value);
    if (changes.length > 0)
      return refuse({ kind: 'plan_changed', service: planned.value.service, strategy: 'canary', changes });
    return planned;
  }

  /** The modal was submitted: checked against what it showed and the state now, recorded, approved, started. */
  async confirm(shown: CanaryShown, version: string, actor: Actor): Promise<Outcome<RequestResult>> {
    const checked = await this.check(shown, version, actor);
    return checked.ok ? this.create(checked.value, version, actor) : checked;
  }

  /** A canary of the fix, checked against the state now, recorded, approved, started. */
  async request(incidentId: string, version: string, actor: Actor): Promise<Outcome<RequestResult>> {
    const planned = await this.plan({ incidentId, version }, actor);
    return planned.ok ? this.create(planned.value, version, actor) : planned;
  }

  /**
   * The first write of a canary: its row, the timeline, the thread; nothing is written before the plan holds. With its
   * approval and, when that suffices, its claim, in one transaction (RollbackRequests.submit).
   */
  private create(
    plan: CanaryPlan,
    version: string,
    actor: Actor,
  ): Outcome<RequestResult> | Promise<Outcome<RequestResult>> {
    return this.o.requests.submit(() => this.write(plan, version, actor), actor);
  }

  private write(plan: CanaryPlan, version: string, actor: Actor): Outcome<RollbackRecord> {
    const to = plan.toVersion ?? version;
    let rollback: RollbackRecord;
    try {
      rollback = this.o.store.rollbacks.create({
        incidentId: plan.incidentId,
        service: plan.service,
        strategy: 'canary',
        fromVersion: plan.fromVersion,
        toVersion: to,
        status: 'pending',
        startedBy: actor.id,
        scheduledFor: null,
        startedAt: this.o.clock.now(),
        plan: {
          phases: plan.steps.map((p) => 100 - p),
          canarySteps: plan.steps,
          requiredApprovals: plan.requiredApprovals,
        },
        dryRun: plan.dryRun,
      });
    } catch (err) {
      // Someone else claimed the service between the check and here (a double submit, another approver).
      if (err instanceof RollbackConflictError) return refuse({ kind: 'rollback_running', rollbackId: err.running.id });
      throw err;
    }
    this.o.incidents.record(plan.incidentId, 'canary_requested', actor, {
      rollbackId: rollback.id,
      from: plan.fromVersion,
      to,
      steps: plan.steps,
    });
    // "Started" only when it starts now: one waiting for a second approver gets the approval note instead.
    if (plan.requiredApprovals <= 1)
      this.o.notifier.notice(plan.incidentId, {
        kind: 'rollback_requested',
        rollbackId: rollback.id,
        ...actedBy(actor),
      });
    return ok(rollback);
  }
}
