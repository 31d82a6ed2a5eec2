/**
 * Routing drift Rewind noticed (see migration 012): what it noted, and how the team settled it.
 * The policy — when live routing counts as drift, what is expected — is the drift service's.
 */
import { z } from 'zod';
import type { Database } from './db.ts';
import { parseColumn } from './columns.ts';
import { parseJsonColumn } from './json.ts';

const SPLIT = z.record(z.string(), z.number());
const SETTLEMENT = z.enum(['reapplied', 'accepted']).nullable();

export type DriftSettlement = NonNullable<z.output<typeof SETTLEMENT>>;

export interface RoutingDrift {
  id: number;
  service: string;
  /** `Kind namespace/name` of the object whose change was seen. */
  object: string;
  resourceVersion: string;
  /** The field manager that set the routing fields last. */
  writer: string;
  live: Record<string, number>;
  expected: Record<string, number>;
  /** When Rewind set (or the team accepted) the expected split. */
  expectedAt: number;
  incidentId: string | null;
  /** The gradual rollback paused because of it. */
  pausedRollbackId: string | null;
  notedAt: number;
  settled: DriftSettlement | null;
  settledBy: string | null;
  settledAt: number | null;
}

export type NewRoutingDrift = Omit<RoutingDrift, 'id' | 'settled' | 'settledBy' | 'settledAt'>;

interface Row {
  id: number;
  service: string;
  object: string;
  resource_version: string;
  writer: string;
  live: string;
  expected: string;
  expected_at: number;
  incident_id: string | null;
  paused_rollback_id: string | null;
  noted_at: number;
  settled: string | null;
  settled_by: string | null;
  settled_at: number | null;
}

function toDrift(row: Row): RoutingDrift {
  const where = (column: string) => ({ table: 'routing_drifts', id: row.id, column });
  return {
    id: row.id,
    service: row.service,
    object: row.object,
    resourceVersion: row.resource_version,
    writer: row.writer,
    live: parseJsonColumn(SPLIT, row.live, where('live')),
    expected: parseJsonColumn(SPLIT, row.expected, where('expected')),
    expectedAt: row.expected_at,
    incidentId: row.incident_id,
    pausedRollbackId: row.paused_rollback_id,
    notedAt: row.noted_at,
    settled: parseColumn(SETTLEMENT, row.settled, where('settled')),
    settledBy: row.settled_by,
    settledAt: row.settled_at,
  };
}

/** A split as one canonical JSON text (versions in order), so the same split is always the same key. */
export const splitKey = (split: Record<string, number>): string =>
  JSON.stringify(Object.fromEntries(Object.entries(split).sort(([a], [b]) => a.localeCompare(b))));

export function createDriftRepository(db: Database) {
  const insert = db.prepare(
    `INSERT INTO routing_drifts (service, object, resource_version, writer, live, expected, expected_at,
       incident_id, paused_rollback_id, noted_at)
     VALUES (@service, @object, @resourceVersion, @writer, @live, @expected, @expectedAt,
       @incidentId, @pausedRollbackId, @notedAt)
     ON CONFLICT (service, object, resource_version, expected) DO NOTHING`,
  );
  const byId = db.prepare<[number], Row>(`SELECT * FROM routing_drifts WHERE id = ?`);
  const openOf = db.prepare<[string, string, string], Row>(
    `SELECT * FROM routing_drifts WHERE service = ? AND live = ? AND expected = ? AND settled IS NULL LIMIT 1`,
  );
  const lastAccepted = db.prepare<[string], Row>(
    `SELECT * FROM routing_drifts WHERE service = ? AND settled = 'accepted'
     ORDER BY settled_at DESC, id DESC LIMIT 1`,
  );
  const settle = db.prepare(
    `UPDATE routing_drifts SET settled = @settled, settled_by = @by, settled_at = @at
     WHERE id = @id AND settled IS NULL`,
  );
  const setPaused = db.prepare(`UPDATE routing_drifts SET paused_rollback_id = ? WHERE id = ?`);

  return {
    /** Records a change noted; null when this change (object, resourceVersion, expected) was noted before. */
    record(drift: NewRoutingDrift): RoutingDrift | null {
      const result = insert.run({ ...drift, live: splitKey(drift.live), expected: splitKey(drift.expected) });
      if (result.changes === 0) return null;
      return toDrift(byId.get(Number(result.lastInsertRowid))!);
    },
    get(id: number): RoutingDrift | null {
      const row = byId.get(id);
      return row ? toDrift(row) : null;
    },
    /** An unsettled drift of the service from `expected` to the same `live` split (noted via another event). */
    openWith(service: string, live: Record<string, number>, expected: Record<string, number>): RoutingDrift | null {
      const row = openOf.get(service, splitKey(live), splitKey(expected));
      return row ? toDrift(row) : null;
    },
    /** The service's latest drift the team accepted as its expected routing. */
    lastAccepted(service: string): RoutingDrift | null {
      const row = lastAccepted.get(service);
      return row ? toDrift(row) : null;
    },
    /** Settles an open drift; false when it was settled already. */
    settle(id: number, settled: DriftSettlement, by: string, at: number): boolean {
      return settle.run({ id, settled, by, at }).changes > 0;
    },
    markPaused(id: number, rollbackId: string): void {
      setPaused.run(rollbackId, id);
    },
  };
}
