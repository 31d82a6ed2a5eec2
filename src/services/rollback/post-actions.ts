/**
 * Step 4 (事後対応): the run went through. The strategy ends it — a rollback hands the incident on
 * (stakeholders, post-mortem) and resolves it when the metrics confirmed recovery.
 */
import type { FinishReason, StepFact } from '../../domain/step-facts.ts';
import { begin, finished, finishStep } from './bookkeeping.ts';
import { SYSTEM, type StepContext, type StepDeps } from './context.ts';
import type { StrategySteps } from './strategy.ts';

/** Whether the verify step found the target recovered (false when it was skipped: a person confirms). */
function verifiedRecovered(ctx: StepContext): boolean {
  return ctx.steps.some((x) => x.detail.kind === 'verify' && x.detail.recovered === true);
}

export async function postActionsStep(d: StepDeps, ctx: StepContext, strategy: StrategySteps): Promise<void> {
  begin(d, ctx);
  await strategy.end(d, ctx, verifiedRecovered(ctx));
}

/** A dry run's end says so: nothing moved. */
export function dryRunReason(d: StepDeps, dryRun: boolean): FinishReason | null {
  return dryRun || d.o.settings.dryRun ? { kind: 'dry_run' } : null;
}

/** The end of a rollback (immediate or gradual): the hand-off, then the rollback's end, then the incident resolved. */
export async function rollbackEnd(d: StepDeps, ctx: StepContext, recovered: boolean): Promise<void> {
  const r = ctx.rollback;
  const { postActions, store, clock, incidents } = d.o;
  const facts: StepFact[] = [
    { kind: 'incident', id: r.incidentId },
    { kind: 'recovery', confirmedByMetrics: recovered },
  ];
  if (r.incidentId && postActions) {
    const { postMortemAt } = postActions.afterRollback(r.incidentId);
    facts.push({ kind: 'stakeholders_notified' }, { kind: 'post_mortem', at: postMortemAt });
  }
  finishStep(d, ctx, 'succeeded', facts);
  const done = store.rollbacks.update(r.id, { status: 'succeeded', finishedAt: clock.now() }, 'running');
  if (!done) return;
  await finished(d, done, 'succeeded', dryRunReason(d, done.dryRun));
  // 正常復旧確認: the metrics confirmed recovery, so the incident is resolved — after the rollback's end is on record.
  if (recovered && r.incidentId && store.incidents.get(r.incidentId)?.status === 'verifying') {
    incidents.resolve(r.incidentId, SYSTEM, { rollbackId: r.id, reason: { kind: 'recovered_after_rollback' } });
  }
}
