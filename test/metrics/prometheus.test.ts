import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  PrometheusMetrics,
  fillQuery,
  promDuration,
  type PrometheusOptions,
} from '../../src/adapters/metrics/prometheus.ts';
import { closedPort, startFakePrometheus, type FakePrometheus } from './fake-prometheus.ts';
import { T0, configWith, fixedClock, recordingLog, referenceQueries } from './support.ts';

let prom: FakePrometheus;
beforeEach(async () => {
  prom = await startFakePrometheus();
});
afterEach(() => prom.close());

const queries = configWith('  provider: prometheus\n  prometheus: { url: http://unused:9090 }').metrics.queries;
const Q = referenceQueries('checkout', 'v3.1.0', '5m');

function source(extra: Partial<PrometheusOptions> = {}) {
  const rec = recordingLog();
  const p = new PrometheusMetrics({
    url: prom.url,
    queries,
    rangeWindowMs: 300_000,
    clock: fixedClock(),
    log: rec.log,
    backoffMs: 5,
    ...extra,
  });
  return { p, rec };
}

function healthy() {
  prom.series.set(Q.error_rate, () => 0.012);
  prom.series.set(Q.availability, () => 0.995);
  prom.series.set(Q.p50_latency, () => 420);
  prom.series.set(Q.p95_latency, () => 1800);
  prom.series.set(Q.p99_latency, () => 4200.5);
  prom.series.set(Q.hallucination_rate, () => 0.04);
}

describe('templates', () => {
  test('$window is a PromQL duration; $service and $version are escaped for the string literal they sit in', () => {
    expect([300_000, 30_000, 90_000, 5_400_000, 1_500, 604_800_000].map(promDuration)).toEqual([
      '5m',
      '30s',
      '90s',
      '1h30m',
      '1500ms',
      '7d',
    ]);
    expect(() => promDuration(0)).toThrow('a metric window must be at least 1ms, got 0');
    expect(fillQuery('x{service="$service",version="$version"}[$window] $window', 'a$&b', 'v1"\\x', 60_000)).toBe(
      'x{service="a$&b",version="v1\\"\\\\x"}[1m] 1m',
    );
  });
});

describe('instant queries (sample)', () => {
  test('asks /api/v1/query once per configured metric with the PromQL filled in, at the clock’s time', async () => {
    healthy();
    const { p, rec } = source();
    expect(await p.sample('checkout', 'v3.1.0', 300_000)).toEqual({
      error_rate: 0.012,
      availability: 0.995,
      p50_latency: 420,
      p95_latency: 1800,
      p99_latency: 4200.5,
      hallucination_rate: 0.04,
    });
    // user_complaints has no query by default, so it is not asked for.
    expect(prom.queries().sort()).toEqual(Object.values(Q).sort());
    expect(prom.requests.every((r) => r.path === '/api/v1/query' && r.params.time === String(T0 / 1000))).toBe(true);
    expect(rec.lines).toEqual([]);
  });

  test('the window of the call becomes $window', async () => {
    const { p } = source();
    await p.sample('checkout', 'v3.0.0', 30_000);
    expect(prom.queries()).toContain(
      'sum(rate(prompt_requests_total{service="checkout",version="v3.0.0",code=~"5.."}[30s])) / ' +
        'sum(rate(prompt_requests_total{service="checkout",version="v3.0.0"}[30s]))',
    );
  });

  test('a base URL with a path prefix and a trailing slash keeps the prefix', async () => {
    const { p } = source({ url: `${prom.url}/prometheus/`, queries: { error_rate: 'up' } });
    await p.sample('checkout', 'v3.1.0', 300_000);
    expect(prom.requests.map((r) => r.path)).toEqual(['/prometheus/api/v1/query']);
  });

  test('a scalar answer is read; +Inf is a reading (a quantile above the top bucket breaches)', async () => {
    const { p } = source({ queries: { error_rate: 'scalar(x)', p99_latency: 'q99' } });
    prom.series.set('q99', () => Infinity);
    prom.faults.push({
      status: 200,
      body: { status: 'success', data: { resultType: 'scalar', result: [T0 / 1000, '0.25'] } },
    });
    const sample = await p.sample('checkout', 'v3.1.0', 300_000);
    expect(sample).toEqual({ error_rate: 0.25, p99_latency: Infinity });
  });

  test('NaN and an empty vector are not readable: absent, reported once, not retried', async () => {
    const { p, rec } = source({ queries: { error_rate: 'nan', availability: 'nothing' } });
    prom.series.set('nan', () => NaN);
    expect(await p.sample('checkout', 'v3.1.0', 300_000)).toEqual({});
    expect(await p.sample('checkout', 'v3.1.0', 300_000)).toEqual({});
    expect(prom.requests).toHaveLength(4);
    expect(rec.text().sort()).toEqual([
      'warn: availability of checkout v3.1.0 cannot be read: the query returned no series (empty vector). It counts ' +
        'as unknown, never as healthy, until it reads again',
      'warn: error_rate of checkout v3.1.0 cannot be read: the query returned NaN (no requests in the window?). It ' +
        'counts as unknown, never as healthy, until it reads again',
    ]);
    expect(rec.lines[0]!.details).toMatchObject({ service: 'checkout', version: 'v3.1.0' });
  });

  test('a query that returns several series is refused without retrying and names the labels', async () => {
    const { p, rec } = source({ queries: { error_rate: 'by_pod' } });
    prom.series.set('by_pod', () => [0.1, 0.2]);
    expect(await p.sample('checkout', 'v3.1.0', 300_000)).toEqual({});
    expect(prom.requests).toHaveLength(1);
    expect(rec.text()).toEqual([
      'warn: error_rate of checkout v3.1.0 cannot be read: the query returned 2 series ({instance="pod-0"}, ' +
        '{instance="pod-1"}); it must return one: aggregate it, e.g. sum(...). It counts as unknown, never as ' +
        'healthy, until it reads again',
    ]);
  });

  test('a 503 is retried and a success on the third attempt is a reading, with nothing logged', async () => {
    const { p, rec } = source({ queries: { error_rate: 'er' } });
    prom.series.set('er', () => 0.07);
    prom.faults.push(
      {
        status: 503,
        body: { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' },
      },
      'drop',
    );
    expect(await p.sample('checkout', 'v3.1.0', 300_000)).toEqual({ error_rate: 0.07 });
    expect(prom.requests).toHaveLength(3);
    expect(rec.lines).toEqual([]);
  });

  test('failing reads are retried twice, warned once until they succeed, then "readable again" once', async () => {
    const { p, rec } = source({ queries: { error_rate: 'er' } });
    prom.series.set('er', () => 0.03);
    const down = { status: 500, body: '<html><body>upstream exploded</body></html>' };
    prom.faults.push(down, down, down);
    expect(await p.sample('checkout', 'v3.1.0', 300_000)).toEqual({});
    expect(prom.requests).toHaveLength(3);
    prom.faults.push(down, down, down);
    expect(await p.sample('checkout', 'v3.1.0', 300_000)).toEqual({});
    expect(prom.requests).toHaveLength(6);
    expect(await p.sample('checkout', 'v3.1.0', 300_000)).toEqual({ error_rate: 0.03 });
    expect(await p.sample('checkout', 'v3.1.0', 300_000)).toEqual({ error_rate: 0.03 });
    expect(rec.text()).toEqual([
      'warn: error_rate of checkout v3.1.0 cannot be read: Prometheus answered 500: "<html><body>upstream ' +
        'exploded</body></html>" (3 attempts). It counts as unknown, never as healthy, until it reads again',
      'info: error_rate of checkout v3.1.0 is readable again',
    ]);
    expect(rec.lines[0]!.details).toMatchObject({
      service: 'checkout',
      version: 'v3.1.0',
      metric: 'error_rate',
      query: 'er',
    });
  });

  test('each (service, version, metric) is reported on its own', async () => {
    const { p, rec } = source({ queries: { error_rate: 'er' }, retries: 0 });
    const down = { status: 502, body: 'bad gateway' };
    prom.faults.push(down, down, down);
    await p.sample('checkout', 'v3.1.0', 300_000);
    await p.sample('checkout', 'v3.0.0', 300_000);
    await p.sample('checkout', 'v3.1.0', 300_000);
    expect(rec.text().map((l) => l.slice(0, 40))).toEqual([
      'warn: error_rate of checkout v3.1.0 cann',
      'warn: error_rate of checkout v3.0.0 cann',
    ]);
  });

  test('a refused query (400 bad_data) is not retried: it would be refused again', async () => {
    const { p, rec } = source({ queries: { error_rate: 'sum(rate(x[5m]' } });
    prom.faults.push({
      status: 400,
      body: { status: 'error', errorType: 'bad_data', error: '1:15: parse error: unclosed left parenthesis' },
    });
    expect(await p.sample('checkout', 'v3.1.0', 300_000)).toEqual({});
    expect(prom.requests).toHaveLength(1);
    expect(rec.lines[0]!.message).toBe(
      'error_rate of checkout v3.1.0 cannot be read: Prometheus answered 400 bad_data: 1:15: parse error: unclosed ' +
        'left parenthesis. It counts as unknown, never as healthy, until it reads again',
    );
  });

  test('malformed answers (not JSON, wrong shape, non-numeric value) are retried, then reported', async () => {
    const { p, rec } = source({ queries: { error_rate: 'a', availability: 'b', p50_latency: 'c' }, retries: 1 });
    const notJson = { status: 200, body: 'ok' };
    const noStatus = { status: 200, body: { data: {} } };
    const badValue = {
      status: 200,
      body: { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'many'] }] } },
    };
    // Requests of one sample run concurrently; give every request the same fault kind per run.
    for (const fault of [notJson, noStatus, badValue]) {
      prom.faults.push(fault, fault, fault, fault, fault, fault);
      expect(await p.sample('checkout', 'v3.1.0', 300_000)).toEqual({});
    }
    expect(prom.requests).toHaveLength(18);
    // Once per metric: the first failure is the one reported.
    expect(rec.lines.map((l) => l.details.reason)).toEqual([
      'Prometheus answered 200 with a body that is not JSON: "ok" (2 attempts)',
      'Prometheus answered 200 with a body that is not JSON: "ok" (2 attempts)',
      'Prometheus answered 200 with a body that is not JSON: "ok" (2 attempts)',
    ]);
    const { p: q, rec: rec2 } = source({ queries: { error_rate: 'a' }, retries: 1 });
    prom.faults.push(badValue, badValue);
    await q.sample('checkout', 'v3.1.0', 300_000);
    expect(rec2.lines.map((l) => l.details.reason)).toEqual([
      'malformed answer from Prometheus: sample value "many" is not a number (2 attempts)',
    ]);
    const { p: r, rec: rec3 } = source({ queries: { error_rate: 'a' }, retries: 0 });
    prom.faults.push(noStatus);
    await r.sample('checkout', 'v3.1.0', 300_000);
    expect(rec3.lines.map((l) => l.details.reason)).toEqual([
      'Prometheus answered 200 without "status": "success" and "data": "{"data":{}}"',
    ]);
  });

  test('a request that gets no answer times out, is retried, and is reported with the timeout', async () => {
    const { p, rec } = source({ queries: { error_rate: 'er' }, timeoutMs: 100 });
    prom.faults.push('hang', 'hang', 'hang');
    const started = Date.now();
    expect(await p.sample('checkout', 'v3.1.0', 300_000)).toEqual({});
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(prom.requests).toHaveLength(3);
    expect(rec.lines.map((l) => l.details.reason)).toEqual([`no answer from ${prom.url} within 100ms (3 attempts)`]);
  });

  test('an unreachable Prometheus is reported as such', async () => {
    const port = await closedPort();
    const { p, rec } = source({ url: `http://127.0.0.1:${port}`, queries: { error_rate: 'er' } });
    expect(await p.sample('checkout', 'v3.1.0', 300_000)).toEqual({});
    expect(rec.lines.map((l) => l.details.reason)).toEqual([
      `cannot reach http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port} (3 attempts)`,
    ]);
  });
});

describe('range queries (history)', () => {
  const from = T0;
  const to = T0 + 10 * 60_000;

  test('asks /api/v1/query_range with start, end, step in seconds and the observation window as $window', async () => {
    healthy();
    prom.series.set(Q.error_rate, (t) => (t < from / 1000 + 120 ? 0.01 : t === from / 1000 + 120 ? NaN : 0.2));
    const { p } = source();
    const history = await p.range('checkout', 'v3.1.0', from, to, 60_000);
    expect(prom.requests.map((r) => r.path)).toEqual(Array(6).fill('/api/v1/query_range'));
    expect(prom.requests[0]!.params).toMatchObject({ start: String(from / 1000), end: String(to / 1000), step: '60' });
    expect(prom.queries().sort()).toEqual(Object.values(Q).sort());
    const minutes = (...m: number[]) => m.map((i) => from + i * 60_000);
    // The NaN point at +2m is left out: no value at that step.
    expect(history.error_rate).toEqual(minutes(0, 1, 3, 4, 5, 6, 7, 8, 9, 10).map((t, i) => [t, i < 2 ? 0.01 : 0.2]));
    expect(history.p99_latency).toHaveLength(11);
    expect(history.user_complaints).toBeUndefined();
  });

  test('a range longer than Prometheus’ 11,000 points is asked for in consecutive chunks', async () => {
    prom.series.set('er', (t) => t % 7);
    const { p } = source({ queries: { error_rate: 'er' } });
    const day = 24 * 3_600_000;
    const history = await p.range('checkout', 'v3.1.0', from, from + day, 5_000);
    const chunks = prom.requests.map((r) => [Number(r.params.start) * 1000 - from, Number(r.params.end) * 1000 - from]);
    expect(chunks).toEqual([
      [0, 9_999 * 5_000],
      [10_000 * 5_000, day],
    ]);
    const points = history.error_rate!;
    expect(points).toHaveLength(day / 5_000 + 1);
    expect(points.every(([t], i) => t === from + i * 5_000)).toBe(true);
  });

  test('queryRange says why each failed metric failed; range logs it and leaves the metric out', async () => {
    healthy();
    const { p, rec } = source({ queries: { error_rate: Q.error_rate, availability: 'sum(' }, retries: 0 });
    prom.series.set('sum(', () => undefined);
    prom.faults.push({
      status: 422,
      body: { status: 'error', errorType: 'execution', error: 'expanding series: context canceled' },
    });
    const result = await p.queryRange('checkout', 'v3.1.0', from, to, 60_000);
    // One of the two concurrent requests got the fault; whichever it was is reported with its reason.
    const failed = Object.keys(result.failures);
    expect(failed).toHaveLength(1);
    expect(result.failures[failed[0] as 'error_rate']!.message).toBe(
      'Prometheus answered 422 execution: expanding series: context canceled',
    );
    prom.faults.push(
      { status: 422, body: { status: 'error', errorType: 'execution', error: 'boom' } },
      { status: 422, body: { status: 'error', errorType: 'execution', error: 'boom' } },
    );
    expect(await p.range('checkout', 'v3.1.0', from, to, 60_000)).toEqual({});
    expect(rec.text().sort()).toEqual([
      'warn: history of availability for checkout v3.1.0 cannot be read: Prometheus answered 422 execution: boom',
      'warn: history of error_rate for checkout v3.1.0 cannot be read: Prometheus answered 422 execution: boom',
    ]);
  });

  test('a metric with no samples in the range is absent, not a failure', async () => {
    const { p } = source({ queries: { error_rate: 'nothing' } });
    expect(await p.queryRange('checkout', 'v3.1.0', from, to, 60_000)).toEqual({ series: {}, failures: {} });
  });

  test('refuses a range that ends before it starts or a step that is not positive', async () => {
    const { p } = source();
    await expect(p.range('checkout', 'v3.1.0', to, from, 60_000)).rejects.toThrow(
      'a range query must start before it ends',
    );
    await expect(p.range('checkout', 'v3.1.0', from, to, 0)).rejects.toThrow(
      'the step of a range query must be positive, got 0ms',
    );
    expect(prom.requests).toHaveLength(0);
  });
});
