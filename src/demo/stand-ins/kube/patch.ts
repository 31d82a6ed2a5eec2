/**
 * The three PATCH formats the Kubernetes API server takes for our objects: JSON Patch (RFC 6902),
 * JSON Merge Patch (RFC 7386) and — for built-in kinds only — strategic merge patch, which for the
 * fields Rewind touches (selectors, annotations, replicas) behaves as a merge patch.
 */

/** A patch the server refuses; `status` is what the real API server answers for it. */
export class PatchError extends Error {
  constructor(
    readonly status: 400 | 422,
    message: string,
  ) {
    super(message);
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const clone = <T>(v: T): T => structuredClone(v);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** RFC 7386: objects merge key by key, `null` deletes, anything else (arrays included) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Strategic merge without list merge keys: the `$patch`-style directives are dropped. */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  const strip = (v: unknown): unknown =>
    isObject(v)
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([k]) => !k.startsWith('$'))
            .map(([k, x]) => [k, strip(x)]),
        )
      : v;
  return mergePatch(target, strip(patch));
}

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(400, `invalid JSON pointer "${pointer}": it must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(arr: unknown[], token: string, pointer: string, forInsert: boolean): number {
  if (forInsert && token === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new PatchError(422, `invalid array index "${token}" in "${pointer}"`);
  const i = Number(token);
  if (i > arr.length || (!forInsert && i === arr.length))
    throw new PatchError(422, `array index ${i} out of range in "${pointer}"`);
  return i;
}

/** The container that holds the last token of `pointer`, and that token. */
function parentOf(doc: unknown, pointer: string): { parent: unknown; key: string } {
  const tokens = parsePointer(pointer);
  const key = tokens.pop();
  if (key === undefined) throw new PatchError(422, 'the root document cannot be the target of this operation');
  let node: unknown = doc;
  for (const t of tokens) {
    if (Array.isArray(node)) node = node[arrayIndex(node, t, pointer, false)];
    else if (isObject(node) && t in node) node = node[t];
    else throw new PatchError(422, `doc is missing path: "${pointer}"`);
  }
  if (!Array.isArray(node) && !isObject(node)) throw new PatchError(422, `doc is missing path: "${pointer}"`);
  return { parent: node, key };
}

function getAt(doc: unknown, pointer: string): unknown {
  let node = doc;
  for (const t of parsePointer(pointer)) {
    if (Array.isArray(node)) node = node[arrayIndex(node, t, pointer, false)];
    else if (isObject(node) && t in node) node = node[t];
    else throw new PatchError(422, `doc is missing path: "${pointer}"`);
  }
  return node;
}

function add(doc: unknown, pointer: string, value: unknown): unknown {
  if (pointer === '') return clone(value);
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, pointer, true), 0, clone(value));
  else (parent as Record<string, unknown>)[key] = clone(value);
  return doc;
}

function remove(doc: unknown, pointer: string): unknown {
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, pointer, false), 1);
  else if (key in (parent as Record<string, unknown>)) delete (parent as Record<string, unknown>)[key];
  else throw new PatchError(422, `unable to remove nonexistent key: ${key}: missing value`);
  return doc;
}

/** RFC 6902 on a copy of `doc`; a failed `test` is a 422, as the API server answers. */
export function jsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new PatchError(400, 'a JSON patch must be an array of operations');
  let out = clone(doc);
  for (const raw of patch as Operation[]) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw new PatchError(400, `invalid JSON patch operation ${JSON.stringify(raw)}`);
    }
    switch (raw.op) {
      case 'add':
        out = add(out, raw.path, raw.value);
        break;
      case 'remove':
        out = remove(out, raw.path);
        break;
      case 'replace':
        getAt(out, raw.path);
        out = raw.path === '' ? clone(raw.value) : add(remove(out, raw.path), raw.path, raw.value);
        break;
      case 'move': {
        const value = getAt(out, raw.from ?? '');
        out = add(remove(out, raw.from ?? ''), raw.path, value);
        break;
      }
      case 'copy':
        out = add(out, raw.path, getAt(out, raw.from ?? ''));
        break;
      case 'test': {
        const actual = getAt(out, raw.path);
        if (!deepEqual(actual, raw.value)) {
          throw new PatchError(
            422,
            `testing value ${raw.path} failed: test failed (expected ${JSON.stringify(raw.value)}, found ` +
              `${JSON.stringify(actual)})`,
          );
        }
        break;
      }
      default:
        throw new PatchError(400, `unexpected kind of JSON patch operation: "${raw.op}"`);
    }
  }
  return out;
}
