import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStores, freshDatabase, type TestDatabase } from '../support/stores.ts';
import { z } from 'zod';
import { ManualClock, settle } from '../../src/clock.ts';
import {
  TimerService,
  defineTimer,
  type FiredTimer,
  type TimerLog,
  type TimerServiceOptions,
} from '../../src/services/timers.ts';
import { openStore, type Store } from '../../src/store/index.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MIN = 60_000;

/** A kind whose payload may be any JSON: these tests are about firing, not about payloads. */
const anyTimer = (name: string) => defineTimer(name, z.unknown());

let database: TestDatabase;
let clock: ManualClock;
let store: Store;
const services: TimerService[] = [];

interface LogLine {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

function recordingLog(lines: LogLine[]): TimerLog {
  return {
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  };
}

function service(options: Partial<TimerServiceOptions> = {}): TimerService {
  const s = new TimerService({ repo: store.timers, clock, owner: 'test', ...options });
  services.push(s);
  return s;
}

beforeEach(() => {
  clock = new ManualClock(T0);
});
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  store.close();
});

describeStores('timers', (kind) => {
  beforeEach(() => {
    database = freshDatabase(kind);
    store = openStore(database.target, { clock });
  });

  describe('firing', () => {
    it('fires each timer exactly once, in due order, at its due time', async () => {
      const timers = service();
      const fired: FiredTimer[] = [];
      timers.on(anyTimer('escalation'), (t) => {
        fired.push(t);
      });
      timers.schedule({ kind: anyTimer('escalation'), key: 'esc:c', dueAt: T0 + 15 * MIN, payload: { level: 3 } });
      timers.schedule({ kind: anyTimer('escalation'), key: 'esc:a', dueAt: T0 + 1 * MIN, payload: { level: 1 } });
      timers.schedule({ kind: anyTimer('escalation'), key: 'esc:b', dueAt: T0 + 5 * MIN, payload: { level: 2 } });
      timers.start();

      await clock.advance(16 * MIN);
      expect(fired.map((t) => [t.key, t.firedAt, t.lateMs, t.attempt, t.payload])).toEqual([
        ['esc:a', T0 + 1 * MIN, 0, 1, { level: 1 }],
        ['esc:b', T0 + 5 * MIN, 0, 1, { level: 2 }],
        ['esc:c', T0 + 15 * MIN, 0, 1, { level: 3 }],
      ]);
      expect(store.timers.list().map((t) => [t.key, t.status, t.firedAt, t.attempts])).toEqual([
        ['esc:a', 'done', T0 + 1 * MIN, 1],
        ['esc:b', 'done', T0 + 5 * MIN, 1],
        ['esc:c', 'done', T0 + 15 * MIN, 1],
      ]);

      await clock.advance(60 * MIN);
      expect(fired).toHaveLength(3);
    });

    // SQLite's pace; PostgreSQL's claim rate is a figure of `npm run bench` (a round trip per statement).
    it.skipIf(kind === 'postgres')('runs 30 minutes of virtual time without waiting for them', async () => {
      const timers = service();
      const firedAt: number[] = [];
      timers.on(anyTimer('tick'), (t) => {
        firedAt.push(t.firedAt);
      });
      for (let m = 1; m <= 30; m++) timers.schedule({ kind: anyTimer('tick'), key: `tick:${m}`, dueAt: T0 + m * MIN });
      timers.start();

      const started = performance.now();
      await clock.advance(30 * MIN);
      const elapsed = performance.now() - started;

      expect(firedAt).toEqual(Array.from({ length: 30 }, (_, i) => T0 + (i + 1) * MIN));
      // Milliseconds on an idle machine; the ceiling is generous for a busy one, and still far below the
      // 30 real minutes a timer that read the wall clock would take. (Speed is measured in bench/.)
      expect(elapsed).toBeLessThan(60_000);
    });

    it('fires timers due at the same instant in the order they were scheduled', async () => {
      const timers = service();
      const keys: string[] = [];
      timers.on(anyTimer('k'), (t) => {
        keys.push(t.key);
      });
      for (const key of ['z', 'a', 'm']) timers.schedule({ kind: anyTimer('k'), key, dueAt: T0 + MIN });
      await clock.advance(MIN);
      expect(await timers.runDue()).toBe(3);
      expect(keys).toEqual(['z', 'a', 'm']);
    });

    it('wakes early when a timer is scheduled sooner than the next poll', async () => {
      const timers = service({ pollMs: 10 * MIN });
      const fired: number[] = [];
      timers.on(anyTimer('soon'), (t) => {
        fired.push(t.firedAt);
      });
      timers.start();
      await settle();
      timers.schedule({ kind: anyTimer('soon'), key: 'soon:1', dueAt: T0 + 10_000 });
      await clock.advance(10_000);
      expect(fired).toEqual([T0 + 10_000]);
    });

    it('runDue without the loop fires what is due and reports how many ran', async () => {
      const timers = service();
      const seen: unknown[] = [];
      timers.on(anyTimer('k'), (t) => {
        seen.push(t.payload);
      });
      timers.schedule({ kind: anyTimer('k'), key: 'now', dueAt: T0, payload: { a: [1, 2] } });
      timers.schedule({ kind: anyTimer('k'), key: 'later', dueAt: T0 + 1 });
      expect(await timers.runDue()).toBe(1);
      expect(seen).toEqual([{ a: [1, 2] }]);
      expect(await timers.runDue()).toBe(0);
    });

    it('stop waits for the handler in flight', async () => {
      const timers = service();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let finished = false;
      timers.on(anyTimer('slow'), async () => {
        await gate;
        finished = true;
      });
      timers.schedule({ kind: anyTimer('slow'), key: 'slow:1', dueAt: T0 + MIN });
      timers.start();
      await clock.advance(MIN);
      expect(store.timers.getByKey('slow:1')?.status).toBe('firing');

      let stopped = false;
      const stopping = timers.stop().then(() => (stopped = true));
      await settle();
      expect(stopped).toBe(false);
      release();
      await stopping;
      expect(finished).toBe(true);
      expect(store.timers.getByKey('slow:1')?.status).toBe('done');
    });
  });

  describe('schedule, reschedule and cancel', () => {
    it('is idempotent by key: an existing timer is returned unchanged, even after it fired', async () => {
      const timers = service();
      let calls = 0;
      timers.on(anyTimer('k'), () => {
        calls++;
      });
      const first = timers.schedule({ kind: anyTimer('k'), key: 'once', dueAt: T0 + MIN, payload: { v: 1 } });
      const again = timers.schedule({ kind: anyTimer('k'), key: 'once', dueAt: T0 + 2 * MIN, payload: { v: 2 } });
      expect(first.created).toBe(true);
      expect(again.created).toBe(false);
      expect(again.timer).toEqual(first.timer);

      timers.start();
      await clock.advance(MIN);
      expect(calls).toBe(1);
      const afterFiring = timers.schedule({ kind: anyTimer('k'), key: 'once', dueAt: T0 + 3 * MIN });
      expect(afterFiring.created).toBe(false);
      expect(afterFiring.timer.status).toBe('done');
      await clock.advance(10 * MIN);
      expect(calls).toBe(1);
    });

    it('cancels by key; a cancelled timer never fires', async () => {
      const timers = service();
      const keys: string[] = [];
      timers.on(anyTimer('k'), (t) => {
        keys.push(t.key);
      });
      timers.schedule({ kind: anyTimer('k'), key: 'a', dueAt: T0 + MIN });
      timers.schedule({ kind: anyTimer('k'), key: 'b', dueAt: T0 + 2 * MIN });
      expect(timers.cancel('a')).toBe(true);
      expect(timers.cancel('a')).toBe(false);
      expect(timers.cancel('never-scheduled')).toBe(false);
      timers.start();
      await clock.advance(5 * MIN);
      expect(keys).toEqual(['b']);
      expect(store.timers.getByKey('a')?.status).toBe('cancelled');
      expect(timers.cancel('b')).toBe(false); // already fired
    });

    it('cancels every pending timer of a kind under a key prefix, and nothing else', async () => {
      const timers = service();
      const keys: string[] = [];
      timers.on(anyTimer('escalation'), (t) => {
        keys.push(t.key);
      });
      timers.on(anyTimer('reminder'), (t) => {
        keys.push(t.key);
      });
      timers.schedule({ kind: anyTimer('escalation'), key: 'escalation:INC-1:1', dueAt: T0 + 15 * MIN });
      timers.schedule({ kind: anyTimer('escalation'), key: 'escalation:INC-1:2', dueAt: T0 + 30 * MIN });
      timers.schedule({ kind: anyTimer('escalation'), key: 'escalation:INC-10:1', dueAt: T0 + 15 * MIN });
      timers.schedule({ kind: anyTimer('reminder'), key: 'escalation:INC-1:postmortem', dueAt: T0 + 20 * MIN });
      // LIKE wildcards in the prefix are taken literally.
      timers.schedule({ kind: anyTimer('escalation'), key: 'escalation:INCx1:1', dueAt: T0 + 15 * MIN });
      expect(timers.cancelWhere('escalation', 'escalation:INC_1:')).toBe(0);
      expect(timers.cancelWhere('escalation', 'escalation:INC-1:')).toBe(2);
      timers.start();
      await clock.advance(31 * MIN);
      expect(keys.sort()).toEqual(['escalation:INC-10:1', 'escalation:INC-1:postmortem', 'escalation:INCx1:1']);
    });

    it('reschedule moves a pending timer and re-arms a fired one on purpose', async () => {
      const timers = service();
      const fired: [string, number, number][] = [];
      timers.on(anyTimer('k'), (t) => {
        fired.push([t.key, t.firedAt, t.dueAt]);
      });
      timers.schedule({ kind: anyTimer('k'), key: 'planned', dueAt: T0 + MIN, payload: { at: 1 } });
      const moved = timers.reschedule('planned', T0 + 3 * MIN, { kind: anyTimer('k'), payload: { at: 3 } });
      expect(moved?.dueAt).toBe(T0 + 3 * MIN);
      expect(timers.reschedule('missing', T0)).toBeNull();
      timers.start();
      await clock.advance(3 * MIN);
      expect(fired).toEqual([['planned', T0 + 3 * MIN, T0 + 3 * MIN]]);
      expect(store.timers.getByKey('planned')?.payload).toEqual({ at: 3 });

      timers.reschedule('planned', T0 + 5 * MIN);
      await clock.advance(2 * MIN);
      expect(fired).toEqual([
        ['planned', T0 + 3 * MIN, T0 + 3 * MIN],
        ['planned', T0 + 5 * MIN, T0 + 5 * MIN],
      ]);
    });
  });

  describe('failures', () => {
    it('retries a failing handler with backoff, then gives up after 5 attempts', async () => {
      const lines: LogLine[] = [];
      const timers = service({ log: recordingLog(lines), retryBaseMs: 5000 });
      const attempts: [number, number][] = [];
      timers.on(anyTimer('flaky'), (t) => {
        attempts.push([t.attempt, t.firedAt]);
        throw new Error(`Slack said 500 on attempt ${t.attempt}`);
      });
      timers.schedule({ kind: anyTimer('flaky'), key: 'flaky:1', dueAt: T0 + MIN });
      timers.start();
      await clock.advance(10 * MIN);

      const due = T0 + MIN;
      expect(attempts).toEqual([
        [1, due],
        [2, due + 5000],
        [3, due + 15_000],
        [4, due + 35_000],
        [5, due + 75_000],
      ]);
      const row = store.timers.getByKey('flaky:1');
      expect(row).toMatchObject({ status: 'failed', attempts: 5, dueAt: due, firedAt: due + 75_000 });
      expect(row?.lastError).toContain('Slack said 500 on attempt 5');
      expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual(
        Array(4).fill('timer handler failed; will retry'),
      );
      expect(lines.filter((l) => l.level === 'error')).toEqual([
        expect.objectContaining({
          msg: 'timer failed 5 times; giving up',
          obj: expect.objectContaining({ timer: 'flaky:1' }),
        }),
      ]);
    });

    it('succeeds on a retry and reports how late the retry is', async () => {
      const timers = service({ retryBaseMs: 1000 });
      const seen: [number, number][] = [];
      timers.on(anyTimer('k'), (t) => {
        seen.push([t.attempt, t.lateMs]);
        if (t.attempt < 3) throw new Error('not yet');
      });
      timers.schedule({ kind: anyTimer('k'), key: 'k:1', dueAt: T0 + MIN });
      timers.start();
      await clock.advance(2 * MIN);
      expect(seen).toEqual([
        [1, 0],
        [2, 1000],
        [3, 3000],
      ]);
      expect(store.timers.getByKey('k:1')).toMatchObject({ status: 'done', attempts: 3, lastError: null });
    });

    it('leaves a kind without handler pending, says so once, and fires it once a handler exists', async () => {
      const lines: LogLine[] = [];
      const timers = service({ log: recordingLog(lines) });
      timers.schedule({ kind: anyTimer('mystery'), key: 'm:1', dueAt: T0 + MIN });
      timers.schedule({ kind: anyTimer('mystery'), key: 'm:2', dueAt: T0 + MIN });
      timers.start();
      await clock.advance(5 * MIN);
      expect(store.timers.list({ kind: 'mystery' }).map((t) => [t.status, t.attempts])).toEqual([
        ['pending', 0],
        ['pending', 0],
      ]);
      expect(lines).toEqual([
        {
          level: 'warn',
          obj: { kind: 'mystery', count: 2 },
          msg: 'timers of kind mystery are due but no handler is registered; they stay pending',
        },
      ]);

      const fired: [string, number][] = [];
      timers.on(anyTimer('mystery'), (t) => {
        fired.push([t.key, t.lateMs]);
      });
      await clock.advance(1000);
      expect(fired).toEqual([
        ['m:1', 4 * MIN + 1000],
        ['m:2', 4 * MIN + 1000],
      ]);
    });

    it(
      'keeps the loop alive while the database fails, backing off and logging once a minute, and catches up when it ' +
        'is ' +
        'back',
      async () => {
        const lines: LogLine[] = [];
        const failing = { ...store.timers };
        let broken = true;
        let tries = 0;
        failing.due = (...args) => {
          if (broken) {
            tries++;
            throw new Error('SQLITE_FULL: database or disk is full');
          }
          return store.timers.due(...args);
        };
        const timers = service({ repo: failing, log: recordingLog(lines) });
        const fired: number[] = [];
        timers.on(anyTimer('k'), (t) => {
          fired.push(t.firedAt);
        });
        timers.schedule({ kind: anyTimer('k'), key: 'k:1', dueAt: T0 });
        timers.start();
        await clock.advance(5 * MIN);
        // Tries at +0, 1, 3, 7, 15, 31 s, then every 30 s: about 15 in five minutes, never a spin.
        expect(tries).toBeGreaterThanOrEqual(10);
        expect(tries).toBeLessThanOrEqual(16);
        const errors = lines.filter((l) => l.level === 'error');
        expect(errors.map((e) => e.msg)).toEqual(Array(5).fill('timer loop: run failed; backing off and trying again'));
        expect(fired).toEqual([]);

        broken = false;
        await clock.advance(30_000);
        expect(fired).toHaveLength(1);
        expect(lines.some((l) => l.level === 'info' && l.msg.includes('answers again'))).toBe(true);
      },
    );

    it('a timer whose outcome the DB refused to record is not rerun: the outcome is written once it can', async () => {
      const failing = { ...store.timers };
      let full = true;
      failing.markDone = (...args) => {
        if (full) throw new Error('SQLITE_FULL: database or disk is full');
        return store.timers.markDone(...args);
      };
      const timers = service({ repo: failing });
      let runs = 0;
      timers.on(anyTimer('k'), () => {
        runs++;
      });
      timers.schedule({ kind: anyTimer('k'), key: 'k:1', dueAt: T0 });
      timers.start();
      await clock.advance(MIN);
      expect(runs).toBe(1);
      expect(store.timers.getByKey('k:1')?.status).toBe('firing');
      full = false;
      await clock.advance(MIN);
      expect(runs).toBe(1);
      expect(store.timers.getByKey('k:1')?.status).toBe('done');
    });

    it('refuses a second handler for a kind and nonsense options', () => {
      const timers = service();
      timers.on(anyTimer('k'), () => {});
      expect(() => timers.on(anyTimer('k'), () => {})).toThrow('timer kind k already has a handler');
      expect(() => new TimerService({ repo: store.timers, clock, pollMs: 0 })).toThrow(/pollMs must be positive/);
      expect(() => new TimerService({ repo: store.timers, clock, maxAttempts: 0 })).toThrow(
        /maxAttempts must be at least 1/,
      );
    });
  });

  describe('lanes', () => {
    it(
      "a handler that hangs holds its own lane only: another rollback's step runs meanwhile, one lane stays in " +
        'order',
      async () => {
        const s = service();
        const order: string[] = [];
        let release: () => void = () => {};
        const held = new Promise<void>((r) => (release = r));
        s.on(anyTimer('rollback'), async (t) => {
          order.push(`start ${t.key}`);
          if (t.key === 'rollback:RB-1:s2') await held; // a cluster that does not answer
          order.push(`end ${t.key}`);
        });
        s.schedule({ kind: anyTimer('rollback'), key: 'rollback:RB-1:s2', dueAt: T0 + MIN });
        s.schedule({ kind: anyTimer('rollback'), key: 'rollback:RB-1:s3', dueAt: T0 + MIN });
        s.schedule({ kind: anyTimer('rollback'), key: 'rollback:RB-2:s2', dueAt: T0 + MIN });
        s.start();
        await clock.advance(MIN);
        for (let turns = 0; !order.includes('end rollback:RB-2:s2') && turns < 10_000; turns++) await settle(1);
        expect(order).toEqual(['start rollback:RB-1:s2', 'start rollback:RB-2:s2', 'end rollback:RB-2:s2']);
        release();
        for (let turns = 0; !order.includes('end rollback:RB-1:s3') && turns < 10_000; turns++) await settle(1);
        expect(order.slice(3)).toEqual(['end rollback:RB-1:s2', 'start rollback:RB-1:s3', 'end rollback:RB-1:s3']);
      },
    );

    it('keeps beating its heartbeat while a handler hangs, so no peer takes its claim', async () => {
      const s = service({ owner: 'busy' });
      let release: () => void = () => {};
      s.on(anyTimer('rollback'), () => new Promise<void>((r) => (release = r)));
      s.schedule({ kind: anyTimer('rollback'), key: 'rollback:RB-1:s2', dueAt: T0 });
      s.start();
      await clock.advance(2 * MIN); // far past the 20 s after which a silent peer is dead
      expect(store.timers.runner('busy')?.beatAt).toBeGreaterThanOrEqual(T0 + 2 * MIN - 5_000);
      const peer = service({ owner: 'peer' });
      peer.on(anyTimer('rollback'), () => {
        throw new Error('the peer must not run a timer that is still running');
      });
      peer.start();
      await clock.advance(30_000);
      expect(store.timers.getByKey('rollback:RB-1:s2')).toMatchObject({ status: 'firing', claimedBy: 'busy' });
      release();
    });
  });
});
