/**
 * Every Slack message Rewind means to send, written here before the first attempt. Messages wait
 * in queues — one per incident thread, direct message, channel or drill — and a queue is sent in
 * id order: its oldest waiting message goes first, and a message that fails holds up the ones
 * behind it until it goes through, so a thread never reads out of order. A message is waiting
 * until it is marked sent, or dead (Slack will never take it); a restart or an outage loses none.
 */
import { z } from 'zod';
import { committed, type SqlDatabase } from './sql.ts';
import { isUniqueViolation } from './errors.ts';
import { parseJsonColumn, toJson } from './json.ts';

/** Any JSON: the Slack adapter that wrote a message reads its payload by the message's kind. */
const PAYLOAD = z.unknown();

export interface OutboxMessage {
  id: number;
  /** Sent in id order with the other messages of the same queue, e.g. `incident:INC-…`, `dm:U…`. */
  queue: string;
  /** What the sender does with the payload, e.g. `thread`, `render`, `dm`. */
  kind: string;
  payload: unknown;
  /** Set for "send this once" messages: a second enqueue with the same key adds nothing. */
  dedupKey: string | null;
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
  sentAt: number | null;
  /** When it was given up as undeliverable (e.g. channel_not_found). */
  deadAt: number | null;
  lastError: string | null;
  /** The process delivering it right now, and since when. */
  claimedBy: string | null;
  claimedAt: number | null;
}

export interface NewOutboxMessage {
  queue: string;
  kind: string;
  payload: unknown;
  dedupKey?: string | null;
}

interface OutboxRow {
  id: number;
  queue: string;
  kind: string;
  payload: string;
  dedup_key: string | null;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  sent_at: number | null;
  dead_at: number | null;
  last_error: string | null;
  claimed_by: string | null;
  claimed_at: number | null;
}

const COLUMNS =
  `id, queue, kind, payload, dedup_key, attempts, next_attempt_at, created_at, sent_at, dead_at, last_error, ` +
  `claimed_by, claimed_at`;
const WAITING = `sent_at IS NULL AND dead_at IS NULL`;

function toMessage(row: OutboxRow): OutboxMessage {
  return {
    id: row.id,
    queue: row.queue,
    kind: row.kind,
    payload: parseJsonColumn(PAYLOAD, row.payload, { table: 'outbox', id: row.id, column: 'payload' }),
    dedupKey: row.dedup_key,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    deadAt: row.dead_at,
    lastError: row.last_error,
    claimedBy: row.claimed_by,
    claimedAt: row.claimed_at,
  };
}

export function createOutboxRepository(db: SqlDatabase) {
  const insert = db.prepare<
    { queue: string; kind: string; payload: string; dedup: string | null; now: number },
    { id: number }
  >(
    `INSERT INTO outbox (queue, kind, payload, dedup_key, next_attempt_at, created_at) VALUES (@queue, @kind, ` +
      `@payload, @dedup, @now, @now) RETURNING id`,
  );
  const selectOne = db.prepare<[number], OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE id = ?`);
  const selectHead = db.prepare<[string], OutboxRow>(
    `SELECT ${COLUMNS} FROM outbox WHERE queue = ? AND ${WAITING} ORDER BY id LIMIT 1`,
  );
  const selectDueHeads = db.prepare<[number, number], OutboxRow>(
    `SELECT ${COLUMNS} FROM outbox WHERE id IN (SELECT min(id) FROM outbox WHERE ${WAITING} GROUP BY queue)
       AND next_attempt_at <= ? ORDER BY id LIMIT ?`,
  );
  const selectLastWaiting = db.prepare<[string, string], OutboxRow>(
    `SELECT ${COLUMNS} FROM outbox WHERE queue = ? AND kind = ? AND ${WAITING} ORDER BY id DESC LIMIT 1`,
  );
  const selectAnyOfQueue = db.prepare<[string], { id: number }>(`SELECT id FROM outbox WHERE queue = ? LIMIT 1`);
  const updatePayload = db.prepare(`UPDATE outbox SET payload = ? WHERE id = ? AND ${WAITING}`);
  const claimRow = db.prepare<{ id: number; owner: string; previous: string | null; now: number }>(
    `UPDATE outbox SET claimed_by = @owner, claimed_at = @now WHERE id = @id AND ${WAITING} ` +
      `AND claimed_by IS NOT DISTINCT FROM CAST(@previous AS TEXT)`,
  );
  const sent = db.prepare(
    `UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL, claimed_by = NULL WHERE id = ? AND ` +
      `${WAITING}`,
  );
  const failed = db.prepare(
    `UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, claimed_by = NULL WHERE id = ? ` +
      `AND ${WAITING}`,
  );
  const dead = db.prepare(
    `UPDATE outbox SET dead_at = ?, attempts = attempts + 1, last_error = ?, claimed_by = NULL WHERE id = ? AND ` +
      `${WAITING}`,
  );
  const hurry = db.prepare(`UPDATE outbox SET next_attempt_at = ? WHERE ${WAITING} AND next_attempt_at > ?`);
  const countWaiting = db.prepare<[], { n: number; oldest: number | null }>(
    `SELECT count(*) AS n, min(created_at) AS oldest FROM outbox WHERE ${WAITING}`,
  );
  const countDead = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM outbox WHERE dead_at IS NOT NULL`);
  const pruneSent = db.prepare(`DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?`);

  return {
    /**
     * Queues a message, due at once; returns its id, or null when a message with the same dedup key
     * was queued before (whatever became of it): the caller's "send once" already happened.
     */
    enqueue(message: NewOutboxMessage, now: number): number | null {
      try {
        const row = committed(db, () =>
          insert.get({
            queue: message.queue,
            kind: message.kind,
            payload: toJson(message.payload),
            dedup: message.dedupKey ?? null,
            now,
          }),
        );
        return row!.id;
      } catch (err) {
        if (message.dedupKey && isUniqueViolation(err)) return null;
        throw err;
      }
    },

    get(id: number): OutboxMessage | null {
      const row = selectOne.get(id);
      return row ? toMessage(row) : null;
    },

    /** The message a queue sends next (its oldest waiting one), due or not. */
    head(queue: string): OutboxMessage | null {
      const row = selectHead.get(queue);
      return row ? toMessage(row) : null;
    },

    /** The heads of queues whose next attempt has come, oldest first. */
    dueHeads(now: number, limit = 100): OutboxMessage[] {
      return selectDueHeads.all(now, limit).map(toMessage);
    },

    /** The newest waiting message of this kind in the queue: one a new request may join instead. */
    lastWaiting(queue: string, kind: string): OutboxMessage | null {
      const row = selectLastWaiting.get(queue, kind);
      return row ? toMessage(row) : null;
    },

    /** Whether anything was ever queued on `queue` (sent, dead or waiting). */
    hasQueued(queue: string): boolean {
      return selectAnyOfQueue.get(queue) !== undefined;
    },

    /** Replaces the payload of a message still waiting; false once it was sent or given up. */
    replacePayload(id: number, payload: unknown): boolean {
      return updatePayload.run(toJson(payload), id).changes === 1;
    },

    /**
     * Takes a waiting message for `owner`, provided it is still held by `previous` (null: nobody)
     * as the caller saw it: of two processes racing for it, one wins. True when won.
     */
    claim(id: number, owner: string, previous: string | null, now: number): boolean {
      return claimRow.run({ id, owner, previous, now }).changes === 1;
    },

    /** False when it was already marked sent or dead. */
    markSent(id: number, now: number): boolean {
      return sent.run(now, id).changes === 1;
    },

    /** Records a failed attempt; the message stays first in its queue until `nextAttemptAt`. */
    markFailed(id: number, error: string, nextAttemptAt: number): boolean {
      return failed.run(error, nextAttemptAt, id).changes === 1;
    },

    /** Gives a message up for good: Slack said it can never be delivered. */
    markDead(id: number, error: string, now: number): boolean {
      return dead.run(now, error, id).changes === 1;
    },

    /** Makes every waiting message due now (Slack answers again: no need to wait out the backoff). */
    hurry(now: number): number {
      return hurry.run(now, now).changes;
    },

    /** Messages still waiting to be sent, and since when the oldest waits (for /metrics). */
    backlog(): { count: number; oldestCreatedAt: number | null } {
      const r = countWaiting.get();
      return { count: r?.n ?? 0, oldestCreatedAt: r?.oldest ?? null };
    },

    /** Messages still waiting to be sent. */
    unsentCount(): number {
      return countWaiting.get()?.n ?? 0;
    },

    /** Messages given up as undeliverable. */
    deadCount(): number {
      return countDead.get()?.n ?? 0;
    },

    /** Deletes messages sent before `before`; their dedup keys go with them. Returns how many. */
    pruneSent(before: number): number {
      return pruneSent.run(before).changes;
    },
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
