/**
 * scripts/split-long-strings.ts splits the string and template literals that keep a line over the house limit. These
 * tests use a width of 40 (Prettier's printWidth too) so the inputs stay readable; the rules do not depend on it.
 */
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { evaluated, normalised, splitLongStrings } from '../../scripts/split-long-strings.ts';

const split = (text: string) => splitLongStrings('probe.ts', text.replace(/^\n/, ''), { width: 40 });

/** What each top-level `const` evaluates to: cooked texts, with `${…}` sources in between. */
function values(text: string): Record<string, string[]> {
  const sf = ts.createSourceFile('probe.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Record<string, string[]> = {};
  for (const stmt of sf.statements) {
    if (!ts.isVariableStatement(stmt)) continue;
    for (const d of stmt.declarationList.declarations) {
      if (ts.isIdentifier(d.name) && d.initializer) out[d.name.text] = normalised(evaluated(d.initializer, sf) ?? []);
    }
  }
  return out;
}

const widest = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));

describe('splitLongStrings', () => {
  it('splits a plain string at a word boundary, keeping its quotes and escapes', async () => {
    const { text, tooLong } = await split(`
const a = 'one two three four five six \\'seven\\' eight';
`);
    expect(text).toBe(`const a =
  'one two three four five six ' +
  "'seven' eight";
`);
    expect(tooLong).toEqual([]);
  });

  it('splits a template in its text, never inside ${…}', async () => {
    const { text } = await split(`
const b = \`one \${two.three(four, five)} six seven eight\`;
`);
    expect(text).toBe(`const b =
  \`one \${two.three(four, five)} six \` +
  \`seven eight\`;
`);
  });

  it('leaves tagged templates, literal types and other literal-typed places alone', async () => {
    const input = `
type T = 'one two three four five six seven eight nine';
const c = sql\`one two three four five six seven eight nine\`;
const d = ['one two three four five six seven eight'] as const;
if (x === 'one two three four five six seven eight') f();
const e = z.literal('one two three four five six seven eight');
`.replace(/^\n/, '');
    const { text, tooLong } = await splitLongStrings('probe.ts', input, { width: 40 });
    expect(text).toBe(input);
    expect(tooLong.map((l) => l.line)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps every value, fits the width where words allow, and changes nothing on a second run', async () => {
    const input = `
const f = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho';
const g = \`alpha \${beta} gamma \${delta.epsilon} zeta eta theta iota \${kappa} lambda mu nu xi omicron\`;
const h = '承認が必要です。別の承認者の方は内容を確認して「承認」を押してください。';
const i = f(\`alpha beta gamma delta epsilon zeta eta\`, 'theta');
`.replace(/^\n/, '');
    const once = await splitLongStrings('probe.ts', input, { width: 40 });
    expect(values(once.text)).toEqual(values(input));
    expect(once.tooLong).toEqual([]);
    expect(widest(once.text)).toBeLessThanOrEqual(40);
    const twice = await splitLongStrings('probe.ts', once.text, { width: 40 });
    expect(twice.text).toBe(once.text);
  });

  it('leaves a word longer than the room whole and reports its line', async () => {
    const { text, tooLong } = await split(`
const j = 'a supercalifragilisticexpialidocious-supercalifragilistic';
`);
    expect(values(text)).toEqual({ j: ['a supercalifragilisticexpialidocious-supercalifragilistic'] });
    expect(tooLong).toHaveLength(1);
  });
});
