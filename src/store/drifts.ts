/**
 * Routing drift Rewind noticed (see migration 012): what it noted, and how the team settled it.
 * The policy — when live routing counts as drift, what is expected — is the drift service's.
 */
import { z } from 'zod';
import { committed, type SqlDatabase } from './sql.ts';
import { parseColumn } from './columns.ts';
import { parseJsonColumn } from './json.ts';

const SPLIT = z.record(z.string(), z.number());
const SETTLEMENT = z.enum(['reapplied', 'accepted']).nullable();

/**
 * How a drift was settled: by the team (re-applied, accepted, as stored), or `superseded` — a later
 * drift of the same service was noted, so this one's splits are no longer live. Superseded is read
 * from the rows (a later one exists), never stored, so it needs no column of its own.
 */
export type DriftSettlement = NonNullable<z.output<typeof SETTLEMENT>> | 'superseded';

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
  /** When the next drift of the service was noted (the first after this one); null while this is the latest. */
  superseded_at?: number | null;
}

function toDrift(row: Row): RoutingDrift {
  const where = (column: string) => ({ table: 'routing_drifts', id: row.id, column });
  const superseded = row.superseded_at ?? null;
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
    settled: parseColumn(SETTLEMENT, row.settled, where('settled')) ?? (superseded === null ? null : 'superseded'),
    settledBy: row.settled_by,
    settledAt: row.settled_at ?? superseded,
  };
}

/** A split as one canonical JSON text (versions in order), so the same split is always the same key. */
export const splitKey = (split: Record<string, number>): string =>
  JSON.stringify(Object.fromEntries(Object.entries(split).sort(([a], [b]) => a.localeCompare(b))));

export function createDriftRepository(db: SqlDatabase) {
  const insert = db.prepare<Record<string, unknown>, { id: number }>(
    `INSERT INTO routing_drifts (service, object, resource_version, writer, live, expected, expected_at,
       incident_id, paused_rollback_id, noted_at)
     VALUES (@service, @object, @resourceVersion, @writer, @live, @expected, @expectedAt,
       @incidentId, @pausedRollbackId, @notedAt)
     ON CONFLICT (service, object, resource_version, expected) DO NOTHING
     RETURNING id`,
  );
  const byId = db.prepare<[number], Row>(
    `SELECT d.*, (SELECT MIN(n.noted_at) FROM routing_drifts n WHERE n.service = d.service AND n.id > d.id)
       AS superseded_at
     FROM routing_drifts d WHERE d.id = ?`,
  );
  // Open: neither settled by the team nor superseded by a later drift of the service.
  const openOf = db.prepare<[string, string, string], Row>(
    `SELECT * FROM routing_drifts d WHERE service = ? AND live = ? AND expected = ? AND settled IS NULL
       AND NOT EXISTS (SELECT 1 FROM routing_drifts n WHERE n.service = d.service AND n.id > d.id) LIMIT 1`,
  );
  const acceptedAt = db.prepare<[string, number], Row>(
    `SELECT * FROM routing_drifts WHERE service = ? AND settled = 'accepted' AND settled_at = ?
     ORDER BY id DESC LIMIT 1`,
  );
  const lastAccepted = db.prepare<[string], Row>(
    `SELECT * FROM routing_drifts WHERE service = ? AND settled = 'accepted'
     ORDER BY settled_at DESC, id DESC LIMIT 1`,
  );
  const settle = db.prepare(
    `UPDATE routing_drifts SET settled = @settled, settled_by = @by, settled_at = @at
     WHERE id = @id AND settled IS NULL
       AND NOT EXISTS (SELECT 1 FROM routing_drifts n WHERE n.service = routing_drifts.service AND n.id > @id)`,
  );
  const setPaused = db.prepare(`UPDATE routing_drifts SET paused_rollback_id = ? WHERE id = ?`);
  const latestOf = db.prepare<[string], { id: number }>(
    `SELECT id FROM routing_drifts WHERE service = ? ORDER BY id DESC LIMIT 1`,
  );
  const lastPausing = db.prepare<[string], { id: number }>(
    `SELECT id FROM routing_drifts WHERE paused_rollback_id = ? ORDER BY id DESC LIMIT 1`,
  );

  return {
    /** Records a change noted; null when this change (object, resourceVersion, expected) was noted before. */
    record(drift: NewRoutingDrift): RoutingDrift | null {
      const created = committed(db, () =>
        insert.get({ ...drift, live: splitKey(drift.live), expected: splitKey(drift.expected) }),
      );
      if (!created) return null;
      return toDrift(byId.get(created.id)!);
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
    /** The drift whose acceptance at `at` made its split what the service was expected to have. */
    acceptedAt(service: string, at: number): RoutingDrift | null {
      const row = acceptedAt.get(service, at);
      return row ? toDrift(row) : null;
    },
    /** Settles an open drift; false when it was settled already, or a later drift superseded it. */
    settle(id: number, settled: Exclude<DriftSettlement, 'superseded'>, by: string, at: number): boolean {
      return settle.run({ id, settled, by, at }).changes > 0;
    },
    markPaused(id: number, rollbackId: string): void {
      setPaused.run(rollbackId, id);
    },
    /** The service's latest drift (the only one not superseded). */
    latestOf(service: string): RoutingDrift | null {
      const row = latestOf.get(service);
      return row ? toDrift(byId.get(row.id)!) : null;
    },
    /** The latest drift that paused this rollback. */
    lastPausing(rollbackId: string): RoutingDrift | null {
      const row = lastPausing.get(rollbackId);
      return row ? toDrift(byId.get(row.id)!) : null;
    },
  };
}
