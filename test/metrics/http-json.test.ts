import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { HttpJsonMetrics, fillUrl, parseJsonPath, type HttpJsonOptions } from '../../src/adapters/metrics/http-json.ts';
import { fixedClock, recordingLog } from './support.ts';

/** A monitoring API in the runbook's style: GET /api/metrics/<metric>?service=…&version=…&window=… */
interface Monitoring {
  url: string;
  requests: URL[];
  /** Answer per metric name (the last path segment): status and body. */
  answers: Map<string, Array<{ status: number; body: unknown }>>;
  server: Server;
}

let api: Monitoring;
beforeEach(async () => {
  const requests: URL[] = [];
  const answers = new Map<string, Array<{ status: number; body: unknown }>>();
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    requests.push(u);
    const metric = decodeURIComponent(u.pathname.split('/').pop() ?? '');
    const queue = answers.get(metric) ?? [];
    const answer =
      queue.length > 1 ? queue.shift()! : (queue[0] ?? { status: 404, body: { error: `no metric ${metric}` } });
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, answers, server };
});
afterEach(() => new Promise<void>((r) => (api.server.closeAllConnections(), api.server.close(() => r()))));

function source(extra: Partial<HttpJsonOptions> = {}) {
  const rec = recordingLog();
  const s = new HttpJsonMetrics({
    url: `${api.url}/api/metrics/$metric?service=$service&version=$version&window=$window`,
    path: 'value',
    clock: fixedClock(),
    log: rec.log,
    backoffMs: 5,
    ...extra,
  });
  return { s, rec };
}

const ok = (body: unknown) => [{ status: 200, body }];

describe('http-json metrics', () => {
  test(
    'GETs one URL per service metric with $metric, $service, $version, $window URL-encoded, and reads the number at ' +
      'the path',
    async () => {
      const values = {
        error_rate: 0.12,
        availability: 0.97,
        p50_latency: 300,
        p95_latency: 2500,
        p99_latency: 9000,
        hallucination_rate: 0.01,
      };
      for (const [m, v] of Object.entries(values)) api.answers.set(m, ok({ value: v, unit: 'ratio' }));
      const { s, rec } = source();
      expect(await s.sample('checkout', 'v2.0.0+build 7', 300_000)).toEqual(values);
      expect(api.requests.map((u) => u.pathname).sort()).toEqual(
        Object.keys(values)
          .map((m) => `/api/metrics/${m}`)
          .sort(),
      );
      // user_complaints is Rewind's own count, not the monitoring API's.
      expect(api.requests.every((u) => u.search === '?service=checkout&version=v2.0.0%2Bbuild%207&window=5m')).toBe(
        true,
      );
      expect(rec.lines).toEqual([]);
      expect('range' in s).toBe(false);
    },
  );

  test('fillUrl encodes every placeholder', () => {
    expect(fillUrl('http://m/$metric/$service?v=$version&w=$window', 'p99_latency', 'a/b', 'v1&x=2', 90_000)).toBe(
      'http://m/p99_latency/a%2Fb?v=v1%26x%3D2&w=90s',
    );
  });

  test('paths with dots and array indexes; numbers sent as strings are read too', async () => {
    api.answers.set('error_rate', ok({ data: { results: [{ value: '0.061' }, { value: 0.9 }] } }));
    api.answers.set('availability', ok({ data: { results: [{ value: 0.991 }] } }));
    const { s } = source({ path: 'data.results[0].value', metrics: ['error_rate', 'availability'] });
    expect(await s.sample('checkout', 'v3.1.0', 300_000)).toEqual({ error_rate: 0.061, availability: 0.991 });

    api.answers.set('p50_latency', ok([{ latency: { p50: 512 } }]));
    const { s: root } = source({ path: '[0].latency.p50', metrics: ['p50_latency'] });
    expect(await root.sample('checkout', 'v3.1.0', 300_000)).toEqual({ p50_latency: 512 });
  });

  test('parseJsonPath accepts value, data.value, data.results[0].value and refuses anything else', () => {
    expect(parseJsonPath('value')).toEqual(['value']);
    expect(parseJsonPath('data.value')).toEqual(['data', 'value']);
    expect(parseJsonPath('data.results[0].value')).toEqual(['data', 'results', 0, 'value']);
    for (const bad of ['', 'data..value', 'data[x]', 'data.', '.value', 'a b']) {
      expect(() => parseJsonPath(bad)).toThrow(
        `metrics.httpJson.path "${bad}" is not a dot path such as value, data.value or data.results[0].value`,
      );
    }
  });

  test('null/NaN are no data; a missing path or a non-number is malformed; each is absent, reported once', async () => {
    api.answers.set('error_rate', ok({ value: null }));
    api.answers.set('availability', ok({ value: 'NaN' }));
    api.answers.set('p50_latency', ok({ data: { value: 1 } }));
    api.answers.set('p95_latency', ok({ value: 'slow' }));
    const { s, rec } = source({ metrics: ['error_rate', 'availability', 'p50_latency', 'p95_latency'], retries: 1 });
    expect(await s.sample('checkout', 'v3.1.0', 300_000)).toEqual({});
    expect(await s.sample('checkout', 'v3.1.0', 300_000)).toEqual({});
    const reasons = Object.fromEntries(rec.lines.map((l) => [l.details.metric, l.details.reason]));
    expect(reasons).toEqual({
      error_rate: 'the answer has null at value',
      availability: 'the answer has NaN at value',
      p50_latency:
        'the answer has nothing at value (metrics.httpJson.path is value): "{"data":{"value":1}}" (2 attempts)',
      p95_latency: 'the answer has "slow" at value, not a number (2 attempts)',
    });
    expect(rec.lines).toHaveLength(4);
    // No data is an answer, not a failure: asked once per sample. Malformed answers were retried.
    const count = (m: string) => api.requests.filter((u) => u.pathname.endsWith(`/${m}`)).length;
    expect([count('error_rate'), count('availability'), count('p50_latency'), count('p95_latency')]).toEqual([
      2, 2, 4, 4,
    ]);
  });

  test('a 500 is retried twice and reported once; recovery is logged once; a 404 is not retried', async () => {
    api.answers.set('error_rate', [
      { status: 500, body: 'down' },
      { status: 500, body: 'down' },
      { status: 500, body: 'down' },
      { status: 200, body: { value: 0.02 } },
    ]);
    const { s, rec } = source({ metrics: ['error_rate', 'p99_latency'] });
    expect(await s.sample('checkout', 'v3.1.0', 300_000)).toEqual({});
    expect(await s.sample('checkout', 'v3.1.0', 300_000)).toEqual({ error_rate: 0.02 });
    expect(api.requests.filter((u) => u.pathname.endsWith('/error_rate'))).toHaveLength(4);
    expect(api.requests.filter((u) => u.pathname.endsWith('/p99_latency'))).toHaveLength(2);
    // The 404 is reported at once; the 500s only after their retries.
    expect(rec.text()).toEqual([
      'warn: p99_latency of checkout v3.1.0 cannot be read: the monitoring API answered 404: "{"error":"no metric ' +
        'p99_latency"}". It counts as unknown, never as healthy, until it reads again',
      'warn: error_rate of checkout v3.1.0 cannot be read: the monitoring API answered 500: "down" (3 attempts). It ' +
        'counts as unknown, never as healthy, until it reads again',
      'info: error_rate of checkout v3.1.0 is readable again',
    ]);
  });

  test('a body that is not JSON is retried and reported', async () => {
    api.answers.set('error_rate', ok('<html>login</html>'));
    const { s, rec } = source({ metrics: ['error_rate'] });
    expect(await s.sample('checkout', 'v3.1.0', 300_000)).toEqual({});
    expect(rec.lines.map((l) => l.details.reason)).toEqual([
      'the monitoring API answered a body that is not JSON: "<html>login</html>" (3 attempts)',
    ]);
  });

  test('an injected fetch is used instead of the global one', async () => {
    const seen: string[] = [];
    const fetch = (async (url: string | URL | Request) => {
      seen.push(String(url));
      return new Response(JSON.stringify({ value: 0.5 }), { status: 200 });
    }) as typeof globalThis.fetch;
    const { s } = source({
      url: 'http://monitoring/api/metrics/$metric?service=$service',
      fetch,
      metrics: ['error_rate'],
    });
    expect(await s.sample('checkout', 'v3.1.0', 60_000)).toEqual({ error_rate: 0.5 });
    expect(seen).toEqual(['http://monitoring/api/metrics/error_rate?service=checkout']);
    expect(api.requests).toHaveLength(0);
  });
});
