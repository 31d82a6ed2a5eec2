/**
 * The cautious-canary modal's metadata comes back from Slack, forged or stale: the submission is
 * planned again from the state then and must be the canary the modal showed — the incident's own
 * service, the same stable version, steps and settings, a version the service has. A refusal
 * stays on the modal; it leaves no canary row, no Kubernetes write and no "started".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import { selectState } from '../../../src/demo/stand-ins/slack-signing.ts';
import type { Incident } from '../../../src/domain/types.ts';
import { rolledBackAndResolved, withFix } from '../../support/canary-flow.ts';
import { ALICE, LEAD, startWorld, textOf, type World } from '../../support/world.ts';

const MIN = 60_000;
let world: World;
afterEach(async () => world?.stop());

const KUBE = { versions: ['v2.0.1', 'v2.0.0', 'v1.5.0', 'v1.0.0'], split: { 'v2.0.0': 100 } };

/** The canary modal's metadata, opened from the fix-prep note's button. */
async function canaryModal(w: World, incident: Incident, user = LEAD): Promise<Record<string, unknown>> {
  const count = w.slack.callsTo('views.open').length + 1;
  await w.act({
    user,
    actionId: ACTION.canaryFix,
    value: incident.id,
    blockId: BLOCK.decisions,
    messageTs: '1767603600.000900',
    threadTs: incident.slackTs ?? '',
  });
  const view = (await w.slack.waitForCall('views.open', { count })).args.view as {
    callback_id: string;
    private_metadata: string;
  };
  expect(view.callback_id).toBe(VIEW.canaryFix);
  return JSON.parse(view.private_metadata) as Record<string, unknown>;
}

const canaries = (w: World) => w.rewind.store.rollbacks.history().filter((r) => r.strategy === 'canary');
const submitCanary = (w: World, user: string, metadata: Record<string, unknown>, version: string) =>
  w.submit(user, VIEW.canaryFix, JSON.stringify(metadata), {
    [BLOCK.canaryVersion]: { version: selectState(version) },
  });

/**
 * What a started canary leaves behind. While another one runs, its own steps write and post: then only rows and
 * ephemerals are compared.
 */
function traces(w: World, whileRunning: boolean) {
  const rows = {
    rollbacks: w.rewind.store.rollbacks.history().map((r) => r.id),
    ephemerals: w.slack.callsTo('chat.postEphemeral').length,
  };
  return whileRunning
    ? rows
    : { ...rows, writes: w.kube!.writes().length, posts: w.slack.callsTo('chat.postMessage').length };
}

/** Submits as LEAD and expects the modal to stay open with `says` under the field, and nothing else to change. */
async function expectRefusedOnModal(
  w: World,
  metadata: Record<string, unknown>,
  version: string,
  says: string[],
  whileRunning = false,
): Promise<void> {
  const before = traces(w, whileRunning);
  const answer = await submitCanary(w, LEAD, metadata, version);
  expect(answer.body.response_action).toBe('errors');
  const error = String(answer.body.errors?.[BLOCK.canaryVersion]);
  for (const piece of says) expect(error).toContain(piece);
  if (!whileRunning) await w.runUntil(() => false, { maxMs: 2 * MIN }).catch(() => undefined);
  expect(traces(w, whileRunning)).toEqual(before);
}

describe('a submitted canary modal is planned again from the state then', () => {
  it('carries what it showed; as shown, the canary starts at 1%', async () => {
    world = await startWorld({ kube: KUBE, config: withFix });
    const incident = await rolledBackAndResolved(world);
    const shown = await canaryModal(world, incident);
    expect(shown).toEqual({
      incidentId: incident.id,
      service: 'prompt-service',
      fromVersion: 'v1.5.0',
      steps: [1, 5, 25, 50, 100],
      requiredApprovals: 1,
      dryRun: false,
    });
    const answer = await submitCanary(world, LEAD, shown, 'v2.0.1');
    expect(answer.body.response_action).toBeUndefined();
    expect(textOf(world.slack.callsTo('chat.postEphemeral').at(-1))).toContain(
      'Cautious canary of *prompt-service* `v2.0.1` started at 1%',
    );
    expect(canaries(world).map((r) => [r.fromVersion, r.toVersion])).toEqual([['v1.5.0', 'v2.0.1']]);
  });

  it('forged: another service than the incident’s, a version the service lacks, other steps or settings', async () => {
    world = await startWorld({ kube: KUBE, config: withFix });
    const incident = await rolledBackAndResolved(world);
    const shown = await canaryModal(world, incident);
    await expectRefusedOnModal(world, { ...shown, service: 'prompt-service-staging' }, 'v2.0.1', [
      `This dialog names prompt-service-staging, but incident ${incident.id} is about prompt-service`,
    ]);
    await expectRefusedOnModal(world, shown, 'v9.9.9', [
      'prompt-service has no version v9.9.9',
      'v2.0.1, v2.0.0, v1.5.0, v1.0.0',
    ]);
    await expectRefusedOnModal(world, { ...shown, fromVersion: 'v1.0.0' }, 'v2.0.1', [
      'the stable version is now v1.5.0 (the dialog showed v1.0.0)',
    ]);
    await expectRefusedOnModal(world, { ...shown, steps: [100] }, 'v2.0.1', [
      'the steps are now 1% → 5% → 25% → 50% → 100% (the dialog showed 100%)',
    ]);
    await expectRefusedOnModal(world, { ...shown, dryRun: true }, 'v2.0.1', [
      'it would now change the cluster (the dialog said dry run)',
    ]);
    expect(canaries(world)).toEqual([]);
  });

  it('stale: refused while another canary runs, and after it moved the stable version', async () => {
    world = await startWorld({ kube: KUBE, config: withFix });
    const incident = await rolledBackAndResolved(world);
    const stale = await canaryModal(world, incident);
    const other = await canaryModal(world, incident, ALICE);
    expect((await submitCanary(world, ALICE, other, 'v2.0.1')).body.response_action).toBeUndefined();
    await expectRefusedOnModal(
      world,
      stale,
      'v1.0.0',
      ['canary re-deploy of prompt-service is already in progress'],
      true,
    );

    await world.runUntil(() => canaries(world)[0]?.status === 'succeeded', { stepMs: 30_000, maxMs: 120 * MIN });
    await expectRefusedOnModal(world, stale, 'v1.0.0', [
      'the stable version is now v2.0.1 (the dialog showed v1.5.0)',
      'open the dialog again',
    ]);
    expect(canaries(world).map((r) => [r.startedBy, r.toVersion])).toEqual([[ALICE, 'v2.0.1']]);
  });

  it("an older Rewind's metadata (the incident id alone) is not read: told privately, nothing started", async () => {
    world = await startWorld({ kube: KUBE, config: withFix });
    const incident = await rolledBackAndResolved(world);
    const writes = world.kube!.writes().length;
    const answer = await submitCanary(world, LEAD, { incidentId: incident.id }, 'v2.0.1');
    expect(answer.body.response_action).toBeUndefined();
    expect(textOf(world.slack.callsTo('chat.postEphemeral').at(-1))).toContain(
      'The canary request could not be read, so nothing was started',
    );
    expect(canaries(world)).toEqual([]);
    expect(world.kube!.writes()).toHaveLength(writes);
  });
});
