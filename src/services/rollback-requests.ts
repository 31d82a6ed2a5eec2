/**
 * Asking for a rollback, from a button or `/rollback`: plan it (from which version to which), check
 * the person is an approver, collect approvals (`requiredApprovals`), and start it exactly once.
 *
 * Exactly once: the rollback is a row whose status goes `pending` → `running` with a conditional
 * update, and the database allows one active rollback per service. A double click, two approvers
 * clicking together, or a second bot process all meet at that row: one caller wins the claim and
 * calls the engine; every other caller is told what is already happening.
 */
import { actedBy } from '../domain/actors.ts';
import { finishReasonLine, type FinishReason } from '../domain/step-facts.ts';
import { manualRollbackTitle } from '../domain/rollback-record.ts';
import { BOT_ACTOR, type Actor } from '../domain/types.ts';
import { RollbackConflictError, type RollbackRecord, type Store } from '../store/index.ts';
import type { Authorizer } from './authorization.ts';
import { PlannedRollbacks, type PlannedRollbackOptions, type ScheduleResult } from './planned-rollbacks.ts';
import type { PlannedRollbackStore } from './planned-rollbacks.ts';
import type { IncidentNotifier, RollbackControl, RollbackEngine } from './ports.ts';
import { notApprover, ok, refuse, type Outcome } from './refusals.ts';
import { RollbackControls, type RollbackControlOptions, type RollbackControlStore } from './rollback-controls.ts';
import { RollbackPlanner } from './rollback-planner.ts';
import type { PlanRequest, RollbackPlan, RollbackPlannerOptions } from './rollback-planner.ts';
import type { RollbackPlannerStore, ShownRollbackPlan } from './rollback-planner.ts';
import { RollbackStarter, endedNotice, type EngineWait, type StartResult } from './rollback-start.ts';
import type { RollbackStartOptions, RollbackStartStore } from './rollback-start.ts';

export type { ManualStrategy, PlanRequest, RollbackPlan, ShownRollbackPlan } from './rollback-planner.ts';
export type { EngineWait } from './rollback-start.ts';

/**
 * What the requests read and write (rows, approvals), with what their planner reads and what starting,
 * scheduling and controlling a rollback read and write.
 */
export type RollbackRequestStore = RollbackPlannerStore &
  RollbackStartStore &
  PlannedRollbackStore &
  RollbackControlStore & {
    rollbacks: Pick<Store['rollbacks'], 'activeForService' | 'create' | 'get' | 'update'>;
    approvals: Pick<Store['approvals'], 'record' | 'count'>;
    incidents: Pick<Store['incidents'], 'get'>;
  };

/**
 * What the planner needs (the requests plan through it), and what carrying a plan out needs: starting it,
 * scheduling it, controlling it once started.
 */
export interface RollbackRequestOptions
  extends RollbackPlannerOptions, RollbackStartOptions, PlannedRollbackOptions, RollbackControlOptions {
  store: RollbackRequestStore;
  authorizer: Authorizer;
  engine: RollbackEngine;
  notifier: IncidentNotifier;
  /** The install's language: an incident opened here is titled in it. */
  locale: 'en' | 'ja';
}

export type RequestResult =
  StartResult | ScheduleResult | { state: 'awaiting_approval'; rollback: RollbackRecord; have: number; need: number };

/** What a request's transaction decided; a claimed rollback is started once it is committed. */
type Decided = Exclude<RequestResult, StartResult> | { state: 'claimed'; rollback: RollbackRecord };

export class RollbackRequests {
  private readonly planner: RollbackPlanner;
  private readonly starter: RollbackStarter;
  private readonly planned: PlannedRollbacks;
  private readonly controls: RollbackControls;

  constructor(private readonly o: RollbackRequestOptions) {
    this.planner = new RollbackPlanner(o);
    this.starter = new RollbackStarter(o);
    this.planned = new PlannedRollbacks(o, this.starter);
    this.controls = new RollbackControls(o, this.planned);
  }

  /** The version serving now, as far as the bot knows (see RollbackPlanner). */
  servingVersion(service: string, incidentVersion: string | null, incidentId: string | null): string | null {
    return this.planner.servingVersion(service, incidentVersion, incidentId);
  }

  /** Plans a rollback for the confirmation dialog. Only approvers get this far. */
  async plan(request: PlanRequest, actor: Actor): Promise<Outcome<RollbackPlan>> {
    const subject = this.planner.subject(request.incidentId, request.service ?? null);
    if (!subject.ok) return subject;
    const auth = await this.o.authorizer.authorize(actor, `rollback.${request.strategy}`, subject.value.service, {
      step: 'plan',
    });
    if (!auth.ok) return refuse(notApprover({ kind: 'rollback', strategy: request.strategy }, auth.approvers));
    // Only a gradual rollback shows where it starts; every dialog says who re-applies the routing from git. Both are
    // read at once, each within the planner's short limit.
    const service = subject.value.service;
    const [live, gitops] = await Promise.all([
      request.strategy === 'gradual' ? this.planner.liveSplit(service) : null,
      this.planner.liveGitOps(service),
    ]);
    const draft = this.planner.draft(request, subject.value, live);
    return draft.ok && gitops ? ok({ ...draft.value, gitops }) : draft;
  }

  /**
   * The confirmation dialog was submitted. Its metadata comes back from Slack, forged or stale, so it
   * is not what runs: the plan is made again from the state now (RollbackPlanner.recheck) and
   * anything that differs from what the dialog showed is refused before a row is written or a note
   * is posted.
   */
  async confirm(
    shown: ShownRollbackPlan,
    actor: Actor,
    engineWait: EngineWait = 'await',
  ): Promise<Outcome<RequestResult>> {
    const first = this.planner.subject(shown.incidentId, shown.service);
    if (!first.ok) return first;
    const auth = await this.o.authorizer.authorize(actor, `rollback.${shown.strategy}`, first.value.service, {
      step: 'confirm',
      to: shown.toVersion,
    });
    if (!auth.ok) return refuse(notApprover({ kind: 'rollback', strategy: shown.strategy }, auth.approvers));
    const live = shown.strategy === 'gradual' ? await this.planner.liveSplit(first.value.service) : null;
    // Authorising may have waited on Slack (user groups), reading the split on the cluster. From here
    // to the row nothing waits, so the state the plan is checked against is the state the row is written against.
    const subject = this.planner.subject(shown.incidentId, shown.service);
    if (!subject.ok) return subject;
    const fresh = this.planner.recheck(shown, subject.value, live);
    if (!fresh.ok) return fresh;
    return this.proceed(fresh.value, actor, engineWait);
  }

  /** The confirmation was submitted: record the request and this approval, start when enough. */
  async request(plan: RollbackPlan, actor: Actor, engineWait: EngineWait = 'await'): Promise<Outcome<RequestResult>> {
    const auth = await this.o.authorizer.authorize(actor, `rollback.${plan.strategy}`, plan.service, {
      step: 'confirm',
      to: plan.toVersion,
    });
    if (!auth.ok) return refuse(notApprover({ kind: 'rollback', strategy: plan.strategy }, auth.approvers));
    return this.proceed(plan, actor, engineWait);
  }

  /**
   * Records a plan made by `plan` or `confirm` (the approver is authorised): the first write of a request. From the
   * first check to the claim it is one transaction (see submit), so two approvers confirming the same request on two
   * replicas are its two approvals, whichever commits first.
   */
  private proceed(
    plan: RollbackPlan,
    actor: Actor,
    engineWait: EngineWait,
  ): Outcome<RequestResult> | Promise<Outcome<RequestResult>> {
    if (!this.o.engine.available) {
      const { strategy, service, fromVersion: from, toVersion: to } = plan;
      return refuse({ kind: 'engine_unavailable', what: { kind: 'rollback', strategy, service, from, to } });
    }
    return this.submit(() => this.write(plan, actor), actor, engineWait);
  }

  /** The request's row, or the same request already waiting for its next approval; in submit's transaction. */
  private write(plan: RollbackPlan, actor: Actor): Outcome<RollbackRecord> {
    const incidentId = this.incidentFor(plan, actor);
    if (typeof incidentId !== 'string') return incidentId;
    this.yieldPendingCanary(plan.service, incidentId, actor);
    const existing = this.o.store.rollbacks.activeForService(plan.service);
    if (existing) {
      const same =
        existing.status === 'pending' && existing.toVersion === plan.toVersion && existing.strategy === plan.strategy;
      // A second person confirming the same request is its second approval.
      return same ? ok(existing) : refuse({ kind: 'rollback_running', rollbackId: existing.id });
    }
    let rollback: RollbackRecord;
    try {
      rollback = this.o.store.rollbacks.create({
        incidentId,
        service: plan.service,
        strategy: plan.strategy,
        fromVersion: plan.fromVersion,
        toVersion: plan.toVersion,
        status: 'pending',
        startedBy: actor.id,
        scheduledFor: plan.scheduledFor,
        startedAt: this.o.clock.now(),
        plan: { phases: plan.phases, requiredApprovals: plan.requiredApprovals },
        dryRun: plan.dryRun,
      });
    } catch (err) {
      if (err instanceof RollbackConflictError) return refuse({ kind: 'rollback_running', rollbackId: err.running.id });
      throw err;
    }
    const recommended = this.o.decisions.assessment(incidentId).recommendation?.action ?? null;
    this.o.decisions.recordDecision(incidentId, plan.strategy, actor, recommended);
    this.o.incidents.record(incidentId, 'rollback_requested', actor, {
      rollbackId: rollback.id,
      strategy: plan.strategy,
      from: plan.fromVersion,
      to: plan.toVersion,
    });
    // "Started" is said only of what starts now: one waiting for approvals or its time gets its own note instead.
    const later = plan.scheduledFor !== null && plan.scheduledFor > this.o.clock.now();
    if (this.approvalsNeeded(actor) <= 1 && !later)
      this.o.notifier.notice(incidentId, { kind: 'rollback_requested', rollbackId: rollback.id, ...actedBy(actor) });
    return ok(rollback);
  }

  /**
   * The runbook's automatic rollback (critical with `autoRollback: critical`): the bot plans an
   * immediate rollback to the next version down the chain and starts it without waiting for
   * approvals — the config's `autoRollback` is the approval — audited as the bot. Resolves once
   * the rollback is claimed and recorded; the engine's preflight runs on in the background and a
   * failure of it is told in the thread (see RollbackStarter.start).
   */
  async automatic(incidentId: string, reason: string): Promise<Outcome<RequestResult>> {
    const active = this.o.store.incidents.get(incidentId);
    if (active) this.yieldPendingCanary(active.service, incidentId, BOT_ACTOR);
    const holding = active ? this.o.store.rollbacks.activeForService(active.service) : null;
    if (active && holding) {
      // Never silent: the people deciding on that rollback are told critical came and nothing was started
      // (unless it is this bot's own automatic rollback, asked again by a timer run twice after a crash).
      if (holding.startedBy !== BOT_ACTOR.id)
        this.o.notifier.notice(incidentId, { kind: 'automatic_rollback_held', rollbackId: holding.id, reason });
      return refuse({ kind: 'no_rollback', service: active.service });
    }
    const plan = await this.plan({ incidentId, strategy: 'immediate', to: null }, BOT_ACTOR);
    if (!plan.ok) return plan;
    const result = await this.request(plan.value, BOT_ACTOR, 'background');
    if (result.ok)
      this.o.notifier.notice(incidentId, { kind: 'automatic_rollback', rollbackId: result.value.rollback.id, reason });
    return result;
  }

  /**
   * A canary of an earlier incident's fix that still waits for its second approval holds the
   * service without having moved anything: a rollback that a newer incident needs comes first, and
   * the canary is cancelled, said in its own thread.
   */
  private yieldPendingCanary(service: string, incidentId: string, actor: Actor): void {
    // The check, the cancel and what it tells commit together (in the caller's transaction when there is one).
    this.o.store.transaction(() => {
      const waiting = this.o.store.rollbacks.activeForService(service);
      if (
        !waiting ||
        waiting.strategy !== 'canary' ||
        waiting.status !== 'pending' ||
        waiting.incidentId === incidentId
      )
        return;
      const why: FinishReason = { kind: 'superseded', incidentId, service };
      const reason = finishReasonLine(why);
      const cancelled = this.o.store.rollbacks.update(
        waiting.id,
        { status: 'cancelled', finishedAt: this.o.clock.now(), error: reason },
        'pending',
      );
      if (!cancelled?.incidentId) return;
      this.o.incidents.record(cancelled.incidentId, 'canary_cancelled', actor, {
        rollbackId: cancelled.id,
        reason: { kind: 'superseded', incidentId, service },
      });
      this.o.notifier.notice(cancelled.incidentId, endedNotice(cancelled.id, 'aborted', why));
      this.o.notifier.changed(cancelled.incidentId);
    });
  }

  /** The Approve button of a rollback waiting for its second approver. */
  async approve(rollbackId: string, actor: Actor): Promise<Outcome<RequestResult>> {
    const rollback = this.o.store.rollbacks.get(rollbackId);
    if (!rollback) return refuse({ kind: 'unknown_rollback', rollbackId });
    const auth = await this.o.authorizer.authorize(actor, 'rollback.approve', rollback.service, { rollbackId });
    if (!auth.ok) return refuse(notApprover({ kind: 'approve_rollback' }, auth.approvers));
    // Read again in the transaction that records the approval: checked against what it is written against.
    return this.submit(() => {
      const fresh = this.o.store.rollbacks.get(rollbackId) ?? rollback;
      if (fresh.status === 'pending') return ok(fresh);
      // No longer waiting (started, or cancelled for a newer incident's rollback): what holds the service now is
      // said, never that this one is in progress when it ended.
      const active = this.o.store.rollbacks.activeForService(fresh.service);
      return active
        ? refuse({ kind: 'rollback_running', rollbackId: active.id })
        : refuse({ kind: 'no_rollback', service: fresh.service });
    }, actor);
  }

  /** The bot's own rollback (autoRollback: critical) is approved by the config; a person's needs requiredApprovals. */
  private approvalsNeeded(actor: Actor): number {
    return actor.kind === 'bot' ? 1 : this.o.requiredApprovals;
  }

  /**
   * A request's writes in one transaction: `write` makes or finds its row, then this approval is recorded and, when
   * the approvals suffice, the rollback is scheduled or claimed (which arms its start watchdog). On PostgreSQL the
   * transaction holds the writer lock, so the checks and the writes of two replicas never interleave; a transaction
   * the database refuses leaves nothing behind — no row, no approval, no note in the thread — and the same request
   * works when tried again. The engine runs after the commit.
   */
  submit(
    write: () => Outcome<RollbackRecord>,
    actor: Actor,
    engineWait: EngineWait = 'await',
  ): Outcome<RequestResult> | Promise<Outcome<RequestResult>> {
    const decided = this.o.store.transaction(() => {
      const row = write();
      return row.ok ? this.approveAndClaim(row.value, actor) : row;
    });
    if (!decided.ok || decided.value.state !== 'claimed') return decided as Outcome<RequestResult>;
    return this.starter.run(decided.value.rollback, actor, engineWait);
  }

  /** Records this approval and schedules or claims the rollback once it has enough; in submit's transaction. */
  private approveAndClaim(rollback: RollbackRecord, actor: Actor): Outcome<Decided> {
    const need = this.approvalsNeeded(actor);
    const incidentId = rollback.incidentId;
    const recorded = this.o.store.approvals.record({
      subject: rollback.id,
      approver: actor.id,
      at: this.o.clock.now(),
    });
    const have = this.o.store.approvals.count(rollback.id);
    if (!recorded) {
      // The same approver again (double click, or confirming twice): one person is one approval.
      return have >= need
        ? refuse({ kind: 'rollback_running', rollbackId: rollback.id })
        : refuse({ kind: 'same_approver', rollbackId: rollback.id });
    }
    if (incidentId) this.o.incidents.record(incidentId, 'approval', actor, { rollbackId: rollback.id, have, need });
    if (have < need) {
      if (incidentId) {
        this.o.notifier.notice(incidentId, { kind: 'approval_needed', rollbackId: rollback.id, ...actedBy(actor) });
        this.o.notifier.changed(incidentId);
      }
      return ok({ state: 'awaiting_approval', rollback, have, need });
    }
    if (incidentId && need > 1)
      this.o.notifier.notice(incidentId, { kind: 'approved', rollbackId: rollback.id, ...actedBy(actor) });
    if (rollback.scheduledFor !== null && rollback.scheduledFor > this.o.clock.now())
      return this.planned.schedule(rollback);
    const claimed = this.starter.claim(rollback, actor);
    return claimed
      ? ok({ state: 'claimed', rollback: claimed })
      : refuse({ kind: 'rollback_running', rollbackId: rollback.id });
  }

  /** Resolves once every engine start left running in the background has finished (shutdown, tests). */
  idle(): Promise<void> {
    return this.starter.idle();
  }

  /** Pause, resume or abort the service's rollback (`/rollback pause|resume|abort`, buttons); see RollbackControls. */
  control(
    target: { service?: string; rollbackId?: string },
    control: RollbackControl,
    actor: Actor,
  ): Promise<Outcome<RollbackRecord>> {
    return this.controls.control(target, control, actor);
  }

  /** A rollback always has an incident to report in: the open one of the service, or a new one. */
  private incidentFor(plan: RollbackPlan, actor: Actor): string | Outcome<never> {
    if (plan.incidentId) {
      const open = this.o.decisions.openIncident(plan.incidentId);
      return open.ok ? open.value.id : open;
    }
    const { incident, created } = this.o.incidents.open(
      {
        service: plan.service,
        version: plan.fromVersion,
        severity: 'warning',
        title: manualRollbackTitle(plan.strategy, this.o.locale),
        drill: false,
      },
      actor,
    );
    if (created)
      this.o.incidents.transition(incident.id, 'awaiting_decision', actor, { reason: { kind: 'manual_rollback' } });
    return incident.id;
  }
}
