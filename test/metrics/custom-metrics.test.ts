/**
 * The team's own metrics (`metrics.custom`) through each provider as createMetrics builds it from
 * the config: Prometheus reads each with its own query (instant and range), http-json asks for it
 * by name in `$metric`, and the simulation reads it as absent until its script or `set` gives it a
 * value.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createMetrics } from '../../src/adapters/metrics/index.ts';
import { ManualClock } from '../../src/clock.ts';
import { startFakePrometheus, type FakePrometheus } from './fake-prometheus.ts';
import { T0, configWith, fixedClock, referenceQueries } from './support.ts';

const MIN = 60_000;
const CUSTOM = `  custom:
    ttft_p95: { query: '1000 * ttft_p95{service="$service",version="$version"}[$window]', unit: ms }
    cost_per_request: { query: 'cost{service="$service",version="$version"}[$window]', unit: usd }`;

let prom: FakePrometheus;
beforeEach(async () => {
  prom = await startFakePrometheus();
});
afterEach(() => prom.close());

describe('custom metrics from Prometheus', () => {
  test('each is read with its own query, $service, $version and $window filled in, beside the built-ins', async () => {
    const config = configWith(`  provider: prometheus\n  prometheus: { url: ${prom.url} }\n${CUSTOM}`);
    const metrics = createMetrics(config, { clock: fixedClock() });
    prom.series.set(referenceQueries('checkout', 'v3.1.0', '5m').error_rate, () => 0.01);
    prom.series.set('1000 * ttft_p95{service="checkout",version="v3.1.0"}[5m]', () => 2612);
    prom.series.set('cost{service="checkout",version="v3.1.0"}[5m]', () => 0.0315);
    expect(await metrics.source.sample('checkout', 'v3.1.0', 5 * MIN)).toEqual({
      error_rate: 0.01,
      ttft_p95: 2612,
      cost_per_request: 0.0315,
    });

    // History (backtests, verification sparklines) reads them over the observation window too.
    const history = await metrics.history!.range('checkout', 'v3.1.0', T0, T0 + MIN, MIN);
    expect(history.cost_per_request).toEqual([
      [T0, 0.0315],
      [T0 + MIN, 0.0315],
    ]);
  });
});

describe('custom metrics from an http-json monitoring API', () => {
  let server: Server;
  let paths: string[];
  afterEach(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

  test('each is asked for by its name in $metric; its query is not sent', async () => {
    paths = [];
    server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://localhost');
      paths.push(u.pathname);
      const value = u.pathname.endsWith('/cost_per_request') ? 0.021 : u.pathname.endsWith('/ttft_p95') ? null : 0.5;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { value } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/metrics/$metric?service=$service`;
    const config = configWith(`  provider: http-json\n  httpJson: { url: "${url}", path: data.value }\n${CUSTOM}`);
    const sample = await createMetrics(config, { clock: fixedClock() }).source.sample('checkout', 'v3.1.0', 5 * MIN);
    // The six built-ins the API serves, then the two custom metrics.
    expect(paths).toHaveLength(8);
    expect(paths).toEqual(expect.arrayContaining(['/api/metrics/ttft_p95', '/api/metrics/cost_per_request']));
    // null at the path is no data: absent, so its conditions are unknown rather than healthy.
    expect(sample.cost_per_request).toBe(0.021);
    expect('ttft_p95' in sample).toBe(false);
  });
});

describe('custom metrics in the simulation', () => {
  test('read as absent until the script or set gives them a value; names not in the config are refused', async () => {
    const clock = new ManualClock(T0);
    const metrics = createMetrics(configWith(`  provider: simulated\n${CUSTOM}`), { clock });
    const simulated = metrics.simulated!;
    simulated.script('checkout', 'v3.1.0', [{ from: 0, values: { error_rate: 0.01 } }]);
    expect(await metrics.source.sample('checkout', 'v3.1.0', 5 * MIN)).toEqual({ error_rate: 0.01 });

    simulated.set('checkout', 'v3.1.0', { cost_per_request: 0.03 });
    simulated.script('checkout', 'v3.0.0', [{ from: 0, values: { ttft_p95: 900 } }]);
    expect(await metrics.source.sample('checkout', 'v3.1.0', 5 * MIN)).toEqual({
      error_rate: 0.01,
      cost_per_request: 0.03,
    });
    expect(await metrics.source.sample('checkout', 'v3.0.0', 5 * MIN)).toEqual({ ttft_p95: 900 });

    expect(() => simulated.set('checkout', 'v3.1.0', { ttft_p99: 1 })).toThrow(
      'set(checkout, v3.1.0): unknown metric "ttft_p99"',
    );
    // Without the config's catalogue, only the built-ins are known.
    const plain = createMetrics(configWith('  provider: simulated'), { clock }).simulated!;
    expect(() => plain.set('checkout', 'v3.1.0', { cost_per_request: 0.03 })).toThrow('unknown metric');
  });
});
