/** The audit log: who tried what, on what, and whether it was allowed. Append-only. */
import { z } from 'zod';
import type { Actor } from '../domain/types.ts';
import { actorColumns, actorOf, parseColumn } from './columns.ts';
import { committed, type SqlDatabase } from './sql.ts';
import { parseJsonColumn, toJson } from './json.ts';

export const AUDIT_OUTCOMES = ['allowed', 'refused', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export interface AuditEntry {
  id: number;
  at: number;
  actor: Actor;
  /** e.g. `rollback.start`, `incident.resolve`, `drill.run`. */
  action: string;
  /** What it was done to: a service, an incident id, a rollback id. */
  target: string | null;
  outcome: AuditOutcome;
  detail: Record<string, unknown>;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'target' | 'detail'> & {
  target?: string | null;
  detail?: Record<string, unknown>;
};

export interface AuditFilter {
  actorId?: string;
  action?: string;
  outcome?: AuditOutcome;
  target?: string;
  /** Inclusive. */
  since?: number;
  /** Exclusive. */
  until?: number;
  /** Default 100. */
  limit?: number;
}

interface AuditRow {
  id: number;
  at: number;
  actor_kind: string;
  actor_id: string;
  actor_via: string | null;
  action: string;
  target: string | null;
  outcome: string;
  detail: string;
}

const OUTCOME = z.enum(AUDIT_OUTCOMES);
/** What was asked, as the one who asked gave it: any object, read back as such. */
const DETAIL = z.record(z.string(), z.unknown());

function toEntry(row: AuditRow): AuditEntry {
  const where = (column: string) => ({ table: 'audit_log', id: row.id, column });
  return {
    id: row.id,
    at: row.at,
    actor: actorOf(row, { table: 'audit_log', id: row.id }),
    action: row.action,
    target: row.target,
    outcome: parseColumn(OUTCOME, row.outcome, where('outcome')),
    detail: parseJsonColumn(DETAIL, row.detail, where('detail')),
  };
}

export function createAuditRepository(db: SqlDatabase) {
  const insert = db.prepare(
    `INSERT INTO audit_log (at, actor_kind, actor_id, actor_via, action, target, outcome, detail)
     VALUES (@at, @actor_kind, @actor_id, @actor_via, @action, @target, @outcome, @detail)
     RETURNING id`,
  );
  const select = db.prepare<
    {
      actor_id: string | null;
      action: string | null;
      outcome: string | null;
      target: string | null;
      since: number | null;
      until: number | null;
      limit: number;
    },
    AuditRow
  >(
    `SELECT id, at, actor_kind, actor_id, actor_via, action, target, outcome, detail FROM audit_log
     WHERE (CAST(@actor_id AS TEXT) IS NULL OR actor_id = @actor_id)
       AND (CAST(@action AS TEXT) IS NULL OR action = @action)
       AND (CAST(@outcome AS TEXT) IS NULL OR outcome = @outcome)
       AND (CAST(@target AS TEXT) IS NULL OR target = @target)
       AND (CAST(@since AS BIGINT) IS NULL OR at >= @since)
       AND (CAST(@until AS BIGINT) IS NULL OR at < @until)
     ORDER BY at DESC, id DESC LIMIT @limit`,
  );

  return {
    /** Appends an entry; returns its id. */
    record(entry: NewAuditEntry): number {
      const row = committed(db, () =>
        insert.get({
          at: entry.at,
          ...actorColumns(entry.actor),
          action: entry.action,
          target: entry.target ?? null,
          outcome: entry.outcome,
          detail: toJson(entry.detail ?? {}),
        }),
      );
      return (row as { id: number }).id;
    },

    /** Newest first. */
    list(filter: AuditFilter = {}): AuditEntry[] {
      return select
        .all({
          actor_id: filter.actorId ?? null,
          action: filter.action ?? null,
          outcome: filter.outcome ?? null,
          target: filter.target ?? null,
          since: filter.since ?? null,
          until: filter.until ?? null,
          limit: filter.limit ?? 100,
        })
        .map(toEntry);
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
