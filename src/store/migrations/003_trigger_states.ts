import type { Migration } from './index.ts';

/** The trigger state machine of each service and version, so a restart keeps pending tiers. */
export const migration003: Migration = {
  version: 3,
  name: 'trigger_states',
  sql: `
CREATE TABLE trigger_states (
  service     TEXT NOT NULL CHECK (service <> ''),
  version     TEXT NOT NULL CHECK (version <> ''),
  state       TEXT NOT NULL CHECK (json_valid(state)),
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (service, version)
) WITHOUT ROWID;
`,
};
