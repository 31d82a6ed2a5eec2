/**
 * What a rollback strategy decides, behind one small interface: the steps it plans, what its
 * confirm step says (and refuses), which version its observations watch, what happens when a watch
 * trips or verification fails, and how it ends. The steps themselves (switch, observe, verify,
 * post-actions) are shared building blocks that ask the strategy at these points.
 */
import type { PlannedStep } from '../../domain/rollback-plan.ts';
import type { RollbackRecord, TrafficSplit } from '../../domain/rollback-record.ts';
import type { AbortCause, StepFact, StepFailure } from '../../domain/step-facts.ts';
import type { MetricName, MetricSample, MetricUnit } from '../../domain/metrics.ts';
import type { MetricMove } from '../../domain/verification.ts';
import type { Actor } from '../../domain/types.ts';
import type { StepContext, StepDeps } from './context.ts';

/** What the confirm step found before the strategy words it. */
export interface Found {
  from: string;
  split: TrafficSplit;
  baseline: MetricSample | null;
  /** The units of the custom metrics in the baseline (sampleUnits). */
  units?: Record<MetricName, MetricUnit>;
  /** The metrics that fired on the incident's timeline. */
  fired: string[];
  /** The share `from` has now. */
  startWeight: number;
}

/** The baseline's units as a `metrics` fact carries them: only when it holds custom metrics. */
export const unitsOf = (found: Found): { units?: Record<MetricName, MetricUnit> } =>
  found.units ? { units: found.units } : {};

export interface StrategySteps {
  /** The steps of a rollback of this strategy, from its stored plan and the settings. */
  plan(d: StepDeps, r: RollbackRecord): PlannedStep[];
  /** A starting point the strategy cannot run from (nothing has been changed yet). */
  refuseStart(r: RollbackRecord, split: TrafficSplit, from: string): StepFailure | null;
  /** The confirm step's facts; a gradual rollback also skips the phases it need not run here. */
  confirmed(d: StepDeps, ctx: StepContext, found: Found): StepFact[];
  /** The version an observation watches, and whether the thread names it. */
  watched(ctx: StepContext): { version: string; named: boolean };
  /** abortIf held during an observation. */
  abortIfHeld(d: StepDeps, ctx: StepContext, cause: Extract<AbortCause, { kind: 'abort_if_held' }>): Promise<void>;
  /** Verification ended with the target not healthy. */
  notHealthy(
    d: StepDeps,
    ctx: StepContext,
    found: { windowMs: number; breaching: string[]; moves: MetricMove[] },
  ): Promise<void>;
  /** A step failed for good; true when the strategy took over from there (a canary goes back). */
  failed(d: StepDeps, ctx: StepContext, failure: StepFailure): Promise<boolean>;
  /** The post-actions step: the end of a run that went through. `recovered`: verification said so. */
  end(d: StepDeps, ctx: StepContext, recovered: boolean): Promise<void>;
  /** A person pressed Abort. */
  abort(d: StepDeps, r: RollbackRecord, actor: Actor): Promise<void>;
}
