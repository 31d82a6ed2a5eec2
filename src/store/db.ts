/**
 * Opening the SQLite file: pragmas, and the numbered migrations in src/store/migrations/.
 * A file written by a newer Rewind is refused before anything is written to it.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { MigrationError, StoreOpenError, StoreVersionError } from './errors.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index.ts';

export type Database = BetterSqlite3.Database;

export interface OpenDatabaseOptions {
  /** Migrations to apply; the default is every migration this build ships. Tests pass their own. */
  migrations?: readonly Migration[];
}

function isMemory(file: string): boolean {
  return file === ':memory:' || file === '';
}

/** Reads `PRAGMA user_version`: the number of the last migration applied to this file. */
export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Opens (creating when missing) the database at `file` and brings its schema up to date.
 * Throws StoreVersionError, leaving the file untouched, when the file is newer than this build.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database {
  const migrations = [...(options.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);
  const latest = options.migrations
    ? migrations.reduce((max, m) => Math.max(max, m.version), 0)
    : LATEST_SCHEMA_VERSION;

  if (!isMemory(file)) ensureWritableFolder(file);
  let db: Database;
  try {
    db = new BetterSqlite3(file);
  } catch (err) {
    throw new StoreOpenError(file, `cannot open ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    if (!isMemory(file)) checkIntact(db, file);
    // Waits for another connection's write lock instead of failing at once with SQLITE_BUSY — but
    // briefly: the wait blocks the event loop, so a lock held for long (a backup, an operator's
    // sqlite3 shell) fails writes after a second (answered 500, retried) instead of freezing the bot.
    db.pragma('busy_timeout = 1000');

    // Read the version before any pragma that writes (journal_mode = WAL rewrites the header).
    const current = schemaVersion(db);
    if (current > latest) throw new StoreVersionError(file, current, latest);

    if (!isMemory(file)) db.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; only an OS crash may lose the last commit.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');

    applyMigrations(db, file, migrations, current);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * SQLite keeps its WAL and shared-memory files beside the database, so the folder itself must take
 * writes; a read-only volume would otherwise surface as "unable to open database file".
 */
function ensureWritableFolder(file: string): void {
  const dir = path.dirname(path.resolve(file));
  try {
    fs.mkdirSync(dir, { recursive: true });
    const probe = path.join(dir, `.rewind-write-check-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new StoreOpenError(
      file,
      `the folder ${dir} is not writable (${code}): Rewind keeps its SQLite file and its write-ahead log there; mount it read-write or point REWIND_DB at a writable folder`,
      { cause: err },
    );
  }
}

/**
 * A file damaged in the middle (a disk error, a copy taken while it was written) is refused at
 * start, before anything is read from it or written to it: running on it could lose incidents
 * and timers silently. `quick_check` reads every page once; a bot's database is small.
 */
function checkIntact(db: Database, file: string): void {
  let problems: string[];
  try {
    problems = (db.pragma('quick_check') as Array<{ quick_check: string }>).map((r) => r.quick_check);
  } catch (err) {
    problems = [(err as Error).message];
  }
  if (problems.length === 1 && problems[0] === 'ok') return;
  throw new StoreOpenError(
    file,
    `${file} is damaged (${problems.slice(0, 3).map((p) => p.replace(/\s+/g, ' ')).join('; ')}): restore it from a backup, or move it aside to start with an empty database`,
  );
}

function applyMigrations(db: Database, file: string, migrations: readonly Migration[], from: number): void {
  let version = from;
  for (const migration of migrations) {
    if (migration.version <= version) continue;
    if (migration.version !== version + 1) {
      throw new MigrationError(
        file,
        migration.version,
        migration.name,
        version,
        new Error(`migration ${version + 1} is missing`),
      );
    }
    // IMMEDIATE takes the write lock first, so two processes starting together do not both migrate:
    // the second waits, then sees the new user_version and skips.
    const apply = db.transaction(() => {
      if (schemaVersion(db) >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    });
    try {
      apply.immediate();
    } catch (err) {
      throw new MigrationError(file, migration.version, migration.name, version, err);
    }
    version = migration.version;
  }
}
