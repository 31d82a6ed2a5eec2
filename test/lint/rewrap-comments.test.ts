/**
 * scripts/rewrap-comments.ts wraps the comments Prettier leaves over the house limit. These tests use a width of 40
 * so the inputs stay readable; the rules do not depend on the width.
 */
import { describe, expect, it } from 'vitest';
import { rewrapComments } from '../../scripts/rewrap-comments.ts';

const rewrap = (text: string) => rewrapComments('probe.ts', text.replace(/^\n/, ''), 40);

describe('rewrapComments', () => {
  it('passes the last words of a long line comment on to the next line of its paragraph', () => {
    const { text, tooLong } = rewrap(`
// one two three four five six seven eight nine
// ten.
//
// - an item that is long enough to wrap around here
// - next
const x = 1;
`);
    expect(text).toBe(`// one two three four five six seven
// eight nine ten.
//
// - an item that is long enough to wrap
//   around here
// - next
const x = 1;
`);
    expect(tooLong).toEqual([]);
  });

  it('turns a long one-line doc comment into a block and keeps tags and code spans whole', () => {
    const { text } = rewrap(`
  /** A doc comment that is far too long for forty. */
  /**
   * Calls the longer helper \`fn(a, b, c)\` now.
   * @param a the first argument of the call made here
   */
`);
    expect(text).toBe(`  /**
   * A doc comment that is far too long
   * for forty.
   */
  /**
   * Calls the longer helper
   * \`fn(a, b, c)\` now.
   * @param a the first argument of the
   *   call made here
   */
`);
  });

  it('never starts a line with a tag or a list marker, and leaves strings alone', () => {
    const { text } = rewrap(`
// one two three four five six seven eig @param x
//
// one two three four five six seven eig - x
const s = '// one two three four five six seven eight nine';
`);
    expect(text.split('\n').slice(0, 5)).toEqual([
      '// one two three four five six seven',
      '// eig @param x',
      '//',
      '// one two three four five six seven',
      '// eig - x',
    ]);
    expect(text).toContain(`const s = '// one two three four five six seven eight nine';`);
  });

  it('moves a trailing comment that makes a line too long above its code', () => {
    const { text } = rewrap(`
if (ready) {
  start(); // the engine starts at once, now
}
`);
    expect(text).toBe(`if (ready) {
  // the engine starts at once, now
  start();
}
`);
  });

  it('leaves directives and one word wider than the limit, and reports the latter', () => {
    const input = `
// eslint-disable-next-line no-console -- the CLI prints its answer
// https://example.com/a/very/long/address/for/the/test
const y = 2;
`;
    const { text, tooLong } = rewrap(input);
    expect(text).toBe(input.replace(/^\n/, ''));
    expect(tooLong.map((l) => l.line)).toEqual([1, 2]);
  });
});
