/**
 * The little of a SQL database the repositories use, so the same repositories run on SQLite
 * (better-sqlite3, which fits this as it is) and on PostgreSQL (postgres/database.ts). Statements
 * take `?` or `@name` parameters; a transaction is a synchronous function, nested ones are
 * savepoints. Where the two dialects differ, repositories ask `dialectOf(db)` and say both.
 */

export interface SqlRunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface SqlStatement<P extends unknown[], R> {
  run(...params: P): SqlRunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SqlFunction = (...args: any[]) => unknown;

type ArgumentsOf<F extends SqlFunction> = F extends (...args: infer A) => unknown ? A : never;

export interface SqlTransaction<F extends SqlFunction> {
  (...args: ArgumentsOf<F>): ReturnType<F>;
  default(...args: ArgumentsOf<F>): ReturnType<F>;
  deferred(...args: ArgumentsOf<F>): ReturnType<F>;
  immediate(...args: ArgumentsOf<F>): ReturnType<F>;
  exclusive(...args: ArgumentsOf<F>): ReturnType<F>;
}

export interface SqlDatabase {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  prepare<P extends unknown[] | {} = unknown[], R = unknown>(
    sql: string,
  ): P extends unknown[] ? SqlStatement<P, R> : SqlStatement<[P], R>;
  transaction<F extends SqlFunction>(fn: F): SqlTransaction<F>;
  exec(sql: string): unknown;
  close(): unknown;
  readonly open: boolean;
  readonly inTransaction: boolean;
}

export type SqlDialect = 'sqlite' | 'postgres';

/** Implemented by the PostgreSQL database; better-sqlite3's has no such field, and is SQLite. */
export function dialectOf(db: SqlDatabase): SqlDialect {
  return (db as { dialect?: SqlDialect }).dialect ?? 'sqlite';
}

/**
 * Runs a statement with RETURNING in a transaction of its own. Alone, better-sqlite3's `.get()`
 * hands back the returned row even when the commit then fails (SQLITE_FULL on a full disk): an id
 * would be reported for a row that was never stored. Inside a transaction the failed COMMIT throws.
 */
export function committed<T>(db: SqlDatabase, fn: () => T): T {
  return db.inTransaction ? fn() : db.transaction(fn)();
}

/** A subquery of the strings of the JSON array in parameter `param` (`@kinds`), for `x IN (…)`. */
export function jsonArrayValues(db: SqlDatabase, param: string): string {
  return dialectOf(db) === 'postgres'
    ? `SELECT json_array_elements_text(CAST(${param} AS json))`
    : `SELECT value FROM json_each(${param})`;
}
