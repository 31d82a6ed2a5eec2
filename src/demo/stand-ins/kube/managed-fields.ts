/**
 * `metadata.managedFields` as the API server keeps it: one entry per field manager, operation
 * (Update or Apply) and subresource, naming the fields that manager set last in FieldsV1 form
 * (`{"f:spec":{"f:selector":{"f:version":{}}}}`). Lists are atomic here (the whole list is one
 * field), which is what the API server does for lists without merge keys; maps are tracked key by
 * key. A write takes the fields it changed away from every other manager, a field removed is owned
 * by nobody, and a manager left with no fields drops out — so `manager` answers "who set this last".
 */
import { deepEqual } from './patch.ts';

export type FieldsV1 = { [key: string]: FieldsV1 };

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Update' | 'Apply';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldsV1;
  subresource?: string;
}

/** Who writes, and how: the `fieldManager` of a request, or a controller's own name. */
export interface FieldWriter {
  manager: string;
  operation: 'Update' | 'Apply';
  subresource?: string;
}

/** Server-owned or identifying metadata nobody manages. */
const UNTRACKED_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
]);

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0;

const SEP = '\u0000';

/** Every managed leaf of `obj` (a scalar, a list or an empty map) by its path, joined with SEP. */
export function leafFields(obj: unknown): Map<string, unknown> {
  const leaves = new Map<string, unknown>();
  const walk = (value: unknown, path: string[]) => {
    if (isMap(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    } else if (path.length > 0) leaves.set(path.join(SEP), value);
  };
  if (!isMap(obj)) return leaves;
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (k === 'metadata' && isMap(v)) {
      for (const [mk, mv] of Object.entries(v)) if (!UNTRACKED_METADATA.has(mk)) walk(mv, ['metadata', mk]);
    } else walk(v, [k]);
  }
  return leaves;
}

export function toFieldsV1(paths: Iterable<string>): FieldsV1 {
  const root: FieldsV1 = {};
  for (const path of paths) {
    let node = root;
    for (const key of path.split(SEP)) node = node[`f:${key}`] ??= {};
  }
  return root;
}

export function fromFieldsV1(fields: FieldsV1): Set<string> {
  const paths = new Set<string>();
  const walk = (node: FieldsV1, path: string[]) => {
    const children = Object.keys(node).filter((k) => k.startsWith('f:'));
    if (children.length === 0 && path.length > 0) paths.add(path.join(SEP));
    for (const k of children) walk(node[k] ?? {}, [...path, k.slice(2)]);
  };
  walk(fields, []);
  return paths;
}

/** Whether two paths overlap: the same field, or one inside the other. */
const overlaps = (a: string, b: string) => a === b || a.startsWith(b + SEP) || b.startsWith(a + SEP);

const sameEntry = (e: ManagedFieldsEntry, w: FieldWriter) =>
  e.manager === w.manager && e.operation === w.operation && (e.subresource ?? '') === (w.subresource ?? '');

/**
 * The managedFields after `writer` turned `before` (undefined on create) into `after`. An Update
 * owns what it changed; an Apply owns exactly the fields of the configuration it applied (`applied`).
 */
export function nextManagedFields(
  entries: readonly ManagedFieldsEntry[],
  before: unknown,
  after: unknown,
  writer: FieldWriter & { apiVersion: string; time: string; applied?: unknown },
): ManagedFieldsEntry[] {
  const old = leafFields(before);
  const now = leafFields(after);
  const changed = [...now].filter(([p, v]) => !old.has(p) || !deepEqual(old.get(p), v)).map(([p]) => p);
  const removed = [...old.keys()].filter((p) => !now.has(p));
  const claimed = writer.applied === undefined ? changed : [...leafFields(writer.applied).keys()];
  const taken = [...claimed, ...removed];
  const result: ManagedFieldsEntry[] = [];
  let mine: Set<string> | undefined;
  for (const e of entries) {
    const paths = fromFieldsV1(e.fieldsV1);
    if (sameEntry(e, writer)) {
      mine = writer.applied === undefined ? paths : new Set();
      continue;
    }
    const kept = [...paths].filter((p) => !taken.some((t) => overlaps(p, t)) && now.has(p));
    if (kept.length === paths.size) result.push(e);
    else if (kept.length > 0) result.push({ ...e, fieldsV1: toFieldsV1(kept) });
  }
  const owned = new Set([...(mine ?? []), ...claimed].filter((p) => now.has(p)));
  if (owned.size > 0) {
    result.push({
      manager: writer.manager,
      operation: writer.operation,
      apiVersion: writer.apiVersion,
      time: writer.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(owned),
      ...(writer.subresource ? { subresource: writer.subresource } : {}),
    });
  }
  return result;
}

/** The API server's manager name for a request without `fieldManager`: the user agent up to its first `/`. */
export function defaultFieldManager(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0]?.trim().slice(0, 128) ?? '';
  return prefix || 'unknown';
}
