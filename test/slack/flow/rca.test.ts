/**
 * The RCA draft after a rollback (runbook 根本原因分析テンプレート): posted as a Markdown file in the
 * incident thread, kept in the database, its timeline filled from what happened, in order, with the
 * right actors and the impact duration from detection to recovery.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import { blockActionsPayload, interactionBody, postSigned } from '../../support/slack-signing.ts';
import { LEAD, SECRET, actionIds, startWorld, T0, type World } from '../../support/world.ts';

const MIN = 60_000;
let world: World;
afterEach(async () => world?.stop());

describe('RCA draft', () => {
  it('after a rollback the resolved note offers it; the upload holds the template, the timeline in order', async () => {
    world = await startWorld({
      kube: {},
      config: (c) => (c.services['prompt-service'].router = { kind: 'service-selector', service: 'prompt-service' }),
    });
    const incident = await world.openIncident();
    await world.runUntil(() => world.clock.now() >= T0 + 4 * MIN, { stepMs: 30_000 });
    await world.act({
      user: LEAD,
      actionId: ACTION.immediate,
      value: incident.id,
      blockId: BLOCK.decisions,
      messageTs: incident.slackTs ?? '',
    });
    const metadata = (world.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string }).private_metadata;
    await world.submit(LEAD, VIEW.confirmRollback, metadata);
    await world.runUntil(() => world.rewind.store.incidents.get(incident.id)?.status === 'resolved', {
      maxMs: 20 * MIN,
    });

    const resolvedNote = world.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.thread_ts === incident.slackTs)
      .find((c) => actionIds(c).includes(ACTION.draftRca));
    expect(resolvedNote).toBeDefined();
    await world.act({
      user: LEAD,
      actionId: ACTION.draftRca,
      value: incident.id,
      blockId: BLOCK.decisions,
      messageTs: incident.slackTs ?? '',
    });

    const complete = world.slack.callsTo('files.completeUploadExternal').at(-1);
    expect(complete?.args).toMatchObject({ channel_id: 'C0INCIDENT', thread_ts: incident.slackTs });
    const [markdown] = [...world.slack.uploads.values()];
    expect(markdown).toBe(world.rewind.store.rcaDrafts.get(incident.id)?.markdown);
    const md = markdown ?? '';
    expect(md).toContain(`# Root cause analysis — ${incident.id} (draft)`);
    expect(md).toContain('- Incident time: 2026-01-05 18:00 (Asia/Tokyo)');
    const resolvedAt = world.rewind.store.incidents.get(incident.id)?.resolvedAt ?? 0;
    expect(md).toContain(`- Impact duration: ${Math.round((resolvedAt - T0) / MIN)} minutes (detection to recovery)`);
    const rows = md.split('\n').filter((l) => /^\| \d\d:\d\d \|/.test(l));
    expect(rows.map((r) => r.replace(/^\| \d\d:\d\d \| /, ''))).toEqual([
      'Detected: error_rate 7.2% > 5% (warning) |',
      'Decision: immediate, by @U0LEAD |',
      'Rollback started v2.0.0 → v1.5.0, by @U0LEAD |',
      'Rollback succeeded |',
      'Recovery confirmed, resolved by rollback-engine |',
    ]);
    expect(md).toContain('## Root cause');
    expect(md).toContain('- [ ] [Owner] [Task] [Due]');
  });

  it('/incident rca posts the draft for an open incident too; an unknown id is refused', async () => {
    world = await startWorld();
    const incident = await world.openIncident();
    const answer = await world.command(LEAD, '/incident', `rca ${incident.id}`);
    expect(answer.body.text).toContain('RCA draft');
    await world.settle();
    expect(world.slack.callsTo('files.completeUploadExternal')).toHaveLength(1);
    expect([...world.slack.uploads.values()][0]).toContain('- Impact duration: not recovered yet');
    const unknown = await world.command(LEAD, '/incident', 'rca INC-20990101-001');
    expect(unknown.body.text).toContain('INC-20990101-001');
  });
});

describe('post-actions after a rollback', () => {
  it(
    'tells the stakeholders (updated on resolution) and schedules the post-mortem for the next working day, naming ' +
      'the participants',
    async () => {
      world = await startWorld({
        kube: {},
        config: (c) => (c.services['prompt-service'].router = { kind: 'service-selector', service: 'prompt-service' }),
      });
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
      await world.submit(LEAD, VIEW.confirmRollback, metadata);
      await world.runUntil(() => world.rewind.store.incidents.get(incident.id)?.status === 'resolved', {
        maxMs: 20 * MIN,
      });
      await world.settle();

      // A warning incident: the stakeholders heard of it when it opened, and the same message followed it.
      const notices = world.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0STAKEHOLDERS');
      expect(notices).toHaveLength(1);
      expect(String(notices[0]?.args.text)).toContain(
        `📣 *${incident.id}* · prompt-service\n*What users saw*: Users received errors`,
      );
      expect(String(notices[0]?.args.text)).toContain(
        '*Next update*: When the service is restored, or sooner if the plan changes.',
      );
      const updated = world.slack
        .callsTo('chat.update')
        .filter((c) => c.args.channel === 'C0STAKEHOLDERS')
        .at(-1);
      expect(String(updated?.args.text)).toContain(`✅ *${incident.id}* · prompt-service · resolved`);
      expect(String(updated?.args.text)).toContain('*Next update*: None: this is the final update.');

      const thread = () =>
        world.slack
          .callsTo('chat.postMessage')
          .filter((c) => c.args.thread_ts === incident.slackTs)
          .map((c) => String(c.args.text));
      expect(thread().some((t) => t.includes('Post-mortem scheduled') && t.includes('<@U0LEAD>'))).toBe(true);
      // 2026-01-05 18:00 in Tokyo is a Monday evening: the post-mortem is Tuesday 10:00 JST (01:00 UTC).
      expect(world.rewind.store.timers.list({ kind: 'postmortem' })[0]?.dueAt).toBe(Date.UTC(2026, 0, 6, 1, 0));
      // Overnight: nothing else is due, so jump to just before the post-mortem rather than playing every evaluation
      // round.
      world.clock.jumpTo(Date.UTC(2026, 0, 6, 0, 59));
      await world.runUntil(() => world.clock.now() >= Date.UTC(2026, 0, 6, 1, 1), { stepMs: 30_000, maxMs: 10 * MIN });
      expect(thread().some((t) => t.includes('Post-mortem time') && t.includes('<@U0LEAD>'))).toBe(true);

      // The fix-preparation checklist: ticked in the thread, kept with the incident.
      const checklist = world.slack
        .callsTo('chat.postMessage')
        .find((c) => c.args.thread_ts === incident.slackTs && actionIds(c).includes(ACTION.fixPrep));
      expect(actionIds(checklist)).toEqual([ACTION.fixPrep, ACTION.fixPrep, ACTION.canaryFix]);
      const tick = async (part: number, values: string[], user: string) => {
        const payload = blockActionsPayload({
          user,
          actionId: ACTION.fixPrep,
          blockId: `fix_prep:${part}`,
          channel: 'C0INCIDENT',
          messageTs: '1700000000.999999',
          threadTs: incident.slackTs ?? '',
        });
        (payload.actions as unknown[])[0] = {
          type: 'checkboxes',
          action_id: ACTION.fixPrep,
          block_id: `fix_prep:${part}`,
          action_ts: '1700000001.000001',
          selected_options: values.map((v) => ({ text: { type: 'plain_text', text: v }, value: v })),
        };
        await postSigned(world.url, interactionBody(payload), { secret: SECRET });
        await world.settle();
      };
      await tick(0, ['identify.logs', 'identify.reproduce'], 'U0ALICE');
      await tick(1, ['tests.suite'], LEAD);
      await tick(0, ['identify.logs'], 'U0ALICE');
      expect(world.rewind.store.checklists.checked(incident.id, 'fix_prep').map((c) => [c.item, c.checkedBy])).toEqual([
        ['identify.logs', 'U0ALICE'],
        ['tests.suite', LEAD],
      ]);
    },
  );
});
