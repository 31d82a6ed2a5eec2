/**
 * A critical alert while a person's rollback of the service waits for its second approver: the
 * automatic rollback is not started over it, and the thread says so — what came, which rollback
 * holds the service, and how to go on — instead of nothing at all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import { englishWords } from '../../support/no-english.ts';
import { LEAD, startWorld, type ConfigDoc, type World } from '../../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

const critical = {
  service: 'prompt-service',
  severity: 'critical',
  summary: 'error rate above 10%',
  labels: { version: 'v2.0.0' },
};

/** A gradual rollback asked for and confirmed by LEAD: with two approvals required, it waits for a second. */
async function pendingGradual(w: World) {
  const incident = await w.openIncident();
  const messageTs = incident.slackTs ?? '';
  await w.act({ user: LEAD, actionId: ACTION.gradual, value: incident.id, blockId: BLOCK.decisions, messageTs });
  const view = w.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string };
  await w.submit(LEAD, VIEW.confirmRollback, view.private_metadata);
  await w.settle();
  const [rollback] = w.rewind.store.rollbacks.history();
  expect(rollback?.status).toBe('pending');
  return { incident, rollback: rollback! };
}

const threadOf = (w: World, ts: string | null) =>
  w.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.thread_ts === ts)
    .map((c) => String(c.args.text));

const twoApprovals = (locale: 'en' | 'ja') => (c: ConfigDoc) => {
  c.slack.requiredApprovals = 2;
  c.locale = locale;
};

describe('a critical alert while a rollback waits for its second approver', () => {
  it('starts nothing over it, and the thread says which rollback holds the service and how to go on', async () => {
    world = await startWorld({ config: twoApprovals('en') });
    const { incident, rollback } = await pendingGradual(world);
    expect(await world.postAlert('generic', critical)).toMatchObject({ status: 202 });
    const held = (t: string) => t.startsWith('🚨 Rewind did not start the automatic rollback');
    await world.runUntil(() => threadOf(world, incident.slackTs).some(held), { maxMs: 5 * 60_000 });

    expect(threadOf(world, incident.slackTs).filter(held)).toEqual([
      '🚨 Rewind did not start the automatic rollback (critical alert; `autoRollback: critical`): Gradual rollback ' +
        `${rollback.id} already holds *prompt-service* (Waiting for approval). Go on with it, or abort it and roll ` +
        'back now: `/rollback abort prompt-service`, then `/rollback immediate prompt-service`.',
    ]);
    expect(world.rewind.store.rollbacks.history().map((r) => [r.id, r.status])).toEqual([[rollback.id, 'pending']]);
    expect(world.engine.started).toEqual([]);
    expect(world.rewind.store.incidents.get(incident.id)?.severity).toBe('critical');
  });

  it('says it in Japanese when the locale is ja', async () => {
    world = await startWorld({ config: twoApprovals('ja') });
    const { incident, rollback } = await pendingGradual(world);
    await world.postAlert('generic', critical);
    const held = (t: string) => t.includes('自動ロールバックを開始しませんでした');
    await world.runUntil(() => threadOf(world, incident.slackTs).some(held), { maxMs: 5 * 60_000 });
    const [note] = threadOf(world, incident.slackTs).filter(held);
    expect(note).toContain(`段階的ロールバック ${rollback.id} がすでに *prompt-service* を扱っているため（承認待ち）`);
    // The reason is the alert path's own words (stored data), the commands are code.
    expect(englishWords(note!, ['prompt-service', rollback.id, 'critical', 'alert'])).toEqual([]);
    expect(world.engine.started).toEqual([]);
  });
});
