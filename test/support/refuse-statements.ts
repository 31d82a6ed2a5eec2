/**
 * The database refusing chosen statements the way a held lock does (its wait ran out), on either
 * store, so a test can fail one write in the middle of a transaction and see what is left behind:
 * SQLite's own SqliteError with SQLITE_BUSY, PostgreSQL's lock_not_available (55P03) — what
 * storeRefusal reads as `locked` — while every other statement goes on. Writes in general are
 * refused the way a full disk refuses them in ./refuse-writes.ts.
 */
import BetterSqlite3 from 'better-sqlite3';
import { dialectOf, sqliteHandle, type SqlDatabase } from '../../src/store/index.ts';
import { PostgresError } from '../../src/store/postgres/sync-connection.ts';

/** Which statements to refuse: their SQL, and their parameters as JSON. */
export type StatementMatch = (sql: string, params: string) => boolean;

type SqliteStatement = { source: string; database: BetterSqlite3.Database } & Record<
  'run' | 'get' | 'all' | 'iterate',
  (...args: unknown[]) => unknown
>;

type Query = (text: string, params: unknown[], name: string, write: boolean) => unknown;

/**
 * Refuses the statements of `db` that `match` picks, until the returned function is called. Each
 * refusal is counted in `refused`, so a test can tell the fault was hit.
 */
export function refuseStatements(db: SqlDatabase, match: StatementMatch): { refused: number; restore: () => void } {
  const state = { refused: 0, restore: () => undefined as void };
  if (dialectOf(db) === 'postgres') {
    const pg = db as unknown as { query: Query };
    const original = pg.query;
    pg.query = function (this: unknown, text, params, name, write) {
      if (match(text, JSON.stringify(params))) {
        state.refused++;
        throw new PostgresError('canceling statement due to lock timeout', '55P03', null);
      }
      return original.call(this, text, params, name, write);
    };
    state.restore = () => {
      pg.query = original;
    };
    return state;
  }
  const handle = sqliteHandle(db);
  const probe = new BetterSqlite3(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as SqliteStatement;
  probe.close();
  const originals = { run: proto.run, get: proto.get, all: proto.all, iterate: proto.iterate };
  for (const method of Object.keys(originals) as Array<keyof typeof originals>) {
    const original = originals[method];
    proto[method] = function (this: SqliteStatement, ...args: unknown[]) {
      if (this.database === handle && match(this.source, JSON.stringify(args))) {
        state.refused++;
        throw new BetterSqlite3.SqliteError('database is locked', 'SQLITE_BUSY');
      }
      return original.apply(this, args);
    };
  }
  state.restore = () => {
    Object.assign(proto, originals);
  };
  return state;
}
