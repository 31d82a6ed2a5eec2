/**
 * Step 1 (問題の確認): the current split, the version affected (a canary: the stable version it
 * starts from), and its metrics now. The strategy may refuse the starting point before anything is
 * changed, and words the facts.
 */
import { busiestVersion } from '../../domain/rollback-plan.ts';
import { sampleUnits, type MetricSample } from '../../domain/metrics.ts';
import { breachesOf, type TimelineEvent } from '../../domain/timeline.ts';
import { begin, clusterOf, finishStep, kube } from './bookkeeping.ts';
import { StepFailedError, type StepContext, type StepDeps } from './context.ts';
import type { StrategySteps } from './strategy.ts';

/** The metric names of the breaches the incident's timeline recorded (opening, later triggers). */
function firedMetrics(timeline: readonly TimelineEvent[]): string[] {
  return [...new Set(timeline.flatMap((e) => breachesOf(e).map((b) => b.metric)))];
}

export async function confirmStep(d: StepDeps, ctx: StepContext, strategy: StrategySteps): Promise<void> {
  begin(d, ctx);
  const r = ctx.rollback;
  const { metrics, settings, store } = d.o;
  const split = await kube(d, { op: 'read_routing', service: r.service }, () => clusterOf(d, r).router.read());
  const from = r.fromVersion ?? busiestVersion(split);
  if (!from) throw new StepFailedError({ kind: 'serving_unknown', service: r.service });
  const refused = strategy.refuseStart(r, split, from);
  if (refused) throw new StepFailedError(refused);
  const baseline = metrics
    ? await metrics.sample(r.service, from, settings.observationWindowMs).catch((): MetricSample => ({}))
    : null;
  const fired = r.incidentId ? firedMetrics(store.incidents.timeline(r.incidentId)) : [];
  const startWeight = split[from] ?? 100;
  store.rollbacks.update(r.id, { plan: { ...r.plan, currentWeight: startWeight, startWeight } });
  const units = sampleUnits(baseline, settings.catalogue);
  const facts = strategy.confirmed(d, ctx, { from, split, baseline, ...units, fired, startWeight });
  finishStep(d, ctx, 'succeeded', facts, { from, split, baseline });
}
