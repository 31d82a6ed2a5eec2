import type { SqlDatabase } from './sql.ts';

/** `20260105` for an instant on 5 January 2026, UTC. */
export function utcDay(at: number): string {
  if (!Number.isFinite(at)) throw new RangeError(`not a valid time: ${at}`);
  return new Date(at).toISOString().slice(0, 10).replaceAll('-', '');
}

/** Returns the next human-readable id of a scope for the UTC day of `at`. */
export type NextDailyId = (scope: string, at: number) => string;

/**
 * Ids like `INC-20260105-001`, `-002`, …, restarting at 001 each UTC day. Call the returned
 * function inside the transaction that inserts the row, so a failed insert does not burn a number
 * and two writers (even on two connections) never get the same one.
 */
export function dailyIdSequence(db: SqlDatabase): NextDailyId {
  const bump = db.prepare<[string, string], { last: number }>(
    `INSERT INTO id_seq (scope, day, last) VALUES (?, ?, 1)
     ON CONFLICT (scope, day) DO UPDATE SET last = id_seq.last + 1
     RETURNING last`,
  );
  return (scope, at) => {
    const day = utcDay(at);
    const row = bump.get(scope, day);
    if (!row) throw new Error(`id sequence ${scope}/${day} returned nothing`);
    return `${scope}-${day}-${String(row.last).padStart(3, '0')}`;
  };
}
