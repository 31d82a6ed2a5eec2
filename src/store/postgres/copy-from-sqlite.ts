/**
 * Moving a store from SQLite to PostgreSQL (`rewind migrate-store`): what the SQLite file holds,
 * whether the PostgreSQL target is empty, and the copy itself — every table of the schema in one
 * PostgreSQL transaction, parents before children, in multi-row INSERTs that keep every id, each
 * identity sequence then set past the ids copied, and every table's count checked on both sides.
 *
 * The tables are read from the schemas themselves (sqlite_master, information_schema), never from
 * a list kept here: a table or column that one schema has and the other lacks stops the copy, so a
 * migration written for one store without its twin cannot lose data silently.
 */
import type { Database } from '../db.ts';
import type { SqlStatement } from '../sql.ts';
import type { PostgresDatabase } from './database.ts';

/** The copy cannot go ahead, or did not check out: one sentence, and nothing was committed. */
export class StoreCopyError extends Error {
  override readonly name = 'StoreCopyError';
}

export interface TableRows {
  table: string;
  rows: number;
}

export interface CopiedTable {
  table: string;
  /** Rows in the SQLite file when the copy read it. */
  source: number;
  /** Rows in PostgreSQL after the copy, before the commit. */
  target: number;
}

export interface SqliteSourceState {
  /** `PRAGMA user_version`: the last SQLite migration applied, 0 for a file Rewind never wrote. */
  schemaVersion: number;
  /** Whether it holds Rewind's tables at all. */
  isRewind: boolean;
  /** Heartbeats (runners table) at or after `since`: Rewind processes that are likely still running. */
  liveRunners(since: number): Array<{ owner: string; beatAt: number }>;
}

export interface PostgresTargetState {
  /** The PostgreSQL schema version, or null when no Rewind schema is there yet. */
  schemaVersion: number | null;
  /** Tables of the schema that hold rows. */
  occupied: TableRows[];
}

/** Where PostgreSQL keeps its schema version; SQLite keeps it in `PRAGMA user_version`. */
const POSTGRES_BOOKKEEPING = 'rewind_schema';
/** PostgreSQL takes at most this many parameters in one statement. */
const MAX_PARAMETERS = 65_535;

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** "3 rows (incidents 1, timers 2)". */
export function describeRows(tables: readonly TableRows[]): string {
  const total = tables.reduce((sum, t) => sum + t.rows, 0);
  const each = tables.map((t) => `${t.table} ${t.rows}`).join(', ');
  return `${total} row${total === 1 ? '' : 's'} (${each})`;
}

/** The refusal of a target that already holds rows: the copy never merges two stores. */
export function occupiedTargetMessage(where: string, occupied: readonly TableRows[]): string {
  return (
    `PostgreSQL at ${where} already holds ${describeRows(occupied)}: migrate-store copies into an empty store ` +
    'only and never merges two; point --to at an empty database or schema'
  );
}

/** The tables of the SQLite schema, SQLite's own (sqlite_sequence) left out. */
export function sqliteTables(db: Database): string[] {
  return db
    .prepare<[], { name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
    )
    .all()
    .map((r) => r.name);
}

/** What a SQLite file holds, read without writing to it (`db` may be read-only). */
export function inspectSqliteSource(db: Database): SqliteSourceState {
  const schemaVersion = db.pragma('user_version', { simple: true }) as number;
  const tables = sqliteTables(db);
  const isRewind = schemaVersion > 0 && ['incidents', 'timers', 'outbox'].every((t) => tables.includes(t));
  return {
    schemaVersion,
    isRewind,
    liveRunners(since) {
      // Schemas before migration 008 have no heartbeats to read.
      if (!tables.includes('runners')) return [];
      return db
        .prepare<[number], { owner: string; beat_at: number }>(
          'SELECT owner, beat_at FROM runners WHERE beat_at >= ? ORDER BY beat_at DESC',
        )
        .all(since)
        .map((r) => ({ owner: r.owner, beatAt: r.beat_at }));
    },
  };
}

/** The base tables of the PostgreSQL schema in use (the first of search_path), its bookkeeping left out. */
export function postgresTables(db: PostgresDatabase): string[] {
  return db
    .prepare<[string], { name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> ?
       ORDER BY table_name`,
    )
    .all(POSTGRES_BOOKKEEPING)
    .map((r) => r.name);
}

function postgresRowCounts(db: PostgresDatabase, tables: readonly string[]): TableRows[] {
  return tables.map((table) => ({
    table,
    rows: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${quote(table)}`).get()?.n ?? 0,
  }));
}

/** The target as it is, read without writing to it (openPostgres would create the schema). */
export function inspectPostgresTarget(db: PostgresDatabase): PostgresTargetState {
  const present =
    db
      .prepare<[string], { present: number }>('SELECT CAST(to_regclass(?) IS NOT NULL AS int) AS present')
      .get(POSTGRES_BOOKKEEPING)?.present === 1;
  const schemaVersion = present
    ? (db.prepare<[], { version: number | null }>(`SELECT max(version) AS version FROM ${POSTGRES_BOOKKEEPING}`).get()
        ?.version ?? 0)
    : null;
  return { schemaVersion, occupied: postgresRowCounts(db, postgresTables(db)).filter((t) => t.rows > 0) };
}

interface CopyPlan {
  /** Parents before children. */
  tables: string[];
  columns: Map<string, string[]>;
  /** The identity column of each PostgreSQL table that has one. */
  identity: Map<string, string>;
}

function sqliteColumns(db: Database, table: string): string[] {
  return db
    .prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?) ORDER BY cid')
    .all(table)
    .map((r) => r.name);
}

function postgresColumns(db: PostgresDatabase, table: string): string[] {
  return db
    .prepare<[string], { name: string }>(
      `SELECT column_name AS name FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`,
    )
    .all(table)
    .map((r) => r.name);
}

const missingFrom = (a: readonly string[], b: readonly string[]) => a.filter((x) => !b.includes(x));

/** Both schemas hold the same tables with the same columns, or the copy stops here, saying what differs. */
function planCopy(source: Database, target: PostgresDatabase, where: string): CopyPlan {
  const here = sqliteTables(source);
  const there = postgresTables(target);
  const onlySqlite = missingFrom(here, there);
  const onlyPostgres = missingFrom(there, here);
  if (onlySqlite.length > 0 || onlyPostgres.length > 0) {
    const differences = [
      onlySqlite.length > 0 ? `only in SQLite: ${onlySqlite.join(', ')}` : '',
      onlyPostgres.length > 0 ? `only in PostgreSQL at ${where}: ${onlyPostgres.join(', ')}` : '',
    ].filter(Boolean);
    throw new StoreCopyError(
      `the SQLite and PostgreSQL schemas do not hold the same tables (${differences.join('; ')}): a migration ` +
        'lacks its twin in the other store, or the target holds tables that are not Rewind’s; nothing was copied',
    );
  }
  const columns = new Map<string, string[]>();
  for (const table of here) {
    const mine = sqliteColumns(source, table);
    const theirs = postgresColumns(target, table);
    const differences = [
      ...missingFrom(mine, theirs).map((c) => `${c} only in SQLite`),
      ...missingFrom(theirs, mine).map((c) => `${c} only in PostgreSQL`),
    ];
    if (differences.length > 0) {
      throw new StoreCopyError(
        `table ${table} has different columns in the two schemas (${differences.join(', ')}): a migration lacks its ` +
          'twin in the other store; nothing was copied',
      );
    }
    columns.set(table, mine);
  }
  const identity = new Map(
    target
      .prepare<[], { table_name: string; column_name: string }>(
        `SELECT table_name, column_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND is_identity = 'YES'`,
      )
      .all()
      .map((r) => [r.table_name, r.column_name] as const),
  );
  return { tables: parentsFirst(source, target, here), columns, identity };
}

/** The tables ordered so that every table comes after those its foreign keys point to, in either schema. */
function parentsFirst(source: Database, target: PostgresDatabase, tables: readonly string[]): string[] {
  const parents = new Map(tables.map((t) => [t, new Set<string>()]));
  const parentsOf = source.prepare<[string], { parent: string }>(
    'SELECT DISTINCT "table" AS parent FROM pragma_foreign_key_list(?)',
  );
  for (const table of tables) for (const { parent } of parentsOf.all(table)) parents.get(table)?.add(parent);
  const links = target
    .prepare<[], { child: string; parent: string }>(
      `SELECT child.relname AS child, parent.relname AS parent FROM pg_constraint c
       JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid
       JOIN pg_namespace ns ON ns.oid = child.relnamespace
       WHERE c.contype = 'f' AND ns.nspname = current_schema()`,
    )
    .all();
  for (const { child, parent } of links) parents.get(child)?.add(parent);
  const ordered: string[] = [];
  while (ordered.length < tables.length) {
    const ready = tables.filter(
      (t) => !ordered.includes(t) && [...(parents.get(t) ?? [])].every((p) => p === t || ordered.includes(p)),
    );
    if (ready.length === 0) {
      const left = tables.filter((t) => !ordered.includes(t));
      throw new StoreCopyError(`the foreign keys of ${left.join(', ')} point at each other in a cycle; nothing copied`);
    }
    ordered.push(...ready);
  }
  return ordered;
}

/** Copies one table in multi-row INSERTs of at most `batchRows` rows; returns how many rows it copied. */
function copyTable(source: Database, target: PostgresDatabase, plan: CopyPlan, table: string, batchRows: number) {
  const columns = plan.columns.get(table) ?? [];
  const list = columns.map(quote).join(', ');
  const perBatch = Math.max(1, Math.min(batchRows, Math.floor(MAX_PARAMETERS / Math.max(1, columns.length))));
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  // Identity columns here are BY DEFAULT, which takes given ids as they are; an ALWAYS one needs the override.
  const overriding = plan.identity.has(table) ? ' OVERRIDING SYSTEM VALUE' : '';
  const statements = new Map<number, SqlStatement<unknown[], unknown>>();
  let copied = 0;
  const flush = (rows: unknown[][]) => {
    let insert = statements.get(rows.length);
    if (!insert) {
      const values = new Array<string>(rows.length).fill(tuple).join(', ');
      insert = target.prepare(`INSERT INTO ${quote(table)} (${list})${overriding} VALUES ${values}`);
      statements.set(rows.length, insert);
    }
    try {
      insert.run(rows.flat());
    } catch (err) {
      throw new StoreCopyError(
        `copying ${table} failed at rows ${copied + 1}–${copied + rows.length}: ${(err as Error).message}; ` +
          'nothing was committed',
        { cause: err },
      );
    }
    copied += rows.length;
  };
  let batch: unknown[][] = [];
  // Integers are read as BigInt and written as their digits: a number past 2^53 would otherwise
  // reach PostgreSQL rounded, with every count still matching.
  for (const row of source
    .prepare(`SELECT ${list} FROM ${quote(table)}`)
    .raw(true)
    .safeIntegers(true)
    .iterate() as Iterable<unknown[]>) {
    batch.push(row);
    if (batch.length === perBatch) {
      flush(batch);
      batch = [];
    }
  }
  if (batch.length > 0) flush(batch);
  return copied;
}

/**
 * Sets each identity sequence past the largest id copied — and past the largest SQLite ever gave
 * (sqlite_sequence), so an id of a row since deleted (a pruned timer, a sent message) is not given again.
 */
function continueSequences(source: Database, target: PostgresDatabase, plan: CopyPlan): void {
  const hasSequenceTable =
    source.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'").get() !== undefined;
  const given = new Map(
    hasSequenceTable
      ? source
          .prepare<[], { name: string; seq: number }>('SELECT name, seq FROM sqlite_sequence')
          .all()
          .map((r) => [r.name, r.seq] as const)
      : [],
  );
  for (const [table, column] of plan.identity) {
    const copied =
      target.prepare<[], { high: number | null }>(`SELECT max(${quote(column)}) AS high FROM ${quote(table)}`).get()
        ?.high ?? 0;
    const high = Math.max(copied, given.get(table) ?? 0);
    if (high < 1) continue;
    target.prepare('SELECT setval(pg_get_serial_sequence(?, ?), ?)').get(quote(table), column, high);
  }
}

class DryRunEnd extends Error {}

export interface CopyOptions {
  /** Rows per INSERT (fewer when a table's columns would pass PostgreSQL's parameter limit). */
  batchRows?: number;
  /** Copy and check everything, then roll back. */
  dryRun?: boolean;
}

/**
 * Copies every table of `source` into `target` (both at this build's schema, the target empty) in
 * one transaction, reading the SQLite file in one snapshot. Throws StoreCopyError, having committed
 * nothing, when the schemas differ, the target holds rows, an INSERT fails or a count differs.
 */
export function copySqliteToPostgres(
  source: Database,
  target: PostgresDatabase,
  options: CopyOptions = {},
): { tables: CopiedTable[]; committed: boolean } {
  const batchRows = options.batchRows ?? 500;
  let tables: CopiedTable[] = [];
  const copyAll = () => {
    const plan = planCopy(source, target, target.target);
    // Checked again under the writer lock: rows written since the caller looked are never merged into.
    const occupied = postgresRowCounts(target, plan.tables).filter((t) => t.rows > 0);
    if (occupied.length > 0) throw new StoreCopyError(occupiedTargetMessage(target.target, occupied));
    const copied = new Map(plan.tables.map((table) => [table, copyTable(source, target, plan, table, batchRows)]));
    continueSequences(source, target, plan);
    const counted = postgresRowCounts(target, plan.tables);
    tables = counted.map(({ table, rows }) => ({
      table,
      source: source.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${quote(table)}`).get()?.n ?? 0,
      target: rows,
    }));
    const wrong = tables.filter((t) => t.source !== t.target || copied.get(t.table) !== t.source);
    if (wrong.length > 0) {
      const said = wrong.map((t) => `${t.table}: ${t.source} in SQLite, ${t.target} in PostgreSQL`).join('; ');
      throw new StoreCopyError(`the counts differ after the copy (${said}); nothing was committed`);
    }
    if (options.dryRun) throw new DryRunEnd();
  };
  try {
    // A read transaction on SQLite: every table is read from one snapshot even if a writer is still at work.
    source.transaction(() => target.transaction(copyAll)()).deferred();
  } catch (err) {
    if (err instanceof DryRunEnd) return { tables, committed: false };
    throw err;
  }
  return { tables, committed: true };
}
