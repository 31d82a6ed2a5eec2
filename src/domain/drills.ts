/**
 * Scoring a rollback drill (runbook ロールバック訓練 evaluation): detection, decision and
 * rollback execution time measured from Rewind's own events, each compared with the scenario's
 * expected response, plus the participants' communication ratings; and the trend against earlier
 * drills. Pure: every instant is passed in as epoch ms.
 */

/** The instants a drill's measures are taken from; null when the drill never got there. */
export interface DrillTimes {
  /** The fault was applied. */
  injectedAt: number | null;
  /** The trigger fired, i.e. the drill incident was opened. */
  detectedAt: number | null;
  /** The incident message was posted, i.e. people could start deciding. */
  postedAt: number | null;
  /** A rollback action was chosen. */
  decidedAt: number | null;
  /** The rollback was verified. */
  verifiedAt: number | null;
}

export interface MeasuredTime {
  /** Null when one of its two instants is missing: the drill did not get that far ("not reached"). */
  ms: number | null;
  targetMs: number;
  /** ms ≤ targetMs; null when not measured. */
  pass: boolean | null;
}

export interface Scorecard {
  /** Fault injected → incident opened. */
  detection: MeasuredTime;
  /** Incident posted → rollback chosen. */
  decision: MeasuredTime;
  /** Rollback chosen → rollback verified. */
  execution: MeasuredTime;
  /** Fault injected → rollback verified: the whole response, which is what the runbook's expected response is about. */
  total: MeasuredTime;
  /** Ratings 1–5; average rounded to one decimal, null while nobody rated. */
  communication: { average: number | null; count: number };
  /** Whether the fault was applied at all (the runbook's first execution item). */
  injected: boolean;
  /** Detection, decision and execution measured and each within the target, and the total too. */
  passed: boolean;
}

export const RATING_MIN = 1;
export const RATING_MAX = 5;

export const TIME_MEASURES = ['detection', 'decision', 'execution', 'total'] as const;
export type TimeMeasure = (typeof TIME_MEASURES)[number];
export const MEASURES = [...TIME_MEASURES, 'communication'] as const;
export type Measure = (typeof MEASURES)[number];

/** The last earlier drills a trend shows. */
export const TREND_DEPTH = 4;
/** Two times this close are the same: nobody acts on a one-second difference between drills. */
export const SAME_TIME_MS = 1000;
/** Two averages this close are the same (they are rounded to one decimal). */
const SAME_AVERAGE = 0.05;

/**
 * A span between two instants, or null when either is missing. A negative span (clock skew between
 * the writers of the two events) counts as zero rather than as an impossibly fast response.
 */
function span(from: number | null, to: number | null): number | null {
  if (from === null || to === null) return null;
  return Math.max(0, to - from);
}

function measured(ms: number | null, targetMs: number): MeasuredTime {
  return { ms, targetMs, pass: ms === null ? null : ms <= targetMs };
}

export function isRating(value: number): boolean {
  return Number.isInteger(value) && value >= RATING_MIN && value <= RATING_MAX;
}

/**
 * Scores a drill: each measure against the scenario's expected response (`expectedMs`). Ratings
 * outside 1–5 (or not whole numbers) are ignored: they cannot come from the rating buttons.
 */
export function scoreDrill(times: DrillTimes, expectedMs: number, ratings: readonly number[]): Scorecard {
  if (!Number.isFinite(expectedMs) || expectedMs <= 0) {
    throw new Error(
      `a drill's expected response must be a positive number of milliseconds (drills.scenarios[].expectedResponse, ` +
        `e.g. 5m); got ${String(expectedMs)}`,
    );
  }
  const detection = measured(span(times.injectedAt, times.detectedAt), expectedMs);
  const decision = measured(span(times.postedAt, times.decidedAt), expectedMs);
  const execution = measured(span(times.decidedAt, times.verifiedAt), expectedMs);
  const total = measured(span(times.injectedAt, times.verifiedAt), expectedMs);
  const valid = ratings.filter(isRating);
  const average = valid.length === 0 ? null : Math.round((valid.reduce((a, b) => a + b, 0) / valid.length) * 10) / 10;
  const passed = [detection, decision, execution, total].every((m) => m.pass === true);
  return {
    detection,
    decision,
    execution,
    total,
    communication: { average, count: valid.length },
    injected: times.injectedAt !== null,
    passed,
  };
}

/** A measure's value in a scorecard: a time in ms, or the communication average. */
export function measureValue(scorecard: Scorecard, measure: Measure): number | null {
  return measure === 'communication' ? scorecard.communication.average : scorecard[measure].ms;
}

/** The keys of the runbook's execution checklist (DRILL_EXECUTION) that this drill recorded. */
export function executionRecorded(scorecard: Scorecard): string[] {
  const done: Array<[string, boolean]> = [
    ['run.inject', scorecard.injected],
    ['run.detection', scorecard.detection.ms !== null],
    ['run.decision', scorecard.decision.ms !== null],
    ['run.execution', scorecard.execution.ms !== null],
    ['run.communication', scorecard.communication.count > 0],
  ];
  return done.filter(([, d]) => d).map(([key]) => key);
}

export type TrendDirection = 'better' | 'worse' | 'same' | 'first';

export interface MeasureTrend {
  /** The measure in the last TREND_DEPTH earlier drills, oldest first; null where that drill did not reach it. */
  previous: Array<{ id: string; at: number; value: number | null }>;
  /**
   * Against the most recent earlier drill that has a value: 'first' when none has. A missing value
   * is the worst one: a step not reached (or a drill nobody rated) is worse than any measured one.
   */
  direction: TrendDirection;
}

export type DrillTrend = Record<Measure, MeasureTrend>;

export interface PreviousDrill {
  id: string;
  at: number;
  scorecard: Scorecard;
}

function direction(measure: Measure, current: number | null, before: number | null): TrendDirection {
  if (before === null) return 'first';
  if (current === null) return 'worse';
  if (measure === 'communication') {
    if (Math.abs(current - before) < SAME_AVERAGE) return 'same';
    return current > before ? 'better' : 'worse';
  }
  if (Math.abs(current - before) <= SAME_TIME_MS) return 'same';
  return current < before ? 'better' : 'worse';
}

/** How this drill compares with the earlier ones (in any order: they are sorted by time here). */
export function trend(current: Scorecard, previous: readonly PreviousDrill[]): DrillTrend {
  const ordered = [...previous].sort((a, b) => a.at - b.at);
  const recent = ordered.slice(-TREND_DEPTH);
  const out = {} as DrillTrend;
  for (const measure of MEASURES) {
    const values = ordered.map((p) => measureValue(p.scorecard, measure));
    const before = values.filter((v): v is number => v !== null).at(-1) ?? null;
    out[measure] = {
      previous: recent.map((p) => ({ id: p.id, at: p.at, value: measureValue(p.scorecard, measure) })),
      direction: direction(measure, measureValue(current, measure), before),
    };
  }
  return out;
}
