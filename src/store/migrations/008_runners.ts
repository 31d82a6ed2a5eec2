import type { Migration } from './index.ts';

/**
 * One row per running Rewind process, its heartbeat refreshed every few seconds. A timer left
 * `firing` by a process whose heartbeat stopped was interrupted by a crash: the next process takes
 * it over at once instead of waiting out the long claim lease.
 */
export const migration008: Migration = {
  version: 8,
  name: 'runners',
  sql: `
CREATE TABLE runners (
  owner       TEXT PRIMARY KEY CHECK (owner <> ''),
  started_at  INTEGER NOT NULL,
  beat_at     INTEGER NOT NULL
) WITHOUT ROWID;
`,
};
