/**
 * When Slack's Web API is degraded, Rewind keeps hearing: the bot's identity is learnt from one
 * auth.test at start, never per incoming request, so commands and clicks are answered whatever
 * auth.test does; and a Web API call that never answers is abandoned after the timeout and sent
 * again, so one hung request does not hold an incident's head message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/adapters/slack/ids.ts';
import { eventually } from '../../support/run-cli.ts';
import { MALLORY, ALICE, startWorld, type World } from '../../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

const readyz = async (w: World) => {
  const res = await fetch(`http://127.0.0.1:${w.rewind.port}/readyz`);
  return {
    status: res.status,
    body: (await res.json()) as { checks: Array<{ name: string; ok: boolean; detail?: string }> },
  };
};

describe('Slack degraded', () => {
  it(
    'with auth.test failing, slash commands and clicks are still answered, and auth.test is not called per ' +
      'request',
    async () => {
      world = await startWorld({ learnIdentity: true });
      const incident = await world.openIncident();
      world.slack.handle('auth.test', () => ({ status: 500, body: { ok: false, error: 'internal_error' } }));
      const calledBefore = world.slack.callsTo('auth.test').length;
      await world.restart(); // starts while auth.test fails
      await world.slack.waitForCall('auth.test', { count: calledBefore + 1 }); // the one call at start
      const before = calledBefore + 1;

      for (let i = 0; i < 20; i++) {
        const r = await world.command(MALLORY, '/rollback', 'help');
        expect(r.status).toBe(200);
        expect(String(r.body.text)).toContain('/rollback');
      }
      const click = await world.act({
        user: ALICE,
        actionId: ACTION.acknowledge,
        value: incident.id,
        messageTs: incident.slackTs ?? '',
      });
      expect(click.status).toBe(200);
      await world.settle();
      expect(world.rewind.store.incidents.get(incident.id)?.acknowledgedAt).not.toBeNull();
      expect(world.slack.callsTo('auth.test').length).toBe(before); // none per request

      const notReady = await readyz(world);
      expect(notReady.status).toBe(503);
      expect(notReady.body.checks.find((c) => c.name === 'slack')).toMatchObject({
        ok: false,
        detail: expect.stringContaining('auth.test failed'),
      });

      // Slack recovers: the next try (30 s later) passes, once, and readiness follows.
      world.slack.handle('auth.test', () => ({
        body: {
          ok: true,
          team: 'Rewind Test',
          user: 'rewind',
          team_id: 'T0TEST',
          user_id: 'U0REWIND',
          bot_id: 'B0REWIND',
        },
      }));
      await world.runUntil(() => world.slack.callsTo('auth.test').length > before, { stepMs: 5_000, maxMs: 60_000 });
      await eventually(async () => ((await readyz(world)).status === 200 ? true : undefined), 30_000);
      for (let i = 0; i < 5; i++) await world.command(MALLORY, '/rollback', 'help');
      expect(world.slack.callsTo('auth.test').length - before).toBe(1);
    },
  );

  it('a chat.postMessage that never answers is abandoned after the timeout; the head message is posted', async () => {
    // Only the head message is posted (no stakeholder notice for a warning), so it is the one that hangs.
    world = await startWorld({ slackTimeoutMs: 300, config: (c) => (c.slack.stakeholderSeverity = 'critical') });
    world.slack.failNext('chat.postMessage', { hang: true });
    const { incident } = world.rewind.services.incidents.open(
      {
        service: 'prompt-service',
        version: 'v2.0.0',
        severity: 'warning',
        title: 'error_rate 7.2% > 5%',
        drill: false,
      },
      { kind: 'bot', id: 'rewind' },
    );
    await world.runUntil(() => world.rewind.store.incidents.get(incident.id)?.slackTs !== null, {
      stepMs: 5_000,
      maxMs: 5 * 60_000,
    });
    expect(world.slack.faultedTo('chat.postMessage').map((c) => c.fault)).toEqual(['hang']);
    const heads = world.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === undefined);
    expect(heads).toHaveLength(1);
    expect(world.rewind.store.outbox.unsentCount()).toBe(0);
  });
});
