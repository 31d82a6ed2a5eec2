import type { Migration } from './index.ts';

/**
 * Where a person acted from when it was not Slack: the break-glass command line, with the
 * operating-system account it ran as, as `{"kind":"cli","osUser":"alice"}` beside the actor of a
 * timeline line and of an audit entry. Null for everything done in Slack, by the bot or by the system,
 * which is every row written before.
 */
export const migration011: Migration = {
  version: 11,
  name: 'actor_via',
  sql: `
ALTER TABLE timeline_events ADD COLUMN actor_via TEXT CHECK (actor_via IS NULL OR json_valid(actor_via));
ALTER TABLE audit_log ADD COLUMN actor_via TEXT CHECK (actor_via IS NULL OR json_valid(actor_via));
`,
};
