/**
 * End to end: an immediate rollback whose write meets a `kubectl edit` made just before it. The note
 * names the split Rewind was about to write as what it intended (never the routing it read before
 * the rollback, which is the bad version), and Re-apply writes that split. Once Rewind has written
 * the routing again (the rollback resumed and finished), the note is out of date: its buttons
 * change nothing, are refused to the clicker, and the note loses them. A blue-green Service selector
 * edited between the switch's read and its write is not overwritten either.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import { englishWords } from '../../support/no-english.ts';
import { LEAD, startWorld, type ConfigDoc, type World } from '../../support/world.ts';
import { NAMES } from '../i18n/step-note.ts';

let world: World;
afterEach(async () => world?.stop());

const NS = 'prompts';
const VS_PATH = `/apis/networking.istio.io/v1/namespaces/${NS}/virtualservices/prompt-service`;
const SERVICE_PATH = `/api/v1/namespaces/${NS}/services/prompt-service`;
const CEILING = { timeout: 15_000, interval: 20 };

type Route = { destination: { subset: string }; weight: number }[];
const routeOf = (o: { spec?: Record<string, unknown> }) => (o.spec!.http as { route: Route }[])[0]!.route;
const weights = (w: World) =>
  routeOf(w.kube!.mustGet('VirtualService', NS, 'prompt-service')).map((d) => `${d.destination.subset}=${d.weight}`);
const vsWrites = (w: World) => w.kube!.appliedWrites().filter((r) => r.path === VS_PATH);
const rollback = (w: World) => w.rewind.store.rollbacks.history()[0];
const posts = (w: World) => w.slack.callsTo('chat.postMessage').map((c) => String(c.args.text));
const driftNotes = (w: World) =>
  w.slack
    .callsTo('chat.postMessage')
    .map((c) => String(c.args.text))
    .filter((t) => t.includes('routing changed by') || t.includes('によって変更されました:'));

/** An immediate rollback through the dialog; `edit` lands just before its first write of `path`. */
async function rollbackMeetingEdit(
  w: World,
  path: string,
  edit: Parameters<NonNullable<World['kube']>['beforeNext']>[1],
) {
  await vi.waitFor(() => expect(w.kube!.openWatches).toBe(Object.keys(w.rewind.config.services).length), CEILING);
  const incident = await w.openIncident();
  const messageTs = incident.slackTs ?? '';
  await w.act({ user: LEAD, actionId: ACTION.immediate, value: incident.id, blockId: BLOCK.decisions, messageTs });
  const metadata = (w.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string }).private_metadata;
  w.kube!.beforeNext({ method: path === VS_PATH ? 'PUT' : 'PATCH', path }, edit);
  await w.submit(LEAD, VIEW.confirmRollback, metadata);
  await w.runUntil(() => rollback(w)?.status === 'paused', { maxMs: 60 * 60_000 });
  await vi.waitFor(() => expect(driftNotes(w)).toHaveLength(1), CEILING);
  const click = (actionId: string) => w.act({ user: LEAD, actionId, value: '1', blockId: BLOCK.drift, messageTs });
  return { click };
}

const editToHalfAndHalf = (api: NonNullable<World['kube']>) =>
  api.editAs('kubectl-edit', 'VirtualService', NS, 'prompt-service', (o) => {
    for (const d of routeOf(o))
      d.weight = d.destination.subset === 'v2-0-0' || d.destination.subset === 'v1-0-0' ? 50 : 0;
  });

describe('an immediate rollback whose write meets a kubectl edit', () => {
  it('notes the split Rewind was about to write, and Re-apply writes it, never the bad version', async () => {
    world = await startWorld({ kube: { split: { 'v2.0.0': 100, 'v1.5.0': 0, 'v1.0.0': 0 } } });
    const { click } = await rollbackMeetingEdit(world, VS_PATH, editToHalfAndHalf);
    const [note] = driftNotes(world);
    expect(note).toContain(
      '`prompt-service` routing changed by `kubectl-edit`: v1.0.0 50% / v2.0.0 50% — Rewind was about to set ' +
        'v1.5.0 100% at',
    );
    expect(note).not.toContain('Rewind set');
    expect(note).not.toContain('is paused'); // said once, by the pause's own note
    // The pause is said once, with its reason, and without a split from the plan that is not live.
    const pauses = posts(world).filter((t) => t.startsWith('⏸'));
    expect(pauses).toEqual([
      '⏸ Rewind paused the immediate rollback of *prompt-service* because its routing was changed by someone else ' +
        '(drift): it does not fight that change. The routing note says who changed what.',
    ]);
    expect(world.rewind.store.drifts.get(1)?.expected).toEqual({ 'v2.0.0': 0, 'v1.5.0': 100, 'v1.0.0': 0 });
    expect(vsWrites(world)).toHaveLength(0);

    await click(ACTION.driftReapply);
    await world.settle();
    expect(weights(world)).toEqual(['v2-0-0=0', 'v1-5-0=100', 'v1-0-0=0']);
    expect(vsWrites(world)).toHaveLength(1);
    const rollbackId = rollback(world)!.id;
    expect(rollback(world)?.status).toBe('paused');
    expect(posts(world)).toContain(
      "↩️ <@U0LEAD> re-applied Rewind's routing of `prompt-service`: v1.5.0 100%.\n" +
        `⏸️ Rollback ${rollbackId} is still paused: go on with \`/rollback resume prompt-service\`, or stop it with ` +
        'Abort.',
    );
  });

  it('says the pause, the note and the rollback still paused after Re-apply in Japanese', async () => {
    world = await startWorld({
      kube: { split: { 'v2.0.0': 100, 'v1.5.0': 0, 'v1.0.0': 0 } },
      config: (c) => (c.locale = 'ja'),
    });
    const { click } = await rollbackMeetingEdit(world, VS_PATH, editToHalfAndHalf);
    await click(ACTION.driftReapply);
    await world.settle();
    const id = rollback(world)!.id;
    const said = posts(world);
    const pause = said.find((t) => t.startsWith('⏸')) ?? '';
    const note = said.find((t) => t.startsWith('⚠️')) ?? '';
    const settled = said.find((t) => t.startsWith('↩️')) ?? '';
    expect(pause).toContain('ドリフト');
    expect(note).toContain('に v1.5.0 100% に設定しようとしていましたが');
    expect(settled).toContain(
      `ロールバック ${id} は一時停止したままです。続けるには \`/rollback resume prompt-service\``,
    );
    for (const text of [pause, note, settled])
      expect(englishWords(text, [...NAMES, 'kubectl-edit', LEAD, id, 'Rewind', 'rollback', 'resume'])).toEqual([]);
  });

  it('resumed, it says the live split; once finished, the note is out of date: its buttons write nothing', async () => {
    world = await startWorld({ kube: { split: { 'v2.0.0': 100, 'v1.5.0': 0, 'v1.0.0': 0 } } });
    const { click } = await rollbackMeetingEdit(world, VS_PATH, editToHalfAndHalf);
    await world.command(LEAD, '/rollback', 'resume prompt-service');
    // The resume note says what is live (the other writer's split), not the split of the plan.
    expect(posts(world)).toContain(
      '▶️ <@U0LEAD> resumed the immediate rollback of *prompt-service*. Now: v1.0.0 50% / v2.0.0 50%.',
    );
    await world.runUntil(() => rollback(world)?.status === 'succeeded', { maxMs: 60 * 60_000 });
    await world.rewind.services.drift.idle();
    await world.settle();
    expect(weights(world)).toEqual(['v2-0-0=0', 'v1-5-0=100', 'v1-0-0=0']);
    const writesBefore = vsWrites(world).length;
    const postsBefore = world.slack.callsTo('chat.postMessage').length;

    for (const action of [ACTION.driftReapply, ACTION.driftAccept]) {
      await click(action);
      await world.settle();
      const told = world.slack.responses.filter((r) => r.body.replace_original !== true).at(-1);
      expect(String(told?.body.text)).toBe(
        "🚫 Routing drift 1 was superseded by a later change (another writer's, or Rewind's own), so its splits " +
          'are no longer live: nothing was changed. Act on the latest note, if any.',
      );
      const replaced = world.slack.responses.filter((r) => r.body.replace_original === true).at(-1);
      expect(String(replaced?.body.text)).toContain('routing changed by `kubectl-edit`: v1.0.0 50% / v2.0.0 50%');
      expect(String(replaced?.body.text)).toContain('Superseded by a later change of this routing');
      expect(JSON.stringify(replaced?.body.blocks)).not.toContain('"action_id"');
    }
    // Nothing written, nothing settled, nothing posted in the thread.
    expect(weights(world)).toEqual(['v2-0-0=0', 'v1-5-0=100', 'v1-0-0=0']);
    expect(vsWrites(world)).toHaveLength(writesBefore);
    expect(world.rewind.store.drifts.get(1)?.settled).toBeNull();
    expect(world.rewind.store.drifts.lastAccepted('prompt-service')).toBeNull();
    expect(world.slack.callsTo('chat.postMessage')).toHaveLength(postsBefore);
  });

  it('resumed after a restart, it still says the live split: the drift that paused it is in the database', async () => {
    world = await startWorld({ kube: { split: { 'v2.0.0': 100, 'v1.5.0': 0, 'v1.0.0': 0 } } });
    await rollbackMeetingEdit(world, VS_PATH, editToHalfAndHalf);
    await world.restart();
    await world.command(LEAD, '/rollback', 'resume prompt-service');
    expect(posts(world)).toContain(
      '▶️ <@U0LEAD> resumed the immediate rollback of *prompt-service*. Now: v1.0.0 50% / v2.0.0 50%.',
    );
    await world.runUntil(() => rollback(world)?.status === 'succeeded', { maxMs: 60 * 60_000 });
    expect(weights(world)).toEqual(['v2-0-0=0', 'v1-5-0=100', 'v1-0-0=0']);
  });
});

describe('a blue-green Service selector edited between the switch’s read and its write', () => {
  it('is not overwritten: the switch is refused (409), the rollback pauses, the note names the editor', async () => {
    world = await startWorld({
      kube: {},
      config: (c: ConfigDoc) => {
        c.services['prompt-service']!.router = { kind: 'service-selector', service: 'prompt-service' };
      },
    });
    await rollbackMeetingEdit(world, SERVICE_PATH, (api) =>
      api.editAs('kubectl-edit', 'Service', NS, 'prompt-service', (o) => {
        (o.spec!.selector as Record<string, string>).version = 'v1.0.0';
      }),
    );
    expect(world.kube!.mustGet('Service', NS, 'prompt-service').spec!.selector).toEqual({
      app: 'prompt-service',
      version: 'v1.0.0',
    });
    const patches = world.kube!.requests.filter((r) => r.method === 'PATCH' && r.path === SERVICE_PATH);
    expect(patches.map((r) => r.status)).toEqual([409]);
    expect(driftNotes(world)[0]).toContain('`prompt-service` routing changed by `kubectl-edit`: v1.0.0 100%');
    expect(driftNotes(world)[0]).toContain('Rewind was about to set v1.5.0 100%');
  });
});
