/**
 * Nothing said to Slack is lost, and Slack is not flooded: every message goes through the outbox,
 * waits out an outage in order per thread (also across a restart), a message Slack will never
 * take is given up and counted without silencing the thread, and bursts of head-message updates
 * collapse and are spaced.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BOT_ACTOR } from '../../../src/domain/types.ts';
import { startWorld, T0, textOf, type World } from '../../support/world.ts';

const MIN = 60_000;
let world: World;
afterEach(async () => world?.stop());

const threadTexts = (w: World, ts: string | null) =>
  w.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.thread_ts === ts)
    .map(textOf);

describe('delivery to Slack', () => {
  it(
    'a thread message that fails is kept in the outbox, holds the thread, and is sent first once Slack is back, also ' +
      'after a restart',
    async () => {
      world = await startWorld();
      const incident = await world.openIncident();
      let down = true;
      world.slack.handle('chat.postMessage', (args) =>
        down
          ? { body: { ok: false, error: 'internal_error' } }
          : { body: { ok: true, channel: args.channel, ts: `1700000001.${world.slack.calls.length}` } },
      );
      world.rewind.services.incidents.acknowledge(incident.id, { kind: 'user', id: 'U0ALICE' });
      await world.settle();
      // The note failed; the head update behind it waits its turn rather than overtake it.
      expect(world.rewind.store.outbox.unsentCount()).toBe(2);
      expect(world.slack.callsTo('chat.update')).toHaveLength(0);

      await world.restart(); // the messages survive the bot going away
      down = false;
      await world.runUntil(() => world.rewind.store.outbox.unsentCount() === 0, { stepMs: 5_000, maxMs: 10 * MIN });
      const sent = threadTexts(world, incident.slackTs).at(-1);
      expect(sent).toContain('<@U0ALICE>');
      const noteAt = world.slack.calls.findIndex(
        (c) =>
          c.method === 'chat.postMessage' && c.args.thread_ts === incident.slackTs && textOf(c).includes('<@U0ALICE>'),
      );
      const updateAt = world.slack.calls.findIndex((c) => c.method === 'chat.update');
      expect(noteAt).toBeGreaterThanOrEqual(0);
      expect(updateAt).toBeGreaterThan(noteAt);
    },
  );

  it('an outage of many posts: every note sent once Slack answers, in the order of events, none twice', async () => {
    world = await startWorld();
    const incident = await world.openIncident();
    let down = true;
    const accepted: string[] = []; // what Slack took, in order (failed attempts are recorded by the stand-in too)
    world.slack.handle('chat.postMessage', (args) => {
      if (down) return { status: 500, body: { ok: false, error: 'internal_error' } };
      if (args.thread_ts === incident.slackTs) accepted.push(String(args.text));
      return { body: { ok: true, channel: args.channel, ts: `1700000002.${world.slack.calls.length}` } };
    });
    const users = ['U0A', 'U0B', 'U0C', 'U0D', 'U0E'];
    for (const user of users) {
      world.rewind.presenter.notice(incident.id, { kind: 'acknowledged', by: user });
      world.rewind.presenter.changed(incident.id);
      const until = world.clock.now() + 3 * MIN; // minutes of outage pass
      await world.runUntil(() => world.clock.now() >= until, { stepMs: 60_000 });
    }
    expect(world.rewind.store.outbox.unsentCount()).toBeGreaterThanOrEqual(users.length);
    down = false;
    // One success is enough for the rest to follow without waiting out their backoff.
    await world.runUntil(() => world.rewind.store.outbox.unsentCount() === 0, { stepMs: 5_000, maxMs: 2 * MIN });
    const acks = accepted.filter((t) => t.includes('acknowledged'));
    expect(acks).toHaveLength(users.length);
    const order = users.map((u) => acks.findIndex((t) => t.includes(`<@${u}>`)));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(new Set(acks).size).toBe(acks.length);
  });

  it('a message Slack will never take is given up, logged and counted; the thread goes on', async () => {
    world = await startWorld();
    const incident = await world.openIncident();
    let refuse = true;
    world.slack.handle('chat.postMessage', (args) =>
      refuse
        ? { body: { ok: false, error: 'invalid_blocks' } }
        : { body: { ok: true, channel: args.channel, ts: `1700000003.${world.slack.calls.length}` } },
    );
    world.rewind.services.incidents.acknowledge(incident.id, { kind: 'user', id: 'U0ALICE' });
    await world.settle();
    refuse = false;
    world.rewind.presenter.notice(incident.id, { kind: 'acknowledged', by: 'U0BOB' });
    await world.settle();
    expect(world.rewind.store.outbox.deadCount()).toBe(1);
    expect(world.rewind.store.outbox.unsentCount()).toBe(0);
    expect(threadTexts(world, incident.slackTs).some((t) => t.includes('<@U0BOB>'))).toBe(true);
    const metrics = await (await fetch(`http://127.0.0.1:${world.rewind.port}/metrics`)).text();
    expect(metrics).toMatch(/^rewind_slack_messages_undeliverable 1$/m);
    expect(metrics).toMatch(/^rewind_outbox_backlog 0$/m);
  });

  it('escalation DMs wait for a user group Slack cannot list now, go out once it can — each exactly once', async () => {
    world = await startWorld();
    const incident = await world.openIncident();
    let listing = false;
    world.slack.handle('usergroups.users.list', (args) =>
      listing
        ? { body: { ok: true, users: args.usergroup === 'S0SENIOR' ? ['U0SENIOR1', 'U0SENIOR2'] : [] } }
        : { body: { ok: false, error: 'internal_error' } },
    );
    await world.runUntil(() => world.clock.now() >= T0 + 16 * MIN, { stepMs: 30_000 });
    const dmsTo = () => world.slack.callsTo('conversations.open').map((c) => c.args.users);
    // the mention went out
    expect(threadTexts(world, incident.slackTs).some((t) => t.includes('<!subteam^S0SENIOR>'))).toBe(true);
    expect(dmsTo()).toEqual([]);
    expect(world.rewind.store.outbox.unsentCount()).toBe(1); // the level's DMs, waiting
    await world.restart();
    listing = true;
    await world.runUntil(() => world.rewind.store.outbox.unsentCount() === 0, { stepMs: 30_000, maxMs: 10 * MIN });
    expect(dmsTo()).toEqual(['U0SENIOR1', 'U0SENIOR2']);
    // The level fires again (a timer run twice after a crash): nothing new is sent.
    const before = world.slack.calls.length;
    world.rewind.presenter.escalate(
      incident.id,
      { level: 1, label: 'Senior engineer', notify: ['S0SENIOR'] },
      0,
      `escalation:${incident.id}:1`,
    );
    await world.settle();
    expect(world.slack.calls.slice(before).filter((c) => c.method !== 'chat.update')).toEqual([]);
  });

  it('escalation DMs reach people even when the incident channel refuses every post', async () => {
    world = await startWorld();
    world.slack.handle('chat.postMessage', (args) =>
      String(args.channel) === 'C0INCIDENT'
        ? { body: { ok: false, error: 'channel_not_found' } }
        : { body: { ok: true, channel: args.channel, ts: `1700000004.${world.slack.calls.length}` } },
    );
    world.rewind.services.incidents.open(
      {
        service: 'prompt-service',
        version: 'v2.0.0',
        severity: 'warning',
        title: 'error_rate 7.2% > 5%',
        drill: false,
      },
      BOT_ACTOR,
    );
    await world.runUntil(() => world.clock.now() >= T0 + 31 * MIN, { stepMs: 30_000, maxMs: 40 * MIN });
    expect(world.slack.callsTo('conversations.open').map((c) => c.args.users)).toEqual([
      'U0SENIOR1',
      'U0SENIOR2',
      'U0MANAGER',
    ]);
    expect(world.rewind.store.outbox.unsentCount()).toBe(0);
    expect(world.rewind.store.outbox.deadCount()).toBeGreaterThan(0); // the channel's messages, given up and counted
  });

  it("a user group Slack cannot list for now holds back its own level's DMs only", async () => {
    world = await startWorld();
    // A Slack error that may pass (a group Slack will never list is given up: escalation-unreachable.test.ts).
    world.slack.handle('usergroups.users.list', () => ({ body: { ok: false, error: 'fatal_error' } }));
    await world.openIncident();
    await world.runUntil(() => world.clock.now() >= T0 + 31 * MIN, { stepMs: 30_000, maxMs: 40 * MIN });
    // Level 2 names the manager directly: sent although level 1's group still cannot be listed.
    expect(world.slack.callsTo('conversations.open').map((c) => c.args.users)).toEqual(['U0MANAGER']);
    expect(world.rewind.store.outbox.unsentCount()).toBe(1);
  });

  it(
    "an outage from the incident's start across an escalation still gives one head message, with the thread under " +
      'it',
    async () => {
      world = await startWorld();
      let down = true;
      const heads: string[] = [];
      world.slack.handle('chat.postMessage', (args) => {
        if (down) return { status: 500, body: { ok: false, error: 'internal_error' } };
        const ts = `1700000005.${String(world.slack.calls.length).padStart(6, '0')}`;
        if (args.thread_ts === undefined && args.channel === 'C0INCIDENT') heads.push(ts);
        return { body: { ok: true, channel: args.channel, ts } };
      });
      world.slack.handle('chat.update', () =>
        down ? { status: 500, body: { ok: false, error: 'internal_error' } } : { body: { ok: true } },
      );
      const { incident } = world.rewind.services.incidents.open(
        {
          service: 'prompt-service',
          version: 'v2.0.0',
          severity: 'warning',
          title: 'error_rate 7.2% > 5%',
          drill: false,
        },
        BOT_ACTOR,
      );
      await world.runUntil(() => world.clock.now() >= T0 + 17 * MIN, { stepMs: 30_000 });
      down = false;
      await world.runUntil(() => world.rewind.store.outbox.unsentCount() === 0, { stepMs: 30_000, maxMs: 15 * MIN });
      expect(heads).toHaveLength(1);
      expect(world.rewind.store.incidents.get(incident.id)?.slackTs).toBe(heads[0]);
      const thread = world.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts !== undefined);
      expect(new Set(thread.map((c) => c.args.thread_ts))).toEqual(new Set([heads[0]]));
    },
  );

  it('a 429 is waited out (Retry-After) and the update is delivered', async () => {
    world = await startWorld();
    const incident = await world.openIncident();
    let limited = 1;
    const arrivals: number[] = [];
    world.slack.handle('chat.update', (args) => {
      arrivals.push(performance.now());
      return limited-- > 0
        ? { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } }
        : { body: { ok: true, channel: args.channel, ts: args.ts } };
    });
    world.rewind.services.incidents.record(incident.id, 'checklist', BOT_ACTOR, {
      list: 'fix_prep',
      checked: 1,
      of: 8,
    });
    world.rewind.presenter.changed(incident.id);
    await world.settle();
    await world.runUntil(
      () => world.slack.callsTo('chat.update').length >= 2 && world.rewind.store.outbox.unsentCount() === 0,
      { stepMs: 5_000, maxMs: 5 * MIN },
    );
    expect(world.slack.callsTo('chat.update')).toHaveLength(2);
    // The client paused for Retry-After between the refused call and its retry. Measured between the
    // two arrivals, not from the start of the test, so a slow machine cannot pass it without the
    // pause; the client's timer counts whole milliseconds, hence the one taken off.
    expect((arrivals[1] ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(1_000 - 1);
  });

  it('a burst of changes becomes few updates, spaced at least the minimum interval apart', async () => {
    world = await startWorld({ minUpdateIntervalMs: 300 });
    const incident = await world.openIncident();
    const arrived: number[] = [];
    world.slack.handle('chat.update', (args) => {
      arrived.push(performance.now());
      return { body: { ok: true, channel: args.channel, ts: args.ts } };
    });
    // The spacing is the bot's to keep when it sends; how long each request then takes to reach
    // Slack is not (a busy machine can delay one more than the next), so the send times are taken
    // from the Web API client the bot sends with.
    const sent: number[] = [];
    const chat = world.rewind.slack.client.chat;
    const update = chat.update.bind(chat);
    chat.update = ((args: Parameters<typeof update>[0]) => {
      sent.push(performance.now());
      return update(args);
    }) as typeof chat.update;
    for (let i = 0; i < 20; i++) world.rewind.presenter.changed(incident.id);
    await world.settle();
    for (let i = 0; i < 20; i++) world.rewind.presenter.changed(incident.id);
    await world.settle();
    expect(arrived.length).toBeLessThanOrEqual(3);
    expect(arrived.length).toBeGreaterThanOrEqual(2); // one per burst at least, so there is a spacing to check
    expect(sent).toHaveLength(arrived.length);
    for (let i = 1; i < sent.length; i++) expect((sent[i] ?? 0) - (sent[i - 1] ?? 0)).toBeGreaterThanOrEqual(290);
  });
});
