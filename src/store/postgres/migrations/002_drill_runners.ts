import type { Migration } from '../../migrations/index.ts';

/** The twin of SQLite's 013_drill_runners: the Rewind process running a drill. */
export const postgresMigration002: Migration = {
  version: 2,
  name: 'drill_runners',
  sql: `
ALTER TABLE drills ADD COLUMN runner TEXT COLLATE "C";
`,
};
