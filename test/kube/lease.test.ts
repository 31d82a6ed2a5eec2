/**
 * Leader election on a Lease, on the Kubernetes stand-in through client-node's CoordinationV1Api, on
 * a manual clock: one of two replicas leads; a leader that stops renewing (a crash) is taken over
 * from once its lease has run out and not before; a renew answered 409 or failing past the renew
 * deadline, or 404 (deleted), makes the leader step down; a Lease it may not read is logged once a
 * minute; a clean stop hands the Lease over at once. The calls the stand-in recorded are checked
 * one by one.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClients } from '../../src/adapters/kube/clients.ts';
import { LEADER_LEASE, LEASE_TIMINGS, LeaderElector } from '../../src/adapters/kube/lease.ts';
import { ManualClock } from '../../src/clock.ts';
import { rewindNamespace } from '../../src/startup/leadership.ts';
import { KubeApiStandIn } from '../support/kube-api.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';

const NS = 'rewind';
const LEASE = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/${LEADER_LEASE}`;
const LEASES = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`;
const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = LEASE_TIMINGS;

let api: KubeApiStandIn;
let clock: ManualClock;
let clients: KubeClients;
let electors: LeaderElector[] = [];
/** What each elector's callbacks saw, in order: `a+` started leading at t (ms since T0), `a-` stopped. */
let events: string[] = [];
/** What the electors logged at info: `<replica>: <message> <holder>`. */
let logged: string[] = [];
/** What the electors logged at warn: `<replica>: <message> [fix]`. */
let warned: string[] = [];
let t0: number;

beforeEach(async () => {
  api = await KubeApiStandIn.start({ token: 'lease-token' });
  clients = new KubeClients({
    kubeconfigPath: writeKubeconfig([{ name: 'prod', server: api.url, token: 'lease-token' }]),
  });
  clock = new ManualClock();
  t0 = clock.now();
  electors = [];
  events = [];
  logged = [];
  warned = [];
});

afterEach(async () => {
  for (const e of electors) await e.stop({ release: false });
  await api.close();
});

/** A replica named `id`, started now. */
function replica(id: string): LeaderElector {
  const log = {
    info: (o: object, msg: string) => void logged.push(`${id}: ${msg} ${(o as { holder?: string }).holder}`),
    warn: (o: object, msg: string) => void warned.push(`${id}: ${msg}${(o as { fix?: string }).fix ? ' [fix]' : ''}`),
  };
  const e = new LeaderElector(LEADER_LEASE, NS, id, clock, clients.forContext().coordination, { log });
  e.onStartedLeading(() => void events.push(`${id}+ ${clock.now() - t0}`));
  e.onStoppedLeading(() => void events.push(`${id}- ${clock.now() - t0}`));
  electors.push(e);
  e.start();
  return e;
}

/** Lets every elector finish the try or renew it is making (their calls are real HTTP to the stand-in). */
const idle = () => Promise.all(electors.map((e) => e.idle()));

/** Moves the clock in 1-second steps, each elector's round finished before the next step. */
async function run(ms: number, each?: () => void): Promise<void> {
  for (let done = 0; done < ms; done += 1_000) {
    await clock.advance(1_000);
    await idle();
    each?.();
  }
}

const lease = () => api.mustGet('Lease', NS, LEADER_LEASE);
const holder = () => (lease().spec as { holderIdentity?: string }).holderIdentity;

/** Replica a leads (from t=0, renewing at even seconds); b tries from t=1 s (odd seconds). */
async function aLeadsBFollows(): Promise<[LeaderElector, LeaderElector]> {
  const a = replica('a');
  await idle();
  await clock.advance(1_000);
  const b = replica('b');
  await idle();
  return [a, b];
}

describe('a Lease, two replicas', () => {
  it('one leads: a creates the Lease and renews it every retry period; b only reads it', async () => {
    const [a, b] = await aLeadsBFollows();
    await run(1_000);
    const renewedAt2s = lease().metadata.resourceVersion;
    await run(3_000);
    expect([a.leading, b.leading]).toEqual([true, false]);
    expect(events).toEqual(['a+ 0']);
    expect(api.calls()).toEqual([
      `GET ${LEASE} 404`,
      `POST ${LEASES} 201`,
      `GET ${LEASE} 200`, // b at 1 s: held by a
      `PUT ${LEASE} 200`, // a renews at 2 s
      `GET ${LEASE} 200`, // b at 3 s
      `PUT ${LEASE} 200`, // a at 4 s
      `GET ${LEASE} 200`, // b at 5 s
    ]);
    const created = api.requests[1]!.body as { spec: Record<string, unknown> };
    expect(created.spec).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: '2026-01-05T09:00:00.000000Z',
      renewTime: '2026-01-05T09:00:00.000000Z',
      leaseTransitions: 0,
    });
    const renew = api.requests[5]!.body as { metadata: { resourceVersion: string }; spec: Record<string, unknown> };
    expect(renew.spec).toMatchObject({ holderIdentity: 'a', renewTime: '2026-01-05T09:00:04.000000Z' });
    // Each renew carries the resourceVersion its previous write left: a conditional replace.
    expect(renew.metadata.resourceVersion).toBe(renewedAt2s);
    expect(lease().spec).toMatchObject({ holderIdentity: 'a', renewTime: '2026-01-05T09:00:04.000000Z' });
    expect(logged).toEqual(['a: leader election: this replica leads a', 'b: leader election: another replica leads a']);
  });

  it('a leader that stops renewing (a crash) is taken over once its lease ran out, and not before', async () => {
    const [a, b] = await aLeadsBFollows();
    await run(3_000); // a renewed last at 4 s
    const lastRenew = Date.parse(String((lease().spec as { renewTime: string }).renewTime)) - t0;
    expect(lastRenew).toBe(4_000);
    await a.stop({ release: false });
    expect(events).toEqual(['a+ 0', 'a- 4000']); // its work stops with it; the Lease still names it
    expect(holder()).toBe('a');
    api.clearRequests();
    const beforeExpiry: boolean[] = [];
    await run(lastRenew + leaseDurationMs - (clock.now() - t0), () => beforeExpiry.push(b.leading));
    expect(clock.now() - t0).toBe(lastRenew + leaseDurationMs);
    expect(beforeExpiry.every((leading) => !leading)).toBe(true);
    expect(api.writes()).toEqual([]);
    // b reads every 2 s (at odd seconds): its first read after the lease ran out takes it.
    await run(retryPeriodMs);
    expect(b.leading).toBe(true);
    expect(events).toEqual(['a+ 0', 'a- 4000', `b+ ${lastRenew + leaseDurationMs + retryPeriodMs}`]);
    expect(lease().spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1, leaseDurationSeconds: 15 });
    // b read the expired Lease, then replaced it with the resourceVersion it read.
    expect(api.calls().slice(-2)).toEqual([`GET ${LEASE} 200`, `PUT ${LEASE} 200`]);
  });

  it('a renew answered 409 (the Lease written by another) makes the leader step down at once', async () => {
    const [a, b] = await aLeadsBFollows();
    // Another replica, c, took the Lease (as after a network partition hid a's renews from it).
    api.editAs('rewind', 'Lease', NS, LEADER_LEASE, (o) => {
      o.spec.holderIdentity = 'c';
      o.spec.renewTime = new Date(clock.now()).toISOString().replace('Z', '000Z');
    });
    api.clearRequests();
    await run(1_000); // a's renew at 2 s
    expect(api.calls()).toEqual([`PUT ${LEASE} 409`]);
    expect(a.leading).toBe(false);
    expect(events).toEqual(['a+ 0', 'a- 2000']);
    expect(logged.slice(2)).toEqual(['a: leader election: this replica stopped leading a']);
    // Neither takes c's Lease while c's lease runs.
    await run(10_000);
    expect([a.leading, b.leading]).toEqual([false, false]);
    expect(api.writes()).toHaveLength(1);
    expect(logged.slice(3)).toEqual([
      'b: leader election: another replica leads c', // at 3 s
      'a: leader election: another replica leads c', // at 4 s, a candidate again
    ]);
  });

  it('renews failing past the renew deadline make the leader step down before its lease runs out', async () => {
    const [a] = await aLeadsBFollows();
    await run(1_000); // renewed at 2 s
    api.failNext({ method: 'PUT', path: LEASE }, { status: 500, times: 100 });
    const leading: Array<[number, boolean]> = [];
    await run(renewDeadlineMs, () => leading.push([clock.now() - t0, a.leading]));
    // Tried at 4, 6, 8, 10 s still leading; at 12 s, 10 s after the last renew, it steps down.
    expect(leading.filter(([, l]) => l).map(([t]) => t)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11].map((s) => s * 1_000));
    expect(events).toEqual(['a+ 0', 'a- 12000']);
    // Failed renews at 4, 6, 8 and 10 s; none at 12 s, when the deadline had passed.
    expect(
      api
        .calls()
        .filter((c) => c.startsWith('PUT'))
        .slice(-4),
    ).toEqual(Array(4).fill(`PUT ${LEASE} 500`));
    // The work stopped while the Lease it renewed last still ran: nobody else could have started it yet.
    const runsOutAt = Date.parse(String((lease().spec as { renewTime: string }).renewTime)) - t0 + leaseDurationMs;
    expect(runsOutAt).toBe(17_000);
  });

  it('a Lease deleted by hand: the leader steps down at its next renew, and one replica creates it again', async () => {
    const [a, b] = await aLeadsBFollows();
    await clients.forContext().coordination.deleteNamespacedLease({ name: LEADER_LEASE, namespace: NS });
    api.clearRequests();
    const leaders: number[] = [];
    await run(4_000, () => leaders.push([a, b].filter((e) => e.leading).length));
    // a's renew at 2 s is answered 404 and a stops; b, reading at 3 s, finds no Lease and creates it.
    expect(api.calls().slice(0, 3)).toEqual([`PUT ${LEASE} 404`, `GET ${LEASE} 404`, `POST ${LEASES} 201`]);
    expect(events).toEqual(['a+ 0', 'a- 2000', 'b+ 3000']);
    expect(Math.max(...leaders)).toBe(1); // never two at once
    expect(holder()).toBe('b');
  });

  it('a Lease it may not read is logged once with the fix, then once a minute while that lasts', async () => {
    api.failNext({ method: 'GET', path: LEASE }, { status: 403, times: 1_000 });
    const a = replica('a');
    await idle();
    await run(119_000);
    expect(a.leading).toBe(false);
    // Tried every 2 s, 60 times; logged at 0 s and at 60 s (the next would be at 120 s).
    expect(warned).toEqual(Array(2).fill('a: leader election: cannot read the Lease [fix]'));
  });

  it('a clean stop hands the Lease back: the other replica takes over at its next read', async () => {
    const [a, b] = await aLeadsBFollows();
    await run(3_000); // a renewed last at 4 s
    api.clearRequests();
    await a.stop();
    expect(events).toEqual(['a+ 0', 'a- 4000']);
    expect(api.calls()).toEqual([`PUT ${LEASE} 200`]);
    expect(holder()).toBeUndefined();
    expect(lease().spec).toMatchObject({ leaseDurationSeconds: 1, renewTime: '2026-01-05T09:00:04.000000Z' });
    await run(1_000); // b reads at 5 s
    expect(b.leading).toBe(true);
    expect(events).toEqual(['a+ 0', 'a- 4000', 'b+ 5000']);
    expect(api.calls()).toEqual([`PUT ${LEASE} 200`, `GET ${LEASE} 200`, `PUT ${LEASE} 200`]);
    expect(lease().spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });
});

describe("Rewind's namespace", () => {
  it('is POD_NAMESPACE, else the service account namespace file, else rewind', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rewind-ns-')), 'namespace');
    expect(rewindNamespace(undefined, file)).toBe('rewind');
    writeFileSync(file, 'ops\n');
    expect(rewindNamespace(undefined, file)).toBe('ops');
    expect(rewindNamespace('chatops', file)).toBe('chatops');
  });
});
