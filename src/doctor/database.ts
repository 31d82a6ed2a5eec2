/**
 * The doctor's database checks, on the file `rewind start` would open (REWIND_DB): it exists, or
 * can be created where it should be; it opens; its schema is one this build can run (the store's
 * own refusal of a file from a newer Rewind, db.ts, said as a check); and SQLite finds it intact.
 *
 * Nothing is written, migrated or created, not even SQLite's -wal and -shm files beside the
 * database: a read-only connection to a WAL-mode file makes both when they are missing, that is
 * when no Rewind has the file open. Then the file holds every committed write (the last connection
 * checkpointed it on close), so the checks read a copy of it in memory instead. When a Rewind is
 * running, its -wal and -shm are there, and a read-only connection uses them and sees its writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { schemaVersion, type Database } from '../store/db.ts';
import { StoreVersionError } from '../store/errors.ts';
import { LATEST_SCHEMA_VERSION } from '../store/migrations/index.ts';
import { failed, oneLine, passed, type DoctorCheck } from './checks.ts';
import { postgresChecks } from './database-postgres.ts';
import { isPostgresUrl } from '../store/postgres/sync-connection.ts';

const SECTION = 'Database';
const CHECK_FILE = 'REWIND_DB';
const ELSEWHERE = 'or point REWIND_DB at a file in a writable folder';

const statOf = (p: string): fs.Stats | null => {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
};

const codeOf = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? oneLine(err);

/** Where the file would be made at start: its folder must exist and take writes (SQLite's journal goes there too). */
function missingFileCheck(file: string, target: string): DoctorCheck {
  const dir = path.dirname(target);
  const folder = statOf(dir);
  if (!folder)
    return failed(
      SECTION,
      CHECK_FILE,
      `${file} does not exist, nor does its folder ${dir}`,
      `create ${dir}, writable by Rewind's user (in a pod: mount the volume that keeps the database there), ` +
        ELSEWHERE,
    );
  if (!folder.isDirectory())
    return failed(SECTION, CHECK_FILE, `${dir} is a file, not a folder, so ${target} cannot be made in it`, ELSEWHERE);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    return failed(
      SECTION,
      CHECK_FILE,
      `${file} does not exist, and its folder ${dir} is not writable (${codeOf(err)}), so start cannot create it`,
      `make ${dir} writable by Rewind's user (uid ${process.getuid?.() ?? '?'}), ${ELSEWHERE}`,
    );
  }
  return passed(SECTION, CHECK_FILE, `${file} does not exist yet: it will be created at start (${dir} is writable)`);
}

/** The file read-only as it is now, without leaving anything beside it (see the top of this file). */
function openReadOnly(target: string): Database {
  if (fs.existsSync(`${target}-wal`)) return new BetterSqlite3(target, { readonly: true, fileMustExist: true });
  const copy = fs.readFileSync(target);
  // Bytes 18 and 19 of the header say WAL (2) or rollback journal (1). A copy in memory has no -wal
  // to read, and a checkpointed file needs none: reading the copy as a rollback-journal file is exact.
  if (copy.length >= 20 && copy[18] === 2 && copy[19] === 2) copy.fill(1, 18, 20);
  return new BetterSqlite3(copy, { readonly: true });
}

export function databaseChecks(file: string): DoctorCheck[] {
  if (isPostgresUrl(file)) return postgresChecks(file);
  const target = path.resolve(file);
  const found = statOf(target);
  if (!found) return [missingFileCheck(file, target)];
  if (found.isDirectory())
    return [
      failed(
        SECTION,
        CHECK_FILE,
        `${target} is a folder, not a database file`,
        `point REWIND_DB at a file, e.g. ${path.join(target, 'rewind.db')}`,
      ),
    ];
  let db: Database;
  try {
    db = openReadOnly(target);
  } catch (err) {
    return [
      failed(
        SECTION,
        CHECK_FILE,
        `${file} cannot be opened read-only: ${codeOf(err)}`,
        `make ${file} readable by Rewind's user (uid ${process.getuid?.() ?? '?'}), or point REWIND_DB at Rewind's ` +
          'database',
      ),
    ];
  }
  try {
    return [passed(SECTION, CHECK_FILE, `${file} opens read-only (${found.size} bytes)`), ...contentChecks(db, file)];
  } finally {
    db.close();
  }
}

function contentChecks(db: Database, file: string): DoctorCheck[] {
  let version: number;
  try {
    version = schemaVersion(db);
  } catch (err) {
    return [
      failed(
        SECTION,
        'schema',
        `${file} is not a database Rewind can read (${oneLine(err)})`,
        `point REWIND_DB at Rewind's database, or move ${file} aside so that start creates an empty one`,
      ),
    ];
  }
  const checks: DoctorCheck[] = [];
  if (version > LATEST_SCHEMA_VERSION) {
    // rewind start refuses such a file (openDatabase) with this error; the check says what it would.
    const refusal = new StoreVersionError(file, version, LATEST_SCHEMA_VERSION);
    checks.push(
      failed(
        SECTION,
        'schema',
        refusal.message,
        `run the newer Rewind image that wrote it (schema ${version}), or restore a backup taken before it ` +
          `(docs/install.md, "Backing up and restoring the database")`,
      ),
    );
  } else {
    checks.push(
      passed(
        SECTION,
        'schema',
        version === LATEST_SCHEMA_VERSION
          ? `${version}, the newest this build knows`
          : `${version}: rewind start migrates it to ${LATEST_SCHEMA_VERSION} (back it up first)`,
      ),
    );
  }
  checks.push(integrityCheck(db, file));
  return checks;
}

/** PRAGMA quick_check, as openDatabase runs it before it trusts a file. */
function integrityCheck(db: Database, file: string): DoctorCheck {
  let problems: string[];
  try {
    problems = (db.pragma('quick_check') as Array<{ quick_check: string }>).map((r) => r.quick_check);
  } catch (err) {
    problems = [oneLine(err)];
  }
  if (problems.length === 1 && problems[0] === 'ok') return passed(SECTION, 'integrity', 'quick_check: ok');
  const shown = problems.slice(0, 3).join('; ');
  return failed(
    SECTION,
    'integrity',
    `${file} is damaged (quick_check: ${shown}${problems.length > 3 ? `; ${problems.length - 3} more` : ''})`,
    'stop Rewind, then restore the file from a backup, or move it aside to start with an empty database',
  );
}
