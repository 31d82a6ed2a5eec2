/**
 * PostgreSQL lost while the bot runs (a network cut, a failover): /readyz says so, a command that
 * must save is told plainly that nothing was changed, nothing is half-done, and the bot goes on by
 * itself once the database is back. Needs REWIND_TEST_POSTGRES (test/support/stores.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK } from '../../../src/adapters/slack/ids.ts';
import { PostgresProxy } from '../../support/pg-proxy.ts';
import { eventually } from '../../support/run-cli.ts';
import { STORE_KINDS } from '../../support/stores.ts';
import { LEAD, startWorld, type World } from '../../support/world.ts';

const CANNOT_REACH =
  '⚠️ Rewind cannot reach its database (PostgreSQL) right now, so it can neither read nor save anything; nothing ' +
  'was changed. Try again in a minute.';

let world: World | undefined;
let proxy: PostgresProxy | undefined;
afterEach(async () => {
  await proxy?.restore();
  await world?.stop();
  await proxy?.stop();
  world = proxy = undefined;
});

const readyz = async (w: World) => {
  const res = await fetch(w.url.replace('/slack/events', '/readyz'));
  return {
    status: res.status,
    body: (await res.json()) as { checks: { name: string; ok: boolean; detail: string }[] },
  };
};
const answerAt = (w: World, url: string) => eventually(() => w.slack.responsesTo(url)[0]?.body, 10_000);

describe.skipIf(!STORE_KINDS.includes('postgres'))('PostgreSQL lost during operation', () => {
  it('is said by /readyz, refuses what must be saved, changes nothing, and recovers by itself', async () => {
    proxy = await PostgresProxy.start();
    const via = proxy;
    world = await startWorld({ store: 'postgres', databaseVia: (url) => via.route(url) });
    const w = world;
    const incident = await w.openIncident();
    expect((await readyz(w)).status).toBe(200);

    await via.cut();
    // The next heartbeat finds the database gone.
    await w.runUntil(() => false, { maxMs: 10_000 }).catch(() => undefined);
    const down = await eventually(async () => {
      const r = await readyz(w);
      return r.status === 503 ? r : undefined;
    });
    expect(down.body.checks.find((c) => c.name === 'database')).toMatchObject({ ok: false });
    expect(JSON.stringify(down.body)).toContain('PostgreSQL at 127.0.0.1');
    // Liveness stays: restarting the bot would not bring the database back (and a new one would not start).
    expect((await fetch(w.url.replace('/slack/events', '/healthz'))).status).toBe(200);

    // A read needs the database too: said as plainly.
    const statusUrl = w.slack.responseUrl();
    await w.command(LEAD, '/rollback', 'status', statusUrl);
    expect(await answerAt(w, statusUrl)).toEqual({ response_type: 'ephemeral', text: CANNOT_REACH });
    const clickUrl = w.slack.responseUrl();
    const started = Date.now();
    await w.act({
      user: LEAD,
      actionId: ACTION.acknowledge,
      value: incident.id,
      blockId: BLOCK.decisions,
      messageTs: incident.slackTs ?? '',
      responseUrl: clickUrl,
    });
    // Refused at once: the bot does not wait out a connect timeout per statement while the database is down.
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(await answerAt(w, clickUrl)).toEqual({
      response_type: 'ephemeral',
      replace_original: false,
      text: CANNOT_REACH,
    });

    await via.restore();
    const up = await eventually(async () => {
      await w.runUntil(() => false, { maxMs: 6_000 }).catch(() => undefined);
      const r = await readyz(w);
      return r.status === 200 ? r : undefined;
    });
    expect(up.status).toBe(200);
    // Nothing of the refused click was saved; the same click now works.
    expect(w.rewind.store.incidents.get(incident.id)?.acknowledgedAt).toBeNull();
    const again = w.slack.responseUrl();
    await w.act({
      user: LEAD,
      actionId: ACTION.acknowledge,
      value: incident.id,
      blockId: BLOCK.decisions,
      messageTs: incident.slackTs ?? '',
      responseUrl: again,
    });
    await eventually(() => w.rewind.store.incidents.get(incident.id)?.acknowledgedAt ?? undefined);
  });
});
