/**
 * End to end: routing changed behind Rewind's back. The real bot watches the routing objects on the
 * Kubernetes stand-in through client-node informers; a rollback run from Slack sets the expected
 * split; a write by another field manager (`kubectl-edit`, a simulated Argo CD controller) brings
 * one note to the incident's thread naming who changed what, with Re-apply (approvers only, written
 * back as field manager `rewind`) and Accept. Rewind's own writes never do.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeStores } from '../../support/stores.ts';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import { englishWords } from '../../support/no-english.ts';
import { LEAD, MALLORY, startWorld, textOf, type ConfigDoc, type World } from '../../support/world.ts';
import { NAMES } from '../i18n/step-note.ts';

let world: World;
afterEach(async () => world?.stop());

const NS = 'prompts';
const VS_PATH = `/apis/networking.istio.io/v1/namespaces/${NS}/virtualservices/prompt-service`;
const SERVICE_PATH = `/api/v1/namespaces/${NS}/services/prompt-service`;
/** The generous ceiling a condition is waited on (the note is expected well within 2 s). */
const CEILING = { timeout: 15_000, interval: 20 };
const SELF_HEAL = { automated: { prune: true, selfHeal: true } };
const MANAGED = [{ kind: 'Service', namespace: NS, name: 'prompt-service' }];

async function clickAndConfirm(w: World, action: 'immediate' | 'gradual') {
  const incident = await w.openIncident();
  const messageTs = incident.slackTs ?? '';
  await w.act({ user: LEAD, actionId: ACTION[action], value: incident.id, blockId: BLOCK.decisions, messageTs });
  const metadata = (w.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string }).private_metadata;
  await w.submit(LEAD, VIEW.confirmRollback, metadata);
  return incident;
}

const rollbackStatus = (w: World) => w.rewind.store.rollbacks.history()[0]?.status ?? '';
const rollbackDone = (w: World) => () => ['succeeded', 'failed', 'aborted'].includes(rollbackStatus(w));

const driftNotes = (w: World) =>
  w.slack
    .callsTo('chat.postMessage')
    .map(textOf)
    .filter((t) => t.includes('routing changed by') || t.includes('のルーティングが'));

/** The VirtualService's route weights, as a person editing it with kubectl would set them. */
const kubectlEditWeights = (w: World, weights: Record<string, number>) =>
  w.kube!.editAs('kubectl-edit', 'VirtualService', NS, 'prompt-service', (o) => {
    const route = (o.spec.http as { route: { destination: { subset: string }; weight: number }[] }[])[0]!.route;
    for (const d of route) d.weight = weights[d.destination.subset] ?? 0;
  });

/** Every drift watch the bot holds is open (its informers listed and watch). */
const allWatched = (w: World) => () => w.kube!.openWatches === Object.keys(w.rewind.config.services).length;
const watching = (w: World) => vi.waitFor(() => expect(allWatched(w)()).toBe(true), CEILING);
/** After a cut: the informers come back after their backoff, which runs on the bot's clock. */
const watchingAgain = (w: World) => w.runUntil(allWatched(w), { maxMs: 5 * 60_000 });

/** Reads of the VirtualService so far: the drift service reads the live split for each change it decides on. */
const vsReads = (w: World) => w.kube!.requests.filter((r) => r.method === 'GET' && r.path === VS_PATH).length;

/** Runs `change` and waits until the drift service has read the routing for it and decided. */
async function decidedAfter(w: World, change: () => void) {
  const before = vsReads(w);
  change();
  await vi.waitFor(() => expect(vsReads(w)).toBeGreaterThan(before), CEILING);
  await w.rewind.services.drift.idle();
  await w.settle();
}

const vsWrites = (w: World) => w.kube!.appliedWrites().filter((r) => r.path === VS_PATH);

const blueGreen = (gitops: Record<string, unknown>) => (c: ConfigDoc) => {
  c.services['prompt-service'].router = { kind: 'service-selector', service: 'prompt-service' };
  (c.services['prompt-service'] as Record<string, unknown>).gitops = gitops;
};

describeStores('drift', (store) => {
  describe('routing changed behind Rewind’s back after a rollback', () => {
    it('a kubectl edit brings one note naming the manager and both splits; repeats and relists none', async () => {
      world = await startWorld({ store, kube: {} });
      await watching(world);
      expect(world.kube!.requests.find((r) => r.query.watch === 'true')?.query.fieldSelector).toBe(
        'metadata.name=prompt-service',
      );
      const incident = await clickAndConfirm(world, 'immediate');
      await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
      expect(rollbackStatus(world)).toBe('succeeded');
      await world.settle();
      expect(driftNotes(world)).toEqual([]); // Rewind's own write raised nothing

      kubectlEditWeights(world, { 'v2-0-0': 100 });
      await vi.waitFor(() => expect(driftNotes(world)).toHaveLength(1), CEILING);
      const note = world.slack.callsTo('chat.postMessage').find((c) => textOf(c).includes('routing changed by'))!;
      // The rollback's verification resolved the incident: with none open, the note goes to the incident channel.
      expect(world.rewind.store.incidents.get(incident.id)?.status).toBe('resolved');
      expect([note.args.channel, note.args.thread_ts]).toEqual(['C0INCIDENT', undefined]);
      const text = String(note.args.text);
      expect(text).toMatch(/^⚠️ `prompt-service` routing changed by `kubectl-edit`: v2\.0\.0 100% — Rewind set /);
      expect(text).toMatch(/— Rewind set v1\.5\.0 100% at 2026-01-05 \(Mon\) \d{2}:\d{2} Asia\/Tokyo\n/);
      expect(text).toContain('`VirtualService prompts/prompt-service`');
      expect(textOf(note)).toContain(`"action_id":"${ACTION.driftReapply}"`);
      expect(textOf(note)).toContain(`"action_id":"${ACTION.driftAccept}"`);
      const [drift] = world.rewind.store.audit.list({ action: 'routing.drift' });
      expect(drift?.detail).toMatchObject({ writer: 'kubectl-edit', live: { 'v2.0.0': 100, 'v1.5.0': 0 } });

      // Another edit of the same object that leaves the routing as it is, and a relist: no second note.
      await decidedAfter(world, () =>
        world.kube!.editAs('kubectl-edit', 'VirtualService', NS, 'prompt-service', (o) => {
          o.metadata.annotations = { ...o.metadata.annotations, touched: 'yes' };
        }),
      );
      world.kube!.compactHistory();
      world.kube!.cutWatches('end');
      await watchingAgain(world);
      await world.settle();
      expect(driftNotes(world)).toHaveLength(1);
    });

    it('a whole gradual rollback, Rewind writing every phase, raises no drift', async () => {
      world = await startWorld({ store, kube: { split: { 'v2.0.0': 50, 'v1.5.0': 50, 'v1.0.0': 0 } } });
      await watching(world);
      await clickAndConfirm(world, 'gradual');
      await world.runUntil(rollbackDone(world), { stepMs: 5_000, maxMs: 60 * 60_000 });
      expect(rollbackStatus(world)).toBe('succeeded');
      expect(vsWrites(world).map((r) => r.query.fieldManager)).toEqual(['rewind', 'rewind', 'rewind']);
      await world.settle();
      expect(driftNotes(world)).toEqual([]);
    });

    it('a gradual rollback in progress pauses itself on a kubectl edit, and the note says so', async () => {
      world = await startWorld({ store, kube: { split: { 'v2.0.0': 50, 'v1.5.0': 50, 'v1.0.0': 0 } } });
      await watching(world);
      const incident = await clickAndConfirm(world, 'gradual');
      await world.runUntil(() => vsWrites(world).length === 1, { maxMs: 20 * 60_000 });
      await world.runUntil(() => world.rewind.store.rollbacks.history()[0]?.currentPhase === 0, { maxMs: 60_000 });
      kubectlEditWeights(world, { 'v2-0-0': 100 });
      await vi.waitFor(() => expect(driftNotes(world)).toHaveLength(1), CEILING);
      const [rollback] = world.rewind.store.rollbacks.history();
      expect(rollback?.status).toBe('paused');
      const note = world.slack.callsTo('chat.postMessage').find((c) => textOf(c).includes('routing changed by'));
      expect(note?.args.thread_ts).toBe(incident.slackTs); // the open incident's thread
      const text = driftNotes(world)[0]!;
      expect(text).toContain('v2.0.0 100% — Rewind set v1.5.0 75% / v2.0.0 25%');
      // The pause is said once, by its own note with its reason: the drift note does not repeat it.
      expect(text).not.toContain('is paused');
      const posts = world.slack.callsTo('chat.postMessage').map((c) => String(c.args.text));
      expect(posts.filter((t) => t.includes('paused the gradual rollback'))).toEqual([
        '⏸ Rewind paused the gradual rollback of *prompt-service* because its routing was changed by someone else ' +
          '(drift): it does not fight that change. The routing note says who changed what.',
      ]);
      const timeline = world.rewind.store.incidents.timeline(incident.id);
      expect(timeline.filter((e) => e.kind === 'rollback_pause').map((e) => e.actor)).toEqual([
        { kind: 'system', id: 'drift-watch' },
      ]);
      // Paused: no further phase is written however long it waits.
      await world.runUntil(() => false, { stepMs: 10_000, maxMs: 30 * 60_000 }).catch(() => undefined);
      expect(vsWrites(world)).toHaveLength(1);
    });
  });

  describe('Re-apply and Accept on a drift note', () => {
    async function drifted() {
      world = await startWorld({ store, kube: {} });
      await watching(world);
      const incident = await clickAndConfirm(world, 'immediate');
      await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
      kubectlEditWeights(world, { 'v2-0-0': 100 });
      await vi.waitFor(() => expect(driftNotes(world)).toHaveLength(1), CEILING);
      const [drift] = world.rewind.store.audit.list({ action: 'routing.drift' });
      const id = String((drift?.detail as { driftId: number }).driftId);
      const messageTs = incident.slackTs ?? '';
      const click = (user: string, actionId: string) =>
        world.act({ user, actionId, value: id, blockId: BLOCK.drift, messageTs });
      return { incident, id, click };
    }

    it('Re-apply: a non-approver is refused; an approver writes the split back as field manager rewind', async () => {
      const { click } = await drifted();
      const before = vsWrites(world).length;
      await click(MALLORY, ACTION.driftReapply);
      expect(String(world.slack.responses.at(-1)?.body.text)).toContain("Only approvers can re-apply Rewind's routing");
      expect(vsWrites(world)).toHaveLength(before);

      await click(LEAD, ACTION.driftReapply);
      await vi.waitFor(() => expect(vsWrites(world)).toHaveLength(before + 1), CEILING);
      const write = vsWrites(world).at(-1)!;
      expect([write.method, write.query.fieldManager]).toEqual(['PUT', 'rewind']);
      const route = (
        write.body as { spec: { http: { route: { destination: { subset: string }; weight: number }[] }[] } }
      ).spec.http[0]!.route;
      expect(route.map((d) => `${d.destination.subset}=${d.weight}`)).toEqual(['v2-0-0=0', 'v1-5-0=100', 'v1-0-0=0']);
      expect(world.kube!.managersOf('VirtualService', NS, 'prompt-service', 'spec.http')).toEqual(['rewind']);
      await vi.waitFor(
        () =>
          expect(
            world.slack
              .callsTo('chat.postMessage')
              .map(textOf)
              .some((t) => t.includes(`<@${LEAD}> re-applied Rewind's routing of \`prompt-service\`: v1.5.0 100%`)),
          ).toBe(true),
        CEILING,
      );
      expect(world.rewind.store.audit.list({ action: 'drift.reapply' }).map((a) => [a.actor.id, a.outcome])).toEqual([
        [LEAD, 'allowed'],
        [MALLORY, 'refused'],
      ]);
      await world.rewind.services.drift.idle();
      await world.settle();
      expect(driftNotes(world)).toHaveLength(1); // the write back was Rewind's own
    });

    it('Re-apply that Kubernetes refuses (the routing object is gone): audited as an error, with why', async () => {
      const { click, id } = await drifted();
      world.kube!.failNext(
        { path: VS_PATH },
        { status: 404, times: Infinity, message: 'virtualservices.networking.istio.io "prompt-service" not found' },
      );
      await click(LEAD, ACTION.driftReapply);
      expect(String(world.slack.responses.at(-1)?.body.text)).toContain(
        "Rewind's routing was not re-applied: Kubernetes answered",
      );
      const audits = world.rewind.store.audit.list({ action: 'drift.reapply' });
      expect(audits.map((a) => [a.actor.id, a.outcome])).toEqual([
        [LEAD, 'error'],
        [LEAD, 'allowed'],
      ]);
      expect(audits[0]!.detail).toMatchObject({ driftId: Number(id), reason: expect.stringContaining('not found') });
      expect(world.rewind.store.drifts.get(Number(id))?.settled).toBeFalsy(); // still open: Re-apply can be tried again
    });

    it('Accept: approvers only; recorded and audited; that routing is expected from then on, no new note', async () => {
      const { click } = await drifted();
      const expectedBefore = world.rewind.services.drift.expected('prompt-service');
      await click(MALLORY, ACTION.driftAccept);
      expect(String(world.slack.responses.at(-1)?.body.text)).toContain('Only approvers can accept a routing change');
      expect(world.rewind.services.drift.expected('prompt-service')).toEqual(expectedBefore);
      expect(world.slack.callsTo('chat.postMessage').map(textOf).join('\n')).not.toContain('accepted the routing');

      await click(LEAD, ACTION.driftAccept);
      await vi.waitFor(
        () => expect(world.slack.callsTo('chat.postMessage').map(textOf).join('\n')).toContain('accepted the routing'),
        CEILING,
      );
      expect(world.rewind.store.audit.list({ action: 'drift.accept' }).map((a) => [a.actor.id, a.outcome])).toEqual([
        [LEAD, 'allowed'],
        [MALLORY, 'refused'],
      ]);
      expect(world.rewind.services.drift.expected('prompt-service')?.split).toEqual({
        'v2.0.0': 100,
        'v1.5.0': 0,
        'v1.0.0': 0,
      });
      // Pressed again: settled already, said to the clicker only.
      await click(LEAD, ACTION.driftAccept);
      expect(String(world.slack.responses.at(-1)?.body.text)).toContain('was settled already');
      await decidedAfter(world, () =>
        world.kube!.editAs('kubectl-edit', 'VirtualService', NS, 'prompt-service', (o) => {
          o.metadata.annotations = { ...o.metadata.annotations, touched: 'again' };
        }),
      );
      expect(driftNotes(world)).toHaveLength(1);
    });
  });

  describe('the informers keep watching', () => {
    it('a dropped watch and a 410 Gone: the informer relists, watches again, and drift is still seen', async () => {
      world = await startWorld({ store, kube: {} });
      await watching(world);
      await clickAndConfirm(world, 'immediate');
      await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
      const lists = () => world.kube!.requests.filter((r) => r.path.endsWith('/virtualservices') && !r.query.watch);
      const listedBefore = lists().length;
      world.kube!.compactHistory();
      world.kube!.cutWatches('drop');
      // The restart waits out its backoff on the bot's clock.
      await watchingAgain(world);
      await vi.waitFor(() => expect(lists().length).toBeGreaterThan(listedBefore), CEILING);
      kubectlEditWeights(world, { 'v2-0-0': 100 });
      await vi.waitFor(() => expect(driftNotes(world)).toHaveLength(1), CEILING);
    });
  });

  describe('a simulated Argo CD controller that re-applies git right after the switch', () => {
    /** Argo CD as far as this test needs it: git's selector applied again while automated sync is on. */
    const argoSyncs = (w: World) => {
      const app = w.kube!.mustGet('Application', 'argocd', 'prompt-service');
      if (!(app.spec.syncPolicy as { automated?: unknown } | undefined)?.automated) return false;
      w.kube!.applyAs('argocd-controller', 'Service', NS, 'prompt-service', {
        spec: { selector: { version: 'v2.0.0' } },
      });
      return true;
    };
    const switched = (w: World) => () => w.kube!.appliedWrites().some((r) => r.path === SERVICE_PATH);

    it('with onRollback warn the sync undoes the rollback and the drift note names the controller', async () => {
      world = await startWorld({
        kube: {},
        config: blueGreen({ tool: 'argocd', application: 'prompt-service', onRollback: 'warn' }),
      });
      world.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: MANAGED });
      await watching(world);
      await clickAndConfirm(world, 'immediate');
      await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
      expect(argoSyncs(world)).toBe(true);
      await vi.waitFor(() => expect(driftNotes(world)).toHaveLength(1), CEILING);
      expect(driftNotes(world)[0]).toContain(
        '`prompt-service` routing changed by `argocd-controller`: v2.0.0 100% — Rewind set v1.5.0 100%',
      );
      expect(switched(world)()).toBe(true);
    });

    it('with onRollback pause nothing reverts: the sync is off, so the controller applies nothing', async () => {
      world = await startWorld({
        kube: {},
        config: blueGreen({ tool: 'argocd', application: 'prompt-service', onRollback: 'pause' }),
      });
      world.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: MANAGED });
      await watching(world);
      await clickAndConfirm(world, 'immediate');
      await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
      expect(argoSyncs(world)).toBe(false);
      await world.settle();
      expect(world.kube!.mustGet('Service', NS, 'prompt-service').spec.selector.version).toBe('v1.5.0');
      expect(driftNotes(world)).toEqual([]);
    });
  });

  describe('in Japanese', () => {
    it('the drift note has no English word left but names', async () => {
      world = await startWorld({ store, kube: {}, config: (c) => (c.locale = 'ja') });
      await watching(world);
      await clickAndConfirm(world, 'immediate');
      await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
      kubectlEditWeights(world, { 'v2-0-0': 100 });
      await vi.waitFor(() => expect(driftNotes(world)).toHaveLength(1), CEILING);
      const text = JSON.parse(driftNotes(world)[0]!).text as string;
      expect(text).toContain('`prompt-service` のルーティングが `kubectl-edit` によって変更されました');
      expect(englishWords(text, [...NAMES, 'kubectl-edit'])).toEqual([]);
    });
  });
});
