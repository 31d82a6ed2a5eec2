/**
 * Every metrics provider, listed once. Adding one is one new file in this folder exporting a
 * MetricsProvider (provider.ts), plus one line in METRIC_PROVIDERS: `metrics.provider`'s choices,
 * its settings key under `metrics:`, the parsed config's member for it, createMetrics and the
 * backtest's refusal all follow.
 *
 * config imports this file to build its schema, so it and the providers stay free of I/O at
 * load time.
 */
import type { z } from 'zod';
import { httpJsonProvider } from './http-json.ts';
import { prometheusProvider } from './prometheus.ts';
import type { MetricsProvider, ProviderSettings } from './provider.ts';
import { simulatedProvider } from './simulated.ts';

export const METRIC_PROVIDERS = [prometheusProvider, httpJsonProvider, simulatedProvider] as const;

type Providers = (typeof METRIC_PROVIDERS)[number];
export type MetricsProviderName = Providers['name'];

export const METRIC_PROVIDER_NAMES = METRIC_PROVIDERS.map((p) => p.name) as [
  MetricsProviderName,
  ...MetricsProviderName[],
];

type WithSettings = Extract<Providers, { settings: object }>;
/** `metrics.<key>` of every provider that has settings, each optional (only the chosen one's is required). */
export type MetricsSettingsShape = {
  [P in WithSettings as P['settings']['key']]: z.ZodOptional<P['settings']['schema']>;
};

export const METRICS_SETTINGS_SHAPE = Object.fromEntries(
  METRIC_PROVIDERS.flatMap((p: MetricsProvider) =>
    p.settings ? [[p.settings.key, p.settings.schema.optional()]] : [],
  ),
) as MetricsSettingsShape;

/**
 * The provider part of the parsed `metrics:`: one member per provider, its name in `provider` and,
 * for a provider with settings, those settings (as parsed) under its key. Code that narrows on
 * `provider` holds the chosen provider's settings; the other providers' keys are not there.
 */
export type MetricsProviderChoice = Providers extends infer P
  ? P extends { name: infer N; settings: ProviderSettings<infer K, infer S> }
    ? { provider: N } & { [Key in K]: z.output<S> }
    : P extends { name: infer N }
      ? { provider: N }
      : never
  : never;

export function metricsProvider(name: string): MetricsProvider | undefined {
  return METRIC_PROVIDERS.find((p) => p.name === name) as MetricsProvider | undefined;
}
