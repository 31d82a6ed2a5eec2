/**
 * Escalation as people see it, on a compressed clock: the thread mention, the
 * head message marked, and a direct message to each person — exactly once per level, across
 * restarts, and never after the incident is resolved.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { describeStores } from '../../support/stores.ts';
import { startWorld, T0, textOf, type World } from '../../support/world.ts';

const MIN = 60_000;
let world: World;
afterEach(async () => world?.stop());

/** Direct messages sent, as [user, text], in order. */
function dms(w: World): Array<[string, string]> {
  return (
    w.slack
      .callsTo('chat.postMessage')
      .filter((c) => String(c.args.channel).startsWith('D0'))
      // the stand-in's DM channel is D0 + the user id
      .map((c) => [String(c.args.channel).replace(/^D0/, ''), String(c.args.text)])
  );
}
const mentions = (w: World, ts: string) =>
  w.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.thread_ts === ts)
    .map(textOf)
    .filter((t) => t.includes('Escalation level'));

describeStores('escalation', (store) => {
  describe('escalation through Slack', () => {
    it('fires at 15 and 30 minutes exactly once each: thread mention, head marked, DMs to every person', async () => {
      world = await startWorld({ store });
      const incident = await world.openIncident();
      await world.runUntil(() => world.clock.now() >= T0 + 45 * MIN, { stepMs: 30_000, maxMs: 60 * MIN });
      const ts = incident.slackTs ?? '';
      const notes = mentions(world, ts);
      expect(notes).toHaveLength(2);
      expect(notes[0]).toContain('<!subteam^S0SENIOR>');
      expect(notes[1]).toContain('<@U0MANAGER>');
      expect(dms(world).map(([u]) => u)).toEqual(['U0SENIOR1', 'U0SENIOR2', 'U0MANAGER']);
      expect(dms(world)[0]?.[1]).toContain(incident.id);
      // Said the way a person would: the incident is escalated to them, in the level's name.
      expect(dms(world)[2]?.[1]).toContain(`${incident.id} (${incident.service}) is escalated to you as *Manager*: `);
      expect(dms(world)[0]?.[1]).toContain('https://rewind-test.slack.com/archives/C0INCIDENT/p');
      expect(world.slack.callsTo('conversations.open').map((c) => c.args.users)).toEqual([
        'U0SENIOR1',
        'U0SENIOR2',
        'U0MANAGER',
      ]);
      expect(textOf(world.slack.callsTo('chat.update').at(-1))).toContain('Manager');
    });

    it('resolved at minute 20: the 30-minute level never fires', async () => {
      world = await startWorld({ store });
      const incident = await world.openIncident();
      await world.runUntil(() => world.clock.now() >= T0 + 20 * MIN, { stepMs: 30_000 });
      world.rewind.services.incidents.resolve(incident.id, { kind: 'user', id: 'U0LEAD' });
      await world.runUntil(() => world.clock.now() >= T0 + 60 * MIN, { stepMs: 60_000, maxMs: 60 * MIN });
      expect(mentions(world, incident.slackTs ?? '')).toHaveLength(1);
      expect(dms(world).map(([u]) => u)).toEqual(['U0SENIOR1', 'U0SENIOR2']);
    });

    it('restart at minute 14 and again at minute 16: the 15-minute level fired exactly once', async () => {
      world = await startWorld({ store });
      const incident = await world.openIncident();
      await world.runUntil(() => world.clock.now() >= T0 + 14 * MIN, { stepMs: 30_000 });
      await world.restart();
      await world.runUntil(() => world.clock.now() >= T0 + 16 * MIN, { stepMs: 30_000 });
      await world.restart();
      await world.runUntil(() => world.clock.now() >= T0 + 25 * MIN, { stepMs: 30_000 });
      expect(mentions(world, incident.slackTs ?? '')).toHaveLength(1);
      expect(dms(world).map(([u]) => u)).toEqual(['U0SENIOR1', 'U0SENIOR2']);
    });
  });

  describe('MTTA and MTTR', () => {
    it('are shown per incident in /incident list and exported on /metrics, drills left out', async () => {
      world = await startWorld({ store });
      const incident = await world.openIncident();
      await world.runUntil(() => world.clock.now() >= T0 + 3 * MIN, { stepMs: 30_000 });
      world.rewind.services.incidents.acknowledge(incident.id, { kind: 'user', id: 'U0ALICE' });
      await world.runUntil(() => world.clock.now() >= T0 + 12 * MIN, { stepMs: 30_000 });
      world.rewind.services.incidents.resolve(incident.id, { kind: 'user', id: 'U0ALICE' });
      // A drill incident resolved in a minute must not pull the real means down.
      const { incident: drill } = world.rewind.services.incidents.open(
        { service: 'prompt-service-staging', version: 'v2.0.0', severity: 'warning', title: 'drill', drill: true },
        { kind: 'bot', id: 'rewind' },
      );
      await world.runUntil(() => world.clock.now() >= T0 + 13 * MIN, { stepMs: 30_000 });
      world.rewind.services.incidents.acknowledge(drill.id, { kind: 'user', id: 'U0ALICE' });
      world.rewind.services.incidents.resolve(drill.id, { kind: 'user', id: 'U0ALICE' });
      await world.settle();

      const list = await world.command('U0ALICE', '/incident', 'list');
      expect(list.body.text).toContain(`${incident.id}`);
      expect(list.body.text).toContain('acknowledged after 3m 00s · recovered after 12m 00s');
      const metrics = await (await fetch(`http://127.0.0.1:${world.rewind.port}/metrics`)).text();
      expect(metrics).toMatch(/^rewind_mtta_seconds 180$/m);
      expect(metrics).toMatch(/^rewind_mttr_seconds 720$/m);
      expect(metrics).toMatch(/^rewind_incidents_last_30d 1$/m);
    });
  });
});
