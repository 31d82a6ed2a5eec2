// Rewraps comments wider than the house limit (120 columns), the one thing Prettier leaves alone.
//
//   node bin/run-ts.mjs scripts/rewrap-comments.ts [--write] [--width N] [file or folder ...]
//
// Without --write it only reports: the files it would change, and the comment lines it cannot shorten. It exits 1
// when a file would change or a comment line stays too long, so it also works as a check. Without paths it takes
// every .ts, .js and .mjs file git knows of. Run it after `prettier --write`, which sets the indentation the widths
// depend on (`npm run format` runs both).
//
// What it does, keeping the author's line breaks wherever the text fits:
// - a `//` line or a line of a `/* */` or `/** */` comment over the limit gives its last words to the next line of
//   the same paragraph (which may pass words on in turn), or to a new line with the same prefix when the paragraph
//   ends there. A paragraph ends at a blank comment line, a list item (`- `, `* `, `1. `), a JSDoc tag (`@param`), a
//   fenced code block or a line indented differently; list items and tags continue with a hanging indent;
// - a line is never broken inside `code in backticks`, nor so that the next line would start with `@`, a list
//   marker or a fence (that would change what the comment says);
// - a one-line `/** text */` over the limit becomes a block of ` * ` lines;
// - a `//` comment after code that makes the line too long moves above that code, at its indentation;
// - directives (`// eslint-…`, `// @ts-…`, `// prettier-ignore`, `///`) and fenced code are left as they are.
// A single word longer than the limit (a URL) stays as it is; the report lists such lines.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { rewriteOptions } from './source-files.ts';

const LIST_ITEM = /^([-*+]|\d+[.)]) /;
/** What must not begin a line made by a break: it would turn prose into a list item, a tag, a fence or a heading. */
const STARTS_SOMETHING = /^([-*+] |\d+[.)] |@|```|#|\||>|\*\/)/;
const DIRECTIVE = /^(eslint|@ts-|prettier-ignore|istanbul |c8 |#region|#endregion)/;

interface Comment {
  block: boolean;
  start: ts.LineAndCharacter;
  end: ts.LineAndCharacter;
}

/** Every comment of a file with its place, found through the parse so strings and templates are never mistaken. */
function commentsOf(fileName: string, text: string): Comment[] {
  const kind = fileName.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const found = new Map<number, ts.CommentRange>();
  const visit = (node: ts.Node): void => {
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return;
    const children = node.getChildren(sf);
    if (children.length > 0) return children.forEach(visit);
    // Every comment lies in the trivia before some token: "leading" ranges skip a comment that shares the line
    // of the token before it, which is that token's "trailing" range.
    const leading = ts.getLeadingCommentRanges(text, node.pos) ?? [];
    const trailing = ts.getTrailingCommentRanges(text, node.end) ?? [];
    for (const range of [...leading, ...trailing]) found.set(range.pos, range);
  };
  visit(sf);
  return [...found.values()].map((range) => ({
    block: range.kind === ts.SyntaxKind.MultiLineCommentTrivia,
    start: sf.getLineAndCharacterOfPosition(range.pos),
    end: sf.getLineAndCharacterOfPosition(range.end),
  }));
}

/** Where `body` may break: spaces outside backtick code spans. */
function breakPoints(body: string): number[] {
  const points: number[] = [];
  let inCode = false;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '`') inCode = !inCode;
    else if (body[i] === ' ' && !inCode && i > 0 && body[i - 1] !== ' ') points.push(i);
  }
  return points;
}

/** Splits `body` so that `prefix + head` fits in `width`; null when no allowed break does. */
function split(prefix: string, body: string, width: number): { head: string; tail: string } | null {
  const fitting = breakPoints(body).filter((i) => prefix.length + body.slice(0, i).trimEnd().length <= width);
  for (const i of fitting.reverse()) {
    const head = body.slice(0, i).trimEnd();
    const tail = body.slice(i).trimStart();
    if (head && tail && !STARTS_SOMETHING.test(tail)) return { head, tail };
  }
  return null;
}

interface CommentLine {
  /** Indentation, comment marker and the spaces before the text. */
  prefix: string;
  body: string;
  /** What a line carrying on the same paragraph starts with (a hanging indent under a list item or a tag). */
  continuation: string;
  /** A blank line, a list item or a tag: the start of a paragraph, never joined to the line above. */
  startsParagraph: boolean;
}

function parseLine(line: string, marker: '//' | '*'): CommentLine | null {
  const m = marker === '//' ? /^(\s*\/\/+ *)(.*)$/.exec(line) : /^(\s*(?:\/\*\*?|\*(?!\/))? *)(.*)$/.exec(line);
  if (!m) return null;
  const prefix = m[1] ?? '';
  const body = m[2] ?? '';
  // The first line of a block (`/** text`) continues as ` * text` under it.
  const lead = prefix.replace(/\/\*\*?/, ' *');
  const item = LIST_ITEM.exec(body)?.[0] ?? (body.startsWith('@') ? '@' : null);
  const hang = item === null ? '' : ' '.repeat(item === '@' ? 2 : item.length);
  return { prefix, body, continuation: lead + hang, startsParagraph: item !== null || body === '' };
}

function isLeftAlone(raw: string, line: CommentLine): boolean {
  return DIRECTIVE.test(line.body) || raw.trimStart().startsWith('///');
}

/** Rewraps consecutive comment lines: a run of `//` lines, or the lines of one block comment. */
function rewrapLines(lines: string[], marker: '//' | '*', width: number): string[] {
  const out = [...lines];
  let fenced = false;
  for (let i = 0; i < out.length; i++) {
    const raw = out[i] ?? '';
    const line = parseLine(raw, marker);
    if (!line) continue;
    if (line.body.startsWith('```')) {
      fenced = !fenced;
      continue;
    }
    if (fenced || isLeftAlone(raw, line) || raw.length <= width) continue;
    const parts = split(line.prefix, line.body, width);
    if (!parts) continue;
    out[i] = line.prefix + parts.head;
    const nextRaw = out[i + 1];
    const next = nextRaw === undefined ? null : parseLine(nextRaw, marker);
    const carriesOn =
      nextRaw !== undefined &&
      next !== null &&
      next.prefix === line.continuation &&
      !next.startsParagraph &&
      !STARTS_SOMETHING.test(next.body) &&
      !isLeftAlone(nextRaw, next);
    if (carriesOn) out[i + 1] = `${line.continuation}${parts.tail} ${next.body}`;
    else out.splice(i + 1, 0, line.continuation + parts.tail);
  }
  return out;
}

function rewrapBlock(lines: string[], width: number): string[] {
  const only = lines.length === 1 ? /^(\s*)(\/\*\*?) (.*?) ?\*\/$/.exec(lines[0] ?? '') : null;
  if (only && (lines[0] ?? '').length > width) {
    const [, indent = '', open = '', body = ''] = only;
    return rewrapLines([`${indent}${open}`, `${indent} * ${body}`, `${indent} */`], '*', width);
  }
  return rewrapLines(lines, '*', width);
}

function moveTrailingComment(line: string, column: number, width: number): string[] {
  const code = line.slice(0, column).trimEnd();
  const body = line.slice(column).replace(/^\/\/+ */, '');
  if (code.length > width || DIRECTIVE.test(body)) return [line];
  const indent = /^\s*/.exec(line)?.[0] ?? '';
  return [...rewrapLines([`${indent}// ${body}`], '//', width), code];
}

type Role = { kind: 'line'; column: number } | { kind: 'block'; comment: Comment };

export interface Rewrapped {
  text: string;
  /** Comment lines still over the width (1-based line numbers in `text`): one long word, or code before them. */
  tooLong: { line: number; text: string }[];
}

/** The file's text with its comments rewrapped to `width` columns, and the comment lines still too long. */
export function rewrapComments(fileName: string, text: string, width = 120): Rewrapped {
  const lines = text.split('\n');
  const roles: (Role | null)[] = lines.map(() => null);
  const trailing = new Map<number, number>();
  for (const c of commentsOf(fileName, text)) {
    const before = (lines[c.start.line] ?? '').slice(0, c.start.character);
    const after = (lines[c.end.line] ?? '').slice(c.end.character);
    if (before.trim() !== '' || after.trim() !== '') {
      if (!c.block && before.trim() !== '') trailing.set(c.start.line, c.start.character);
      continue;
    }
    for (let l = c.start.line; l <= c.end.line; l++) {
      roles[l] = c.block ? { kind: 'block', comment: c } : { kind: 'line', column: c.start.character };
    }
  }

  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    const role = roles[i];
    const line = lines[i] ?? '';
    const column = trailing.get(i);
    if (role) {
      const sameRun = (r: Role | null | undefined): boolean =>
        role.kind === 'line'
          ? r?.kind === 'line' && r.column === role.column
          : r?.kind === 'block' && r.comment === role.comment;
      let j = i;
      while (j < lines.length && sameRun(roles[j])) j++;
      const run = lines.slice(i, j);
      out.push(...(role.kind === 'line' ? rewrapLines(run, '//', width) : rewrapBlock(run, width)));
      i = j;
      continue;
    }
    out.push(...(column !== undefined && line.length > width ? moveTrailingComment(line, column, width) : [line]));
    i++;
  }
  const result = out.join('\n');
  const tooLong = new Set<number>();
  for (const c of commentsOf(fileName, result)) {
    for (let l = c.start.line; l <= c.end.line; l++) if ((out[l] ?? '').length > width) tooLong.add(l + 1);
  }
  return { text: result, tooLong: [...tooLong].map((n) => ({ line: n, text: out[n - 1] ?? '' })) };
}

function main(argv: string[]): number {
  const { write, width, files } = rewriteOptions(argv, /\.(ts|mjs|js)$/);
  let changed = 0;
  let stuck = 0;
  for (const file of files) {
    const before = readFileSync(file, 'utf8');
    const { text, tooLong } = rewrapComments(file, before, width);
    if (text !== before) {
      changed++;
      if (write) writeFileSync(file, text);
      console.log(`${write ? 'rewrapped' : 'would rewrap'} ${file}`);
    }
    for (const l of tooLong) console.log(`${file}:${l.line}: still ${l.text.length} columns: ${l.text.trim()}`);
    stuck += tooLong.length;
  }
  const did = write ? 'rewrapped' : 'to rewrap';
  console.log(`${files.length} files, ${changed} ${did}, ${stuck} comment lines still over ${width} columns`);
  return (!write && changed > 0) || stuck > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
