import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock, settle } from '../../src/clock.ts';
import { TimerService, defineTimer, type FiredTimer, type TimerLog } from '../../src/services/timers.ts';
import { openStore, type Store } from '../../src/store/index.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MIN = 60_000;

/** Any JSON as payload: these tests are about firing, not about payloads. */
const escalation = defineTimer('escalation', z.unknown());

let dir: string;
let file: string;
let clock: ManualClock;
let running: { store: Store; timers: TimerService } | null = null;
let fired: FiredTimer[];
let warnings: string[];

const log: TimerLog = {
  info: () => {},
  warn: (_obj, msg) => warnings.push(msg),
  error: () => {},
};

/** One process lifetime: open the file, register the handler, start the loop. */
function boot(owner: string, extra: Partial<ConstructorParameters<typeof TimerService>[0]> = {}) {
  const store = openStore(file, { clock });
  const timers = new TimerService({ repo: store.timers, clock, owner, log, ...extra });
  timers.on(escalation, (t) => {
    fired.push(t);
  });
  timers.start();
  running = { store, timers };
  return running;
}

/** The process goes away: loop stopped, database closed. */
async function shutdown(): Promise<void> {
  if (!running) return;
  await running.timers.stop();
  running.store.close();
  running = null;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rewind-restart-'));
  file = path.join(dir, 'rewind.db');
  clock = new ManualClock(T0);
  fired = [];
  warnings = [];
});
afterEach(async () => {
  await shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('restart', () => {
  it('fires a timer that came due while the process was down right after start, once, and says how late', async () => {
    const first = boot('first');
    first.timers.schedule({ kind: escalation, key: 'escalation:INC-1:1', dueAt: T0 + 15 * MIN, payload: { level: 1 } });
    first.timers.schedule({ kind: escalation, key: 'escalation:INC-1:2', dueAt: T0 + 30 * MIN, payload: { level: 2 } });
    await clock.advance(5 * MIN);
    await shutdown();

    clock.jumpTo(T0 + 20 * MIN); // down from +5m to +20m: level 1 came due at +15m
    boot('second');
    await settle();
    expect(fired.map((t) => [t.key, t.firedAt, t.lateMs])).toEqual([['escalation:INC-1:1', T0 + 20 * MIN, 5 * MIN]]);

    // Level 2 is still on time.
    await clock.advance(10 * MIN);
    expect(fired.map((t) => [t.key, t.firedAt, t.lateMs])).toEqual([
      ['escalation:INC-1:1', T0 + 20 * MIN, 5 * MIN],
      ['escalation:INC-1:2', T0 + 30 * MIN, 0],
    ]);
    await shutdown();

    // Another restart, much later: nothing fires again.
    clock.jumpTo(T0 + 3 * 60 * MIN);
    const third = boot('third');
    await clock.advance(60 * MIN);
    expect(fired).toHaveLength(2);
    // Scheduling the same levels again after the restart (an "ensure" on boot) does not re-arm them.
    const again = third.timers.schedule({ kind: escalation, key: 'escalation:INC-1:1', dueAt: T0 + 15 * MIN });
    expect(again.created).toBe(false);
    await clock.advance(MIN);
    expect(fired).toHaveLength(2);
  });

  it("takes over at once a timer left firing by a gone process, and leaves a live peer's claim alone", async () => {
    const first = boot('first');
    first.timers.schedule({ kind: escalation, key: 'escalation:INC-2:1', dueAt: T0 + MIN });
    first.timers.schedule({ kind: escalation, key: 'escalation:INC-2:2', dueAt: T0 + MIN });
    await shutdown();

    // At +1m two processes claimed one timer each: `live-peer` is still beating, `killed` died
    // (kill -9: its heartbeat row stays behind and goes stale, as does a process that never beat).
    {
      const store = openStore(file, { clock });
      store.timers.beat('killed', T0 + MIN);
      store.timers.beat('live-peer', T0 + MIN);
      expect(store.timers.claim(store.timers.getByKey('escalation:INC-2:1')!.id, 'killed', T0 + MIN)).toMatchObject({
        status: 'firing',
      });
      expect(store.timers.claim(store.timers.getByKey('escalation:INC-2:2')!.id, 'live-peer', T0 + MIN)).toMatchObject({
        status: 'firing',
      });
      store.close();
    }

    // The restart comes 10 s later: both heartbeats are fresh; neither claim is taken yet.
    clock.jumpTo(T0 + MIN + 10_000);
    const next = boot('next');
    await settle();
    expect(fired).toEqual([]);
    // The live peer keeps beating; the killed one does not. Seconds later the dead claim is taken over.
    for (let t = 0; t < 30_000; t += 5_000) {
      next.store.timers.beat('live-peer', clock.now());
      await clock.advance(5_000);
    }
    expect(fired.map((t) => [t.key, t.attempt])).toEqual([['escalation:INC-2:1', 2]]);
    expect(next.store.timers.getByKey('escalation:INC-2:1')).toMatchObject({ status: 'done', claimedBy: 'next' });
    expect(next.store.timers.getByKey('escalation:INC-2:2')).toMatchObject({
      status: 'firing',
      claimedBy: 'live-peer',
    });
    expect(warnings).toEqual([
      'timer was left firing by a process that is gone; it runs again now (its handler may have run already)',
    ]);

    // A peer that hangs in its handler while beating is overtaken after the 5-minute lease.
    for (let t = 0; t < 6 * MIN; t += 5_000) {
      next.store.timers.beat('live-peer', clock.now());
      await clock.advance(5_000);
    }
    expect(fired.map((t) => t.key)).toEqual(['escalation:INC-2:1', 'escalation:INC-2:2']);
  });

  it('a restart on this host takes over its killed predecessor’s claims immediately (no heartbeat wait)', async () => {
    const first = boot('first');
    first.timers.schedule({ kind: escalation, key: 'escalation:INC-3:1', dueAt: T0 + MIN });
    await shutdown();
    // The predecessor ran on this host as a process that no longer exists, and beat just now.
    const gone = `${os.hostname()}:${2 ** 22 + 12345}:deadbeef`;
    {
      const store = openStore(file, { clock });
      clock.jumpTo(T0 + MIN);
      store.timers.beat(gone, T0 + MIN);
      store.timers.claim(store.timers.getByKey('escalation:INC-3:1')!.id, gone, T0 + MIN);
      store.close();
    }
    boot('restarted');
    await settle();
    expect(fired.map((t) => [t.key, t.attempt, t.lateMs])).toEqual([['escalation:INC-3:1', 2, 0]]);
  });

  it('a running instance takes over the claim of a peer that died, seconds after its heartbeat stops', async () => {
    const survivor = boot('survivor');
    survivor.timers.schedule({ kind: escalation, key: 'escalation:INC-4:1', dueAt: T0 + MIN });
    // The peer beat and won the claim at +1m, before the survivor's loop looked; then it died.
    const id = survivor.store.timers.getByKey('escalation:INC-4:1')!.id;
    clock.jumpTo(T0 + MIN);
    survivor.store.timers.beat('peer', T0 + MIN);
    expect(survivor.store.timers.claim(id, 'peer', T0 + MIN)).not.toBeNull();

    await clock.advance(15_000);
    expect(fired).toEqual([]);
    await clock.advance(15_000);
    expect(fired.map((t) => [t.key, t.attempt])).toEqual([['escalation:INC-4:1', 2]]);
    expect(survivor.store.timers.getByKey('escalation:INC-4:1')).toMatchObject({
      status: 'done',
      claimedBy: 'survivor',
    });
  });
});
