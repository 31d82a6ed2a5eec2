/**
 * Picks the metrics provider of `metrics.provider` and adds the complaints of `/rollback
 * complaint` as `user_complaints` unless Prometheus has a query for them.
 */
import type { Config } from '../../config/schema.ts';
import type { MetricSample } from '../../domain/metrics.ts';
import type { Clock } from '../../clock.ts';
import type { MetricsHistory, MetricsSource } from '../../services/ports.ts';
import type { FetchLike } from './http.ts';
import { HttpJsonMetrics } from './http-json.ts';
import { PrometheusMetrics } from './prometheus.ts';
import { ReadabilityReporter, silentMetricsLog, type MetricsLog } from './readability.ts';
import { SimulatedMetrics, type MetricsScript } from './simulated.ts';

export { HttpJsonMetrics, PrometheusMetrics, SimulatedMetrics };
export type { MetricsLog, MetricsScript };

/** Complaints about a service in the window ending now (ComplaintService.count fits, ignoring the window it already knows). */
export type ComplaintCounter = (service: string, windowMs: number) => number;

export interface MetricsDeps {
  clock: Clock;
  fetch?: FetchLike;
  log?: MetricsLog;
  complaints?: ComplaintCounter;
  /** The simulated provider's script (the demo's scenario); empty when not given. */
  script?: MetricsScript;
}

export interface Metrics {
  provider: Config['metrics']['provider'];
  /** What the evaluator samples; includes `user_complaints` when a complaint counter was given. */
  source: MetricsSource;
  /** Metric history; null for http-json, which has none. */
  history: MetricsHistory | null;
  /** The simulated provider itself, for the demo and the drill injector to `set` values; else null. */
  simulated: SimulatedMetrics | null;
}

export function createMetrics(config: Config, deps: MetricsDeps): Metrics {
  const m = config.metrics;
  const log = deps.log ?? silentMetricsLog;
  const complaints = (source: MetricsSource): MetricsSource => (deps.complaints ? withComplaints(source, deps.complaints, log) : source);
  switch (m.provider) {
    case 'prometheus': {
      if (!m.prometheus) throw new Error('metrics.provider is prometheus but metrics.prometheus.url is not set');
      const prometheus = new PrometheusMetrics({
        url: m.prometheus.url,
        queries: m.queries,
        rangeWindowMs: config.triggers.observationWindow,
        clock: deps.clock,
        fetch: deps.fetch,
        log,
      });
      // A configured query means the complaints live in Prometheus; reading both would count twice.
      const source = m.queries.user_complaints === undefined ? complaints(prometheus) : prometheus;
      return { provider: 'prometheus', source, history: prometheus, simulated: null };
    }
    case 'http-json': {
      if (!m.httpJson) throw new Error('metrics.provider is http-json but metrics.httpJson.url is not set');
      const httpJson = new HttpJsonMetrics({ url: m.httpJson.url, path: m.httpJson.path, clock: deps.clock, fetch: deps.fetch, log });
      return { provider: 'http-json', source: complaints(httpJson), history: null, simulated: null };
    }
    case 'simulated': {
      const simulated = new SimulatedMetrics(deps.clock, deps.script ?? {});
      return { provider: 'simulated', source: complaints(simulated), history: simulated, simulated };
    }
  }
}

/**
 * Adds `user_complaints` from the counter to every sample that does not carry it already (a
 * simulated script may set it). A counter that throws leaves the metric out, reported once.
 */
export function withComplaints(inner: MetricsSource, count: ComplaintCounter, log: MetricsLog = silentMetricsLog): MetricsSource {
  const reporter = new ReadabilityReporter(log);
  return {
    async sample(service: string, version: string, windowMs: number): Promise<MetricSample> {
      const sample = await inner.sample(service, version, windowMs);
      if (sample.user_complaints !== undefined) return sample;
      try {
        const complaints = count(service, windowMs);
        reporter.succeeded(service, version, 'user_complaints');
        return { ...sample, user_complaints: complaints };
      } catch (err) {
        reporter.failed(service, version, 'user_complaints', `counting complaints failed: ${(err as Error).message}`);
        return sample;
      }
    },
  };
}
