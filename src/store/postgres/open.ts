/**
 * Opening the PostgreSQL store: reach the server (or say which host and why not), refuse a schema
 * written by a newer Rewind, and apply the numbered migrations — each in its own transaction under
 * the writer lock, so replicas starting together migrate once.
 */
import { MigrationError, StoreOpenError, StoreVersionError } from '../errors.ts';
import type { Migration } from '../migrations/index.ts';
import { PostgresDatabase } from './database.ts';
import { LATEST_POSTGRES_SCHEMA_VERSION, POSTGRES_MIGRATIONS } from './migrations/index.ts';
import type { PostgresConnectionOptions } from './sync-connection.ts';

export interface OpenPostgresOptions extends Omit<PostgresConnectionOptions, 'url'> {
  migrations?: readonly Migration[];
}

/** The schema version of the store, 0 for a database Rewind never wrote. */
export function postgresSchemaVersion(db: PostgresDatabase): number {
  // Created only when missing: a user that owns Rewind's tables but may not create new ones in the
  // schema can still run a migrated database (a CREATE … IF NOT EXISTS needs the right all the same).
  const table = db.prepare<[], { t: string | null }>(`SELECT to_regclass('rewind_schema')::text AS t`).get()?.t;
  if (!table) db.exec('CREATE TABLE rewind_schema (version BIGINT NOT NULL)');
  return db.prepare<[], { version: number }>('SELECT max(version) AS version FROM rewind_schema').get()?.version ?? 0;
}

export function openPostgres(url: string, options: OpenPostgresOptions = {}): PostgresDatabase {
  const { migrations: given, ...connection } = options;
  const migrations = [...(given ?? POSTGRES_MIGRATIONS)].sort((a, b) => a.version - b.version);
  const latest = given ? migrations.reduce((max, m) => Math.max(max, m.version), 0) : LATEST_POSTGRES_SCHEMA_VERSION;
  if (!canParse(url)) {
    throw new StoreOpenError(
      'REWIND_DB',
      'REWIND_DB is not a URL that can be read: characters such as @ # / ? in the user or password must be ' +
        'percent-encoded (@ is %40, # is %23, / is %2F)',
    );
  }
  const db = new PostgresDatabase({ url, ...connection });
  const where = db.target;
  try {
    db.prepare('SELECT 1').get();
  } catch (err) {
    db.close();
    throw new StoreOpenError(where, `${unreachable(err)}; check REWIND_DB and that the server is up`, { cause: err });
  }
  try {
    db.patiently(MIGRATION_WAIT_MS, () => migrate(db, where, migrations, latest));
    return db;
  } catch (err) {
    const denied = permissionDenied(err, schemaOf(db));
    db.close();
    if (denied) throw new StoreOpenError(where, denied, { cause: err });
    throw err;
  }
}

function canParse(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

/** Why the first statement failed, said once (the place is named by whoever reports it). */
function unreachable(err: unknown): string {
  const code = codeOf(err);
  if (code === '28P01' || code === '28000')
    return `the server refused the login (${reason(err)}): check the user and password`;
  if (code === '3D000') return `${reason(err)}: create it, or name another database`;
  return `cannot reach the server: ${reason(err)}`;
}

/** A user without the rights Rewind needs: which right, and the grant that gives it. */
function permissionDenied(err: unknown, schema: string): string | null {
  if (codeOf(err) !== '42501') return null;
  return (
    `the server refused Rewind's user a right it needs (${reason(err)}): Rewind creates and alters its own tables, ` +
    `so give its user CREATE on the schema (GRANT CREATE, USAGE ON SCHEMA ${schema} TO <user>) and make it the ` +
    'owner of the tables already there, or point REWIND_DB at a user that owns them'
  );
}

/** The schema Rewind's tables are in (the search_path's first), for the grant a message names. */
export function schemaOf(db: PostgresDatabase): string {
  try {
    return db.prepare<[], { s: string | null }>('SELECT current_schema() AS s').get()?.s ?? 'public';
  } catch {
    return 'public';
  }
}

const codeOf = (err: unknown, depth = 0): string | null => {
  if (!err || typeof err !== 'object' || depth > 3) return null;
  const e = err as { name?: string; code?: unknown; cause?: unknown };
  if (e.name === 'PostgresError' && typeof e.code === 'string') return e.code;
  return codeOf(e.cause, depth + 1);
};

/** How long a replica starting beside another waits for that one's migrations. */
const MIGRATION_WAIT_MS = 120_000;

function migrate(db: PostgresDatabase, where: string, migrations: readonly Migration[], latest: number): void {
  let version = db.transaction(() => postgresSchemaVersion(db))();
  if (version > latest) throw new StoreVersionError(where, version, latest);
  for (const migration of migrations) {
    if (migration.version <= version) continue;
    if (migration.version !== version + 1) {
      throw new MigrationError(where, migration.version, migration.name, version, new Error('a migration is missing'));
    }
    try {
      db.transaction(() => {
        // Another replica may have applied it while this one waited for the writer lock.
        if (postgresSchemaVersion(db) >= migration.version) return;
        db.exec(migration.sql);
        db.prepare('INSERT INTO rewind_schema (version) VALUES (?)').run(migration.version);
      })();
    } catch (err) {
      throw new MigrationError(where, migration.version, migration.name, version, err);
    }
    version = migration.version;
  }
}

function reason(err: unknown): string {
  const cause = (err as { cause?: { message?: string } }).cause;
  const text = cause?.message ?? (err instanceof Error ? err.message : String(err));
  return text.replace(/^PostgreSQL at \S+ (is unreachable: )?/, '');
}
