/**
 * `rewind backtest --json`: the same replay as the text report, as data — per tier each run of
 * breaches with its times and worst values, what was left out, the metrics with no data or gaps —
 * checked against Prometheus' query_range stand-in and against the text report of the same range.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli.ts';
import type { BacktestJson } from '../../src/cli/backtest-json.ts';
import { startFakePrometheus, type FakePrometheus } from '../metrics/fake-prometheus.ts';
import { configText, referenceQueries } from '../metrics/support.ts';

const at = (hhmmss: string) => Date.parse(`2026-01-05T${hhmmss}Z`) / 1000;

let prom: FakePrometheus;
let config: string;
beforeEach(async () => {
  prom = await startFakePrometheus();
  config = join(mkdtempSync(join(tmpdir(), 'rewind-backtest-json-')), 'rewind.yml');
  writeFileSync(config, configText(`  provider: prometheus\n  prometheus: { url: ${prom.url} }`));
});
afterEach(() => prom.close());

/** Every metric healthy but error_rate, which follows `errorRate`, and hallucination_rate, which has no data. */
function script(errorRate: (t: number) => number) {
  const q = referenceQueries('checkout', 'v3.1.0', '5m');
  const series: Record<string, (t: number) => number | undefined> = {
    error_rate: errorRate,
    availability: (t) => (t >= at('09:30:00') && t < at('09:32:00') ? undefined : 0.999),
    p50_latency: () => 350,
    p95_latency: () => 1200,
    p99_latency: () => 2500,
    hallucination_rate: () => undefined,
  };
  for (const [metric, f] of Object.entries(series)) prom.series.set(q[metric as keyof typeof q], f);
}

async function backtest(...extra: string[]): Promise<{ code: number; logs: string[]; errors: string[] }> {
  const logs: string[] = [];
  const errors: string[] = [];
  const args = ['backtest', '--service', 'checkout', '--from', '2026-01-05T09:00:00Z', '--to', '2026-01-05T10:00:00Z'];
  const code = await runCli([...args, '--config', config, ...extra], {
    log: (l) => logs.push(l),
    error: (l) => errors.push(l),
  });
  return { code, logs, errors };
}

describe('rewind backtest --json', () => {
  test('gives every run of breaches with its times and worst values, as the text report tells it', async () => {
    script((t) => {
      if (t >= at('09:05:00') && t <= at('09:06:30')) return 0.12; // 90 s: under the 2m window
      if (t >= at('09:20:00') && t <= at('09:33:30')) return 0.15;
      if (t >= at('09:55:00')) return 0.03; // watch only, to the end
      return 0.01;
    });
    const json = await backtest('--json');
    expect(json.errors).toEqual([]);
    expect(json.code).toBe(0);
    expect(json.logs).toHaveLength(1);
    const replay = JSON.parse(json.logs[0] as string) as BacktestJson;
    expect(replay).toMatchObject({
      service: 'checkout',
      version: 'v3.1.0',
      from: '2026-01-05T09:00:00.000Z',
      to: '2026-01-05T10:00:00.000Z',
      stepMs: 30_000,
      evaluations: 121,
      confirmationWindowMs: 120_000,
      leftOut: ['user_complaints > 5'],
      noData: [{ metric: 'hallucination_rate', why: 'no data returned' }],
      gaps: [{ metric: 'availability', missingEvaluations: 4 }],
    });
    expect(replay.tiers.critical).toEqual({
      conditions: ['error_rate > 10%', 'availability < 95%', 'p99_latency > 10000'],
      firings: 1,
      longestFiringMs: 12 * 60_000,
      longestStillFiring: false,
      runs: [
        {
          breachingSince: '2026-01-05T09:05:00.000Z',
          lastBreachAt: '2026-01-05T09:06:30.000Z',
          firedAt: null,
          clearedAt: '2026-01-05T09:07:00.000Z',
          durationMs: 90_000,
          worst: [{ condition: 'error_rate > 10%', metric: 'error_rate', value: 0.12 }],
        },
        {
          breachingSince: '2026-01-05T09:20:00.000Z',
          lastBreachAt: '2026-01-05T09:33:30.000Z',
          firedAt: '2026-01-05T09:22:00.000Z',
          clearedAt: '2026-01-05T09:34:00.000Z',
          durationMs: 12 * 60_000,
          worst: [{ condition: 'error_rate > 10%', metric: 'error_rate', value: 0.15 }],
        },
      ],
    });
    // warning has hallucination_rate, which is never known: once breached it never clears.
    expect(replay.tiers.warning.runs).toEqual([
      {
        breachingSince: '2026-01-05T09:05:00.000Z',
        lastBreachAt: '2026-01-05T09:33:30.000Z',
        firedAt: '2026-01-05T09:20:00.000Z',
        clearedAt: null,
        durationMs: 40 * 60_000,
        worst: [{ condition: 'error_rate > 5%', metric: 'error_rate', value: 0.15 }],
      },
    ]);
    expect(replay.tiers.watch.runs.at(-1)).toMatchObject({
      breachingSince: '2026-01-05T09:55:00.000Z',
      firedAt: '2026-01-05T09:57:00.000Z',
      clearedAt: null,
      durationMs: 3 * 60_000,
    });
    expect([replay.tiers.watch.firings, replay.tiers.watch.longestStillFiring]).toEqual([2, false]);

    // The same range as text: the same firings, the same longest, the same left out and missing metrics.
    const text = await backtest();
    expect(text.code).toBe(0);
    const summary = text.logs.join('\n').split('\n').at(-1);
    expect(summary).toBe(
      'Summary: critical fired 1 time, longest 12m; warning fired 1 time, longest 40m (still firing at the end); ' +
        'watch fired 2 times, longest 12m',
    );
    expect([replay.tiers.warning.firings, replay.tiers.warning.longestFiringMs]).toEqual([1, 40 * 60_000]);
    expect(replay.tiers.warning.longestStillFiring).toBe(true);
  });

  test('a command line that cannot be used is still one line on stderr, exit 2, with --json too', async () => {
    const r = await backtest('--json=yes');
    expect(r.code).toBe(2);
    expect(r.logs).toEqual([]);
    expect(r.errors).toEqual(['rewind backtest: --json takes no value; see rewind backtest --help']);
  });
});
