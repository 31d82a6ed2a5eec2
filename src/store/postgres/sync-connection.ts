/**
 * One PostgreSQL connection, used synchronously. Rewind's store contract is synchronous: a
 * transaction is a plain function that no other turn of the event loop can interleave with, which
 * is what its exactly-once guarantees rest on (docs/high-availability.md says why). node-postgres
 * is asynchronous, so the connection lives in a worker thread and the main thread waits for each
 * answer on a shared flag (Atomics.wait), then takes it with receiveMessageOnPort.
 *
 * Every wait has a deadline. A database that does not answer in time (a lost network, a server
 * that hangs) ends the worker — the server then rolls back whatever transaction it held — and the
 * statement throws a PostgresUnavailableError, which the bot treats as it treats a full disk:
 * /readyz 503, actions refused with a clear message, nothing half-done.
 *
 * While the database is known to be down, statements are refused at once rather than each waiting
 * out a connect timeout (which would freeze the bot: health checks, Slack acks, everything): the
 * worker reconnects in the background every second and says so through a shared flag.
 */
import { createRequire } from 'node:module';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { WORKER_SOURCE } from './worker-source.ts';

export interface PostgresConnectionOptions {
  url: string;
  /** How long the main thread waits for any one answer before it gives the connection up (default 10 s). */
  answerTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** PostgreSQL's own limits, so a stuck statement or lock ends on the server side first. */
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  applicationName?: string;
}

export type PostgresRequest =
  | { op: 'query'; sql: string; params: unknown[]; name: string; write: boolean }
  | { op: 'exec'; sql: string }
  /** `lockTimeoutMs`: this transaction may wait longer than the session's lock_timeout for the lock. */
  | { op: 'begin'; lockKey: number | null; lockTimeoutMs?: number }
  | { op: 'commit' }
  | { op: 'rollback' }
  | { op: 'close' };

export interface PostgresAnswer {
  rows: Record<string, unknown>[];
  rowCount: number;
}

/** What PostgreSQL (or the connection) said; `code` is the SQLSTATE, or a Node error code. */
export class PostgresError extends Error {
  override readonly name = 'PostgresError';
  constructor(
    message: string,
    readonly code: string | null,
    readonly detail: string | null,
  ) {
    super(message);
  }
}

/**
 * The database did not answer, or could not be reached. Nothing of a statement is known to have
 * happened, with one exception: a COMMIT whose answer was lost may have been carried out.
 */
export class PostgresUnavailableError extends Error {
  override readonly name = 'PostgresUnavailableError';
  readonly code = 'REWIND_PG_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** SQLSTATE classes and Node codes that mean the server is not there, rather than a refused statement. */
const UNREACHABLE =
  /^(08|57P0[1-3]|53300|ECONN|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ETIMEDOUT|EPIPE|REWIND_PG_LOST|REWIND_PG_CONNECTION_ENDED)/;

const pgPath = createRequire(import.meta.url).resolve('pg');

interface Worker_ {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
}

export class SyncPostgresConnection {
  private current: Worker_ | null = null;
  private seq = 0;
  private closed = false;
  /** Between a begin and its commit or rollback. */
  private inTransaction = false;
  /** The worker holding the open transaction was ended: everything but the rollback fails until it comes. */
  private lostTransaction = false;
  private readonly answerTimeoutMs: number;
  /** The last statement found the database unreachable: refuse at once until the worker is connected again. */
  private down: string | null = null;

  constructor(private readonly options: PostgresConnectionOptions) {
    this.answerTimeoutMs = options.answerTimeoutMs ?? 10_000;
  }

  /** Where the database is, for messages: the host and database, never the password. */
  get target(): string {
    return describeTarget(this.options.url);
  }

  /** Sends one request and waits for its answer, at most `waitMs` (default: the answer deadline). */
  request(req: PostgresRequest, waitMs = this.answerTimeoutMs): PostgresAnswer {
    if (this.closed) throw new PostgresError(`the connection to ${this.target} is closed`, null, null);
    // Ended whatever the answer: a failed COMMIT rolls back, and ROLLBACK is how a caller gives up.
    if (req.op === 'commit' || req.op === 'rollback') this.inTransaction = false;
    if (this.lostTransaction) {
      if (req.op === 'rollback') {
        this.lostTransaction = false;
        return { rows: [], rowCount: 0 };
      }
      throw new PostgresUnavailableError(
        `the connection to PostgreSQL at ${this.target} was lost inside a transaction`,
      );
    }
    const w = this.current ?? (this.current = this.spawn());
    if (this.down !== null) {
      if (Atomics.load(w.flag, 1) === 1) this.down = null;
      else if (req.op !== 'rollback' && req.op !== 'close') throw new PostgresUnavailableError(this.down);
    }
    const seq = ++this.seq;
    Atomics.store(w.flag, 0, 0);
    w.port.postMessage({ ...req, seq });
    const waited = Atomics.wait(w.flag, 0, 0, waitMs);
    const message = receiveMessageOnPort(w.port)?.message as
      | { seq: number; ok: true; rows: Record<string, unknown>[]; rowCount: number }
      | { seq: number; ok: false; error: { message: string; code: string | null; detail: string | null } }
      | undefined;
    if (waited === 'timed-out' || !message || message.seq !== seq) {
      this.drop();
      this.down = `PostgreSQL at ${this.target} did not answer within ${Math.round(waitMs / 1000)} s`;
      throw new PostgresUnavailableError(this.down);
    }
    if (message.ok) {
      if (req.op === 'begin') this.inTransaction = true;
      return { rows: message.rows, rowCount: message.rowCount };
    }
    const { error } = message;
    if (error.code && UNREACHABLE.test(error.code)) {
      this.down = `PostgreSQL at ${this.target} is unreachable: ${error.message}`;
      throw new PostgresUnavailableError(this.down, {
        cause: new PostgresError(error.message, error.code, error.detail),
      });
    }
    throw new PostgresError(error.message, error.code, error.detail);
  }

  close(): void {
    if (this.closed) return;
    if (this.current) {
      try {
        this.request({ op: 'close' });
      } catch {
        // Closing a connection that is already gone.
      }
      this.drop();
    }
    this.closed = true;
  }

  private spawn(): Worker_ {
    const { port1, port2 } = new MessageChannel();
    // [0]: an answer is waiting on the port; [1]: the worker holds a live connection.
    const flag = new Int32Array(new SharedArrayBuffer(8));
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        port: port2,
        flag,
        pgPath,
        url: this.options.url,
        connectTimeoutMs: this.options.connectTimeoutMs ?? 5_000,
        statementTimeoutMs: this.options.statementTimeoutMs ?? 8_000,
        lockTimeoutMs: this.options.lockTimeoutMs ?? 5_000,
        idleInTransactionMs: 15_000,
        applicationName: this.options.applicationName ?? 'rewind',
      },
      transferList: [port2],
    });
    // The worker must not keep the process alive once the bot has stopped.
    worker.unref();
    port1.unref();
    return { worker, port: port1, flag };
  }

  private drop(): void {
    const w = this.current;
    this.current = null;
    if (this.inTransaction) this.lostTransaction = true;
    if (!w) return;
    w.port.close();
    void w.worker.terminate();
  }
}

/** `postgres://user:secret@db.example:5432/rewind?sslmode=require` → `db.example:5432/rewind`. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || new URLSearchParams(u.search).get('host') || 'localhost';
    const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default database)';
    return `${host}${u.port ? `:${u.port}` : ''}/${db}`;
  } catch {
    return 'PostgreSQL (an unreadable URL)';
  }
}

export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}
