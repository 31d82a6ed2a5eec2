/**
 * Statements are written with better-sqlite3's parameters (`?` in order, or `@name` from one
 * object); node-postgres numbers them (`$1`, `$2`). This rewrites the text once per statement and
 * says how to lay out the values, skipping quoted strings, quoted names and comments.
 */

export type ParameterLayout = { kind: 'positional'; count: number } | { kind: 'named'; names: string[] };

export interface TranslatedStatement {
  text: string;
  layout: ParameterLayout;
}

export function translateParameters(sql: string): TranslatedStatement {
  let out = '';
  let positional = 0;
  const names: string[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || c === '"') {
      const end = closingQuote(sql, i, c);
      out += sql.slice(i, end);
      i = end;
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '?') {
      positional += 1;
      out += `$${positional}`;
      i += 1;
    } else if (c === '@' && /[A-Za-z_]/.test(next ?? '')) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_]/.test(sql[j]!)) j += 1;
      const name = sql.slice(i + 1, j);
      let index = names.indexOf(name);
      if (index === -1) index = names.push(name) - 1;
      out += `$${index + 1}`;
      i = j;
    } else {
      out += c;
      i += 1;
    }
  }
  if (positional > 0 && names.length > 0) throw new Error(`a statement mixes ? and @name parameters: ${sql}`);
  return {
    text: out,
    layout: names.length > 0 ? { kind: 'named', names } : { kind: 'positional', count: positional },
  };
}

/** Index just past the quote that closes the one at `start` (a doubled quote is part of the text). */
function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i += 1;
  }
  return sql.length;
}

/** The values in `$n` order, checked as better-sqlite3 checks them, so both stores refuse the same calls. */
export function bindValues(layout: ParameterLayout, args: unknown[], sql: string): unknown[] {
  if (layout.kind === 'named') {
    const source = args[0];
    if (args.length !== 1 || typeof source !== 'object' || source === null || Array.isArray(source)) {
      throw new TypeError(`a statement with @name parameters takes one object: ${sql}`);
    }
    return layout.names.map((name) => {
      if (!(name in source)) throw new RangeError(`Missing named parameter "${name}"`);
      return value((source as Record<string, unknown>)[name]);
    });
  }
  const flat = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  if (flat.length !== layout.count) {
    throw new RangeError(`Too ${flat.length < layout.count ? 'few' : 'many'} parameter values were provided`);
  }
  return flat.map(value);
}

function value(v: unknown): unknown {
  if (v === undefined) throw new TypeError('undefined cannot be bound: pass null');
  if (typeof v === 'boolean') throw new TypeError('SQLite3 can only bind numbers, strings, bigints, buffers, and null');
  if (typeof v === 'bigint') return v.toString();
  // PostgreSQL's text cannot hold U+0000 (SQLite's can): an alert carrying one would be refused
  // forever. It becomes U+FFFD, the character that says "something unreadable was here".
  return typeof v === 'string' && v.includes('\u0000') ? v.replaceAll('\u0000', '\uFFFD') : v;
}
