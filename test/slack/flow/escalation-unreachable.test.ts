/**
 * An escalation level whose people Slack will never reach — a user group that does not exist or
 * cannot be read, a person Slack will not take a DM for — is given up at once (undeliverable,
 * counted), said in the incident thread with the group or person, the reason and the config key,
 * and never holds the level's other people back. A group Slack cannot list for now still waits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, T0, textOf, type World } from '../../support/world.ts';

const MIN = 60_000;
let world: World;
afterEach(async () => world?.stop());

/** Level 1 names a group Slack refuses, a group it lists and a person directly. */
const LEVEL_1 = ['S0SENIOR', 'S0ONCALL', 'U0ONCALL'];

async function escalating(
  groups: Record<string, { ok: true; users: string[] } | { ok: false; error: string }>,
  locale: 'en' | 'ja' = 'en',
): Promise<World> {
  const w = await startWorld({
    config: (c) => {
      c.locale = locale;
      c.escalation.levels[0]!.notify = LEVEL_1;
    },
  });
  w.slack.handle('usergroups.users.list', (args) => ({
    body: groups[String(args.usergroup)] ?? { ok: true, users: [] },
  }));
  return w;
}

/** People a DM was opened for; each person's DMs are a queue of their own, so within a level in any order. */
const dmsTo = (w: World) =>
  w.slack
    .callsTo('conversations.open')
    .map((c) => String(c.args.users))
    .sort();
const thread = (w: World, ts: string | null) =>
  w.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.thread_ts === ts)
    .map((c) => String(c.args.text));
const metric = async (w: World, name: string) => {
  const text = await (await fetch(`http://127.0.0.1:${w.rewind.port}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
};

describe('escalation to people Slack will never reach', () => {
  it('a nonexistent user group: given up at once, said in the thread, the rest of the level messaged', async () => {
    world = await escalating({
      S0SENIOR: { ok: false, error: 'no_such_subteam' },
      S0ONCALL: { ok: true, users: ['U0ON1'] },
    });
    const incident = await world.openIncident();
    await world.runUntil(() => world.clock.now() >= T0 + 16 * MIN, { stepMs: 30_000 });

    expect(dmsTo(world)).toEqual(['U0ON1', 'U0ONCALL']);
    expect(thread(world, incident.slackTs).filter((t) => t.startsWith('⚠️'))).toEqual([
      '⚠️ Escalation level 1 (Senior engineer): the user group `S0SENIOR` could not be read (no_such_subteam); ' +
        'nobody was messaged for it — check `escalation.levels[0].notify`.',
    ]);
    // Once, not retried: the group was asked for once and nothing waits.
    expect(world.slack.callsTo('usergroups.users.list').filter((c) => c.args.usergroup === 'S0SENIOR')).toHaveLength(1);
    expect(world.rewind.store.outbox.unsentCount()).toBe(0);
    expect(world.rewind.store.outbox.deadCount()).toBe(1);
    expect(await metric(world, 'rewind_slack_messages_undeliverable')).toBe(1);
    expect(await metric(world, 'rewind_outbox_backlog')).toBe(0);

    // Nothing more of level 1 later (no retry, no second note); level 2 still pages the manager.
    await world.runUntil(() => world.clock.now() >= T0 + 60 * MIN, { stepMs: 60_000, maxMs: 60 * MIN });
    expect(world.slack.callsTo('usergroups.users.list').filter((c) => c.args.usergroup === 'S0SENIOR')).toHaveLength(1);
    expect(thread(world, incident.slackTs).filter((t) => t.startsWith('⚠️'))).toHaveLength(1);
    expect(dmsTo(world)).toEqual(['U0MANAGER', 'U0ON1', 'U0ONCALL']);
  });

  it('ja: a group the app may not read (missing_scope) is said in Japanese', async () => {
    world = await escalating(
      { S0SENIOR: { ok: false, error: 'missing_scope' }, S0ONCALL: { ok: true, users: ['U0ON1'] } },
      'ja',
    );
    const incident = await world.openIncident();
    await world.runUntil(() => world.clock.now() >= T0 + 16 * MIN, { stepMs: 30_000 });
    expect(thread(world, incident.slackTs).filter((t) => t.startsWith('⚠️'))).toEqual([
      '⚠️ エスカレーション レベル 1（Senior engineer）: ユーザーグループ `S0SENIOR` を読み取れませんでした（missing_scope）。このグループの誰にもメッセージを送っていません。' +
        '`escalation.levels[0].notify` を確認してください。',
    ]);
    expect(dmsTo(world)).toEqual(['U0ON1', 'U0ONCALL']);
    expect(world.rewind.store.outbox.deadCount()).toBe(1);
    expect(world.rewind.store.outbox.unsentCount()).toBe(0);
  });

  it('a person Slack has no DM for (user_not_found) is said in the thread; the others are messaged', async () => {
    world = await escalating({
      S0SENIOR: { ok: true, users: ['U0SENIOR1', 'U0GONE'] },
      S0ONCALL: { ok: true, users: ['U0ON1'] },
    });
    world.slack.handle('conversations.open', (args) =>
      args.users === 'U0GONE'
        ? { body: { ok: false, error: 'user_not_found' } }
        : { body: { ok: true, channel: { id: `D0${String(args.users)}` } } },
    );
    const incident = await world.openIncident();
    await world.runUntil(() => world.clock.now() >= T0 + 16 * MIN, { stepMs: 30_000 });

    const delivered = world.slack
      .callsTo('chat.postMessage')
      .filter((c) => String(c.args.channel).startsWith('D0'))
      .map((c) => String(c.args.channel));
    expect(delivered.sort()).toEqual(['D0U0ON1', 'D0U0ONCALL', 'D0U0SENIOR1']);
    expect(thread(world, incident.slackTs).filter((t) => t.startsWith('⚠️'))).toEqual([
      '⚠️ Escalation level 1 (Senior engineer): the direct message to `U0GONE` could not be sent (user_not_found); ' +
        'they were not messaged — check `escalation.levels[0].notify`.',
    ]);
    expect(world.rewind.store.outbox.deadCount()).toBe(1);
    expect(world.rewind.store.outbox.unsentCount()).toBe(0);
    expect(await metric(world, 'rewind_slack_messages_undeliverable')).toBe(1);
  });

  it(
    'a group Slack cannot list for now waits and is listed again, while a group it never will is told once and the ' +
      'known people are messaged',
    async () => {
      let down = true;
      world = await escalating({ S0SENIOR: { ok: false, error: 'no_such_subteam' } });
      world.slack.handle('usergroups.users.list', (args) => {
        if (args.usergroup === 'S0SENIOR') return { body: { ok: false, error: 'no_such_subteam' } };
        return down
          ? { status: 500, body: { ok: false, error: 'internal_error' } }
          : { body: { ok: true, users: ['U0ON1'] } };
      });
      const incident = await world.openIncident();
      await world.runUntil(() => world.clock.now() >= T0 + 20 * MIN, { stepMs: 30_000 });
      // The person named directly is not held back by the group that may answer later.
      expect(dmsTo(world)).toEqual(['U0ONCALL']);
      expect(world.rewind.store.outbox.unsentCount()).toBe(1); // the level's message, waiting for S0ONCALL
      expect(world.rewind.store.outbox.deadCount()).toBe(0);
      expect(thread(world, incident.slackTs).filter((t) => t.startsWith('⚠️'))).toHaveLength(1);

      down = false;
      await world.runUntil(() => world.rewind.store.outbox.unsentCount() === 0, { stepMs: 30_000, maxMs: 15 * MIN });
      expect(dmsTo(world)).toEqual(['U0ON1', 'U0ONCALL']);
      expect(world.rewind.store.outbox.deadCount()).toBe(1);
      // Tried several times, told once.
      expect(
        world.slack.callsTo('usergroups.users.list').filter((c) => c.args.usergroup === 'S0SENIOR').length,
      ).toBeGreaterThan(1);
      const notes = thread(world, incident.slackTs).filter((t) => t.startsWith('⚠️'));
      expect(notes).toEqual([expect.stringContaining('`S0SENIOR` could not be read (no_such_subteam)')]);
      expect(textOf(world.slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'D0U0ON1'))).toContain(
        incident.id,
      );
    },
  );
});
