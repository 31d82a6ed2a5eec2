/**
 * Every schema migration, in order. They are TypeScript modules rather than .sql files so there is
 * nothing to copy next to the code at run time. A migration, once released, is never edited: a
 * change to the schema is a new file here with the next version number.
 */
import { migration001 } from './001_initial.ts';
import { migration002 } from './002_slack_surface.ts';
import { migration003 } from './003_trigger_states.ts';
import { migration004 } from './004_rca_drafts.ts';
import { migration005 } from './005_checklists.ts';
import { migration006 } from './006_drills.ts';
import { migration007 } from './007_outbox_queues.ts';
import { migration008 } from './008_runners.ts';
import { migration009 } from './009_unknown_services.ts';
import { migration010 } from './010_alert_links.ts';
import { migration011 } from './011_actor_via.ts';
import { migration012 } from './012_routing_drifts.ts';
import { migration013 } from './013_drill_runners.ts';

export interface Migration {
  /** 1, 2, 3, … with no gaps; stored in `PRAGMA user_version` once applied. */
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
  migration011,
  migration012,
  migration013,
];

/** The newest schema this build can read and write. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
