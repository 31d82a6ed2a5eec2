import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { BACKTEST_USAGE, backtestCommand, parseTime } from '../../src/cli/backtest.ts';
import { ManualClock } from '../../src/clock.ts';
import { closedPort, startFakePrometheus, type FakePrometheus } from '../metrics/fake-prometheus.ts';
import { configText, referenceQueries } from '../metrics/support.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const at = (hhmmss: string) => Date.parse(`2026-01-05T${hhmmss}Z`) / 1000;

let prom: FakePrometheus;
let dir: string;

function writeConfig(metrics: string): string {
  const file = join(dir, `rewind-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(
    file,
    configText(
      metrics,
      '',
      `  search:
    router: { kind: service-selector, service: search }
    versions:
      - { version: v1.0.0 }
`,
    ),
  );
  return file;
}

let config: string;
beforeEach(async () => {
  prom = await startFakePrometheus();
  dir = mkdtempSync(join(tmpdir(), 'rewind-backtest-'));
  config = writeConfig(`  provider: prometheus\n  prometheus: { url: ${prom.url} }`);
});
afterEach(() => prom.close());

function capture() {
  const logs: string[] = [];
  const errors: string[] = [];
  return {
    logs,
    errors,
    out: { log: (l: string) => logs.push(...l.split('\n')), error: (l: string) => errors.push(...l.split('\n')) },
  };
}

/** Every metric healthy, and error_rate following `errorRate` (t in epoch seconds). */
function script(
  version: string,
  errorRate: (t: number) => number,
  overrides: Partial<Record<string, (t: number) => number | undefined>> = {},
) {
  const q = referenceQueries('checkout', version, '5m');
  const healthy: Record<string, (t: number) => number | undefined> = {
    error_rate: errorRate,
    availability: () => 0.995,
    p50_latency: () => 350,
    p95_latency: () => 1200,
    p99_latency: () => 2500,
    hallucination_rate: () => 0.02,
    ...overrides,
  };
  for (const [metric, f] of Object.entries(healthy)) prom.series.set(q[metric as keyof typeof q], f);
}

const args = (...extra: string[]) => [
  'backtest',
  '--service',
  'checkout',
  '--from',
  '2026-01-05T09:00:00Z',
  '--to',
  '2026-01-05T10:00:00Z',
  '--config',
  config,
  ...extra,
];

describe('rewind backtest', () => {
  test('blips under the confirmation window never fire; held breaches fire after it, clear when healthy', async () => {
    script('v3.1.0', (t) => {
      if (t >= at('09:05:00') && t <= at('09:06:30')) return 0.12; // 4 evaluations: 90 s < 2m
      if (t >= at('09:20:00') && t < at('09:25:00')) return 0.15;
      if (t >= at('09:25:00') && t <= at('09:33:30')) return 0.18;
      if (t >= at('09:40:00') && t <= at('09:49:30')) return 0.07; // warning and watch only
      if (t >= at('09:55:00')) return 0.03; // watch only, to the end
      return 0.01;
    });
    const c = capture();
    expect(await runCli(args(), c.out)).toBe(0);
    expect(c.errors).toEqual([]);
    expect(c.logs).toEqual([
      'Backtest of checkout v3.1.0 from 2026-01-05 18:00:00 Asia/Tokyo to 2026-01-05 19:00:00 Asia/Tokyo every 30s ' +
        '(121 evaluations)',
      'Triggers (confirmation window 2m):',
      '  critical: error_rate > 10%, availability < 95%, p99_latency > 10000',
      '  warning: error_rate > 5%, p95_latency > 3000, hallucination_rate > 15%',
      '  watch: error_rate > 2%, p50_latency > 1000, user_complaints > 5',
      'Left out: user_complaints > 5 (watch): user_complaints counts /rollback complaint and has no history',
      '',
      'critical',
      '  not fired: breached 2026-01-05 18:05:00 Asia/Tokyo to 2026-01-05 18:06:30 Asia/Tokyo (90s), under the 2m ' +
        'confirmation window; worst error_rate 12% > 10%',
      '  fired    2026-01-05 18:22:00 Asia/Tokyo  error_rate 15% > 10%; breaching since 2026-01-05 18:20:00 Asia/Tokyo',
      '  cleared  2026-01-05 18:34:00 Asia/Tokyo  after 12m; worst error_rate 18% > 10%',
      '',
      'warning',
      '  not fired: breached 2026-01-05 18:05:00 Asia/Tokyo to 2026-01-05 18:06:30 Asia/Tokyo (90s), under the 2m ' +
        'confirmation window; worst error_rate 12% > 5%',
      '  fired    2026-01-05 18:22:00 Asia/Tokyo  error_rate 15% > 5%; breaching since 2026-01-05 18:20:00 Asia/Tokyo',
      '  cleared  2026-01-05 18:34:00 Asia/Tokyo  after 12m; worst error_rate 18% > 5%',
      '  fired    2026-01-05 18:42:00 Asia/Tokyo  error_rate 7% > 5%; breaching since 2026-01-05 18:40:00 Asia/Tokyo',
      '  cleared  2026-01-05 18:50:00 Asia/Tokyo  after 8m; worst error_rate 7% > 5%',
      '',
      'watch',
      '  not fired: breached 2026-01-05 18:05:00 Asia/Tokyo to 2026-01-05 18:06:30 Asia/Tokyo (90s), under the 2m ' +
        'confirmation window; worst error_rate 12% > 2%',
      '  fired    2026-01-05 18:22:00 Asia/Tokyo  error_rate 15% > 2%; breaching since 2026-01-05 18:20:00 Asia/Tokyo',
      '  cleared  2026-01-05 18:34:00 Asia/Tokyo  after 12m; worst error_rate 18% > 2%',
      '  fired    2026-01-05 18:42:00 Asia/Tokyo  error_rate 7% > 2%; breaching since 2026-01-05 18:40:00 Asia/Tokyo',
      '  cleared  2026-01-05 18:50:00 Asia/Tokyo  after 8m; worst error_rate 7% > 2%',
      '  fired    2026-01-05 18:57:00 Asia/Tokyo  error_rate 3% > 2%; breaching since 2026-01-05 18:55:00 Asia/Tokyo',
      '  still firing at the end of the range (2026-01-05 19:00:00 Asia/Tokyo), 3m so far; worst error_rate 3% > 2%',
      '',
      'Summary: critical fired 1 time, longest 12m; warning fired 2 times, longest 12m; watch fired 3 times, ' +
        'longest 12m',
    ]);
    // The exact range queries: the newest version, the observation window, the whole range in seconds.
    expect(prom.requests).toHaveLength(6);
    expect(
      prom.requests.every(
        (r) =>
          r.path === '/api/v1/query_range' &&
          r.params.start === '1767603600' &&
          r.params.end === '1767607200' &&
          r.params.step === '30',
      ),
    ).toBe(true);
    expect(prom.queries()).toContain(
      'sum(rate(prompt_requests_total{service="checkout",version="v3.1.0",code=~"5.."}[5m])) / ' +
        'sum(rate(prompt_requests_total{service="checkout",version="v3.1.0"}[5m]))',
    );
  });

  test('--version picks another version of the chain and --step replaces the evaluation interval', async () => {
    script('v3.0.0', (t) => (t >= at('09:10:00') && t < at('09:20:00') ? 0.5 : 0));
    const c = capture();
    expect(await runCli(args('--version', 'v3.0.0', '--step', '1m'), c.out)).toBe(0);
    expect(c.logs[0]).toBe(
      'Backtest of checkout v3.0.0 from 2026-01-05 18:00:00 Asia/Tokyo to 2026-01-05 19:00:00 Asia/Tokyo every 1m ' +
        '(61 evaluations)',
    );
    expect(c.logs).toContain(
      '  fired    2026-01-05 18:12:00 Asia/Tokyo  error_rate 50% > 10%; breaching since 2026-01-05 18:10:00 Asia/Tokyo',
    );
    expect(c.logs).toContain('  cleared  2026-01-05 18:20:00 Asia/Tokyo  after 8m; worst error_rate 50% > 10%');
    expect(c.logs.at(-1)).toBe(
      'Summary: critical fired 1 time, longest 8m; warning fired 1 time, longest 8m; watch fired 1 time, longest 8m',
    );
    expect(prom.requests.every((r) => r.params.step === '60' && r.params.query!.includes('version="v3.0.0"'))).toBe(
      true,
    );
  });

  test('a metric with no data is unknown at every step, so its tier never clears; gaps are counted', async () => {
    script('v3.1.0', (t) => (t >= at('09:10:00') && t < at('09:20:00') ? 0.06 : 0.01), {
      hallucination_rate: () => undefined,
      availability: (t) => (t >= at('09:30:00') && t < at('09:32:00') ? undefined : 0.999),
    });
    const c = capture();
    expect(await runCli(args(), c.out)).toBe(0);
    expect(c.logs).toContain(
      'No data: hallucination_rate has no value in this range (its query returned nothing); its conditions are ' +
        'unknown at every step and never fire or clear a tier',
    );
    expect(c.logs).toContain(
      'Gaps: availability has no value at 4 of 121 evaluations (unknown there: a gap neither fires nor clears a tier)',
    );
    const warning = c.logs.slice(c.logs.indexOf('warning'), c.logs.indexOf('watch'));
    expect(warning).toEqual([
      'warning',
      '  fired    2026-01-05 18:12:00 Asia/Tokyo  error_rate 6% > 5%; breaching since 2026-01-05 18:10:00 Asia/Tokyo',
      '  still firing at the end of the range (2026-01-05 19:00:00 Asia/Tokyo), 48m so far; worst error_rate 6% > 5%',
      '',
    ]);
    // watch has no unknown condition (user_complaints is left out), so it clears.
    expect(c.logs).toContain('  cleared  2026-01-05 18:20:00 Asia/Tokyo  after 8m; worst error_rate 6% > 2%');
    expect(c.logs.at(-1)).toBe(
      'Summary: critical never fired; warning fired 1 time, longest 48m (still firing at the end); watch fired 1 ' +
        'time, longest 8m',
    );
    expect(c.logs.slice(c.logs.indexOf('critical'), c.logs.indexOf('warning'))).toEqual([
      'critical',
      '  never breached',
      '',
    ]);
  });

  test('custom metrics are replayed with their own queries, fire their tiers and show in their units', async () => {
    const file = join(dir, 'rewind-custom.yml');
    writeFileSync(
      file,
      configText(
        `  provider: prometheus
  prometheus: { url: ${prom.url} }
  custom:
    ttft_p95: { query: 'ttft{service="$service",version="$version"}[$window]', unit: ms }
    cost_per_request: { query: 'cost{service="$service",version="$version"}[$window]', unit: usd }`,
        `triggers:
  warning: ["error_rate > 5%", "cost_per_request > $0.02"]
  watch: ["ttft_p95 > 2000"]
`,
      ),
    );
    script('v3.1.0', () => 0.01);
    prom.series.set('cost{service="checkout",version="v3.1.0"}[5m]', (t) =>
      t >= at('09:10:00') && t < at('09:20:00') ? (t < at('09:15:00') ? 0.025 : 0.031) : 0.004,
    );
    // ttft_p95 has no data before 09:30: unknown there, so the watch tier neither fires nor clears.
    prom.series.set('ttft{service="checkout",version="v3.1.0"}[5m]', (t) => (t < at('09:30:00') ? undefined : 2450));
    const c = capture();
    expect(
      await runCli(
        args().map((a) => (a === config ? file : a)),
        c.out,
      ),
    ).toBe(0);
    expect(c.errors).toEqual([]);
    expect(c.logs.slice(1, 5)).toEqual([
      'Triggers (confirmation window 2m):',
      '  critical: error_rate > 10%, availability < 95%, p99_latency > 10000',
      '  warning: error_rate > 5%, cost_per_request > $0.02',
      '  watch: ttft_p95 > 2000',
    ]);
    expect(c.logs).toContain(
      'Gaps: ttft_p95 has no value at 60 of 121 evaluations (unknown there: a gap neither fires nor clears a tier)',
    );
    expect(c.logs.slice(c.logs.indexOf('warning'), c.logs.indexOf('watch'))).toEqual([
      'warning',
      '  fired    2026-01-05 18:12:00 Asia/Tokyo  cost_per_request $0.025 > $0.02; breaching since ' +
        '2026-01-05 18:10:00 Asia/Tokyo',
      '  cleared  2026-01-05 18:20:00 Asia/Tokyo  after 8m; worst cost_per_request $0.031 > $0.02',
      '',
    ]);
    expect(c.logs).toContain(
      '  fired    2026-01-05 18:32:00 Asia/Tokyo  ttft_p95 2450ms > 2000ms; breaching since 2026-01-05 18:30:00 ' +
        'Asia/Tokyo',
    );
    expect(prom.queries()).toContain('ttft{service="checkout",version="v3.1.0"}[5m]');
  });

  test('a version with no data at all says so and breaches nothing', async () => {
    const c = capture();
    expect(await runCli(args(), c.out)).toBe(0);
    expect(c.logs).toContain(
      'Nothing came back for any metric: check that this version had traffic in the range and that the queries match ' +
        'its labels',
    );
    expect(c.logs.filter((l) => l.startsWith('No data: '))).toHaveLength(6);
    expect(c.logs.filter((l) => l === '  never breached')).toHaveLength(3);
    expect(c.logs.at(-1)).toBe('Summary: critical never fired; warning never fired; watch never fired');
  });

  test('relative times count back from now, rounded to the second', async () => {
    const c = capture();
    const clock = new ManualClock(T0 + 3_600_000 + 700);
    expect(
      await backtestCommand(['--service', 'checkout', '--from', '-1h', '--to', 'now', '--config', config], c.out, {
        clock,
      }),
    ).toBe(0);
    expect(c.logs[0]).toBe(
      'Backtest of checkout v3.1.0 from 2026-01-05 18:00:00 Asia/Tokyo to 2026-01-05 19:00:00 Asia/Tokyo every 30s ' +
        '(121 evaluations)',
    );
    expect(parseTime('-1h30m', T0)).toBe(T0 - 5_400_000);
    expect(parseTime('-7d', T0)).toBe(T0 - 7 * 86_400_000);
    expect(parseTime('2026-01-05T18:00:00+09:00', 0)).toBe(T0);
    expect(parseTime('2026-01-05', 0)).toBe(Date.UTC(2026, 0, 5));
  });

  test('--help prints the usage and exits 0', async () => {
    const c = capture();
    expect(await runCli(['backtest', '--help'], c.out)).toBe(0);
    expect(c.logs).toEqual(BACKTEST_USAGE.split('\n'));
    expect(c.errors).toEqual([]);
  });

  describe('errors', () => {
    test.each([
      [['backtest', '--from', '-1h', '--to', 'now'], 'missing --service'],
      [['backtest', '--service'], '--service needs a value'],
      [['backtest', '--sevrice', 'checkout'], 'unknown option "--sevrice" (did you mean "--service"?)'],
      [['backtest', '--service', 'a', '--service', 'b'], '--service is given twice'],
      [
        ['backtest', '--service', 'checkout', '--from', 'yesterday', '--to', 'now'],
        '--from "yesterday" is not a time: write an ISO time such as 2026-01-05T09:00:00Z or a time relative to now ' +
          'such as -7d, -2h or now',
      ],
      [
        ['backtest', '--service', 'checkout', '--from', '-2x', '--to', 'now'],
        '--from "-2x" is not a time: write an ISO time such as 2026-01-05T09:00:00Z or a time relative to now such ' +
          'as -7d, -2h or now',
      ],
      [
        ['backtest', '--service', 'checkout', '--from', '2026-01-05T09:00:00', '--to', 'now'],
        '--from "2026-01-05T09:00:00" has no time zone: add Z for UTC or an offset such as +09:00',
      ],
      [
        ['backtest', '--service', 'checkout', '--from', '2026-01-05T10:00:00Z', '--to', '2026-01-05T09:00:00Z'],
        '--from (2026-01-05T10:00:00Z) must be before --to (2026-01-05T09:00:00Z)',
      ],
      [
        ['backtest', '--service', 'checkout', '--from', '-1h', '--to', 'now', '--step', '30'],
        '--step: expected a duration such as 30s, 5m, 2h, 7d; got "30" without a unit: write e.g. "30s" for seconds ' +
          'or "30ms" for milliseconds',
      ],
      [
        ['backtest', '--service', 'checkout', '--from', '-1h', '--to', 'now', '--step', '0s'],
        '--step must be longer than 0; got "0s"',
      ],
    ])('usage error %j → exit 2', async (argv, message) => {
      const c = capture();
      expect(await runCli(argv, c.out)).toBe(2);
      expect(c.errors).toEqual([`rewind backtest: ${message}; see rewind backtest --help`]);
      expect(c.logs).toEqual([]);
      expect(prom.requests).toHaveLength(0);
    });

    test('a range with too many evaluations asks for a larger step', async () => {
      const c = capture();
      expect(
        await runCli(
          ['backtest', '--service', 'checkout', '--from', '-30d', '--to', 'now', '--step', '10s', '--config', config],
          c.out,
        ),
      ).toBe(2);
      expect(c.errors).toEqual([
        'rewind backtest: 30d every 10s is 259201 evaluations; use a larger --step (at most 100000)',
      ]);
    });

    test('unknown service lists the configured ones; unknown version lists the chain', async () => {
      const c = capture();
      expect(
        await runCli(['backtest', '--service', 'chekout', '--from', '-1h', '--to', 'now', '--config', config], c.out),
      ).toBe(1);
      expect(await runCli(args('--version', 'v9'), c.out)).toBe(1);
      expect(c.errors).toEqual([
        `rewind backtest: unknown service "chekout"; services in ${config}: checkout, search`,
        'rewind backtest: checkout has no version "v9"; its versions, newest first: v3.1.0, v3.0.0',
      ]);
      expect(prom.requests).toHaveLength(0);
    });

    test('a config with problems is reported like validate-config does', async () => {
      const bad = join(dir, 'bad.yml');
      writeFileSync(bad, 'locale: fr\n');
      const c = capture();
      expect(
        await runCli(['backtest', '--service', 'checkout', '--from', '-1h', '--to', 'now', '--config', bad], c.out),
      ).toBe(1);
      expect(c.errors).toContain(`${bad}:1:9 locale: expected locale: one of en | ja; got "fr"`);
      expect(c.errors).toContain(`${bad}:1:1 slack: missing required key "slack": expected a mapping`);
      expect(prom.requests).toHaveLength(0);
    });

    test('providers without history say so and what to set', async () => {
      const c = capture();
      config = writeConfig('  provider: http-json\n  httpJson: { url: "http://monitoring/api/metrics/$metric" }');
      expect(await runCli(args(), c.out)).toBe(1);
      config = writeConfig('  provider: simulated');
      expect(await runCli(args(), c.out)).toBe(1);
      expect(c.errors).toEqual([
        'rewind backtest: metrics.provider is http-json, which reads current values only and keeps no history, so ' +
          'there is nothing to replay; backtest replays Prometheus query_range history: set metrics.provider: ' +
          'prometheus and metrics.prometheus.url',
        'rewind backtest: metrics.provider is simulated, whose scripted values exist only inside a running demo, so ' +
          'there is no history to replay; backtest replays Prometheus query_range history: set metrics.provider: ' +
          'prometheus and metrics.prometheus.url',
      ]);
    });

    test('Prometheus unreachable', async () => {
      const port = await closedPort();
      config = writeConfig(`  provider: prometheus\n  prometheus: { url: http://127.0.0.1:${port} }`);
      const c = capture();
      expect(await backtestCommand(args().slice(1), c.out, { backoffMs: 1 })).toBe(1);
      expect(c.errors).toEqual([
        `rewind backtest: Prometheus at http://127.0.0.1:${port} did not answer: cannot reach http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port} (3 attempts)`,
      ]);
      expect(c.logs).toEqual([]);
    });

    test('queries Prometheus refuses are listed per metric', async () => {
      script('v3.1.0', () => 0.01);
      const refused = {
        status: 400,
        body: { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:1: parse error' },
      };
      prom.faults.push(refused, refused);
      const c = capture();
      expect(await runCli(args(), c.out)).toBe(1);
      expect(c.errors[0]).toBe(`rewind backtest: Prometheus at ${prom.url} could not answer every query:`);
      expect(c.errors.slice(1)).toHaveLength(2);
      for (const line of c.errors.slice(1))
        expect(line).toMatch(
          /^ {2}[a-z0-9_]+: Prometheus answered 400 bad_data: invalid parameter "query": 1:1: parse error$/,
        );
      expect(c.logs).toEqual([]);
    });
  });
});
