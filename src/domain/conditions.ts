/**
 * Trigger conditions as the runbook writes them: `error_rate > 10%`, `p99_latency > 10000ms`,
 * `user_complaints > 5`, and on a team's own metrics `ttft_p95 > 2000`, `cost_per_request > $0.02`,
 * `eval_score < 0.8`. Parsing is strict and goes by the metric's unit: a ratio metric compared with
 * 10 (rather than 10% or 0.10) is an error, because the author almost certainly meant a percentage.
 *
 * It runs in two steps, because which metrics exist is the config's to say: the shape of the text
 * first (`parseConditionShape`, where the condition is written), then the metric and the threshold
 * against the config's catalogue (`resolveCondition`). `parseCondition` does both.
 */
import {
  BUILTIN_CATALOGUE,
  formatMetricValue,
  metricUnit,
  type MetricCatalogue,
  type MetricName,
  type MetricSample,
  type MetricUnit,
} from './metrics.ts';

export type Operator = '>' | '>=' | '<' | '<=';

export interface Condition {
  metric: MetricName;
  /** The metric's unit, from the catalogue the condition was resolved against. */
  unit: MetricUnit;
  op: Operator;
  /** In the metric's own unit: a 0–1 ratio, milliseconds, a count, dollars or a score. */
  threshold: number;
  /** The condition as written, for messages. */
  text: string;
}

/** A condition whose text has the right shape; its metric and threshold are not checked yet. */
export interface WrittenCondition {
  metric: string;
  op: Operator;
  /** The number as written, sign included. */
  value: number;
  /** What was written around the number: `$` before it, `%`, `ms` or `s` after it. */
  dollar: boolean;
  suffix: '%' | 'ms' | 's' | null;
  /** The value as written (`$0.02`, `10%`), for messages. */
  valueText: string;
  text: string;
}

export type ShapeResult = { ok: true; written: WrittenCondition } | { ok: false; error: string };

/** A failure names the unknown metric when that was the problem, so the config can suggest a close name. */
export type ParseResult =
  | { ok: true; condition: Condition }
  | { ok: false; error: string; unknownMetric?: { name: string; known: readonly string[] } };

const SHAPE = /^\s*([a-z0-9_]+)\s*(>=|<=|>|<)\s*(-?)(\$?)([0-9]+(?:\.[0-9]+)?)\s*(%|ms|s)?\s*$/;

export function parseConditionShape(text: string): ShapeResult {
  const m = SHAPE.exec(text);
  if (!m) {
    return { ok: false, error: `expected "<metric> <op> <value>" such as "error_rate > 10%", got "${text}"` };
  }
  const [, metric = '', op = '>', minus = '', dollar = '', raw = '0', suffix] = m;
  return {
    ok: true,
    written: {
      metric,
      op: op as Operator,
      value: Number(`${minus}${raw}`),
      dollar: dollar === '$',
      suffix: (suffix ?? null) as WrittenCondition['suffix'],
      valueText: `${minus}${dollar}${raw}${suffix ?? ''}`,
      text: text.trim(),
    },
  };
}

/** The threshold in the unit's own terms, or why the number cannot be one. */
function thresholdOf(name: string, unit: MetricUnit, w: WrittenCondition): number | string {
  const written = w.valueText;
  if (w.value < 0 && unit !== 'score') return `${name} cannot be negative: "${written}" is below 0`;
  switch (unit) {
    case 'ratio': {
      if (w.dollar || w.suffix === 'ms' || w.suffix === 's')
        return `${name} is a ratio: write a percentage ("10%") or a fraction ("0.10"), not "${written}"`;
      const threshold = w.suffix === '%' ? w.value / 100 : w.value;
      if (threshold > 1 && w.suffix === '%') return `${name} is a ratio: "${written}" is above 100%`;
      if (threshold > 1)
        return `${name} is a ratio between 0 and 1: "${written}" is out of range (did you mean "${written}%"?)`;
      return threshold;
    }
    case 'ms':
      if (w.suffix === '%') return `${name} is a latency in milliseconds, not a percentage`;
      if (w.dollar) return `${name} is a latency in milliseconds, not an amount of dollars`;
      return w.suffix === 's' ? w.value * 1000 : w.value;
    case 'usd':
      if (w.suffix) return `${name} is in US dollars: write 0.02 or $0.02, not "${written}"`;
      return w.value;
    case 'count':
    case 'score':
      if (w.dollar || w.suffix) return `${name} is a ${unit}: write a plain number, not "${written}"`;
      return w.value;
  }
}

/** The written condition on a metric of the catalogue, its threshold read in that metric's unit. */
export function resolveCondition(w: WrittenCondition, catalogue: MetricCatalogue = BUILTIN_CATALOGUE): ParseResult {
  const unit = catalogue.units[w.metric];
  if (unit === undefined) {
    return {
      ok: false,
      error: `unknown metric "${w.metric}"; known metrics: ${catalogue.names.join(', ')}`,
      unknownMetric: { name: w.metric, known: catalogue.names },
    };
  }
  const threshold = thresholdOf(w.metric, unit, w);
  if (typeof threshold === 'string') return { ok: false, error: threshold };
  return { ok: true, condition: { metric: w.metric, unit, op: w.op, threshold, text: w.text } };
}

export function parseCondition(text: string, catalogue: MetricCatalogue = BUILTIN_CATALOGUE): ParseResult {
  const shape = parseConditionShape(text);
  return shape.ok ? resolveCondition(shape.written, catalogue) : shape;
}

/** True when the sample holds the metric and it breaches; a missing metric never counts as breaching or healthy. */
export function conditionHolds(c: Condition, sample: MetricSample): boolean | undefined {
  const v = sample[c.metric];
  if (v === undefined || Number.isNaN(v)) return undefined;
  switch (c.op) {
    case '>':
      return v > c.threshold;
    case '>=':
      return v >= c.threshold;
    case '<':
      return v < c.threshold;
    case '<=':
      return v <= c.threshold;
  }
}

/**
 * Renders a value of a metric in its unit: 10%, 10000ms, 5, $0.02, 0.8. `unit` is the one a record
 * kept; without it the metric is a built-in (see recordedUnit).
 */
export function formatValue(metric: MetricName, value: number, unit?: MetricUnit): string {
  return formatMetricValue(metricUnit(metric, unit), value);
}
