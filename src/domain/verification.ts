/**
 * 検証 (verification) judged from numbers: before → after per metric over the verify window, each
 * with the readings a sparkline is drawn from and the thresholds it is held to. Pure: the rollback
 * engine samples, this decides; the Slack adapter draws and words it in the reader's language.
 */
import { conditionHolds, type Condition, type Operator } from './conditions.ts';
import { inDisplayOrder, recordedUnit, type MetricName, type MetricSample, type MetricUnit } from './metrics.ts';

/** One trigger metric across a rollback's verification. */
export interface MetricMove {
  metric: MetricName;
  /** A custom metric's unit (a built-in's goes without saying: see recordedUnit). */
  unit?: MetricUnit;
  /** Before the rollback (the confirm step's baseline); null when it could not be read. */
  before: number | null;
  /** Over the whole verify window; null when it could not be read. */
  after: number | null;
  /**
   * Before (when it was read), then every reading across the window (null where one failed): the
   * baseline leads so a recovery shows as the drop it is, not as a flat line of the healthy
   * version's readings.
   */
  series: Array<number | null>;
  thresholds: Array<{ op: Operator; threshold: number }>;
}

const known = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Before → after per metric over the verify window, with its series and the thresholds it is held
 * to. Recovered when every metric could be read and no trigger condition holds after. `series`
 * holds [time, value] readings as stored (a failed reading is NaN, or null once stored as JSON).
 */
export function verificationVerdict(
  before: MetricSample,
  after: MetricSample,
  series: Record<string, Array<[number, number | null]>>,
  tiers: Record<string, Condition[]>,
): { recovered: boolean; breaching: string[]; moves: MetricMove[] } {
  const conditions = Object.values(tiers).flat();
  const breaching = conditions.filter((c) => conditionHolds(c, after) === true).map((c) => c.text);
  const unreadable = conditions.filter((c) => conditionHolds(c, after) === undefined).map((c) => c.metric);
  // The built-ins in the runbook's order, then the custom metrics in the order the conditions name them.
  const units = new Map(conditions.map((c) => [c.metric, c.unit]));
  const moves = inDisplayOrder([...units.keys()]).map((m): MetricMove => ({
    metric: m,
    ...recordedUnit(m, units.get(m) as MetricUnit),
    before: known(before[m]),
    after: known(after[m]),
    series: [...(known(before[m]) === null ? [] : [known(before[m])]), ...(series[m] ?? []).map(([, v]) => known(v))],
    thresholds: conditions.filter((c) => c.metric === m).map((c) => ({ op: c.op, threshold: c.threshold })),
  }));
  const missing = [...new Set(unreadable)];
  return {
    recovered: breaching.length === 0 && missing.length === 0,
    breaching: [...breaching, ...missing.map((m) => `${m} unreadable`)],
    moves,
  };
}
