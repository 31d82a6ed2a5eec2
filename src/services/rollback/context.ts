/**
 * What every step module shares: the step being run with its rollback, how a step schedules the
 * next one, the planned step as its row, and the error a step throws to fail with a typed reason.
 */
import type { PlannedStep } from '../../domain/rollback-plan.ts';
import type { RollbackRecord, RollbackStep, RollbackStepDetail } from '../../domain/rollback-record.ts';
import { startProblemLine, stepFailureLine } from '../../domain/step-facts.ts';
import type { AbortCause, StartProblem, StepFailure } from '../../domain/step-facts.ts';
import type { Store } from '../../store/index.ts';
import type { RollbackEngineOptions } from '../rollback-engine.ts';
import { KubeCallError } from '../kube-retry.ts';

export const ROLLBACK_TIMER = 'rollback';

export interface StepContext {
  rollback: RollbackRecord;
  step: RollbackStep;
  steps: RollbackStep[];
  tick: number | undefined;
}

/** Starts step `seq` (or its evaluation `tick`) at `dueAt`, through a durable timer. */
export type Schedule = (rollbackId: string, seq: number, dueAt: number, tick?: number) => void;

/** What the step modules run with: the engine's options and its scheduler. */
export interface StepDeps {
  o: RollbackEngineOptions;
  schedule: Schedule;
}

export const SYSTEM = { kind: 'system' as const, id: 'rollback-engine' };

/** Thrown by a step to fail it for good; the runner records the failure and the strategy decides what follows. */
export class StepFailedError extends Error {
  override readonly name = 'StepFailedError';
  constructor(readonly failure: StepFailure) {
    super(stepFailureLine(failure));
  }
}

/** Thrown by the engine's `start` when its preflight refuses the rollback; nothing was moved. */
export class StartRefusedError extends Error {
  override readonly name = 'StartRefusedError';
  constructor(readonly problem: StartProblem) {
    super(startProblemLine(problem));
  }
}

/** What a thrown value means as a failure: a step's own, a Kubernetes call's, or the message of anything else. */
export function failureOf(err: unknown): StepFailure {
  if (err instanceof StepFailedError) return err.failure;
  if (err instanceof KubeCallError)
    return { kind: 'kube_call_failed', call: err.call, attempts: err.attempts, problem: err.problem };
  return { kind: 'unexpected', message: err instanceof Error ? err.message : String(err) };
}

/** The steps added when a canary goes back carry why, so the stop step can say it after a restart. */
export interface RevertMark {
  revert: true;
  reason: string;
  cause: AbortCause;
}

function plannedDetail(step: PlannedStep, mark: RevertMark | null): RollbackStepDetail {
  const phase = step.phase;
  switch (step.kind) {
    case 'confirm':
      return { kind: 'confirm', phase };
    case 'set_weight':
      return { kind: 'set_weight', phase, weight: step.weight ?? 0, ...mark };
    case 'observe':
      return { kind: 'observe', phase, observeMs: step.observeMs ?? 0 };
    case 'verify':
      return { kind: 'verify', phase, verifyMs: step.verifyMs ?? null };
    case 'post_actions':
      return { kind: 'post_actions', phase };
    case 'stop':
      return { kind: 'stop', phase, ...mark };
    case 'gitops':
      if (!step.gitops) throw new Error(`step "${step.name}" is planned without its GitOps owner`);
      return { kind: 'gitops', phase, ...step.gitops };
  }
}

/** What adding a planned step writes: the step row. */
export type PlannedStepStore = { rollbacks: Pick<Store['rollbacks'], 'addStep'> };

/** A planned step as its row: pending, with what the runner needs in `detail`. */
export function addPlannedStep(
  store: PlannedStepStore,
  rollbackId: string,
  step: PlannedStep,
  mark: RevertMark | null = null,
): RollbackStep {
  return store.rollbacks.addStep(rollbackId, {
    name: step.name,
    status: 'pending',
    budgetMs: step.budgetMs,
    detail: plannedDetail(step, mark),
  });
}

/** The version being rolled back (a canary: the stable one), as the confirm step found it. */
export function confirmedFrom(steps: readonly RollbackStep[]): string | undefined {
  for (const s of steps) if (s.detail.kind === 'confirm' && s.detail.from !== undefined) return s.detail.from;
  return undefined;
}

export function fromVersion(ctx: StepContext): string {
  const from = confirmedFrom(ctx.steps) ?? ctx.rollback.fromVersion;
  if (from) return from;
  throw new StepFailedError({ kind: 'from_unknown' });
}

/** A step added when a canary went back to its stable version (only canaries have them). */
export function isRevertStep(step: RollbackStep): boolean {
  const d = step.detail;
  return (d.kind === 'set_weight' || d.kind === 'stop') && d.revert === true;
}
