/**
 * What every metrics provider module gives. A provider is one file in this folder exporting a
 * MetricsProvider, listed once in registry.ts: its name (`metrics.provider`), the key of its own
 * settings under `metrics:` with their schema (the config builds `metrics:` from these), whether
 * `rewind backtest` can replay it, and how to build it.
 *
 * config loads these modules to build its schema, so a provider imports nothing with I/O at load
 * time: it reaches the network only through the `fetch` it is handed.
 */
import type { z } from 'zod';
import type { MetricCatalogue, MetricName } from '../../domain/metrics.ts';
import type { Clock } from '../../clock.ts';
import type { MetricsHistory, MetricsSource } from '../../services/ports.ts';
import type { FetchLike } from './http.ts';
import type { MetricsLog } from './readability.ts';
import type { MetricsScript, SimulatedMetrics } from './simulated.ts';

/** What a provider is built from besides its own settings. */
export interface ProviderContext {
  /** PromQL per metric: `metrics.queries` and each of `metrics.custom`'s own (metricQueries). */
  queries: Partial<Record<MetricName, string>>;
  /** The metrics the config knows (built-ins ∪ `metrics.custom`), with their units. */
  catalogue: MetricCatalogue;
  /** `triggers.observationWindow`: what each point of a history stands for. */
  observationWindowMs: number;
  clock: Clock;
  fetch?: FetchLike | undefined;
  log: MetricsLog;
  /** The simulated provider's script (the demo's scenario). */
  script?: MetricsScript | undefined;
}

export interface BuiltProvider {
  source: MetricsSource;
  /** Metric history; null when the provider keeps none. */
  history: MetricsHistory | null;
  /** The simulated provider itself, for the demo and the drill injector to `set` values. */
  simulated?: SimulatedMetrics;
  /** The provider reads `user_complaints` itself, so Rewind's own count must not be added (it would count twice). */
  readsComplaints?: boolean;
}

/** The provider's own settings: `metrics.<key>`, required when the provider is chosen. */
export interface ProviderSettings<K extends string, S extends z.ZodType> {
  key: K;
  schema: S;
  /** The key inside the settings whose absence is reported (`url`), and an example value for the message. */
  required: string;
  example?: string;
}

export interface MetricsProvider<
  N extends string = string,
  K extends string = string,
  S extends z.ZodType = z.ZodType,
> {
  readonly name: N;
  readonly settings?: ProviderSettings<K, S> | undefined;
  /**
   * Why `rewind backtest` cannot replay this provider's readings, as the end of a sentence naming
   * it ("metrics.provider is X, <why>"). Backtest replays Prometheus query_range history, so only
   * the Prometheus provider leaves this out.
   */
  readonly noBacktest?: string;
  create(settings: z.output<S>, context: ProviderContext): BuiltProvider;
}

/** A provider with settings of its own, its name, key and settings type kept literal. */
export type ProviderWithSettings<N extends string, K extends string, S extends z.ZodType> = MetricsProvider<N, K, S> & {
  readonly settings: ProviderSettings<K, S>;
};
/** A provider without settings (`metrics.provider` alone chooses and configures it). */
export type ProviderWithoutSettings<N extends string> = MetricsProvider<N, never, z.ZodUndefined> & {
  readonly settings?: undefined;
};

export function defineProvider<const N extends string, const K extends string, S extends z.ZodType>(
  provider: ProviderWithSettings<N, K, S>,
): ProviderWithSettings<N, K, S>;
export function defineProvider<const N extends string>(
  provider: ProviderWithoutSettings<N>,
): ProviderWithoutSettings<N>;
export function defineProvider(provider: MetricsProvider): MetricsProvider {
  return provider;
}
