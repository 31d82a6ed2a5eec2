/**
 * The Slack surface end to end in HTTP mode: signed requests into the real Bolt receiver of a
 * running Rewind, and assertions on what reached the Slack stand-in and the database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { describeStores } from '../../support/stores.ts';
import { parseConfirmMetadata } from '../../../src/adapters/slack/blocks/confirm.ts';
import { ACTION, BLOCK, COMMAND, VIEW } from '../../../src/adapters/slack/ids.ts';
import {
  interactionBody,
  blockActionsPayload,
  nowSeconds,
  postSigned,
  slashCommandBody,
} from '../../support/slack-signing.ts';
import { ALICE, LEAD, MALLORY, SECRET, actionIds, startWorld, textOf, type World } from '../../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

async function answerMatrix(w: World, user: string, ts: string, answers: Record<string, string>) {
  for (const [actionId, value] of Object.entries(answers)) {
    await w.act({ user, actionId, selectedOption: { text: value, value }, blockId: BLOCK.matrix, messageTs: ts });
  }
}

describeStores('incident flow', (store) => {
  describe('incident message', () => {
    it('posts one head message with the fired metric, the matrix and the decision buttons', async () => {
      world = await startWorld({ store });
      const incident = await world.openIncident();
      // A warning incident: the stakeholder channel hears of it too (test/slack/flow/stakeholders.test.ts).
      expect(
        world.slack
          .callsTo('chat.postMessage')
          .map((c) => c.args.channel)
          .sort(),
      ).toEqual(['C0INCIDENT', 'C0STAKEHOLDERS']);
      const posts = world.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0INCIDENT');
      expect(posts).toHaveLength(1);
      expect(posts[0]?.args.thread_ts).toBeUndefined();
      expect(textOf(posts[0])).toContain(incident.id);
      expect(textOf(posts[0])).toContain('error_rate 7.2% > 5%');
      expect(actionIds(posts[0])).toEqual(
        expect.arrayContaining([
          ACTION.userImpact,
          ACTION.businessImpact,
          ACTION.fixTime,
          ACTION.immediate,
          ACTION.gradual,
          ACTION.fix,
          ACTION.nextRelease,
          ACTION.acknowledge,
          ACTION.resolve,
        ]),
      );
      // The message is remembered, so every later change updates it in place.
      expect(world.rewind.store.incidents.get(incident.id)).toMatchObject({
        slackChannel: 'C0INCIDENT',
        slackTs: expect.stringMatching(/^1700000000\.\d{6}$/),
      });
    });

    it('shows the recommendation once all three matrix answers are in, records them, notes it in thread', async () => {
      world = await startWorld({ store });
      const incident = await world.openIncident();
      const ts = incident.slackTs ?? '';
      await answerMatrix(world, ALICE, ts, { [ACTION.userImpact]: 'all', [ACTION.businessImpact]: 'high' });
      const midUpdate = world.slack.callsTo('chat.update').at(-1);
      expect(textOf(midUpdate)).not.toContain('⭐');
      await answerMatrix(world, ALICE, ts, { [ACTION.fixTime]: 'short' });
      const update = world.slack.callsTo('chat.update').at(-1);
      expect(update?.args).toMatchObject({ channel: 'C0INCIDENT', ts });
      expect(textOf(update)).toContain('⭐');
      expect(textOf(update)).toContain('Immediate rollback');
      expect(world.rewind.store.assessments.get(incident.id)).toEqual({
        userImpact: 'all',
        businessImpact: 'high',
        fixTime: 'short',
      });
      const thread = world.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === ts);
      expect(thread).toHaveLength(1);
      expect(textOf(thread[0])).toContain(`<@${ALICE}>`);
      expect(world.rewind.services.queries.timeline(incident.id).filter((e) => e.kind === 'assessment')).toHaveLength(
        1,
      );
    });
  });

  describe('rolling back from the buttons', () => {
    it('Gradual → confirmation naming service and versions → confirmed → one rollback, recorded', async () => {
      world = await startWorld({ store });
      const incident = await world.openIncident();
      const ts = incident.slackTs ?? '';
      await world.act({
        user: LEAD,
        actionId: ACTION.gradual,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: ts,
      });
      const opened = world.slack.callsTo('views.open');
      expect(opened).toHaveLength(1);
      const view = opened[0]?.args.view as { callback_id: string; private_metadata: string };
      expect(view.callback_id).toBe(VIEW.confirmRollback);
      expect(textOf(opened[0])).toContain('prompt-service');
      expect(textOf(opened[0])).toContain('v2.0.0');
      expect(textOf(opened[0])).toContain('v1.5.0');
      expect(parseConfirmMetadata(view.private_metadata)).toMatchObject({
        incidentId: incident.id,
        fromVersion: 'v2.0.0',
        toVersion: 'v1.5.0',
        strategy: 'gradual',
        phases: [25, 5, 0],
      });
      // Nothing has happened yet: the dialog is only a question.
      expect(world.engine.started).toEqual([]);

      const submitted = await world.submit(LEAD, VIEW.confirmRollback, view.private_metadata);
      expect(submitted.status).toBe(200);
      expect(world.engine.started.map((r) => [r.service, r.strategy, r.fromVersion, r.toVersion, r.startedBy])).toEqual(
        [['prompt-service', 'gradual', 'v2.0.0', 'v1.5.0', LEAD]],
      );
      expect(world.rewind.store.incidents.get(incident.id)?.status).toBe('rolling_back');
      const kinds = world.rewind.services.queries.timeline(incident.id).map((e) => e.kind);
      expect(kinds).toEqual(expect.arrayContaining(['decision', 'rollback_requested', 'approval', 'rollback_started']));
      const thread = world.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === ts);
      expect(thread.length).toBeGreaterThanOrEqual(2);
      expect(textOf(thread[0])).toContain(`<@${LEAD}>`);
      const ephemeral = world.slack.callsTo('chat.postEphemeral').at(-1);
      expect(ephemeral?.args).toMatchObject({ channel: 'C0INCIDENT', user: LEAD });
      // The head message now shows the rollback with its controls instead of the rollback buttons.
      const head = world.slack.callsTo('chat.update').at(-1);
      expect(actionIds(head)).toEqual(expect.arrayContaining([ACTION.pause, ACTION.abort]));
      expect(actionIds(head)).not.toContain(ACTION.gradual);
      expect(textOf(head)).toContain('v2.0.0 50% / v1.5.0 50%');
      expect(textOf(head)).toMatch(/▓+░+/);
      expect(textOf(head)).toContain('1/3');
      // /rollback history lists it with who started it.
      const history = await world.command(ALICE, COMMAND.rollback, 'history prompt-service');
      expect(history.body.text).toContain(world.engine.started[0]?.id ?? 'RB-?');
      expect(history.body.text).toContain(`<@${LEAD}>`);
    });

    it('a non-approver gets an ephemeral refusal, the attempt is audited, and nothing changes', async () => {
      world = await startWorld({ store });
      const incident = await world.openIncident();
      const callsBefore = world.slack.calls.length;
      await world.act({
        user: MALLORY,
        actionId: ACTION.immediate,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: incident.slackTs ?? '',
      });
      expect(world.slack.callsTo('views.open')).toEqual([]);
      const refusal = world.slack.responses.at(-1);
      expect(refusal?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(String(refusal?.body.text)).toContain('<!subteam^S0SRE>');
      expect(String(refusal?.body.text)).toContain(`<@${LEAD}>`);
      expect(world.rewind.store.audit.list({ actorId: MALLORY }).map((a) => [a.action, a.outcome])).toEqual([
        ['rollback.immediate', 'refused'],
      ]);
      expect(world.rewind.store.rollbacks.history()).toEqual([]);
      // The only Web API call was resolving the approver group: no update, no thread note.
      expect(world.slack.calls.slice(callsBefore).map((c) => c.method)).toEqual(['usergroups.users.list']);
    });

    it('two approvers confirming at once start exactly one rollback', async () => {
      world = await startWorld({ store });
      const incident = await world.openIncident();
      await world.act({
        user: LEAD,
        actionId: ACTION.immediate,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: incident.slackTs ?? '',
      });
      const metadata = (world.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string })
        .private_metadata;
      await Promise.all([
        world.submit(LEAD, VIEW.confirmRollback, metadata),
        world.submit(ALICE, VIEW.confirmRollback, metadata),
      ]);
      expect(world.engine.started).toHaveLength(1);
      expect(world.rewind.store.rollbacks.history().map((r) => r.status)).toEqual(['running']);
      const ephemerals = world.slack.callsTo('chat.postEphemeral').map((c) => c.args.user);
      expect(ephemerals.sort()).toEqual([ALICE, LEAD].sort());
    });

    it('requiredApprovals 2: waits for a second approver, refuses the same one twice, then starts', async () => {
      world = await startWorld({ store, config: (c) => (c.slack.requiredApprovals = 2) });
      const incident = await world.openIncident();
      const ts = incident.slackTs ?? '';
      await world.act({
        user: LEAD,
        actionId: ACTION.gradual,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: ts,
      });
      const metadata = (world.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string })
        .private_metadata;
      await world.submit(LEAD, VIEW.confirmRollback, metadata);
      expect(world.engine.started).toEqual([]);
      const [rollback] = world.rewind.store.rollbacks.history();
      expect(rollback?.status).toBe('pending');
      const approvalNote = world.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.thread_ts === ts)
        .find((c) => actionIds(c).includes(ACTION.approve));
      expect(approvalNote).toBeDefined();

      await world.act({ user: LEAD, actionId: ACTION.approve, value: rollback?.id ?? '', messageTs: ts });
      expect(world.engine.started).toEqual([]);
      expect(String(world.slack.responses.at(-1)?.body.text)).toContain(rollback?.id ?? '');

      await world.act({ user: ALICE, actionId: ACTION.approve, value: rollback?.id ?? '', messageTs: ts });
      expect(world.engine.started.map((r) => r.id)).toEqual([rollback?.id]);
      expect(
        world.rewind.store.approvals
          .list(rollback?.id ?? '')
          .map((a) => a.approver)
          .sort(),
      ).toEqual([ALICE, LEAD].sort());
    });

    it('Pause, Resume and Abort buttons control the running rollback; a non-approver cannot', async () => {
      world = await startWorld({ store });
      const incident = await world.openIncident();
      const ts = incident.slackTs ?? '';
      await world.act({
        user: LEAD,
        actionId: ACTION.gradual,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: ts,
      });
      const metadata = (world.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string })
        .private_metadata;
      await world.submit(LEAD, VIEW.confirmRollback, metadata);
      const id = world.engine.started[0]?.id ?? '';
      await world.act({ user: MALLORY, actionId: ACTION.pause, value: id, messageTs: ts });
      await world.act({ user: ALICE, actionId: ACTION.pause, value: id, messageTs: ts });
      await world.act({ user: ALICE, actionId: ACTION.resume, value: id, messageTs: ts });
      await world.act({ user: LEAD, actionId: ACTION.abort, value: id, messageTs: ts });
      expect(world.engine.controls.map((c) => [c.control, c.by])).toEqual([
        ['pause', ALICE],
        ['resume', ALICE],
        ['abort', LEAD],
      ]);
      expect(world.rewind.store.audit.list({ actorId: MALLORY }).map((a) => [a.action, a.outcome])).toEqual([
        ['rollback.pause', 'refused'],
      ]);
    });
  });

  describe('other decisions', () => {
    it('Try a fix, Acknowledge and Resolve move the incident and say who did it', async () => {
      world = await startWorld({ store });
      const incident = await world.openIncident();
      const ts = incident.slackTs ?? '';
      await world.act({
        user: ALICE,
        actionId: ACTION.fix,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: ts,
      });
      expect(world.rewind.store.incidents.get(incident.id)?.status).toBe('fixing');
      await world.act({
        user: MALLORY,
        actionId: ACTION.acknowledge,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: ts,
      });
      expect(world.rewind.store.incidents.get(incident.id)).toMatchObject({ acknowledgedBy: MALLORY });
      expect(actionIds(world.slack.callsTo('chat.update').at(-1))).not.toContain(ACTION.acknowledge);
      await world.act({
        user: ALICE,
        actionId: ACTION.resolve,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: ts,
      });
      expect(world.rewind.store.incidents.get(incident.id)?.status).toBe('resolved');
      expect(actionIds(world.slack.callsTo('chat.update').at(-1))).toEqual([]);
      const thread = world.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.thread_ts === ts)
        .map(textOf);
      expect(thread).toHaveLength(3);
      expect(thread[0]).toContain(`<@${ALICE}>`);
      expect(thread[1]).toContain(`<@${MALLORY}>`);
      // Clicking on the resolved incident again is refused and changes nothing.
      await world.act({
        user: ALICE,
        actionId: ACTION.nextRelease,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: ts,
      });
      expect(world.rewind.store.incidents.get(incident.id)?.status).toBe('resolved');
      expect(String(world.slack.responses.at(-1)?.body.text)).toContain(incident.id);
    });
  });

  describe('request verification and idempotency', () => {
    it('refuses a forged signature and a stale timestamp with 401, changing nothing', async () => {
      world = await startWorld({ store });
      const incident = await world.openIncident();
      const body = interactionBody(
        blockActionsPayload({
          user: LEAD,
          actionId: ACTION.fix,
          value: incident.id,
          channel: 'C0INCIDENT',
          messageTs: incident.slackTs ?? '',
        }),
      );
      const forged = await postSigned(world.url, body, { secret: SECRET, signature: `v0=${'0'.repeat(64)}` });
      expect(forged.status).toBe(401);
      const wrongSecret = await postSigned(world.url, body, { secret: 'not-the-secret' });
      expect(wrongSecret.status).toBe(401);
      const stale = await postSigned(world.url, body, { secret: SECRET, timestamp: nowSeconds() - 6 * 60 });
      expect(stale.status).toBe(401);
      await world.settle();
      expect(world.rewind.store.incidents.get(incident.id)?.status).toBe('awaiting_decision');
      // Sorted: the head message and the stakeholder notice go out side by side.
      expect(
        world.rewind.services.queries
          .timeline(incident.id)
          .map((e) => e.kind)
          .sort(),
      ).toEqual(['detected', 'posted', 'stakeholder_notice', 'status']);
    });

    it('a redelivered payload (x-slack-retry-num) changes nothing twice', async () => {
      world = await startWorld({ store });
      const incident = await world.openIncident();
      const body = interactionBody(
        blockActionsPayload({
          user: ALICE,
          actionId: ACTION.fix,
          value: incident.id,
          channel: 'C0INCIDENT',
          messageTs: incident.slackTs ?? '',
          triggerId: '123.456.abc',
          responseUrl: world.slack.responseUrl(),
        }),
      );
      expect((await postSigned(world.url, body, { secret: SECRET })).status).toBe(200);
      expect((await postSigned(world.url, body, { secret: SECRET, retryNum: 1 })).status).toBe(200);
      expect((await postSigned(world.url, body, { secret: SECRET, retryNum: 2, retryReason: 'timeout' })).status).toBe(
        200,
      );
      await world.settle();
      const decisions = world.rewind.services.queries.timeline(incident.id).filter((e) => e.kind === 'decision');
      expect(decisions).toHaveLength(1);
      expect(world.slack.responses).toEqual([]); // no "already fixing" refusal for the repeats either
    });

    it('a redelivered slash command is acted on once', async () => {
      world = await startWorld({ store });
      const body = slashCommandBody({
        command: COMMAND.rollback,
        text: 'complaint prompt-service answers in the wrong language',
        user_id: ALICE,
        channel_id: 'C0INCIDENT',
        trigger_id: '777.888.xyz',
      });
      const first = await postSigned(world.url, body, { secret: SECRET });
      expect(((await first.json()) as { text: string }).text).toContain('prompt-service');
      const again = await postSigned(world.url, body, { secret: SECRET, retryNum: 1 });
      expect(again.status).toBe(200);
      await world.settle();
      expect(world.rewind.store.complaints.recent('prompt-service').map((c) => [c.reportedBy, c.text])).toEqual([
        [ALICE, 'answers in the wrong language'],
      ]);
    });
  });

  describe('App Home', () => {
    it('publishes open incidents, rollbacks in progress and the next drill', async () => {
      world = await startWorld({ store });
      const incident = await world.openIncident();
      await world.homeOpened(ALICE);
      const published = world.slack.callsTo('views.publish');
      expect(published).toHaveLength(1);
      expect(published[0]?.args.user_id).toBe(ALICE);
      const text = textOf(published[0]);
      expect(text).toContain(incident.id);
      expect(text).toContain(
        `https://rewind-test.slack.com/archives/C0INCIDENT/p${incident.slackTs?.replace('.', '')}`,
      );
      expect(text).toContain('2026-04-01'); // the next quarterly drill after 2026-01-05, in Asia/Tokyo
    });
  });

  describe('a tampered confirmation', () => {
    it('is refused with a message and starts nothing', async () => {
      world = await startWorld({ store });
      await world.openIncident();
      await world.submit(
        LEAD,
        VIEW.confirmRollback,
        JSON.stringify({ service: 'prompt-service', toVersion: 'v1.0.0', strategy: 'sideways' }),
      );
      expect(world.engine.started).toEqual([]);
      expect(world.rewind.store.rollbacks.history()).toEqual([]);
      expect(String(world.slack.callsTo('chat.postEphemeral').at(-1)?.args.text)).toContain('nothing was started');
    });
  });

  describe('who may resolve', () => {
    it('anyone may acknowledge, only approvers may resolve; a refused resolve is audited, no change', async () => {
      world = await startWorld({ store });
      const incident = await world.openIncident();
      const ts = incident.slackTs ?? '';
      await world.act({
        user: MALLORY,
        actionId: ACTION.acknowledge,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: ts,
      });
      expect(world.rewind.store.incidents.get(incident.id)?.acknowledgedBy).toBe(MALLORY);
      await world.act({
        user: MALLORY,
        actionId: ACTION.resolve,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: ts,
      });
      expect(world.rewind.store.incidents.get(incident.id)?.status).toBe('awaiting_decision');
      expect(String(world.slack.responses.at(-1)?.body.text)).toContain('<@U0LEAD>');
      const byCommand = await world.command(MALLORY, COMMAND.incident, `resolve ${incident.id}`);
      expect(byCommand.body.text).toContain('<@U0LEAD>');
      expect(world.rewind.store.audit.list({ actorId: MALLORY }).map((a) => [a.action, a.outcome])).toEqual([
        ['incident.resolve', 'refused'],
        ['incident.resolve', 'refused'],
      ]);
      await world.act({
        user: LEAD,
        actionId: ACTION.resolve,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: ts,
      });
      expect(world.rewind.store.incidents.get(incident.id)?.status).toBe('resolved');
    });
  });
});
