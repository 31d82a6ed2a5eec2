import type { Migration } from './index.ts';

/**
 * The outbox becomes the one way every Slack message leaves: each row belongs to a queue (one per
 * incident thread, DM, channel or drill) sent strictly in id order, so a thread reads in the order
 * things happened even after an outage. `dedup_key` makes "send this once" safe to repeat (a timer
 * that runs again after a crash writes the same key and nothing new). `dead_at` marks a message
 * Slack will never take (the channel is gone, the blocks are refused): it is kept for the record,
 * counted on /metrics, and no longer holds up the messages behind it. `claimed_by` names the
 * process sending a queue's head right now, so two processes never send one queue at once.
 */
export const migration007: Migration = {
  version: 7,
  name: 'outbox_queues',
  sql: `
ALTER TABLE outbox ADD COLUMN queue TEXT NOT NULL DEFAULT 'legacy';
ALTER TABLE outbox ADD COLUMN dedup_key TEXT;
ALTER TABLE outbox ADD COLUMN dead_at INTEGER;
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_at INTEGER;
CREATE UNIQUE INDEX outbox_dedup ON outbox (dedup_key) WHERE dedup_key IS NOT NULL;
DROP INDEX outbox_unsent;
CREATE INDEX outbox_waiting ON outbox (queue, id) WHERE sent_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_queue ON outbox (queue, id);
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
`,
};
