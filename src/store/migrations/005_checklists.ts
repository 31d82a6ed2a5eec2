import type { Migration } from './index.ts';

/** Ticked items of an incident's checklists (fix preparation), with who ticked them and when. */
export const migration005: Migration = {
  version: 5,
  name: 'checklists',
  sql: `
CREATE TABLE checklist_items (
  incident_id  TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  list         TEXT NOT NULL CHECK (list <> ''),
  item         TEXT NOT NULL CHECK (item <> ''),
  checked_by   TEXT NOT NULL,
  checked_at   INTEGER NOT NULL,
  PRIMARY KEY (incident_id, list, item)
) WITHOUT ROWID;
`,
};
