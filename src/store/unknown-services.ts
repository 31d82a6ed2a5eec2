/**
 * Unknown services that sent alerts and when the incident channel was last told about each (see
 * migration 009). The policy — how often, how many a minute — is the alert intake's; this is the
 * memory it keeps in the database so that it holds across restarts and costs no process memory.
 */
import type { SqlDatabase } from './sql.ts';

export type UnknownServiceTold = 'announced' | 'waiting' | 'summarised';

export function createUnknownServiceRepository(db: SqlDatabase) {
  const selectToldAt = db.prepare<[string], { told_at: number }>(
    `SELECT told_at FROM unknown_services WHERE service = ?`,
  );
  const countTold = db.prepare<[number, string], { n: number }>(
    `SELECT count(*) AS n FROM unknown_services WHERE window_start = ? AND told = ?`,
  );
  const anyTold = db.prepare<[number, string], { one: number }>(
    `SELECT 1 AS one FROM unknown_services WHERE window_start = ? AND told = ? LIMIT 1`,
  );
  const upsert = db.prepare<{ service: string; at: number; window: number; told: UnknownServiceTold }>(
    `INSERT INTO unknown_services (service, told_at, window_start, told) VALUES (@service, @at, @window, @told)
     ON CONFLICT (service) DO UPDATE SET
       told_at = excluded.told_at, window_start = excluded.window_start, told = excluded.told`,
  );
  const firstWaiting = db.prepare<[number, number], { service: string }>(
    `SELECT service FROM unknown_services WHERE window_start = ? AND told = 'waiting' ORDER BY told_at, id LIMIT ?`,
  );
  const markSummarised = db.prepare(
    `UPDATE unknown_services SET told = 'summarised' WHERE window_start = ? AND told = 'waiting'`,
  );
  const prune = db.prepare(
    `DELETE FROM unknown_services WHERE told_at < @before AND (told <> 'waiting' OR told_at < @waitingBefore)`,
  );

  return {
    /** When the channel was last told about `service` (on its own or in a summary), or null. */
    lastToldAt(service: string): number | null {
      return selectToldAt.get(service)?.told_at ?? null;
    },
    /** How many services the minute starting at `windowStart` announced (or holds back) so far. */
    count(windowStart: number, told: UnknownServiceTold): number {
      return countTold.get(windowStart, told)?.n ?? 0;
    },
    /** Whether the minute starting at `windowStart` holds back any service for its summary yet. */
    hasWaiting(windowStart: number): boolean {
      return anyTold.get(windowStart, 'waiting') !== undefined;
    },
    /** Records that `service` was told about at `at` (or is held back for its minute's summary). */
    record(service: string, at: number, windowStart: number, told: 'announced' | 'waiting'): void {
      upsert.run({ service, at, window: windowStart, told });
    },
    /**
     * Marks the services a minute held back as summarised and returns how many there were and the
     * first `names` of them in the order they arrived. Run it in the transaction that queues the
     * summary, so the summary is queued exactly when they are marked.
     */
    summarise(windowStart: number, names: number): { count: number; names: string[] } {
      const count = countTold.get(windowStart, 'waiting')?.n ?? 0;
      if (count === 0) return { count, names: [] };
      const first = firstWaiting.all(windowStart, names).map((r) => r.service);
      markSummarised.run(windowStart);
      return { count, names: first };
    },
    /**
     * Forgets services told about before `before`; services still waiting for a summary are kept
     * until `waitingBefore` (their summary may only be late, after downtime). Returns how many.
     */
    prune(before: number, waitingBefore: number): number {
      return prune.run({ before, waitingBefore }).changes;
    },
  };
}

export type UnknownServiceRepository = ReturnType<typeof createUnknownServiceRepository>;
