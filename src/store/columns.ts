/**
 * Plain (not JSON) columns read with the domain's word lists: a status, tier or actor kind outside
 * the list is refused with an error naming the table, row and column, never passed on as if valid.
 * And the actor columns that timeline lines and audit entries share.
 */
import { z } from 'zod';
import { ACTIONS, INCIDENT_STATUSES, TIERS, type Actor } from '../domain/types.ts';
import { parseJsonColumn, toJson, UnreadableRowError } from './json.ts';

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

const ACTOR_VIA = z.object({ kind: z.literal('cli'), osUser: z.string() });

/** The actor columns of a row: `actor_via` is set only when a person acted from the command line. */
export interface ActorColumns {
  actor_kind: string;
  actor_id: string;
  actor_via: string | null;
}

export function actorColumns(actor: Actor): ActorColumns {
  return { actor_kind: actor.kind, actor_id: actor.id, actor_via: actor.via ? toJson(actor.via) : null };
}

export function actorOf(row: ActorColumns, where: { table: string; id: string | number }): Actor {
  const kind = parseColumn(ACTOR_KIND, row.actor_kind, { ...where, column: 'actor_kind' });
  if (row.actor_via === null) return { kind, id: row.actor_id };
  return { kind, id: row.actor_id, via: parseJsonColumn(ACTOR_VIA, row.actor_via, { ...where, column: 'actor_via' }) };
}
