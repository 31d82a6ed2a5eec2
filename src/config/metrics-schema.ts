/**
 * `metrics:` of config/rewind.yml: which provider reads the metrics, each provider's own settings
 * under its key (`prometheus`, `httpJson`; the provider modules in src/adapters/metrics declare
 * them, listed once in their registry), the PromQL per built-in metric, and the team's own metrics
 * under `custom` (a query and a unit each). Every provider's key may be written whichever provider
 * is chosen — the shipped file keeps them all — but the chosen one's is required.
 *
 * The parsed `metrics:` keeps only the chosen provider's settings: it is a union on `provider`
 * (MetricsProviderChoice, one member per registered provider), so code that narrows on `provider`
 * reads the settings without `?.`. The other providers' keys are still checked as written, then
 * dropped: nothing reads the settings of a provider that is not running.
 *
 * The metrics a config knows (built-ins ∪ custom) decide which conditions are sound, so every
 * condition of the file (the three trigger tiers, `rollback.gradual.abortIf`) is checked here
 * against them once the whole file is read (conditionIssues), then parsed in its metric's unit
 * (resolvedCondition, which schema.ts applies to the sound file).
 */
import { z } from 'zod';
import {
  METRIC_PROVIDERS,
  METRIC_PROVIDER_NAMES,
  METRICS_SETTINGS_SHAPE,
  metricsProvider,
  type MetricsProviderChoice,
} from '../adapters/metrics/registry.ts';
import { resolveCondition, type Condition, type WrittenCondition } from '../domain/conditions.ts';
import {
  METRIC_NAMES,
  METRIC_NAME_SHAPE,
  METRIC_UNITS,
  isBuiltinMetric,
  metricCatalogue,
  type MetricCatalogue,
  type MetricName,
} from '../domain/metrics.ts';
import { didYouMean } from './suggest.ts';
import { choice, show, strict, text, whenSound } from './zod-kit.ts';

const queryText = text('a PromQL query');
const queries = strict(
  Object.fromEntries(METRIC_NAMES.map((m) => [m, queryText.optional()])) as Record<
    MetricName,
    z.ZodOptional<typeof queryText>
  >,
  'metric',
  ' in metrics.queries',
);

const customMetric = strict({
  query: queryText.optional().meta({
    description: 'PromQL with $service, $version, $window; required with the prometheus provider',
  }),
  unit: choice(METRIC_UNITS, 'a unit').meta({
    description: 'ratio (0–1, written 10% or 0.10) | ms | count | usd (written 0.02 or $0.02) | score (a plain number)',
  }),
});
const custom = z.record(
  z
    .string()
    .regex(METRIC_NAME_SHAPE)
    .refine((name) => !isBuiltinMetric(name)),
  customMetric,
  {
    error: (iss) =>
      iss.code === 'invalid_type'
        ? `expected metrics.custom: a map of metric name to { query, unit }; got ${show(iss.input)}`
        : iss.code === 'invalid_key' && typeof iss.input === 'string' && isBuiltinMetric(iss.input)
          ? `"${iss.input}" is a built-in metric: a custom metric needs a name of its own (its query goes under ` +
            `metrics.queries)`
          : iss.code === 'invalid_key'
            ? `expected a metric name of lower-case letters, digits and "_", starting with a letter (it is typed in ` +
              `conditions); got ${show(iss.input)}`
            : undefined,
  },
);

type Queries = z.output<typeof queries>;
type CustomMetrics = z.output<typeof custom>;
/** One member per provider, spelled out so editors show `{ provider: 'prometheus'; prometheus: …; queries }`. */
type Each<T> = T extends unknown ? { [K in keyof T]: T[K] } : never;
export type ParsedMetrics = Each<MetricsProviderChoice & { queries: Queries; custom: CustomMetrics }>;

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
  custom: custom.default({}).meta({
    description: "the team's own metrics, name → { query, unit }: usable in every condition, verification and backtest",
  }),
})
  .superRefine(
    (m, ctx) => {
      // Only Prometheus reads a metric by its query; http-json asks for it by name, the simulation by its script.
      if (m.provider !== 'prometheus') return;
      for (const [name, metric] of Object.entries(m.custom)) {
        if (metric.query !== undefined) continue;
        ctx.addIssue({
          code: 'custom',
          path: ['custom', name, 'query'],
          message: `provider is prometheus, so custom metric ${name} needs a query: the PromQL that reads it`,
          input: undefined,
        });
      }
    },
    { when: whenSound(['provider'], ['custom']) },
  )
  .superRefine(
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
  return {
    provider: m.provider,
    ...(key ? { [key]: byKey[key] } : {}),
    queries: m.queries,
    custom: m.custom,
  } as ParsedMetrics;
});

/** The metrics this config knows: the built-ins, then its custom ones in the order written. */
export function catalogueOf(m: Pick<ParsedMetrics, 'custom'>): MetricCatalogue {
  return metricCatalogue(m.custom);
}

/** The query of every metric that has one: the built-ins' from `queries`, the custom metrics' own. */
export function metricQueries(m: Pick<ParsedMetrics, 'queries' | 'custom'>): Partial<Record<MetricName, string>> {
  const all: Partial<Record<MetricName, string>> = { ...m.queries };
  for (const [name, { query }] of Object.entries(m.custom)) if (query !== undefined) all[name] = query;
  return all;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** A condition the field parsed (a shape problem was reported where it was written, and is skipped here). */
const isWritten = (v: unknown): v is WrittenCondition =>
  isRecord(v) && typeof v.metric === 'string' && typeof v.valueText === 'string';

/** Every condition of the file with its path: the trigger tiers' items, then abortIf. */
function writtenConditions(config: Record<string, unknown>): Array<[path: Array<string | number>, value: unknown]> {
  const found: Array<[Array<string | number>, unknown]> = [];
  const triggers = config.triggers;
  for (const tier of ['critical', 'warning', 'watch']) {
    const list = isRecord(triggers) ? triggers[tier] : undefined;
    if (Array.isArray(list)) list.forEach((item, i) => found.push([['triggers', tier, i], item]));
  }
  const rollback = config.rollback;
  const gradual = isRecord(rollback) ? rollback.gradual : undefined;
  if (isRecord(gradual)) found.push([['rollback', 'gradual', 'abortIf'], gradual.abortIf]);
  return found;
}

function problemOf(w: WrittenCondition, catalogue: MetricCatalogue): string | null {
  const r = resolveCondition(w, catalogue);
  if (r.ok) return null;
  if (!r.unknownMetric) return r.error;
  const { name, known } = r.unknownMetric;
  return `unknown metric "${name}"${didYouMean(name, known)}; known metrics: ${known.join(', ')}`;
}

/**
 * Every condition on a metric the config does not define, or with a threshold its unit cannot
 * take, as an issue at the condition's path. Run on the whole file as soon as `metrics.custom` is
 * sound (conditionsCheckable), so these come with every other problem at once.
 */
export function conditionIssues(config: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const metricsPart = config.metrics;
  const customPart = isRecord(metricsPart) && isRecord(metricsPart.custom) ? metricsPart.custom : {};
  const catalogue = metricCatalogue(customPart as CustomMetrics);
  for (const [path, value] of writtenConditions(config)) {
    if (!isWritten(value)) continue;
    const message = problemOf(value, catalogue);
    if (message !== null) ctx.addIssue({ code: 'custom', path, message, input: value.text });
  }
}

/** Whether conditionIssues can run: `metrics:` is a mapping and its `custom` part parsed. */
export const conditionsCheckable = (payload: { issues: Array<{ path?: PropertyKey[] }> }): boolean =>
  !payload.issues.some((i) => {
    const [first, second] = i.path ?? [];
    return first === undefined || (first === 'metrics' && (second === undefined || second === 'custom'));
  });

/** A condition of a sound file in its metric's unit (conditionIssues has already refused any other). */
export function resolvedCondition(w: WrittenCondition, catalogue: MetricCatalogue): Condition {
  const r = resolveCondition(w, catalogue);
  if (!r.ok) throw new Error(`condition "${w.text}" passed validation but does not resolve: ${r.error}`);
  return r.condition;
}
