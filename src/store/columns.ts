/**
 * Plain (not JSON) columns read with the domain's word lists: a status, tier or actor kind outside
 * the list is refused with an error naming the table, row and column, never passed on as if valid.
 */
import { z } from 'zod';
import { ACTIONS, INCIDENT_STATUSES, TIERS } from '../domain/types.ts';
import { UnreadableRowError } from './json.ts';

export const TIER = z.enum(TIERS);
export const ACTION = z.enum(ACTIONS);
export const INCIDENT_STATUS = z.enum(INCIDENT_STATUSES);
export const ACTOR_KIND = z.enum(['user', 'bot', 'system']);

/** A column's value checked against its schema. */
export function parseColumn<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: { table: string; id: string | number; column: string },
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const shown = typeof value === 'string' ? `"${value}"` : String(value);
    const problem = parsed.error.issues[0]?.message ?? 'unexpected value';
    throw new UnreadableRowError(where.table, where.id, where.column, `${shown}: ${problem}`);
  }
  return parsed.data;
}
