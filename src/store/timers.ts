/**
 * Timer rows for the durable timer service (src/services/timers.ts). Every state change here is a
 * single conditional UPDATE, so two connections (two processes) racing for the same row cannot both
 * win: the loser sees `changes === 0`. Times are passed in by the service, which owns the clock.
 */
import { z } from 'zod';
import { parseColumn } from './columns.ts';
import { dialectOf, jsonArrayValues, type SqlDatabase } from './sql.ts';
import { parseJsonColumn, toJson } from './json.ts';

export const TIMER_STATUSES = ['pending', 'firing', 'done', 'failed', 'cancelled'] as const;
export type TimerStatus = (typeof TIMER_STATUSES)[number];

const TIMER_STATUS = z.enum(TIMER_STATUSES);
/** Any JSON: each kind of timer reads its own payload (the handler that owns the kind knows its shape). */
const PAYLOAD = z.unknown();

export interface TimerRecord {
  id: number;
  kind: string;
  /** Unique across all timers, whatever their status: one key, one firing. */
  key: string;
  /** When it was meant to fire. */
  dueAt: number;
  /** When the next attempt may run (later than dueAt after a failed attempt). */
  runAt: number;
  payload: unknown;
  status: TimerStatus;
  /** Attempts started so far (a claim counts as one). */
  attempts: number;
  claimedBy: string | null;
  claimedAt: number | null;
  firedAt: number | null;
  lastError: string | null;
}

export interface NewTimer {
  kind: string;
  key: string;
  dueAt: number;
  payload?: unknown;
}

interface TimerRow {
  id: number;
  kind: string;
  key: string;
  due_at: number;
  run_at: number;
  payload: string;
  status: string;
  attempts: number;
  claimed_by: string | null;
  claimed_at: number | null;
  fired_at: number | null;
  last_error: string | null;
}

const COLUMNS =
  'id, kind, key, due_at, run_at, payload, status, attempts, claimed_by, claimed_at, fired_at, last_error';

function toTimer(row: TimerRow): TimerRecord {
  return {
    id: row.id,
    kind: row.kind,
    key: row.key,
    dueAt: row.due_at,
    runAt: row.run_at,
    payload: parseJsonColumn(PAYLOAD, row.payload, { table: 'timers', id: row.id, column: 'payload' }),
    status: parseColumn(TIMER_STATUS, row.status, { table: 'timers', id: row.id, column: 'status' }),
    attempts: row.attempts,
    claimedBy: row.claimed_by,
    claimedAt: row.claimed_at,
    firedAt: row.fired_at,
    lastError: row.last_error,
  };
}

/** `LIKE` pattern matching keys that start with `prefix`, wildcards in the prefix escaped. */
function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function createTimerRepository(db: SqlDatabase) {
  const insert = db.prepare<{ kind: string; key: string; due_at: number; payload: string; now: number }, TimerRow>(
    `INSERT INTO timers (kind, key, due_at, run_at, payload, status, created_at, updated_at)
     VALUES (@kind, @key, @due_at, @due_at, @payload, 'pending', @now, @now)
     ON CONFLICT (key) DO NOTHING
     RETURNING ${COLUMNS}`,
  );
  const selectByKey = db.prepare<[string], TimerRow>(`SELECT ${COLUMNS} FROM timers WHERE key = ?`);
  const selectById = db.prepare<[number], TimerRow>(`SELECT ${COLUMNS} FROM timers WHERE id = ?`);
  const selectDue = db.prepare<{ now: number; kinds: string; limit: number }, TimerRow>(
    `SELECT ${COLUMNS} FROM timers
     WHERE status = 'pending' AND run_at <= @now AND kind IN (${jsonArrayValues(db, '@kinds')})
     ORDER BY run_at, id LIMIT @limit`,
  );
  const selectDueKindsOutside = db.prepare<{ now: number; kinds: string }, { kind: string; n: number }>(
    `SELECT kind, count(*) AS n FROM timers
     WHERE status = 'pending' AND run_at <= @now AND kind NOT IN (${jsonArrayValues(db, '@kinds')})
     GROUP BY kind ORDER BY kind`,
  );
  const selectPendingCount = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM timers WHERE status = 'pending'`);
  const selectNextRunAt = db.prepare<[string], { next: number | null }>(
    `SELECT min(run_at) AS next FROM timers
     WHERE status = 'pending' AND kind IN (${jsonArrayValues(db, '?')})`,
  );
  // On PostgreSQL the row is taken with FOR UPDATE SKIP LOCKED: a replica claiming the same timer at
  // the same moment is passed over at once instead of waited for, and the loser gets no row.
  const claimable =
    dialectOf(db) === 'postgres'
      ? `id = (SELECT id FROM timers WHERE id = @id AND status = 'pending' AND run_at <= @now FOR UPDATE SKIP LOCKED)`
      : `id = @id AND status = 'pending' AND run_at <= @now`;
  const claimRow = db.prepare<{ id: number; owner: string; now: number }, TimerRow>(
    `UPDATE timers SET status = 'firing', claimed_by = @owner, claimed_at = @now, attempts = attempts + 1,
       updated_at = @now
     WHERE ${claimable}
     RETURNING ${COLUMNS}`,
  );
  const doneRow = db.prepare(
    `UPDATE timers SET status = 'done', fired_at = @now, last_error = NULL, updated_at = @now
     WHERE id = @id AND status = 'firing' AND claimed_by = @owner`,
  );
  const retryRow = db.prepare(
    `UPDATE timers SET status = 'pending', run_at = @run_at, last_error = @error, claimed_by = NULL,
       claimed_at = NULL, updated_at = @now
     WHERE id = @id AND status = 'firing' AND claimed_by = @owner`,
  );
  const failRow = db.prepare(
    `UPDATE timers SET status = 'failed', fired_at = @now, last_error = @error, updated_at = @now
     WHERE id = @id AND status = 'firing' AND claimed_by = @owner`,
  );
  const cancelRow = db.prepare(
    `UPDATE timers SET status = 'cancelled', updated_at = ? WHERE key = ? AND status = 'pending'`,
  );
  const cancelPrefix = db.prepare(
    `UPDATE timers SET status = 'cancelled', updated_at = ?
     WHERE kind = ? AND key LIKE ? ESCAPE '\\' AND status = 'pending'`,
  );
  const rescheduleRow = db.prepare<{ key: string; due_at: number; payload: string | null; now: number }, TimerRow>(
    `UPDATE timers SET due_at = @due_at, run_at = @due_at, payload = coalesce(@payload, payload),
       status = 'pending', attempts = 0, claimed_by = NULL, claimed_at = NULL, fired_at = NULL,
       last_error = NULL, updated_at = @now
     WHERE key = @key AND status <> 'firing'
     RETURNING ${COLUMNS}`,
  );
  const releaseRows = db.prepare<{ cutoff: number; except: string | null; now: number }, TimerRow>(
    `UPDATE timers SET status = 'pending', claimed_by = NULL, claimed_at = NULL, updated_at = @now
     WHERE status = 'firing' AND claimed_at < @cutoff AND (CAST(@except AS TEXT) IS NULL OR claimed_by <> @except)
     RETURNING ${COLUMNS}`,
  );
  const selectList = db.prepare<{ status: string | null; kind: string | null; prefix: string | null }, TimerRow>(
    `SELECT ${COLUMNS} FROM timers
     WHERE (CAST(@status AS TEXT) IS NULL OR status = @status) AND (CAST(@kind AS TEXT) IS NULL OR kind = @kind)
       AND (CAST(@prefix AS TEXT) IS NULL OR key LIKE @prefix ESCAPE '\\')
     ORDER BY due_at, id`,
  );

  const insertOrGetOne = (timer: NewTimer, now: number) => {
    const created = insert.get({
      kind: timer.kind,
      key: timer.key,
      due_at: timer.dueAt,
      payload: toJson(timer.payload ?? null),
      now,
    });
    if (created) return { timer: toTimer(created), created: true };
    const existing = selectByKey.get(timer.key);
    if (!existing) throw new Error(`timer ${timer.key} conflicted but cannot be read`);
    return { timer: toTimer(existing), created: false };
  };
  // One write: inside a caller's transaction (an incident opened with its escalation timers) it
  // needs no savepoint of its own to be all or nothing.
  const insertOrGet = db.transaction(insertOrGetOne);

  /**
   * Runs an UPDATE … RETURNING in an explicit transaction. Alone, better-sqlite3's `.get()` hands
   * back the returned row even when the commit then fails (SQLITE_FULL on a full disk): a claim
   * that never happened would look won, and the timer would fire again at once, forever. Inside a
   * transaction the failed COMMIT throws, so a claim counts only once it is committed.
   */
  const committed = <T>(fn: () => T): T => db.transaction(fn)();
  const pruneDone = db.prepare(`DELETE FROM timers WHERE kind = ? AND status = 'done' AND updated_at < ?`);
  const upsertRunner = db.prepare(
    `INSERT INTO runners (owner, started_at, beat_at) VALUES (@owner, @now, @now)
     ON CONFLICT (owner) DO UPDATE SET beat_at = excluded.beat_at`,
  );
  const deleteRunner = db.prepare(`DELETE FROM runners WHERE owner = ?`);
  const selectRunner = db.prepare<[string], { owner: string; started_at: number; beat_at: number }>(
    `SELECT owner, started_at, beat_at FROM runners WHERE owner = ?`,
  );
  const pruneRunners = db.prepare(`DELETE FROM runners WHERE beat_at < ?`);
  const selectFiringOwners = db.prepare<[], { owner: string }>(
    `SELECT DISTINCT claimed_by AS owner FROM timers WHERE status = 'firing' AND claimed_by IS NOT NULL`,
  );
  const releaseOwnerRows = db.prepare<{ owner: string; now: number }, TimerRow>(
    `UPDATE timers SET status = 'pending', claimed_by = NULL, claimed_at = NULL, updated_at = @now
     WHERE status = 'firing' AND claimed_by = @owner
     RETURNING ${COLUMNS}`,
  );

  return {
    /**
     * Inserts a pending timer, or, when a timer with this key exists in any status, returns that one
     * untouched with `created: false`. Keys are one-shot: a timer that already fired is not re-armed.
     */
    insert(timer: NewTimer, now: number): { timer: TimerRecord; created: boolean } {
      return db.inTransaction ? insertOrGetOne(timer, now) : insertOrGet.immediate(timer, now);
    },

    /**
     * Re-arms the timer with this key for `dueAt` (payload replaced when given), whatever its status
     * except `firing`; attempts start over. Returns null when no such timer exists or it is firing.
     */
    reschedule(key: string, dueAt: number, now: number, payload?: unknown): TimerRecord | null {
      const row = committed(() =>
        rescheduleRow.get({
          key,
          due_at: dueAt,
          payload: payload === undefined ? null : toJson(payload),
          now,
        }),
      );
      return row ? toTimer(row) : null;
    },

    get(id: number): TimerRecord | null {
      const row = selectById.get(id);
      return row ? toTimer(row) : null;
    },

    getByKey(key: string): TimerRecord | null {
      const row = selectByKey.get(key);
      return row ? toTimer(row) : null;
    },

    /** Timers waiting to fire, for the /metrics gauge. */
    countPending(): number {
      return selectPendingCount.get()?.n ?? 0;
    },

    list(filter: { status?: TimerStatus; kind?: string; keyPrefix?: string } = {}): TimerRecord[] {
      return selectList
        .all({
          status: filter.status ?? null,
          kind: filter.kind ?? null,
          prefix: filter.keyPrefix === undefined ? null : prefixPattern(filter.keyPrefix),
        })
        .map(toTimer);
    },

    /** Pending timers of the given kinds whose run time has come, in run order. */
    due(now: number, kinds: readonly string[], limit: number): TimerRecord[] {
      return selectDue.all({ now, kinds: JSON.stringify(kinds), limit }).map(toTimer);
    },

    /** Kinds outside `kinds` with pending timers already due, and how many. */
    dueKindsOutside(now: number, kinds: readonly string[]): { kind: string; count: number }[] {
      return selectDueKindsOutside
        .all({ now, kinds: JSON.stringify(kinds) })
        .map((r) => ({ kind: r.kind, count: r.n }));
    },

    /** The earliest run time of a pending timer of the given kinds, or null when there is none. */
    nextRunAt(kinds: readonly string[]): number | null {
      return selectNextRunAt.get(JSON.stringify(kinds))?.next ?? null;
    },

    /**
     * Takes a due pending timer for `owner` and returns it as claimed (attempts already counting this
     * one). Null when another owner took it first, or it was cancelled or moved later meanwhile.
     */
    claim(id: number, owner: string, now: number): TimerRecord | null {
      const row = committed(() => claimRow.get({ id, owner, now }));
      return row ? toTimer(row) : null;
    },

    /** False when the claim was lost meanwhile (released as stale). */
    markDone(id: number, owner: string, now: number): boolean {
      return doneRow.run({ id, owner, now }).changes === 1;
    },

    /** Back to pending, to run again at `runAt`. */
    markRetry(id: number, owner: string, error: string, runAt: number, now: number): boolean {
      return retryRow.run({ id, owner, error, run_at: runAt, now }).changes === 1;
    },

    /** Failed for good. */
    markFailed(id: number, owner: string, error: string, now: number): boolean {
      return failRow.run({ id, owner, error, now }).changes === 1;
    },

    /** Cancels the pending timer with this key. False when there is none pending. */
    cancel(key: string, now: number): boolean {
      return cancelRow.run(now, key).changes === 1;
    },

    /**
     * Deletes fired timers of `kind` last touched before `before`; returns how many. Only for kinds
     * whose keys are never scheduled twice (a key carries its time), since deleting a key lets it be
     * scheduled again.
     */
    pruneDone(kind: string, before: number): number {
      return pruneDone.run(kind, before).changes;
    },

    /** Cancels every pending timer of `kind` whose key starts with `keyPrefix`; returns how many. */
    cancelWhere(kind: string, keyPrefix: string, now: number): number {
      return cancelPrefix.run(now, kind, prefixPattern(keyPrefix)).changes;
    },

    /** Records (or refreshes) the heartbeat of a running process. */
    beat(owner: string, now: number): void {
      upsertRunner.run({ owner, now });
    },

    /** A process that stops cleanly says so: its claims are all finished. */
    removeRunner(owner: string): void {
      deleteRunner.run(owner);
    },

    /** The last heartbeat of `owner`, or null when it never beat or stopped cleanly. */
    runner(owner: string): { startedAt: number; beatAt: number } | null {
      const row = selectRunner.get(owner);
      return row ? { startedAt: row.started_at, beatAt: row.beat_at } : null;
    },

    /** Forgets processes whose last heartbeat is older than `before` (long dead); returns how many. */
    pruneRunners(before: number): number {
      return pruneRunners.run(before).changes;
    },

    /** Owners of the timers now `firing`. */
    firingOwners(): string[] {
      return selectFiringOwners.all().map((r) => r.owner);
    },

    /** Returns every timer `owner` left `firing` to pending; returns them. */
    releaseOwner(owner: string, now: number): TimerRecord[] {
      return committed(() => releaseOwnerRows.all({ owner, now })).map(toTimer);
    },

    /**
     * Returns to pending every timer left `firing` with a claim older than `cutoff`, except those
     * claimed by `exceptOwner` (the caller's own, still running). Returns the released timers.
     */
    releaseStale(cutoff: number, now: number, exceptOwner: string | null = null): TimerRecord[] {
      return committed(() => releaseRows.all({ cutoff, except: exceptOwner, now })).map(toTimer);
    },
  };
}

export type TimerRepository = ReturnType<typeof createTimerRepository>;
