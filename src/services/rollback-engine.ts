/**
 * The rollback engine: runs a claimed rollback step by step — immediate
 * (confirm → switch → verify → post-actions) or gradual (confirm → set/observe per phase → verify →
 * post-actions) — and answers pause, resume and abort.
 *
 * Durability: every step is a row written before it runs, and the engine only moves forward
 * through durable timers (`rollback:<id>:s<seq>` starts a step, `…:t<n>` is an observation tick).
 * A restart therefore continues where the rollback stood: pending timers simply fire. A step
 * interrupted mid-switch runs again, but reads the router first and sends nothing if the split is
 * already the wanted one, so no patch is ever repeated.
 */
import type { Condition } from '../domain/conditions.ts';
import { canarySteps, gradualSteps, immediateSteps, type GradualPhaseInput, type PlannedStep } from '../domain/rollback-plan.ts';
import type { TriggerRules } from '../domain/triggers.ts';
import type { Actor } from '../domain/types.ts';
import type { RollbackRecord, RollbackStep, Store } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import type { EscalationService } from './escalations.ts';
import type { IncidentService } from './incidents.ts';
import type { ClusterPort, IncidentNotifier, MetricsSource, RollbackControl, RollbackEngine } from './ports.ts';
import { ROLLBACK_TIMER, StepRunner, addPlannedStep, type StepContext } from './rollback-steps.ts';
import type { FiredTimer, TimerService } from './timers.ts';

export { ROLLBACK_TIMER };

export interface EngineSettings {
  verifyWindowMs: number;
  evaluationIntervalMs: number;
  observationWindowMs: number;
  phases: GradualPhaseInput[];
  abortIf: Condition;
  /** The cautious canary that re-deploys a fix: its steps in percent of traffic on the fix, and each step's watch. */
  canary: { steps: number[]; observeMs: number };
  tiers: TriggerRules['tiers'];
  dryRun: boolean;
  /** The team's zone (drills.timezone): times in the thread notes are written in it. */
  timezone: string;
}

export interface RollbackEngineOptions {
  store: Store;
  clock: Clock;
  timers: TimerService;
  cluster: ClusterPort;
  metrics: MetricsSource | null;
  incidents: IncidentService;
  escalations: EscalationService;
  notifier: IncidentNotifier;
  /** The runbook's step 4 hand-off: stakeholder notice and post-mortem reminder. */
  postActions?: { afterRollback(incidentId: string): { postMortemAt: number } };
  settings: EngineSettings;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };
}

interface StepTimer {
  rollbackId: string;
  seq: number;
  tick?: number;
}

export const stepKey = (rollbackId: string, seq: number, tick?: number) => `rollback:${rollbackId}:s${seq}${tick === undefined ? '' : `:t${tick}`}`;

export class KubeRollbackEngine implements RollbackEngine {
  readonly available = true;
  private readonly runner: StepRunner;

  constructor(private readonly o: RollbackEngineOptions) {
    this.runner = new StepRunner(o, (rollbackId, seq, dueAt, tick) => this.schedule(rollbackId, seq, dueAt, tick));
    o.timers.on<StepTimer>(ROLLBACK_TIMER, (t) => this.onTimer(t));
  }

  /**
   * Preflight, then the plan as rows and the first step as a timer due now. A refusal here (the
   * target has no ready replicas) is thrown, and the request that started it reports it.
   */
  async start(rollback: RollbackRecord): Promise<void> {
    const cluster = this.o.cluster.forService(rollback.service);
    const ready = await this.runner.kube(`read Deployment of ${rollback.toVersion}`, () => cluster.checks.readyReplicas(rollback.toVersion));
    if (ready.ready === 0) {
      throw new Error(
        `${rollback.service} ${rollback.toVersion} has no ready replicas (0 of ${ready.desired}): switching traffic to it would be an outage. Scale it up first.`,
      );
    }
    const steps = this.planOf(rollback);
    const now = this.o.clock.now();
    this.o.store.transaction(() => {
      steps.forEach((step) => addPlannedStep(this.o.store, rollback.id, step));
      this.schedule(rollback.id, 1, now);
    });
    this.o.log?.info({ rollback: rollback.id, steps: steps.map((x) => x.name) }, 'rollback planned');
  }

  async control(rollback: RollbackRecord, control: RollbackControl, actor: Actor): Promise<void> {
    const now = this.o.clock.now();
    const { store, timers } = this.o;
    if (control === 'pause') {
      if (!store.rollbacks.update(rollback.id, { status: 'paused' }, 'running')) return;
      timers.cancelWhere(ROLLBACK_TIMER, `rollback:${rollback.id}:`);
      const step = this.current(rollback.id);
      // An observation keeps what is left of its window for when it resumes.
      if (step && typeof step.detail.observeUntil === 'number') {
        store.rollbacks.updateStep(rollback.id, step.seq, { detail: { ...step.detail, remainingMs: Math.max(0, step.detail.observeUntil - now) } });
      }
      return;
    }
    if (control === 'resume') {
      if (!store.rollbacks.update(rollback.id, { status: 'running' }, 'paused')) return;
      const step = this.current(rollback.id);
      if (!step) return;
      if (typeof step.detail.remainingMs === 'number') {
        const tick = (typeof step.detail.tick === 'number' ? step.detail.tick : 0) + 1;
        store.rollbacks.updateStep(rollback.id, step.seq, { detail: { ...step.detail, observeUntil: now + step.detail.remainingMs, remainingMs: null, tick } });
        this.schedule(rollback.id, step.seq, now, tick);
      } else {
        this.schedule(rollback.id, step.seq, now, step.status === 'running' ? this.nextTick(step) : undefined);
      }
      return;
    }
    // A canary that is stopped goes back: the fix leaves the traffic, the stable version keeps it.
    if (rollback.strategy === 'canary') return this.runner.revertCanary(rollback, null, `stopped by ${actor.id}`);
    // abort: stop moving traffic where it is now, and hand the decision back to people.
    const aborted = store.rollbacks.update(rollback.id, { status: 'aborted', finishedAt: now }, rollback.status);
    if (!aborted) return;
    timers.cancelWhere(ROLLBACK_TIMER, `rollback:${rollback.id}:`);
    for (const step of store.rollbacks.steps(rollback.id)) {
      if (step.status === 'pending' || step.status === 'running') store.rollbacks.updateStep(rollback.id, step.seq, { status: 'skipped', finishedAt: now });
    }
    await this.runner.finished(aborted, 'aborted', `stopped by ${actor.id}; traffic stays as it is now`);
  }

  private planOf(rollback: RollbackRecord): PlannedStep[] {
    const s = this.o.settings;
    if (rollback.strategy === 'gradual') return gradualSteps(this.phasesOf(rollback), s.verifyWindowMs);
    if (rollback.strategy === 'canary') {
      const planned = (rollback.plan as { canarySteps?: unknown }).canarySteps;
      const percents = Array.isArray(planned) && planned.every((p) => typeof p === 'number') ? (planned as number[]) : s.canary.steps;
      return canarySteps(percents, s.canary.observeMs, s.verifyWindowMs);
    }
    return immediateSteps(s.verifyWindowMs);
  }

  private phasesOf(rollback: RollbackRecord): GradualPhaseInput[] {
    const fromPlan = (rollback.plan as { phases?: unknown }).phases;
    const weights = Array.isArray(fromPlan) ? fromPlan.filter((w): w is number => typeof w === 'number') : [];
    const configured = this.o.settings.phases;
    if (weights.length === 0) return configured;
    return weights.map((weight) => ({ weight, observeMs: configured.find((p) => p.weight === weight)?.observeMs ?? configured[0]?.observeMs ?? null }));
  }

  private current(rollbackId: string): RollbackStep | undefined {
    return this.o.store.rollbacks.steps(rollbackId).find((s) => s.status === 'pending' || s.status === 'running');
  }

  private nextTick(step: RollbackStep): number {
    const tick = (typeof step.detail.tick === 'number' ? step.detail.tick : 0) + 1;
    this.o.store.rollbacks.updateStep(step.rollbackId, step.seq, { detail: { ...step.detail, tick } });
    return tick;
  }

  private schedule(rollbackId: string, seq: number, dueAt: number, tick?: number): void {
    this.o.timers.schedule({ kind: ROLLBACK_TIMER, key: stepKey(rollbackId, seq, tick), dueAt, payload: { rollbackId, seq, ...(tick === undefined ? {} : { tick }) } });
  }

  private async onTimer(timer: FiredTimer<StepTimer>): Promise<void> {
    const { rollbackId, seq, tick } = timer.payload;
    const rollback = this.o.store.rollbacks.get(rollbackId);
    if (!rollback || rollback.status !== 'running') return; // paused, aborted or finished since
    const steps = this.o.store.rollbacks.steps(rollbackId);
    const step = steps.find((s) => s.seq === seq);
    if (!step || step.status === 'succeeded' || step.status === 'skipped' || step.status === 'failed') return; // a repeat
    const ctx: StepContext = { rollback, step, steps, tick };
    await this.runner.run(ctx);
  }
}
