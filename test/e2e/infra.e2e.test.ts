/**
 * The end-to-end harness tested on itself: the exporter's arithmetic, the real Prometheus reading
 * it through the repository's own PromQL, and an alert rule going through the real Alertmanager
 * to a webhook with a bearer token — firing, then resolved. The Rewind-side end-to-end tests
 * build on exactly these pieces.
 *
 * The tests in the second block run in order against one set of daemons: the 30 s window of the
 * error-rate query needs half a minute of scrapes at the raised rate, and the alert (whose rule
 * reads a 5 s window) fires during that time.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, type RunningAlertmanager } from './support/alertmanager.ts';
import { startExporter, LATENCY_BUCKETS_SECONDS, type TestExporter } from './support/exporter.ts';
import { startPrometheus, type RunningPrometheus } from './support/prometheus.ts';
import { fillQuery, loadRepoConfig, repoQuery } from './support/queries.ts';
import { waitFor } from './support/wait.ts';
import {
  startWebhookSink,
  type AlertmanagerWebhook,
  type ReceivedRequest,
  type WebhookSink,
} from './support/webhook-sink.ts';

const SERVICE = 'prompt-service';
const LIVE = 'v2.0.0';
const PREVIOUS = 'v1.5.0';
const TOKEN = 'e2e-alert-token-7f3a';
const config = loadRepoConfig();
const promql = (metric: Parameters<typeof repoQuery>[0], version: string, window: string) =>
  fillQuery(repoQuery(metric, config), { service: SERVICE, version, window });

/** `name{labels}` → value, from the Prometheus text format. */
function parseExposition(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    values.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return values;
}

function pidIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

describe('the test exporter', () => {
  let exporter: TestExporter;
  afterAll(async () => exporter?.close());

  it('serves each scrape as one tick of 100 requests at the rates that are set', async () => {
    exporter = await startExporter({ series: [{ service: SERVICE, version: LIVE }] });
    exporter.setErrorRate(SERVICE, LIVE, 0.25);
    const scrape = async () => parseExposition(await (await fetch(exporter.url)).text());
    const first = await scrape();
    const second = await scrape();
    const delta = (key: string) => {
      const [a, b] = [first.get(key), second.get(key)];
      if (a === undefined || b === undefined) throw new Error(`${key} is missing from the exposition`);
      return b - a;
    };
    const id = `service="${SERVICE}",version="${LIVE}"`;

    expect(exporter.scrapes()).toBe(2);
    expect(delta(`prompt_requests_total{${id},code="200"}`)).toBe(75);
    expect(delta(`prompt_requests_total{${id},code="500"}`)).toBe(25);
    expect(delta(`prompt_hallucinations_total{${id}}`)).toBe(1);
    // The default profile: p50 250 ms, p95 1 s, p99 2 s, all bucket bounds.
    expect(delta(`prompt_request_duration_seconds_bucket{${id},le="0.25"}`)).toBe(50);
    expect(delta(`prompt_request_duration_seconds_bucket{${id},le="1"}`)).toBe(95);
    expect(delta(`prompt_request_duration_seconds_bucket{${id},le="2"}`)).toBe(99);
    expect(delta(`prompt_request_duration_seconds_bucket{${id},le="60"}`)).toBe(100);
    expect(delta(`prompt_request_duration_seconds_bucket{${id},le="+Inf"}`)).toBe(100);
    expect(delta(`prompt_request_duration_seconds_count{${id}}`)).toBe(100);
    // Mean of the piecewise-uniform profile: .5×0.125 + .45×0.625 + .04×1.5 + .01×2.25 = 0.42625 s.
    expect(delta(`prompt_request_duration_seconds_sum{${id}}`)).toBeCloseTo(42.625, 6);
    const buckets = LATENCY_BUCKETS_SECONDS.map(
      (le) => second.get(`prompt_request_duration_seconds_bucket{${id},le="${le}"}`) ?? NaN,
    );
    expect(buckets.every((v, i) => i === 0 || v >= buckets[i - 1]!)).toBe(true);

    const notFound = await fetch(exporter.url.replace('/metrics', '/other'));
    expect(notFound.status).toBe(404);
    expect(() => exporter.setErrorRate(SERVICE, LIVE, 1.5)).toThrow('the error rate must be between 0 and 1; got 1.5');
    expect(() => exporter.setLatency(SERVICE, LIVE, { p50Ms: 500, p95Ms: 400, p99Ms: 900 })).toThrow(
      /0 < p50Ms < p95Ms < p99Ms/,
    );
  });
});

describe('Prometheus and Alertmanager, for real', () => {
  let sink: WebhookSink;
  let exporter: TestExporter;
  let alertmanager: RunningAlertmanager;
  let prometheus: RunningPrometheus;
  let firing: ReceivedRequest;

  const notifications = (status: 'firing' | 'resolved') =>
    sink.received.filter((r) => (r.json as AlertmanagerWebhook | undefined)?.status === status);

  beforeAll(async () => {
    sink = await startWebhookSink();
    exporter = await startExporter({
      series: [
        { service: SERVICE, version: PREVIOUS },
        { service: SERVICE, version: LIVE },
      ],
    });
    alertmanager = await startAlertmanager({ webhookUrl: sink.url, bearerToken: TOKEN, repeatInterval: '1h' });
    prometheus = await startPrometheus({
      targets: [exporter.target],
      alertmanagerUrl: alertmanager.url,
      rules: [
        {
          alert: 'PromptErrorRateHigh',
          expr: `${promql('error_rate', LIVE, '5s')} > 0.1`,
          for: '2s',
          labels: { severity: 'critical', service: SERVICE, version: LIVE },
          annotations: { summary: `5xx share of ${SERVICE} ${LIVE} is {{ $value | humanizePercentage }}` },
        },
      ],
    });
  });

  afterAll(async () => {
    const stops = await Promise.allSettled([
      prometheus?.stop(),
      alertmanager?.stop(),
      exporter?.close(),
      sink?.close(),
    ]);
    const failed = stops.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed.length)
      throw new AggregateError(
        failed.map((f) => f.reason as unknown),
        'stopping the e2e daemons failed',
      );
  });

  it('scrapes the exporter every second', async () => {
    expect(await prometheus.queryValue(`up{job="prompt-service"}`)).toBe(1);
    // 100 requests per scrape at one scrape per second, once a few scrapes are in the window.
    const perSecond = await waitFor('a request rate near 100/s', async () => {
      const v = await prometheus.queryValue(
        `sum(rate(prompt_requests_total{service="${SERVICE}",version="${LIVE}"}[5s]))`,
      );
      if (v !== undefined && v > 90 && v < 110) return v;
      throw new Error(`rate is ${v}`);
    });
    expect(perSecond).toBeGreaterThan(90);
  });

  it("reads the exporter through config/rewind.yml's PromQL: healthy, then the raised error rate", async () => {
    const errorRate = (version: string) => prometheus.queryValue(promql('error_rate', version, '30s'));
    expect(await errorRate(LIVE)).toBe(0);
    expect(await prometheus.queryValue(promql('availability', LIVE, '30s'))).toBe(1);
    expect(await prometheus.queryValue(promql('p50_latency', LIVE, '30s'))).toBeCloseTo(250, 3);
    expect(await prometheus.queryValue(promql('p95_latency', LIVE, '30s'))).toBeCloseTo(1000, 3);
    expect(await prometheus.queryValue(promql('p99_latency', LIVE, '30s'))).toBeCloseTo(2000, 3);
    expect(await prometheus.queryValue(promql('hallucination_rate', LIVE, '30s'))).toBeCloseTo(0.01, 9);

    exporter.setErrorRate(SERVICE, LIVE, 0.25);
    // Exact once the 30 s window holds only scrapes taken at 25 %.
    await waitFor(
      'error_rate of v2.0.0 to read 25 %',
      async () => {
        const v = await errorRate(LIVE);
        if (v !== undefined && Math.abs(v - 0.25) < 1e-9) return v;
        throw new Error(`error_rate is ${v}`);
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );
    expect(await prometheus.queryValue(promql('availability', LIVE, '30s'))).toBeCloseTo(0.75, 9);
    expect(await errorRate(PREVIOUS)).toBe(0);
  });

  it('fires the alert rule through the Alertmanager webhook with the bearer token', async () => {
    firing = await sink.waitFor(
      'a firing notification',
      (r) => (r.json as AlertmanagerWebhook | undefined)?.status === 'firing',
    );

    expect(firing.method).toBe('POST');
    expect(firing.path).toBe('/webhook');
    expect(firing.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(firing.headers['content-type']).toBe('application/json');
    const body = firing.json as AlertmanagerWebhook;
    const labels = { alertname: 'PromptErrorRateHigh', severity: 'critical', service: SERVICE, version: LIVE };
    expect(body).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'rewind',
      groupLabels: { alertname: 'PromptErrorRateHigh', service: SERVICE },
      commonLabels: labels,
      externalURL: alertmanager.url,
      truncatedAlerts: 0,
    });
    expect(body.groupKey).toBe('{}:{alertname="PromptErrorRateHigh", service="prompt-service"}');
    expect(body.alerts).toHaveLength(1);
    const alert = body.alerts[0]!;
    expect(alert.status).toBe('firing');
    expect(alert.labels).toEqual(labels);
    expect(alert.annotations.summary).toMatch(/^5xx share of prompt-service v2\.0\.0 is \d+(\.\d+)?%$/);
    expect(alert.endsAt).toBe('0001-01-01T00:00:00Z');
    expect(Number.isNaN(Date.parse(alert.startsAt))).toBe(false);
    expect(alert.generatorURL.startsWith(`${prometheus.url}/graph?g0.expr=`)).toBe(true);
    expect(alert.fingerprint).toMatch(/^[0-9a-f]{16}$/);

    const inPrometheus = await prometheus.alerts();
    expect(inPrometheus.map((a) => [a.labels.alertname, a.state])).toEqual([['PromptErrorRateHigh', 'firing']]);
    const inAlertmanager = await alertmanager.alerts();
    expect(inAlertmanager.map((a) => [a.fingerprint, a.status.state])).toEqual([[alert.fingerprint, 'active']]);
    // Half a minute of firing, one notification: the group did not change and repeat_interval is 1 h.
    expect(notifications('firing')).toHaveLength(1);
  });

  it('sends the resolution once the error rate is lowered', async () => {
    const firingAlert = (firing.json as AlertmanagerWebhook).alerts[0]!;
    exporter.setErrorRate(SERVICE, LIVE, 0);
    const resolved = await sink.waitFor(
      'a resolved notification',
      (r) => (r.json as AlertmanagerWebhook | undefined)?.status === 'resolved',
    );

    expect(resolved.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const body = resolved.json as AlertmanagerWebhook;
    expect(body).toMatchObject({
      version: '4',
      status: 'resolved',
      groupKey: (firing.json as AlertmanagerWebhook).groupKey,
    });
    expect(body.alerts).toHaveLength(1);
    const alert = body.alerts[0]!;
    expect(alert).toMatchObject({
      status: 'resolved',
      fingerprint: firingAlert.fingerprint,
      startsAt: firingAlert.startsAt,
      labels: firingAlert.labels,
    });
    expect(Date.parse(alert.endsAt)).toBeGreaterThan(Date.parse(alert.startsAt));
    expect(notifications('firing')).toHaveLength(1);
    expect(notifications('resolved')).toHaveLength(1);
  });

  it('stops both daemons without leaving a process or a folder behind', async () => {
    await Promise.all([prometheus.stop(), alertmanager.stop()]);
    for (const daemon of [prometheus, alertmanager]) {
      expect(pidIsGone(daemon.pid)).toBe(true);
      expect(existsSync(daemon.dir)).toBe(false);
    }
  });
});

describe('a daemon that cannot start', () => {
  it("fails with Prometheus's own complaint and leaves nothing running", async () => {
    const exporter = await startExporter();
    try {
      const started = startPrometheus({ targets: [exporter.target], rules: [{ alert: 'Broken', expr: 'sum((' }] });
      const error = await started.then(
        () => undefined,
        (err: unknown) => err as Error,
      );
      const [headline, firstError] = error?.message.split('\n') ?? [];
      expect(headline).toMatch(/^Prometheus exited \(code 1\) before it was ready on http:\/\/127\.0\.0\.1:\d+:$/);
      // Prometheus's error lines come first, ahead of its startup chatter.
      expect(firstError).toMatch(
        /level=error .*rules\.yml.*Broken.*could not parse expression: .*unclosed left parenthesis/,
      );
      expect(error?.message).toContain('--- log:');
      expect(harnessPrometheusProcesses()).toEqual([]);
    } finally {
      await exporter.close();
    }
  });
});

/** Processes still running with a config from one of the harness's temporary folders. */
function harnessPrometheusProcesses(): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if (cmdline.includes('rewind-e2e-prometheus-')) found.push(`${entry}: ${cmdline}`);
  }
  return found;
}
