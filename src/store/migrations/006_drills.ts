import type { Migration } from './index.ts';

/**
 * Drills as the drill service runs them: a `missed` status (due while Rewind was down: announced,
 * never run late), where the drill's messages are in Slack (the thread everything goes to, and the
 * scorecard that is updated as ratings come in), the ticked items of its checklists, and the
 * participants' communication ratings. SQLite cannot change a CHECK constraint in place, so the
 * drills table is rebuilt with its rows.
 */
export const migration006: Migration = {
  version: 6,
  name: 'drills',
  sql: `
CREATE TABLE drills_v6 (
  id             TEXT PRIMARY KEY,
  scenario       TEXT NOT NULL CHECK (scenario <> ''),
  service        TEXT,
  status         TEXT NOT NULL CHECK (status IN ('scheduled', 'announced', 'running', 'completed',
                   'aborted', 'failed', 'missed')),
  scheduled_for  INTEGER NOT NULL,
  started_at     INTEGER,
  finished_at    INTEGER,
  incident_id    TEXT REFERENCES incidents (id) ON DELETE SET NULL,
  dry_run        INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),
  scores         TEXT CHECK (scores IS NULL OR json_valid(scores)),
  fault_applied  TEXT CHECK (fault_applied IS NULL OR json_valid(fault_applied)),
  slack_channel  TEXT,
  slack_ts       TEXT,
  scorecard_ts   TEXT,
  note           TEXT,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
INSERT INTO drills_v6 (id, scenario, service, status, scheduled_for, started_at, finished_at, incident_id,
  dry_run, scores, fault_applied, created_at, updated_at)
SELECT id, scenario, service, status, scheduled_for, started_at, finished_at, incident_id,
  dry_run, scores, fault_applied, created_at, updated_at FROM drills;
DROP TABLE drills;
ALTER TABLE drills_v6 RENAME TO drills;
CREATE INDEX drills_by_scheduled ON drills (scheduled_for DESC);
CREATE INDEX drills_by_status ON drills (status);

CREATE TABLE drill_checklist_items (
  drill_id    TEXT NOT NULL REFERENCES drills (id) ON DELETE CASCADE,
  list        TEXT NOT NULL CHECK (list IN ('preparation', 'review')),
  item        TEXT NOT NULL CHECK (item <> ''),
  checked_by  TEXT NOT NULL,
  checked_at  INTEGER NOT NULL,
  PRIMARY KEY (drill_id, list, item)
) WITHOUT ROWID;

CREATE TABLE drill_ratings (
  drill_id  TEXT NOT NULL REFERENCES drills (id) ON DELETE CASCADE,
  rater     TEXT NOT NULL,
  rating    INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
  at        INTEGER NOT NULL,
  PRIMARY KEY (drill_id, rater)
) WITHOUT ROWID;
`,
};
