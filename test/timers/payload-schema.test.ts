import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../src/clock.ts';
import { TimerService, defineTimer, type TimerLog } from '../../src/services/timers.ts';
import { openStore, type Store } from '../../src/store/index.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MIN = 60_000;

const escalationTimer = defineTimer('escalation', z.object({ incidentId: z.string(), level: z.number() }));

let dir: string;
let clock: ManualClock;
let store: Store;
let timers: TimerService;
let errors: { obj: object; msg: string }[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rewind-timer-payloads-'));
  clock = new ManualClock(T0);
  store = openStore(path.join(dir, 'rewind.db'), { clock });
  errors = [];
  const log: TimerLog = { info: () => {}, warn: () => {}, error: (obj, msg) => errors.push({ obj, msg }) };
  timers = new TimerService({ repo: store.timers, clock, owner: 'test', log });
});
afterEach(async () => {
  await timers.stop();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("timer payloads are parsed with their kind's schema", () => {
  it('refuses a row whose payload lacks a field, naming the row, and does not call its handler', async () => {
    const seen: { incidentId: string; level: number }[] = [];
    timers.on(escalationTimer, (t) => {
      seen.push(t.payload);
    });
    // A row written by something other than schedule() (an older build, a hand edit): no level.
    const bad = store.timers.insert(
      { kind: 'escalation', key: 'escalation:INC-1:1', dueAt: T0 + MIN, payload: { incidentId: 'INC-1' } },
      T0,
    ).timer;
    timers.schedule({
      kind: escalationTimer,
      key: 'escalation:INC-2:1',
      dueAt: T0 + MIN,
      payload: { incidentId: 'INC-2', level: 1 },
    });

    clock.jumpTo(T0 + MIN);
    await timers.runDue();

    expect(seen).toEqual([{ incidentId: 'INC-2', level: 1 }]);
    const refused = store.timers.get(bad.id);
    expect(refused).toMatchObject({ status: 'failed', attempts: 1 });
    expect(refused?.lastError).toContain(`timers row ${bad.id}`);
    expect(refused?.lastError).toContain('level');
    expect(store.timers.getByKey('escalation:INC-2:1')?.status).toBe('done');
    expect(errors).toEqual([
      {
        msg: 'timer payload cannot be read; marked failed without running its handler',
        obj: expect.objectContaining({
          id: bad.id,
          timer: 'escalation:INC-1:1',
          err: expect.stringContaining('level'),
        }),
      },
    ]);

    // Failed for good: later runs neither call the handler nor log it again.
    clock.jumpTo(T0 + 30 * MIN);
    expect(await timers.runDue()).toBe(0);
    expect(seen).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });

  it('hands the handler the parsed payload: keys the schema does not know are left out', async () => {
    const seen: unknown[] = [];
    timers.on(escalationTimer, (t) => {
      seen.push(t.payload);
    });
    const payload = { incidentId: 'INC-3', level: 2, extra: true };
    store.timers.insert({ kind: 'escalation', key: 'escalation:INC-3:1', dueAt: T0, payload }, T0);
    expect(await timers.runDue()).toBe(1);
    expect(seen).toEqual([{ incidentId: 'INC-3', level: 2 }]);
  });
});
