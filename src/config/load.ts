/**
 * Reads config/rewind.yml and turns every problem — YAML syntax or schema — into a line a person
 * can act on: file, line, column, YAML path, what was expected and what was found. All problems
 * come at once, so one edit-and-retry round fixes the whole file.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.ts';

export interface ConfigProblem {
  file: string;
  /** YAML path of the offending node, e.g. `triggers.critical[1]`; empty for the file as a whole. */
  path: string;
  /** 1-based; 0 when the problem is not tied to a place in the file (e.g. it does not exist). */
  line: number;
  column: number;
  /** What was expected and what was found. */
  message: string;
}

/** `unreadable`: the file itself could not be opened (missing, a directory, no permission), not its contents. */
export type LoadResult =
  { ok: true; config: Config; summary: string } | { ok: false; problems: ConfigProblem[]; unreadable?: true };

type Key = string | number;

/** `services.prompt-service.versions[1].timeout` */
export function formatPath(path: readonly Key[]): string {
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k), '');
}

/** `config/rewind.yml:12:5 triggers.critical[1]: unknown metric "eror_rate"; …` */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
  return p.path ? `${where} ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

/** The found-value part of zod's built-in messages, in the words of the config rather than JS. */
function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v);
  return `${typeof v} ${String(v)}`;
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** Messages for issues the schema did not word itself. */
const errorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type': {
      const expected = TYPE_WORDS[iss.expected] ?? iss.expected;
      return iss.input === undefined
        ? `missing required key; expected ${expected}`
        : `expected ${expected}; got ${describeValue(iss.input)}`;
    }
    case 'too_small':
      return iss.origin === 'array'
        ? `expected at least ${String(iss.minimum)} item(s); got ${(iss.input as unknown[] | undefined)?.length ?? 0}`
        : undefined;
    case 'too_big':
      return iss.origin === 'array'
        ? `expected at most ${String(iss.maximum)} item(s); got ${(iss.input as unknown[] | undefined)?.length ?? 0}`
        : undefined;
    case 'invalid_value':
      return `expected one of ${iss.values.map((v) => JSON.stringify(v)).join(' | ')}; got ${describeValue(iss.input)}`;
    default:
      return undefined;
  }
};

/**
 * Where a problem points: the node at `path`; for a missing key, the line that introduces its
 * parent (`slack:`, or the `- {` of a list item), where the key would have to be added.
 */
function locate(doc: Document, path: readonly Key[]): { offset: number; found: boolean } {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (const key of path) {
    const next = childPair(node, key);
    if (!next) return { offset, found: false };
    const keyOffset = (next.key as Node | null)?.range?.[0];
    const valueOffset = (next.value as Node | null)?.range?.[0];
    // A key with nothing after it (`approvers:`) has only its key to point at.
    if (next.value === null || next.value === undefined || (isScalar(next.value) && next.value.value === null)) {
      return { offset: keyOffset ?? valueOffset ?? offset, found: true };
    }
    node = next.value;
    // Scalars are pointed at directly; collections are introduced by their key.
    offset = (isScalar(next.value) ? valueOffset : (keyOffset ?? valueOffset)) ?? offset;
  }
  if (isMap(node) || isSeq(node)) offset = node.range?.[0] ?? offset;
  return { offset, found: true };
}

/** The key/value pair for `key` in a map, or a pseudo-pair for a sequence item. */
function childPair(node: unknown, key: Key): { key: unknown; value: unknown } | undefined {
  if (isMap(node)) return node.items.find((p: Pair) => (isScalar(p.key) ? p.key.value : p.key) == key);
  if (isSeq(node) && typeof key === 'number') {
    const item = node.items[key];
    return item === undefined ? undefined : { key: null, value: item };
  }
  return undefined;
}

/** The key node of `key` inside the map at `parent`, for unknown-key problems. */
function locateKey(doc: Document, parent: readonly Key[], key: string): number | undefined {
  const map = parent.length === 0 ? doc.contents : doc.getIn(parent, true);
  const pair = childPair(map, key);
  return isPair(pair) ? (pair.key as Node | null)?.range?.[0] : undefined;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summarize(file: string, c: Config): string {
  const tiers = [c.triggers.critical, c.triggers.warning, c.triggers.watch];
  const conditions = tiers.reduce((n, t) => n + t.length, 0);
  const usedTiers = tiers.filter((t) => t.length > 0).length;
  return (
    `${file} is valid: ${plural(Object.keys(c.services).length, 'service')}, ` +
    `${plural(conditions, 'trigger condition')} in ${plural(usedTiers, 'tier')}, ` +
    `${plural(c.matrix.rules.length, 'matrix rule')}, ${plural(c.drills.scenarios.length, 'drill scenario')}, ` +
    `${plural(c.escalation.levels.length, 'escalation level')}`
  );
}

/**
 * The parser notices an unclosed `[`, `{` or quote only where the next line no longer fits, which
 * can be far below the typo; point at the opening character instead.
 */
function unclosedOpening(text: string, code: string, message: string, noticedAt: number): number | undefined {
  const before = text.slice(0, noticedAt);
  const quote = /^Missing closing (["'])quote/.exec(message)?.[1];
  if (code === 'MISSING_CHAR' && quote) {
    const at = before.lastIndexOf(quote);
    return at >= 0 ? at : undefined;
  }
  if (code !== 'BAD_INDENT' || !/^Flow (sequence|mapping)/.test(message)) return undefined;
  let depth = 0;
  for (let i = before.length - 1; i >= 0; i--) {
    const ch = before[i];
    if (ch === ']' || ch === '}') depth++;
    else if (ch === '[' || ch === '{') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return undefined;
}

export function parseConfigText(text: string, file: string): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => lineCounter.linePos(offset);

  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const noticed = at(e.pos[0]);
        const opened = unclosedOpening(text, e.code, e.message, e.pos[0]);
        const { line, col } = opened === undefined ? noticed : at(opened);
        const base = `YAML syntax error: ${e.message.split('\n')[0] ?? e.message}`;
        const message = opened === undefined ? base : `${base} (opened here, still open at line ${noticed.line})`;
        return { file, path: '', line, column: col, message };
      }),
    };
  }

  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined) {
    return {
      ok: false,
      problems: [
        {
          file,
          path: '',
          line: 1,
          column: 1,
          message: 'the file is empty; expected a mapping with at least slack and services',
        },
      ],
    };
  }

  const parsed = configSchema.safeParse(data, { error: errorMap, reportInput: true });
  if (parsed.success) return { ok: true, config: parsed.data, summary: summarize(file, parsed.data) };

  const problems: ConfigProblem[] = [];
  for (const issue of parsed.error.issues) {
    const path = issue.path.filter((k): k is Key => typeof k !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      // One problem per unknown key, each pointing at the key itself.
      const lines = issue.message.split('\n');
      issue.keys.forEach((key, i) => {
        const offset = locateKey(doc, path, key) ?? locate(doc, path).offset;
        const { line, col } = at(offset);
        problems.push({
          file,
          path: formatPath([...path, key]),
          line,
          column: col,
          message: lines[i] ?? lines[0] ?? issue.message,
        });
      });
      continue;
    }
    if (issue.code === 'invalid_key') {
      // The name of the entry is wrong, not its contents: point at the name.
      const offset = locateKey(doc, path.slice(0, -1), String(path.at(-1))) ?? locate(doc, path).offset;
      const { line, col } = at(offset);
      problems.push({ file, path: formatPath(path), line, column: col, message: issue.message });
      continue;
    }
    const { offset, found } = locate(doc, path);
    const { line, col } = at(offset);
    // Cross-field checks word their own "needs X" messages; everything else that found nothing is a missing key.
    const last = path.at(-1);
    const missing = !found && issue.code !== 'custom' && issue.input === undefined && typeof last === 'string';
    const message = missing
      ? `missing required key "${last}": ${issue.message.replace(/^missing required key; /, '').replace(/; got nothing$/, '')}`
      : issue.message;
    problems.push({ file, path: formatPath(path), line, column: col, message });
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { ok: false, problems: withoutMissingTypos(problems) };
}

/**
 * `incidentChanel` is one mistake, not two: when an unknown key's suggestion is a required key
 * reported missing beside it, the suggestion already says what to do, so the "missing" line goes.
 */
function withoutMissingTypos(problems: ConfigProblem[]): ConfigProblem[] {
  const suggested = new Set<string>();
  for (const p of problems) {
    const match = /^unknown \w+ "[^"]*"[^(;]*\(did you mean "([^"]+)"\?\)/.exec(p.message);
    if (match) suggested.add(`${p.path.slice(0, p.path.lastIndexOf('.') + 1)}${match[1]}`);
  }
  return problems.filter((p) => !(p.message.startsWith('missing required key') && suggested.has(p.path)));
}

/** The file as text, or why it is not UTF-8 text: a binary (NUL bytes), or the first line not in UTF-8. */
function asText(bytes: Buffer): { text: string } | { binary: true } | { binary: false; line: number } {
  if (bytes.includes(0)) return { binary: true };
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    return { text: strict.decode(bytes) };
  } catch {
    // Only for a file that is not UTF-8: which line, so the person knows where to look.
    // A newline byte is never inside a UTF-8 sequence, so the bad bytes are within one line.
    let start = 0;
    let line = 1;
    for (; start < bytes.length; line++) {
      const end = bytes.indexOf(0x0a, start);
      const stop = end === -1 ? bytes.length : end;
      try {
        strict.decode(bytes.subarray(start, stop));
      } catch {
        break;
      }
      start = stop + 1;
    }
    return { binary: false, line };
  }
}

export function loadConfigFile(file: string): LoadResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const message =
      err.code === 'ENOENT'
        ? 'the file does not exist; check the path (the default is config/rewind.yml)'
        : err.code === 'EISDIR'
          ? 'this is a directory, not a config file'
          : err.code === 'ENOTDIR'
            ? 'a folder on this path is a file'
            : err.code === 'EACCES'
              ? 'permission denied: Rewind may not read this file'
              : `cannot read the file: ${err.message}`;
    return { ok: false, problems: [{ file, path: '', line: 0, column: 0, message }], unreadable: true };
  }
  // YAML's parser would quote the raw bytes back: a screenful of noise instead of the one thing to fix.
  const read = asText(bytes);
  if ('text' in read) return parseConfigText(read.text, file);
  if (read.binary) {
    const message = 'this is a binary file, not YAML text; check the path (the default is config/rewind.yml)';
    return { ok: false, problems: [{ file, path: '', line: 0, column: 0, message }], unreadable: true };
  }
  const message = 'this line is not UTF-8 text; save the file as UTF-8';
  return { ok: false, problems: [{ file, path: '', line: read.line, column: 1, message }] };
}
