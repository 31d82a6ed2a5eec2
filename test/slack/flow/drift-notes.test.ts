/**
 * End to end: drift notes as the routing keeps changing. A newer drift of the same routing settles
 * the older note as superseded: its Accept or Re-apply clicked later changes nothing, is refused to
 * the clicker alone, and the clicked note loses its buttons. After an Accept, a later note names the
 * person who accepted the expected split, not Rewind.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import { englishWords } from '../../support/no-english.ts';
import { LEAD, startWorld, textOf, type World } from '../../support/world.ts';
import { NAMES } from '../i18n/step-note.ts';

let world: World;
afterEach(async () => world?.stop());

const NS = 'prompts';
const VS_PATH = `/apis/networking.istio.io/v1/namespaces/${NS}/virtualservices/prompt-service`;
const CEILING = { timeout: 15_000, interval: 20 };

const driftNotes = (w: World) =>
  w.slack
    .callsTo('chat.postMessage')
    .map((c) => String(c.args.text))
    .filter((t) => t.includes('routing changed by') || t.includes('のルーティングが'));

const kubectlEditWeights = (w: World, weights: Record<string, number>) =>
  w.kube!.editAs('kubectl-edit', 'VirtualService', NS, 'prompt-service', (o) => {
    const route = (o.spec!.http as { route: { destination: { subset: string }; weight: number }[] }[])[0]!.route;
    for (const d of route) d.weight = weights[d.destination.subset] ?? 0;
  });

const vsWrites = (w: World) => w.kube!.appliedWrites().filter((r) => r.path === VS_PATH);
const driftIds = (w: World) =>
  w.rewind.store.audit
    .list({ action: 'routing.drift' })
    .map((a) => (a.detail as { driftId: number }).driftId)
    .sort((a, b) => a - b);

/** An immediate rollback through the dialog, to its end, with the drift watch open. */
async function rolledBack(w: World) {
  await vi.waitFor(() => expect(w.kube!.openWatches).toBe(Object.keys(w.rewind.config.services).length), CEILING);
  const incident = await w.openIncident();
  const messageTs = incident.slackTs ?? '';
  await w.act({ user: LEAD, actionId: ACTION.immediate, value: incident.id, blockId: BLOCK.decisions, messageTs });
  const metadata = (w.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string }).private_metadata;
  await w.submit(LEAD, VIEW.confirmRollback, metadata);
  await w.runUntil(() => w.rewind.store.rollbacks.history()[0]?.status === 'succeeded', { maxMs: 10 * 60_000 });
  const click = (actionId: string, driftId: number) =>
    w.act({ user: LEAD, actionId, value: String(driftId), blockId: BLOCK.drift, messageTs });
  return { click };
}

describe('a newer drift of the same routing', () => {
  it('supersedes the older note: its buttons change nothing, are refused, and the note loses them', async () => {
    world = await startWorld({ kube: {} });
    const { click } = await rolledBack(world);
    kubectlEditWeights(world, { 'v2-0-0': 100 });
    await vi.waitFor(() => expect(driftNotes(world)).toHaveLength(1), CEILING);
    kubectlEditWeights(world, { 'v1-0-0': 100 });
    await vi.waitFor(() => expect(driftNotes(world)).toHaveLength(2), CEILING);
    const [older, newer] = driftIds(world) as [number, number];
    expect(world.rewind.store.drifts.get(older)?.settled).toBe('superseded');
    expect(world.rewind.store.drifts.get(newer)?.settled).toBeNull();
    const expectedBefore = world.rewind.services.drift.expected('prompt-service');
    const writesBefore = vsWrites(world).length;

    for (const action of [ACTION.driftAccept, ACTION.driftReapply]) {
      await click(action, older);
      const told = world.slack.responses.filter((r) => r.body.replace_original !== true).at(-1);
      expect(String(told?.body.text)).toBe(
        `🚫 Routing drift ${older} was superseded by a later change (another writer's, or Rewind's own), so its ` +
          'splits are no longer live: nothing was changed. Act on the latest note, if any.',
      );
      const replaced = world.slack.responses.filter((r) => r.body.replace_original === true).at(-1);
      expect(String(replaced?.body.text)).toContain('routing changed by `kubectl-edit`: v2.0.0 100%');
      expect(String(replaced?.body.text)).toContain('Superseded by a later change of this routing');
      expect(JSON.stringify(replaced?.body.blocks)).not.toContain('"action_id"');
    }
    // Nothing changed: no routing written, nothing accepted, no settled note.
    expect(vsWrites(world)).toHaveLength(writesBefore);
    expect(world.rewind.services.drift.expected('prompt-service')).toEqual(expectedBefore);
    expect(world.rewind.store.drifts.get(older)?.settled).toBe('superseded');
    const posted = world.slack.callsTo('chat.postMessage').map(textOf).join('\n');
    expect(posted).not.toContain('accepted the routing');
    expect(posted).not.toContain("re-applied Rewind's routing");

    // The latest note still acts.
    await click(ACTION.driftAccept, newer);
    await vi.waitFor(
      () =>
        expect(world.slack.callsTo('chat.postMessage').map(textOf).join('\n')).toContain(
          `<@${LEAD}> accepted the routing of \`prompt-service\` as expected: v1.0.0 100%`,
        ),
      CEILING,
    );
  });
});

describe('after an Accept', () => {
  it('a later drift note says the expected split was accepted by that person, at that time', async () => {
    world = await startWorld({ kube: {} });
    const { click } = await rolledBack(world);
    kubectlEditWeights(world, { 'v1-0-0': 100 });
    await vi.waitFor(() => expect(driftNotes(world)).toHaveLength(1), CEILING);
    await click(ACTION.driftAccept, driftIds(world)[0]!);
    await vi.waitFor(
      () => expect(world.rewind.services.drift.expected('prompt-service')?.split).toMatchObject({ 'v1.0.0': 100 }),
      CEILING,
    );
    kubectlEditWeights(world, { 'v2-0-0': 100 });
    await vi.waitFor(() => expect(driftNotes(world)).toHaveLength(2), CEILING);
    const note = driftNotes(world)[1]!;
    expect(note).toMatch(
      new RegExp(
        '^⚠️ `prompt-service` routing changed by `kubectl-edit`: v2\\.0\\.0 100% — v1\\.0\\.0 100% accepted by ' +
          `<@${LEAD}> at 2026-01-05 \\(Mon\\) \\d{2}:\\d{2} Asia/Tokyo\\n`,
      ),
    );
    expect(note).not.toContain('Rewind set');
  });

  it('says so in Japanese', async () => {
    world = await startWorld({ kube: {}, config: (c) => (c.locale = 'ja') });
    const { click } = await rolledBack(world);
    kubectlEditWeights(world, { 'v1-0-0': 100 });
    await vi.waitFor(() => expect(driftNotes(world)).toHaveLength(1), CEILING);
    await click(ACTION.driftAccept, driftIds(world)[0]!);
    await vi.waitFor(
      () => expect(world.rewind.services.drift.expected('prompt-service')?.split).toMatchObject({ 'v1.0.0': 100 }),
      CEILING,
    );
    kubectlEditWeights(world, { 'v2-0-0': 100 });
    await vi.waitFor(() => expect(driftNotes(world)).toHaveLength(2), CEILING);
    const note = driftNotes(world)[1]!;
    expect(note).toMatch(new RegExp(`に <@${LEAD}> が v1\\.0\\.0 100% を受け入れ済み）`));
    expect(englishWords(note, [...NAMES, 'kubectl-edit', LEAD])).toEqual([]);
  });
});

describe('the NGINX canary Ingress', () => {
  const CANARY_PATH = `/apis/networking.k8s.io/v1/namespaces/${NS}/ingresses/prompt-service-canary`;
  const WEIGHT = 'nginx.ingress.kubernetes.io/canary-weight';

  it('a canary weight set by kubectl edit: one note naming the manager; Re-apply writes it back', async () => {
    world = await startWorld({
      kube: {},
      config: (c) => {
        c.services['prompt-service'].router = {
          kind: 'nginx',
          ingress: 'prompt-service',
          canaryIngress: 'prompt-service-canary',
        };
      },
    });
    const { click } = await rolledBack(world);
    const canary = () => world.kube!.mustGet('Ingress', NS, 'prompt-service-canary');
    expect(canary().metadata.annotations?.[WEIGHT]).toBe('0');
    await world.settle();
    expect(driftNotes(world)).toEqual([]); // Rewind's own patch raised nothing

    world.kube!.editAs('kubectl-edit', 'Ingress', NS, 'prompt-service-canary', (o) => {
      o.metadata.annotations = { ...o.metadata.annotations, [WEIGHT]: '100' };
    });
    await vi.waitFor(() => expect(driftNotes(world)).toHaveLength(1), CEILING);
    const note = driftNotes(world)[0]!;
    expect(note).toContain('`prompt-service` routing changed by `kubectl-edit`: v2.0.0 100% — Rewind set v1.5.0 100%');
    expect(note).toContain('`Ingress prompts/prompt-service-canary`');

    const patches = () => world.kube!.appliedWrites().filter((r) => r.path === CANARY_PATH);
    const before = patches().length;
    await click(ACTION.driftReapply, driftIds(world)[0]!);
    await vi.waitFor(() => expect(patches()).toHaveLength(before + 1), CEILING);
    expect(patches().at(-1)?.query.fieldManager).toBe('rewind');
    expect(canary().metadata.annotations?.[WEIGHT]).toBe('0');
    await world.rewind.services.drift.idle();
    await world.settle();
    expect(driftNotes(world)).toHaveLength(1);
  });
});
