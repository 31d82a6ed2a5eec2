import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { metricCatalogue, type MetricSample } from '../../src/domain/metrics.ts';
import { LiveReadings } from '../../src/services/live-readings.ts';
import type { MetricsSource } from '../../src/services/ports.ts';
import { FakeCluster } from '../support/fake-cluster.ts';

const WINDOW = 5 * 60_000;
const CHAINS = { 'prompt-service': ['v2.0.0', 'v1.5.0', 'v1.0.0'] };

/** A backend answering per version: a sample, an error, or never. */
function backend(answers: Record<string, MetricSample | Error | 'never'>): MetricsSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    sample: (_service, version, windowMs) => {
      asked.push(`${version} ${windowMs}`);
      const a = answers[version];
      if (a === 'never') return new Promise<MetricSample>(() => undefined);
      return a instanceof Error ? Promise.reject(a) : Promise.resolve(a ?? {});
    },
  };
}

function readings(metrics: MetricsSource, clock: ManualClock, cluster: FakeCluster | null) {
  const catalogue = metricCatalogue({ cost_per_request: { unit: 'usd' } });
  return new LiveReadings({
    wallClock: clock,
    metrics,
    cluster,
    chains: CHAINS,
    catalogue,
    observationWindowMs: WINDOW,
  });
}

describe('LiveReadings', () => {
  it('reads every version taking traffic over the observation window, with its share', async () => {
    const clock = new ManualClock();
    const metrics = backend({ 'v2.0.0': { error_rate: 0.05, cost_per_request: 0.01 }, 'v1.5.0': new Error('down') });
    const got = await readings(metrics, clock, new FakeCluster()).of('prompt-service');
    expect(got).toEqual([
      {
        version: 'v2.0.0',
        weight: 50,
        sample: { error_rate: 0.05, cost_per_request: 0.01 },
        units: { cost_per_request: 'usd' },
      },
      { version: 'v1.5.0', weight: 50, sample: null },
    ]);
    expect(metrics.asked.sort()).toEqual([`v1.5.0 ${WINDOW}`, `v2.0.0 ${WINDOW}`]);
    expect(clock.pendingSleepers).toBe(0);
  });

  it('without a cluster, or with routing it cannot read, reads the newest version of the chain', async () => {
    const clock = new ManualClock();
    const metrics = backend({ 'v2.0.0': { error_rate: 0.01 } });
    expect(await readings(metrics, clock, null).of('prompt-service')).toEqual([
      { version: 'v2.0.0', weight: null, sample: { error_rate: 0.01 } },
    ]);
    const broken = new FakeCluster();
    broken.forService('prompt-service').router.read = () => Promise.reject(new Error('forbidden'));
    expect(await readings(metrics, clock, broken).of('prompt-service')).toEqual([
      { version: 'v2.0.0', weight: null, sample: { error_rate: 0.01 } },
    ]);
  });

  it('does not wait past its deadline for a backend that does not answer', async () => {
    const clock = new ManualClock();
    const metrics = backend({ 'v2.0.0': 'never', 'v1.5.0': { error_rate: 0.002 } });
    let answer: unknown = null;
    const pending = readings(metrics, clock, new FakeCluster())
      .of('prompt-service')
      .then((r) => (answer = r));
    await clock.advance(1_000);
    expect(answer).toBeNull();
    await clock.advance(500);
    await pending;
    expect(answer).toEqual([
      { version: 'v2.0.0', weight: 50, sample: null },
      { version: 'v1.5.0', weight: 50, sample: { error_rate: 0.002 } },
    ]);
  });
});
