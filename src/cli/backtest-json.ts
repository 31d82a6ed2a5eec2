/**
 * The replay behind `rewind backtest`, as data: per tier each run of breaching evaluations (when
 * it began, whether and when it fired and on which breaches, when it cleared or that it was still
 * on at the end, its worst values), what was left out and the metrics with no data or gaps.
 * `--json` prints it as it is; the text report (backtest.ts) only renders it, so both tell the
 * same story. The replay is the evaluator's: the same `evaluate`, the same rules, step by step.
 * Pure: no I/O, times from the arguments.
 */
import { triggerRules } from '../config/derive.ts';
import type { Config } from '../config/schema.ts';
import type { Condition, Operator } from '../domain/conditions.ts';
import { inDisplayOrder, type MetricName, type MetricSample, type MetricUnit } from '../domain/metrics.ts';
import { evaluate, initialTriggerState, type Breach, type TriggerRules } from '../domain/triggers.ts';
import { TIERS, type Tier } from '../domain/types.ts';
import type { Series } from '../services/ports.ts';

/** A value a condition read past its threshold; the condition as written, its details under `triggers`. */
export interface BreachValue {
  condition: string;
  metric: MetricName;
  value: number;
}

/** One unbroken run of evaluations in which a tier's conditions held. */
export interface BreachRun {
  /** ISO times. */
  breachingSince: string;
  lastBreachAt: string;
  /** When the run outlasted the confirmation window and the tier fired; null when it never did. */
  firedAt: string | null;
  /** The first healthy evaluation; null when the range ended first. */
  clearedAt: string | null;
  /** Fired: from firing to its clearing or the end of the range. Not fired: from the first to the last breach. */
  durationMs: number;
  /** The value furthest past each condition that held during the run. */
  worst: BreachValue[];
}

export interface TierReplay {
  conditions: string[];
  firings: number;
  longestFiringMs: number;
  /** The longest firing was still on at the end of the range. */
  longestStillFiring: boolean;
  runs: BreachRun[];
}

/** A tier's condition as the evaluator reads it: the unit its values and threshold are in. */
export interface TriggerCondition {
  condition: string;
  metric: MetricName;
  unit: MetricUnit;
  op: Operator;
  threshold: number;
  /** False for the conditions in `leftOut`. */
  replayed: boolean;
}

/** A tier firing, with the breaches of the evaluation at which it fired (none when no condition was readable). */
export interface Firing {
  tier: Tier;
  /** ISO time, the `firedAt` of its run. */
  at: string;
  breaches: BreachValue[];
}

export interface BacktestJson {
  service: string;
  version: string;
  from: string;
  to: string;
  stepMs: number;
  evaluations: number;
  confirmationWindowMs: number;
  tiers: Record<Tier, TierReplay>;
  /** Every tier's conditions with their operators, thresholds and units. */
  triggers: Record<Tier, TriggerCondition[]>;
  /** Every firing of every tier, in order of time. */
  fired: Firing[];
  /** Conditions not replayed: user_complaints counts /rollback complaint and has no history. */
  leftOut: string[];
  /** The queried metrics with a value at one evaluation at least. */
  metricsWithData: MetricName[];
  noData: Array<{ metric: MetricName; why: 'no data returned' | 'no query configured' }>;
  gaps: Array<{ metric: MetricName; missingEvaluations: number }>;
}

export interface BacktestRange {
  service: string;
  version: string;
  fromMs: number;
  toMs: number;
  stepMs: number;
  evaluations: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

const breachValue = ({ condition, value }: Breach): BreachValue => ({
  condition: condition.text,
  metric: condition.metric,
  value,
});

/** The value further past the threshold: the highest for `>`, the lowest for `<`. */
function worse(c: Condition, prev: number | undefined, v: number): number {
  if (prev === undefined) return v;
  return c.op === '>' || c.op === '>=' ? Math.max(prev, v) : Math.min(prev, v);
}

interface OpenRun {
  since: number;
  lastBreach: number;
  firedAt: number | null;
  worst: Map<Condition, number>;
}

function closeRun(run: OpenRun, end: { at: number; cleared: boolean }, conditions: readonly Condition[]): BreachRun {
  return {
    breachingSince: iso(run.since),
    lastBreachAt: iso(run.lastBreach),
    firedAt: run.firedAt === null ? null : iso(run.firedAt),
    clearedAt: end.cleared ? iso(end.at) : null,
    durationMs: run.firedAt === null ? run.lastBreach - run.since : end.at - run.firedAt,
    worst: conditions
      .filter((c) => run.worst.has(c))
      .map((condition) => breachValue({ condition, value: run.worst.get(condition) as number })),
  };
}

/** Replays `series` (the metrics `queried`) through the config's triggers, as the evaluator would have. */
export function replayBacktest(
  range: BacktestRange,
  config: Config,
  queried: MetricName[],
  series: Partial<Record<MetricName, Series>>,
): BacktestJson {
  const full = triggerRules(config);
  const complaintsKnown = queried.includes('user_complaints');
  const rules: TriggerRules = { ...full, tiers: { critical: [], warning: [], watch: [] } };
  for (const t of TIERS)
    rules.tiers[t] = full.tiers[t].filter((c) => complaintsKnown || c.metric !== 'user_complaints');
  const leftOut = TIERS.flatMap((t) => full.tiers[t].filter((c) => !rules.tiers[t].includes(c)).map((c) => c.text));

  const byTime = new Map<MetricName, Map<number, number>>();
  for (const [m, s] of Object.entries(series)) if (s) byTime.set(m, new Map(s));
  const counts = new Map<MetricName, number>();
  const open: Record<Tier, OpenRun | null> = { critical: null, warning: null, watch: null };
  const fired: Firing[] = [];
  const tiers = Object.fromEntries(
    TIERS.map((t) => [
      t,
      {
        conditions: full.tiers[t].map((c) => c.text),
        firings: 0,
        longestFiringMs: 0,
        longestStillFiring: false,
        runs: [],
      },
    ]),
  ) as unknown as Record<Tier, TierReplay>;
  const finish = (t: Tier, run: OpenRun, end: { at: number; cleared: boolean }) => {
    const closed = closeRun(run, end, rules.tiers[t]);
    const tier = tiers[t];
    tier.runs.push(closed);
    if (run.firedAt === null) return;
    if (closed.durationMs > tier.longestFiringMs || (closed.durationMs === tier.longestFiringMs && !end.cleared)) {
      tier.longestFiringMs = closed.durationMs;
      tier.longestStillFiring = !end.cleared;
    }
  };

  let state = initialTriggerState();
  const { fromMs, stepMs, evaluations } = range;
  for (let k = 0; k < evaluations; k++) {
    const at = fromMs + k * stepMs;
    const sample: MetricSample = {};
    for (const [m, points] of byTime) {
      const v = points.get(at);
      if (v === undefined) continue;
      sample[m] = v;
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    const result = evaluate(state, sample, at, rules);
    for (const t of TIERS) {
      const now = result.state.tiers[t];
      let run = open[t];
      if (run && now.pendingSince === null) {
        finish(t, run, { at, cleared: true });
        run = open[t] = null;
      }
      if (!run && now.pendingSince !== null)
        run = open[t] = { since: now.pendingSince, lastBreach: at, firedAt: null, worst: new Map() };
      if (!run) continue;
      const breaches = result.breaches.filter((b) => rules.tiers[t].includes(b.condition));
      if (breaches.length > 0) run.lastBreach = at;
      for (const b of breaches) run.worst.set(b.condition, worse(b.condition, run.worst.get(b.condition), b.value));
      if (run.firedAt === null && now.firingSince !== null) {
        run.firedAt = now.firingSince;
        tiers[t].firings++;
        fired.push({ tier: t, at: iso(run.firedAt), breaches: breaches.map(breachValue) });
      }
    }
    state = result.state;
  }
  const lastAt = fromMs + (evaluations - 1) * stepMs;
  for (const t of TIERS) {
    const run = open[t];
    if (run) finish(t, run, { at: lastAt, cleared: false });
  }

  const used = [...new Set(TIERS.flatMap((t) => rules.tiers[t].map((c) => c.metric)))];
  return {
    service: range.service,
    version: range.version,
    from: iso(range.fromMs),
    to: iso(range.toMs),
    stepMs,
    evaluations,
    confirmationWindowMs: rules.confirmationWindowMs,
    tiers,
    triggers: Object.fromEntries(
      TIERS.map((t) => [
        t,
        full.tiers[t].map((c) => ({
          condition: c.text,
          metric: c.metric,
          unit: c.unit,
          op: c.op,
          threshold: c.threshold,
          replayed: rules.tiers[t].includes(c),
        })),
      ]),
    ) as Record<Tier, TriggerCondition[]>,
    fired,
    leftOut,
    metricsWithData: inDisplayOrder([...counts.keys()]),
    noData: inDisplayOrder(used.filter((m) => !counts.has(m))).map((metric) => ({
      metric,
      why: queried.includes(metric) ? 'no data returned' : 'no query configured',
    })),
    gaps: inDisplayOrder(used.filter((m) => (counts.get(m) ?? evaluations) < evaluations)).map((metric) => ({
      metric,
      missingEvaluations: evaluations - (counts.get(metric) as number),
    })),
  };
}
