/**
 * A stand-in for the prompt service's own /metrics: the series the PromQL in config/rewind.yml
 * (metrics.queries) reads, for any number of (service, version) pairs.
 *
 * Traffic is simulated per scrape, not per wall-clock second: every GET /metrics is one tick in
 * which each series serves `requestsPerScrape` requests (100 by default) at its current error
 * rate, latency profile and hallucination rate. With Prometheus scraping every second that is
 * 100 requests/s, and every ratio the queries compute (errors / requests, hallucinations /
 * requests, histogram buckets / count) comes out exactly as set over any window whose ticks all
 * ran at the same setting — independent of scrape jitter.
 *
 * Counters start at a large baseline, as a service that has been up for a while: rate() only
 * reads differences, but Prometheus stops extrapolating a counter towards the start of the
 * window where it would pass zero, and doing that for the 5xx series and not the 2xx one would
 * bend the error rate.
 */
import { createServer, type Server } from 'node:http';
import { waitFor } from './wait.ts';

export interface LatencyProfile {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface SeriesKey {
  service: string;
  version: string;
}

export interface ExporterOptions {
  /** Requests each series serves per scrape; default 100. */
  requestsPerScrape?: number;
  /** Series present from the first scrape; others appear when a set… call first names them. */
  series?: SeriesKey[];
  /** Error rate (0..1) of series not set otherwise; default 0. */
  errorRate?: number;
  /** Latency of series not set otherwise; default p50 250 ms, p95 1 s, p99 2 s. */
  latency?: LatencyProfile;
  /** Hallucination rate (0..1) of series not set otherwise; default 0.01. */
  hallucinationRate?: number;
}

export interface TestExporter {
  /** `http://127.0.0.1:PORT/metrics` */
  readonly url: string;
  /** `127.0.0.1:PORT`, for a Prometheus static_configs target. */
  readonly target: string;
  /** How many times /metrics was served. */
  scrapes(): number;
  /** From the next scrape on, this share (0..1) of the series' requests answer 500. */
  setErrorRate(service: string, version: string, ratio: number): void;
  /**
   * From the next scrape on, request durations follow this profile: uniform between 0, p50, p95,
   * p99 and 1.25 × p99. histogram_quantile() returns p50/p95/p99 exactly when they are bucket
   * bounds (LATENCY_BUCKETS_SECONDS), and interpolates inside the bucket otherwise.
   */
  setLatency(service: string, version: string, profile: LatencyProfile): void;
  /** From the next scrape on, this share (0..1) of the series' requests count as hallucinations. */
  setHallucinationRate(service: string, version: string, ratio: number): void;
  /** Resolves once `count` more scrapes have been served after the call. */
  waitForScrapes(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Upper bounds of the duration histogram; every one is a round number a profile can use. */
export const LATENCY_BUCKETS_SECONDS = [
  0.025, 0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10, 15, 20, 30, 60,
] as const;

const BASELINE = 1_000_000;
/** Keeps floor() from losing a whole request to float error (0.57 × 100 is 56.99999999999999). */
const EPS = 1e-9;

interface Series extends SeriesKey {
  errorRate: number;
  latency: LatencyProfile;
  hallucinationRate: number;
  /** Exact (fractional) totals since start; the exposed counters are their floors. */
  idealErrors: number;
  idealHallucinations: number;
  idealBuckets: number[];
  requests: number;
  durationSum: number;
}

function checkRatio(what: string, ratio: number): void {
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1)
    throw new Error(`${what} must be between 0 and 1; got ${ratio}`);
}

function checkProfile(p: LatencyProfile): void {
  if (!(p.p50Ms > 0 && p.p50Ms < p.p95Ms && p.p95Ms < p.p99Ms && Number.isFinite(p.p99Ms))) {
    throw new Error(`a latency profile needs 0 < p50Ms < p95Ms < p99Ms; got ${JSON.stringify(p)}`);
  }
}

/** The profile's knots as (seconds, cumulative share). */
function knots(p: LatencyProfile): Array<[number, number]> {
  return [
    [0, 0],
    [p.p50Ms / 1000, 0.5],
    [p.p95Ms / 1000, 0.95],
    [p.p99Ms / 1000, 0.99],
    [(p.p99Ms * 1.25) / 1000, 1],
  ];
}

/** Share of requests that took at most `le` seconds. */
export function cumulativeShare(p: LatencyProfile, le: number): number {
  const k = knots(p);
  for (let i = 1; i < k.length; i++) {
    const [x0, q0] = k[i - 1]!;
    const [x1, q1] = k[i]!;
    if (le === x1) return q1;
    if (le < x1) return q0 + ((q1 - q0) * (le - x0)) / (x1 - x0);
  }
  return 1;
}

function meanSeconds(p: LatencyProfile): number {
  const k = knots(p);
  let mean = 0;
  for (let i = 1; i < k.length; i++) {
    const [x0, q0] = k[i - 1]!;
    const [x1, q1] = k[i]!;
    mean += (q1 - q0) * ((x0 + x1) / 2);
  }
  return mean;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(pairs: Record<string, string>): string {
  return `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',')}}`;
}

export async function startExporter(options: ExporterOptions = {}): Promise<TestExporter> {
  const perScrape = options.requestsPerScrape ?? 100;
  if (!Number.isInteger(perScrape) || perScrape <= 0)
    throw new Error(`requestsPerScrape must be a positive whole number; got ${perScrape}`);
  const defaults = {
    errorRate: options.errorRate ?? 0,
    latency: options.latency ?? { p50Ms: 250, p95Ms: 1000, p99Ms: 2000 },
    hallucinationRate: options.hallucinationRate ?? 0.01,
  };
  checkRatio('errorRate', defaults.errorRate);
  checkRatio('hallucinationRate', defaults.hallucinationRate);
  checkProfile(defaults.latency);

  const series = new Map<string, Series>();
  const seriesFor = (service: string, version: string): Series => {
    const key = `${service}\u0000${version}`;
    let s = series.get(key);
    if (!s) {
      s = {
        service,
        version,
        ...defaults,
        idealErrors: 0,
        idealHallucinations: 0,
        idealBuckets: LATENCY_BUCKETS_SECONDS.map(() => 0),
        requests: 0,
        durationSum: 0,
      };
      series.set(key, s);
    }
    return s;
  };
  for (const { service, version } of options.series ?? []) seriesFor(service, version);

  let scrapes = 0;
  const tick = (): void => {
    for (const s of series.values()) {
      s.requests += perScrape;
      s.idealErrors += perScrape * s.errorRate;
      s.idealHallucinations += perScrape * s.hallucinationRate;
      LATENCY_BUCKETS_SECONDS.forEach((le, i) => (s.idealBuckets[i]! += perScrape * cumulativeShare(s.latency, le)));
      s.durationSum += perScrape * meanSeconds(s.latency);
    }
  };

  const render = (): string => {
    const out: string[] = [];
    out.push(
      '# HELP prompt_requests_total Requests answered by the prompt service.',
      '# TYPE prompt_requests_total counter',
    );
    for (const s of series.values()) {
      const errors = Math.floor(s.idealErrors + EPS);
      const id = { service: s.service, version: s.version };
      out.push(`prompt_requests_total${labels({ ...id, code: '200' })} ${BASELINE + s.requests - errors}`);
      out.push(`prompt_requests_total${labels({ ...id, code: '500' })} ${BASELINE + errors}`);
    }
    out.push(
      '# HELP prompt_request_duration_seconds Time to answer a prompt request.',
      '# TYPE prompt_request_duration_seconds histogram',
    );
    for (const s of series.values()) {
      const id = { service: s.service, version: s.version };
      LATENCY_BUCKETS_SECONDS.forEach((le, i) => {
        out.push(
          `prompt_request_duration_seconds_bucket${labels({ ...id, le: String(le) })} ` +
            `${BASELINE + Math.floor(s.idealBuckets[i]! + EPS)}`,
        );
      });
      out.push(`prompt_request_duration_seconds_bucket${labels({ ...id, le: '+Inf' })} ${BASELINE + s.requests}`);
      out.push(
        `prompt_request_duration_seconds_sum${labels(id)} ${BASELINE * LATENCY_BUCKETS_SECONDS[0] + s.durationSum}`,
      );
      out.push(`prompt_request_duration_seconds_count${labels(id)} ${BASELINE + s.requests}`);
    }
    out.push(
      '# HELP prompt_hallucinations_total Answers flagged as hallucinations.',
      '# TYPE prompt_hallucinations_total counter',
    );
    for (const s of series.values()) {
      out.push(
        `prompt_hallucinations_total${labels({ service: s.service, version: s.version })} ` +
          `${BASELINE + Math.floor(s.idealHallucinations + EPS)}`,
      );
    }
    return `${out.join('\n')}\n`;
  };

  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    tick();
    scrapes++;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(render());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the exporter did not get a port');
  const target = `127.0.0.1:${address.port}`;

  return {
    url: `http://${target}/metrics`,
    target,
    scrapes: () => scrapes,
    setErrorRate(service, version, ratio) {
      checkRatio('the error rate', ratio);
      seriesFor(service, version).errorRate = ratio;
    },
    setLatency(service, version, profile) {
      checkProfile(profile);
      seriesFor(service, version).latency = { ...profile };
    },
    setHallucinationRate(service, version, ratio) {
      checkRatio('the hallucination rate', ratio);
      seriesFor(service, version).hallucinationRate = ratio;
    },
    async waitForScrapes(count, timeoutMs = 10_000) {
      const until = scrapes + count;
      await waitFor(`${count} scrape(s) of ${target}`, () => (scrapes >= until ? true : undefined), {
        timeoutMs,
        intervalMs: 50,
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
