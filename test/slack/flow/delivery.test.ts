/**
 * Nothing said to Slack is lost, and Slack is not flooded: failed messages wait in the outbox and
 * go out later (also after a restart), bursts of head-message updates collapse and are spaced.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BOT_ACTOR } from '../../../src/domain/types.ts';
import { startWorld, textOf, type World } from '../../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

describe('delivery to Slack', () => {
  it('a thread message that fails is kept in the outbox and sent on the next pass, also after a restart', async () => {
    world = await startWorld();
    const incident = await world.openIncident();
    let down = true;
    world.slack.handle('chat.postMessage', (args) =>
      down ? { body: { ok: false, error: 'internal_error' } } : { body: { ok: true, channel: args.channel, ts: '1700000000.900001' } },
    );
    world.rewind.services.incidents.acknowledge(incident.id, { kind: 'user', id: 'U0ALICE' });
    await world.settle();
    expect(world.rewind.store.outbox.unsentCount()).toBe(1);

    await world.restart(); // the message survives the bot going away
    down = false;
    await world.runUntil(() => world.rewind.store.outbox.unsentCount() === 0, { stepMs: 5_000, maxMs: 5 * 60_000 });
    const sent = world.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === incident.slackTs).at(-1);
    expect(textOf(sent)).toContain('<@U0ALICE>');
  });

  it('a 429 is waited out (Retry-After) and the update is delivered', async () => {
    world = await startWorld();
    const incident = await world.openIncident();
    let limited = 1;
    world.slack.handle('chat.update', (args) =>
      limited-- > 0 ? { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } } : { body: { ok: true, channel: args.channel, ts: args.ts } },
    );
    const started = Date.now();
    world.rewind.services.incidents.record(incident.id, 'note', BOT_ACTOR);
    world.rewind.presenter.changed(incident.id);
    await world.settle();
    await world.runUntil(() => world.slack.callsTo('chat.update').length >= 2 && world.rewind.store.outbox.unsentCount() === 0, { stepMs: 5_000, maxMs: 5 * 60_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000); // the client paused for Retry-After
    expect(world.slack.callsTo('chat.update')).toHaveLength(2);
  });

  it('a burst of changes becomes few updates, spaced at least the minimum interval apart', async () => {
    world = await startWorld({ minUpdateIntervalMs: 300 });
    const incident = await world.openIncident();
    const times: number[] = [];
    world.slack.handle('chat.update', (args) => {
      times.push(Date.now());
      return { body: { ok: true, channel: args.channel, ts: args.ts } };
    });
    for (let i = 0; i < 20; i++) world.rewind.presenter.changed(incident.id);
    await world.settle();
    for (let i = 0; i < 20; i++) world.rewind.presenter.changed(incident.id);
    await world.settle();
    expect(times.length).toBeLessThanOrEqual(3);
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(290);
  });
});
