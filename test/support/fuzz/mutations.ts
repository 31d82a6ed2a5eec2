/**
 * Mutations of a valid JSON template, each with a verdict: `refused` when the change breaks the
 * shape in a way any correct reader must refuse (a required field missing, null where null is not
 * allowed, a number where a string belongs, a string past the sender's documented limit, an id
 * that is not an id), `any` when the result may still be a valid delivery with other values.
 *
 * The verdicts are stated here from the senders' documented shapes (FieldSpec), not from Rewind's
 * schemas, so a test can hold the two against each other.
 */
import fc from 'fast-check';

export type Verdict = 'refused' | 'any';
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Path = ReadonlyArray<string | number>;

export type FieldKind =
  /** A Slack id (U…, C…, T…): upper-case letters and digits. */
  | 'id'
  /** A message ts: digits, a dot, digits. */
  | 'ts'
  /** A trigger or event id: word characters, dots and dashes. */
  | 'trigger'
  | 'url'
  /** Free text, valid at any content up to `max`. */
  | 'text'
  /** One of a fixed set of strings (a type, an action id, a command): anything else is refused. */
  | 'literal'
  | 'object'
  | 'array'
  | 'number'
  | 'boolean';

export interface FieldSpec {
  path: Path;
  kind: FieldKind;
  required: boolean;
  nullable?: boolean;
  /** The sender's limit on the length of a string. */
  max?: number;
  /** For `literal`: every value that is valid, so a replacement can avoid them. */
  allowed?: readonly string[];
  /** The reader ignores this field: no change to it can make the delivery invalid. */
  ignored?: boolean;
}

export interface Mutation {
  describe: string;
  verdict: Verdict;
  apply(target: Json): void;
}

export interface Mutated<T> {
  value: T;
  changes: string[];
  verdict: Verdict;
}

const STRING_KINDS: ReadonlySet<FieldKind> = new Set(['id', 'ts', 'trigger', 'url', 'text', 'literal']);

/** `arb` in one sample of `oneIn`, null in the others. */
export function rarely<T>(arb: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> {
  return fc.oneof({ arbitrary: fc.constant(null), weight: oneIn - 1 }, { arbitrary: arb, weight: 1 });
}

/** Strings that are wrong in percent-encoding: truncated, non-hex, overlong and non-UTF-8 sequences. */
export const BAD_PERCENT = [
  '%',
  '%E0%A4%A',
  '%ZZ',
  '%C3%28',
  '%%41',
  '%u0041',
  '100%',
  '%00',
  '%ED%A0%80',
  '%F0%9F%98',
] as const;

/** Lone UTF-16 surrogates and strings ending in half a pair. */
export const LONE_SURROGATES = ['\ud800', '\udfff', 'a\ud83d', '\ude00b', 'U0\udc00'] as const;

export const junkString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\n',
    '\u0000',
    '<!channel>',
    '<@U0LEAD>',
    '*bold*',
    '`code`',
    '&lt;&gt;&amp;',
    '__proto__',
    'constructor',
    'null',
    'undefined',
    'NaN',
    '../../etc/passwd',
    "'; DROP TABLE incidents; --",
    '{"a":1}',
    '${x}',
    '\u202e',
    '🧨',
  ),
  fc.constantFrom(...BAD_PERCENT).map((p) => `x${p}y`),
);

/** A value of another JSON type than `kind` allows. */
export function wrongType(kind: FieldKind): fc.Arbitrary<Json> {
  const all: Array<fc.Arbitrary<Json>> = [];
  if (!STRING_KINDS.has(kind)) all.push(junkString);
  if (kind !== 'number')
    all.push(
      fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(1e308), fc.constant(-0)),
    );
  if (kind !== 'boolean') all.push(fc.boolean());
  if (kind !== 'array') all.push(fc.constantFrom<Json>([], [null], ['x'], [{}]));
  if (kind !== 'object') all.push(fc.constantFrom<Json>({}, { id: 'U0X' }, { value: null }));
  return fc.oneof(...all);
}

/** A valid-looking value of the kind (another id, another ts), with no claim that it names anything. */
export function plausible(kind: FieldKind): fc.Arbitrary<Json> {
  switch (kind) {
    case 'id':
      return fc
        .string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), minLength: 8, maxLength: 12 })
        .map((s) => `U${s}`);
    case 'ts':
      return fc
        .tuple(fc.integer({ min: 1_000_000_000, max: 1_999_999_999 }), fc.integer({ min: 0, max: 999_999 }))
        .map(([a, b]) => `${a}.${String(b).padStart(6, '0')}`);
    case 'trigger':
      return fc
        .tuple(fc.nat(), fc.nat(), fc.uint8Array({ minLength: 4, maxLength: 8 }))
        .map(([a, b, c]) => `${a}.${b}.${Buffer.from(c).toString('hex')}`);
    case 'url':
      // Local and closed: a fuzzed response_url must never send anything off the machine.
      return fc.constantFrom('http://127.0.0.1:9/hooks/nowhere', 'http://localhost:9/actions/T0/1/abc');
    case 'number':
      return fc.integer({ min: -10, max: 1_000 });
    case 'boolean':
      return fc.boolean();
    default:
      return junkString;
  }
}

/** Past `max` however it is counted: in UTF-16 units, code points or characters. */
function huge(max: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.integer({ min: 1, max: 64 }), fc.constantFrom('x', 'é', '漢', '🧨'))
    .map(([extra, ch]) => ch.repeat(max + extra));
}

export interface MutationOptions {
  /**
   * The value travels as a form field (a slash command over HTTP): every value is a string there,
   * so a wrong type can only be a repeated field (read back as a list), and a lone surrogate is
   * replaced by U+FFFD when the form is encoded.
   */
  form?: boolean;
  /**
   * What a lone surrogate in a text field means to the reader. Slack never sends one and Rewind
   * refuses it; an alert webhook's text is stored as it comes.
   */
  loneSurrogates?: Verdict;
}

/** The mutations one field admits, each with its verdict. */
export function fieldMutations(field: FieldSpec, options: MutationOptions = {}): fc.Arbitrary<Mutation> {
  const at = field.path.join('.');
  const ops: Array<fc.Arbitrary<Mutation>> = [
    fc.constant(mutation(`delete ${at}`, field.required ? 'refused' : 'any', field.path, DELETE)),
  ];
  if (options.form) {
    ops.push(fc.tuple(junkString, junkString).map((v) => mutation(`${at} sent twice`, 'refused', field.path, v)));
  } else {
    ops.push(
      fc.constant(mutation(`${at} = null`, field.nullable ? 'any' : 'refused', field.path, null)),
      wrongType(field.kind).map((v) => mutation(`${at} = ${short(v)} (wrong type)`, 'refused', field.path, v)),
    );
  }
  if (STRING_KINDS.has(field.kind)) {
    const strict = field.kind === 'id' || field.kind === 'ts' || field.kind === 'trigger' || field.kind === 'literal';
    // A URL parser replaces a lone surrogate, and so does a form encoder; every other reader must refuse it.
    const surrogateVerdict: Verdict =
      field.kind === 'url' || (!strict && (options.form || options.loneSurrogates === 'any')) ? 'any' : 'refused';
    ops.push(
      junkString.map((v) => mutation(`${at} = ${short(v)}`, 'any', field.path, v)),
      fc
        .constantFrom(...BAD_PERCENT)
        .map((v) => mutation(`${at} = ${short(v)} (bad percent-encoding)`, strict ? 'refused' : 'any', field.path, v)),
      fc
        .constantFrom(...LONE_SURROGATES)
        .map((v) => mutation(`${at} = ${short(v)} (lone surrogate)`, surrogateVerdict, field.path, v)),
    );
    if (field.max !== undefined)
      ops.push(
        huge(field.max).map((v) =>
          mutation(`${at} = ${v.length} characters (limit ${field.max})`, 'refused', field.path, v),
        ),
      );
    if (field.kind === 'literal') {
      ops.push(
        junkString
          .filter((v) => !(field.allowed ?? []).includes(v))
          .map((v) => mutation(`${at} = ${short(v)} (not one of the known values)`, 'refused', field.path, v)),
      );
    } else {
      ops.push(plausible(field.kind).map((v) => mutation(`${at} = ${short(v)}`, 'any', field.path, v)));
    }
  } else {
    ops.push(
      plausible(field.kind).map((v) =>
        mutation(
          `${at} = ${short(v)}`,
          field.kind === 'number' || field.kind === 'boolean' ? 'any' : 'refused',
          field.path,
          v,
        ),
      ),
    );
  }
  const all = fc.oneof(...ops);
  return field.ignored ? all.map((m) => ({ ...m, verdict: 'any' as Verdict })) : all;
}

/**
 * 0 to `maxChanges` mutations of the template's fields, applied to a deep copy in order (one on a
 * path an earlier one removed is skipped). Refused if any applied change is.
 */
export function mutate<T extends Json>(
  template: fc.Arbitrary<T>,
  fields: (value: T) => readonly FieldSpec[],
  { maxChanges = 3, ...options }: MutationOptions & { maxChanges?: number } = {},
): fc.Arbitrary<Mutated<T>> {
  return template.chain((t) => {
    const specs = fields(t).filter((f) => has(t, f.path));
    if (specs.length === 0) return fc.constant({ value: t, changes: [], verdict: 'any' as Verdict });
    // Most samples keep close to the template, so enough of them reach the code behind the parser.
    const count = fc.oneof(
      { arbitrary: fc.constant(0), weight: 3 },
      { arbitrary: fc.constant(1), weight: 4 },
      { arbitrary: fc.integer({ min: 2, max: Math.max(2, maxChanges) }), weight: 2 },
    );
    const one = fc.constantFrom(...specs).chain((f) => fieldMutations(f, options));
    return count
      .chain((n) => fc.array(one, { minLength: Math.min(n, maxChanges), maxLength: Math.min(n, maxChanges) }))
      .map((ms) => {
        const value = structuredClone(t) as T;
        const changes: string[] = [];
        // The verdict of each changed path; a later change of a path (or of a field above it) replaces it.
        const verdicts = new Map<string, Verdict>();
        for (const m of ms) {
          if (!applies(value, m)) continue;
          m.apply(value);
          changes.push(m.describe);
          const key = pathOf(m).join('\u0000');
          for (const k of [...verdicts.keys()]) if (k === key || k.startsWith(`${key}\u0000`)) verdicts.delete(k);
          verdicts.set(key, m.verdict);
        }
        const verdict: Verdict = [...verdicts.values()].includes('refused') ? 'refused' : 'any';
        return { value, changes, verdict };
      });
  });
}

// --- paths --------------------------------------------------------------------------------------

const DELETE = Symbol('delete');
const PATH = Symbol('path');

function mutation(describe: string, verdict: Verdict, path: Path, value: Json | typeof DELETE): Mutation {
  const m: Mutation & { [PATH]: Path } = {
    describe,
    verdict,
    [PATH]: path,
    apply(target) {
      const parent = get(target, path.slice(0, -1));
      const key = path[path.length - 1];
      if (parent === undefined || parent === null || typeof parent !== 'object' || key === undefined) return;
      const p = parent as Record<string | number, Json>;
      if (value === DELETE) delete p[key];
      else p[key] = structuredClone(value);
    },
  };
  return m;
}

/** A mutation applies while its field's parent is still an object and the field is still there. */
function applies(target: Json, m: Mutation): boolean {
  return has(target, pathOf(m));
}

function pathOf(m: Mutation): Path {
  return (m as Mutation & { [PATH]?: Path })[PATH] ?? [];
}

export function get(target: Json | undefined, path: Path): Json | undefined {
  let cur: Json | undefined = target;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, Json>)[key];
  }
  return cur;
}

export function has(target: Json, path: Path): boolean {
  const parent = get(target, path.slice(0, -1));
  const key = path[path.length - 1];
  return (
    parent !== null &&
    typeof parent === 'object' &&
    key !== undefined &&
    Object.prototype.hasOwnProperty.call(parent, key)
  );
}

/** A value for a change description, cut short and with control characters shown. */
export function short(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}
