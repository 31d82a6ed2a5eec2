/**
 * 検証 (verification) judged from numbers: before → after per metric over the verify window, each
 * with a sparkline and the thresholds it is held to. Pure: the rollback engine samples, this decides.
 */
import { conditionHolds, formatValue, type Condition } from './conditions.ts';
import { METRIC_NAMES, type MetricSample } from './metrics.ts';
import { sparkline } from './sparkline.ts';

/**
 * Before → after per metric over the verify window, with a sparkline and the thresholds it is held
 * to. Recovered when every metric could be read and no trigger condition holds after.
 */
export function verificationVerdict(
  before: MetricSample,
  after: MetricSample,
  series: Record<string, Array<[number, number]>>,
  tiers: Record<string, Condition[]>,
): { recovered: boolean; breaching: string[]; facts: Array<[string, string]> } {
  const conditions = Object.values(tiers).flat();
  const breaching = conditions.filter((c) => conditionHolds(c, after) === true).map((c) => c.text);
  const unreadable = conditions.filter((c) => conditionHolds(c, after) === undefined).map((c) => c.metric);
  const facts: Array<[string, string]> = METRIC_NAMES.filter((m) => conditions.some((c) => c.metric === m)).map((m) => {
    const show = (v: number | undefined) => (v === undefined ? '?' : formatValue(m, v));
    const limits = conditions.filter((c) => c.metric === m).map((c) => `${c.op} ${formatValue(m, c.threshold)}`).join(' / ');
    const line = sparkline((series[m] ?? []).map(([, v]) => v));
    return [m, `${show(before[m])} → ${show(after[m])}  ${line}  (thresholds ${limits})`];
  });
  const missing = [...new Set(unreadable)];
  return { recovered: breaching.length === 0 && missing.length === 0, breaching: [...breaching, ...missing.map((m) => `${m} unreadable`)], facts };
}
