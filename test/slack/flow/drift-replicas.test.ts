/**
 * End to end: the drift watch runs on one replica. Two bots on one PostgreSQL database and one
 * Kubernetes stand-in elect a leader on the Lease `rewind-leader`; only the leader opens informers,
 * so one kubectl edit brings ONE drift note, and /metrics says which replica leads. A clean stop of
 * the leader hands the Lease over at once and the other replica watches from then on. On SQLite
 * (one replica by definition) the bot watches without touching any Lease.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import { STORE_KINDS } from '../../support/stores.ts';
import { LEAD, startWorld, textOf, type World } from '../../support/world.ts';

let worlds: World[] = [];
afterEach(async () => {
  // The replica first: the first world owns the stand-ins both use.
  for (const w of worlds.reverse()) await w.stop();
  worlds = [];
});

const NS = 'prompts';
const LEASES = '/apis/coordination.k8s.io/v1/namespaces/rewind/leases';
const CEILING = { timeout: 15_000, interval: 20 };

const driftNotes = (w: World) =>
  w.slack
    .callsTo('chat.postMessage')
    .map(textOf)
    .filter((t) => t.includes('routing changed by'));

const kubectlEditWeights = (w: World, weights: Record<string, number>) =>
  w.kube!.editAs('kubectl-edit', 'VirtualService', NS, 'prompt-service', (o) => {
    const route = (o.spec.http as { route: { destination: { subset: string }; weight: number }[] }[])[0]!.route;
    for (const d of route) d.weight = weights[d.destination.subset] ?? 0;
  });

/** One informer per configured service's routing object: what ONE drift watch holds open. */
const oneWatch = (w: World) => Object.keys(w.rewind.config.services).length;

/** `rewind_leader{name="rewind-leader"}` as the bot's /metrics says it. */
async function leaderGauge(w: World): Promise<string | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${w.rewind.port}/metrics`)).text();
  return /^rewind_leader\{name="rewind-leader"\} (\d+)$/m.exec(text)?.[1];
}

/** Lets `ms` of the shared clock pass, in the world's steps. */
async function timePasses(w: World, ms: number): Promise<void> {
  const until = w.clock.now() + ms;
  await w.runUntil(() => w.clock.now() >= until);
}

const holder = (w: World) =>
  (w.kube!.object('Lease', 'rewind', 'rewind-leader')?.spec as { holderIdentity?: string } | undefined)?.holderIdentity;

/** An immediate rollback through the dialog, run to its end: what drift is measured against. */
async function rolledBack(w: World) {
  const incident = await w.openIncident();
  const messageTs = incident.slackTs ?? '';
  await w.act({ user: LEAD, actionId: ACTION.immediate, value: incident.id, blockId: BLOCK.decisions, messageTs });
  const metadata = (w.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string }).private_metadata;
  await w.submit(LEAD, VIEW.confirmRollback, metadata);
  await w.runUntil(() => w.rewind.store.rollbacks.history()[0]?.status === 'succeeded', { maxMs: 10 * 60_000 });
}

describe.skipIf(!STORE_KINDS.includes('postgres'))('two replicas on one PostgreSQL database', () => {
  // A rollback on PostgreSQL takes most of its seconds.
  it(
    'only the Lease holder watches: one kubectl edit, one note; a clean stop hands the watch over',
    { timeout: 90_000 },
    async () => {
      const first = await startWorld({ store: 'postgres', kube: {} });
      worlds.push(first);
      const second = await startWorld({ replicaOf: first });
      worlds.push(second);
      // Both are up; the clock runs past several renews, so a second watch would have opened by now.
      await first.runUntil(() => holder(first) !== undefined && first.kube!.openWatches >= oneWatch(first), {
        maxMs: 60_000,
      });
      await timePasses(first, 10_000);
      expect(first.kube!.openWatches).toBe(oneWatch(first));
      const gauges = [await leaderGauge(first), await leaderGauge(second)];
      expect([...gauges].sort()).toEqual(['0', '1']);
      const [leader, follower] = gauges[0] === '1' ? [first, second] : [second, first];
      // Every write to the Lease that went through is the leader's (created, then renewed); a replica
      // that tried to create it at the same time was answered 409 and follows.
      const writes = first.kube!.writes().filter((r) => r.path.startsWith(LEASES));
      const holderOf = (r: { body: unknown }) => (r.body as { spec: { holderIdentity: string } }).spec.holderIdentity;
      expect(new Set(writes.filter((r) => r.status < 300).map(holderOf))).toEqual(new Set([holder(first)]));
      expect(writes.filter((r) => r.status >= 300).map((r) => [r.method, r.status])).toEqual(
        writes.some((r) => r.status >= 300) ? [['POST', 409]] : [],
      );

      await rolledBack(leader);
      expect(driftNotes(first)).toEqual([]);
      kubectlEditWeights(first, { 'v2-0-0': 100 });
      await vi.waitFor(() => expect(driftNotes(first)).toHaveLength(1), CEILING);
      // Time for a second note to come, had the other replica watched too.
      await timePasses(leader, 5_000);
      await Promise.all([leader.rewind.services.drift.idle(), follower.rewind.services.drift.idle()]);
      await follower.settle();
      expect(driftNotes(first)).toHaveLength(1);
      expect(first.rewind.store.audit.list({ action: 'routing.drift' })).toHaveLength(1);

      // The leader stops cleanly: it releases the Lease, and the other replica watches from its next read.
      const before = holder(first);
      await leader.rewind.stop();
      expect(holder(first)).toBeUndefined();
      await follower.runUntil(() => holder(first) !== undefined && first.kube!.openWatches === oneWatch(first), {
        maxMs: 2_000,
      });
      expect(holder(first)).not.toBe(before);
      expect(await leaderGauge(follower)).toBe('1');
      kubectlEditWeights(first, { 'v1-0-0': 100 });
      await vi.waitFor(() => expect(driftNotes(first)).toHaveLength(2), CEILING);
    },
  );
});

describe('one replica on SQLite', () => {
  it('leads by definition: it watches, says so on /metrics, and never touches a Lease', async () => {
    const world = await startWorld({ kube: {} });
    worlds.push(world);
    await vi.waitFor(() => expect(world.kube!.openWatches).toBe(oneWatch(world)), CEILING);
    await timePasses(world, 30_000);
    expect(await leaderGauge(world)).toBe('1');
    expect(world.kube!.requests.filter((r) => r.path.includes('/coordination.k8s.io/'))).toEqual([]);
    expect(world.kube!.object('Lease', 'rewind', 'rewind-leader')).toBeUndefined();
  });
});
