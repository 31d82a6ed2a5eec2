/**
 * End to end: a `kubectl edit` of the routing landing between a gradual phase's read and its write.
 * The API server refuses the phase's write (409); the router reads again and, seeing another field
 * manager changed the weights it was about to set, writes nothing: the rollback pauses on drift,
 * and the note that says so is true. A 409 caused by a change of other fields still retries.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import { LEAD, startWorld, textOf, type World } from '../../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

const NS = 'prompts';
const VS_PATH = `/apis/networking.istio.io/v1/namespaces/${NS}/virtualservices/prompt-service`;
const CEILING = { timeout: 15_000, interval: 20 };

type Route = { destination: { subset: string }; weight: number }[];
const routeOf = (o: { spec?: Record<string, unknown> }) => (o.spec!.http as { route: Route }[])[0]!.route;
const weights = (w: World) =>
  routeOf(w.kube!.mustGet('VirtualService', NS, 'prompt-service')).map((d) => `${d.destination.subset}=${d.weight}`);

const vsPuts = (w: World) => w.kube!.requests.filter((r) => r.method === 'PUT' && r.path === VS_PATH);
const vsWrites = (w: World) => w.kube!.appliedWrites().filter((r) => r.path === VS_PATH);
const rollback = (w: World) => w.rewind.store.rollbacks.history()[0];
const driftNotes = (w: World) =>
  w.slack
    .callsTo('chat.postMessage')
    .map(textOf)
    .filter((t) => t.includes('routing changed by'));

/** A gradual rollback from v2.0.0 50% / v1.5.0 50%, through the dialog, until its first phase is written. */
async function firstPhaseWritten(w: World) {
  await vi.waitFor(() => expect(w.kube!.openWatches).toBe(Object.keys(w.rewind.config.services).length), CEILING);
  const incident = await w.openIncident();
  const messageTs = incident.slackTs ?? '';
  await w.act({ user: LEAD, actionId: ACTION.gradual, value: incident.id, blockId: BLOCK.decisions, messageTs });
  const metadata = (w.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string }).private_metadata;
  await w.submit(LEAD, VIEW.confirmRollback, metadata);
  await w.runUntil(() => vsWrites(w).length === 1, { maxMs: 20 * 60_000 });
  return incident;
}

describe('a kubectl edit between a gradual phase’s read and its write', () => {
  it('is not overwritten: nothing is written, the rollback pauses on drift, and one note says so', async () => {
    world = await startWorld({ kube: { split: { 'v2.0.0': 50, 'v1.5.0': 50, 'v1.0.0': 0 } } });
    const incident = await firstPhaseWritten(world);
    await world.settle();
    expect(weights(world)).toEqual(['v2-0-0=25', 'v1-5-0=75', 'v1-0-0=0']);
    // The next phase's PUT is refused: a person edits the weights just before it is processed.
    world.kube!.beforeNext({ method: 'PUT', path: VS_PATH }, (api) =>
      api.editAs('kubectl-edit', 'VirtualService', NS, 'prompt-service', (o) => {
        for (const d of routeOf(o)) d.weight = d.destination.subset === 'v2-0-0' ? 100 : 0;
      }),
    );
    await world.runUntil(() => rollback(world)?.status === 'paused', { maxMs: 60 * 60_000 });
    await vi.waitFor(() => expect(driftNotes(world)).toHaveLength(1), CEILING);

    expect(vsPuts(world).length).toBe(2); // phase 1, and the refused phase 2: no third write
    expect(vsWrites(world)).toHaveLength(1);
    expect(weights(world)).toEqual(['v2-0-0=100', 'v1-5-0=0', 'v1-0-0=0']);
    expect(world.kube!.managersOf('VirtualService', NS, 'prompt-service', 'spec.http')).toEqual(['kubectl-edit']);
    const id = rollback(world)!.id;
    const note = world.slack.callsTo('chat.postMessage').find((c) => textOf(c).includes('routing changed by'))!;
    expect(note.args.thread_ts).toBe(incident.slackTs);
    const text = String(note.args.text);
    expect(text).toContain('routing changed by `kubectl-edit`: v2.0.0 100% — Rewind set v1.5.0 75% / v2.0.0 25%');
    // The pause is said once, by its own note with its reason: the drift note does not repeat it.
    expect(text).not.toContain(`Rollback ${id} is paused`);
    const posts = world.slack.callsTo('chat.postMessage').map((c) => String(c.args.text));
    expect(posts.filter((t) => t.includes('paused the gradual rollback'))).toEqual([
      '⏸ Rewind paused the gradual rollback of *prompt-service* because its routing was changed by someone else ' +
        '(drift): it does not fight that change. The routing note says who changed what.',
    ]);
    const pauses = world.rewind.store.incidents.timeline(incident.id).filter((e) => e.kind === 'rollback_pause');
    expect(pauses.map((e) => e.actor)).toEqual([{ kind: 'system', id: 'drift-watch' }]);
    expect(world.rewind.store.audit.list({ action: 'routing.drift' })).toHaveLength(1);
    // However long it waits, paused: nothing more is written.
    await world.runUntil(() => false, { stepMs: 10_000, maxMs: 30 * 60_000 }).catch(() => undefined);
    expect(vsWrites(world)).toHaveLength(1);
  });

  it('a 409 from a change of fields Rewind does not write (an annotation) is retried and the phase lands', async () => {
    world = await startWorld({ kube: { split: { 'v2.0.0': 50, 'v1.5.0': 50, 'v1.0.0': 0 } } });
    await firstPhaseWritten(world);
    world.kube!.beforeNext({ method: 'PUT', path: VS_PATH }, (api) =>
      api.editAs('kubectl-edit', 'VirtualService', NS, 'prompt-service', (o) => {
        o.metadata.annotations = { ...o.metadata.annotations, 'team/owner': 'prompts' };
      }),
    );
    await world.runUntil(() => vsWrites(world).length === 2, { maxMs: 60 * 60_000 });
    expect(vsPuts(world).length).toBe(3); // phase 1, phase 2 refused with 409, phase 2 again
    const sent = routeOf(vsWrites(world)[1]!.body as { spec?: Record<string, unknown> });
    expect(weights(world)).toEqual(sent.map((d) => `${d.destination.subset}=${d.weight}`));
    expect(sent.find((d) => d.destination.subset === 'v2-0-0')!.weight).toBeLessThan(25);
    expect(world.kube!.mustGet('VirtualService', NS, 'prompt-service').metadata.annotations?.['team/owner']).toBe(
      'prompts',
    );
    expect(rollback(world)?.status).not.toBe('paused');
    await world.settle();
    expect(driftNotes(world)).toEqual([]);
  });
});
