/**
 * PostgreSQL's numbered migrations: the twin of src/store/migrations/ for the replicated store.
 * Released ones are never edited; a schema change adds a file here and one there.
 */
import type { Migration } from '../../migrations/index.ts';
import { postgresMigration001 } from './001_initial.ts';
import { postgresMigration002 } from './002_drill_runners.ts';

export const POSTGRES_MIGRATIONS: readonly Migration[] = [postgresMigration001, postgresMigration002];

export const LATEST_POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
