import type { Migration } from './index.ts';

/**
 * The Rewind process running a drill: replicas on one database heal only the drills of a process
 * that is gone (the `runners` heartbeat), never one another replica is running.
 */
export const migration013: Migration = {
  version: 13,
  name: 'drill_runners',
  sql: `
ALTER TABLE drills ADD COLUMN runner TEXT;
`,
};
