/**
 * Outgoing Slack messages that could not be sent yet. A message is written here before the first
 * attempt and removed from the due list only once sent, so a Slack outage or a restart loses none.
 */
import type { Database } from './db.ts';
import { fromJson, toJson } from './json.ts';

export interface OutboxMessage {
  id: number;
  /** What the sender does with the payload, e.g. `chat.postMessage`, `chat.update`. */
  kind: string;
  payload: unknown;
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
  sentAt: number | null;
  lastError: string | null;
}

interface OutboxRow {
  id: number;
  kind: string;
  payload: string;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  sent_at: number | null;
  last_error: string | null;
}

const COLUMNS = `id, kind, payload, attempts, next_attempt_at, created_at, sent_at, last_error`;

function toMessage(row: OutboxRow): OutboxMessage {
  return {
    id: row.id,
    kind: row.kind,
    payload: fromJson<unknown>(row.payload, 'outbox.payload'),
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    lastError: row.last_error,
  };
}

export function createOutboxRepository(db: Database) {
  const insert = db.prepare(
    `INSERT INTO outbox (kind, payload, next_attempt_at, created_at) VALUES (@kind, @payload, @now, @now)`,
  );
  const selectOne = db.prepare<[number], OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE id = ?`);
  const selectDue = db.prepare<[number, number], OutboxRow>(
    `SELECT ${COLUMNS} FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ?
     ORDER BY next_attempt_at, id LIMIT ?`,
  );
  const sent = db.prepare(`UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ? AND sent_at IS NULL`);
  const failed = db.prepare(
    `UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ? AND sent_at IS NULL`,
  );
  const countUnsent = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL`);

  return {
    /** Queues a message, due at once; returns its id. */
    enqueue(kind: string, payload: unknown, now: number): number {
      return Number(insert.run({ kind, payload: toJson(payload), now }).lastInsertRowid);
    },

    get(id: number): OutboxMessage | null {
      const row = selectOne.get(id);
      return row ? toMessage(row) : null;
    },

    /** Unsent messages whose next attempt has come, oldest first. */
    due(now: number, limit = 50): OutboxMessage[] {
      return selectDue.all(now, limit).map(toMessage);
    },

    /** False when it was already marked sent. */
    markSent(id: number, now: number): boolean {
      return sent.run(now, id).changes === 1;
    },

    /** Records a failed attempt; the message stays queued until `nextAttemptAt`. */
    markFailed(id: number, error: string, nextAttemptAt: number): boolean {
      return failed.run(error, nextAttemptAt, id).changes === 1;
    },

    /** Messages still waiting to be sent (for /metrics and readiness detail). */
    unsentCount(): number {
      return countUnsent.get()?.n ?? 0;
    },
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
