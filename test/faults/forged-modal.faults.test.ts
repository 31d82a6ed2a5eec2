/**
 * A signed confirmation whose metadata was changed after the dialog opened, sent to the real bot
 * process: another service, a version that does not exist. Each is planned again from the state
 * then and refused to the person who sent it; no rollback row, no Kubernetes write, no thread note,
 * nothing said to have started. The dialog as the bot opened it still starts the rollback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../src/adapters/slack/ids.ts';
import { settleAndCheck } from './support/checks.ts';
import { format } from './support/invariants.ts';
import { IN_FAULT_SUITE, LEAD, Rig } from './support/rig.ts';
import { fastRunbook, openIncident, rollbacksOf } from './support/scenarios.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

describe.skipIf(!IN_FAULT_SUITE)('a forged confirmation dialog', () => {
  it('changed service or version: refused with the reason, nothing written or posted; the real one runs', async () => {
    rig = await Rig.start({ scale: 60, config: fastRunbook });
    const r = rig;
    const incident = await openIncident(r);
    const click = await r.act({
      user: LEAD,
      actionId: ACTION.immediate,
      value: incident.id,
      blockId: BLOCK.decisions,
      messageTs: incident.slack_ts,
    });
    expect(click.status).toBe(200);
    const opened = await r.until('the confirmation dialog', () => r.slack.callsTo('views.open')[0]);
    const shown = JSON.parse((opened.args.view as { private_metadata: string }).private_metadata) as Record<
      string,
      unknown
    >;
    expect(shown).toMatchObject({ incidentId: incident.id, service: 'prompt-service', toVersion: 'v1.5.0' });

    const threadPosts = () => r.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === incident.slack_ts);
    const postsBefore = threadPosts().length;
    const forgeries: Array<[Record<string, unknown>, string]> = [
      [{ ...shown, service: 'payments' }, 'payments'],
      [{ ...shown, toVersion: 'v9.9.9' }, 'v9.9.9'],
    ];
    for (const [metadata, named] of forgeries) {
      const told = r.slack.callsTo('chat.postEphemeral').length;
      const answer = await r.submit(LEAD, VIEW.confirmRollback, JSON.stringify(metadata));
      expect(answer.status).toBe(200);
      const refusal = await r.until(`the refusal of ${named}`, () => r.slack.callsTo('chat.postEphemeral')[told]);
      expect(refusal.args.user).toBe(LEAD);
      expect(String(refusal.args.text)).toContain(named);
      expect(String(refusal.args.text)).toContain('Nothing was started');
    }
    // A moment for anything the refusals might have set off (a row, a write, a note) to show; the
    // single rollback row at the end is the check that does not depend on this wait.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(rollbacksOf(r)).toEqual([]);
    expect(r.kube.writes()).toEqual([]);
    expect(
      threadPosts()
        .slice(postsBefore)
        .map((c) => String(c.args.text)),
    ).toEqual([]);
    expect(
      r.slack
        .callsTo('chat.postEphemeral')
        .map((c) => String(c.args.text))
        .filter((t) => t.includes('started. Follow it')),
    ).toEqual([]);

    // The dialog as the bot opened it still works.
    expect((await r.submit(LEAD, VIEW.confirmRollback, JSON.stringify(shown))).status).toBe(200);
    const started = await r.until('the rollback started', () => rollbacksOf(r)[0]);
    expect(started).toMatchObject({ incident_id: incident.id, strategy: 'immediate' });
    await r.until(
      'the rollback over',
      () => ['succeeded', 'failed', 'aborted'].includes(rollbacksOf(r)[0]?.status ?? ''),
      60_000,
    );
    const { violations } = await settleAndCheck(r);
    expect(violations, format(violations)).toEqual([]);
    expect(rollbacksOf(r).map((x) => x.status)).toEqual(['succeeded']);
  });
});
