import type { Migration } from './index.ts';

/**
 * The first schema. Times are INTEGER epoch milliseconds (UTC); JSON columns hold TEXT checked with
 * json_valid. The CHECK lists are frozen here on purpose: a new status or tier needs a new
 * migration, and test/store/schema.test.ts fails when src/domain/types.ts drifts from this list.
 */
export const migration001: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE id_seq (
  scope TEXT NOT NULL,
  day   TEXT NOT NULL CHECK (length(day) = 8),
  last  INTEGER NOT NULL CHECK (last >= 1),
  PRIMARY KEY (scope, day)
) WITHOUT ROWID;

CREATE TABLE incidents (
  id               TEXT PRIMARY KEY,
  service          TEXT NOT NULL CHECK (service <> ''),
  version          TEXT,
  severity         TEXT NOT NULL CHECK (severity IN ('critical', 'warning', 'watch')),
  status           TEXT NOT NULL CHECK (status IN ('detected', 'awaiting_decision', 'rolling_back',
                     'verifying', 'resolved', 'fixing', 'deferred', 'escalated')),
  title            TEXT NOT NULL,
  drill            INTEGER NOT NULL DEFAULT 0 CHECK (drill IN (0, 1)),
  started_at       INTEGER NOT NULL,
  acknowledged_at  INTEGER,
  acknowledged_by  TEXT,
  resolved_at      INTEGER,
  slack_channel    TEXT,
  slack_ts         TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);
-- "A service has at most one open incident": enforced here so two alerts racing cannot open two.
CREATE UNIQUE INDEX incidents_one_open_per_service ON incidents (service) WHERE status <> 'resolved';
CREATE INDEX incidents_by_started ON incidents (started_at DESC);

CREATE TABLE timeline_events (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id  TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  at           INTEGER NOT NULL,
  kind         TEXT NOT NULL CHECK (kind <> ''),
  actor_kind   TEXT NOT NULL CHECK (actor_kind IN ('user', 'bot', 'system')),
  actor_id     TEXT NOT NULL,
  from_status  TEXT,
  to_status    TEXT,
  detail       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
);
CREATE INDEX timeline_by_incident ON timeline_events (incident_id, at, id);

CREATE TABLE alerts (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  source            TEXT NOT NULL CHECK (source <> ''),
  fingerprint       TEXT NOT NULL CHECK (fingerprint <> ''),
  service           TEXT NOT NULL,
  version           TEXT,
  severity          TEXT NOT NULL CHECK (severity IN ('critical', 'warning', 'watch')),
  status            TEXT NOT NULL CHECK (status IN ('firing', 'resolved')),
  summary           TEXT NOT NULL DEFAULT '',
  labels            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(labels)),
  annotations       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(annotations)),
  starts_at         INTEGER NOT NULL,
  ends_at           INTEGER,
  received_at       INTEGER NOT NULL,
  last_received_at  INTEGER NOT NULL,
  incident_id       TEXT REFERENCES incidents (id) ON DELETE SET NULL,
  UNIQUE (source, fingerprint)
);
CREATE INDEX alerts_by_incident ON alerts (incident_id);
CREATE INDEX alerts_by_service ON alerts (service, status);

CREATE TABLE rollbacks (
  id              TEXT PRIMARY KEY,
  incident_id     TEXT REFERENCES incidents (id) ON DELETE SET NULL,
  service         TEXT NOT NULL CHECK (service <> ''),
  strategy        TEXT NOT NULL CHECK (strategy IN ('immediate', 'gradual', 'planned', 'canary')),
  from_version    TEXT,
  to_version      TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'scheduled', 'running', 'paused',
                    'succeeded', 'failed', 'aborted', 'cancelled')),
  current_phase   INTEGER CHECK (current_phase IS NULL OR current_phase >= 0),
  started_by      TEXT NOT NULL,
  scheduled_for   INTEGER,
  started_at      INTEGER NOT NULL,
  finished_at     INTEGER,
  error           TEXT,
  plan            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(plan)),
  dry_run         INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
-- One rollback per service at a time, whatever process or connection tries to start a second.
CREATE UNIQUE INDEX rollbacks_one_active_per_service ON rollbacks (service)
  WHERE status IN ('pending', 'scheduled', 'running', 'paused');
CREATE INDEX rollbacks_by_service ON rollbacks (service, started_at DESC);
CREATE INDEX rollbacks_by_incident ON rollbacks (incident_id);

CREATE TABLE rollback_steps (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  rollback_id  TEXT NOT NULL REFERENCES rollbacks (id) ON DELETE CASCADE,
  seq          INTEGER NOT NULL CHECK (seq >= 1),
  name         TEXT NOT NULL CHECK (name <> ''),
  status       TEXT NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'skipped')),
  started_at   INTEGER,
  finished_at  INTEGER,
  budget_ms    INTEGER CHECK (budget_ms IS NULL OR budget_ms >= 0),
  detail       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
  UNIQUE (rollback_id, seq)
);

CREATE TABLE timers (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  kind        TEXT NOT NULL CHECK (kind <> ''),
  key         TEXT NOT NULL UNIQUE CHECK (key <> ''),
  -- When the timer was meant to fire; lateness is measured from here.
  due_at      INTEGER NOT NULL,
  -- When the next attempt may run: due_at at first, later than due_at after a failed attempt.
  run_at      INTEGER NOT NULL,
  payload     TEXT NOT NULL DEFAULT 'null' CHECK (json_valid(payload)),
  status      TEXT NOT NULL CHECK (status IN ('pending', 'firing', 'done', 'failed', 'cancelled')),
  attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  claimed_by  TEXT,
  claimed_at  INTEGER,
  fired_at    INTEGER,
  last_error  TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  CHECK (status <> 'firing' OR (claimed_by IS NOT NULL AND claimed_at IS NOT NULL))
);
CREATE INDEX timers_due ON timers (status, run_at);

CREATE TABLE approvals (
  subject   TEXT NOT NULL CHECK (subject <> ''),
  approver  TEXT NOT NULL CHECK (approver <> ''),
  at        INTEGER NOT NULL,
  note      TEXT,
  PRIMARY KEY (subject, approver)
) WITHOUT ROWID;

CREATE TABLE drills (
  id             TEXT PRIMARY KEY,
  scenario       TEXT NOT NULL CHECK (scenario <> ''),
  service        TEXT,
  status         TEXT NOT NULL CHECK (status IN ('scheduled', 'announced', 'running', 'completed',
                   'aborted', 'failed')),
  scheduled_for  INTEGER NOT NULL,
  started_at     INTEGER,
  finished_at    INTEGER,
  incident_id    TEXT REFERENCES incidents (id) ON DELETE SET NULL,
  dry_run        INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),
  scores         TEXT CHECK (scores IS NULL OR json_valid(scores)),
  fault_applied  TEXT CHECK (fault_applied IS NULL OR json_valid(fault_applied)),
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX drills_by_scheduled ON drills (scheduled_for DESC);

CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  at          INTEGER NOT NULL,
  actor_kind  TEXT NOT NULL CHECK (actor_kind IN ('user', 'bot', 'system')),
  actor_id    TEXT NOT NULL,
  action      TEXT NOT NULL CHECK (action <> ''),
  target      TEXT,
  outcome     TEXT NOT NULL CHECK (outcome IN ('allowed', 'refused', 'error')),
  detail      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
);
CREATE INDEX audit_by_at ON audit_log (at DESC);
CREATE INDEX audit_by_actor ON audit_log (actor_id, at DESC);

CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  kind             TEXT NOT NULL CHECK (kind <> ''),
  payload          TEXT NOT NULL CHECK (json_valid(payload)),
  attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at  INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  sent_at          INTEGER,
  last_error       TEXT
);
CREATE INDEX outbox_unsent ON outbox (next_attempt_at) WHERE sent_at IS NULL;
`,
};
