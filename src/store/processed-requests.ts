/**
 * Keys of Slack deliveries already handled (trigger_id of a command or interaction, event_id of an
 * event). Slack retries a delivery it thinks was lost; remembering the key makes the retry a no-op.
 */
import type { SqlDatabase } from './sql.ts';
import { isUniqueViolation } from './errors.ts';

export function createProcessedRequestRepository(db: SqlDatabase) {
  const insert = db.prepare(`INSERT INTO processed_requests (key, at) VALUES (?, ?)`);
  const prune = db.prepare(`DELETE FROM processed_requests WHERE at < ?`);

  return {
    /** True the first time a key is seen, false for every repeat. */
    remember(key: string, at: number): boolean {
      try {
        insert.run(key, at);
        return true;
      } catch (err) {
        if (isUniqueViolation(err)) return false;
        throw err;
      }
    },
    /** Forgets keys older than `before`; returns how many. */
    prune(before: number): number {
      return prune.run(before).changes;
    },
  };
}

export type ProcessedRequestRepository = ReturnType<typeof createProcessedRequestRepository>;
