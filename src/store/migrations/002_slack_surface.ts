import type { Migration } from './index.ts';

/**
 * The Slack surface: the judgment-matrix answers of each incident, the Slack requests already
 * handled (so a retried or repeated delivery changes nothing twice), and user complaints filed
 * with `/rollback complaint`.
 */
export const migration002: Migration = {
  version: 2,
  name: 'slack_surface',
  sql: `
CREATE TABLE incident_assessments (
  incident_id      TEXT PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
  user_impact      TEXT CHECK (user_impact IS NULL OR user_impact IN ('all', 'partial', 'minor')),
  business_impact  TEXT CHECK (business_impact IS NULL OR business_impact IN ('high', 'medium', 'low')),
  fix_time         TEXT CHECK (fix_time IS NULL OR fix_time IN ('short', 'medium', 'long')),
  updated_by       TEXT NOT NULL,
  updated_at       INTEGER NOT NULL
);

CREATE TABLE processed_requests (
  key   TEXT PRIMARY KEY CHECK (key <> ''),
  at    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX processed_requests_by_at ON processed_requests (at);

CREATE TABLE complaints (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  service      TEXT NOT NULL CHECK (service <> ''),
  reported_by  TEXT NOT NULL CHECK (reported_by <> ''),
  text         TEXT NOT NULL CHECK (text <> ''),
  at           INTEGER NOT NULL,
  incident_id  TEXT REFERENCES incidents (id) ON DELETE SET NULL
);
CREATE INDEX complaints_by_service ON complaints (service, at);
`,
};
