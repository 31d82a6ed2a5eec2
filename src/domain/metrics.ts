/**
 * The metrics Rewind knows: the runbook's built-in seven (plus user complaints among them), and the
 * team's own metrics that config/rewind.yml defines under `metrics.custom`, each with a unit. A
 * metric name is a plain string checked against a config's catalogue (built-ins ∪ custom) where it
 * is written; everything after that carries the unit with the name, so rendering a value needs no
 * config.
 */

/** The built-in metrics, in the order the runbook lists them (and every list of readings shows them). */
export const METRIC_NAMES = [
  'error_rate',
  'availability',
  'p50_latency',
  'p95_latency',
  'p99_latency',
  'hallucination_rate',
  'user_complaints',
] as const;

export type BuiltinMetric = (typeof METRIC_NAMES)[number];

/** A metric's name: a built-in, or a custom metric of the config (`[a-z][a-z0-9_]*`). */
export type MetricName = string;

/**
 * ratio: 0–1 (written 0.10 or 10%, shown as a percentage); ms: a latency in milliseconds; count:
 * events in the observation window; usd: US dollars (written 0.02 or $0.02, shown $0.02); score: a
 * plain number (an eval score, a quality index).
 */
export const METRIC_UNITS = ['ratio', 'ms', 'count', 'usd', 'score'] as const;
export type MetricUnit = (typeof METRIC_UNITS)[number];

export const BUILTIN_UNIT: Record<BuiltinMetric, MetricUnit> = {
  error_rate: 'ratio',
  availability: 'ratio',
  p50_latency: 'ms',
  p95_latency: 'ms',
  p99_latency: 'ms',
  hallucination_rate: 'ratio',
  user_complaints: 'count',
};

/** What a custom metric's name may look like: it is typed in conditions and sent as `$metric`. */
export const METRIC_NAME_SHAPE = /^[a-z][a-z0-9_]*$/;

export function isBuiltinMetric(name: string): name is BuiltinMetric {
  return (METRIC_NAMES as readonly string[]).includes(name);
}

/** One reading of every metric that could be measured; a metric that could not be read is absent. */
export type MetricSample = Partial<Record<MetricName, number>>;

/** The metrics one config knows, with their units: the built-ins first, then its custom metrics as written. */
export interface MetricCatalogue {
  readonly names: readonly MetricName[];
  readonly units: Readonly<Record<MetricName, MetricUnit>>;
}

/** The catalogue of a config whose `metrics.custom` is `custom` (names already checked). */
export function metricCatalogue(custom: Readonly<Record<string, { unit: MetricUnit }>> = {}): MetricCatalogue {
  const units: Record<MetricName, MetricUnit> = { ...BUILTIN_UNIT };
  for (const [name, { unit }] of Object.entries(custom)) units[name] = unit;
  return { names: Object.keys(units), units };
}

/** The built-ins alone: a config without custom metrics. */
export const BUILTIN_CATALOGUE: MetricCatalogue = metricCatalogue();

/**
 * Records that keep a metric's value (a breach on the timeline, a step's abortIf cause, a
 * verification move) keep its unit only when the name does not say it: a built-in's unit is fixed,
 * so rows written before custom metrics existed read the same as rows written now.
 */
export function recordedUnit(metric: MetricName, unit: MetricUnit): { unit?: MetricUnit } {
  return isBuiltinMetric(metric) ? {} : { unit };
}

/**
 * The unit of a recorded metric: the one recorded, else the built-in's; a name that is neither (a
 * custom metric since removed from the config, recorded without one) reads as a plain number.
 */
export function metricUnit(metric: MetricName, unit?: MetricUnit): MetricUnit {
  return unit ?? (isBuiltinMetric(metric) ? BUILTIN_UNIT[metric] : 'score');
}

/**
 * The units of the custom metrics a sample holds, as a `metrics` step fact carries them beside it:
 * nothing when it holds built-ins only (recordedUnit's rule, for a whole sample).
 */
export function sampleUnits(
  sample: MetricSample | null,
  catalogue: MetricCatalogue,
): { units?: Record<MetricName, MetricUnit> } {
  const units: Record<MetricName, MetricUnit> = {};
  for (const name of Object.keys(sample ?? {})) {
    const unit = catalogue.units[name];
    if (unit !== undefined && !isBuiltinMetric(name)) units[name] = unit;
  }
  return Object.keys(units).length > 0 ? { units } : {};
}

/** Metric names in display order: the built-ins in the runbook's order, then the others as given. */
export function inDisplayOrder(names: readonly MetricName[]): MetricName[] {
  return [...METRIC_NAMES.filter((m) => names.includes(m)), ...names.filter((m) => !isBuiltinMetric(m))];
}

/** The metrics a sample holds, in display order. */
export function sampleOrder(sample: MetricSample): MetricName[] {
  return inDisplayOrder(Object.keys(sample).filter((m) => sample[m] !== undefined));
}

const trimmed = (v: number, decimals: number) => String(+v.toFixed(decimals));

/**
 * A value in its unit, the same in every language (digits and signs only): `12.5%`, `1234ms`, `5`,
 * `$0.0123`, `0.85`.
 */
export function formatMetricValue(unit: MetricUnit, value: number): string {
  switch (unit) {
    case 'ratio':
      return `${trimmed(value * 100, 2)}%`;
    case 'ms':
      return `${Math.round(value)}ms`;
    case 'count':
      return String(value);
    case 'usd': {
      if (!Number.isFinite(value)) return `$${value}`;
      const size = Math.abs(value);
      // Cents for dollars; a fraction of a cent (a cost per request) keeps its first digits.
      const digits =
        size >= 1 ? value.toFixed(2) : size >= 0.0001 || size === 0 ? trimmed(value, 4) : value.toPrecision(2);
      return digits.startsWith('-') ? `-$${digits.slice(1)}` : `$${digits}`;
    }
    case 'score':
      return trimmed(value, 4);
  }
}
