/**
 * Verification (検証): the target's metrics sampled at every evaluation across the verify window;
 * then before → after for every trigger metric against its thresholds, and a verdict. What a
 * verdict of "not healthy" leads to is the strategy's: a rollback fails and escalates, a canary
 * goes back to its stable version.
 */
import type { MetricSample } from '../../domain/metrics.ts';
import type { MetricSeries, VerifyDetail } from '../../domain/rollback-record.ts';
import { verificationVerdict } from '../../domain/verification.ts';
import { begin, finishStep } from './bookkeeping.ts';
import type { StepContext, StepDeps } from './context.ts';
import type { StrategySteps } from './strategy.ts';

/** The metrics the confirm step read when the rollback started. */
function baselineOf(ctx: StepContext): MetricSample {
  for (const s of ctx.steps) if (s.detail.kind === 'confirm') return s.detail.baseline ?? {};
  return {};
}

export async function verifyStep(
  d: StepDeps,
  ctx: StepContext,
  detail: VerifyDetail,
  strategy: StrategySteps,
): Promise<void> {
  const r = ctx.rollback;
  const { clock, metrics, settings, store } = d.o;
  const now = clock.now();
  if (!metrics) {
    begin(d, ctx);
    return finishStep(d, ctx, 'skipped', [{ kind: 'verification_skipped' }]);
  }
  const windowMs = detail.verifyMs ?? settings.verifyWindowMs;
  if (ctx.tick === undefined) {
    begin(d, ctx, { verifyUntil: now + windowMs, series: {} });
    d.schedule(r.id, ctx.step.seq, now + Math.min(settings.evaluationIntervalMs, windowMs), 1);
    return;
  }
  const sample = await metrics
    .sample(r.service, r.toVersion, settings.evaluationIntervalMs)
    .catch((): MetricSample => ({}));
  const series: MetricSeries = { ...detail.series };
  for (const m of settings.catalogue.names) {
    const v = sample[m];
    // A failed reading is NaN here and null once stored: a gap in the chart, never a value.
    series[m] = [...(series[m] ?? []), [now, v === undefined ? Number.NaN : v]];
  }
  const until = detail.verifyUntil ?? now;
  if (now < until) {
    const tick = ctx.tick + 1;
    store.rollbacks.updateStep(r.id, ctx.step.seq, { detail: { ...detail, tick, series } });
    d.schedule(r.id, ctx.step.seq, Math.min(until, now + settings.evaluationIntervalMs), tick);
    return;
  }
  const after = await metrics.sample(r.service, r.toVersion, windowMs).catch((): MetricSample => ({}));
  const verdict = verificationVerdict(baselineOf(ctx), after, series, settings.tiers);
  store.rollbacks.updateStep(r.id, ctx.step.seq, { detail: { ...detail, series, after } });
  if (verdict.recovered) {
    return finishStep(
      d,
      ctx,
      'succeeded',
      [{ kind: 'verdict', recovered: true }],
      { after, recovered: true },
      verdict.moves,
    );
  }
  return strategy.notHealthy(d, ctx, { windowMs, breaching: verdict.breaching, moves: verdict.moves });
}
