import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStores, freshDatabase, type TestDatabase } from '../support/stores.ts';
import { z } from 'zod';
import { ManualClock, settle } from '../../src/clock.ts';
import { TimerService, defineTimer } from '../../src/services/timers.ts';
import { openStore, type Store } from '../../src/store/index.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MIN = 60_000;

/** A kind whose payload may be any JSON: these tests are about firing, not about payloads. */
const anyTimer = (name: string) => defineTimer(name, z.unknown());

let database: TestDatabase;
let clock: ManualClock;
let stores: Store[];
let services: TimerService[];

beforeEach(() => {
  clock = new ManualClock(T0);
  stores = [];
  services = [];
});
afterEach(async () => {
  for (const s of services) await s.stop();
  for (const s of stores) s.close();
});

function connect(): Store {
  const store = openStore(database.target, { clock });
  stores.push(store);
  return store;
}

describeStores('timer claims', (kind) => {
  beforeEach(() => {
    database = freshDatabase(kind);
  });

  describe('two instances on one database file', () => {
    it('fire each of 200 timers exactly once between them', async () => {
      const a = connect();
      const b = connect();
      const calls = new Map<string, string[]>();
      const instances = (['A', 'B'] as const).map((owner, i) => {
        // One lane at a time, so the two loops interleave timer by timer and really compete.
        const timers = new TimerService({ repo: (i === 0 ? a : b).timers, clock, owner, concurrency: 1 });
        timers.on(anyTimer('job'), async (t) => {
          calls.set(t.key, [...(calls.get(t.key) ?? []), owner]);
          // Yield inside the handler so the other instance's loop runs while this one holds a claim.
          await new Promise<void>((resolve) => setImmediate(resolve));
        });
        services.push(timers);
        return timers;
      });

      for (let i = 0; i < 200; i++) {
        // Clusters of timers due at the same instant, spread over ten minutes, half scheduled by each.
        const scheduler = instances[i % 2]!;
        scheduler.schedule({ kind: anyTimer('job'), key: `job:${i}`, dueAt: T0 + (i % 20) * 30_000 + 1 });
      }
      for (const s of instances) s.start();
      await clock.advance(11 * MIN);
      // Each loop gives incoming work a turn of the event loop between timers: let them finish.
      for (let turns = 0; a.timers.list({ status: 'done' }).length < 200 && turns < 100_000; turns++) await settle(1);

      expect(calls.size).toBe(200);
      const repeated = [...calls].filter(([, owners]) => owners.length !== 1);
      expect(repeated).toEqual([]);
      const byOwner = { A: 0, B: 0 };
      for (const [, owners] of calls) byOwner[owners[0] as 'A' | 'B']++;
      // Both really competed: each won some.
      expect(byOwner.A).toBeGreaterThan(0);
      expect(byOwner.B).toBeGreaterThan(0);
      expect(a.timers.list({ status: 'done' })).toHaveLength(200);
    });

    it('let only one connection claim a timer', () => {
      const a = connect();
      const b = connect();
      const { timer } = a.timers.insert({ kind: 'job', key: 'job:1', dueAt: T0 }, T0);
      expect(b.timers.claim(timer.id, 'B', T0)).toMatchObject({ claimedBy: 'B', attempts: 1 });
      expect(a.timers.claim(timer.id, 'A', T0)).toBeNull();
      // Only the owner of the claim can finish it.
      expect(a.timers.markDone(timer.id, 'A', T0)).toBe(false);
      expect(b.timers.markDone(timer.id, 'B', T0)).toBe(true);
      expect(a.timers.getByKey('job:1')).toMatchObject({ status: 'done', claimedBy: 'B', firedAt: T0 });
    });

    it('refuses to claim a timer before it is due or after it was cancelled', () => {
      const a = connect();
      const { timer } = a.timers.insert({ kind: 'job', key: 'job:2', dueAt: T0 + MIN }, T0);
      expect(a.timers.claim(timer.id, 'A', T0)).toBeNull();
      expect(a.timers.cancel('job:2', T0)).toBe(true);
      expect(a.timers.claim(timer.id, 'A', T0 + MIN)).toBeNull();
    });
  });
});
