import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../src/services/clock.ts';
import { TimerService, type FiredTimer, type TimerLog } from '../../src/services/timers.ts';
import { openStore, type Store } from '../../src/store/index.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MIN = 60_000;

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
  timers.on('escalation', (t) => {
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
    first.timers.schedule({ kind: 'escalation', key: 'escalation:INC-1:1', dueAt: T0 + 15 * MIN, payload: { level: 1 } });
    first.timers.schedule({ kind: 'escalation', key: 'escalation:INC-1:2', dueAt: T0 + 30 * MIN, payload: { level: 2 } });
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
    expect(third.timers.schedule({ kind: 'escalation', key: 'escalation:INC-1:1', dueAt: T0 + 15 * MIN }).created).toBe(false);
    await clock.advance(MIN);
    expect(fired).toHaveLength(2);
  });

  it('returns a timer left firing by a dead process to pending only once its claim is older than the lease', async () => {
    const first = boot('first');
    first.timers.schedule({ kind: 'escalation', key: 'escalation:INC-2:1', dueAt: T0 + MIN });
    await shutdown();

    // A process claimed the timer at +1m and died before finishing the handler.
    {
      const store = openStore(file, { clock });
      const id = store.timers.getByKey('escalation:INC-2:1')!.id;
      expect(store.timers.claim(id, 'dead-process', T0 + MIN)).toMatchObject({ status: 'firing', claimedBy: 'dead-process' });
      store.close();
    }

    // Restart 2 minutes later: the claim may belong to a live peer still running the handler.
    clock.jumpTo(T0 + 3 * MIN);
    const early = boot('early');
    await clock.advance(MIN);
    expect(fired).toEqual([]);
    expect(early.store.timers.getByKey('escalation:INC-2:1')).toMatchObject({ status: 'firing', claimedBy: 'dead-process' });
    await shutdown();

    // Restart past the 5-minute lease: released and fired once, as a second attempt.
    clock.jumpTo(T0 + 7 * MIN);
    const late = boot('late');
    await settle();
    expect(fired.map((t) => [t.key, t.attempt, t.lateMs])).toEqual([['escalation:INC-2:1', 2, 6 * MIN]]);
    expect(late.store.timers.getByKey('escalation:INC-2:1')).toMatchObject({ status: 'done', claimedBy: 'late' });
    expect(warnings).toEqual([
      'timer was left firing by a process that stopped; it will run again (its handler may have run already)',
    ]);

    await clock.advance(30 * MIN);
    expect(fired).toHaveLength(1);
  });

  it('a running instance takes over the stale claim of a peer that died, after the lease', async () => {
    const survivor = boot('survivor');
    survivor.timers.schedule({ kind: 'escalation', key: 'escalation:INC-3:1', dueAt: T0 + MIN });
    // The dead peer won the claim at +1m, before the survivor's loop looked.
    const id = survivor.store.timers.getByKey('escalation:INC-3:1')!.id;
    clock.jumpTo(T0 + MIN);
    expect(survivor.store.timers.claim(id, 'peer', T0 + MIN)).not.toBeNull();

    await clock.advance(5 * MIN);
    expect(fired).toEqual([]);
    await clock.advance(6 * MIN);
    expect(fired.map((t) => [t.key, t.attempt])).toEqual([['escalation:INC-3:1', 2]]);
    expect(survivor.store.timers.getByKey('escalation:INC-3:1')).toMatchObject({ status: 'done', claimedBy: 'survivor' });
  });
});
