/**
 * The code of the worker thread that holds the PostgreSQL connection (see sync-connection.ts).
 * It is a string run with `eval: true` so the same code serves the sources (tsx) and the compiled
 * build alike, with no file to ship beside dist/.
 *
 * Each request comes on `port` as `{ seq, op, ... }`; the answer goes back on the same port, then
 * the shared flag is set and the waiting main thread is woken. The worker keeps its own view of
 * the transaction: when the connection is lost inside one, every statement fails until the main
 * thread rolls it back (the server already did), so nothing runs half inside and half outside.
 *
 * `flag[1]` says whether a connection is up. The worker connects as soon as it starts and, once a
 * connection fails or is lost, tries again every second on its own: the main thread, which refuses
 * statements at once while the database is known to be down, sees the flag turn and goes on.
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { workerData } = require('node:worker_threads');
const pg = require(workerData.pgPath);
const { port, flag, url, connectTimeoutMs, statementTimeoutMs, lockTimeoutMs, idleInTransactionMs, applicationName } =
  workerData;

// Integers come back as JavaScript numbers (Rewind stores epoch milliseconds and counts, all far
// below 2^53) and booleans as 1/0, as SQLite gives them, so repositories read one shape.
const types = {
  getTypeParser(oid, format) {
    if (oid === 20 || oid === 21 || oid === 23) return (v) => (v === null ? null : Number(v));
    if (oid === 1700) return (v) => (v === null ? null : Number(v));
    if (oid === 16) return (v) => (v === null ? null : v === 't' ? 1 : 0);
    return pg.types.getTypeParser(oid, format);
  },
};

let client = null;
let connecting = null;
let retry = null;
const RETRY_MS = 1000;

function up(connected) {
  Atomics.store(flag, 1, connected ? 1 : 0);
}

function reconnectSoon() {
  if (retry || client || connecting) return;
  retry = setTimeout(() => {
    retry = null;
    connection().catch(() => reconnectSoon());
  }, RETRY_MS);
}
let inTransaction = false;
let lostInTransaction = false;

// node-postgres says a connection ended under a query in words, without a code.
const ENDED = /Connection terminated|connection error|not queryable|Client was closed/i;

function describe(err) {
  const message = err && err.message ? String(err.message) : String(err);
  return {
    message,
    code: err && err.code ? String(err.code) : ENDED.test(message) ? 'REWIND_PG_CONNECTION_ENDED' : null,
    detail: err && err.detail ? String(err.detail) : null,
    constraint: err && err.constraint ? String(err.constraint) : null,
  };
}

async function connection() {
  if (client) return client;
  if (!connecting) {
    const c = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: connectTimeoutMs,
      statement_timeout: statementTimeoutMs,
      lock_timeout: lockTimeoutMs,
      // A replica that vanishes inside a transaction (its node lost, no TCP reset) would hold the
      // writer lock until the server noticed; a transaction of Rewind's lasts milliseconds.
      idle_in_transaction_session_timeout: idleInTransactionMs,
      application_name: applicationName,
      types,
    });
    c.on('error', () => lose(c));
    c.on('end', () => lose(c));
    connecting = c.connect().then(
      () => {
        client = c;
        connecting = null;
        up(true);
        return c;
      },
      (err) => {
        connecting = null;
        up(false);
        c.end().catch(() => {});
        reconnectSoon();
        throw err;
      },
    );
  }
  return connecting;
}

function lose(c) {
  if (client !== c) return;
  client = null;
  up(false);
  if (inTransaction) lostInTransaction = true;
  c.end().catch(() => {});
  reconnectSoon();
}

const LOST = { message: 'the connection to PostgreSQL was lost inside a transaction', code: 'REWIND_PG_LOST' };

async function handle(req) {
  if (req.op === 'close') {
    if (client) await client.end().catch(() => {});
    client = null;
    return { rows: [], rowCount: 0 };
  }
  if (req.op === 'rollback') {
    const wasLost = lostInTransaction;
    inTransaction = false;
    lostInTransaction = false;
    if (wasLost || !client) return { rows: [], rowCount: 0 };
    await client.query('ROLLBACK');
    return { rows: [], rowCount: 0 };
  }
  if (lostInTransaction) throw LOST;
  const c = await connection();
  if (req.op === 'begin') {
    await c.query('BEGIN');
    inTransaction = true;
    try {
      if (req.lockTimeoutMs) {
        const ms = Number(req.lockTimeoutMs);
        await c.query("SET LOCAL lock_timeout = '" + ms + "ms'; SET LOCAL statement_timeout = '" + ms + "ms'");
      }
      // Advisory locks belong to the database: the schema's name in the key keeps two Rewinds in two
      // schemas of one database (two installs, parallel tests) from waiting on each other.
      if (req.lockKey !== null)
        await c.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))', [req.lockKey]);
    } catch (err) {
      // No transaction for the caller (the writer lock was not had in time): none left open here.
      inTransaction = false;
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    }
    return { rows: [], rowCount: 0 };
  }
  if (req.op === 'commit') {
    try {
      await c.query('COMMIT');
    } finally {
      inTransaction = false;
    }
    return { rows: [], rowCount: 0 };
  }
  if (req.op === 'exec') {
    const r = await c.query(req.sql);
    return { rows: [], rowCount: Array.isArray(r) ? 0 : (r.rowCount ?? 0) };
  }
  // A statement inside a transaction runs under its own savepoint: when it fails (a unique key),
  // only it is undone and the transaction goes on, as in SQLite; PostgreSQL would otherwise refuse
  // every later statement of the transaction.
  const guarded = inTransaction && req.write;
  if (guarded) await c.query('SAVEPOINT rewind_statement');
  try {
    const r = await c.query({ name: req.name, text: req.sql, values: req.params });
    if (guarded) await c.query('RELEASE SAVEPOINT rewind_statement');
    return { rows: r.rows, rowCount: r.rowCount ?? 0 };
  } catch (err) {
    if (guarded && client === c) await c.query('ROLLBACK TO SAVEPOINT rewind_statement').catch(() => {});
    throw err;
  }
}

port.on('message', (req) => {
  handle(req).then(
    (result) => reply({ seq: req.seq, ok: true, rows: result.rows, rowCount: result.rowCount }),
    (err) => reply({ seq: req.seq, ok: false, error: describe(err) }),
  );
});

connection().catch(() => {});

function reply(message) {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}
`;
