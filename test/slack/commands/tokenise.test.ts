import { describe, expect, it } from 'vitest';
import {
  editDistance,
  normaliseText,
  restOfLine,
  suggest,
  tokenise,
} from '../../../src/adapters/slack/commands/tokenise.ts';

describe('tokenise', () => {
  it('splits on any run of whitespace, Unicode spaces included', () => {
    expect(tokenise('  a\u00A0\u00A0b\u3000c\td \u202Fe  ').tokens.map((t) => t.text)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
    ]);
  });

  it('drops zero-width characters', () => {
    expect(tokenise('sta\u200Btus\uFEFF').tokens.map((t) => t.text)).toEqual(['status']);
  });

  it('straightens smart quotes and strips matching outer quotes', () => {
    expect(tokenise('“a” ‘b’ "c" \'d\' "e').tokens.map((t) => t.text)).toEqual(['a', 'b', 'c', 'd', '"e']);
  });

  it('folds full-width forms and reads a leading em or en dash as --', () => {
    expect(tokenise('ＳＴＡＴＵＳ １４：３０ —dry-run –x').tokens.map((t) => t.text)).toEqual([
      'STATUS',
      '14:30',
      '--dry-run',
      '--x',
    ]);
    expect(tokenise('ＳＴＡＴＵＳ').tokens[0]?.lower).toBe('status');
  });

  it('decodes the three entities Slack escapes, &amp; last', () => {
    expect(normaliseText('a &lt;b&gt; &amp;lt; &amp;')).toBe('a <b> &lt; &');
  });

  it('keeps the rest of the line verbatim from a token on', () => {
    const line = tokenise('complaint svc  first  line\nsecond ');
    expect(restOfLine(line, 2)).toBe('first  line\nsecond');
    expect(restOfLine(line, 9)).toBe('');
  });
});

describe('suggestions', () => {
  it('counts insertions, deletions, substitutions and transpositions, ignoring case', () => {
    expect(editDistance('status', 'status')).toBe(0);
    expect(editDistance('Status', 'status')).toBe(0);
    expect(editDistance('stats', 'status')).toBe(1);
    expect(editDistance('stauts', 'status')).toBe(1);
    expect(editDistance('statsu', 'status')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests the one nearest name within 2 edits', () => {
    expect(suggest('promt', ['prompt', 'billing'])).toBe('prompt');
    expect(suggest('prmt', ['prompt', 'billing'])).toBe('prompt');
    expect(suggest('pr', ['prompt', 'billing'])).toBeUndefined();
  });

  it('prefers the strictly nearest and gives up on a tie', () => {
    expect(suggest('v1.0.1', ['v1.0.0', 'v2.0.0'])).toBe('v1.0.0');
    expect(suggest('v1.0', ['v1.0.0', 'v1.0.1'])).toBeUndefined();
  });
});
