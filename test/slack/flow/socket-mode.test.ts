/**
 * The same Slack surface over Socket Mode: Rewind connects to the WebSocket the Web API stand-in
 * hands out (apps.connections.open with the xapp token), receives envelopes and acks them, while
 * its own HTTP routes keep serving on the port.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, COMMAND, VIEW } from '../../../src/adapters/slack/ids.ts';
import { ALICE, LEAD, startWorld, type World } from '../../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

describe('Socket Mode', () => {
  it('connects with the app-level token and still serves health, readiness and metrics on the port', async () => {
    world = await startWorld({ socketMode: true });
    expect(world.socket?.appTokens).toEqual(['xapp-1-A0REWIND-world']);
    const base = `http://127.0.0.1:${world.rewind.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('rewind_open_incidents');
    // No Slack endpoint on the port in Socket Mode.
    expect((await fetch(`${base}/slack/events`, { method: 'POST' })).status).toBe(404);
  });

  it('answers a slash command in its ack and runs a whole rollback decision over envelopes', async () => {
    world = await startWorld({ socketMode: true });
    const help = await world.command(ALICE, COMMAND.rollback, 'help');
    expect(help.body.text).toContain('immediate');

    const incident = await world.openIncident();
    const ts = incident.slackTs ?? '';
    await world.act({
      user: ALICE,
      actionId: ACTION.userImpact,
      selectedOption: { text: 'all', value: 'all' },
      blockId: BLOCK.matrix,
      messageTs: ts,
    });
    await world.act({
      user: LEAD,
      actionId: ACTION.immediate,
      value: incident.id,
      blockId: BLOCK.decisions,
      messageTs: ts,
    });
    const open = await world.slack.waitForCall('views.open');
    const metadata = (open.args.view as { private_metadata: string }).private_metadata;
    await world.submit(LEAD, VIEW.confirmRollback, metadata);
    await world.slack.waitForCall('chat.postEphemeral');
    await world.settle();
    expect(world.engine.started.map((r) => [r.strategy, r.toVersion])).toEqual([['immediate', 'v1.5.0']]);
    expect(world.rewind.store.assessments.get(incident.id)).toEqual({ userImpact: 'all' });
    expect(world.socket?.acks.length).toBeGreaterThanOrEqual(4);
  });

  it('publishes App Home for an app_home_opened event', async () => {
    world = await startWorld({ socketMode: true });
    await world.homeOpened(ALICE);
    const call = await world.slack.waitForCall('views.publish');
    expect(call.args.user_id).toBe(ALICE);
  });
});
