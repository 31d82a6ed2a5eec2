/**
 * A phase's observation (gradual rollback, canary step): the watched version's metrics at every
 * evaluation across the window, abortIf checked each time. The strategy says which version is
 * watched and what happens when abortIf holds.
 */
import { conditionHolds } from '../../domain/conditions.ts';
import { recordedUnit, sampleUnits, type MetricSample } from '../../domain/metrics.ts';
import type { ObserveDetail } from '../../domain/rollback-record.ts';
import type { StepFact } from '../../domain/step-facts.ts';
import { begin, finishStep } from './bookkeeping.ts';
import type { StepContext, StepDeps } from './context.ts';
import type { StrategySteps } from './strategy.ts';

export async function observeStep(
  d: StepDeps,
  ctx: StepContext,
  detail: ObserveDetail,
  strategy: StrategySteps,
): Promise<void> {
  const r = ctx.rollback;
  const { clock, metrics, settings, store } = d.o;
  const now = clock.now();
  if (ctx.tick === undefined) {
    begin(d, ctx, { observeUntil: now + detail.observeMs, tick: 1 });
    d.schedule(r.id, ctx.step.seq, now + Math.min(settings.evaluationIntervalMs, detail.observeMs), 1);
    return;
  }
  const watched = strategy.watched(ctx);
  let sample: MetricSample | null = null;
  if (metrics) {
    sample = await metrics.sample(r.service, watched.version, settings.observationWindowMs).catch(() => ({}));
    const holds = conditionHolds(settings.abortIf, sample);
    // A metric that cannot be read never counts as healthy; the safe direction is away from the watched version.
    if (holds !== false) {
      const { metric, unit, text } = settings.abortIf;
      const value = holds === undefined ? null : (sample[metric] ?? 0);
      return strategy.abortIfHeld(d, ctx, {
        kind: 'abort_if_held',
        metric,
        ...recordedUnit(metric, unit),
        version: watched.version,
        value,
        condition: text,
      });
    }
  }
  const until = detail.observeUntil ?? now;
  if (now >= until) {
    const facts: StepFact[] = [
      {
        kind: 'metrics',
        sample,
        ...sampleUnits(sample, settings.catalogue),
        version: watched.named ? watched.version : null,
        now: false,
      },
    ];
    if (!metrics) facts.push({ kind: 'abort_if_unchecked' });
    return finishStep(d, ctx, 'succeeded', facts);
  }
  const tick = ctx.tick + 1;
  store.rollbacks.updateStep(r.id, ctx.step.seq, { detail: { ...detail, tick, lastSample: sample } });
  d.schedule(r.id, ctx.step.seq, Math.min(until, now + settings.evaluationIntervalMs), tick);
}
