/**
 * HTTP mode: a signed request is only as fresh as its timestamp. Bolt refuses one more than five
 * minutes old; Rewind also refuses one more than five minutes ahead, which would otherwise stay
 * replayable for as long as its timestamp is in the future. Correctly signed requests, sent to the
 * running bot.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, COMMAND } from '../../../src/adapters/slack/ids.ts';
import {
  blockActionsPayload,
  interactionBody,
  nowSeconds,
  postSigned,
  slashCommandBody,
} from '../../support/slack-signing.ts';
import { changedTables, dbState } from '../../support/fuzz/db-state.ts';
import { LEAD, SECRET, startWorld, type World } from '../../support/world.ts';

const MIN = 60;
let world: World;
afterEach(async () => world?.stop());

/** `/incident ack` (a write) for the incident, signed with the given timestamp. */
async function ackAt(w: World, incidentId: string, timestamp: number) {
  const responseUrl = w.slack.responseUrl();
  const body = slashCommandBody({
    command: COMMAND.incident,
    text: `ack ${incidentId}`,
    user_id: LEAD,
    channel_id: 'C0INCIDENT',
    response_url: responseUrl,
  });
  const res = await postSigned(w.url, body, { secret: SECRET, timestamp });
  const text = await res.text();
  await w.settle();
  return { status: res.status, text };
}

describe('the timestamp of a signed request', () => {
  it('ten minutes ahead (or behind) is refused with 401, and nothing changes', async () => {
    world = await startWorld();
    const incident = await world.openIncident();
    const calls = world.slack.calls.length;
    const before = dbState(world.rewind.store.db);

    for (const skew of [10 * MIN, 5 * MIN + 2, -10 * MIN]) {
      const refused = await ackAt(world, incident.id, nowSeconds() + skew);
      expect(refused, `skew ${skew} s`).toEqual({ status: 401, text: '' });
    }
    const click = interactionBody(
      blockActionsPayload({
        user: LEAD,
        actionId: ACTION.fix,
        value: incident.id,
        channel: 'C0INCIDENT',
        messageTs: incident.slackTs ?? '',
      }),
    );
    expect((await postSigned(world.url, click, { secret: SECRET, timestamp: nowSeconds() + 10 * MIN })).status).toBe(
      401,
    );
    await world.settle();

    const now = world.rewind.store.incidents.get(incident.id);
    expect([now?.status, now?.acknowledgedBy]).toEqual(['awaiting_decision', null]);
    // Sorted: the head message and the stakeholder notice (a warning incident) go out side by side.
    expect(
      world.rewind.services.queries
        .timeline(incident.id)
        .map((e) => e.kind)
        .sort(),
    ).toEqual(['detected', 'posted', 'stakeholder_notice', 'status']);
    expect(world.slack.calls.slice(calls)).toEqual([]);
    expect(world.slack.responses).toEqual([]);
    // Every table as it was, the record of deliveries seen too: a refused request is not a delivery.
    expect(changedTables(before, dbState(world.rewind.store.db))).toEqual({});
  });

  it('four minutes ahead is within the window: accepted and acted on', async () => {
    world = await startWorld();
    const incident = await world.openIncident();
    const accepted = await ackAt(world, incident.id, nowSeconds() + 4 * MIN);
    expect(accepted.status).toBe(200);
    expect(JSON.parse(accepted.text)).toEqual({
      response_type: 'ephemeral',
      text: `✋ You acknowledged ${incident.id}.`,
    });
    expect(world.rewind.store.incidents.get(incident.id)?.acknowledgedBy).toBe(LEAD);
  });
});
