/**
 * Builds the metrics provider of `metrics.provider` (registry.ts lists them) and adds the
 * complaints of `/rollback complaint` as `user_complaints` unless the provider reads them itself.
 */
import { catalogueOf, metricQueries } from '../../config/metrics-schema.ts';
import type { Config } from '../../config/schema.ts';
import type { MetricSample } from '../../domain/metrics.ts';
import type { Clock } from '../../clock.ts';
import type { MetricsHistory, MetricsSource } from '../../services/ports.ts';
import type { FetchLike } from './http.ts';
import { HttpJsonMetrics } from './http-json.ts';
import { PrometheusMetrics } from './prometheus.ts';
import { ReadabilityReporter, silentMetricsLog, type MetricsLog } from './readability.ts';
import { METRIC_PROVIDER_NAMES, metricsProvider } from './registry.ts';
import { SimulatedMetrics, type MetricsScript } from './simulated.ts';

export { HttpJsonMetrics, PrometheusMetrics, SimulatedMetrics };
export type { MetricsLog, MetricsScript };

/**
 * Complaints about a service in the window ending now (ComplaintService.count fits, ignoring the
 * window it already knows).
 */
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
  /** Metric history; null for a provider that keeps none (http-json). */
  history: MetricsHistory | null;
  /** The simulated provider itself, for the demo and the drill injector to `set` values; else null. */
  simulated: SimulatedMetrics | null;
}

export function createMetrics(config: Config, deps: MetricsDeps): Metrics {
  const m = config.metrics;
  const log = deps.log ?? silentMetricsLog;
  const provider = metricsProvider(m.provider);
  if (!provider)
    throw new Error(`unknown metrics.provider "${m.provider}"; known: ${METRIC_PROVIDER_NAMES.join(', ')}`);
  // The parsed `metrics:` carries the chosen provider's settings under its key (MetricsProviderChoice);
  // read by the registry's key, so a new provider needs no line here.
  const settingsOf: Record<string, unknown> = m;
  const settings = provider.settings ? settingsOf[provider.settings.key] : undefined;
  if (provider.settings && settings === undefined) {
    const { key, required } = provider.settings;
    throw new Error(`metrics.provider is ${m.provider} but metrics.${key}.${required} is not set`);
  }
  const built = provider.create(settings, {
    queries: metricQueries(m),
    catalogue: catalogueOf(m),
    observationWindowMs: config.triggers.observationWindow,
    clock: deps.clock,
    fetch: deps.fetch,
    log,
    script: deps.script,
  });
  const source =
    deps.complaints && !built.readsComplaints ? withComplaints(built.source, deps.complaints, log) : built.source;
  return { provider: m.provider, source, history: built.history, simulated: built.simulated ?? null };
}

/**
 * Adds `user_complaints` from the counter to every sample that does not carry it already (a
 * simulated script may set it). A counter that throws leaves the metric out, reported once.
 */
export function withComplaints(
  inner: MetricsSource,
  count: ComplaintCounter,
  log: MetricsLog = silentMetricsLog,
): MetricsSource {
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
