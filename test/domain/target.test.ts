import { describe, expect, it } from 'vitest';
import { chooseTarget } from '../../src/domain/target.ts';

const chain = ['v2.0.0', 'v1.5.0', 'v1.0.0'];

describe('chooseTarget', () => {
  it.each([
    [
      { from: 'v2.0.0', requested: 'v1.0.0', history: [] },
      { ok: true, to: 'v1.0.0', reason: 'requested' },
    ],
    [
      { from: 'v2.0.0', requested: null, history: [] },
      { ok: true, to: 'v1.5.0', reason: 'fallback_chain' },
    ],
    [
      { from: 'v1.5.0', requested: null, history: [] },
      { ok: true, to: 'v1.0.0', reason: 'fallback_chain' },
    ],
    [
      { from: 'v1.0.0', requested: null, history: ['v1.0.0', 'v1.5.0'] },
      { ok: true, to: 'v1.5.0', reason: 'history' },
    ],
    [
      { from: null, requested: null, history: ['v1.5.0'] },
      { ok: true, to: 'v1.5.0', reason: 'history' },
    ],
    [
      { from: 'v1.0.0', requested: null, history: [] },
      { ok: false, error: 'no_target', known: chain },
    ],
    [
      { from: 'v2.0.0', requested: 'v9.9.9', history: [] },
      { ok: false, error: 'unknown_version', known: chain },
    ],
    [
      { from: 'v2.0.0', requested: 'v2.0.0', history: [] },
      { ok: false, error: 'same_version', known: chain },
    ],
    [
      { from: null, requested: null, history: ['v0.1.0'] },
      { ok: false, error: 'no_target', known: chain },
    ],
  ])('%j → %j', (input, expected) => {
    expect(chooseTarget({ chain, ...input })).toEqual(expected);
  });
});
