/**
 * Trigger conditions as the runbook writes them: `error_rate > 10%`, `p99_latency > 10000ms`,
 * `user_complaints > 5`. Parsing is strict: a ratio metric compared with 10 (rather than 10% or
 * 0.10) is an error, because the author almost certainly meant a percentage.
 */
import { METRIC_KIND, METRIC_NAMES, isMetricName, type MetricName, type MetricSample } from './metrics.ts';

export type Operator = '>' | '>=' | '<' | '<=';

export interface Condition {
  metric: MetricName;
  op: Operator;
  /** In the metric's own unit: a 0–1 ratio, milliseconds, or a count. */
  threshold: number;
  /** The condition as written, for messages. */
  text: string;
}

export type ParseResult = { ok: true; condition: Condition } | { ok: false; error: string };

const SHAPE = /^\s*([a-z0-9_]+)\s*(>=|<=|>|<)\s*([0-9]+(?:\.[0-9]+)?)\s*(%|ms|s)?\s*$/;

export function parseCondition(text: string): ParseResult {
  const m = SHAPE.exec(text);
  if (!m) {
    return { ok: false, error: `expected "<metric> <op> <value>" such as "error_rate > 10%", got "${text}"` };
  }
  const [, name = '', op = '>', raw = '0', unit] = m;
  if (!isMetricName(name)) {
    return { ok: false, error: `unknown metric "${name}"; known metrics: ${METRIC_NAMES.join(', ')}` };
  }
  const value = Number(raw);
  const kind = METRIC_KIND[name];
  let threshold: number;
  if (kind === 'ratio') {
    if (unit === 'ms' || unit === 's')
      return {
        ok: false,
        error: `${name} is a ratio: write a percentage ("10%") or a fraction ("0.10"), not "${raw}${unit}"`,
      };
    threshold = unit === '%' ? value / 100 : value;
    if (threshold > 1)
      return {
        ok: false,
        error: `${name} is a ratio between 0 and 1: "${raw}" is out of range (did you mean "${raw}%"?)`,
      };
  } else if (kind === 'latency') {
    if (unit === '%') return { ok: false, error: `${name} is a latency in milliseconds, not a percentage` };
    threshold = unit === 's' ? value * 1000 : value;
  } else {
    if (unit) return { ok: false, error: `${name} is a count: write a plain number, not "${raw}${unit}"` };
    threshold = value;
  }
  return { ok: true, condition: { metric: name, op: op as Operator, threshold, text: text.trim() } };
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

/** Renders a threshold in the unit the runbook uses: 10%, 10000ms, 5. */
export function formatValue(metric: MetricName, value: number): string {
  const kind = METRIC_KIND[metric];
  if (kind === 'ratio') return `${+(value * 100).toFixed(2)}%`;
  if (kind === 'latency') return `${Math.round(value)}ms`;
  return String(value);
}
