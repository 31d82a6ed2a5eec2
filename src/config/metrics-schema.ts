/**
 * `metrics:` of config/rewind.yml: which provider reads the metrics, each provider's own settings
 * under its key (`prometheus`, `httpJson`; the provider modules in src/adapters/metrics declare
 * them, listed once in their registry), and the PromQL per metric. Every provider's key may be
 * written whichever provider is chosen — the shipped file keeps them all — but the chosen one's
 * is required.
 *
 * The parsed `metrics:` keeps only the chosen provider's settings: it is a union on `provider`
 * (MetricsProviderChoice, one member per registered provider), so code that narrows on `provider`
 * reads the settings without `?.`. The other providers' keys are still checked as written, then
 * dropped: nothing reads the settings of a provider that is not running.
 */
import { z } from 'zod';
import {
  METRIC_PROVIDERS,
  METRIC_PROVIDER_NAMES,
  METRICS_SETTINGS_SHAPE,
  metricsProvider,
  type MetricsProviderChoice,
} from '../adapters/metrics/registry.ts';
import { METRIC_NAMES, type MetricName } from '../domain/metrics.ts';
import { choice, strict, text, whenSound } from './zod-kit.ts';

const queryText = text('a PromQL query');
const queries = strict(
  Object.fromEntries(METRIC_NAMES.map((m) => [m, queryText.optional()])) as Record<
    MetricName,
    z.ZodOptional<typeof queryText>
  >,
  'metric',
  ' in metrics.queries',
);

type Queries = z.output<typeof queries>;
/** One member per provider, spelled out so editors show `{ provider: 'prometheus'; prometheus: …; queries }`. */
type Each<T> = T extends unknown ? { [K in keyof T]: T[K] } : never;
export type ParsedMetrics = Each<MetricsProviderChoice & { queries: Queries }>;

const REFERENCE_QUERIES: Partial<Record<MetricName, string>> = (() => {
  const labels = 'service="$service",version="$version"';
  const total = `sum(rate(prompt_requests_total{${labels}}[$window]))`;
  const quantile = (q: string) =>
    `1000 * histogram_quantile(${q}, sum by (le) (rate(prompt_request_duration_seconds_bucket{${labels}}[$window])))`;
  return {
    error_rate: `sum(rate(prompt_requests_total{${labels},code=~"5.."}[$window])) / ${total}`,
    availability: `sum(rate(prompt_requests_total{${labels},code!~"5.."}[$window])) / ${total}`,
    p50_latency: quantile('0.50'),
    p95_latency: quantile('0.95'),
    p99_latency: quantile('0.99'),
    hallucination_rate: `sum(rate(prompt_hallucinations_total{${labels}}[$window])) / ${total}`,
  };
})();

const settingsKeys = METRIC_PROVIDERS.flatMap((p) => (p.settings ? [[p.settings.key]] : []));

const written = strict({
  provider: choice(METRIC_PROVIDER_NAMES, 'a metrics provider').default('prometheus'),
  ...METRICS_SETTINGS_SHAPE,
  queries: queries.prefault(REFERENCE_QUERIES),
}).superRefine(
  (m, ctx) => {
    const settings = METRIC_PROVIDERS.find((p) => p.name === m.provider)?.settings;
    const given: Record<string, unknown> = m;
    if (!settings || given[settings.key] !== undefined) return;
    const { key, required, example } = settings;
    ctx.addIssue({
      code: 'custom',
      path: [key, required],
      message:
        `provider is ${m.provider}, so metrics.${key}.${required} is ` +
        `required${example ? ` (e.g. ${example})` : ''}`,
      input: undefined,
    });
  },
  { when: whenSound(['provider'], ...settingsKeys) },
);

/**
 * `metrics:` as written (the JSON schema for editors describes this side, unchanged), parsed to
 * the chosen provider's member. The transform runs only on a sound `metrics:`, so the chosen
 * provider's settings are there.
 */
export const metrics = written.transform((m): ParsedMetrics => {
  const key = metricsProvider(m.provider)?.settings?.key;
  const byKey: Record<string, unknown> = m;
  // The registry's types tie each name to its key and settings; this builds that member by key.
  return { provider: m.provider, ...(key ? { [key]: byKey[key] } : {}), queries: m.queries } as ParsedMetrics;
});
