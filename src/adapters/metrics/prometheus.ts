/**
 * Metrics from Prometheus' HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/):
 * instant queries (`/api/v1/query`) for the evaluator, range queries (`/api/v1/query_range`) for
 * backtests and verification. Each metric is the PromQL of `metrics.queries` with `$service`,
 * `$version` and `$window` filled in; it must come back as one series (or a scalar).
 *
 * "Not readable" covers an empty vector (no such series), NaN (0/0: no requests in the window), an
 * error answer and no answer at all. Such a metric is left out of the sample, so the trigger core
 * treats it as unknown rather than healthy. `+Inf` is a reading: histogram_quantile answers it when
 * the quantile lies above the highest bucket, which is exactly a latency breach.
 */
import { inDisplayOrder, type MetricName, type MetricSample } from '../../domain/metrics.ts';
import { formatDuration } from '../../config/units.ts';
import { strict, url } from '../../config/zod-kit.ts';
import type { Clock } from '../../clock.ts';
import type { MetricsHistory, MetricsSource, Series } from '../../services/ports.ts';
import {
  MetricReadError,
  excerpt,
  getJson,
  retryableStatus,
  withRetries,
  type FetchLike,
  type JsonAnswer,
} from './http.ts';
import { defineProvider } from './provider.ts';
import { ReadabilityReporter, silentMetricsLog, type MetricsLog } from './readability.ts';

/** Prometheus refuses a range query of more than 11,000 points per series; stay clear of it. */
export const MAX_STEPS_PER_RANGE_QUERY = 10_000;

export interface PrometheusOptions {
  /** Base URL, e.g. http://prometheus.monitoring:9090 (a path prefix is kept). */
  url: string;
  /** PromQL per metric, built-in and custom alike; a metric without a query is simply not read. */
  queries: Partial<Record<MetricName, string>>;
  /** `$window` of range queries: the observation window each point of the history stands for. */
  rangeWindowMs: number;
  clock: Clock;
  fetch?: FetchLike;
  log?: MetricsLog;
  /** Per instant query; with 2 retries the worst case (about 10 s) stays inside a halved 30 s interval. */
  timeoutMs?: number;
  /** Per range query chunk: a week at 30 s steps is real work for Prometheus. */
  rangeTimeoutMs?: number;
  retries?: number;
  backoffMs?: number;
}

/** A range query's outcome per metric: its series, or why it could not be read. */
export interface RangeResult {
  series: Record<MetricName, Series>;
  /** Metrics whose query failed (after retries). Metrics that answered with no data are in neither. */
  failures: Record<MetricName, MetricReadError>;
}

type Reading = { value: number } | { noData: string };

/** Fills a query template. Values are escaped for the PromQL string literals they normally sit in. */
export function fillQuery(template: string, service: string, version: string, windowMs: number): string {
  const literal = (s: string) => s.replace(/[\\"]/g, (c) => `\\${c}`);
  return template
    .replaceAll('$service', () => literal(service))
    .replaceAll('$version', () => literal(version))
    .replaceAll('$window', () => promDuration(windowMs));
}

/** `5m`, `30s`, `1h30m`, `1500ms`: the duration notation PromQL range selectors accept. */
export function promDuration(ms: number): string {
  if (!(ms >= 1)) throw new RangeError(`a metric window must be at least 1ms, got ${ms}`);
  return formatDuration(ms);
}

export class PrometheusMetrics implements MetricsSource, MetricsHistory {
  private readonly base: string;
  private readonly reporter: ReadabilityReporter;
  private readonly log: MetricsLog;

  constructor(private readonly options: PrometheusOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.log = options.log ?? silentMetricsLog;
    this.reporter = new ReadabilityReporter(this.log);
  }

  /** The metrics this source reads: those with a query, the built-ins in the runbook's order, then the custom ones. */
  get metrics(): MetricName[] {
    const queries = this.options.queries;
    return inDisplayOrder(Object.keys(queries).filter((m) => queries[m] !== undefined));
  }

  /** The PromQL sent for a metric, or undefined when none is configured. */
  promql(metric: MetricName, service: string, version: string, windowMs: number): string | undefined {
    const template = this.options.queries[metric];
    return template === undefined ? undefined : fillQuery(template, service, version, windowMs);
  }

  async sample(service: string, version: string, windowMs: number): Promise<MetricSample> {
    const at = this.options.clock.now();
    const readings = await Promise.all(
      this.metrics.map(async (metric): Promise<[MetricName, number] | null> => {
        const query = this.promql(metric, service, version, windowMs) as string;
        try {
          const reading = await this.retrying(() => this.instant(query, at));
          if ('value' in reading) {
            this.reporter.succeeded(service, version, metric);
            return [metric, reading.value];
          }
          this.reporter.failed(service, version, metric, reading.noData, { query });
        } catch (err) {
          this.reporter.failed(service, version, metric, (err as Error).message, { query });
        }
        return null;
      }),
    );
    return Object.fromEntries(readings.filter((r) => r !== null)) as MetricSample;
  }

  async range(
    service: string,
    version: string,
    fromMs: number,
    toMs: number,
    stepMs: number,
  ): Promise<Record<MetricName, Series>> {
    const result = await this.queryRange(service, version, fromMs, toMs, stepMs);
    for (const [metric, err] of Object.entries(result.failures)) {
      this.log.warn(
        { service, version, metric, reason: err.message },
        `history of ${metric} for ${service} ${version} cannot be read: ${err.message}`,
      );
    }
    return result.series;
  }

  /** Like `range`, but says why each failed metric failed (the backtest prints it). */
  async queryRange(
    service: string,
    version: string,
    fromMs: number,
    toMs: number,
    stepMs: number,
  ): Promise<RangeResult> {
    if (!(stepMs > 0)) throw new RangeError(`the step of a range query must be positive, got ${stepMs}ms`);
    if (!(fromMs < toMs)) throw new RangeError(`a range query must start before it ends (from ${fromMs}, to ${toMs})`);
    const result: RangeResult = { series: {}, failures: {} };
    await Promise.all(
      this.metrics.map(async (metric) => {
        const query = this.promql(metric, service, version, this.options.rangeWindowMs) as string;
        try {
          const series: Series = [];
          for (let start = fromMs; start <= toMs; start += MAX_STEPS_PER_RANGE_QUERY * stepMs) {
            const end = Math.min(toMs, start + (MAX_STEPS_PER_RANGE_QUERY - 1) * stepMs);
            series.push(...(await this.retrying(() => this.matrix(query, start, end, stepMs))));
          }
          if (series.length > 0) result.series[metric] = series;
        } catch (err) {
          result.failures[metric] = err instanceof MetricReadError ? err : new MetricReadError(String(err), false);
        }
      }),
    );
    return result;
  }

  private retrying<T>(attempt: () => Promise<T>): Promise<T> {
    return withRetries(attempt, {
      clock: this.options.clock,
      retries: this.options.retries ?? 2,
      backoffMs: this.options.backoffMs ?? 250,
    });
  }

  private async instant(query: string, atMs: number): Promise<Reading> {
    const params = new URLSearchParams({ query, time: String(atMs / 1000) });
    const data = envelope(
      await getJson(`${this.base}/api/v1/query?${params}`, this.http(this.options.timeoutMs ?? 3000)),
    );
    if (data.resultType === 'scalar') return readPoint(data.result);
    if (data.resultType !== 'vector') {
      throw new MetricReadError(
        `the query returned a ${String(data.resultType)}; it must return an instant vector or a scalar`,
        false,
      );
    }
    const result = asArray(data.result, 'data.result');
    if (result.length === 0) return { noData: 'the query returned no series (empty vector)' };
    if (result.length > 1) throw tooManySeries(result);
    return readPoint((result[0] as { value?: unknown }).value);
  }

  private async matrix(query: string, startMs: number, endMs: number, stepMs: number): Promise<Series> {
    const params = new URLSearchParams({
      query,
      start: String(startMs / 1000),
      end: String(endMs / 1000),
      step: String(stepMs / 1000),
    });
    const data = envelope(
      await getJson(`${this.base}/api/v1/query_range?${params}`, this.http(this.options.rangeTimeoutMs ?? 30_000)),
    );
    if (data.resultType !== 'matrix')
      throw new MetricReadError(`query_range answered a ${String(data.resultType)} instead of a matrix`, true);
    const result = asArray(data.result, 'data.result');
    if (result.length === 0) return [];
    if (result.length > 1) throw tooManySeries(result);
    const series: Series = [];
    for (const point of asArray((result[0] as { values?: unknown }).values, 'data.result[0].values')) {
      const reading = readPoint(point);
      if ('value' in reading) series.push([Math.round((point as [number])[0] * 1000), reading.value]);
    }
    return series;
  }

  private http(timeoutMs: number) {
    return { fetch: this.options.fetch, timeoutMs };
  }
}

interface QueryData {
  resultType?: unknown;
  result?: unknown;
}

/** The `{status, data | errorType, error}` envelope every /api/v1 answer comes in. */
function envelope(answer: JsonAnswer): QueryData {
  const body = answer.json as { status?: unknown; data?: unknown; errorType?: unknown; error?: unknown } | undefined;
  const ok = answer.status >= 200 && answer.status < 300;
  if (body && typeof body === 'object' && body.status === 'error') {
    const what = typeof body.errorType === 'string' ? ` ${body.errorType}` : '';
    throw new MetricReadError(
      `Prometheus answered ${answer.status}${what}: ${String(body.error ?? 'no error message')}`,
      !ok ? retryableStatus(answer.status) : true,
    );
  }
  if (!ok)
    throw new MetricReadError(
      `Prometheus answered ${answer.status}: ${excerpt(answer.text)}`,
      retryableStatus(answer.status),
    );
  if (!body || typeof body !== 'object')
    throw new MetricReadError(
      `Prometheus answered ${answer.status} with a body that is not JSON: ${excerpt(answer.text)}`,
      true,
    );
  if (body.status !== 'success' || !body.data || typeof body.data !== 'object') {
    throw new MetricReadError(
      `Prometheus answered ${answer.status} without "status": "success" and "data": ${excerpt(answer.text)}`,
      true,
    );
  }
  return body.data as QueryData;
}

function asArray(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new MetricReadError(`malformed answer from Prometheus: ${where} is not a list`, true);
  return v;
}

/** `[1767603600.5, "0.12"]`: Prometheus sends sample values as strings, with NaN and ±Inf spelled out. */
function readPoint(point: unknown): Reading {
  if (!Array.isArray(point) || point.length !== 2 || typeof point[0] !== 'number' || typeof point[1] !== 'string') {
    throw new MetricReadError(
      `malformed answer from Prometheus: expected a sample [timestamp, "value"], got ` +
        `${excerpt(JSON.stringify(point) ?? String(point))}`,
      true,
    );
  }
  const text = point[1];
  if (text === 'NaN') return { noData: 'the query returned NaN (no requests in the window?)' };
  if (text === '+Inf' || text === 'Inf') return { value: Infinity };
  if (text === '-Inf') return { value: -Infinity };
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value))
    throw new MetricReadError(`malformed answer from Prometheus: sample value "${text}" is not a number`, true);
  return { value };
}

function tooManySeries(result: unknown[]): MetricReadError {
  const labels = result.slice(0, 3).map((r) => {
    const metric = ((r as { metric?: Record<string, string> }).metric ?? {}) as Record<string, string>;
    return `{${Object.entries(metric)
      .map(([k, v]) => `${k}="${v}"`)
      .join(', ')}}`;
  });
  const more = result.length > 3 ? ', …' : '';
  return new MetricReadError(
    `the query returned ${result.length} series (${labels.join(', ')}${more}); it must return one: aggregate it, ` +
      `e.g. sum(...)`,
    false,
  );
}

/** `metrics.provider: prometheus`, with `metrics.prometheus.url`; its history is what backtests replay. */
export const prometheusProvider = defineProvider({
  name: 'prometheus',
  settings: {
    key: 'prometheus',
    schema: strict({ url: url('the Prometheus base URL') }),
    required: 'url',
    example: 'http://prometheus.monitoring:9090',
  },
  create(settings, context) {
    const prometheus = new PrometheusMetrics({
      url: settings.url,
      queries: context.queries,
      rangeWindowMs: context.observationWindowMs,
      clock: context.clock,
      fetch: context.fetch,
      log: context.log,
    });
    // A configured query means the complaints live in Prometheus.
    return { source: prometheus, history: prometheus, readsComplaints: context.queries.user_complaints !== undefined };
  },
});
