import { describe, expect, it } from 'vitest';
import { ANY, RUNBOOK_MATRIX, recommend, type Assessment, type Matrix } from '../../src/domain/matrix.ts';
import { BUSINESS_IMPACTS, FIX_TIMES, USER_IMPACTS } from '../../src/domain/types.ts';

describe('RUNBOOK_MATRIX (判断マトリックス)', () => {
  const cases: Array<[string, Assessment, string, number | null]> = [
    ['全体 / 高 / 短 → 即座', { userImpact: 'all', businessImpact: 'high', fixTime: 'short' }, 'immediate', 0],
    ['全体 / 高 / 長 → 即座 (fix time is "-")', { userImpact: 'all', businessImpact: 'high', fixTime: 'long' }, 'immediate', 0],
    ['全体 / 中 / 長 → 即座', { userImpact: 'all', businessImpact: 'medium', fixTime: 'long' }, 'immediate', 1],
    ['一部 / 高 / 長 → 段階的', { userImpact: 'partial', businessImpact: 'high', fixTime: 'long' }, 'gradual', 2],
    ['一部 / 中 / 短 → 修正', { userImpact: 'partial', businessImpact: 'medium', fixTime: 'short' }, 'fix', 3],
    ['軽微 / 低 / 短 → 次回リリース', { userImpact: 'minor', businessImpact: 'low', fixTime: 'short' }, 'next_release', 4],
    ['軽微 / 低 / 長 → 次回リリース (fix time is "-")', { userImpact: 'minor', businessImpact: 'low', fixTime: 'long' }, 'next_release', 4],
    ['全体 / 中 / 短: no row → default gradual', { userImpact: 'all', businessImpact: 'medium', fixTime: 'short' }, 'gradual', null],
    ['一部 / 高 / 短: no row → default gradual', { userImpact: 'partial', businessImpact: 'high', fixTime: 'short' }, 'gradual', null],
    ['軽微 / 高 / 長: no row → default gradual', { userImpact: 'minor', businessImpact: 'high', fixTime: 'long' }, 'gradual', null],
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
        for (const fixTime of FIX_TIMES) expect(recommend(RUNBOOK_MATRIX, { userImpact, businessImpact, fixTime })).not.toBeNull();
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
    expect(recommend(m, { userImpact: 'minor', businessImpact: 'low', fixTime: 'long' })).toEqual({ action: 'immediate', rule: 0 });
    expect(recommend(m, { userImpact: 'minor', businessImpact: 'low', fixTime: 'short' })).toEqual({ action: 'next_release', rule: 1 });
    expect(recommend(m, { userImpact: 'all', businessImpact: 'low', fixTime: 'short' })).toEqual({ action: 'fix', rule: null });
  });

  it('uses the default when there are no rules', () => {
    expect(recommend({ rules: [], default: 'next_release' }, { userImpact: 'all', businessImpact: 'high', fixTime: 'long' })).toEqual({
      action: 'next_release',
      rule: null,
    });
  });
});
