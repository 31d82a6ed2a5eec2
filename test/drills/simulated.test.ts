import { describe, expect, test } from 'vitest';
import { simulatedInjector, simulatedValuesOf } from '../../src/adapters/drills/simulated.ts';
import { SimulatedMetrics } from '../../src/adapters/metrics/simulated.ts';
import { ManualClock } from '../../src/clock.ts';
import type { FaultSpec, FaultTrigger } from '../../src/services/drill-ports.ts';
import { removeNoteLine, type RemoveResult } from '../../src/domain/drill-records.ts';

/** A removal with its note in English words, as the drill thread and the log say it. */
const said = (r: RemoveResult) => ({ ...r, note: removeNoteLine(r.note) });

const SERVICE = 'prompt-service-staging';
const V2 = 'v2.0.0';
const V15 = 'v1.5.0';
const MIN = 60_000;
const SCRIPTED = {
  error_rate: 0.01,
  availability: 0.99,
  p50_latency: 400,
  p95_latency: 900,
  p99_latency: 1200,
  hallucination_rate: 0.02,
};

function spec(trigger: FaultTrigger, over: Partial<FaultSpec> = {}): FaultSpec {
  const numbers = {
    inject_errors: { errorRate: 0.2, latencyMs: null, share: null },
    inject_latency: { errorRate: null, latencyMs: 12_000, share: null },
    partial_outage: { errorRate: 0.5, latencyMs: null, share: 0.5 },
  }[trigger];
  return {
    drillId: `drill-${trigger}`,
    service: SERVICE,
    version: V2,
    scenario: trigger,
    trigger,
    maxDurationMs: 30 * MIN,
    ...numbers,
    ...over,
  };
}

function setup() {
  const clock = new ManualClock();
  const metrics = new SimulatedMetrics(clock, {
    [SERVICE]: { [V2]: [{ from: 0, values: SCRIPTED }], [V15]: [{ from: 0, values: SCRIPTED }] },
  });
  return { clock, metrics, injector: simulatedInjector(metrics) };
}

const CASES = [
  { trigger: 'inject_errors', values: { error_rate: 0.2, availability: 0.8 } },
  { trigger: 'inject_latency', values: { p50_latency: 12_000, p95_latency: 12_000, p99_latency: 12_000 } },
  { trigger: 'partial_outage', values: { error_rate: 0.25, availability: 0.75 } },
] as const;

describe('simulated injector', () => {
  for (const { trigger, values } of CASES) {
    test(`${trigger}: the serving version reads the fault after apply and the script again after remove`, async () => {
      const { clock, metrics, injector } = setup();
      expect(injector.describe(spec(trigger))).toEqual([
        `set simulated metrics of ${SERVICE} ${V2}: ${JSON.stringify(values)}`,
      ]);
      expect(await metrics.sample(SERVICE, V2, 5 * MIN)).toEqual(SCRIPTED);

      const applied = await injector.apply(spec(trigger));
      expect(applied).toEqual({
        injector: 'simulated',
        spec: spec(trigger),
        detail: { metrics: Object.keys(values), values },
      });
      await clock.advance(MIN);
      expect(await metrics.sample(SERVICE, V2, 5 * MIN)).toEqual({ ...SCRIPTED, ...values });
      // Only the version the drill aims at.
      expect(await metrics.sample(SERVICE, V15, 5 * MIN)).toEqual(SCRIPTED);

      expect(said(await injector.remove(applied))).toEqual({
        removed: true,
        note: `the simulated metrics script speaks again for ${Object.keys(values).join(', ')} of ${SERVICE} ${V2}`,
      });
      await clock.advance(MIN);
      expect(await metrics.sample(SERVICE, V2, 5 * MIN)).toEqual(SCRIPTED);
    });
  }

  test('remove clears only the metrics the fault set, so another override stays', async () => {
    const { clock, metrics, injector } = setup();
    const applied = await injector.apply(spec('inject_errors'));
    metrics.set(SERVICE, V2, { hallucination_rate: 0.3 });
    await injector.remove(applied);
    await clock.advance(MIN);
    expect(await metrics.sample(SERVICE, V2, 5 * MIN)).toEqual({ ...SCRIPTED, hallucination_rate: 0.3 });
  });

  test('remove with detail null clears what the spec would set; a second remove is removed false', async () => {
    const { clock, metrics, injector } = setup();
    await injector.apply(spec('inject_latency'));
    const crashed = { injector: 'simulated' as const, spec: spec('inject_latency'), detail: null };
    expect((await injector.remove(crashed)).removed).toBe(true);
    await clock.advance(MIN);
    expect(await metrics.sample(SERVICE, V2, 5 * MIN)).toEqual(SCRIPTED);
    expect(said(await injector.remove(crashed))).toEqual({
      removed: false,
      note:
        `no simulated fault of drill drill-inject_latency was active in this process (already removed, or lost with ` +
        `a restart); cleared p50_latency, p95_latency, p99_latency of ${SERVICE} ${V2} anyway`,
    });
  });

  test('a scenario without its number is refused with what to fix', () => {
    expect(() => simulatedValuesOf(spec('partial_outage', { share: null }))).toThrow(
      'drill drill-partial_outage: scenario partial_outage (partial_outage) needs share, got null; check the ' +
        'scenario in drills.scenarios',
    );
  });
});
