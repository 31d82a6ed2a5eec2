/**
 * `rewind migrate-store --from data/rewind.db --to postgres://… [--dry-run] [--force]`: moves an
 * install from SQLite to PostgreSQL.
 *
 * Everything that could stop the move is checked first, writing nothing anywhere: the SQLite file
 * exists, is Rewind's and is not newer than this build; no Rewind still beats a heartbeat in it; the
 * PostgreSQL server answers, its schema is not newer, and it holds no rows. Only then is the SQLite
 * file brought to this build's schema (a dry run migrates a copy of it instead, so the file stays
 * readable by the build that wrote it), the PostgreSQL schema created, and the rows copied in one
 * transaction (src/store/postgres/copy-from-sqlite.ts), which a dry run rolls back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Output } from '../cli.ts';
import { systemClock, type Clock } from '../clock.ts';
import { openDatabase, type Database } from '../store/db.ts';
import { MigrationError, StoreOpenError, StoreVersionError } from '../store/errors.ts';
import { LATEST_SCHEMA_VERSION } from '../store/migrations/index.ts';
import {
  copySqliteToPostgres,
  inspectPostgresTarget,
  inspectSqliteSource,
  occupiedTargetMessage,
  StoreCopyError,
  type CopiedTable,
  type PostgresTargetState,
} from '../store/postgres/copy-from-sqlite.ts';
import { PostgresDatabase } from '../store/postgres/database.ts';
import { LATEST_POSTGRES_SCHEMA_VERSION } from '../store/postgres/migrations/index.ts';
import { openPostgres } from '../store/postgres/open.ts';
import {
  describeTarget,
  isPostgresUrl,
  PostgresError,
  PostgresUnavailableError,
} from '../store/postgres/sync-connection.ts';
import { parseArgs, UsageError } from './args.ts';

/** A heartbeat younger than this is a Rewind still running: they beat every 5 s and count as dead after 20 s. */
const RUNNING_WITHIN_MS = 30_000;
const APPLICATION_NAME = 'rewind migrate-store';

/** The move cannot go ahead: one line, and nothing was written. */
class Refusal extends Error {
  override readonly name = 'Refusal';
}

export interface MigrateStoreDeps {
  clock?: Clock;
}

interface Source {
  /** The file as it is, opened without writing to it. */
  readOnly: Database;
  schemaVersion: number;
  /** Heartbeats younger than RUNNING_WITHIN_MS, let through by --force. */
  live: Array<{ owner: string; beatAt: number }>;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');

/**
 * The file read-only as it is now, leaving nothing beside it: a read-only connection to a WAL file
 * makes its -wal and -shm files when they are missing, that is when no Rewind has it open and the
 * file itself holds every commit — so then a copy in memory is read, as rollback-journal bytes.
 */
function openReadOnly(file: string): Database {
  if (fs.existsSync(`${file}-wal`)) return new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  const bytes = fs.readFileSync(file);
  if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) bytes.fill(1, 18, 20);
  return new BetterSqlite3(bytes, { readonly: true });
}

function inspectSource(from: string, now: number, force: boolean): Source {
  const file = path.resolve(from);
  const what = '--from names the SQLite file Rewind ran on (its REWIND_DB, e.g. data/rewind.db)';
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new Refusal(`${from} does not exist: ${what}`);
  if (!stat.isFile()) throw new Refusal(`${from} is not a file: ${what}`);
  let readOnly: Database;
  try {
    readOnly = openReadOnly(file);
  } catch (err) {
    throw new Refusal(`${from} cannot be opened read-only: ${message(err)}`);
  }
  try {
    let state: ReturnType<typeof inspectSqliteSource>;
    try {
      state = inspectSqliteSource(readOnly);
    } catch (err) {
      throw new Refusal(`${from} is not a Rewind database: SQLite cannot read it (${message(err)})`);
    }
    if (!state.isRewind) throw new Refusal(`${from} is not a Rewind database: it holds no Rewind schema`);
    if (state.schemaVersion > LATEST_SCHEMA_VERSION) {
      throw new Refusal(
        `${from} was written by a newer Rewind (schema ${state.schemaVersion}; this build knows up to ` +
          `${LATEST_SCHEMA_VERSION}): run migrate-store of the build that wrote it`,
      );
    }
    const live = state.liveRunners(now - RUNNING_WITHIN_MS);
    const newest = live[0];
    if (newest && !force) {
      const others = live.length > 1 ? ` and ${live.length - 1} more` : '';
      throw new Refusal(
        `a Rewind still runs on ${from} (${newest.owner}${others}, heartbeat ${age(now, newest.beatAt)}): stop ` +
          'Rewind first, every replica, then run this again; --force copies anyway when that process is gone',
      );
    }
    return { readOnly, schemaVersion: state.schemaVersion, live };
  } catch (err) {
    readOnly.close();
    throw err;
  }
}

const age = (now: number, at: number): string => `${Math.max(0, Math.round((now - at) / 1000))} s ago`;

/** Reason of a failed connection, without the "PostgreSQL at … is unreachable:" the message starts with. */
function unreachableReason(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  return message(cause instanceof Error ? cause : err).replace(/^PostgreSQL at \S+ is unreachable: /, '');
}

function inspectTarget(to: string): PostgresTargetState {
  const where = describeTarget(to);
  const probe = new PostgresDatabase({ url: to, applicationName: APPLICATION_NAME });
  try {
    try {
      probe.prepare('SELECT 1').get();
    } catch (err) {
      throw new Refusal(
        `cannot reach PostgreSQL at ${where}: ${unreachableReason(err)}; check --to (host, port, database, user, ` +
          'password) and that the server is up',
      );
    }
    const state = inspectPostgresTarget(probe);
    if (state.schemaVersion !== null && state.schemaVersion > LATEST_POSTGRES_SCHEMA_VERSION) {
      throw new Refusal(
        `PostgreSQL at ${where} holds the schema of a newer Rewind (${state.schemaVersion}; this build knows up ` +
          `to ${LATEST_POSTGRES_SCHEMA_VERSION}): run migrate-store of that build`,
      );
    }
    if (state.occupied.length > 0) throw new Refusal(occupiedTargetMessage(where, state.occupied));
    return state;
  } finally {
    probe.close();
  }
}

/** The password of `url` never reaches the terminal, whatever a message quoted. */
function withoutPassword(text: string, url: string): string {
  const password = URL.canParse(url) ? new URL(url).password : '';
  if (!password) return text;
  return [password, decodeURIComponent(password)].reduce((t, p) => t.split(p).join('***'), text);
}

function countsTable(tables: readonly CopiedTable[]): string[] {
  const total = (side: 'source' | 'target') => tables.reduce((sum, t) => sum + t[side], 0);
  const rows: Array<[string, string, string]> = [
    ['table', 'SQLite', 'PostgreSQL'],
    ...tables.map((t): [string, string, string] => [t.table, String(t.source), String(t.target)]),
    ['total', String(total('source')), String(total('target'))],
  ];
  const width = (i: 0 | 1 | 2) => Math.max(...rows.map((r) => r[i].length));
  return rows.map(([name, a, b]) => `  ${name.padEnd(width(0))}  ${a.padStart(width(1))}  ${b.padStart(width(2))}`);
}

interface Move {
  from: string;
  to: string;
  dryRun: boolean;
  force: boolean;
}

function move(m: Move, out: Output, clock: Clock): number {
  const started = clock.now();
  const source = inspectSource(m.from, started, m.force);
  const where = describeTarget(m.to);
  let sqlite: Database | null = null;
  let postgres: PostgresDatabase | null = null;
  let scratch: string | null = null;
  try {
    for (const runner of source.live) {
      out.error(
        `rewind migrate-store: --force: copying although ${runner.owner} beat ${age(started, runner.beatAt)}; what ` +
          'it writes from now on stays in the SQLite file',
      );
    }
    const target = inspectTarget(m.to);
    const migrates = source.schemaVersion < LATEST_SCHEMA_VERSION;
    if (m.dryRun && migrates) {
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rewind-migrate-store-'));
      const copy = path.join(scratch, 'rewind.db');
      fs.writeFileSync(copy, source.readOnly.serialize());
      source.readOnly.close();
      sqlite = openDatabase(copy);
    } else {
      source.readOnly.close();
      sqlite = openDatabase(m.from);
    }
    postgres = openPostgres(m.to, {
      applicationName: APPLICATION_NAME,
      // One transaction copies everything: give its statements far longer than the bot's.
      statementTimeoutMs: 300_000,
      lockTimeoutMs: 30_000,
      answerTimeoutMs: 330_000,
    });
    const result = copySqliteToPostgres(sqlite, postgres, { dryRun: m.dryRun });
    const seconds = ((clock.now() - started) / 1000).toFixed(1);

    out.log(
      `${m.from} (SQLite, schema ${LATEST_SCHEMA_VERSION}) → PostgreSQL at ${where} (schema ` +
        `${LATEST_POSTGRES_SCHEMA_VERSION})`,
    );
    if (migrates) {
      out.log(
        m.dryRun
          ? `a copy of ${m.from} was migrated from schema ${source.schemaVersion} first; the file itself is unchanged`
          : `${m.from} was migrated from schema ${source.schemaVersion} first`,
      );
    }
    for (const line of countsTable(result.tables)) out.log(line);
    if (!result.committed) {
      const created = target.schemaVersion === null ? `; the empty schema was created in PostgreSQL at ${where}` : '';
      out.log(`Dry run: every count matches (${seconds} s), then all was rolled back: no row was committed${created}.`);
      return 0;
    }
    out.log(`Every count matches. Copied in ${seconds} s in one transaction; each id sequence continues past them.`);
    out.log(`Next: set REWIND_DB to the PostgreSQL URL and start Rewind; keep ${m.from} as the backup it now is.`);
    return 0;
  } finally {
    if (source.readOnly.open) source.readOnly.close();
    sqlite?.close();
    postgres?.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

const SAID_AS_ONE_LINE = [
  Refusal,
  StoreCopyError,
  StoreOpenError,
  StoreVersionError,
  MigrationError,
  PostgresError,
  PostgresUnavailableError,
];

export async function migrateStoreCommand(args: string[], out: Output, deps: MigrateStoreDeps = {}): Promise<number> {
  const parsed = parseArgs(args, { values: ['from', 'to'], flags: ['dry-run', 'force'] });
  const from = parsed.values['from'];
  const to = parsed.values['to'];
  if (from === undefined) throw new UsageError('--from is required: the SQLite file to copy (e.g. data/rewind.db)');
  if (to === undefined) throw new UsageError('--to is required: the PostgreSQL URL to copy into (postgres://…)');
  if (isPostgresUrl(from)) throw new UsageError('--from is the SQLite file Rewind ran on, not a postgres:// URL');
  if (!isPostgresUrl(to))
    throw new UsageError('--to must be a postgres:// URL (postgres://user:password@host:5432/db)');
  const m: Move = { from, to, dryRun: parsed.flags.has('dry-run'), force: parsed.flags.has('force') };
  try {
    return move(m, out, deps.clock ?? systemClock);
  } catch (err) {
    if (!SAID_AS_ONE_LINE.some((kind) => err instanceof kind)) throw err;
    out.error(`rewind migrate-store: ${withoutPassword(message(err), to)}`);
    return 1;
  }
}
