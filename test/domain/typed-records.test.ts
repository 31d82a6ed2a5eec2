/**
 * The stored records are typed: a misspelt field of a timeline event or a step detail does not
 * compile. Each `@ts-expect-error` below must meet an error, or `npm run typecheck` fails with
 * "Unused '@ts-expect-error' directive" — so these lines are checked by the compiler, and the test
 * body checks the correctly spelt records are what a reader narrows on.
 */
import { describe, expect, it } from 'vitest';
import type { RollbackStepDetail } from '../../src/domain/rollback-record.ts';
import type { TimelineDetail } from '../../src/domain/timeline.ts';

describe('typed records', () => {
  it('refuses a misspelt field of an event or a step detail at compile time', () => {
    const decision: TimelineDetail<'decision'> = { action: 'gradual', recommended: 'immediate' };
    // @ts-expect-error `recommend` is not a field of a decision (it is `recommended`)
    const misspelt: TimelineDetail<'decision'> = { action: 'gradual', recommend: 'immediate' };
    const step: RollbackStepDetail = { kind: 'set_weight', phase: 0, weight: 25 };
    // @ts-expect-error a set_weight step has a `weight`, not a `weigth`
    const typo: RollbackStepDetail = { kind: 'set_weight', phase: 0, weigth: 25 };
    // @ts-expect-error an observe step has no `weight`
    const wrongKind: RollbackStepDetail = { kind: 'observe', phase: 0, observeMs: 1_000, weight: 25 };
    expect([misspelt, typo, wrongKind]).toHaveLength(3);
    expect(decision.recommended).toBe('immediate');
    expect(step.kind === 'set_weight' ? step.weight : null).toBe(25);
  });
});
