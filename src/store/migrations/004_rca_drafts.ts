import type { Migration } from './index.ts';

/** RCA drafts, kept with the incident so a later edit in Slack starts from what was posted. */
export const migration004: Migration = {
  version: 4,
  name: 'rca_drafts',
  sql: `
CREATE TABLE rca_drafts (
  incident_id  TEXT PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
  markdown     TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) WITHOUT ROWID;
`,
};
