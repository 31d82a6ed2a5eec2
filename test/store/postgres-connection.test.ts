/**
 * The PostgreSQL facade's own promises, beyond the repository contract the store tests hold both
 * stores to: parameters translated as better-sqlite3 reads them, a failing statement inside a
 * transaction undoing only itself (as in SQLite), a writer lock not had in time leaving nothing
 * open, and a lost database refused at once, then found again by itself.
 */
import { describe, expect, it } from 'vitest';
import { bindValues, translateParameters } from '../../src/store/postgres/parameters.ts';
import { PostgresDatabase } from '../../src/store/postgres/database.ts';
import { PostgresUnavailableError } from '../../src/store/postgres/sync-connection.ts';
import { PostgresProxy } from '../support/pg-proxy.ts';
import { STORE_KINDS, freshDatabase } from '../support/stores.ts';
import { storeRefusal } from '../../src/store/errors.ts';

describe('parameters', () => {
  it('numbers ? and @name outside quotes and comments, a repeated name once', () => {
    expect(translateParameters(`SELECT '?', "@x", @a, @b -- @c ?\n FROM t WHERE x = @a /* ? */`)).toEqual({
      text: `SELECT '?', "@x", $1, $2 -- @c ?\n FROM t WHERE x = $1 /* ? */`,
      layout: { kind: 'named', names: ['a', 'b'] },
    });
    expect(() => translateParameters('SELECT @a, ?')).toThrow('mixes ? and @name');
    expect(translateParameters(`SELECT ? , 'it''s ?', ?`)).toEqual({
      text: `SELECT $1 , 'it''s ?', $2`,
      layout: { kind: 'positional', count: 2 },
    });
  });

  it('refuses what better-sqlite3 refuses: a missing name, a wrong count, undefined, a boolean', () => {
    const named = translateParameters('SELECT @a, @b').layout;
    expect(bindValues(named, [{ a: 1, b: 'x', extra: 2 }], '')).toEqual([1, 'x']);
    expect(() => bindValues(named, [{ a: 1 }], '')).toThrow('Missing named parameter "b"');
    const two = translateParameters('SELECT ?, ?').layout;
    expect(() => bindValues(two, [1], '')).toThrow('Too few parameter values were provided');
    expect(() => bindValues(two, [1, undefined], '')).toThrow('undefined cannot be bound');
    expect(() => bindValues(two, [1, true], '')).toThrow(TypeError);
  });
});

describe.skipIf(!STORE_KINDS.includes('postgres'))('the PostgreSQL connection', () => {
  it('undoes only a failing statement inside a transaction, and reads integers and booleans as SQLite does', () => {
    const db = new PostgresDatabase({ url: freshDatabase('postgres').target });
    try {
      db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, n BIGINT)');
      const insert = db.prepare('INSERT INTO t (k, n) VALUES (?, ?)');
      const kept = db.transaction(() => {
        insert.run('a', 1);
        expect(() => insert.run('a', 2)).toThrow(/duplicate key/);
        insert.run('b', 2 ** 40);
        return db.prepare('SELECT count(*) AS n, max(n) AS big, max(n) > 1 AS more FROM t').get();
      })();
      expect(kept).toEqual({ n: 2, big: 2 ** 40, more: 1 });
    } finally {
      db.close();
    }
  });

  it('leaves no transaction open when the writer lock is not had in time', () => {
    const target = freshDatabase('postgres').target;
    const holder = new PostgresDatabase({ url: target });
    const waiter = new PostgresDatabase({ url: target, lockTimeoutMs: 200 });
    try {
      holder.transaction(() => {
        let refused: unknown;
        try {
          waiter.transaction(() => 1)();
        } catch (err) {
          refused = err;
        }
        expect(storeRefusal(refused)).toEqual({ reason: 'locked', code: '55P03' });
        // Nothing of the waiter's is left open on the server: its session holds no transaction.
        const { pid } = waiter.prepare('SELECT pg_backend_pid() AS pid').get() as { pid: number };
        expect(holder.prepare('SELECT state FROM pg_stat_activity WHERE pid = ?').get(pid)).toEqual({ state: 'idle' });
      })();
      expect(waiter.inTransaction).toBe(false);
      expect(waiter.transaction(() => waiter.prepare(`SELECT 2 AS two`).get())()).toEqual({ two: 2 });
    } finally {
      holder.close();
      waiter.close();
    }
  });

  it('refuses at once while the database is gone, and finds it again by itself', async () => {
    const proxy = await PostgresProxy.start();
    const db = new PostgresDatabase({ url: proxy.route(freshDatabase('postgres').target) });
    try {
      expect(db.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 });
      await proxy.cut();
      expect(() => db.prepare('SELECT 1 AS one').get()).toThrow(PostgresUnavailableError);
      const started = performance.now();
      expect(() => db.transaction(() => db.prepare('SELECT 1').get())()).toThrow(PostgresUnavailableError);
      expect(performance.now() - started).toBeLessThan(1_000);
      await proxy.restore();
      await expect
        .poll(
          () => {
            try {
              return db.prepare('SELECT 1 AS one').get();
            } catch {
              return null;
            }
          },
          { timeout: 20_000, interval: 200 },
        )
        .toEqual({ one: 1 });
    } finally {
      db.close();
      await proxy.stop();
    }
  });
});
