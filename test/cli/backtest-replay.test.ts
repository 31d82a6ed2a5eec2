/**
 * `rewind backtest` makes one replay and shows it two ways: `--json` prints it, the text report
 * renders it. These check the parts of the replay the text needs beyond the runs — each tier's
 * conditions with their units, the breaches a tier fired on, the metrics that had data — and that
 * the text says what the data says, against Prometheus' query_range stand-in.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { runCli } from '../../src/cli.ts';
import type { BacktestJson } from '../../src/cli/backtest-json.ts';
import { startFakePrometheus, type FakePrometheus } from '../metrics/fake-prometheus.ts';
import { configText, referenceQueries } from '../metrics/support.ts';

const at = (hhmmss: string) => Date.parse(`2026-01-05T${hhmmss}Z`) / 1000;

let prom: FakePrometheus;
let config: string;
beforeEach(async () => {
  prom = await startFakePrometheus();
  config = join(mkdtempSync(join(tmpdir(), 'rewind-backtest-replay-')), 'rewind.yml');
  writeFileSync(
    config,
    configText(
      `  provider: prometheus
  prometheus: { url: ${prom.url} }
  custom:
    cost_per_request: { query: 'cost{service="$service",version="$version"}[$window]', unit: usd }`,
      `triggers:
  warning: ["error_rate > 5%", "cost_per_request > $0.02"]
  watch: ["p50_latency > 1000", "user_complaints > 5"]
`,
    ),
  );
});
afterEach(() => prom.close());

async function backtest(...extra: string[]): Promise<{ code: number; logs: string[]; errors: string[] }> {
  const logs: string[] = [];
  const errors: string[] = [];
  const args = ['backtest', '--service', 'checkout', '--from', '2026-01-05T09:00:00Z', '--to', '2026-01-05T10:00:00Z'];
  const code = await runCli([...args, '--config', config, ...extra], {
    log: (l) => logs.push(...l.split('\n')),
    error: (l) => errors.push(l),
  });
  return { code, logs, errors };
}

test('the replay names the breaches each tier fired on and their units, and the text shows them', async () => {
  const q = referenceQueries('checkout', 'v3.1.0', '5m');
  const healthy = { availability: 0.999, p95_latency: 1200, p99_latency: 2500 };
  for (const [metric, value] of Object.entries(healthy)) prom.series.set(q[metric as keyof typeof q], () => value);
  // error_rate and cost both breach warning from 09:10; cost alone is still past it when warning fires.
  prom.series.set(q.error_rate, (t) => (t >= at('09:10:00') && t < at('09:11:00') ? 0.08 : 0.01));
  prom.series.set('cost{service="checkout",version="v3.1.0"}[5m]', (t) =>
    t >= at('09:10:00') && t < at('09:20:00') ? (t < at('09:15:00') ? 0.025 : 0.031) : 0.004,
  );
  // p50_latency breaches watch at 09:40 and stays over until the end; hallucination_rate never answers.
  prom.series.set(q.p50_latency, (t) => (t >= at('09:40:00') ? 1350 : 350));

  const json = await backtest('--json');
  expect(json.errors).toEqual([]);
  expect(json.code).toBe(0);
  const replay = JSON.parse(json.logs.join('\n')) as BacktestJson;
  expect(replay.triggers.warning).toEqual([
    { condition: 'error_rate > 5%', metric: 'error_rate', unit: 'ratio', op: '>', threshold: 0.05, replayed: true },
    {
      condition: 'cost_per_request > $0.02',
      metric: 'cost_per_request',
      unit: 'usd',
      op: '>',
      threshold: 0.02,
      replayed: true,
    },
  ]);
  expect(replay.triggers.watch).toEqual([
    { condition: 'p50_latency > 1000', metric: 'p50_latency', unit: 'ms', op: '>', threshold: 1000, replayed: true },
    {
      condition: 'user_complaints > 5',
      metric: 'user_complaints',
      unit: 'count',
      op: '>',
      threshold: 5,
      replayed: false,
    },
  ]);
  expect(replay.leftOut).toEqual(['user_complaints > 5']);
  expect(replay.fired).toEqual([
    {
      tier: 'warning',
      at: '2026-01-05T09:12:00.000Z',
      breaches: [{ condition: 'cost_per_request > $0.02', metric: 'cost_per_request', value: 0.025 }],
    },
    {
      tier: 'watch',
      at: '2026-01-05T09:42:00.000Z',
      breaches: [{ condition: 'p50_latency > 1000', metric: 'p50_latency', value: 1350 }],
    },
  ]);
  expect(replay.tiers.warning.runs.map((r) => r.firedAt)).toEqual(['2026-01-05T09:12:00.000Z']);
  expect(replay.tiers.warning.runs[0]?.worst).toEqual([
    { condition: 'error_rate > 5%', metric: 'error_rate', value: 0.08 },
    { condition: 'cost_per_request > $0.02', metric: 'cost_per_request', value: 0.031 },
  ]);
  expect(replay.metricsWithData).toEqual([
    'error_rate',
    'availability',
    'p50_latency',
    'p95_latency',
    'p99_latency',
    'cost_per_request',
  ]);
  // hallucination_rate answered nothing, but no condition reads it, so it is no tier's missing data.
  expect(replay.noData).toEqual([]);

  const text = await backtest();
  expect(text.code).toBe(0);
  expect(text.logs).toContain(
    'Left out: user_complaints > 5 (watch): user_complaints counts /rollback complaint and has no history',
  );
  expect(text.logs).not.toContain(
    'Nothing came back for any metric: check that this version had traffic in the range and that the queries match ' +
      'its labels',
  );
  expect(text.logs.slice(text.logs.indexOf('warning'))).toEqual([
    'warning',
    '  fired    2026-01-05 18:12:00 Asia/Tokyo  cost_per_request $0.025 > $0.02; breaching since ' +
      '2026-01-05 18:10:00 Asia/Tokyo',
    '  cleared  2026-01-05 18:20:00 Asia/Tokyo  after 8m; worst error_rate 8% > 5%, cost_per_request $0.031 > $0.02',
    '',
    'watch',
    '  fired    2026-01-05 18:42:00 Asia/Tokyo  p50_latency 1350ms > 1000ms; breaching since ' +
      '2026-01-05 18:40:00 Asia/Tokyo',
    '  still firing at the end of the range (2026-01-05 19:00:00 Asia/Tokyo), 18m so far; worst p50_latency 1350ms ' +
      '> 1000ms',
    '',
    'Summary: critical never fired; warning fired 1 time, longest 8m; watch fired 1 time, longest 18m (still firing ' +
      'at the end)',
  ]);
});

test('a range where no metric answered has no metric with data, and the text says nothing came back', async () => {
  const json = await backtest('--json');
  expect(json.code).toBe(0);
  const replay = JSON.parse(json.logs.join('\n')) as BacktestJson;
  expect(replay.metricsWithData).toEqual([]);
  expect(replay.fired).toEqual([]);
  const text = await backtest();
  expect(text.logs).toContain(
    'Nothing came back for any metric: check that this version had traffic in the range and that the queries match ' +
      'its labels',
  );
});
