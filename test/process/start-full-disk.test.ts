/**
 * Starting while the database refuses writes (a full disk after kill -9: SQLITE_FULL at the store
 * boundary, test/support/refuse-writes.ts) must not be a refusal to start, which Kubernetes would
 * turn into a restart loop: the schema is current and reads work, so Rewind starts, answers what
 * it can, says on /readyz and /metrics why it is not ready, runs no timer, and recovers by itself
 * once writes work again — the escalation that came due meanwhile sent once, late.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { refuseWrites } from '../support/refuse-writes.ts';
import { eventually } from '../support/run-cli.ts';
import { LEAD, startWorld, T0, type World } from '../support/world.ts';

const MIN = 60_000;
let world: World | undefined;
let writesBack: (() => void) | undefined;
afterEach(async () => {
  writesBack?.();
  writesBack = undefined;
  await world?.stop();
  world = undefined;
});

const get = async (w: World, path: string) => {
  const res = await fetch(`http://127.0.0.1:${w.rewind.port}${path}`);
  return { status: res.status, text: await res.text() };
};
const dms = (w: World) =>
  w.slack
    .callsTo('chat.postMessage')
    .filter((c) => String(c.args.channel).startsWith('D0'))
    .map((c) => String(c.args.channel));

describe('a start while the database refuses writes', () => {
  it(
    'starts not ready, answers reads, runs no timer; recovers by itself and sends the escalation that came due ' +
      'once',
    async () => {
      world = await startWorld();
      const w = world;
      const incident = await w.openIncident();
      writesBack = refuseWrites(w.rewind.env.dbFile); // this file, for whichever connection opens it
      await w.restart();

      const ready = await get(w, '/readyz');
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.text).checks[0]).toEqual({
        name: 'database',
        ok: false,
        detail:
          `${w.rewind.env.dbFile} does not take writes since ${new Date(w.clock.now()).toISOString()} (SQLITE_FULL: ` +
          `database or disk is full); Rewind backs off and recovers by itself`,
      });
      expect((await get(w, '/healthz')).status).toBe(200); // alive: no restart loop
      expect((await get(w, '/metrics')).text).toMatch(/^rewind_store_writable 0$/m);
      expect((await w.command(LEAD, '/incident', 'list')).body.text).toContain(incident.id);

      // Level 1 (15 minutes) comes due: nothing can be recorded, so nothing runs.
      await w.runUntil(() => w.clock.now() >= T0 + 20 * MIN, { stepMs: 30_000, maxMs: 30 * MIN });
      expect(dms(w)).toEqual([]);

      writesBack();
      writesBack = undefined;
      await w.runUntil(() => dms(w).length === 2, { stepMs: 5_000, maxMs: 5 * MIN });
      expect(dms(w)).toEqual(['D0U0SENIOR1', 'D0U0SENIOR2']);
      await eventually(async () => ((await get(w, '/readyz')).status === 200 ? true : undefined), 10_000);
      expect((await get(w, '/metrics')).text).toMatch(/^rewind_store_writable 1$/m);
      // What start-up writes ran once writes came back: the next drill is armed.
      expect(w.rewind.store.timers.list({ kind: 'drill', status: 'pending' }).length).toBeGreaterThan(0);
      await w.runUntil(() => false, { stepMs: 30_000, maxMs: 5 * MIN }).catch(() => undefined);
      expect(dms(w)).toHaveLength(2);
    },
  );
});
