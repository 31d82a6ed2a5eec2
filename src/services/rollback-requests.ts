/**
 * Asking for a rollback, from a button or `/rollback`: plan it (from which version to which), check
 * the person is an approver, collect approvals (`requiredApprovals`), and start it exactly once.
 *
 * Exactly once: the rollback is a row whose status goes `pending` → `running` with a conditional
 * update, and the database allows one active rollback per service. A double click, two approvers
 * clicking together, or a second bot process all meet at that row: one caller wins the claim and
 * calls the engine; every other caller is told what is already happening.
 */
import { z } from 'zod';
import { finishReasonLine, type FinishReason, type StartProblem } from '../domain/step-facts.ts';
import { BOT_ACTOR, type Actor } from '../domain/types.ts';
import { RollbackConflictError, storeRefusal, type RollbackRecord, type Store } from '../store/index.ts';
import type { Authorizer } from './authorization.ts';
import { HeldControls } from './held-controls.ts';
import type { IncidentNotice, IncidentNotifier, RollbackControl, RollbackEngine } from './ports.ts';
import { StartRefusedError } from './rollback/index.ts';
import { defineTimer, type TimerService } from './timers.ts';
import { notApprover, ok, refuse, type Outcome } from './refusals.ts';
import { RollbackPlanner } from './rollback-planner.ts';
import type { PlanRequest, RollbackPlan, RollbackPlannerOptions } from './rollback-planner.ts';
import type { RollbackPlannerStore, ShownRollbackPlan } from './rollback-planner.ts';

export type { ManualStrategy, PlanRequest, RollbackPlan, ShownRollbackPlan } from './rollback-planner.ts';

export const PLANNED_TIMER = 'planned_rollback';

/** How long before a planned rollback the reminder goes to the thread (less when it is sooner). */
export const PLANNED_REMINDER_MS = 15 * 60_000;

/** The notice of a rollback that ended before the engine ran it: why, as data and as the English line. */
function endedNotice(rollbackId: string, outcome: 'failed' | 'aborted', why: FinishReason): IncidentNotice {
  return { kind: 'rollback_finished', rollbackId, outcome, reason: finishReasonLine(why), why };
}

/** What the requests read and write (rows, approvals, audit of a held control), with what their planner reads. */
export type RollbackRequestStore = RollbackPlannerStore &
  Pick<Store, 'transaction'> & {
    rollbacks: Pick<Store['rollbacks'], 'activeForService' | 'create' | 'get' | 'update'>;
    approvals: Pick<Store['approvals'], 'record' | 'count'>;
    incidents: Pick<Store['incidents'], 'get'>;
    audit: Pick<Store['audit'], 'record'>;
  };

/** What the planner needs (the requests plan through it), and what carrying a plan out needs. */
export interface RollbackRequestOptions extends RollbackPlannerOptions {
  store: RollbackRequestStore;
  authorizer: Authorizer;
  engine: RollbackEngine;
  notifier: IncidentNotifier;
  timers: TimerService;
  log?: { error(obj: object, msg: string): void };
  /** Resolves when background work may run; incoming requests are answered first (main: the HTTP server's activity). */
  yieldToRequests?: () => Promise<void>;
}

/**
 * Whether the caller waits for the engine's preflight (it reads Kubernetes): a person confirming a
 * dialog does, so a refusal (no ready replicas) answers them; the bot's own automatic rollback
 * does not, so the webhook or evaluator that raised it is never held up by the cluster.
 */
export type EngineWait = 'await' | 'background';

export type RequestResult =
  | { state: 'started'; rollback: RollbackRecord }
  | { state: 'scheduled'; rollback: RollbackRecord }
  | { state: 'awaiting_approval'; rollback: RollbackRecord; have: number; need: number };

const plannedTimer = defineTimer(
  PLANNED_TIMER,
  z.object({ rollbackId: z.string(), step: z.enum(['reminder', 'start']) }),
);
type PlannedPayload = z.output<typeof plannedTimer.payload>;

export class RollbackRequests {
  /** Engine starts nobody awaits (automatic rollbacks), so shutdown and tests can wait for them. */
  private readonly starting = new Set<Promise<void>>();

  private readonly planner: RollbackPlanner;
  /** Pauses and aborts the database refused while its disk was full, until they can be recorded. */
  private readonly held: HeldControls;

  constructor(private readonly o: RollbackRequestOptions) {
    this.held = new HeldControls(o.log);
    this.planner = new RollbackPlanner(o);
    o.timers.beforeEachRun(() => this.held.applyAll());
    o.timers.on(plannedTimer, (t) => this.onPlanned(t.payload));
  }

  /** The version serving now, as far as the bot knows (see RollbackPlanner). */
  servingVersion(service: string, incidentVersion: string | null, incidentId: string | null): string | null {
    return this.planner.servingVersion(service, incidentVersion, incidentId);
  }

  /** Plans a rollback for the confirmation dialog. Only approvers get this far. */
  async plan(request: PlanRequest, actor: Actor): Promise<Outcome<RollbackPlan>> {
    const subject = this.planner.subject(request.incidentId, request.service ?? null);
    if (!subject.ok) return subject;
    const auth = await this.o.authorizer.authorize(actor, `rollback.${request.strategy}`, subject.value.service, { step: 'plan' });
    if (!auth.ok) return refuse(notApprover({ kind: 'rollback', strategy: request.strategy }, auth.approvers));
    // Only a gradual rollback shows where it starts; an immediate one (the bot's automatic one too) never waits on the cluster here.
    const live = request.strategy === 'gradual' ? await this.planner.liveSplit(subject.value.service) : null;
    return this.planner.draft(request, subject.value, live);
  }

  /**
   * The confirmation dialog was submitted. Its metadata comes back from Slack, forged or stale, so it
   * is not what runs: the plan is made again from the state now (RollbackPlanner.recheck) and
   * anything that differs from what the dialog showed is refused before a row is written or a note
   * is posted.
   */
  async confirm(shown: ShownRollbackPlan, actor: Actor, engineWait: EngineWait = 'await'): Promise<Outcome<RequestResult>> {
    const first = this.planner.subject(shown.incidentId, shown.service);
    if (!first.ok) return first;
    const auth = await this.o.authorizer.authorize(actor, `rollback.${shown.strategy}`, first.value.service, { step: 'confirm', to: shown.toVersion });
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
    const auth = await this.o.authorizer.authorize(actor, `rollback.${plan.strategy}`, plan.service, { step: 'confirm', to: plan.toVersion });
    if (!auth.ok) return refuse(notApprover({ kind: 'rollback', strategy: plan.strategy }, auth.approvers));
    return this.proceed(plan, actor, engineWait);
  }

  /** Records a plan made by `plan` or `confirm` (the approver is authorised): the first write of a request. */
  private proceed(plan: RollbackPlan, actor: Actor, engineWait: EngineWait): Outcome<RequestResult> | Promise<Outcome<RequestResult>> {
    if (!this.o.engine.available) {
      const { strategy, service, fromVersion: from, toVersion: to } = plan;
      return refuse({ kind: 'engine_unavailable', what: { kind: 'rollback', strategy, service, from, to } });
    }
    const incidentId = this.incidentFor(plan, actor);
    if (typeof incidentId !== 'string') return incidentId;
    this.yieldPendingCanary(plan.service, incidentId, actor);

    let rollback: RollbackRecord;
    const existing = this.o.store.rollbacks.activeForService(plan.service);
    if (existing) {
      const same = existing.status === 'pending' && existing.toVersion === plan.toVersion && existing.strategy === plan.strategy;
      if (!same) return refuse({ kind: 'rollback_running', rollbackId: existing.id });
      rollback = existing; // a second person confirming the same request is its second approval
    } else {
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
      this.o.incidents.record(incidentId, 'rollback_requested', actor, { rollbackId: rollback.id, strategy: plan.strategy, from: plan.fromVersion, to: plan.toVersion });
      this.o.notifier.notice(incidentId, { kind: 'rollback_requested', rollbackId: rollback.id, by: actor.id });
    }
    return this.approveAndStart(rollback, actor, engineWait);
  }

  /**
   * The runbook's automatic rollback (critical with `autoRollback: critical`): the bot plans an
   * immediate rollback to the next version down the chain and starts it without waiting for
   * approvals — the config's `autoRollback` is the approval — audited as the bot. Resolves once
   * the rollback is claimed and recorded; the engine's preflight runs on in the background and a
   * failure of it is told in the thread (see `start`).
   */
  async automatic(incidentId: string, reason: string): Promise<Outcome<RequestResult>> {
    const active = this.o.store.incidents.get(incidentId);
    if (active) this.yieldPendingCanary(active.service, incidentId, BOT_ACTOR);
    if (active && this.o.store.rollbacks.activeForService(active.service)) return refuse({ kind: 'no_rollback', service: active.service });
    const plan = await this.plan({ incidentId, strategy: 'immediate', to: null }, BOT_ACTOR);
    if (!plan.ok) return plan;
    const result = await this.request(plan.value, BOT_ACTOR, 'background');
    if (result.ok) this.o.notifier.notice(incidentId, { kind: 'automatic_rollback', rollbackId: result.value.rollback.id, reason });
    return result;
  }

  /**
   * A canary of an earlier incident's fix that still waits for its second approval holds the
   * service without having moved anything: a rollback that a newer incident needs comes first, and
   * the canary is cancelled, said in its own thread.
   */
  private yieldPendingCanary(service: string, incidentId: string, actor: Actor): void {
    const waiting = this.o.store.rollbacks.activeForService(service);
    if (!waiting || waiting.strategy !== 'canary' || waiting.status !== 'pending' || waiting.incidentId === incidentId) return;
    const why: FinishReason = { kind: 'superseded', incidentId, service };
    const reason = finishReasonLine(why);
    const cancelled = this.o.store.rollbacks.update(waiting.id, { status: 'cancelled', finishedAt: this.o.clock.now(), error: reason }, 'pending');
    if (!cancelled?.incidentId) return;
    this.o.incidents.record(cancelled.incidentId, 'canary_cancelled', actor, {
      rollbackId: cancelled.id,
      reason: { kind: 'superseded', incidentId, service },
    });
    this.o.notifier.notice(cancelled.incidentId, endedNotice(cancelled.id, 'aborted', why));
    this.o.notifier.changed(cancelled.incidentId);
  }

  /** The Approve button of a rollback waiting for its second approver. */
  async approve(rollbackId: string, actor: Actor): Promise<Outcome<RequestResult>> {
    const rollback = this.o.store.rollbacks.get(rollbackId);
    if (!rollback) return refuse({ kind: 'unknown_rollback', rollbackId });
    const auth = await this.o.authorizer.authorize(actor, 'rollback.approve', rollback.service, { rollbackId });
    if (!auth.ok) return refuse(notApprover({ kind: 'approve_rollback' }, auth.approvers));
    const fresh = this.o.store.rollbacks.get(rollbackId);
    if (!fresh || fresh.status !== 'pending') return refuse({ kind: 'rollback_running', rollbackId });
    return this.approveAndStart(fresh, actor);
  }

  /** Records this approval and starts (or schedules) the rollback once it has enough. */
  approveAndStart(rollback: RollbackRecord, actor: Actor, engineWait: EngineWait = 'await'): Outcome<RequestResult> | Promise<Outcome<RequestResult>> {
    const need = actor.kind === 'bot' ? 1 : this.o.requiredApprovals;
    const incidentId = rollback.incidentId;
    const recorded = this.o.store.approvals.record({ subject: rollback.id, approver: actor.id, at: this.o.clock.now() });
    const have = this.o.store.approvals.count(rollback.id);
    if (!recorded) {
      // The same approver again (double click, or confirming twice): one person is one approval.
      return have >= need ? refuse({ kind: 'rollback_running', rollbackId: rollback.id }) : refuse({ kind: 'same_approver', rollbackId: rollback.id });
    }
    if (incidentId) this.o.incidents.record(incidentId, 'approval', actor, { rollbackId: rollback.id, have, need });
    if (have < need) {
      if (incidentId) {
        this.o.notifier.notice(incidentId, { kind: 'approval_needed', rollbackId: rollback.id, by: actor.id });
        this.o.notifier.changed(incidentId);
      }
      return ok({ state: 'awaiting_approval', rollback, have, need });
    }
    if (incidentId && need > 1) this.o.notifier.notice(incidentId, { kind: 'approved', rollbackId: rollback.id, by: actor.id });
    if (rollback.scheduledFor !== null && rollback.scheduledFor > this.o.clock.now()) return this.schedulePlanned(rollback);
    return this.start(rollback, actor, engineWait);
  }

  /** 計画的ロールバック: approved now, run at its time, with a reminder before and a cancel button. */
  private schedulePlanned(rollback: RollbackRecord): Outcome<RequestResult> {
    const at = rollback.scheduledFor ?? this.o.clock.now();
    const now = this.o.clock.now();
    const scheduled = this.o.store.transaction(() => {
      const r = this.o.store.rollbacks.update(rollback.id, { status: 'scheduled' }, 'pending');
      if (!r) return null;
      const reminderAt = Math.max(now, at - Math.min(PLANNED_REMINDER_MS, (at - now) / 2));
      const planned = (step: PlannedPayload['step'], dueAt: number) =>
        this.o.timers.schedule({
          kind: plannedTimer,
          key: `planned:${r.id}:${step}`,
          dueAt,
          payload: { rollbackId: r.id, step },
        });
      planned('reminder', reminderAt);
      planned('start', at);
      return r;
    });
    if (!scheduled) return refuse({ kind: 'rollback_running', rollbackId: rollback.id });
    if (scheduled.incidentId) {
      this.o.incidents.record(scheduled.incidentId, 'rollback_scheduled', { kind: 'system', id: 'rollbacks' }, { rollbackId: scheduled.id, at });
      this.o.notifier.notice(scheduled.incidentId, { kind: 'rollback_scheduled', rollbackId: scheduled.id, at });
      this.o.notifier.changed(scheduled.incidentId);
    }
    return ok({ state: 'scheduled', rollback: scheduled });
  }

  private async onPlanned({ rollbackId, step }: PlannedPayload): Promise<void> {
    const rollback = this.o.store.rollbacks.get(rollbackId);
    if (!rollback || rollback.status !== 'scheduled') return; // cancelled, or already run
    if (step === 'reminder') {
      if (rollback.incidentId) this.o.notifier.notice(rollback.incidentId, { kind: 'rollback_reminder', rollbackId, at: rollback.scheduledFor ?? this.o.clock.now() });
      return;
    }
    const moved = this.o.store.rollbacks.update(rollbackId, { status: 'pending' }, 'scheduled');
    if (moved) await this.start(moved, { kind: 'system', id: 'planned-rollbacks' });
  }

  /** Claims the row (pending → running); only the winner reaches the engine. */
  private async start(rollback: RollbackRecord, actor: Actor, engineWait: EngineWait = 'await'): Promise<Outcome<RequestResult>> {
    const claimed = this.o.store.rollbacks.update(rollback.id, { status: 'running' }, 'pending');
    if (!claimed) return refuse({ kind: 'rollback_running', rollbackId: rollback.id });
    const incidentId = claimed.incidentId;
    // A canary brings a fix in after (or instead of) a rollback: the incident keeps its status.
    const canary = claimed.strategy === 'canary';
    if (incidentId) {
      const incident = this.o.store.incidents.get(incidentId);
      if (incident && !canary && incident.status !== 'rolling_back') {
        this.o.incidents.transition(incidentId, 'rolling_back', actor, { rollbackId: claimed.id, strategy: claimed.strategy });
      }
      this.o.incidents.record(incidentId, canary ? 'canary_started' : 'rollback_started', actor, { rollbackId: claimed.id, from: claimed.fromVersion, to: claimed.toVersion, strategy: claimed.strategy });
    }
    if (engineWait === 'background') {
      // Started once incoming requests give way: a burst of critical alerts is answered first.
      const engine = (this.o.yieldToRequests?.() ?? Promise.resolve()).then(() => this.startEngine(claimed, actor));
      const running = engine
        .then((failure) => {
          if (!incidentId) return;
          // Nobody is waiting for an answer, so the thread is where a failure is told.
          if (failure !== null) this.o.notifier.notice(incidentId, endedNotice(claimed.id, 'failed', failure));
          else this.o.notifier.changed(incidentId);
        })
        .catch((err: unknown) => this.o.log?.error({ rollback: claimed.id, err: err instanceof Error ? err.message : String(err) }, 'rollback start could not be recorded'))
        .finally(() => this.starting.delete(running));
      this.starting.add(running);
      if (incidentId) this.o.notifier.changed(incidentId);
      return ok({ state: 'started', rollback: claimed });
    }
    const failure = await this.startEngine(claimed, actor);
    if (failure !== null) {
      return refuse({ kind: 'start_failed', what: canary ? 'canary' : 'rollback', reason: finishReasonLine(failure) });
    }
    if (incidentId) this.o.notifier.changed(incidentId);
    return ok({ state: 'started', rollback: this.o.store.rollbacks.get(claimed.id) ?? claimed });
  }

  /**
   * Hands the claimed rollback to the engine. A refusal or failure of its preflight marks the
   * rollback failed and gives the incident back to people; resolves with why it did not start, or null.
   */
  private async startEngine(claimed: RollbackRecord, actor: Actor): Promise<FinishReason | null> {
    try {
      await this.o.engine.start(claimed);
      return null;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const canary = claimed.strategy === 'canary';
      const incidentId = claimed.incidentId;
      this.o.log?.error({ rollback: claimed.id, err: message }, 'rollback engine failed to start');
      this.o.store.rollbacks.update(claimed.id, { status: 'failed', error: message, finishedAt: this.o.clock.now() }, 'running');
      if (incidentId) {
        this.o.incidents.record(incidentId, canary ? 'canary_failed' : 'rollback_failed', actor, { rollbackId: claimed.id, error: message });
        if (!canary) this.o.incidents.transition(incidentId, 'awaiting_decision', { kind: 'system', id: 'rollbacks' }, { rollbackId: claimed.id, error: message });
      }
      const problem: StartProblem = err instanceof StartRefusedError ? err.problem : { kind: 'error', message };
      return { kind: 'not_started', problem };
    }
  }

  /** Resolves once every engine start left running in the background has finished (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.starting.size > 0) await Promise.all([...this.starting]);
  }

  /** Pause, resume or abort the service's rollback (`/rollback pause|resume|abort`, buttons). */
  async control(target: { service?: string; rollbackId?: string }, control: RollbackControl, actor: Actor): Promise<Outcome<RollbackRecord>> {
    const rollback = target.rollbackId ? this.o.store.rollbacks.get(target.rollbackId) : this.o.store.rollbacks.activeForService(target.service ?? '');
    const service = rollback?.service ?? target.service ?? '';
    try {
      const auth = await this.o.authorizer.authorize(actor, `rollback.${control}`, service, { rollbackId: rollback?.id ?? null });
      if (!auth.ok) return refuse(notApprover({ kind: 'control', control }, auth.approvers));
      return await this.applyControl(rollback, service, control, actor);
    } catch (err) {
      // The database refused the write (a full disk): a Pause or Abort by an approver is held and
      // recorded before the rollback's next step (held-controls.ts); anything else is thrown.
      if (!rollback || control === 'resume' || !storeRefusal(err) || !(actor.kind !== 'user' || (await this.o.authorizer.isApprover(actor.id)))) throw err;
      const id = rollback.id;
      throw this.held.hold(id, control, actor, async () => {
        this.o.store.audit.record({ at: this.o.clock.now(), actor, action: `rollback.${control}`, target: service, outcome: 'allowed', detail: { rollbackId: id, held: true } });
        await this.applyControl(this.o.store.rollbacks.get(id), service, control, actor);
      }, err);
    }
  }

  private async applyControl(rollback: RollbackRecord | null, service: string, control: RollbackControl, actor: Actor): Promise<Outcome<RollbackRecord>> {
    if (!rollback || !['pending', 'scheduled', 'running', 'paused'].includes(rollback.status)) return refuse({ kind: 'no_rollback', service });
    if (rollback.status === 'pending' || rollback.status === 'scheduled') {
      // Not yet running: only abort makes sense, and it needs no engine — nothing has moved.
      if (control !== 'abort') return refuse({ kind: 'no_rollback', service });
      const cancelled = this.o.store.rollbacks.update(rollback.id, { status: 'cancelled', finishedAt: this.o.clock.now() }, rollback.status);
      if (!cancelled) return refuse({ kind: 'no_rollback', service });
      this.o.timers.cancelWhere(PLANNED_TIMER, `planned:${rollback.id}:`);
      this.noteControl(cancelled, control, actor);
      return ok(cancelled);
    }
    if (!this.o.engine.available) {
      return refuse({ kind: 'engine_unavailable', what: { kind: 'control', control, rollbackId: rollback.id } });
    }
    if ((control === 'pause' && rollback.status !== 'running') || (control === 'resume' && rollback.status !== 'paused')) {
      return refuse({ kind: 'no_rollback', service });
    }
    await this.o.engine.control(rollback, control, actor);
    const after = this.o.store.rollbacks.get(rollback.id) ?? rollback;
    this.noteControl(after, control, actor);
    return ok(after);
  }

  private noteControl(rollback: RollbackRecord, control: RollbackControl, actor: Actor): void {
    if (!rollback.incidentId) return;
    this.o.incidents.record(rollback.incidentId, `rollback_${control}`, actor, { rollbackId: rollback.id });
    this.o.notifier.notice(rollback.incidentId, { kind: 'rollback_control', control, rollbackId: rollback.id, by: actor.id });
    this.o.notifier.changed(rollback.incidentId);
  }

  /** A rollback always has an incident to report in: the open one of the service, or a new one. */
  private incidentFor(plan: RollbackPlan, actor: Actor): string | Outcome<never> {
    if (plan.incidentId) {
      const open = this.o.decisions.openIncident(plan.incidentId);
      return open.ok ? open.value.id : open;
    }
    const { incident, created } = this.o.incidents.open(
      { service: plan.service, version: plan.fromVersion, severity: 'warning', title: `manual ${plan.strategy} rollback requested`, drill: false },
      actor,
    );
    if (created) this.o.incidents.transition(incident.id, 'awaiting_decision', actor, { reason: { kind: 'manual_rollback' } });
    return incident.id;
  }
}
