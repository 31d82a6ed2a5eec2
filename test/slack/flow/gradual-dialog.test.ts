/**
 * The confirmation of a gradual rollback shows the share the bad version really has, read from the
 * cluster (the Kubernetes API stand-in, routed by an Istio VirtualService), and what happens to
 * phases above it: they are skipped, in the dialog and by the engine alike. End to end through a
 * signed Gradual click, the dialog as it reached Slack, and the submission.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfirmMetadata } from '../../../src/adapters/slack/blocks/confirm.ts';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import type { Incident } from '../../../src/domain/types.ts';
import type { KubeApiStandIn } from '../../support/kube-api.ts';
import { LEAD, startWorld, textOf, type World } from '../../support/world.ts';

const MIN = 60_000;
const VS = '/apis/networking.istio.io/v1/namespaces/prompts/virtualservices/prompt-service';
let world: World;
afterEach(async () => world?.stop());

type View = { private_metadata: string; blocks: Array<{ type: string; text?: { text: string } }> };

/** Clicks Gradual on the incident's head message; the dialog Slack was asked to open. */
async function gradualDialog(w: World, incident: Incident): Promise<View> {
  const count = w.slack.callsTo('views.open').length + 1;
  await w.act({
    user: LEAD,
    actionId: ACTION.gradual,
    value: incident.id,
    blockId: BLOCK.decisions,
    messageTs: incident.slackTs ?? '',
  });
  return (await w.slack.waitForCall('views.open', { count })).args.view as View;
}

/** The dialog's "What happens" section. */
const whatHappens = (view: View) =>
  view.blocks
    .map((b) => b.text?.text ?? '')
    .find((t) => t.startsWith('*What happens*') || t.startsWith('*実行される内容*')) ?? '';

/** Someone moves the traffic by hand: the VirtualService's weights per subset. */
function setWeights(kube: KubeApiStandIn, weights: Record<string, number>) {
  kube.edit('VirtualService', 'prompts', 'prompt-service', (o) => {
    const route = (
      o as { spec: { http: Array<{ route: Array<{ destination: { subset: string }; weight: number }> }> } }
    ).spec.http[0]!.route;
    for (const d of route) d.weight = weights[d.destination.subset] ?? 0;
  });
}

/** The weights v2.0.0 was given, write by write. */
const sharesWritten = (w: World) =>
  w
    .kube!.writes()
    .filter((r) => r.path === VS && r.method === 'PUT' && r.status === 200)
    .map(
      (r) =>
        (
          r.body as { spec: { http: Array<{ route: Array<{ destination: { subset: string }; weight: number }> }> } }
        ).spec.http[0]!.route.find((d) => d.destination.subset === 'v2-0-0')?.weight,
    );

describe('the gradual confirmation starts from the share read from the cluster', () => {
  it('50/50: 50% → 25% → 5% → 0%, not 100%', async () => {
    world = await startWorld({ kube: { split: { 'v2.0.0': 50, 'v1.5.0': 50, 'v1.0.0': 0 } } });
    const view = await gradualDialog(world, await world.openIncident());
    expect(whatHappens(view)).toBe(
      '*What happens*\nTraffic on `v2.0.0` steps down in 3 phases: 50% → 25% → 5% → 0%. Each phase is observed ' +
        'before the next one starts.\n' +
        'If the abort condition holds during a phase, traffic goes straight to 0% on the version being rolled back.',
    );
    expect(parseConfirmMetadata(view.private_metadata)).toMatchObject({
      strategy: 'gradual',
      phases: [25, 5, 0],
      currentWeight: 50,
      skippedPhases: [],
    });
  });

  it('in Japanese', async () => {
    world = await startWorld({
      kube: { split: { 'v2.0.0': 50, 'v1.5.0': 50, 'v1.0.0': 0 } },
      config: (c) => (c.locale = 'ja'),
    });
    const view = await gradualDialog(world, await world.openIncident());
    expect(whatHappens(view)).toBe(
      '*実行される内容*\n`v2.0.0` へのトラフィックを 3 フェーズで段階的に減らします: 50% → 25% → 5% → 0%。各フェーズを観測してから次へ進みます。\n' +
        'フェーズ中に中止条件を満たした場合、切り戻し元へのトラフィックは直ちに 0% になります。',
    );
  });

  it('20%: the 25% phase is skipped, said in the dialog, and the engine never sends traffic back up', async () => {
    world = await startWorld({ kube: { split: { 'v2.0.0': 20, 'v1.5.0': 80, 'v1.0.0': 0 } } });
    const incident = await world.openIncident();
    const view = await gradualDialog(world, incident);
    expect(whatHappens(view)).toBe(
      '*What happens*\nTraffic on `v2.0.0` steps down in 2 phases: 20% → 5% → 0%. Each phase is observed before the ' +
        'next one starts.\n' +
        '`v2.0.0` has 20% of the traffic now, so the phase at 25% is skipped: a rollback never sends traffic back to ' +
        'the version it rolls back.\n' +
        'If the abort condition holds during a phase, traffic goes straight to 0% on the version being rolled back.',
    );
    expect(parseConfirmMetadata(view.private_metadata)).toMatchObject({
      phases: [5, 0],
      currentWeight: 20,
      skippedPhases: [25],
    });
    await world.submit(LEAD, VIEW.confirmRollback, view.private_metadata);
    await world.runUntil(() => world.rewind.store.rollbacks.history()[0]?.status === 'succeeded', {
      stepMs: 10_000,
      maxMs: 40 * MIN,
    });
    expect(sharesWritten(world)).toEqual([5, 0]);
  });

  it('traffic moved after the dialog opened, past a phase: refused, both sequences named', async () => {
    world = await startWorld({ kube: { split: { 'v2.0.0': 50, 'v1.5.0': 50, 'v1.0.0': 0 } } });
    const view = await gradualDialog(world, await world.openIncident());
    setWeights(world.kube!, { 'v2-0-0': 20, 'v1-5-0': 80 });
    await world.submit(LEAD, VIEW.confirmRollback, view.private_metadata);
    expect(textOf(world.slack.callsTo('chat.postEphemeral').at(-1))).toContain(
      'the phases are now 20% → 5% → 0% (the dialog showed 50% → 25% → 5% → 0%)',
    );
    expect(world.rewind.store.rollbacks.history()).toEqual([]);
  });

  it(
    'traffic moved after the confirmation, before the rollback read it: the engine skips the phase above it and says ' +
      'so',
    async () => {
      world = await startWorld({ kube: { split: { 'v2.0.0': 50, 'v1.5.0': 50, 'v1.0.0': 0 } } });
      const incident = await world.openIncident();
      const view = await gradualDialog(world, incident);
      // After the submission is planned again, when the engine checks the target is ready, someone moves traffic to
      // 20%.
      world.kube!.beforeNext(
        { method: 'GET', path: '/apis/apps/v1/namespaces/prompts/deployments/prompt-service-v1-5-0' },
        (k) => setWeights(k, { 'v2-0-0': 20, 'v1-5-0': 80 }),
      );
      await world.submit(LEAD, VIEW.confirmRollback, view.private_metadata);
      await world.runUntil(() => world.rewind.store.rollbacks.history()[0]?.status === 'succeeded', {
        stepMs: 10_000,
        maxMs: 40 * MIN,
      });
      expect(sharesWritten(world)).toEqual([5, 0]);
      const [rollback] = world.rewind.store.rollbacks.history();
      expect(world.rewind.store.rollbacks.steps(rollback!.id).map((s) => [s.name, s.status])).toEqual([
        ['confirm', 'succeeded'],
        ['set 25%', 'skipped'],
        ['observe 10m', 'skipped'],
        ['set 5%', 'succeeded'],
        ['observe 10m', 'succeeded'],
        ['set 0%', 'succeeded'],
        ['verify', 'succeeded'],
        ['post-actions', 'succeeded'],
      ]);
      const notes = world.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.thread_ts === incident.slackTs)
        .map(textOf);
      expect(notes.some((t) => t.includes('phases skipped: 25%: v2.0.0 has 20% already'))).toBe(true);
    },
  );

  it('a cluster that does not answer in time: the dialog opens anyway, saying the share was not read', async () => {
    world = await startWorld({ kube: { split: { 'v2.0.0': 50, 'v1.5.0': 50, 'v1.0.0': 0 } } });
    const incident = await world.openIncident();
    world.kube!.delayNext({ method: 'GET', path: VS }, { ms: 2_500 });
    const view = await gradualDialog(world, incident);
    expect(whatHappens(view)).toContain('3 phases: now → 25% → 5% → 0%');
    expect(whatHappens(view)).toContain(
      'The share `v2.0.0` has now could not be read from the cluster. It is read again when the rollback starts, ' +
        'and a phase at or above it is skipped.',
    );
    expect(parseConfirmMetadata(view.private_metadata)).toMatchObject({ phases: [25, 5, 0], currentWeight: null });
  });
});
