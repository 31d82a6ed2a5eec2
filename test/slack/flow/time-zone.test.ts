/**
 * One zone for every time a person reads: with drills.timezone set to Europe/London, the head
 * message, the thread notes (the post-actions step and the post-mortem), a planned rollback's
 * dialog, answer and notes, and `/incident timeline` all write their times in that zone and name
 * it. The only Slack date token left is the head's live age ("12 minutes ago"), which has no zone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND, VIEW } from '../../../src/adapters/slack/ids.ts';
import { rolledBackAndResolved } from '../../support/canary-flow.ts';
import { LEAD, startWorld, textOf, type ConfigDoc, type World } from '../../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

const inLondon = (c: ConfigDoc) => {
  c.drills.timezone = 'Europe/London';
};
/** Every Slack date token that carries a clock time (Slack would show it in each reader's zone). */
const clockTokens = (w: World) =>
  w.slack.calls
    .flatMap((c) => JSON.stringify(c.args).match(/<!date\^\d+\^[^|>]*/g) ?? [])
    .filter((token) => token.includes('{time}') || token.includes('{date'));

describe('times are in the configured zone and name it', () => {
  it('the head, the rollback notes, the post-mortem and the timeline', async () => {
    world = await startWorld({ config: inLondon, kube: {} });
    const incident = await rolledBackAndResolved(world);
    const thread = world.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.thread_ts === incident.slackTs)
      .map((c) => textOf(c));
    const postActions = thread.find((t) => t.includes('post-mortem:'));
    expect(postActions).toMatch(/post-mortem: \d{4}-\d{2}-\d{2} \d{2}:\d{2} Europe\/London/);
    expect(thread.find((t) => t.includes('Post-mortem'))).toMatch(
      /\d{4}-\d{2}-\d{2} \(\w{3}\) \d{2}:\d{2} Europe\/London/,
    );
    // The head message while the incident ran (resolved, it shows no clock time) and the stakeholder notice.
    const { incidentChannel, stakeholderChannel } = world.rewind.config.slack;
    const versions = (channel: string | undefined) =>
      world.slack.calls.filter((c) => c.method.startsWith('chat.') && c.args.channel === channel && !c.args.thread_ts);
    expect(
      versions(incidentChannel)
        .map(textOf)
        .filter((t) => /Europe\/London/.test(t)),
    ).not.toEqual([]);
    expect(textOf(versions(stakeholderChannel).at(-1))).toMatch(/Europe\/London/);
    const answer = await world.command(LEAD, COMMAND.incident, `timeline ${incident.id}`);
    const timeline = String(answer.body.text ?? (await world.slack.waitForResponse()).body.text);
    expect(timeline).toContain('Europe/London');
    // Instants in the details too (the post-mortem's), never raw epoch milliseconds.
    expect(timeline).toMatch(/\*postmortem_scheduled\* .*at=\d{4}-\d{2}-\d{2} \(\w{3}\) \d{2}:\d{2} Europe\/London/);
    expect(timeline).not.toMatch(/=\d{13}\b/);
    expect(clockTokens(world)).toEqual([]);
    expect(JSON.stringify(world.slack.calls.map((c) => c.args))).not.toContain('Asia/Tokyo');
  });

  it('a planned rollback: the dialog, the answer and the thread notes', async () => {
    world = await startWorld({ config: inLondon });
    await world.openIncident();
    const opened = world.slack.callsTo('views.open').length;
    await world.command(LEAD, COMMAND.rollback, 'planned prompt-service at 2026-01-06 03:00 immediate');
    const view = world.slack.callsTo('views.open')[opened]?.args.view as { private_metadata: string };
    // 03:00 in London in January is 03:00 UTC.
    expect(JSON.parse(view.private_metadata)).toMatchObject({ scheduledFor: Date.UTC(2026, 0, 6, 3, 0) });
    expect(JSON.stringify(view)).toContain('runs at 2026-01-06 (Tue) 03:00 Europe/London');
    await world.submit(LEAD, VIEW.confirmRollback, view.private_metadata);
    expect(textOf(world.slack.callsTo('chat.postEphemeral').at(-1))).toContain('2026-01-06 (Tue) 03:00 Europe/London');
    await world.settle();
    const notes = world.slack
      .callsTo('chat.postMessage')
      .map((c) => textOf(c))
      .filter((t) => t.includes('2026-01-06 (Tue) 03:00 Europe/London'));
    expect(notes.length).toBeGreaterThan(0);
    expect(clockTokens(world)).toEqual([]);
  });
});
