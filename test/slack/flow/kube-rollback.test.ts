/**
 * End to end: a signed button click on an incident → the confirmation → the real Kubernetes engine
 * patching the Service selector on the API stand-in through client-node → read back → EndpointSlices
 * checked → the four steps reported in the incident thread.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { describeStores } from '../../support/stores.ts';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import { LEAD, startWorld, textOf, type ConfigDoc, type World } from '../../support/world.ts';

let world: World;
/**
 * With PostgreSQL the bots elect a leader through a Lease (renewed every 2 s of clock time): what
 * these tests look at is the rest, the writes a rollback makes.
 */
const notLease = (r: { path: string }) => !r.path.startsWith('/apis/coordination.k8s.io/');
const routingWrites = (kube: NonNullable<World['kube']>) => kube.writes().filter(notLease);
/** The shipped routing of prompt-service: a Service selector (blue-green). */
const blueGreen = (c: ConfigDoc) =>
  (c.services['prompt-service'].router = { kind: 'service-selector', service: 'prompt-service' });
afterEach(async () => world?.stop());

async function clickAndConfirm(w: World, action: 'immediate' | 'gradual') {
  const incident = await w.openIncident();
  await w.act({
    user: LEAD,
    actionId: ACTION[action],
    value: incident.id,
    blockId: BLOCK.decisions,
    messageTs: incident.slackTs ?? '',
  });
  const metadata = (w.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string }).private_metadata;
  await w.submit(LEAD, VIEW.confirmRollback, metadata);
  return incident;
}

const rollbackDone = (w: World) => () =>
  ['succeeded', 'failed', 'aborted'].includes(w.rewind.store.rollbacks.history()[0]?.status ?? '');

describeStores('rollback on the Kubernetes stand-in', (store) => {
  describe('immediate rollback on Kubernetes, driven from Slack', () => {
    it('patches the Service selector once, reads it back, checks endpoints, reports the four steps', async () => {
      world = await startWorld({ store, kube: {}, config: blueGreen });
      const incident = await clickAndConfirm(world, 'immediate');
      await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });

      const kube = world.kube!;
      expect(routingWrites(kube).map((r) => [r.method, r.path, r.contentType, r.body])).toEqual([
        [
          'PATCH',
          '/api/v1/namespaces/prompts/services/prompt-service',
          'application/strategic-merge-patch+json',
          { metadata: { resourceVersion: expect.any(String) }, spec: { selector: { version: 'v1.5.0' } } },
        ],
      ]);
      // Written as field manager "rewind": managedFields says who moved the selector.
      expect(routingWrites(kube).map((r) => r.query.fieldManager)).toEqual(['rewind']);
      expect(kube.managersOf('Service', 'prompts', 'prompt-service', 'spec.selector.version')).toEqual(['rewind']);
      const calls = kube.calls();
      const patchAt = calls.findIndex((c) => c.startsWith('PATCH'));
      expect(
        calls.slice(patchAt + 1).some((c) => c.startsWith('GET /api/v1/namespaces/prompts/services/prompt-service')),
      ).toBe(true); // read back
      expect(
        calls
          .slice(patchAt + 1)
          .some((c) => c.startsWith('GET /apis/discovery.k8s.io/v1/namespaces/prompts/endpointslices')),
      ).toBe(true);
      expect(
        (kube.mustGet('Service', 'prompts', 'prompt-service') as { spec: { selector: Record<string, string> } }).spec
          .selector.version,
      ).toBe('v1.5.0');

      const [rollback] = world.rewind.store.rollbacks.history();
      expect(rollback?.status).toBe('succeeded');
      expect(world.rewind.store.rollbacks.steps(rollback?.id ?? '').map((s) => [s.name, s.status])).toEqual([
        ['confirm', 'succeeded'],
        ['switch', 'succeeded'],
        ['verify', 'succeeded'], // the simulated metrics of v1.5.0 are healthy
        ['post-actions', 'succeeded'],
      ]);
      const thread = world.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.thread_ts === incident.slackTs)
        .map(textOf);
      for (const step of ['Step 1/4', 'Step 2/4', 'Step 3/4', 'Step 4/4'])
        expect(thread.some((t) => t.includes(step))).toBe(true);
      expect(thread.some((t) => t.includes('ready endpoints') && t.includes('v1.5.0'))).toBe(true);
      expect(thread.some((t) => t.includes('verdict') && t.includes('recovered'))).toBe(true);
      expect(world.rewind.store.incidents.get(incident.id)?.status).toBe('resolved');
    });

    it('refuses when the target version has no ready replicas, and sends no patch', async () => {
      world = await startWorld({
        store,
        kube: { readyReplicas: { 'v2.0.0': 2, 'v1.5.0': 0, 'v1.0.0': 2 } },
        config: blueGreen,
      });
      await clickAndConfirm(world, 'immediate');
      await world.runUntil(() => world.slack.callsTo('chat.postEphemeral').length > 0, { maxMs: 60_000 });
      expect(String(world.slack.callsTo('chat.postEphemeral').at(-1)?.args.text)).toContain('no ready replicas');
      expect(routingWrites(world.kube!)).toEqual([]);
    });
  });

  describe('gradual rollback on Kubernetes, driven from Slack', () => {
    const vsPath = '/apis/networking.istio.io/v1/namespaces/prompts/virtualservices/prompt-service';
    const weights = (w: World) =>
      w
        .kube!.writes()
        .filter(notLease)
        .filter((r) => r.path === vsPath && r.method === 'PUT' && r.status === 200)
        .map((r) =>
          (
            r.body as { spec: { http: { route: { destination: { subset: string }; weight: number }[] }[] } }
          ).spec.http[0]?.route
            .map((d) => `${d.destination.subset}=${d.weight}`)
            .join(' '),
        );

    it('a restart in the middle of phase 2 continues from phase 2 and no patch is sent twice', async () => {
      world = await startWorld({ store, kube: { split: { 'v2.0.0': 50, 'v1.5.0': 50, 'v1.0.0': 0 } } });
      await clickAndConfirm(world, 'gradual');
      // Phase 1 (25%) is observed for 10 minutes, then phase 2 (5%) starts: stop 5 minutes into it.
      await world.runUntil(() => weights(world).length === 2, { maxMs: 20 * 60_000 });
      await world.runUntil(() => false, { maxMs: 5 * 60_000 }).catch(() => undefined);
      await world.restart();
      await world.runUntil(() => weights(world).length === 3, { maxMs: 20 * 60_000 });
      expect(weights(world)).toEqual([
        'v2-0-0=25 v1-5-0=75 v1-0-0=0',
        'v2-0-0=5 v1-5-0=95 v1-0-0=0',
        'v2-0-0=0 v1-5-0=100 v1-0-0=0',
      ]);
      await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
      expect(world.rewind.store.rollbacks.history()[0]?.status).toBe('succeeded');
      expect(weights(world)).toHaveLength(3);
    });

    it(
      'a PATCH the API server applies but never answers is not sent again: the step reads it back and says the API ' +
        'was ' +
        'slow',
      async () => {
        world = await startWorld({ store, kube: {}, config: blueGreen });
        const servicePath = '/api/v1/namespaces/prompts/services/prompt-service';
        world.kube!.applyThenHang({ method: 'PATCH', path: servicePath });
        const incident = await clickAndConfirm(world, 'immediate');
        await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
        const [rollback] = world.rewind.store.rollbacks.history();
        expect(rollback?.status).toBe('succeeded');
        expect(routingWrites(world.kube!).map((r) => [r.method, r.path, r.body])).toEqual([
          [
            'PATCH',
            servicePath,
            { metadata: { resourceVersion: expect.any(String) }, spec: { selector: { version: 'v1.5.0' } } },
          ],
        ]);
        const thread = world.slack
          .callsTo('chat.postMessage')
          .filter((c) => c.args.thread_ts === incident.slackTs)
          .map(textOf);
        expect(
          thread.some(
            (t) =>
              t.includes('Step 2/4') &&
              t.includes('no answer within 15s, yet the change had landed: read back, not sent again'),
          ),
        ).toBe(true);
      },
    );

    it('three 500s in a row end in a plain failure message in the thread and an escalation', async () => {
      world = await startWorld({ store, kube: { split: { 'v2.0.0': 50, 'v1.5.0': 50, 'v1.0.0': 0 } } });
      world.kube!.failNext(
        { method: 'PUT', path: vsPath },
        { status: 500, times: 3, message: 'etcdserver: leader changed' },
      );
      const incident = await clickAndConfirm(world, 'gradual');
      await world.runUntil(rollbackDone(world), { maxMs: 5 * 60_000 });
      const [rollback] = world.rewind.store.rollbacks.history();
      expect(rollback?.status).toBe('failed');
      expect(rollback?.error).toContain('after 3 attempts');
      expect(rollback?.error).toContain('etcdserver: leader changed');
      const thread = world.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.thread_ts === incident.slackTs)
        .map(textOf);
      expect(thread.some((t) => t.includes('etcdserver: leader changed'))).toBe(true);
      // The failed step took its retries' pauses (1 s + 2 s), and says so.
      expect(thread.find((t) => t.includes('❌') && t.includes('Step'))).toMatch(/\((?:[3-9]|[1-9]\d+)s\)/);
      expect(thread.some((t) => t.includes('<!subteam^S0SENIOR>'))).toBe(true); // escalated at once
      expect(world.rewind.store.incidents.get(incident.id)?.status).toBe('awaiting_decision');
      expect(weights(world)).toEqual([]);
    });

    it(
      'a gradual rollback of a blue-green service is refused up front, saying why (its head message offers no ' +
        'Gradual ' +
        'button; this click is forged or stale)',
      async () => {
        world = await startWorld({ store, kube: {}, config: blueGreen });
        const incident = await world.openIncident();
        await world.act({
          user: LEAD,
          actionId: ACTION.gradual,
          value: incident.id,
          blockId: BLOCK.decisions,
          messageTs: incident.slackTs ?? '',
        });
        expect(world.slack.callsTo('views.open')).toEqual([]);
        expect(String(world.slack.responses.at(-1)?.body.text)).toBe(
          '🚫 *prompt-service* is blue-green (`service-selector`): traffic moves at once, so only an immediate ' +
            'rollback ' +
            'can run on it. A gradual rollback needs a router that splits traffic by weight. Nothing was started.',
        );
        expect(world.rewind.store.rollbacks.history()).toEqual([]);
      },
    );
  });

  describe('dry run', () => {
    it('sends no PATCH and shows in the thread what it would have sent', async () => {
      world = await startWorld({ store, kube: {}, config: (c) => (blueGreen(c), (c.rollback.dryRun = true)) });
      const incident = await clickAndConfirm(world, 'immediate');
      await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
      expect(routingWrites(world.kube!)).toEqual([]);
      expect(
        (world.kube!.mustGet('Service', 'prompts', 'prompt-service') as { spec: { selector: Record<string, string> } })
          .spec.selector.version,
      ).toBe('v2.0.0');
      const thread = world.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.thread_ts === incident.slackTs)
        .map(textOf);
      expect(
        thread.some((t) => t.includes('dry run, not sent') && t.includes('PATCH Service prompts/prompt-service')),
      ).toBe(true);
    });
  });
});
