/**
 * Trigger evaluation: the runbook's ロールバックトリガー / 自動ロールバック条件 (critical, warning,
 * watch) with its confirmation_window.
 *
 * Each tier behaves like one Prometheus alerting rule whose expression is the OR of the tier's
 * conditions, with `for: confirmationWindow`:
 *   - the tier is *pending* from the first evaluation at which any of its conditions holds;
 *   - it *fires* at the first evaluation, still with some condition holding, where
 *     `at - pendingSince >= confirmationWindowMs` (so a window of 0 fires at the first breach);
 *   - an evaluation at which none of its conditions holds (every metric read, all healthy) resets
 *     pending and clears the tier if it was firing.
 * A metric absent from the sample could not be read, and an unreadable metric never counts as
 * healthy: when every condition of a tier is false or unknown and at least one is unknown, the tier
 * keeps exactly its current state — no reset, no clear, and no advance to firing on unknowns alone
 * (the next evaluation with a holding condition may fire it, since nothing contradicted the run).
 *
 * Several tiers can fire at once (error_rate 12% breaches all three); the highest firing tier wins
 * (critical > warning > watch) and events describe changes of that highest tier only.
 */
import { conditionHolds, formatValue, type Condition } from './conditions.ts';
import type { MetricSample } from './metrics.ts';
import { TIERS, type Tier } from './types.ts';

/** The trigger part of the config, as the config loader produces it. */
export interface TriggerRules {
  /** Runbook `confirmation_window: "2 minutes"`: how long a tier must keep breaching before it fires. */
  confirmationWindowMs: number;
  /** Conditions per tier; a tier with no conditions never fires. */
  tiers: Record<Tier, Condition[]>;
}

/** One tier's run of breaching evaluations. Plain data, stored as JSON. */
export interface TierTriggerState {
  /** Epoch ms of the first evaluation of the current unbroken breaching run; null when not pending. */
  pendingSince: number | null;
  /** Epoch ms of the evaluation at which the tier fired; null when not firing. */
  firingSince: number | null;
}

/** Trigger state of one service+version. Plain, serialisable data (kept in SQLite). */
export interface TriggerState {
  tiers: Record<Tier, TierTriggerState>;
  /** The highest firing tier, as last announced through events; null when none fires. */
  firing: Tier | null;
}

/** A condition that held, with the value that was measured. */
export interface Breach {
  condition: Condition;
  value: number;
}

/**
 * A change of the highest firing tier:
 *   - none → T: `fired T`;
 *   - T → higher U: `fired U` (T is not cleared: it is still firing beneath U);
 *   - T → lower U (T cleared, U still firing): `cleared T` then `fired U`;
 *   - T → none: `cleared T`.
 * `breaches` are the conditions of `tier` that held at this evaluation: for `fired` those that
 * justify it (empty only when a lower tier that is still firing was unreadable this time); for
 * `cleared` always empty, since a tier clears only when none of its conditions holds.
 */
export interface TriggerEvent {
  type: 'fired' | 'cleared';
  tier: Tier;
  at: number;
  breaches: Breach[];
}

export interface TriggerEvaluation {
  state: TriggerState;
  /** The highest firing tier after this evaluation. */
  tier: Tier | null;
  events: TriggerEvent[];
  /** Every condition that held at this evaluation, all tiers, most severe tier first, config order within a tier. */
  breaches: Breach[];
}

export function initialTriggerState(): TriggerState {
  return {
    tiers: {
      critical: { pendingSince: null, firingSince: null },
      warning: { pendingSince: null, firingSince: null },
      watch: { pendingSince: null, firingSince: null },
    },
    firing: null,
  };
}

type TierReading = { outcome: 'breaching'; breaches: Breach[] } | { outcome: 'healthy' } | { outcome: 'unknown' };

function readTier(conditions: readonly Condition[], sample: MetricSample): TierReading {
  const breaches: Breach[] = [];
  let unknown = false;
  for (const condition of conditions) {
    const holds = conditionHolds(condition, sample);
    if (holds === undefined) unknown = true;
    else if (holds) breaches.push({ condition, value: sample[condition.metric] as number });
  }
  if (breaches.length > 0) return { outcome: 'breaching', breaches };
  return unknown ? { outcome: 'unknown' } : { outcome: 'healthy' };
}

function nextTierState(prev: TierTriggerState, reading: TierReading, at: number, windowMs: number): TierTriggerState {
  switch (reading.outcome) {
    case 'healthy':
      return { pendingSince: null, firingSince: null };
    case 'unknown':
      // An unreadable metric is not a healthy one: keep the run as it is (see the file comment).
      return { ...prev };
    case 'breaching': {
      const pendingSince = prev.pendingSince ?? at;
      const firingSince = prev.firingSince ?? (at - pendingSince >= windowMs ? at : null);
      return { pendingSince, firingSince };
    }
  }
}

export function evaluate(
  state: TriggerState,
  sample: MetricSample,
  at: number,
  rules: TriggerRules,
): TriggerEvaluation {
  if (!Number.isFinite(at)) throw new RangeError(`trigger evaluation time must be epoch milliseconds, got ${at}`);
  if (!(rules.confirmationWindowMs >= 0)) {
    throw new RangeError(`confirmationWindowMs must be 0 or more, got ${rules.confirmationWindowMs}`);
  }

  const tiers = {} as Record<Tier, TierTriggerState>;
  const breachesByTier = {} as Record<Tier, Breach[]>;
  for (const tier of TIERS) {
    const reading = readTier(rules.tiers[tier], sample);
    tiers[tier] = nextTierState(state.tiers[tier], reading, at, rules.confirmationWindowMs);
    breachesByTier[tier] = reading.outcome === 'breaching' ? reading.breaches : [];
  }

  // TIERS is ordered most severe first, so the first firing one is the highest.
  const firing = TIERS.find((t) => tiers[t].firingSince !== null) ?? null;
  const previous = state.firing;
  const events: TriggerEvent[] = [];
  if (firing !== previous) {
    if (previous !== null && (firing === null || severityRank(firing) < severityRank(previous))) {
      events.push({ type: 'cleared', tier: previous, at, breaches: [] });
    }
    if (firing !== null) events.push({ type: 'fired', tier: firing, at, breaches: breachesByTier[firing] });
  }

  return {
    state: { tiers, firing },
    tier: firing,
    events,
    breaches: TIERS.flatMap((t) => breachesByTier[t]),
  };
}

/** 2 for critical, 1 for warning, 0 for watch: higher is more severe. */
export function severityRank(tier: Tier): number {
  return TIERS.length - 1 - TIERS.indexOf(tier);
}

/** `error_rate 12.5% > 10%`, `cost_per_request $0.031 > $0.02`: the value measured beside the condition. */
export function describeBreach(b: Breach): string {
  const { metric, unit, op, threshold } = b.condition;
  return `${metric} ${formatValue(metric, b.value, unit)} ${op} ${formatValue(metric, threshold, unit)}`;
}
