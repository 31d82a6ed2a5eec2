import { describe, expect, it } from 'vitest';
import { conditionHolds, formatValue, parseCondition } from '../../src/domain/conditions.ts';
import {
  BUILTIN_CATALOGUE,
  METRIC_NAMES,
  formatMetricValue,
  inDisplayOrder,
  metricCatalogue,
  metricUnit,
  recordedUnit,
  sampleUnits,
} from '../../src/domain/metrics.ts';
import { sampleParts, abortCauseLine } from '../../src/domain/step-facts.ts';
import { describeBreach, evaluate, initialTriggerState } from '../../src/domain/triggers.ts';
import { verificationVerdict } from '../../src/domain/verification.ts';

const catalogue = metricCatalogue({
  ttft_p95: { unit: 'ms' },
  cost_per_request: { unit: 'usd' },
  eval_score: { unit: 'score' },
  refusal_rate: { unit: 'ratio' },
  retries: { unit: 'count' },
});

function parsed(text: string) {
  const r = parseCondition(text, catalogue);
  if (!r.ok) throw new Error(r.error);
  return r.condition;
}

function refusal(text: string): string {
  const r = parseCondition(text, catalogue);
  if (r.ok) throw new Error(`expected "${text}" to be refused`);
  return r.error;
}

describe('the catalogue of a config', () => {
  it('holds the built-ins in the runbook order, then the custom metrics as written, each with its unit', () => {
    expect(catalogue.names).toEqual([
      ...METRIC_NAMES,
      'ttft_p95',
      'cost_per_request',
      'eval_score',
      'refusal_rate',
      'retries',
    ]);
    expect(catalogue.units.p95_latency).toBe('ms');
    expect(catalogue.units.cost_per_request).toBe('usd');
    expect(BUILTIN_CATALOGUE.names).toEqual(METRIC_NAMES);
  });

  it('lists names built-ins first, whatever order they come in', () => {
    expect(inDisplayOrder(['ttft_p95', 'p99_latency', 'cost_per_request', 'error_rate'])).toEqual([
      'error_rate',
      'p99_latency',
      'ttft_p95',
      'cost_per_request',
    ]);
  });
});

describe('conditions on custom metrics, read in the unit of their metric', () => {
  it.each([
    ['ttft_p95 > 2000', 'ms', 2000],
    ['ttft_p95 > 2000ms', 'ms', 2000],
    ['ttft_p95 > 2s', 'ms', 2000],
    ['cost_per_request > 0.02', 'usd', 0.02],
    ['cost_per_request > $0.02', 'usd', 0.02],
    ['eval_score < 0.8', 'score', 0.8],
    ['eval_score < -0.5', 'score', -0.5],
    ['eval_score >= 12', 'score', 12],
    ['refusal_rate > 10%', 'ratio', 0.1],
    ['refusal_rate > 0.10', 'ratio', 0.1],
    ['retries > 3', 'count', 3],
  ])('%s', (text, unit, threshold) => {
    expect(parsed(text)).toMatchObject({ unit, threshold, text });
  });

  it('keep the built-ins as they were, now carrying their unit', () => {
    expect(parseCondition('error_rate > 10%')).toEqual({
      ok: true,
      condition: { metric: 'error_rate', unit: 'ratio', op: '>', threshold: 0.1, text: 'error_rate > 10%' },
    });
    expect(parsed('p99_latency > 10s')).toMatchObject({ unit: 'ms', threshold: 10_000 });
  });

  it.each([
    ['cost_per_request > 2%', 'cost_per_request is in US dollars: write 0.02 or $0.02, not "2%"'],
    ['cost_per_request > 5ms', 'cost_per_request is in US dollars: write 0.02 or $0.02, not "5ms"'],
    ['eval_score < 80%', 'eval_score is a score: write a plain number, not "80%"'],
    ['eval_score < $1', 'eval_score is a score: write a plain number, not "$1"'],
    ['retries > 3s', 'retries is a count: write a plain number, not "3s"'],
    ['ttft_p95 > 20%', 'ttft_p95 is a latency in milliseconds, not a percentage'],
    ['ttft_p95 > $2', 'ttft_p95 is a latency in milliseconds, not an amount of dollars'],
    ['refusal_rate > 10', 'refusal_rate is a ratio between 0 and 1: "10" is out of range (did you mean "10%"?)'],
    ['refusal_rate > 150%', 'refusal_rate is a ratio: "150%" is above 100%'],
    ['refusal_rate > $0.1', 'refusal_rate is a ratio: write a percentage ("10%") or a fraction ("0.10"), not "$0.1"'],
    ['cost_per_request > -0.02', 'cost_per_request cannot be negative: "-0.02" is below 0'],
    ['error_rate > -1%', 'error_rate cannot be negative: "-1%" is below 0'],
  ])('refuse %s', (text, message) => {
    expect(refusal(text)).toBe(message);
  });

  it('name an unknown metric with the metrics the catalogue knows', () => {
    const r = parseCondition('ttft_p59 > 2000', catalogue);
    expect(r).toMatchObject({ ok: false, unknownMetric: { name: 'ttft_p59', known: catalogue.names } });
    // Without the config's custom metrics, a custom name is unknown.
    expect(parseCondition('ttft_p95 > 2000').ok).toBe(false);
  });
});

describe('values in their unit', () => {
  it.each([
    ['ratio', 0.125, '12.5%'],
    ['ms', 2612.4, '2612ms'],
    ['count', 7, '7'],
    ['usd', 0.0123, '$0.0123'],
    ['usd', 0.02, '$0.02'],
    ['usd', 0.031456, '$0.0315'],
    ['usd', 12.5, '$12.50'],
    ['usd', 0, '$0'],
    ['usd', 0.0000123, '$0.000012'],
    ['usd', -0.5, '-$0.5'],
    ['score', 0.8, '0.8'],
    ['score', 0.123456, '0.1235'],
  ] as const)('%s %s reads %s', (unit, value, shown) => {
    expect(formatMetricValue(unit, value)).toBe(shown);
  });

  it('a record keeps a unit only where the name does not say it, and reads it back', () => {
    expect(recordedUnit('p99_latency', 'ms')).toEqual({});
    expect(recordedUnit('cost_per_request', 'usd')).toEqual({ unit: 'usd' });
    expect(metricUnit('p99_latency')).toBe('ms');
    expect(metricUnit('cost_per_request', 'usd')).toBe('usd');
    // A custom metric since removed from the config, recorded without its unit: a plain number.
    expect(metricUnit('gone_metric')).toBe('score');
    expect(formatValue('cost_per_request', 0.031, 'usd')).toBe('$0.031');
  });
});

describe('custom metrics through the trigger core, the step facts and verification', () => {
  const rules = {
    confirmationWindowMs: 0,
    tiers: { critical: [], warning: [parsed('cost_per_request > $0.02')], watch: [parsed('eval_score < 0.8')] },
  };

  it('fire a tier like a built-in, and say the breach in their unit', () => {
    const r = evaluate(initialTriggerState(), { cost_per_request: 0.031, eval_score: 0.91 }, 0, rules);
    expect(r.tier).toBe('warning');
    expect(r.events[0]?.breaches.map(describeBreach)).toEqual(['cost_per_request $0.031 > $0.02']);
    // Unset in the sample: unknown, never healthy.
    expect(conditionHolds(parsed('eval_score < 0.8'), {})).toBeUndefined();
  });

  it('a sample lists the built-ins first, then custom metrics in the units the fact carries', () => {
    const sample = { ttft_p95: 2600, error_rate: 0.004, cost_per_request: 0.0042 };
    const units = sampleUnits(sample, catalogue);
    expect(units).toEqual({ units: { ttft_p95: 'ms', cost_per_request: 'usd' } });
    expect(sampleParts(sample, units.units)).toEqual([
      ['error_rate', '0.4%'],
      ['ttft_p95', '2600ms'],
      ['cost_per_request', '$0.0042'],
    ]);
    expect(sampleUnits({ error_rate: 0.01 }, catalogue)).toEqual({});
    expect(
      abortCauseLine({
        kind: 'abort_if_held',
        metric: 'cost_per_request',
        unit: 'usd',
        version: 'v2.0.0',
        value: 0.031,
        condition: 'cost_per_request > $0.02',
      }),
    ).toBe('cost_per_request of v2.0.0 $0.031 (abortIf: cost_per_request > $0.02)');
  });

  it('verification moves carry a custom metric with its unit, after the built-ins', () => {
    const tiers = { warning: [parsed('cost_per_request > $0.02'), parsed('error_rate > 5%')] };
    const verdict = verificationVerdict(
      { cost_per_request: 0.031, error_rate: 0.07 },
      { cost_per_request: 0.004, error_rate: 0.004 },
      { cost_per_request: [[1, 0.005]], error_rate: [[1, 0.004]] },
      tiers,
    );
    expect(verdict.recovered).toBe(true);
    expect(verdict.moves.map((m) => [m.metric, m.unit, m.before, m.after, m.series])).toEqual([
      ['error_rate', undefined, 0.07, 0.004, [0.07, 0.004]],
      ['cost_per_request', 'usd', 0.031, 0.004, [0.031, 0.005]],
    ]);
    const unread = verificationVerdict({}, { error_rate: 0.004 }, {}, tiers);
    expect(unread).toMatchObject({ recovered: false, breaching: ['cost_per_request unreadable'] });
  });
});
