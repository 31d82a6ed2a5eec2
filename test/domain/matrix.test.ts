import { describe, expect, it } from 'vitest';
import { parseCondition, type Condition } from '../../src/domain/conditions.ts';
import {
  ANY,
  RUNBOOK_MATRIX,
  recommend,
  recommendFor,
  unrunnableRecommendations,
  type Assessment,
  type Matrix,
  type ServiceFacts,
} from '../../src/domain/matrix.ts';
import type { MetricSample } from '../../src/domain/metrics.ts';
import type { RouterFacts } from '../../src/domain/routing.ts';
import { BUSINESS_IMPACTS, FIX_TIMES, USER_IMPACTS } from '../../src/domain/types.ts';

describe('RUNBOOK_MATRIX (判断マトリックス)', () => {
  const cases: Array<[string, Assessment, string, number | null]> = [
    ['全体 / 高 / 短 → 即座', { userImpact: 'all', businessImpact: 'high', fixTime: 'short' }, 'immediate', 0],
    [
      '全体 / 高 / 長 → 即座 (fix time is "-")',
      { userImpact: 'all', businessImpact: 'high', fixTime: 'long' },
      'immediate',
      0,
    ],
    ['全体 / 中 / 長 → 即座', { userImpact: 'all', businessImpact: 'medium', fixTime: 'long' }, 'immediate', 1],
    ['一部 / 高 / 長 → 段階的', { userImpact: 'partial', businessImpact: 'high', fixTime: 'long' }, 'gradual', 2],
    ['一部 / 中 / 短 → 修正', { userImpact: 'partial', businessImpact: 'medium', fixTime: 'short' }, 'fix', 3],
    [
      '軽微 / 低 / 短 → 次回リリース',
      { userImpact: 'minor', businessImpact: 'low', fixTime: 'short' },
      'next_release',
      4,
    ],
    [
      '軽微 / 低 / 長 → 次回リリース (fix time is "-")',
      { userImpact: 'minor', businessImpact: 'low', fixTime: 'long' },
      'next_release',
      4,
    ],
    [
      '全体 / 中 / 短: no row → default gradual',
      { userImpact: 'all', businessImpact: 'medium', fixTime: 'short' },
      'gradual',
      null,
    ],
    [
      '一部 / 高 / 短: no row → default gradual',
      { userImpact: 'partial', businessImpact: 'high', fixTime: 'short' },
      'gradual',
      null,
    ],
    [
      '軽微 / 高 / 長: no row → default gradual',
      { userImpact: 'minor', businessImpact: 'high', fixTime: 'long' },
      'gradual',
      null,
    ],
  ];
  it.each(cases)('%s', (_name, assessment, action, rule) => {
    expect(recommend(RUNBOOK_MATRIX, assessment)).toEqual({ action, rule });
  });

  it('has the runbook five rows and the gradual default', () => {
    expect(RUNBOOK_MATRIX.rules.map((r) => [r.userImpact, r.businessImpact, r.fixTime, r.action])).toEqual([
      ['all', 'high', '-', 'immediate'],
      ['all', 'medium', 'long', 'immediate'],
      ['partial', 'high', 'long', 'gradual'],
      ['partial', 'medium', 'short', 'fix'],
      ['minor', 'low', '-', 'next_release'],
    ]);
    expect(RUNBOOK_MATRIX.default).toBe('gradual');
  });

  it('answers every complete assessment', () => {
    for (const userImpact of USER_IMPACTS)
      for (const businessImpact of BUSINESS_IMPACTS)
        for (const fixTime of FIX_TIMES)
          expect(recommend(RUNBOOK_MATRIX, { userImpact, businessImpact, fixTime })).not.toBeNull();
  });
});

describe('recommend', () => {
  it('returns null until all three answers are set', () => {
    expect(recommend(RUNBOOK_MATRIX, {})).toBeNull();
    expect(recommend(RUNBOOK_MATRIX, { userImpact: 'all' })).toBeNull();
    expect(recommend(RUNBOOK_MATRIX, { userImpact: 'all', businessImpact: 'high' })).toBeNull();
    expect(recommend(RUNBOOK_MATRIX, { businessImpact: 'high', fixTime: 'short' })).toBeNull();
    expect(recommend(RUNBOOK_MATRIX, { userImpact: 'minor', fixTime: 'short' })).toBeNull();
  });

  it('takes the first matching rule, with "-" matching anything in any column', () => {
    const m: Matrix = {
      rules: [
        { userImpact: ANY, businessImpact: ANY, fixTime: 'long', action: 'immediate' },
        { userImpact: 'minor', businessImpact: ANY, fixTime: ANY, action: 'next_release' },
        { userImpact: 'minor', businessImpact: 'low', fixTime: 'short', action: 'fix' }, // shadowed by the row above
      ],
      default: 'fix',
    };
    expect(recommend(m, { userImpact: 'minor', businessImpact: 'low', fixTime: 'long' })).toEqual({
      action: 'immediate',
      rule: 0,
    });
    expect(recommend(m, { userImpact: 'minor', businessImpact: 'low', fixTime: 'short' })).toEqual({
      action: 'next_release',
      rule: 1,
    });
    expect(recommend(m, { userImpact: 'all', businessImpact: 'low', fixTime: 'short' })).toEqual({
      action: 'fix',
      rule: null,
    });
  });

  it('uses the default when there are no rules', () => {
    expect(
      recommend({ rules: [], default: 'next_release' }, { userImpact: 'all', businessImpact: 'high', fixTime: 'long' }),
    ).toEqual({
      action: 'next_release',
      rule: null,
    });
  });
});

/** A router that moves traffic at once, and one that splits it: the traits decide, the name is only shown. */
const BLUE_GREEN: RouterFacts = { name: 'service-selector', movesAtOnce: true };
const ISTIO: RouterFacts = { name: 'istio', movesAtOnce: false };

describe('recommendFor: the matrix checked against the service and its latest readings', () => {
  const parsed = parseCondition('error_rate > 5%');
  if (!parsed.ok) throw new Error(parsed.error);
  const abortIf: Condition = parsed.condition;
  const RULE_3: Assessment = { userImpact: 'partial', businessImpact: 'high', fixTime: 'long' }; // 一部 / 高 / 長 → 段階的
  const facts = (router: RouterFacts, readings: MetricSample = {}): ServiceFacts => ({
    service: 'prompt-service',
    router,
    readings,
    abortIf,
  });

  it('keeps a gradual rollback on a router that splits traffic, when no reading meets abortIf', () => {
    expect(recommendFor(RUNBOOK_MATRIX, RULE_3, facts(ISTIO, { error_rate: 0.03, p95_latency: 3400 }))).toEqual({
      action: 'gradual',
      rule: 2,
    });
  });

  it('recommends immediate on a blue-green router, saying the matrix said gradual and why', () => {
    expect(recommendFor(RUNBOOK_MATRIX, RULE_3, facts(BLUE_GREEN))).toEqual({
      action: 'immediate',
      rule: 2,
      instead: {
        matrixAction: 'gradual',
        reason: { kind: 'moves_at_once', service: 'prompt-service', router: 'service-selector' },
      },
    });
    // the default, gradual
    const unlisted: Assessment = { userImpact: 'minor', businessImpact: 'high', fixTime: 'long' };
    expect(recommendFor(RUNBOOK_MATRIX, unlisted, facts(BLUE_GREEN))).toMatchObject({
      action: 'immediate',
      rule: null,
      instead: { matrixAction: 'gradual' },
    });
  });

  it('recommends immediate when the latest reading already meets abortIf, naming the value', () => {
    expect(recommendFor(RUNBOOK_MATRIX, RULE_3, facts(ISTIO, { error_rate: 0.072 }))).toEqual({
      action: 'immediate',
      rule: 2,
      instead: {
        matrixAction: 'gradual',
        reason: { kind: 'abort_if_holds', metric: 'error_rate', value: 0.072, abortIf: 'error_rate > 5%' },
      },
    });
    // At the threshold it does not hold yet (`>`), and a metric never read is not taken as breaching.
    expect(recommendFor(RUNBOOK_MATRIX, RULE_3, facts(ISTIO, { error_rate: 0.05 }))?.action).toBe('gradual');
    expect(recommendFor(RUNBOOK_MATRIX, RULE_3, facts(ISTIO, { p99_latency: 20_000 }))?.action).toBe('gradual');
  });

  it('leaves every other action and an incomplete assessment alone', () => {
    const all: Assessment = { userImpact: 'all', businessImpact: 'high', fixTime: 'short' };
    const fix: Assessment = { userImpact: 'partial', businessImpact: 'medium', fixTime: 'short' };
    expect(recommendFor(RUNBOOK_MATRIX, all, facts(BLUE_GREEN, { error_rate: 0.2 }))).toEqual({
      action: 'immediate',
      rule: 0,
    });
    expect(recommendFor(RUNBOOK_MATRIX, fix, facts(BLUE_GREEN, { error_rate: 0.2 }))).toEqual({
      action: 'fix',
      rule: 3,
    });
    expect(recommendFor(RUNBOOK_MATRIX, { userImpact: 'partial' }, facts(BLUE_GREEN))).toBeNull();
  });
});

describe('unrunnableRecommendations', () => {
  it('finds the rules and the default that recommend what a service cannot run', () => {
    expect(unrunnableRecommendations(RUNBOOK_MATRIX, { 'prompt-service': BLUE_GREEN, staging: ISTIO })).toEqual([
      { rule: 2, action: 'gradual', services: ['prompt-service'] },
      { rule: null, action: 'gradual', services: ['prompt-service'] },
    ]);
    expect(
      unrunnableRecommendations(RUNBOOK_MATRIX, { 'prompt-service': ISTIO, staging: { movesAtOnce: false } }),
    ).toEqual([]);
    expect(unrunnableRecommendations({ rules: [], default: 'immediate' }, { 'prompt-service': BLUE_GREEN })).toEqual(
      [],
    );
  });
});
