/**
 * What Rewind's database holds, table by table (row count and a digest of every row), so a fuzz
 * run can tell exactly which tables one request changed. Reads any better-sqlite3 handle on the
 * file, the bot's own in-process or a second one beside a bot process.
 */
import { createHash } from 'node:crypto';

/** The part of better-sqlite3's Database this needs. */
export interface ReadableDb {
  prepare(sql: string): { all(...params: unknown[]): unknown[]; get(...params: unknown[]): unknown };
}

export interface TableState {
  rows: number;
  digest: string;
}

export type DbState = Record<string, TableState>;

/** The process's own bookkeeping (its heartbeat), which moves whatever requests arrive. */
export const BOOKKEEPING_TABLES: readonly string[] = ['runners'];

export function dbState(db: ReadableDb, skip: readonly string[] = BOOKKEEPING_TABLES): DbState {
  const tables = (
    db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      .all() as Array<{ name: string }>
  ).map((t) => t.name);
  const state: DbState = {};
  for (const name of tables) {
    if (skip.includes(name)) continue;
    const rows = db.prepare(`SELECT * FROM "${name}"`).all();
    state[name] = { rows: rows.length, digest: createHash('sha1').update(JSON.stringify(rows)).digest('hex') };
  }
  return state;
}

/** The tables whose rows or contents differ, with their row counts before and after. */
export function changedTables(
  before: DbState,
  after: DbState,
): Record<string, { before: number | null; after: number | null }> {
  const out: Record<string, { before: number | null; after: number | null }> = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const b = before[name];
    const a = after[name];
    if (b?.digest !== a?.digest) out[name] = { before: b?.rows ?? null, after: a?.rows ?? null };
  }
  return out;
}
