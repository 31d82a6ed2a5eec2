/**
 * A confirmation dialog's metadata comes back from Slack: a signed submission can be forged, and a
 * dialog can stay open while the state moves on. End to end through signed requests to the running
 * bot with the real Kubernetes engine on the API stand-in: each submission is planned again from
 * the state then and refused, saying what differs, unless it is still what the dialog showed — and
 * a refused one leaves no rollback row, no Kubernetes write, no thread note and no "started".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, COMMAND, VIEW } from '../../../src/adapters/slack/ids.ts';
import type { Incident } from '../../../src/domain/types.ts';
import { ALICE, LEAD, startWorld, textOf, type World } from '../../support/world.ts';

const MIN = 60_000;
const VS = '/apis/networking.istio.io/v1/namespaces/prompts/virtualservices/prompt-service';
let world: World;
afterEach(async () => world?.stop());

type Metadata = Record<string, unknown>;

/** The metadata of the next confirmation dialog opened by `open`. */
async function dialogOf(w: World, open: () => Promise<unknown>): Promise<Metadata> {
  const count = w.slack.callsTo('views.open').length + 1;
  await open();
  const view = (await w.slack.waitForCall('views.open', { count })).args.view as {
    callback_id: string;
    private_metadata: string;
  };
  expect(view.callback_id).toBe(VIEW.confirmRollback);
  return JSON.parse(view.private_metadata) as Metadata;
}

const fromButton = (w: World, user: string, incident: Incident, action: 'immediate' | 'gradual' = 'immediate') =>
  dialogOf(w, () =>
    w.act({
      user,
      actionId: ACTION[action],
      value: incident.id,
      blockId: BLOCK.decisions,
      messageTs: incident.slackTs ?? '',
    }),
  );

/** Everything a started request leaves behind, to compare before and after a refused one. */
function traces(w: World) {
  return {
    rollbacks: w.rewind.store.rollbacks.history().map((r) => `${r.id} ${r.status}`),
    kubeWrites: w.kube!.writes().length,
    posts: w.slack.callsTo('chat.postMessage').length,
    requested: w.rewind.store.incidents
      .listRecent({ limit: 50 })
      .flatMap((i) => w.rewind.services.queries.timeline(i.id))
      .filter((e) => e.kind === 'rollback_requested').length,
  };
}

/**
 * Submits `metadata` as LEAD; expects a refusal containing `says` and nothing else to change, even after the clock
 * moves on.
 */
async function expectRefused(w: World, metadata: Metadata, says: string[]): Promise<string> {
  const before = traces(w);
  const ephemerals = w.slack.callsTo('chat.postEphemeral').length;
  const answer = await w.submit(LEAD, VIEW.confirmRollback, JSON.stringify(metadata));
  expect(answer.status).toBe(200);
  await w.runUntil(() => false, { maxMs: 2 * MIN }).catch(() => undefined);
  const told = w.slack.callsTo('chat.postEphemeral').slice(ephemerals);
  expect(told).toHaveLength(1);
  expect(told[0]?.args.user).toBe(LEAD);
  const text = String(told[0]?.args.text);
  for (const piece of says) expect(text).toContain(piece);
  expect(text).not.toContain('started. Follow it');
  expect(traces(w)).toEqual(before);
  return text;
}

const weights = (w: World) =>
  w.kube!.writes().filter((r) => r.path === VS && r.method === 'PUT' && r.status === 200).length;

describe('a submitted confirmation is planned again from the state then', () => {
  it('as shown: it starts, and the real engine moves the VirtualService', async () => {
    world = await startWorld({ kube: {} });
    const incident = await world.openIncident();
    const shown = await fromButton(world, LEAD, incident);
    expect(shown).toMatchObject({
      incidentId: incident.id,
      service: 'prompt-service',
      fromVersion: 'v2.0.0',
      toVersion: 'v1.5.0',
      strategy: 'immediate',
    });
    await world.submit(LEAD, VIEW.confirmRollback, JSON.stringify(shown));
    expect(textOf(world.slack.callsTo('chat.postEphemeral').at(-1))).toContain(
      'Rollback of *prompt-service* to `v1.5.0` started',
    );
    await world.runUntil(() => world.rewind.store.incidents.get(incident.id)?.status === 'resolved', {
      maxMs: 10 * MIN,
    });
    expect(
      world.rewind.store.rollbacks.history().map((r) => [r.service, r.fromVersion, r.toVersion, r.status]),
    ).toEqual([['prompt-service', 'v2.0.0', 'v1.5.0', 'succeeded']]);
    expect(weights(world)).toBe(1);
  });

  it('forged to name another service than its incident: refused, nothing written, nothing sent', async () => {
    world = await startWorld({ kube: {} });
    const incident = await world.openIncident();
    const shown = await fromButton(world, LEAD, incident);
    const text = await expectRefused(world, { ...shown, service: 'prompt-service-staging' }, [
      `This dialog names *prompt-service-staging*, but incident ${incident.id} is about *prompt-service*`,
      'Nothing was started',
    ]);
    expect(text).not.toContain('v1.5.0 started');
    expect(world.kube!.writes()).toEqual([]);
  });

  it('forged to a version the service lacks: refused before a row or a note, naming the versions it has', async () => {
    world = await startWorld({ kube: {} });
    const incident = await world.openIncident();
    const shown = await fromButton(world, LEAD, incident);
    const known = '`v2.0.0`, `v1.5.0`, `v1.0.0`';
    await expectRefused(world, { ...shown, toVersion: 'v9.9.9' }, ['*prompt-service* has no version `v9.9.9`', known]);
    await expectRefused(world, { ...shown, toVersion: 'v9.9.9', requestedTo: 'v9.9.9' }, ['no version `v9.9.9`']);
    await expectRefused(world, { ...shown, fromVersion: 'v0.0.1' }, ['no version `v0.0.1`']);
    // A configured version that is not the plan's target is a change, not a new plan.
    await expectRefused(world, { ...shown, toVersion: 'v1.0.0' }, [
      'the target is now `v1.5.0` (the dialog showed `v1.0.0`)',
    ]);
    expect(world.kube!.writes()).toEqual([]);
    expect(world.rewind.store.incidents.get(incident.id)?.status).toBe('awaiting_decision');
  });

  it('forged settings: a dry run that is not one, other phases, fewer approvals', async () => {
    world = await startWorld({ kube: {}, config: (c) => (c.slack.requiredApprovals = 2) });
    const incident = await world.openIncident();
    const shown = await fromButton(world, LEAD, incident, 'gradual');
    expect(shown).toMatchObject({ strategy: 'gradual', phases: [25, 5, 0], requiredApprovals: 2, dryRun: false });
    await expectRefused(world, { ...shown, dryRun: true }, [
      'it would now change the cluster (the dialog said dry run)',
    ]);
    await expectRefused(world, { ...shown, phases: [50, 0] }, [
      'the phases are now 100% → 25% → 5% → 0% (the dialog showed 100% → 50% → 0%)',
    ]);
    await expectRefused(world, { ...shown, requiredApprovals: 1 }, ['it now needs 2 approvals (the dialog said 1)']);
  });

  it('stale: another rollback is running, then the incident is resolved', async () => {
    world = await startWorld({ kube: {} });
    const incident = await world.openIncident();
    const stale = await fromButton(world, LEAD, incident);
    const gradual = await fromButton(world, ALICE, incident, 'gradual');
    await world.submit(ALICE, VIEW.confirmRollback, JSON.stringify(gradual));
    // Until the first phase's note is in the thread, not only its write on the cluster: the
    // refusal below must be the only thing that reaches Slack meanwhile.
    const stepNoted = () =>
      world.slack.callsTo('chat.postMessage').some((c) => String(c.args.text).includes('Step 2/8 *set 25%*'));
    await world.runUntil(() => weights(world) === 1 && stepNoted(), { maxMs: 2 * MIN });
    await expectRefused(world, stale, ['gradual rollback of *prompt-service* is already in progress']);

    await world.runUntil(() => world.rewind.store.incidents.get(incident.id)?.status === 'resolved', {
      stepMs: 30_000,
      maxMs: 60 * MIN,
    });
    await expectRefused(world, stale, [`Incident ${incident.id} is already resolved`]);
    expect(world.rewind.store.rollbacks.history().map((r) => [r.strategy, r.startedBy])).toEqual([['gradual', ALICE]]);
  });

  it('stale: the routing changed since it opened — what serves now and the target now are named', async () => {
    world = await startWorld({ kube: {} });
    const stale = await dialogOf(world, () => world.command(LEAD, COMMAND.rollback, 'immediate prompt-service'));
    const other = await dialogOf(world, () => world.command(ALICE, COMMAND.rollback, 'immediate prompt-service'));
    expect(stale).toMatchObject({ incidentId: null, fromVersion: 'v2.0.0', toVersion: 'v1.5.0', requestedTo: null });
    await world.submit(ALICE, VIEW.confirmRollback, JSON.stringify(other));
    await world.runUntil(() => world.rewind.store.rollbacks.history()[0]?.status === 'succeeded', { maxMs: 10 * MIN });
    const writes = world.kube!.writes().length;
    await expectRefused(world, stale, [
      'The immediate rollback of *prompt-service* is no longer what this dialog showed',
      'the version serving now is `v1.5.0` (the dialog showed `v2.0.0`)',
      'the target is now `v1.0.0` (the dialog showed `v1.5.0`)',
      'open the dialog again',
    ]);
    expect(world.kube!.writes()).toHaveLength(writes);

    // Opened again, the dialog shows the plan as it stands, and that one runs.
    const fresh = await dialogOf(world, () => world.command(LEAD, COMMAND.rollback, 'immediate prompt-service'));
    expect(fresh).toMatchObject({ fromVersion: 'v1.5.0', toVersion: 'v1.0.0' });
    await world.submit(LEAD, VIEW.confirmRollback, JSON.stringify(fresh));
    expect(textOf(world.slack.callsTo('chat.postEphemeral').at(-1))).toContain(
      'Rollback of *prompt-service* to `v1.0.0` started',
    );
  });

  it('an explicit `to` is kept: the same version asked for again is still the plan', async () => {
    world = await startWorld({ kube: {} });
    const shown = await dialogOf(world, () =>
      world.command(LEAD, COMMAND.rollback, 'immediate prompt-service to v1.0.0'),
    );
    expect(shown).toMatchObject({ fromVersion: 'v2.0.0', toVersion: 'v1.0.0', requestedTo: 'v1.0.0' });
    // Without what was asked for, the default target (v1.5.0) is the plan now: not what was shown.
    await expectRefused(world, { ...shown, requestedTo: null }, [
      'the target is now `v1.5.0` (the dialog showed `v1.0.0`)',
    ]);
    await world.submit(LEAD, VIEW.confirmRollback, JSON.stringify(shown));
    expect(world.rewind.store.rollbacks.history().map((r) => [r.fromVersion, r.toVersion])).toEqual([
      ['v2.0.0', 'v1.0.0'],
    ]);
  });

  it('in Japanese when the locale is ja', async () => {
    world = await startWorld({ kube: {}, config: (c) => (c.locale = 'ja') });
    const incident = await world.openIncident();
    const shown = await fromButton(world, LEAD, incident);
    await expectRefused(world, { ...shown, toVersion: 'v9.9.9' }, [
      '*prompt-service* にバージョン `v9.9.9` はありません',
      '何も開始していません',
    ]);
  });
});
