/**
 * Metrics from any monitoring API that answers one metric per GET with a JSON document: the
 * runbook's `curl http://monitoring/api/metrics/error_rate`. The URL template names the metric,
 * service, version and window (`$metric`, `$service`, `$version`, `$window`, each URL-encoded),
 * and the configured path (`value`, `data.value`, `data.results[0].value`) points at the number.
 *
 * Such an API has no history, so this provider offers no `range`: backtests and verification
 * sparklines need Prometheus.
 */
import { isBuiltinMetric, type MetricName, type MetricSample } from '../../domain/metrics.ts';
import type { Clock } from '../../clock.ts';
import type { MetricsSource } from '../../services/ports.ts';
import { strict, text, url } from '../../config/zod-kit.ts';
import { MetricReadError, excerpt, getJson, retryableStatus, withRetries, type FetchLike } from './http.ts';
import { promDuration } from './prometheus.ts';
import { defineProvider } from './provider.ts';
import { ReadabilityReporter, silentMetricsLog, type MetricsLog } from './readability.ts';

/**
 * What the monitoring API is asked for: the service's own built-in metrics, then each custom metric
 * of the config by its name (`$metric`; its query is Prometheus' and is not used here).
 * `user_complaints` is Rewind's count of `/rollback complaint`, added by the complaints wrapper in
 * index.ts.
 */
export const HTTP_JSON_METRICS: readonly MetricName[] = [
  'error_rate',
  'availability',
  'p50_latency',
  'p95_latency',
  'p99_latency',
  'hallucination_rate',
];

export interface HttpJsonOptions {
  /** e.g. http://monitoring/api/metrics/$metric?service=$service&version=$version&window=$window */
  url: string;
  /** Dot path with array indexes to the number in the answer: `value`, `data.results[0].value`. */
  path: string;
  clock: Clock;
  fetch?: FetchLike;
  log?: MetricsLog;
  metrics?: readonly MetricName[];
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
}

type PathStep = string | number;

/** `data.results[0].value` → ['data', 'results', 0, 'value']; throws on anything else. */
export function parseJsonPath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  const shape = /^(?:[A-Za-z_$][\w$-]*|\[\d+\])(?:\.[A-Za-z_$][\w$-]*|\[\d+\])*$/;
  if (!shape.test(path)) {
    throw new Error(
      `metrics.httpJson.path "${path}" is not a dot path such as value, data.value or data.results[0].value`,
    );
  }
  for (const m of path.matchAll(/([A-Za-z_$][\w$-]*)|\[(\d+)\]/g)) {
    steps.push(m[1] !== undefined ? m[1] : Number(m[2]));
  }
  return steps;
}

/** Follows the path; `undefined` when some step is missing (the caller says where it stopped). */
function follow(json: unknown, steps: PathStep[]): { found: true; value: unknown } | { found: false; at: string } {
  let node = json;
  let where = '';
  for (const step of steps) {
    where += typeof step === 'number' ? `[${step}]` : where ? `.${step}` : step;
    if (
      typeof step === 'number'
        ? !Array.isArray(node) || step >= node.length
        : node === null || typeof node !== 'object' || Array.isArray(node) || !(step in node)
    ) {
      return { found: false, at: where };
    }
    node = (node as Record<PropertyKey, unknown>)[step];
  }
  return { found: true, value: node };
}

/** Fills the URL template, each value URL-encoded so a version like `v2.0.0+build/1` stays one value. */
export function fillUrl(
  template: string,
  metric: MetricName,
  service: string,
  version: string,
  windowMs: number,
): string {
  const enc = encodeURIComponent;
  return template
    .replaceAll('$metric', () => enc(metric))
    .replaceAll('$service', () => enc(service))
    .replaceAll('$version', () => enc(version))
    .replaceAll('$window', () => enc(promDuration(windowMs)));
}

export class HttpJsonMetrics implements MetricsSource {
  private readonly steps: PathStep[];
  private readonly reporter: ReadabilityReporter;

  constructor(private readonly options: HttpJsonOptions) {
    this.steps = parseJsonPath(options.path);
    this.reporter = new ReadabilityReporter(options.log ?? silentMetricsLog);
  }

  async sample(service: string, version: string, windowMs: number): Promise<MetricSample> {
    const metrics = this.options.metrics ?? HTTP_JSON_METRICS;
    const readings = await Promise.all(
      metrics.map(async (metric): Promise<[MetricName, number] | null> => {
        const url = fillUrl(this.options.url, metric, service, version, windowMs);
        try {
          const value = await withRetries(() => this.read(url), {
            clock: this.options.clock,
            retries: this.options.retries ?? 2,
            backoffMs: this.options.backoffMs ?? 250,
          });
          if (typeof value === 'number') {
            this.reporter.succeeded(service, version, metric);
            return [metric, value];
          }
          this.reporter.failed(service, version, metric, value.noData, { url });
        } catch (err) {
          this.reporter.failed(service, version, metric, (err as Error).message, { url });
        }
        return null;
      }),
    );
    return Object.fromEntries(readings.filter((r) => r !== null)) as MetricSample;
  }

  private async read(url: string): Promise<number | { noData: string }> {
    const answer = await getJson(url, { fetch: this.options.fetch, timeoutMs: this.options.timeoutMs ?? 3000 });
    if (answer.status < 200 || answer.status >= 300) {
      throw new MetricReadError(
        `the monitoring API answered ${answer.status}: ${excerpt(answer.text)}`,
        retryableStatus(answer.status),
      );
    }
    if (answer.json === undefined)
      throw new MetricReadError(`the monitoring API answered a body that is not JSON: ${excerpt(answer.text)}`, true);
    const hit = follow(answer.json, this.steps);
    if (!hit.found) {
      throw new MetricReadError(
        `the answer has nothing at ${hit.at} (metrics.httpJson.path is ${this.options.path}): ${excerpt(answer.text)}`,
        true,
      );
    }
    const v = hit.value;
    if (v === null) return { noData: `the answer has null at ${this.options.path}` };
    if (typeof v === 'number') return v;
    // Some APIs send numbers as strings, Prometheus-style; NaN means "no data" there too.
    if (typeof v === 'string' && v.trim() !== '') {
      if (v === 'NaN') return { noData: `the answer has NaN at ${this.options.path}` };
      const n = v === '+Inf' || v === 'Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v);
      if (!Number.isNaN(n)) return n;
    }
    const shown = JSON.stringify(v) ?? String(v);
    throw new MetricReadError(
      `the answer has ${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown} at ${this.options.path}, not a number`,
      true,
    );
  }
}

/** `metrics.provider: http-json`, with `metrics.httpJson.url` and `path`. */
export const httpJsonProvider = defineProvider({
  name: 'http-json',
  settings: {
    key: 'httpJson',
    schema: strict({
      url: url('a URL template with $metric, $service, $version, $window'),
      path: text('where the number is in the JSON answer').default('value'),
    }),
    required: 'url',
  },
  noBacktest: 'which reads current values only and keeps no history, so there is nothing to replay',
  create(settings, context) {
    const { clock, fetch, log, catalogue } = context;
    const metrics = [...HTTP_JSON_METRICS, ...catalogue.names.filter((m) => !isBuiltinMetric(m))];
    return {
      source: new HttpJsonMetrics({ url: settings.url, path: settings.path, clock, fetch, log, metrics }),
      history: null,
    };
  },
});
