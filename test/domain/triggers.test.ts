import { describe, expect, it } from 'vitest';
import { parseCondition, type Condition } from '../../src/domain/conditions.ts';
import type { MetricSample } from '../../src/domain/metrics.ts';
import {
  describeBreach,
  evaluate,
  initialTriggerState,
  severityRank,
  type TriggerEvaluation,
  type TriggerRules,
  type TriggerState,
} from '../../src/domain/triggers.ts';

/** The runbook's 自動ロールバック条件, written exactly as the runbook writes them. */
const RUNBOOK_TEXT = {
  critical: ['error_rate > 10%', 'availability < 95%', 'p99_latency > 10000ms'],
  warning: ['error_rate > 5%', 'p95_latency > 3000ms', 'hallucination_rate > 15%'],
  watch: ['error_rate > 2%', 'p50_latency > 1000ms', 'user_complaints > 5'],
};

function parseAll(texts: string[]): Condition[] {
  return texts.map((t) => {
    const r = parseCondition(t);
    if (!r.ok) throw new Error(`runbook condition does not parse: ${r.error}`);
    return r.condition;
  });
}

const S = 1000;
const M = 60 * S;

function rules(confirmationWindowMs: number): TriggerRules {
  return {
    confirmationWindowMs,
    tiers: {
      critical: parseAll(RUNBOOK_TEXT.critical),
      warning: parseAll(RUNBOOK_TEXT.warning),
      watch: parseAll(RUNBOOK_TEXT.watch),
    },
  };
}
const RUNBOOK = rules(2 * M); // confirmation_window: "2 minutes"
const INSTANT = rules(0);

const HEALTHY: MetricSample = {
  error_rate: 0.001,
  availability: 0.999,
  p50_latency: 300,
  p95_latency: 800,
  p99_latency: 1500,
  hallucination_rate: 0.01,
  user_complaints: 0,
};
const with_ = (over: MetricSample): MetricSample => ({ ...HEALTHY, ...over });

/** Runs samples at the given times, returning every evaluation. */
function run(
  steps: Array<[at: number, sample: MetricSample]>,
  r: TriggerRules = RUNBOOK,
  start: TriggerState = initialTriggerState(),
) {
  let state = start;
  const out: TriggerEvaluation[] = [];
  for (const [at, sample] of steps) {
    const e = evaluate(state, sample, at, r);
    out.push(e);
    state = e.state;
  }
  return out;
}
const lastOf = (evals: TriggerEvaluation[]): TriggerEvaluation => {
  const e = evals[evals.length - 1];
  if (!e) throw new Error('no evaluations');
  return e;
};

const CRIT = with_({ error_rate: 0.125 }); // breaches critical, warning and watch on error_rate
const WARN = with_({ error_rate: 0.07 });
const WATCH = with_({ error_rate: 0.03 });

describe('confirmation window (30 s evaluations, runbook 2 m window)', () => {
  it('is pending but not firing while the breach lasts less than the window', () => {
    const evals = run([0, 30, 60, 90].map((s) => [s * S, CRIT]));
    for (const e of evals) {
      expect(e.tier).toBeNull();
      expect(e.events).toEqual([]);
    }
    expect(lastOf(evals).state.tiers.critical).toEqual({ pendingSince: 0, firingSince: null });
  });

  it('fires exactly at the evaluation where the run reaches the window (t = 120 s)', () => {
    const evals = run([0, 30, 60, 90, 120].map((s) => [s * S, CRIT]));
    const e = lastOf(evals);
    expect(e.tier).toBe('critical');
    expect(e.events).toHaveLength(1);
    expect(e.events[0]).toMatchObject({ type: 'fired', tier: 'critical', at: 120 * S });
    expect(e.events[0]?.breaches.map(describeBreach)).toEqual(['error_rate 12.5% > 10%']);
    expect(e.state.tiers.critical).toEqual({ pendingSince: 0, firingSince: 120 * S });
    expect(e.state.firing).toBe('critical');
  });

  it('does not fire again while it keeps firing', () => {
    const evals = run([0, 30, 60, 90, 120, 150, 180].map((s) => [s * S, CRIT]));
    expect(evals.slice(5).map((e) => e.events)).toEqual([[], []]);
    expect(lastOf(evals).tier).toBe('critical');
    expect(lastOf(evals).state.tiers.critical.firingSince).toBe(120 * S);
  });

  it('restarts the window after a healthy dip in the middle', () => {
    const evals = run([
      [0, CRIT],
      [30 * S, CRIT],
      [60 * S, HEALTHY], // dip: resets pending
      [90 * S, CRIT],
      [120 * S, CRIT],
      [180 * S, CRIT],
      [210 * S, CRIT],
    ]);
    expect(evals[2]?.state.tiers.critical.pendingSince).toBeNull();
    expect(evals[3]?.state.tiers.critical.pendingSince).toBe(90 * S);
    expect(evals.slice(0, 6).every((e) => e.tier === null)).toBe(true);
    expect(evals[6]?.tier).toBe('critical');
    expect(evals[6]?.events).toEqual([expect.objectContaining({ type: 'fired', tier: 'critical', at: 210 * S })]);
  });

  it('keeps the run when different conditions of the same tier take turns holding', () => {
    const evals = run([
      [0, with_({ error_rate: 0.2 })],
      [60 * S, with_({ availability: 0.9 })],
      [120 * S, with_({ p99_latency: 12000 })],
    ]);
    expect(lastOf(evals).tier).toBe('critical');
    expect(lastOf(evals).events[0]?.breaches.map(describeBreach)).toEqual(['p99_latency 12000ms > 10000ms']);
  });

  it('fires at the first breaching evaluation when the window is 0', () => {
    const [e] = run([[5 * S, CRIT]], INSTANT);
    expect(e?.tier).toBe('critical');
    expect(e?.events).toEqual([expect.objectContaining({ type: 'fired', tier: 'critical', at: 5 * S })]);
  });
});

describe('clearing', () => {
  it('clears a firing tier at the first evaluation where none of its conditions holds', () => {
    const evals = run([
      [0, CRIT],
      [120 * S, CRIT],
      [150 * S, HEALTHY],
    ]);
    const e = lastOf(evals);
    expect(e.tier).toBeNull();
    expect(e.events).toEqual([{ type: 'cleared', tier: 'critical', at: 150 * S, breaches: [] }]);
    expect(e.state).toEqual(initialTriggerState());
  });
});

describe('unreadable metrics never count as healthy', () => {
  it('keeps a firing tier firing when its metrics cannot be read', () => {
    const evals = run([
      [0, CRIT],
      [120 * S, CRIT],
      [150 * S, {}],
      [180 * S, { error_rate: 0.001 }], // critical still has availability and p99 unknown: kept
    ]);
    expect(evals[2]?.tier).toBe('critical');
    expect(evals[2]?.events).toEqual([]);
    expect(evals[3]?.tier).toBe('critical');
    expect(evals[3]?.events).toEqual([]);
    expect(evals[3]?.state.tiers.critical).toEqual({ pendingSince: 0, firingSince: 120 * S });
  });

  it('keeps pending through unknowns without firing on unknowns alone, then fires on the next breach', () => {
    const evals = run(
      [
        [0, CRIT],
        [60 * S, {}],
        [120 * S, {}], // window elapsed, but nothing breached: no advance
        [150 * S, CRIT], // a breach after the window: fires
      ],
      RUNBOOK,
    );
    expect(evals[2]?.tier).toBeNull();
    expect(evals[2]?.state.tiers.critical).toEqual({ pendingSince: 0, firingSince: null });
    expect(evals[3]?.tier).toBe('critical');
    expect(evals[3]?.events).toEqual([expect.objectContaining({ type: 'fired', tier: 'critical', at: 150 * S })]);
  });

  it('does not start pending from unknowns', () => {
    const [e] = run([[0, {}]]);
    expect(e?.state).toEqual(initialTriggerState());
    expect(e?.breaches).toEqual([]);
  });

  it('a holding condition still counts when other metrics are missing', () => {
    const [e] = run([[0, { error_rate: 0.12 }]], INSTANT);
    expect(e?.tier).toBe('critical');
  });

  it('a NaN reading is treated as unreadable, not healthy', () => {
    const evals = run(
      [
        [0, CRIT],
        [30 * S, with_({ error_rate: Number.NaN })],
      ],
      INSTANT,
    );
    // error_rate was the only breaching metric; the others are healthy in every tier, so each tier is
    // "false or unknown with one unknown" and keeps firing.
    expect(lastOf(evals).tier).toBe('critical');
    expect(lastOf(evals).events).toEqual([]);
  });
});

describe('runbook tiers (one evaluation, window 0)', () => {
  const cases: Array<[string, MetricSample, 'critical' | 'warning' | 'watch' | null, string[]]> = [
    [
      'error_rate 12%',
      { error_rate: 0.12 },
      'critical',
      ['error_rate 12% > 10%', 'error_rate 12% > 5%', 'error_rate 12% > 2%'],
    ],
    ['error_rate 7%', { error_rate: 0.07 }, 'warning', ['error_rate 7% > 5%', 'error_rate 7% > 2%']],
    ['error_rate 3%', { error_rate: 0.03 }, 'watch', ['error_rate 3% > 2%']],
    [
      'error_rate exactly 10% (not above)',
      { error_rate: 0.1 },
      'warning',
      ['error_rate 10% > 5%', 'error_rate 10% > 2%'],
    ],
    ['availability 94%', { availability: 0.94 }, 'critical', ['availability 94% < 95%']],
    ['availability exactly 95%', { availability: 0.95 }, null, []],
    ['p99 11000 ms', { p99_latency: 11000 }, 'critical', ['p99_latency 11000ms > 10000ms']],
    ['p95 3500 ms', { p95_latency: 3500 }, 'warning', ['p95_latency 3500ms > 3000ms']],
    ['hallucination 20%', { hallucination_rate: 0.2 }, 'warning', ['hallucination_rate 20% > 15%']],
    ['p50 1500 ms', { p50_latency: 1500 }, 'watch', ['p50_latency 1500ms > 1000ms']],
    ['6 complaints', { user_complaints: 6 }, 'watch', ['user_complaints 6 > 5']],
    ['5 complaints (not above)', { user_complaints: 5 }, null, []],
    ['all healthy', {}, null, []],
  ];
  it.each(cases)('%s → %s', (_name, over, tier, breaches) => {
    const [e] = run([[0, with_(over)]], INSTANT);
    expect(e?.tier).toBe(tier);
    expect(e?.breaches.map(describeBreach)).toEqual(breaches);
    expect(e?.events).toEqual(tier ? [expect.objectContaining({ type: 'fired', tier })] : []);
  });
});

describe('highest tier wins, and step changes', () => {
  it('going up fires the new tier only', () => {
    const evals = run(
      [
        [0, WATCH],
        [30 * S, WARN],
        [60 * S, CRIT],
      ],
      INSTANT,
    );
    expect(evals.map((e) => e.tier)).toEqual(['watch', 'warning', 'critical']);
    expect(evals.map((e) => e.events.map((x) => `${x.type} ${x.tier}`))).toEqual([
      ['fired watch'],
      ['fired warning'],
      ['fired critical'],
    ]);
  });

  it('going down clears the old tier and fires the lower tier that still fires', () => {
    const evals = run(
      [
        [0, CRIT],
        [30 * S, WATCH],
      ],
      INSTANT,
    );
    const e = lastOf(evals);
    expect(e.tier).toBe('watch');
    expect(e.events).toEqual([
      { type: 'cleared', tier: 'critical', at: 30 * S, breaches: [] },
      { type: 'fired', tier: 'watch', at: 30 * S, breaches: [expect.objectContaining({ value: 0.03 })] },
    ]);
    expect(e.events[1]?.breaches.map(describeBreach)).toEqual(['error_rate 3% > 2%']);
  });

  it('going down from the top to nothing only clears', () => {
    const evals = run(
      [
        [0, CRIT],
        [30 * S, HEALTHY],
      ],
      INSTANT,
    );
    expect(lastOf(evals).events).toEqual([{ type: 'cleared', tier: 'critical', at: 30 * S, breaches: [] }]);
  });

  it('a lower tier that starts firing under a higher one stays silent until the higher one clears', () => {
    // critical on availability only; the watch tier gets confirmed underneath.
    const evals = run(
      [
        [0, with_({ availability: 0.9 })],
        [30 * S, with_({ availability: 0.9, user_complaints: 9 })],
        [60 * S, with_({ user_complaints: 9 })],
      ],
      INSTANT,
    );
    expect(evals[1]?.events).toEqual([]);
    expect(evals[1]?.state.tiers.watch.firingSince).toBe(30 * S);
    expect(lastOf(evals).events.map((x) => `${x.type} ${x.tier}`)).toEqual(['cleared critical', 'fired watch']);
  });

  it('with a window, each tier confirms on its own run', () => {
    // warning breached from t=0, critical only from t=60: warning fires at 120, critical at 180.
    const evals = run([
      [0, WARN],
      [60 * S, CRIT],
      [120 * S, CRIT],
      [180 * S, CRIT],
    ]);
    expect(evals.map((e) => e.tier)).toEqual([null, null, 'warning', 'critical']);
    expect(evals[2]?.events.map((x) => `${x.type} ${x.tier}`)).toEqual(['fired warning']);
    expect(evals[3]?.events.map((x) => `${x.type} ${x.tier}`)).toEqual(['fired critical']);
  });

  it('ranks critical above warning above watch', () => {
    expect([severityRank('critical'), severityRank('warning'), severityRank('watch')]).toEqual([2, 1, 0]);
  });
});

describe('purity and input checks', () => {
  it('does not modify the state it is given and returns plain JSON data', () => {
    const start = initialTriggerState();
    const snapshot = JSON.stringify(start);
    const [e] = run([[0, CRIT]], RUNBOOK, start);
    expect(JSON.stringify(start)).toBe(snapshot);
    expect(JSON.parse(JSON.stringify(e?.state))).toEqual(e?.state);
  });

  it('a tier with no conditions never fires', () => {
    const r: TriggerRules = { confirmationWindowMs: 0, tiers: { critical: [], warning: [], watch: [] } };
    expect(run([[0, CRIT]], r)[0]?.tier).toBeNull();
  });

  it('refuses a non-finite time and a negative window', () => {
    expect(() => evaluate(initialTriggerState(), HEALTHY, Number.NaN, RUNBOOK)).toThrow(/epoch milliseconds, got NaN/);
    expect(() => evaluate(initialTriggerState(), HEALTHY, 0, rules(-1))).toThrow(
      /confirmationWindowMs must be 0 or more, got -1/,
    );
  });
});
