/**
 * 段階的ロールバック (gradual): confirm, then per phase set the share left on the version being
 * rolled back and observe it (abortIf checked at every evaluation: when it holds, straight to 0),
 * then verify and post-actions. A phase at or above the share the version has when the rollback
 * starts is skipped, as the dialog showed.
 */
import { gradualSteps, phasesToSkip, type GradualPhaseInput } from '../../domain/rollback-plan.ts';
import type { RollbackRecord } from '../../domain/rollback-record.ts';
import type { StepContext, StepDeps } from './context.ts';
import { affectedFacts, rollbackSteps } from './rollback-common.ts';
import type { StrategySteps } from './strategy.ts';

/** The plan's phases with the configured observation of each; the configured phases when it names none. */
function phasesOf(d: StepDeps, rollback: RollbackRecord): GradualPhaseInput[] {
  const weights = rollback.plan.phases ?? [];
  const configured = d.o.settings.phases;
  if (weights.length === 0) return configured;
  return weights.map((weight) => ({
    weight,
    observeMs: configured.find((p) => p.weight === weight)?.observeMs ?? configured[0]?.observeMs ?? null,
  }));
}

/**
 * The traffic moved since the plan was made (or it was made without reading it): a phase at or
 * above the share the version has now would send traffic back to it, so its steps are skipped —
 * the rule the dialog showed (phasesFrom). Returns the weights skipped.
 */
function skipPhasesAbove(d: StepDeps, ctx: StepContext, startWeight: number): number[] {
  const pending = ctx.steps.filter((s) => s.status === 'pending');
  const planned = pending.map((s) => ({
    kind: s.detail.kind,
    weight: s.detail.kind === 'set_weight' ? s.detail.weight : undefined,
    phase: s.detail.phase,
  }));
  const phases = new Set(phasesToSkip(planned, startWeight));
  if (phases.size === 0) return [];
  const now = d.o.clock.now();
  const skipped = pending.filter((s) => s.detail.phase !== null && phases.has(s.detail.phase));
  for (const s of skipped)
    d.o.store.rollbacks.updateStep(ctx.rollback.id, s.seq, { status: 'skipped', finishedAt: now });
  return skipped.flatMap((s) => (s.detail.kind === 'set_weight' ? [s.detail.weight] : []));
}

export const gradual: StrategySteps = {
  ...rollbackSteps,
  plan: (d, r) => gradualSteps(phasesOf(d, r), d.o.settings.verifyWindowMs),
  confirmed: (d, ctx, found) => affectedFacts(found, skipPhasesAbove(d, ctx, found.startWeight)),
};
