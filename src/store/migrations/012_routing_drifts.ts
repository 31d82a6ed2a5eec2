import type { Migration } from './index.ts';

/**
 * Routing changed behind Rewind's back: one row per change noted (the object, its resourceVersion
 * and the split Rewind expected make the change's identity, so a relisted or repeated event never
 * notes it twice), and how the team settled it — routing re-applied, or the new routing accepted as
 * what Rewind expects from then on.
 */
export const migration012: Migration = {
  version: 12,
  name: 'routing_drifts',
  sql: `
CREATE TABLE routing_drifts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  service TEXT NOT NULL,
  object TEXT NOT NULL,
  resource_version TEXT NOT NULL,
  writer TEXT NOT NULL,
  live TEXT NOT NULL CHECK (json_valid(live)),
  expected TEXT NOT NULL CHECK (json_valid(expected)),
  expected_at INTEGER NOT NULL,
  incident_id TEXT,
  paused_rollback_id TEXT,
  noted_at INTEGER NOT NULL,
  settled TEXT CHECK (settled IS NULL OR settled IN ('reapplied', 'accepted')),
  settled_by TEXT,
  settled_at INTEGER,
  UNIQUE (service, object, resource_version, expected)
);
CREATE INDEX routing_drifts_service ON routing_drifts (service, settled, settled_at);
`,
};
