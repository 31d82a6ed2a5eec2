import { describe, expect, it } from 'vitest';
import {
  UNKNOWN_ROUTER,
  canRun,
  runnableActions,
  type RouterFacts,
  type RouterTraits,
} from '../../src/domain/routing.ts';

describe('what a router can run, decided by its traits', () => {
  const movesAtOnce: RouterTraits = { movesAtOnce: true };
  const splits: RouterTraits = { movesAtOnce: false };

  it('a router moving traffic at once (blue-green) runs no gradual rollback; one that splits runs every action', () => {
    expect(runnableActions(movesAtOnce)).toEqual(['immediate', 'fix', 'next_release']);
    expect(runnableActions(splits)).toEqual(['immediate', 'gradual', 'fix', 'next_release']);
    expect(canRun('gradual', movesAtOnce)).toBe(false);
    expect(canRun('immediate', movesAtOnce)).toBe(true);
    expect(canRun('gradual', splits)).toBe(true);
  });

  it('the name plays no part: only the traits do', () => {
    const renamed: RouterFacts[] = [
      { name: 'service-selector', movesAtOnce: false },
      { name: 'istio', movesAtOnce: true },
    ];
    expect(renamed.map((r) => runnableActions(r).includes('gradual'))).toEqual([true, false]);
  });

  it('a service whose router is not known has nothing ruled out, as before any router is configured', () => {
    expect(runnableActions(UNKNOWN_ROUTER)).toEqual(['immediate', 'gradual', 'fix', 'next_release']);
  });
});
