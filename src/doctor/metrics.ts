/**
 * The doctor's metrics checks: every named query of the config (`metrics.queries` and
 * `metrics.custom`) returns at least one series for the live version of each service, asked of
 * the configured provider as the evaluator asks it (the query filled in for the service, version and
 * observation window). An empty answer is the usual first-day problem: the prompt service does not
 * export the metric, or not with the labels the query selects on.
 */
import { HTTP_JSON_METRICS, HttpJsonMetrics } from '../adapters/metrics/http-json.ts';
import { MetricReadError, excerpt, getJson, type FetchLike } from '../adapters/metrics/http.ts';
import { fillQuery } from '../adapters/metrics/prometheus.ts';
import type { Clock } from '../clock.ts';
import { catalogueOf } from '../config/metrics-schema.ts';
import type { Config } from '../config/schema.ts';
import { isBuiltinMetric } from '../domain/metrics.ts';
import { failed, oneLine, passed, withinDeadline, type DoctorCheck } from './checks.ts';
import type { LiveVersion } from './kube.ts';

const SECTION = 'Metrics';

export interface MetricsDoctorInput {
  config: Config;
  /** Per service, the version to ask about (kube.ts); a service missing here is asked about its newest version. */
  live: Map<string, LiveVersion>;
  clock: Clock;
  timeoutMs: number;
  fetch?: FetchLike;
}

/** Every query the config names: the built-in metrics' and the custom ones'. */
export function namedQueries(metrics: Config['metrics']): Array<[name: string, query: string, key: string]> {
  const builtIn = Object.entries(metrics.queries).flatMap(([name, q]) =>
    typeof q === 'string' ? [[name, q, `metrics.queries.${name}`] as [string, string, string]] : [],
  );
  const custom = Object.entries(metrics.custom ?? {}).flatMap(([name, c]) =>
    typeof c.query === 'string' ? [[name, c.query, `metrics.custom.${name}.query`] as [string, string, string]] : [],
  );
  return [...builtIn, ...custom];
}

/** The metric names a PromQL query selects (`name{…}` or `name[…]`), for the message of an empty answer. */
export function selectedMetrics(query: string): string[] {
  const names = [...query.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)\s*[{[]/g)].map((m) => m[1] as string);
  return [...new Set(names)];
}

function versionOf(input: MetricsDoctorInput, service: string): LiveVersion {
  return (
    input.live.get(service) ?? {
      version: input.config.services[service]?.versions[0]?.version ?? '?',
      fromRouter: false,
    }
  );
}

const source = (v: LiveVersion) =>
  v.fromRouter ? 'live, read from the router' : 'newest configured: the router could not be read';

export async function metricsChecks(input: MetricsDoctorInput): Promise<DoctorCheck[]> {
  const m = input.config.metrics;
  if (m.provider === 'prometheus') return prometheusChecks(input, m.prometheus.url);
  if (m.provider === 'http-json') return httpJsonChecks(input, m.httpJson.url, m.httpJson.path);
  return [
    failed(
      SECTION,
      'provider',
      'metrics.provider is simulated: the readings are a script, nothing the prompt service does is watched',
      'set metrics.provider to prometheus (with metrics.prometheus.url) or http-json (with metrics.httpJson)',
    ),
  ];
}

type Answer = { series: number } | { refused: string };

async function instantQuery(input: MetricsDoctorInput, base: string, query: string): Promise<Answer> {
  const url = `${base}/api/v1/query?${new URLSearchParams({ query, time: String(input.clock.now() / 1000) })}`;
  const answer = await getJson(url, { fetch: input.fetch, timeoutMs: input.timeoutMs });
  const body = answer.json as { status?: unknown; data?: { resultType?: unknown; result?: unknown }; error?: unknown };
  if (body?.status === 'error') return { refused: `Prometheus answered ${answer.status}: ${String(body.error)}` };
  if (answer.status < 200 || answer.status > 299 || body?.status !== 'success')
    return { refused: `Prometheus answered ${answer.status}: ${excerpt(answer.text)}` };
  const result = body.data?.result;
  if (body.data?.resultType === 'scalar') return { series: 1 };
  return { series: Array.isArray(result) ? result.length : 0 };
}

async function prometheusChecks(input: MetricsDoctorInput, url: string): Promise<DoctorCheck[]> {
  const base = url.replace(/\/+$/, '');
  const queries = namedQueries(input.config.metrics);
  const window = input.config.triggers.observationWindow;
  const out: DoctorCheck[] = [];
  for (const service of Object.keys(input.config.services)) {
    const live = versionOf(input, service);
    const asked = await Promise.all(
      queries.map(async ([name, template, key]) => {
        const query = fillQuery(template, service, live.version, window);
        try {
          return {
            name,
            template,
            key,
            answer: await withinDeadline(input.clock, input.timeoutMs, () => instantQuery(input, base, query)),
          };
        } catch (err) {
          return { name, template, key, error: err };
        }
      }),
    );
    const unreachable = asked.find(
      (a) => 'error' in a && (!(a.error instanceof MetricReadError) || a.error.unreachable),
    );
    if (unreachable && 'error' in unreachable) {
      out.push(
        failed(
          SECTION,
          'Prometheus',
          // A refused connection names the server already; running out of time does not.
          unreachable.error instanceof MetricReadError
            ? oneLine(unreachable.error)
            : `${base}: ${oneLine(unreachable.error)}`,
          'check metrics.prometheus.url and that this host reaches Prometheus',
        ),
      );
      return out;
    }
    const failures: DoctorCheck[] = [];
    for (const a of asked) {
      const check = `${a.name} for ${service}`;
      if ('error' in a) {
        failures.push(
          failed(SECTION, check, oneLine(a.error), `run rewind doctor again; if it persists, look at Prometheus`),
        );
      } else if ('refused' in a.answer) {
        failures.push(failed(SECTION, check, `the query is refused: ${a.answer.refused}`, `correct ${a.key}`));
      } else if (a.answer.series === 0) {
        const names = selectedMetrics(a.template);
        failures.push(
          failed(
            SECTION,
            check,
            `query returned no series for service=${service}, version=${live.version}: is the prompt service ` +
              `exporting ${names.length > 0 ? names.join(', ') : 'the metrics it reads'}?`,
            `make the prompt service export ${names.length > 0 ? names.join(', ') : 'them'} with the labels the ` +
              `query selects on (service="${service}", version="${live.version}"), or correct ${a.key}`,
          ),
        );
      }
    }
    out.push(
      ...(failures.length > 0
        ? failures
        : [
            passed(
              SECTION,
              `${service} ${live.version}`,
              `all ${queries.length} queries return series (${queries.map(([n]) => n).join(', ')}); ${source(live)}`,
            ),
          ]),
    );
  }
  return out;
}

/**
 * What the running provider asks the monitoring API for (httpJsonProvider in the adapter): the
 * built-in metrics it reads, then every custom metric of the config's catalogue by its name.
 */
function httpJsonMetrics(metrics: Config['metrics']): string[] {
  return [...HTTP_JSON_METRICS, ...catalogueOf(metrics).names.filter((name) => !isBuiltinMetric(name))];
}

async function httpJsonChecks(input: MetricsDoctorInput, url: string, path: string): Promise<DoctorCheck[]> {
  const out: DoctorCheck[] = [];
  const metrics = httpJsonMetrics(input.config.metrics);
  for (const service of Object.keys(input.config.services)) {
    const live = versionOf(input, service);
    const reasons = new Map<string, string>();
    const provider = new HttpJsonMetrics({
      url,
      path,
      clock: input.clock,
      ...(input.fetch ? { fetch: input.fetch } : {}),
      log: {
        warn: (details) => reasons.set(String(details.metric), String(details.reason)),
        info: () => {},
      },
      metrics,
      timeoutMs: input.timeoutMs,
      retries: 0,
    });
    let sample: Awaited<ReturnType<HttpJsonMetrics['sample']>>;
    try {
      sample = await withinDeadline(input.clock, input.timeoutMs, () =>
        provider.sample(service, live.version, input.config.triggers.observationWindow),
      );
    } catch (err) {
      out.push(failed(SECTION, `${service} ${live.version}`, oneLine(err), 'check metrics.httpJson.url'));
      continue;
    }
    const missing = metrics.filter((metric) => sample[metric] === undefined);
    for (const metric of missing) {
      const custom = isBuiltinMetric(metric) ? '' : ` (custom metric: metrics.custom.${metric})`;
      out.push(
        failed(
          SECTION,
          `${metric} for ${service}`,
          `no reading for service=${service}, version=${live.version}${custom}: ${reasons.get(metric) ?? 'no value'}`,
          `check metrics.httpJson.url and .path, and that the monitoring API serves ${metric} for this service and ` +
            'version',
        ),
      );
    }
    if (missing.length === 0)
      out.push(
        passed(
          SECTION,
          `${service} ${live.version}`,
          `all ${metrics.length} metrics read (${metrics.join(', ')}); ${source(live)}`,
        ),
      );
  }
  return out;
}
