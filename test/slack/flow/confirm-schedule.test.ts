/**
 * A confirmation dialog's planned time and incident come back from Slack like the rest of its
 * metadata: on submit they are held to the command's own rules — a time ahead of now and at most
 * 30 days out, the service's open incident when there is one — and refused, saying why, before any
 * row is written. Signed submissions to the running bot, forged and genuine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { formatTimeInZone } from '../../../src/adapters/slack/blocks/format.ts';
import { PLANNED_MAX_AHEAD_MS as COMMAND_MAX_AHEAD_MS } from '../../../src/adapters/slack/commands/types.ts';
import { ACTION, BLOCK, COMMAND, VIEW } from '../../../src/adapters/slack/ids.ts';
import { PLANNED_MAX_AHEAD_MS } from '../../../src/services/rollback-planner.ts';
import type { Incident } from '../../../src/domain/types.ts';
import { LEAD, startWorld, type World } from '../../support/world.ts';

const MIN = 60_000;
const ZONE = 'Asia/Tokyo'; // drills.timezone of the shipped config: the zone every time is written in
let world: World;
afterEach(async () => world?.stop());

type Metadata = Record<string, unknown>;

async function dialogOf(w: World, open: () => Promise<unknown>): Promise<Metadata> {
  const count = w.slack.callsTo('views.open').length + 1;
  await open();
  const view = (await w.slack.waitForCall('views.open', { count })).args.view as { private_metadata: string };
  return JSON.parse(view.private_metadata) as Metadata;
}

const fromButton = (w: World, incident: Incident) =>
  dialogOf(w, () =>
    w.act({
      user: LEAD,
      actionId: ACTION.immediate,
      value: incident.id,
      blockId: BLOCK.decisions,
      messageTs: incident.slackTs ?? '',
    }),
  );

/** Submits as LEAD; what LEAD was told, and whether a rollback row appeared. */
async function submit(w: World, metadata: Metadata): Promise<{ said: string; rows: number }> {
  const before = w.slack.callsTo('chat.postEphemeral').length;
  const rowsBefore = w.rewind.store.rollbacks.history().length;
  await w.submit(LEAD, VIEW.confirmRollback, JSON.stringify(metadata));
  const told = w.slack.callsTo('chat.postEphemeral').slice(before);
  expect(told).toHaveLength(1);
  return { said: String(told[0]?.args.text), rows: w.rewind.store.rollbacks.history().length - rowsBefore };
}

const passed = (at: number) =>
  `🚫 This rollback of *prompt-service* was planned for ${formatTimeInZone(at, ZONE, 'en')}, and that time has ` +
  `passed. Nothing was started: plan it again with \`/rollback planned prompt-service at &lt;time&gt;\`, or roll ` +
  `back now with \`/rollback immediate prompt-service\`.`;
const tooFar = (at: number) =>
  `🚫 This rollback of *prompt-service* is planned for ${formatTimeInZone(at, ZONE, 'en')}, more than 30 days ahead. ` +
  `Nothing was started: a rollback can be planned at most 30 days out (\`/rollback planned prompt-service at ` +
  `&lt;time&gt;\`).`;

describe('the planned time and incident of a submitted confirmation', () => {
  it(
    'forged to 1970, to 2100, or to no incident: refused with the reason, no row; the service is free for a real ' +
      'rollback',
    async () => {
      world = await startWorld();
      const incident = await world.openIncident();
      const shown = await fromButton(world, incident);
      expect(shown.scheduledFor).toBeNull(); // the dialog said "now"

      expect(await submit(world, { ...shown, scheduledFor: 1 })).toEqual({ said: passed(1), rows: 0 });
      const in2100 = Date.UTC(2100, 0, 1);
      expect(await submit(world, { ...shown, scheduledFor: in2100 })).toEqual({ said: tooFar(in2100), rows: 0 });
      expect(await submit(world, { ...shown, incidentId: null })).toEqual({
        said:
          `🚫 The immediate rollback of *prompt-service* is no longer what this dialog showed: the rollback now ` +
          `belongs to incident ${incident.id} (the dialog showed no incident). Nothing was started: open the dialog ` +
          `again to see the plan as it stands now.`,
        rows: 0,
      });
      expect(world.engine.started).toHaveLength(0);

      // Nothing holds the service: the dialog as shown starts at once.
      const genuine = await submit(world, shown);
      expect(genuine).toEqual({
        said: '🚀 Rollback of *prompt-service* to `v1.5.0` started. Follow it in the incident thread.',
        rows: 1,
      });
      expect(world.rewind.store.rollbacks.history()[0]).toMatchObject({ scheduledFor: null, incidentId: incident.id });
    },
  );

  it('a planned time passing while the dialog is open is refused, not run now; one ahead is scheduled', async () => {
    world = await startWorld();
    const incident = await world.openIncident();
    const planned = await dialogOf(world, () =>
      world.command(LEAD, COMMAND.rollback, 'planned prompt-service in 30m immediate'),
    );
    const at = world.clock.now() + 30 * MIN;
    expect(planned).toMatchObject({ incidentId: incident.id, scheduledFor: at });

    const ahead = await submit(world, planned);
    expect(ahead.rows).toBe(1);
    expect(ahead.said).toContain('planned for');
    expect(world.rewind.store.rollbacks.history()[0]).toMatchObject({ status: 'scheduled', scheduledFor: at });
    await world.rewind.services.rollbacks.control({ service: 'prompt-service' }, 'abort', { kind: 'user', id: LEAD });

    const again = await dialogOf(world, () =>
      world.command(LEAD, COMMAND.rollback, 'planned prompt-service in 30m immediate'),
    );
    await world.runUntil(() => world.clock.now() >= (again.scheduledFor as number) + MIN, {
      stepMs: 60_000,
      maxMs: 40 * MIN,
    });
    expect(await submit(world, again)).toEqual({ said: passed(again.scheduledFor as number), rows: 0 });
    expect(world.engine.started).toHaveLength(0);
  });

  it('ja: the refusals are in Japanese', async () => {
    world = await startWorld({ config: (c) => (c.locale = 'ja') });
    const incident = await world.openIncident();
    const shown = await fromButton(world, incident);
    expect((await submit(world, { ...shown, scheduledFor: 1 })).said).toBe(
      `🚫 *prompt-service* のこのロールバックは ${formatTimeInZone(1, ZONE, 'ja')} に予定されていましたが、その時刻は過ぎています。何も開始していません。` +
        `\`/rollback planned prompt-service at &lt;時刻&gt;\` で計画し直すか、\`/rollback immediate prompt-service\` ` +
        `で今すぐロールバックしてください。`,
    );
    const far = world.clock.now() + 31 * 24 * 60 * MIN;
    expect((await submit(world, { ...shown, scheduledFor: far })).said).toBe(
      `🚫 *prompt-service* のこのロールバックの予定 ${formatTimeInZone(far, ZONE, 'ja')} は30日より先です。何も開始していません。` +
        `計画的ロールバックは30日以内で指定してください（\`/rollback planned prompt-service at &lt;時刻&gt;\`）。`,
    );
    expect((await submit(world, { ...shown, incidentId: null })).said).toContain(
      `このロールバックはインシデント ${incident.id} のものになります（ダイアログでは インシデントなし）`,
    );
    expect(world.rewind.store.rollbacks.history()).toHaveLength(0);
  });

  it('the plan and the command allow the same 30 days', () => {
    expect(PLANNED_MAX_AHEAD_MS).toBe(COMMAND_MAX_AHEAD_MS);
  });
});
