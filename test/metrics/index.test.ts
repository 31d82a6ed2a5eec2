import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  HttpJsonMetrics,
  PrometheusMetrics,
  SimulatedMetrics,
  createMetrics,
  withComplaints,
} from '../../src/adapters/metrics/index.ts';
import { createLogger } from '../../src/logger.ts';
import { ManualClock } from '../../src/clock.ts';
import type { MetricsSource } from '../../src/services/ports.ts';
import { startFakePrometheus, type FakePrometheus } from './fake-prometheus.ts';
import { T0, configWith, fixedClock, recordingLog, referenceQueries } from './support.ts';

let prom: FakePrometheus;
beforeEach(async () => {
  prom = await startFakePrometheus();
});
afterEach(() => prom.close());

const MIN = 60_000;

describe('createMetrics', () => {
  test('prometheus: history is the provider; complaints become user_complaints if no query reads them', async () => {
    const config = configWith(
      `  provider: prometheus\n  prometheus: { url: ${prom.url} }`,
      'triggers: { observationWindow: 10m }',
    );
    const asked: Array<[string, number]> = [];
    const metrics = createMetrics(config, {
      clock: fixedClock(),
      complaints: (service, windowMs) => (asked.push([service, windowMs]), 7),
    });
    expect(metrics.provider).toBe('prometheus');
    expect(metrics.history).toBeInstanceOf(PrometheusMetrics);
    expect(metrics.simulated).toBeNull();
    prom.series.set(referenceQueries('checkout', 'v3.1.0', '5m').error_rate, () => 0.04);
    expect(await metrics.source.sample('checkout', 'v3.1.0', 5 * MIN)).toEqual({
      error_rate: 0.04,
      user_complaints: 7,
    });
    expect(asked).toEqual([['checkout', 5 * MIN]]);
    // History uses the observation window for $window.
    await metrics.history!.range('checkout', 'v3.1.0', T0, T0 + MIN, MIN);
    expect(prom.queries()).toContain(referenceQueries('checkout', 'v3.1.0', '10m').error_rate);
  });

  test('prometheus with a user_complaints query reads it there and never calls the counter', async () => {
    const config = configWith(
      `  provider: prometheus\n  prometheus: { url: ${prom.url} }\n  queries:\n    user_complaints: ` +
        `sum(increase(complaints_total{service="$service"}[$window]))`,
    );
    prom.series.set('sum(increase(complaints_total{service="checkout"}[5m]))', () => 3);
    const metrics = createMetrics(config, {
      clock: fixedClock(),
      complaints: () => {
        throw new Error('must not be called');
      },
    });
    expect(await metrics.source.sample('checkout', 'v3.1.0', 5 * MIN)).toEqual({ user_complaints: 3 });
    // Only the configured query: the reference queries are replaced by the file's `queries:`.
    expect(prom.queries()).toEqual(['sum(increase(complaints_total{service="checkout"}[5m]))']);
  });

  test('http-json has no history', async () => {
    const config = configWith(
      '  provider: http-json\n  httpJson: { url: "http://monitoring/api/metrics/$metric", path: data.value }',
    );
    const fetch = (async () =>
      new Response(JSON.stringify({ data: { value: 0.5 } }))) as unknown as typeof globalThis.fetch;
    const metrics = createMetrics(config, { clock: fixedClock(), fetch, complaints: () => 1 });
    expect(metrics.provider).toBe('http-json');
    expect(metrics.history).toBeNull();
    expect(await metrics.source.sample('checkout', 'v3.1.0', MIN)).toEqual({
      error_rate: 0.5,
      availability: 0.5,
      p50_latency: 0.5,
      p95_latency: 0.5,
      p99_latency: 0.5,
      hallucination_rate: 0.5,
      user_complaints: 1,
    });
    expect(new HttpJsonMetrics({ url: 'http://m/$metric', path: 'value', clock: fixedClock() })).not.toHaveProperty(
      'range',
    );
  });

  test(
    'simulated: the script comes from the deps and the provider is handed out for set(); a scripted user_complaints ' +
      'wins over the counter',
    async () => {
      const config = configWith('  provider: simulated');
      const clock = new ManualClock(T0);
      const metrics = createMetrics(config, {
        clock,
        complaints: () => 2,
        script: {
          checkout: {
            'v3.1.0': [{ from: 0, values: { error_rate: 0.01 } }],
            'v3.0.0': [{ from: 0, values: { user_complaints: 9 } }],
          },
        },
      });
      expect(metrics.simulated).toBeInstanceOf(SimulatedMetrics);
      expect(metrics.history).toBe(metrics.simulated);
      metrics.simulated!.set('checkout', 'v3.1.0', { error_rate: 0.3 });
      expect(await metrics.source.sample('checkout', 'v3.1.0', MIN)).toEqual({ error_rate: 0.3, user_complaints: 2 });
      expect(await metrics.source.sample('checkout', 'v3.0.0', MIN)).toEqual({ user_complaints: 9 });
    },
  );
});

describe('withComplaints', () => {
  const inner: MetricsSource = { sample: async () => ({ error_rate: 0.01 }) };

  test('a counter that throws leaves user_complaints out, reported once, and its recovery once', async () => {
    const rec = recordingLog();
    let broken = true;
    const source = withComplaints(
      inner,
      () => {
        if (broken) throw new Error('database is locked');
        return 4;
      },
      rec.log,
    );
    expect(await source.sample('checkout', 'v3.1.0', MIN)).toEqual({ error_rate: 0.01 });
    expect(await source.sample('checkout', 'v3.1.0', MIN)).toEqual({ error_rate: 0.01 });
    broken = false;
    expect(await source.sample('checkout', 'v3.1.0', MIN)).toEqual({ error_rate: 0.01, user_complaints: 4 });
    expect(await source.sample('checkout', 'v3.1.0', MIN)).toEqual({ error_rate: 0.01, user_complaints: 4 });
    expect(rec.text()).toEqual([
      'warn: user_complaints of checkout v3.1.0 cannot be read: counting complaints failed: database is locked. It ' +
        'counts as unknown, never as healthy, until it reads again',
      'info: user_complaints of checkout v3.1.0 is readable again',
    ]);
  });

  test('zero complaints is a reading (healthy), not an absent metric', async () => {
    expect(await withComplaints(inner, () => 0).sample('checkout', 'v1', MIN)).toEqual({
      error_rate: 0.01,
      user_complaints: 0,
    });
  });
});

describe('with the real logger', () => {
  test('a pino logger is a MetricsLog: one structured warn line for repeated failures', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d.toString()));
    const log = createLogger({ destination: stream });
    const p = new PrometheusMetrics({
      url: prom.url,
      queries: { error_rate: 'er' },
      rangeWindowMs: 5 * MIN,
      clock: fixedClock(),
      log,
      retries: 0,
    });
    prom.faults.push({ status: 500, body: 'x' }, { status: 500, body: 'x' });
    await p.sample('checkout', 'v3.1.0', 5 * MIN);
    await p.sample('checkout', 'v3.1.0', 5 * MIN);
    const lines = chunks
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      service: 'checkout',
      version: 'v3.1.0',
      metric: 'error_rate',
      query: 'er',
      reason: 'Prometheus answered 500: "x"',
    });
  });
});
