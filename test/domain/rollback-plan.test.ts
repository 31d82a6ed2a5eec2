import { describe, expect, it } from 'vitest';
import { gradualSteps, phasesFrom, phasesToSkip } from '../../src/domain/rollback-plan.ts';

describe('phasesFrom: a gradual rollback starts from the share the version has now', () => {
  it('runs every phase below the share, from the runbook 50/50', () => {
    expect(phasesFrom([25, 5, 0], 50)).toEqual({ run: [25, 5, 0], skipped: [] });
    expect(phasesFrom([25, 5, 0], 100)).toEqual({ run: [25, 5, 0], skipped: [] });
  });

  it('skips phases at or above the share: a rollback never raises it, and the same share changes nothing', () => {
    expect(phasesFrom([25, 5, 0], 20)).toEqual({ run: [5, 0], skipped: [25] });
    expect(phasesFrom([25, 5, 0], 25)).toEqual({ run: [5, 0], skipped: [25] });
    expect(phasesFrom([75, 50, 25, 0], 60)).toEqual({ run: [50, 25, 0], skipped: [75] });
  });

  it('always runs the last phase, the rollback itself, even with nothing left on the version', () => {
    expect(phasesFrom([25, 5, 0], 3)).toEqual({ run: [0], skipped: [25, 5] });
    expect(phasesFrom([25, 5, 0], 0)).toEqual({ run: [0], skipped: [25, 5] });
  });

  it('runs all of them when the share could not be read', () => {
    expect(phasesFrom([25, 5, 0], null)).toEqual({ run: [25, 5, 0], skipped: [] });
  });

  it('the engine skips the same phases among its planned steps', () => {
    const steps = gradualSteps(
      [
        { weight: 25, observeMs: 600_000 },
        { weight: 5, observeMs: 600_000 },
        { weight: 0, observeMs: null },
      ],
      300_000,
    );
    expect(phasesToSkip(steps, 50)).toEqual([]);
    expect(phasesToSkip(steps, 20)).toEqual([0]);
    expect(phasesToSkip(steps, 5)).toEqual([0, 1]);
    expect(phasesToSkip(steps, 0)).toEqual([0, 1]);
  });
});
