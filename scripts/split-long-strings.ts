// Splits string and template literals that keep a line over the house limit (120 columns) into a `+` chain, at
// word boundaries, so that the line fits once Prettier has laid the chain out.
//
//   node bin/run-ts.mjs scripts/split-long-strings.ts [--write] [--width N] [file or folder ...]
//
// Without --write it only reports: the files it would change, and the long lines it cannot shorten. It exits 1 when
// a file would change or a line stays too long, so it also works as a check. Without paths it takes every .ts, .js
// and .mjs file git knows of (less what .prettierignore keeps out). Run it on Prettier's output; it formats what it
// changes with Prettier itself (the repository's .prettierrc.json), so `prettier --write` afterwards is a no-op for
// those files.
//
// What it does:
// - `'aaa bbb ccc'` becomes `'aaa bbb ' +` / `'ccc'` (same quotes, escapes kept as written), a template
//   `` `a ${x} b c` `` becomes `` `a ${x} b ` + `` / `` `c` ``: a break is only ever made in the literal text of a
//   template, never inside `${…}`. A break falls after a space, after an escaped `\n`, or between Japanese characters
//   (after 、 and 。 by preference); the pieces evaluate to exactly the original string, which is checked;
// - where a break lands is worked out from where Prettier puts the pieces: a trial split is formatted first to learn
//   the columns of the first and following pieces, then the literal is cut to fill those lines;
// - a literal whose type a `+` would widen from `'…'` to `string` is left alone: anything inside a type, module
//   specifiers, property names and computed keys, element-access keys, enum members, case labels, operands of
//   comparisons and `in`, arguments of `.literal(…)` / `.enum(…)`, values under `as const` or `satisfies`,
//   initialisers with a declared type other than `string`, directives, and tagged templates;
// - lines ESLint's max-len ignores (a URL, a regular expression literal, `// eslint-` directives) are left as they
//   are, like comments (scripts/rewrap-comments.ts wraps those).
// A word longer than the room left stays whole on a line of its own; the report lists such lines. A second run
// changes nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import ts from 'typescript';
import { rewriteOptions } from './source-files.ts';

/** ESLint's max-len ignores a line holding a URL (its `ignoreUrls`) or matching the repository's ignorePattern. */
const URL_REGEXP = /[^:/?#]:\/\/[^?#]/u;
const IGNORED_LINE = /^\s*\/\/ eslint-/;
/** Japanese that must not begin a piece (closing marks, small kana, the long vowel mark). */
const NO_START = /^[、。，．・：；！？）」』】〕｝〉》ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ…‥]/u;
const NO_END = /[（「『【〔｛〈《]$/u;
const CJK = /[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/u;
const CJK_STOP = /[、。，！？）」』]/u;

const codePoints = (s: string): number => {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
};

type Part = ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateLiteralLikeNode;

interface Break {
  pos: number;
  /** A space, a `\n` or Japanese punctuation: a better place than between two Japanese characters. */
  strong: boolean;
  /** Index of the part (in `Unit.parts`) the break falls in. */
  part: number;
}

interface Unit {
  node: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression;
  parts: Part[];
  /** Ordinal of each part among all literal tokens of the file (a `${…}` may hold others between them). */
  partOrdinals: number[];
  start: number;
  end: number;
  quote: string;
  breaks: Break[];
  parens: boolean;
}

const isPart = (n: ts.Node): n is Part =>
  n.kind === ts.SyntaxKind.StringLiteral ||
  n.kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral ||
  n.kind === ts.SyntaxKind.TemplateHead ||
  n.kind === ts.SyntaxKind.TemplateMiddle ||
  n.kind === ts.SyntaxKind.TemplateTail;

function parse(fileName: string, text: string): ts.SourceFile {
  const kind = /\.[mc]?ts$/.test(fileName) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
}

/** Every literal token (string, template part) in source order, and the lines holding a regular expression. */
function tokensOf(sf: ts.SourceFile): { parts: Part[]; regexLines: Set<number> } {
  const parts: Part[] = [];
  const regexLines = new Set<number>();
  const visit = (node: ts.Node): void => {
    if (isPart(node)) parts.push(node);
    else if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const a = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const b = sf.getLineAndCharacterOfPosition(node.end).line;
      for (let l = a; l <= b; l++) regexLines.add(l);
    }
    // Template parts are tokens, not children, of a TemplateExpression/TemplateSpan.
    if (ts.isTemplateExpression(node)) {
      parts.push(node.head);
      for (const span of node.templateSpans) {
        visit(span.expression);
        parts.push(span.literal);
      }
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { parts, regexLines };
}

const COMPARISONS = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
  ts.SyntaxKind.InKeyword,
  ts.SyntaxKind.InstanceOfKeyword,
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
]);

/** Why the literal must stay one literal (its type would change, or it is not a value), or null when it may split. */
export function keptBecause(node: ts.Node): string | null {
  for (let a: ts.Node | undefined = node.parent; a; a = a.parent) {
    const mods = ts.canHaveModifiers(a) ? ts.getModifiers(a) : undefined;
    if (mods?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) return 'ambient';
  }
  for (let a: ts.Node | undefined = node.parent; a; a = a.parent) if (ts.isTypeNode(a)) return 'type';
  const parent = node.parent;
  if (ts.isTaggedTemplateExpression(parent)) return 'tagged template';
  // Prettier prints what is inside `${…}` on one line: a `+` there would break nothing.
  for (let a: ts.Node | undefined = parent; a; a = a.parent) if (ts.isTemplateSpan(a)) return 'inside ${…}';
  if ((parent as { name?: ts.Node }).name === node) return 'property name';
  if ((parent as { propertyName?: ts.Node }).propertyName === node) return 'property name';
  if (
    ts.isImportDeclaration(parent) ||
    ts.isExportDeclaration(parent) ||
    ts.isExternalModuleReference(parent) ||
    ts.isModuleDeclaration(parent) ||
    ts.isImportAttribute(parent) ||
    ts.isLiteralTypeNode(parent)
  ) {
    return 'module specifier';
  }
  if (ts.isExpressionStatement(parent)) return 'directive';
  // Walk up through the places a literal keeps its literal type from: parentheses, branches, arrays, objects.
  let value: ts.Node = node;
  // Whether `value` is the literal itself, give or take parentheses and branches (not an element of an object).
  let direct = true;
  for (;;) {
    const p = value.parent;
    if (ts.isComputedPropertyName(p)) return 'computed key';
    if (ts.isElementAccessExpression(p) && p.argumentExpression === value) return 'element-access key';
    if (ts.isEnumMember(p)) return 'enum member';
    if (ts.isCaseClause(p)) return 'case label';
    if (ts.isBinaryExpression(p) && COMPARISONS.has(p.operatorToken.kind)) return 'comparison';
    if (ts.isAsExpression(p) || ts.isTypeAssertionExpression(p)) {
      if (ts.isConstTypeReference(p.type)) return 'as const';
      if (p.type.kind !== ts.SyntaxKind.StringKeyword) return 'type assertion';
    }
    if (ts.isSatisfiesExpression(p)) return 'satisfies';
    if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression !== value) {
      const callee = ts.isPropertyAccessExpression(p.expression) ? p.expression.name : p.expression;
      const name = ts.isIdentifier(callee) ? callee.text : '';
      if (name === 'literal' || name === 'enum') return `.${name}() argument`;
      if (name === 'require' || p.expression.kind === ts.SyntaxKind.ImportKeyword) return 'module specifier';
      return null;
    }
    if (
      (ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isPropertyDeclaration(p) || ts.isBindingElement(p)) &&
      p.initializer === value
    ) {
      const type = (p as { type?: ts.TypeNode }).type;
      return direct && type && type.kind !== ts.SyntaxKind.StringKeyword ? 'declared type' : null;
    }
    const passes =
      ts.isParenthesizedExpression(p) ||
      (ts.isConditionalExpression(p) && p.condition !== value) ||
      ts.isArrayLiteralExpression(p) ||
      ts.isSpreadElement(p) ||
      (ts.isPropertyAssignment(p) && p.initializer === value) ||
      ts.isObjectLiteralExpression(p) ||
      (ts.isBinaryExpression(p) &&
        [
          ts.SyntaxKind.BarBarToken,
          ts.SyntaxKind.QuestionQuestionToken,
          ts.SyntaxKind.AmpersandAmpersandToken,
          ts.SyntaxKind.CommaToken,
        ].includes(p.operatorToken.kind));
    if (!passes) return null;
    if (ts.isArrayLiteralExpression(p) || ts.isObjectLiteralExpression(p)) direct = false;
    value = p;
  }
}

/** Binary operators whose operand a `+` chain must be parenthesised in (`-` too: `1 - ('a' + 'b')`). */
const BINDS_TIGHTER = new Set([
  ts.SyntaxKind.AsteriskToken,
  ts.SyntaxKind.SlashToken,
  ts.SyntaxKind.PercentToken,
  ts.SyntaxKind.AsteriskAsteriskToken,
  ts.SyntaxKind.MinusToken,
]);

/** Whether a `+` chain put where the literal is needs parentheses to mean the same. */
function needsParens(node: ts.Node): boolean {
  const p = node.parent;
  if (ts.isBinaryExpression(p)) {
    const op = p.operatorToken.kind;
    // `x + 'a' + 'b'` is `(x + 'a') + 'b'`, the same string as `x + ('a' + 'b')` since 'a' is a string.
    if (op === ts.SyntaxKind.PlusToken) return false;
    return BINDS_TIGHTER.has(op);
  }
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression === node) return true;
  return !(
    ts.isCallExpression(p) ||
    ts.isNewExpression(p) ||
    ts.isArrayLiteralExpression(p) ||
    ts.isPropertyAssignment(p) ||
    ts.isVariableDeclaration(p) ||
    ts.isParameter(p) ||
    ts.isPropertyDeclaration(p) ||
    ts.isBindingElement(p) ||
    ts.isReturnStatement(p) ||
    ts.isThrowStatement(p) ||
    ts.isArrowFunction(p) ||
    ts.isConditionalExpression(p) ||
    ts.isTemplateSpan(p) ||
    ts.isParenthesizedExpression(p) ||
    ts.isSpreadElement(p) ||
    ts.isExportAssignment(p) ||
    ts.isYieldExpression(p) ||
    ts.isAsExpression(p) ||
    ts.isSatisfiesExpression(p)
  );
}

/** The text range between a part's delimiters (quotes, backticks, `}` and `${`). */
function contentOf(part: Part, sf: ts.SourceFile): { from: number; to: number } {
  const start = part.getStart(sf);
  const closes2 = part.kind === ts.SyntaxKind.TemplateHead || part.kind === ts.SyntaxKind.TemplateMiddle;
  return { from: start + 1, to: part.end - (closes2 ? 2 : 1) };
}

/** Where a part's raw text may break: positions (file offsets) the next piece would start at. */
function breaksOf(text: string, from: number, to: number, last: boolean, part: number): Break[] {
  const found: Break[] = [];
  const limit = last ? to - 1 : to;
  let prev = '';
  for (let i = from; i < to;) {
    let len = 1;
    let ch = text[i] ?? '';
    if (ch === '\\') {
      const m = /^\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])/u.exec(text.slice(i, i + 12));
      len = m ? m[0].length : 1;
      ch = m ? m[0] : ch;
    } else if (/[\ud800-\udbff]/.test(ch)) {
      len = 2;
      ch = text.slice(i, i + 2);
    }
    const next = i + len;
    const after = text.slice(next, next + 2);
    if (next <= limit && next > from) {
      if (ch === ' ' && after[0] !== ' ') found.push({ pos: next, strong: true, part });
      else if (ch === '\\n') found.push({ pos: next, strong: true, part });
      else if (CJK.test(ch) && !NO_START.test(after) && !NO_END.test(ch) && after[0] !== ' ') {
        if (CJK_STOP.test(ch)) found.push({ pos: next, strong: true, part });
        else if (CJK.test(after[0] ?? '') || /[\ud800-\udbff]/.test(after[0] ?? '')) {
          found.push({ pos: next, strong: false, part });
        }
      }
    }
    prev = ch;
    i = next;
  }
  void prev;
  return found;
}

function unitsOf(sf: ts.SourceFile, parts: Part[]): Unit[] {
  const text = sf.text;
  const ordinal = new Map<Part, number>(parts.map((p, i) => [p, i]));
  const units: Unit[] = [];
  for (const first of parts) {
    let node: Unit['node'];
    let own: Part[];
    if (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)) {
      node = first;
      own = [first];
    } else if (first.kind === ts.SyntaxKind.TemplateHead && ts.isTemplateExpression(first.parent)) {
      node = first.parent;
      own = [node.head, ...node.templateSpans.map((s) => s.literal)];
    } else continue;
    if (keptBecause(node) !== null) continue;
    const start = node.getStart(sf);
    const quote = text[start] ?? "'";
    const breaks = own.flatMap((p, i) => {
      const { from, to } = contentOf(p, sf);
      return breaksOf(text, from, to, i === own.length - 1, i);
    });
    units.push({
      node,
      parts: own,
      partOrdinals: own.map((p) => ordinal.get(p) ?? -1),
      start,
      end: node.end,
      quote,
      breaks,
      parens: needsParens(node),
    });
  }
  return units;
}

interface Edit {
  pos: number;
  text: string;
}

function apply(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.pos - a.pos)) out = out.slice(0, e.pos) + e.text + out.slice(e.pos);
  return out;
}

function editsFor(unit: Unit, at: number[]): Edit[] {
  if (at.length === 0) return [];
  const q = unit.quote;
  const edits = at.map((pos) => ({ pos, text: `${q} + ${q}` }));
  if (unit.parens) edits.push({ pos: unit.start, text: '(' }, { pos: unit.end, text: ')' });
  return edits;
}

/** The string a literal, or a `+` chain of literals, evaluates to: texts cooked, substitutions as their source. */
export function evaluated(expr: ts.Expression, sf: ts.SourceFile): string[] | null {
  if (ts.isParenthesizedExpression(expr)) return evaluated(expr.expression, sf);
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return [expr.text];
  if (ts.isTemplateExpression(expr)) {
    const out = [expr.head.text];
    for (const s of expr.templateSpans) out.push(`\0${s.expression.getText(sf)}`, s.literal.text);
    return out;
  }
  if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const l = evaluated(expr.left, sf);
    const r = evaluated(expr.right, sf);
    return l && r ? [...l, ...r] : null;
  }
  return null;
}

/** Adjacent texts joined, so that `'a ' + 'b'` and `'a b'` compare equal. */
export function normalised(items: string[]): string[] {
  const out: string[] = [];
  for (const item of items) {
    const last = out.length - 1;
    if (!item.startsWith('\0') && last >= 0 && !out[last]!.startsWith('\0')) out[last] += item;
    else out.push(item);
  }
  return out.filter((s, i, all) => s !== '' || all.length === 1);
}

function sameValue(before: string, after: string, fileName: string): boolean {
  const parseExpr = (s: string): string[] | null => {
    const sf = parse(fileName, `(${s});`);
    const stmt = sf.statements[0];
    return stmt && ts.isExpressionStatement(stmt) ? evaluated(stmt.expression, sf) : null;
  };
  const a = parseExpr(before);
  const b = parseExpr(after);
  return a !== null && b !== null && JSON.stringify(normalised(a)) === JSON.stringify(normalised(b));
}

interface Layout {
  /** Column of the first piece, of the pieces after it, and what follows the last piece on its line. */
  first: number;
  next: number;
  trailing: number;
}

class Lines {
  readonly lines: string[];
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    this.lines = text.split('\n');
    for (const l of this.lines) this.starts.push((this.starts.at(-1) ?? 0) + l.length + 1);
  }
  at(pos: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= pos) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: codePoints(this.text.slice(this.starts[lo] ?? 0, pos)) };
  }
  width(line: number): number {
    return codePoints(this.lines[line] ?? '');
  }
}

/** Where to cut a unit so that each piece fits `width`, given the columns Prettier puts the pieces at. */
function cuts(unit: Unit, text: string, layout: Layout, width: number): { at: number[]; overflow: boolean } {
  const w = (a: number, b: number) => codePoints(text.slice(a, b));
  const at: number[] = [];
  let overflow = false;
  let s = unit.start;
  let col = layout.first;
  for (;;) {
    const open = at.length === 0 ? 0 : 1;
    if (at.length > 0 && col + open + w(s, unit.end) + layout.trailing <= width) break;
    const candidates = unit.breaks.filter((b) => b.pos > s);
    if (candidates.length === 0) break;
    const fitting = candidates.filter((b) => col + open + w(s, b.pos) + 1 + 2 <= width);
    let pick = fitting.at(-1);
    const strong = fitting.filter((b) => b.strong).at(-1);
    if (pick && strong && w(strong.pos, pick.pos) <= 40) pick = strong;
    if (!pick) {
      overflow = true;
      pick = candidates[0]!;
    }
    at.push(pick.pos);
    s = pick.pos;
    col = layout.next;
  }
  return { at, overflow };
}

export interface Options {
  width?: number;
  /** Prettier options for the file (the repository's .prettierrc.json); printWidth defaults to `width`. */
  prettier?: prettier.Options;
}

export interface Split {
  text: string;
  /** Lines still over the width (1-based line numbers in `text`) with a reason. */
  tooLong: { line: number; text: string; reason: string }[];
}

/** The file's text with the literals that keep a line over `width` split into `+` chains, formatted by Prettier. */
export async function splitLongStrings(fileName: string, input: string, options: Options = {}): Promise<Split> {
  const width = options.width ?? 120;
  const format = (s: string) =>
    prettier.format(s, {
      singleQuote: true,
      trailingComma: 'all',
      printWidth: width,
      ...options.prettier,
      filepath: fileName,
    });
  let text = input;
  let reasons = new Map<number, string>();
  for (let round = 0; round < 6; round++) {
    const sf = parse(fileName, text);
    const lines = new Lines(text);
    const { parts, regexLines } = tokensOf(sf);
    const units = unitsOf(sf, parts);
    const long = longLines(lines, regexLines, width);
    reasons = new Map();
    const targets: Unit[] = [];
    for (const line of long) {
      const here = units.filter((u) => lines.at(u.start).line === line && lines.at(u.end).line === line);
      const breakable = here.filter((u) => u.breaks.length > 0);
      const crossing = breakable.find((u) => lines.at(u.start).column < width && lines.at(u.end).column >= width);
      const widest = [...breakable].sort((a, b) => b.end - b.start - (a.end - a.start))[0];
      const pick = crossing ?? widest;
      if (pick) targets.push(pick);
      else reasons.set(line, here.length > 0 ? 'no place to break the literal' : whyKept(sf, lines, line));
    }
    if (targets.length === 0) break;
    // A trial split of each target, formatted, tells where Prettier puts the first piece and the ones after it.
    const trialAt = targets.map((u) => {
      const { column } = lines.at(u.start);
      const fit = u.breaks.filter((b) => column + codePoints(text.slice(u.start, b.pos)) + 3 <= width);
      return fit.at(-1) ?? u.breaks[0]!;
    });
    const trial = await format(
      apply(
        text,
        targets.flatMap((u, i) => editsFor(u, [trialAt[i]!.pos])),
      ),
    );
    const trialSf = parse(fileName, trial);
    const trialLines = new Lines(trial);
    const trialParts = tokensOf(trialSf).parts;
    // Each split adds one literal token right after the part it falls in: where a token of `text` is in `trial`.
    const splitOrds = targets.map((u, i) => u.partOrdinals[trialAt[i]!.part]!);
    const moved = (ord: number) => ord + splitOrds.filter((o) => o < ord).length;
    const edits: Edit[] = [];
    targets.forEach((u, i) => {
      const m = trialAt[i]!.part;
      const lastPart = u.partOrdinals.at(-1)!;
      const first = trialParts[moved(u.partOrdinals[0]!)];
      const second = trialParts[moved(splitOrds[i]!) + 1];
      const last = trialParts[moved(lastPart) + (m === u.parts.length - 1 ? 1 : 0)];
      if (trialParts.length !== parts.length + targets.length || !first || !second || !last) {
        reasons.set(lines.at(u.start).line, 'the trial split could not be followed through Prettier');
        return;
      }
      const a = trialLines.at(first.getStart(trialSf));
      const b = trialLines.at(second.getStart(trialSf));
      const end = trialLines.at(last.end);
      const trailing = trialLines.width(end.line) - end.column;
      // Pieces Prettier keeps on one line would only make the line longer.
      if (b.line === a.line) {
        reasons.set(lines.at(u.start).line, 'Prettier keeps the pieces on one line (it fits once moved): reword it');
        return;
      }
      const layout = { first: a.column, next: b.column, trailing };
      const { at } = cuts(u, text, layout, width);
      const unitEdits = editsFor(u, at);
      const before = text.slice(u.start, u.end);
      const after = apply(text, unitEdits).slice(u.start, u.end + unitEdits.reduce((n, e) => n + e.text.length, 0));
      if (!sameValue(before, after, fileName)) throw new Error(`${fileName}: splitting ${before} changed its value`);
      edits.push(...unitEdits);
    });
    if (edits.length === 0) break;
    const next = await format(apply(text, edits));
    if (next === text) break;
    text = next;
  }
  const final = new Lines(text);
  const finalSf = parse(fileName, text);
  const { regexLines } = tokensOf(finalSf);
  const tooLong = longLines(final, regexLines, width).map((l) => ({
    line: l + 1,
    text: final.lines[l] ?? '',
    reason: reasons.get(l) ?? whyKept(finalSf, final, l),
  }));
  return { text, tooLong };
}

/** Why a long line was not shortened: the literal on it that must stay whole, or no literal at all. */
function whyKept(sf: ts.SourceFile, lines: Lines, line: number): string {
  let reason = 'no literal on the line';
  const visit = (node: ts.Node): void => {
    if (
      (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) &&
      lines.at(node.getStart(sf)).line <= line &&
      lines.at(node.end).line >= line
    ) {
      const why = keptBecause(node);
      reason = why ? `literal kept (${why})` : 'no place to break the literal';
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return reason;
}

/** 0-based numbers of the lines ESLint's max-len would report, comment lines aside (rewrap-comments' job). */
function longLines(lines: Lines, regexLines: Set<number>, width: number): number[] {
  const out: number[] = [];
  lines.lines.forEach((line, i) => {
    if (lines.width(i) <= width || URL_REGEXP.test(line) || IGNORED_LINE.test(line) || regexLines.has(i)) return;
    if (/^\s*(\/\/|\/\*|\*)/.test(line)) return;
    out.push(i);
  });
  return out;
}

async function main(argv: string[]): Promise<number> {
  const { write, width, files } = rewriteOptions(argv, /\.(ts|mts|cts|mjs|cjs|js)$/);
  let changed = 0;
  let stuck = 0;
  for (const file of files) {
    const info = await prettier.getFileInfo(file, { ignorePath: ['.gitignore', '.prettierignore'] });
    if (info.ignored) continue;
    const config = (await prettier.resolveConfig(file)) ?? {};
    const before = readFileSync(file, 'utf8');
    const { text, tooLong } = await splitLongStrings(file, before, { width, prettier: config });
    if (text !== before) {
      changed++;
      if (write) writeFileSync(file, text);
      console.log(`${write ? 'split' : 'would split'} ${file}`);
    }
    for (const l of tooLong) {
      console.log(`${file}:${l.line}: still ${codePoints(l.text)} columns (${l.reason}): ${l.text.trim()}`);
    }
    stuck += tooLong.length;
  }
  const did = write ? 'changed' : 'to change';
  console.log(`${files.length} files, ${changed} ${did}, ${stuck} code lines still over ${width} columns`);
  return (!write && changed > 0) || stuck > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
