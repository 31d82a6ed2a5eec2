/**
 * The repositories' database (src/store/sql.ts) on PostgreSQL, through one synchronous connection.
 *
 * Transactions keep SQLite's model: one writer at a time. Every top-level transaction takes the
 * same transaction-scoped advisory lock first, so transactions of several replicas run one after
 * another as they do on one SQLite file (`BEGIN IMMEDIATE`), and every read-check-write of a
 * transaction sees what it will overwrite. Statements outside a transaction are single atomic
 * statements (a timer claim with `FOR UPDATE SKIP LOCKED`, a conditional update) and take no lock.
 */
import { createHash } from 'node:crypto';
import type { SqlDatabase, SqlFunction, SqlRunResult, SqlStatement, SqlTransaction } from '../sql.ts';
import { bindValues, translateParameters, type TranslatedStatement } from './parameters.ts';
import { SyncPostgresConnection, type PostgresConnectionOptions } from './sync-connection.ts';

/** pg_advisory_xact_lock key of the store's single writer: "Rewi" in ASCII. */
export const WRITER_LOCK_KEY = 0x52657769;

const WRITE = /^\s*(insert|update|delete|with)\b/i;

class PostgresStatement<P extends unknown[], R> implements SqlStatement<P, R> {
  private readonly translated: TranslatedStatement;
  private readonly name: string;
  private readonly write: boolean;

  constructor(
    private readonly db: PostgresDatabase,
    private readonly sql: string,
  ) {
    this.translated = translateParameters(sql);
    this.name = `rw_${createHash('sha1').update(this.translated.text).digest('hex').slice(0, 20)}`;
    this.write = WRITE.test(sql);
  }

  run(...params: P): SqlRunResult {
    const answer = this.db.query(this.translated.text, this.values(params), this.name, this.write);
    return {
      changes: answer.rowCount,
      get lastInsertRowid(): number {
        throw new Error('lastInsertRowid is SQLite only: select the new id with RETURNING id');
      },
    };
  }

  get(...params: P): R | undefined {
    return this.db.query(this.translated.text, this.values(params), this.name, this.write).rows[0] as R | undefined;
  }

  all(...params: P): R[] {
    return this.db.query(this.translated.text, this.values(params), this.name, this.write).rows as R[];
  }

  private values(params: P): unknown[] {
    return bindValues(this.translated.layout, params, this.sql);
  }
}

export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  private depth = 0;
  /** Set while replicas start together: a transaction waits for the one migrating instead of giving up. */
  private patientMs: number | null = null;
  private readonly connection: SyncPostgresConnection;
  private closed = false;

  constructor(options: PostgresConnectionOptions) {
    this.connection = new SyncPostgresConnection(options);
  }

  /** `host:port/database`, for messages. */
  get target(): string {
    return this.connection.target;
  }

  get open(): boolean {
    return !this.closed;
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  prepare<P extends unknown[] | {} = unknown[], R = unknown>(
    sql: string,
  ): P extends unknown[] ? SqlStatement<P, R> : SqlStatement<[P], R> {
    return new PostgresStatement(this, sql) as unknown as P extends unknown[]
      ? SqlStatement<P, R>
      : SqlStatement<[P], R>;
  }

  query(text: string, params: unknown[], name: string, write: boolean) {
    return this.connection.request({ op: 'query', sql: text, params, name, write });
  }

  exec(sql: string): void {
    this.connection.request({ op: 'exec', sql });
  }

  transaction<F extends SqlFunction>(fn: F): SqlTransaction<F> {
    const run = (...args: unknown[]): ReturnType<F> => this.runTransaction(fn, args);
    return Object.assign(run, { default: run, deferred: run, immediate: run, exclusive: run }) as SqlTransaction<F>;
  }

  /**
   * Runs `fn` with transactions that wait up to `ms` for the writer lock: at start, replicas that
   * start together wait while the first applies the migrations (seconds), rather than failing.
   */
  patiently<T>(ms: number, fn: () => T): T {
    this.patientMs = ms;
    try {
      return fn();
    } finally {
      this.patientMs = null;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.close();
  }

  private runTransaction<F extends SqlFunction>(fn: F, args: unknown[]): ReturnType<F> {
    const level = this.depth;
    if (level === 0) {
      const patient = this.patientMs;
      if (patient === null) this.connection.request({ op: 'begin', lockKey: WRITER_LOCK_KEY });
      else this.connection.request({ op: 'begin', lockKey: WRITER_LOCK_KEY, lockTimeoutMs: patient }, patient + 5_000);
    } else this.exec(`SAVEPOINT rewind_tx_${level}`);
    this.depth = level + 1;
    let result: ReturnType<F>;
    try {
      result = fn(...args) as ReturnType<F>;
      if (result instanceof Promise) throw new TypeError('Transaction function cannot return a promise');
    } catch (err) {
      this.depth = level;
      this.undo(level);
      throw err;
    }
    this.depth = level;
    try {
      if (level === 0) this.connection.request({ op: 'commit' });
      else this.exec(`RELEASE SAVEPOINT rewind_tx_${level}`);
    } catch (err) {
      this.undo(level);
      throw err;
    }
    return result;
  }

  /** Rolls back to where the transaction at `level` began; a failure here must not hide the first error. */
  private undo(level: number): void {
    try {
      if (level === 0) this.connection.request({ op: 'rollback' });
      else this.exec(`ROLLBACK TO SAVEPOINT rewind_tx_${level}; RELEASE SAVEPOINT rewind_tx_${level}`);
    } catch {
      if (level > 0) return;
      // The connection is gone: the server rolled the transaction back when it went.
    }
  }
}
