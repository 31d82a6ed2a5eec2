/**
 * Turns slash-command text into words. Slack delivers what the person's keyboard produced: macOS
 * and iOS turn quotes into “smart” ones and `--` into an em dash, Japanese IMEs type full-width
 * spaces and digits, pasted text brings non-breaking and zero-width spaces, and Slack itself escapes
 * `&`, `<` and `>`. All of that is undone here so the parsers see plain words.
 */

import type { ParseError } from './types.ts';

export interface Token {
  /** The word, normalised (NFKC, outer quotes removed, a leading em/en dash read as `--`). */
  text: string;
  /** `text` in lower case, for matching subcommands and keywords. */
  lower: string;
  /** Where the word starts in `Line.source`, so free text after it can be taken verbatim. */
  start: number;
}

export interface Line {
  /** The whole text after whitespace, quote and entity normalisation (not NFKC). */
  source: string;
  tokens: Token[];
}

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;
// Any Unicode space that is not a line break (NBSP, ideographic space, thin spaces, tabs, …).
const SPACE = /[^\S\r\n]/g;
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032\uFF07]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\uFF02]/g;

/** Slack escapes these three in command text; decode `&amp;` last so `&amp;lt;` stays `&lt;`. */
function decodeSlackEntities(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

export function normaliseText(raw: string): string {
  return decodeSlackEntities(raw)
    .replace(ZERO_WIDTH, '')
    .replace(SPACE, ' ')
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"');
}

function normaliseWord(word: string): string {
  let w = word.normalize('NFKC');
  if (w.length >= 2 && (w[0] === '"' || w[0] === "'") && w.at(-1) === w[0]) w = w.slice(1, -1);
  return w.replace(/^[\u2013\u2014]/, '--');
}

export function tokenise(raw: string): Line {
  const source = normaliseText(raw);
  const tokens: Token[] = [];
  for (const m of source.matchAll(/\S+/g)) {
    const text = normaliseWord(m[0]);
    tokens.push({ text, lower: text.toLowerCase(), start: m.index });
  }
  return { source, tokens };
}

/** `unexpected_argument` for the first word at or after `from`; null when there is none. */
export function unexpectedAfter(line: Line, from: number): ParseError | null {
  const extra = line.tokens[from];
  return extra ? { code: 'unexpected_argument', given: extra.text } : null;
}

/** The source text from the token at `index` to the end, trimmed ('' when there is none). */
export function restOfLine(line: Line, index: number): string {
  const token = line.tokens[index];
  return token ? line.source.slice(token.start).trim() : '';
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions, so `promtp` is one
 * edit from `prompt`), compared case-insensitively.
 */
export function editDistance(a: string, b: string): number {
  const s = [...a.toLowerCase()];
  const t = [...b.toLowerCase()];
  const rows: number[][] = [];
  for (let i = 0; i <= s.length; i++)
    rows.push(Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= s.length; i++) {
    const row = rows[i];
    if (!row) continue;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      row[j] = best;
    }
  }
  return at(s.length, t.length);
}

export const MAX_SUGGESTION_DISTANCE = 2;

/**
 * The known name nearest to `given` when it is within distance 2 and no other name is as near;
 * undefined otherwise (a guess between two equally near names would mislead).
 */
export function suggest(given: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let tie = false;
  for (const name of known) {
    if (name === given) continue;
    const d = editDistance(given, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) {
      tie = true;
    }
  }
  return best !== undefined && !tie && bestDistance <= MAX_SUGGESTION_DISTANCE ? best : undefined;
}

/** Adds `suggestion` only when there is one, so errors compare equal without an undefined key. */
export function withSuggestion<E extends object>(
  error: E,
  given: string,
  known: readonly string[],
): E & { suggestion?: string } {
  const suggestion = suggest(given, known);
  return suggestion === undefined ? error : { ...error, suggestion };
}
