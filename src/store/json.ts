/** JSON columns: written as text, read back with a clear error when a row holds something else. */
import type { z } from 'zod';

/** A stored row that does not have the shape this build reads: named by table, id and column. */
export class UnreadableRowError extends Error {
  override readonly name = 'UnreadableRowError';
  constructor(
    readonly table: string,
    readonly id: string | number,
    readonly column: string,
    problem: string,
  ) {
    super(`${table} row ${id}: column ${column} cannot be read: ${problem}`);
  }
}

/**
 * A JSON column parsed with its schema. A row this build cannot read is refused with an error naming
 * the table, the row and the first problem, instead of flowing on as a half-typed value.
 */
export function parseJsonColumn<S extends z.ZodType>(
  schema: S,
  text: string | null,
  where: { table: string; id: string | number; column: string },
): z.output<S> {
  let value: unknown = null;
  if (text !== null) {
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new UnreadableRowError(where.table, where.id, where.column, `invalid JSON (${(err as Error).message})`);
    }
  }
  return parseColumnValue(schema, value, where);
}

/**
 * A value already read from a JSON column (e.g. a timer's payload, which its table keeps as any JSON)
 * parsed with the schema of the code that reads it; refused like parseJsonColumn when it does not fit.
 */
export function parseColumnValue<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: { table: string; id: string | number; column: string },
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? issue.path.join('.') + ': ' : '';
    throw new UnreadableRowError(where.table, where.id, where.column, `${path}${issue?.message ?? 'unexpected shape'}`);
  }
  return parsed.data;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** JSON with object keys sorted, so two equal label sets compare equal whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
