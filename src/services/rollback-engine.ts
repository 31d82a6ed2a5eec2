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
import { z } from 'zod';
import type { Condition } from '../domain/conditions.ts';
import type { MetricCatalogue } from '../domain/metrics.ts';
import type { GradualPhaseInput } from '../domain/rollback-plan.ts';
import { withDetail, type RollbackRecord, type RollbackStep } from '../domain/rollback-record.ts';
import type { TriggerRules } from '../domain/triggers.ts';
import type { Actor } from '../domain/types.ts';
import type { Store } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import type { EscalationService } from './escalations.ts';
import type { IncidentService } from './incidents.ts';
import type {
  ClusterPort,
  IncidentNotifier,
  MetricsSource,
  RollbackControl,
  RollbackEngine,
  RoutingMoved,
} from './ports.ts';
import { withKubeRetry } from './kube-retry.ts';
import { ROLLBACK_TIMER, StartRefusedError, StepRunner, addPlannedStep, type StepContext } from './rollback/index.ts';
import { readGitOps, withGitOpsStep } from './rollback/gitops-pause.ts';
import { defineTimer, type FiredTimer, type TimerService } from './timers.ts';

export { ROLLBACK_TIMER };

export interface EngineSettings {
  verifyWindowMs: number;
  evaluationIntervalMs: number;
  observationWindowMs: number;
  phases: GradualPhaseInput[];
  abortIf: Condition;
  /** The metrics the config knows, with their units: a step's readings are shown in them. */
  catalogue: MetricCatalogue;
  /** The cautious canary that re-deploys a fix: its steps in percent of traffic on the fix, and each step's watch. */
  canary: { steps: number[]; observeMs: number };
  tiers: TriggerRules['tiers'];
  dryRun: boolean;
  /** The team's zone (drills.timezone): times in the thread notes are written in it. */
  timezone: string;
}

/**
 * What the engine and its steps read and write: the rollback row and its steps (written together in
 * transactions), the incident a step reports to, and the audit log (a GitOps sync paused).
 */
export type RollbackEngineStore = Pick<Store, 'transaction'> & {
  rollbacks: Pick<Store['rollbacks'], 'get' | 'update' | 'steps' | 'history' | 'addStep' | 'updateStep'>;
  incidents: Pick<Store['incidents'], 'get' | 'timeline'>;
  audit: Pick<Store['audit'], 'record'>;
};

export interface RollbackEngineOptions {
  store: RollbackEngineStore;
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
  /**
   * A step's write met routing another writer had just changed, and wrote nothing: the drift
   * service notes it and pauses the rollback. Without it the step fails.
   */
  onRoutingMoved?: (moved: RoutingMoved) => Promise<void>;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };
}

/** A step of a rollback due to run; `tick` counts the rounds of an observing or verifying step. */
const stepTimer = defineTimer(
  ROLLBACK_TIMER,
  z.object({ rollbackId: z.string(), seq: z.number(), tick: z.number().optional() }),
);
type StepTimer = z.output<typeof stepTimer.payload>;

export const stepKey = (rollbackId: string, seq: number, tick?: number) =>
  `rollback:${rollbackId}:s${seq}${tick === undefined ? '' : `:t${tick}`}`;

export class KubeRollbackEngine implements RollbackEngine {
  readonly available = true;
  private readonly runner: StepRunner;

  constructor(private readonly o: RollbackEngineOptions) {
    this.runner = new StepRunner(o, (rollbackId, seq, dueAt, tick) => this.schedule(rollbackId, seq, dueAt, tick));
    o.timers.on(stepTimer, (t) => this.onTimer(t));
  }

  /**
   * Preflight, then the plan as rows and the first step as a timer due now. A refusal here (the
   * target has no ready replicas) is thrown, and the request that started it reports it.
   */
  async start(rollback: RollbackRecord): Promise<void> {
    const cluster = this.o.cluster.forService(rollback.service);
    const call = { op: 'read_deployment' as const, version: rollback.toVersion };
    const ready = await withKubeRetry(call, () => cluster.checks.readyReplicas(rollback.toVersion), this.o.clock);
    if (ready.ready === 0) {
      const { service, toVersion: version } = rollback;
      throw new StartRefusedError({ kind: 'no_ready_replicas', service, version, desired: ready.desired });
    }
    const steps = withGitOpsStep(this.runner.plan(rollback), await readGitOps(this.o, rollback));
    const now = this.o.clock.now();
    // Planned once: a second start (the claim's watchdog, when the first start only seemed lost)
    // finds the plan already stored and leaves it to its timers.
    const planned = this.o.store.transaction(() => {
      if (this.o.store.rollbacks.steps(rollback.id).length > 0) return false;
      steps.forEach((step) => addPlannedStep(this.o.store, rollback.id, step));
      this.schedule(rollback.id, 1, now);
      return true;
    });
    if (planned) this.o.log?.info({ rollback: rollback.id, steps: steps.map((x) => x.name) }, 'rollback planned');
  }

  async control(rollback: RollbackRecord, control: RollbackControl, actor: Actor): Promise<void> {
    const now = this.o.clock.now();
    const { store, timers } = this.o;
    if (control === 'pause') {
      if (!store.rollbacks.update(rollback.id, { status: 'paused' }, 'running')) return;
      timers.cancelWhere(ROLLBACK_TIMER, `rollback:${rollback.id}:`);
      const step = this.current(rollback.id);
      // An observation keeps what is left of its window for when it resumes.
      if (step && step.detail.kind === 'observe' && step.detail.observeUntil !== undefined) {
        store.rollbacks.updateStep(rollback.id, step.seq, {
          detail: { ...step.detail, remainingMs: Math.max(0, step.detail.observeUntil - now) },
        });
      }
      return;
    }
    if (control === 'resume') {
      if (!store.rollbacks.update(rollback.id, { status: 'running' }, 'paused')) return;
      const step = this.current(rollback.id);
      if (!step) return;
      const detail = step.detail;
      if (detail.kind === 'observe' && typeof detail.remainingMs === 'number') {
        const tick = (detail.tick ?? 0) + 1;
        store.rollbacks.updateStep(rollback.id, step.seq, {
          detail: { ...detail, observeUntil: now + detail.remainingMs, remainingMs: null, tick },
        });
        this.schedule(rollback.id, step.seq, now, tick);
      } else {
        this.schedule(rollback.id, step.seq, now, step.status === 'running' ? this.nextTick(step) : undefined);
      }
      return;
    }
    // Abort is the strategy's: a rollback stops where traffic is now, a canary goes back to its stable version.
    await this.runner.abort(rollback, actor);
  }

  private current(rollbackId: string): RollbackStep | undefined {
    return this.o.store.rollbacks.steps(rollbackId).find((s) => s.status === 'pending' || s.status === 'running');
  }

  private nextTick(step: RollbackStep): number {
    const tick = (step.detail.tick ?? 0) + 1;
    this.o.store.rollbacks.updateStep(step.rollbackId, step.seq, { detail: withDetail(step.detail, { tick }) });
    return tick;
  }

  private schedule(rollbackId: string, seq: number, dueAt: number, tick?: number): void {
    this.o.timers.schedule({
      kind: stepTimer,
      key: stepKey(rollbackId, seq, tick),
      dueAt,
      payload: { rollbackId, seq, ...(tick === undefined ? {} : { tick }) },
    });
  }

  private async onTimer(timer: FiredTimer<StepTimer>): Promise<void> {
    const { rollbackId, seq, tick } = timer.payload;
    const rollback = this.o.store.rollbacks.get(rollbackId);
    if (!rollback || rollback.status !== 'running') return; // paused, aborted or finished since
    const steps = this.o.store.rollbacks.steps(rollbackId);
    const step = steps.find((s) => s.seq === seq);
    // A repeat: the step already ended.
    if (!step || step.status === 'succeeded' || step.status === 'skipped' || step.status === 'failed') return;
    const ctx: StepContext = { rollback, step, steps, tick };
    await this.runner.run(ctx);
  }
}
