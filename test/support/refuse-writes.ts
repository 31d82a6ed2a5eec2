/**
 * The database refusing writes the way a full disk does, at the store boundary, for the normal
 * suite (no root, no tmpfs): every statement of the chosen database that would write — and BEGIN
 * IMMEDIATE, which takes the write lock — throws better-sqlite3's own SqliteError with
 * SQLITE_FULL, while reads and connection settings go on. A real full disk is tested on a tmpfs in
 * test/store/db-damage.test.ts and test/faults/full-disk.faults.test.ts.
 */
import BetterSqlite3 from 'better-sqlite3';

type Statement = { readonly: boolean; source: string; database: BetterSqlite3.Database } & Record<
  'run' | 'get' | 'all' | 'iterate',
  (...args: unknown[]) => unknown
>;

/**
 * Refuses the writes of the database `which` names (the connection, or its file name, to catch a
 * connection opened later, by a process start); returns the function that takes writes again.
 */
export function refuseWrites(
  which: BetterSqlite3.Database | string,
  code = 'SQLITE_FULL',
  message = 'database or disk is full',
): () => void {
  const probe = new BetterSqlite3(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Statement;
  probe.close();
  const originals = { run: proto.run, get: proto.get, all: proto.all, iterate: proto.iterate };
  const chosen = (s: Statement) => (typeof which === 'string' ? s.database.name === which : s.database === which);
  // Connection settings (busy_timeout, foreign_keys, journal_mode of a file already in WAL) write
  // nothing to the file, and a real full disk lets them be; the schema version is a write.
  const writes = (s: Statement) =>
    !s.readonly && !(/^\s*PRAGMA\s/i.test(s.source) && !/user_version\s*=/i.test(s.source));
  for (const method of Object.keys(originals) as Array<keyof typeof originals>) {
    const original = originals[method];
    proto[method] = function (this: Statement, ...args: unknown[]) {
      if (writes(this) && chosen(this)) throw new BetterSqlite3.SqliteError(message, code);
      return original.apply(this, args);
    };
  }
  return () => Object.assign(proto, originals);
}
