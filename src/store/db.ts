/**
 * Opening the SQLite file: pragmas, and the numbered migrations in src/store/migrations/.
 * A file written by a newer Rewind is refused before anything is written to it.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { MigrationError, StoreOpenError, StoreVersionError, storeRefusal } from './errors.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index.ts';
import { dialectOf, type SqlDatabase } from './sql.ts';

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
 * Throws StoreVersionError, leaving the file untouched, when the file is newer than this build;
 * StoreOpenError, with what to do, when the path, the disk or the file itself is the problem.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database {
  const migrations = [...(options.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);
  const latest = options.migrations
    ? migrations.reduce((max, m) => Math.max(max, m.version), 0)
    : LATEST_SCHEMA_VERSION;

  if (!isMemory(file)) checkPath(file);
  let db: Database;
  try {
    db = new BetterSqlite3(file);
  } catch (err) {
    throw explain(file, err, `cannot open ${file}: ${(err as Error).message}`);
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
    throw explain(file, err);
  }
}

/**
 * A full disk at start is said as such. A database whose schema is current opens on a full disk
 * (reads work; writes wait for space, see docs/reliability.md) — so what fails here is a migration
 * that must be written, or SQLite finding no room for the -wal and -shm files it needs even to read.
 */
function explain(file: string, err: unknown, fallback?: string): Error {
  if (err instanceof StoreOpenError || err instanceof StoreVersionError) return err;
  const refusal = storeRefusal(err);
  const dir = path.dirname(path.resolve(file));
  const full = refusal?.reason === 'full' || (refusal !== null && !isMemory(file) && noRoomIn(dir));
  if (full && err instanceof MigrationError) {
    const name = `${String(err.version).padStart(3, '0')}_${err.migrationName}`;
    return new StoreOpenError(
      file,
      `${file} needs migration ${name}, and the disk holding ${dir} is full: free some space, then start Rewind ` +
        `again (the file is unchanged at schema ${err.fromVersion})`,
      { cause: err },
    );
  }
  if (full) {
    return new StoreOpenError(
      file,
      `the disk holding ${dir} is full, and SQLite needs a little room there (its -wal and -shm files) to open ` +
        `${file}: free some space, then start Rewind again`,
      { cause: err },
    );
  }
  if (refusal?.reason === 'locked') {
    return new StoreOpenError(
      file,
      `another process holds ${file} (${refusal.code}: a backup, a sqlite3 shell, another Rewind migrating it): wait ` +
        `for it or stop it, then start Rewind again`,
      { cause: err },
    );
  }
  if (fallback !== undefined) return new StoreOpenError(file, fallback, { cause: err });
  return err instanceof Error ? err : new Error(String(err));
}

/** Too little free space for SQLite to create its -wal and -shm files (32 KiB and some pages). */
function noRoomIn(dir: string): boolean {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize < 256 * 1024;
  } catch {
    return false;
  }
}

function statOf(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

/**
 * The path itself, said before SQLite says "unable to open database file": a folder where the
 * file should be, a file where a folder should be, a folder that cannot be created or written.
 * SQLite keeps its WAL and shared-memory files beside the database, so the folder must take writes.
 */
function checkPath(file: string): void {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  if (statOf(target)?.isDirectory()) {
    throw new StoreOpenError(
      file,
      `${target} is a folder, not a database file: point REWIND_DB at a file, e.g. ${path.join(target, 'rewind.db')}`,
    );
  }
  let existing = dir;
  while (!statOf(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  if (!statOf(existing)?.isDirectory()) {
    throw new StoreOpenError(
      file,
      `${existing} is a file, not a folder, so ${target} cannot be created under it: point REWIND_DB at a path ` +
        `inside a folder, or move ${existing} aside`,
    );
  }
  if (existing !== dir) {
    const denied = writeDenied(existing);
    const todo = denied?.includes('EROFS') ? `mount ${existing} read-write` : 'create the folder';
    if (denied)
      throw new StoreOpenError(
        file,
        `the folder ${dir} does not exist and cannot be created: ${existing} ${denied}: ${todo}, or point REWIND_DB ` +
          `at a writable folder`,
      );
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new StoreOpenError(
        file,
        `the folder ${dir} cannot be created (${codeOf(err)}): create it, or point REWIND_DB at a writable folder`,
        { cause: err },
      );
    }
  }
  const denied = writeDenied(dir);
  if (denied) {
    throw new StoreOpenError(
      file,
      `the folder ${dir} ${denied}, and Rewind keeps its SQLite file and write-ahead log there: make it writable, or ` +
        `point REWIND_DB at a writable folder`,
    );
  }
}

const codeOf = (err: unknown) => (err as NodeJS.ErrnoException).code ?? 'error';

/**
 * Why this process cannot write in `dir`, or null. A full disk is not such a reason: it is said once SQLite finds it.
 */
function writeDenied(dir: string): string | null {
  const said = (code: string) =>
    code === 'EROFS'
      ? 'is on a read-only file system (EROFS)'
      : code === 'EACCES' || code === 'EPERM'
        ? `is not writable by this process (uid ${process.getuid?.() ?? '?'}, ${code})`
        : `is not writable (${code})`;
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    return said(codeOf(err));
  }
  // access() trusts the mode bits; creating a file also meets immutable folders and the like.
  const probe = path.join(dir, `.rewind-write-check-${process.pid}`);
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (err) {
    const code = codeOf(err);
    if (code === 'ENOSPC' || code === 'EDQUOT') return null;
    return said(code);
  }
  return null;
}

/**
 * A file damaged in the middle (a disk error, a copy taken while it was written) is refused at
 * start, before anything is read from it or written to it: running on it could lose incidents
 * and timers silently. `quick_check` reads every page once; a bot's database is small. An error
 * that is not damage (no room for the -shm file, a lock) is left to explain().
 */
function checkIntact(db: Database, file: string): void {
  let problems: string[];
  try {
    problems = (db.pragma('quick_check') as Array<{ quick_check: string }>).map((r) => r.quick_check);
  } catch (err) {
    if (!/^SQLITE_(CORRUPT|NOTADB)/.test(String((err as { code?: unknown }).code))) throw err;
    problems = [(err as Error).message];
  }
  if (problems.length === 1 && problems[0] === 'ok') return;
  throw new StoreOpenError(
    file,
    `${file} is damaged (${problems
      .slice(0, 3)
      .map((p) => p.replace(/\s+/g, ' '))
      .join('; ')}): restore it from a backup, or move it aside to start with an empty database`,
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

/** The better-sqlite3 handle of a SQLite store, for what only SQLite has (pragmas, checkpoints). */
export function sqliteHandle(db: SqlDatabase): Database {
  if (dialectOf(db) !== 'sqlite') throw new Error('this store is PostgreSQL, not SQLite');
  return db as Database;
}
