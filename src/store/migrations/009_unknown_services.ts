import type { Migration } from './index.ts';

/**
 * Unknown services that sent alerts, and when the incident channel was last told about each: the
 * memory that keeps a service from being announced more than once an hour, and the per-minute
 * budget of announcements, across restarts. `told` says how: `announced` on its own line,
 * `waiting` for its minute's summary line (`window_start` is that minute), or `summarised` in it.
 * Rows older than an hour say nothing a missing row does not, and are pruned. The previous build's
 * `unknown-service:<name>` keys in processed_requests move here.
 */
export const migration009: Migration = {
  version: 9,
  name: 'unknown_services',
  sql: `
CREATE TABLE unknown_services (
  id            INTEGER PRIMARY KEY,
  service       TEXT NOT NULL UNIQUE,
  told_at       INTEGER NOT NULL,
  window_start  INTEGER NOT NULL,
  told          TEXT NOT NULL CHECK (told IN ('announced', 'waiting', 'summarised'))
);
CREATE INDEX unknown_services_by_window ON unknown_services (window_start, told);
CREATE INDEX unknown_services_by_told_at ON unknown_services (told_at);

-- What the previous build remembered ("announced once ever") carries over as announced then.
INSERT INTO unknown_services (service, told_at, window_start, told)
  SELECT substr(key, 17), at, at - at % 60000, 'announced' FROM processed_requests WHERE key LIKE 'unknown-service:%';
DELETE FROM processed_requests WHERE key LIKE 'unknown-service:%';
`,
};
