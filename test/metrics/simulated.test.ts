import { describe, expect, test } from 'vitest';
import { SimulatedMetrics } from '../../src/adapters/metrics/simulated.ts';
import { ManualClock } from '../../src/clock.ts';
import { T0 } from './support.ts';

const MIN = 60_000;

describe('simulated metrics', () => {
  test(
    'steps change the metrics they name and keep the others; offsets count from the start, large values are epoch ' +
      'times',
    async () => {
      const clock = new ManualClock(T0);
      const sim = new SimulatedMetrics(clock, {
        checkout: {
          'v3.1.0': [
            { from: 0, values: { error_rate: 0.01, p99_latency: 800 } },
            { from: T0 + 5 * MIN, values: { error_rate: 0.12 } },
            { from: 2 * MIN, values: { error_rate: 0.03 } },
          ],
        },
      });
      expect(await sim.sample('checkout', 'v3.1.0', 5 * MIN)).toEqual({ error_rate: 0.01, p99_latency: 800 });
      await clock.advance(2 * MIN);
      expect(await sim.sample('checkout', 'v3.1.0', 5 * MIN)).toEqual({ error_rate: 0.03, p99_latency: 800 });
      await clock.advance(3 * MIN);
      expect(await sim.sample('checkout', 'v3.1.0', 5 * MIN)).toEqual({ error_rate: 0.12, p99_latency: 800 });
      // Nothing scripted: nothing readable.
      expect(await sim.sample('checkout', 'v3.0.0', 5 * MIN)).toEqual({});
      expect(await sim.sample('search', 'v1', 5 * MIN)).toEqual({});
    },
  );

  test('a step before the first one reads nothing; NaN in a script means "cannot be read"', async () => {
    const clock = new ManualClock(T0);
    const sim = new SimulatedMetrics(clock, {
      checkout: { v1: [{ from: MIN, values: { error_rate: 0.02, availability: NaN } }] },
    });
    expect(await sim.sample('checkout', 'v1', MIN)).toEqual({});
    await clock.advance(MIN);
    expect(await sim.sample('checkout', 'v1', MIN)).toEqual({ error_rate: 0.02 });
  });

  test('a script can be a function of the time and the offset from the start', async () => {
    const clock = new ManualClock(T0);
    const sim = new SimulatedMetrics(clock, {
      checkout: { v1: (at, offset) => ({ error_rate: offset / (10 * MIN), p50_latency: at === T0 ? 100 : 200 }) },
    });
    expect(await sim.sample('checkout', 'v1', MIN)).toEqual({ error_rate: 0, p50_latency: 100 });
    await clock.advance(5 * MIN);
    expect(await sim.sample('checkout', 'v1', MIN)).toEqual({ error_rate: 0.5, p50_latency: 200 });
  });

  test('set overrides the script from now on, clear hands it back; range shows both when they happened', async () => {
    const clock = new ManualClock(T0);
    const sim = new SimulatedMetrics(clock, {
      checkout: { v1: [{ from: 0, values: { error_rate: 0.01, p50_latency: 300 } }] },
    });
    await clock.advance(MIN);
    sim.set('checkout', 'v1', { error_rate: 0.2 });
    expect(await sim.sample('checkout', 'v1', MIN)).toEqual({ error_rate: 0.2, p50_latency: 300 });
    await clock.advance(MIN);
    sim.set('checkout', 'v1', { p50_latency: 1500 });
    await clock.advance(MIN);
    sim.clear('checkout', 'v1', ['error_rate']);
    expect(await sim.sample('checkout', 'v1', MIN)).toEqual({ error_rate: 0.01, p50_latency: 1500 });
    await clock.advance(MIN);
    sim.clear('checkout', 'v1');
    expect(await sim.sample('checkout', 'v1', MIN)).toEqual({ error_rate: 0.01, p50_latency: 300 });

    // History up to now (T0+4m); the asked-for end at +10m is in the future and left out.
    const history = await sim.range('checkout', 'v1', T0, T0 + 10 * MIN, MIN);
    expect(history).toEqual({
      error_rate: [
        [T0, 0.01],
        [T0 + MIN, 0.2],
        [T0 + 2 * MIN, 0.2],
        [T0 + 3 * MIN, 0.01],
        [T0 + 4 * MIN, 0.01],
      ],
      p50_latency: [
        [T0, 300],
        [T0 + MIN, 300],
        [T0 + 2 * MIN, 1500],
        [T0 + 3 * MIN, 1500],
        [T0 + 4 * MIN, 300],
      ],
    });
  });

  test('set works for a version without a script (the drill injector on a bare version)', async () => {
    const clock = new ManualClock(T0);
    const sim = new SimulatedMetrics(clock);
    sim.set('staging', 'v2', { error_rate: 0.2 });
    expect(await sim.sample('staging', 'v2', MIN)).toEqual({ error_rate: 0.2 });
  });

  test('unknown metric names and non-finite step times are refused with the place they were found', () => {
    const clock = new ManualClock(T0);
    expect(
      () => new SimulatedMetrics(clock, { checkout: { v1: [{ from: 0, values: { eror_rate: 1 } as never }] } }),
    ).toThrow('script of checkout v1, step 0: unknown metric "eror_rate"');
    expect(() => new SimulatedMetrics(clock, { checkout: { v1: [{ from: NaN, values: {} }] } })).toThrow(
      'script of checkout v1: step 0 has from NaN',
    );
    const sim = new SimulatedMetrics(clock);
    expect(() => sim.set('checkout', 'v1', { latency: 5 } as never)).toThrow(
      'set(checkout, v1): unknown metric "latency"',
    );
  });

  test('range refuses a step that is not positive', async () => {
    const sim = new SimulatedMetrics(new ManualClock(T0));
    await expect(sim.range('checkout', 'v1', T0, T0 + MIN, 0)).rejects.toThrow(
      'the step of a range query must be positive, got 0ms',
    );
  });
});
