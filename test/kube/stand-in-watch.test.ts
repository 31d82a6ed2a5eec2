/**
 * Watches on the Kubernetes API stand-in, driven through the real @kubernetes/client-node `Watch`,
 * `makeInformer` and `ListWatch`: what they send (list, then watch from the list's
 * resourceVersion) and what they do with the answers (events, bookmarks, a closed watch, 410 Gone)
 * must match the API server's, or code built on them is tested against a fiction.
 */
import { KubeConfig, ListWatch, makeInformer, Watch, type V1Service } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { KubeClients, type KubeApis } from '../../src/adapters/kube/clients.ts';
import { ManualClock } from '../../src/clock.ts';
import { KubeApiStandIn, type KubeObject } from '../support/kube-api.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { NS, V15, V2 } from './world.ts';

const SERVICES = `/api/v1/namespaces/${NS}/services`;
const PODS = `/api/v1/namespaces/${NS}/pods`;
const CEILING = { timeout: 10_000, interval: 10 };

interface Seen {
  type: string;
  name: string | undefined;
  resourceVersion: string | undefined;
  object: KubeObject & { code?: number; reason?: string; message?: string };
}

let api: KubeApiStandIn;
let kc: KubeConfig;
let k: KubeApis;
const cleanups: Array<() => unknown> = [];

async function start(options: { bookmarkIntervalMs?: number; clock?: ManualClock } = {}) {
  api = await KubeApiStandIn.start({ token: 'watch-token', ...options });
  api.seedPromptService({ versions: [V2, V15], namespace: NS });
  const path = writeKubeconfig([{ name: 'test', server: api.url, token: 'watch-token' }]);
  kc = new KubeConfig();
  kc.loadFromFile(path);
  k = new KubeClients({ kubeconfigPath: path }).forContext('test');
  api.clearRequests();
}

/** A raw watch through client-node's Watch: the events it hands over, and how it ended. */
async function watch(path: string, query: Record<string, string | number | boolean>) {
  const seen: Seen[] = [];
  const ended: { error: unknown }[] = [];
  const controller = await new Watch(kc).watch(
    path,
    query,
    (type, object: Seen['object']) =>
      seen.push({ type, name: object.metadata?.name, resourceVersion: object.metadata?.resourceVersion, object }),
    (error) => ended.push({ error }),
  );
  cleanups.push(() => controller.abort());
  return { seen, ended };
}

/** A change every services watch sees (each one different, so never a no-op). */
let touches = 0;
const touchService = () =>
  api.edit('Service', NS, 'prompt-service', (o) => {
    o.metadata.annotations = { ...o.metadata.annotations, touched: String(++touches) };
  });
const watchRequests = () => api.requests.filter((r) => r.query.watch === 'true');
const listRequests = (path: string) => api.requests.filter((r) => r.path === path && r.query.watch === undefined);

beforeEach(() => start());
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await api.close();
});

describe('watch on the stand-in (client-node Watch)', () => {
  test('from a LIST resourceVersion: ADDED, MODIFIED and DELETED in order, each at its resourceVersion', async () => {
    const list = await k.core.listNamespacedService({ namespace: NS });
    const { seen } = await watch(SERVICES, { resourceVersion: list.metadata!.resourceVersion! });
    await vi.waitFor(() => expect(api.openWatches).toBe(1), CEILING);
    expect(seen).toEqual([]);

    api.edit('Service', NS, 'prompt-service', (o) => {
      o.spec.selector.version = V15;
    });
    api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'extra', namespace: NS }, spec: {} });
    api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'elsewhere', namespace: 'other' }, spec: {} });
    await k.core.deleteNamespacedService({ name: 'extra', namespace: NS });

    await vi.waitFor(() => expect(seen).toHaveLength(3), CEILING);
    expect(seen.map((e) => [e.type, e.name])).toEqual([
      ['MODIFIED', 'prompt-service'],
      ['ADDED', 'extra'],
      ['DELETED', 'extra'],
    ]);
    expect(seen[0]!.object).toMatchObject({ kind: 'Service', apiVersion: 'v1', spec: { selector: { version: V15 } } });
    expect(seen[0]!.resourceVersion).toBe(api.mustGet('Service', NS, 'prompt-service').metadata.resourceVersion);
    const versions = seen.map((e) => Number(e.resourceVersion));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(watchRequests()[0]).toMatchObject({
      method: 'GET',
      path: SERVICES,
      query: { watch: 'true', resourceVersion: list.metadata!.resourceVersion },
      status: 200,
    });
  });

  test('without a resourceVersion each object comes first as ADDED; from an old one, changes replay', async () => {
    const rv = api.store.currentRevision;
    api.edit('Service', NS, 'prompt-service', (o) => {
      o.metadata.annotations = { note: 'before the watch' };
    });
    const fresh = await watch(SERVICES, {});
    const replayed = await watch(SERVICES, { resourceVersion: rv });
    await vi.waitFor(() => expect(replayed.seen).toHaveLength(1), CEILING);
    expect(replayed.seen[0]).toMatchObject({ type: 'MODIFIED', name: 'prompt-service' });
    await vi.waitFor(() => expect(fresh.seen).toHaveLength(api.list('Service', NS).length), CEILING);
    expect(new Set(fresh.seen.map((e) => e.type))).toEqual(new Set(['ADDED']));
    expect(fresh.seen.map((e) => e.name).sort()).toEqual(
      api
        .list('Service', NS)
        .map((s) => s.metadata.name)
        .sort(),
    );
  });

  test('a label selector watch: labelled into it is ADDED, out of it DELETED; a fieldSelector picks one', async () => {
    const pod = api.list('Pod', NS, `version=${V15}`)[0]!.metadata.name;
    const byLabel = await watch(PODS, { resourceVersion: api.store.currentRevision, labelSelector: 'tier=canary' });
    const byName = await watch(SERVICES, {
      resourceVersion: api.store.currentRevision,
      fieldSelector: 'metadata.name=prompt-service',
    });
    await vi.waitFor(() => expect(api.openWatches).toBe(2), CEILING);
    api.edit('Pod', NS, pod, (o) => {
      o.metadata.labels = { ...o.metadata.labels, tier: 'canary' };
    });
    api.edit('Pod', NS, pod, (o) => {
      o.metadata.annotations = { seen: 'by the label watch' };
    });
    api.edit('Pod', NS, pod, (o) => {
      delete o.metadata.labels?.tier;
    });
    for (const name of ['prompt-service', `prompt-service-${V2.replaceAll('.', '-')}`])
      api.edit('Service', NS, name, (o) => {
        o.metadata.labels = { ...o.metadata.labels, touched: 'yes' };
      });
    await vi.waitFor(() => expect(byLabel.seen.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']), CEILING);
    expect(byLabel.seen.map((e) => e.name)).toEqual([pod, pod, pod]);
    await vi.waitFor(() => expect(byName.seen.map((e) => [e.type, e.name])).toEqual([['MODIFIED', 'prompt-service']]));
  });

  test('timeoutSeconds ends the stream cleanly, on the stand-in’s clock', async () => {
    await api.close();
    const clock = new ManualClock();
    await start({ clock });
    const { seen, ended } = await watch(SERVICES, { resourceVersion: api.store.currentRevision, timeoutSeconds: 30 });
    await vi.waitFor(() => expect(api.openWatches).toBe(1), CEILING);
    await clock.advance(29_000);
    // An event after 29 s still arrives on the open stream (it is ordered: an end would come first).
    touchService();
    await vi.waitFor(() => expect(seen.map((e) => e.type)).toEqual(['MODIFIED']), CEILING);
    expect(ended).toEqual([]);
    await clock.advance(1_000);
    await vi.waitFor(() => expect(ended).toEqual([{ error: null }]), CEILING);
    expect(api.openWatches).toBe(0);
  });

  test('a resourceVersion older than the history kept is answered by an ERROR event: Status 410 Expired', async () => {
    const old = api.store.currentRevision;
    api.edit('Service', NS, 'prompt-service', (o) => {
      o.metadata.labels = { ...o.metadata.labels, moved: 'on' };
    });
    api.compactHistory();
    const { seen, ended } = await watch(SERVICES, { resourceVersion: old });
    await vi.waitFor(() => expect(ended).toEqual([{ error: null }]), CEILING);
    expect(seen.map((e) => e.type)).toEqual(['ERROR']);
    expect(seen[0]!.object).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `too old resource version: ${old} (${api.store.currentRevision})`,
      reason: 'Expired',
      code: 410,
    });
    // From the compaction on, watching works again.
    const current = await watch(SERVICES, { resourceVersion: api.store.currentRevision });
    await vi.waitFor(() => expect(api.openWatches).toBe(1), CEILING);
    expect(current.seen).toEqual([]);
  });

  test('bookmarks: on demand and every bookmarkIntervalMs, only to watches that allow them', async () => {
    const plain = await watch(SERVICES, { resourceVersion: api.store.currentRevision });
    const marked = await watch(SERVICES, { resourceVersion: api.store.currentRevision, allowWatchBookmarks: true });
    await vi.waitFor(() => expect(api.openWatches).toBe(2), CEILING);
    api.edit('Deployment', NS, `prompt-service-${V15.replaceAll('.', '-')}`, (o) => {
      o.metadata.labels = { ...o.metadata.labels, unrelated: 'change' };
    });
    expect(api.sendBookmarks()).toBe(1);
    await vi.waitFor(() => expect(marked.seen).toHaveLength(1), CEILING);
    expect(marked.seen[0]!.type).toBe('BOOKMARK');
    expect(marked.seen[0]!.object).toEqual({
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { resourceVersion: api.store.currentRevision },
    });
    expect(plain.seen).toEqual([]);

    await api.close();
    const clock = new ManualClock();
    await start({ clock, bookmarkIntervalMs: 60_000 });
    const timed = await watch(SERVICES, { resourceVersion: api.store.currentRevision, allowWatchBookmarks: true });
    await vi.waitFor(() => expect(api.openWatches).toBe(1), CEILING);
    await clock.advance(59_000);
    touchService();
    await vi.waitFor(() => expect(timed.seen.map((e) => e.type)).toEqual(['MODIFIED']), CEILING);
    await clock.advance(61_000);
    await vi.waitFor(
      () => expect(timed.seen.map((e) => e.type)).toEqual(['MODIFIED', 'BOOKMARK', 'BOOKMARK']),
      CEILING,
    );
  });
  test('a BOOKMARK’s resourceVersion is where a watch can resume after the history is compacted', async () => {
    const before = api.store.currentRevision;
    const marked = await watch(SERVICES, { resourceVersion: before, allowWatchBookmarks: true });
    await vi.waitFor(() => expect(api.openWatches).toBe(1), CEILING);
    api.edit('Deployment', NS, `prompt-service-${V2.replaceAll('.', '-')}`, (o) => {
      o.metadata.labels = { ...o.metadata.labels, unrelated: 'change' };
    });
    api.sendBookmarks();
    await vi.waitFor(() => expect(marked.seen.map((e) => e.type)).toEqual(['BOOKMARK']), CEILING);
    api.compactHistory();
    const fromBookmark = await watch(SERVICES, { resourceVersion: marked.seen[0]!.resourceVersion! });
    const fromBefore = await watch(SERVICES, { resourceVersion: before });
    await vi.waitFor(() => expect(fromBefore.seen.map((e) => e.object.code)).toEqual([410]), CEILING);
    api.edit('Service', NS, 'prompt-service', (o) => {
      o.metadata.labels = { ...o.metadata.labels, after: 'compaction' };
    });
    await vi.waitFor(() => expect(fromBookmark.seen.map((e) => e.type)).toEqual(['MODIFIED']), CEILING);
  });
});

describe('informers on the stand-in (client-node makeInformer / ListWatch)', () => {
  function informer() {
    // makeInformer builds a ListWatch; its resourceVersion is what a test checks re-watches against.
    const inf = makeInformer(kc, SERVICES, () =>
      k.core.listNamespacedService({ namespace: NS }),
    ) as ListWatch<V1Service>;
    const events: string[] = [];
    const errors: unknown[] = [];
    inf.on('add', (s: V1Service) => events.push(`add ${s.metadata!.name}`));
    inf.on('update', (s: V1Service) => events.push(`update ${s.metadata!.name}`));
    inf.on('delete', (s: V1Service) => events.push(`delete ${s.metadata!.name}`));
    inf.on('error', (e: unknown) => errors.push(e));
    cleanups.push(() => inf.stop());
    return { inf, events, errors };
  }
  const serviceNames = () =>
    api
      .list('Service', NS)
      .map((s) => s.metadata.name)
      .sort();

  test('lists, then watches from the list resourceVersion; adds and updates reach the cache', async () => {
    const { inf, events } = informer();
    await inf.start();
    await vi.waitFor(() => expect(api.openWatches).toBe(1), CEILING);
    expect(events.sort()).toEqual(serviceNames().map((n) => `add ${n}`));
    const [list, watchRequest] = api.requests;
    expect(list).toMatchObject({ method: 'GET', path: SERVICES, query: {} });
    expect(watchRequest).toMatchObject({
      path: SERVICES,
      query: { watch: 'true', resourceVersion: expect.any(String) },
    });
    events.length = 0;

    api.edit('Service', NS, 'prompt-service', (o) => {
      o.spec.selector.version = V15;
    });
    await vi.waitFor(() => expect(events).toEqual(['update prompt-service']), CEILING);
    expect(inf.get('prompt-service', NS)?.spec?.selector).toEqual({ app: 'prompt-service', version: V15 });
    expect(inf.latestResourceVersion()).toBe(api.mustGet('Service', NS, 'prompt-service').metadata.resourceVersion);
  });

  test('a watch the server ends is re-watched from the last resourceVersion seen, without a re-list', async () => {
    const { inf, events, errors } = informer();
    await inf.start();
    await vi.waitFor(() => expect(api.openWatches).toBe(1), CEILING);
    const seenUpTo = inf.latestResourceVersion();
    expect(api.cutWatches()).toBe(1);
    api.edit('Service', NS, 'prompt-service', (o) => {
      o.metadata.annotations = { 'changed-while': 'no watch was open' };
    });
    await vi.waitFor(() => expect(events).toContain('update prompt-service'), CEILING);
    expect(listRequests(SERVICES)).toHaveLength(1);
    expect(watchRequests().map((r) => r.query.resourceVersion)).toEqual([seenUpTo, seenUpTo]);
    expect(inf.get('prompt-service', NS)?.metadata?.annotations).toEqual({ 'changed-while': 'no watch was open' });
    expect(errors).toEqual([]);
  });

  test('repeated closed watches are re-watched with backoff (1 s, 2 s); an event resets it', async () => {
    const delays: number[] = [];
    const lw = new ListWatch(
      SERVICES,
      new Watch(kc),
      () => k.core.listNamespacedService({ namespace: NS }),
      false,
      undefined,
      undefined,
      { delayFn: async (ms: number) => void delays.push(ms) },
    );
    cleanups.push(() => lw.stop());
    await lw.start();
    for (let cut = 1; cut <= 3; cut++) {
      await vi.waitFor(() => expect(api.openWatches).toBe(1), CEILING);
      expect(api.cutWatches()).toBe(1);
      await vi.waitFor(() => expect(watchRequests()).toHaveLength(cut + 1), CEILING);
    }
    expect(delays).toEqual([1000, 2000]);
    await vi.waitFor(() => expect(api.openWatches).toBe(1), CEILING);
    api.edit('Service', NS, 'prompt-service', (o) => {
      o.metadata.annotations = { reset: 'backoff' };
    });
    await vi.waitFor(() => expect(lw.latestResourceVersion()).toBe(api.store.currentRevision), CEILING);
    api.cutWatches();
    await vi.waitFor(() => expect(watchRequests()).toHaveLength(5), CEILING);
    expect(delays).toEqual([1000, 2000]);
    expect(listRequests(SERVICES)).toHaveLength(1);
  });

  test('410 Expired on re-watch: the informer re-lists and sees what changed meanwhile', async () => {
    const { inf, events, errors } = informer();
    await inf.start();
    await vi.waitFor(() => expect(api.openWatches).toBe(1), CEILING);
    events.length = 0;
    api.cutWatches();
    api.edit('Service', NS, 'prompt-service', (o) => {
      o.spec.selector.version = V15;
    });
    api.compactHistory();
    await vi.waitFor(() => expect(listRequests(SERVICES)).toHaveLength(2), CEILING);
    await vi.waitFor(() => expect(api.openWatches).toBe(1), CEILING);
    expect(events).toEqual(['update prompt-service']);
    expect(inf.get('prompt-service', NS)?.spec?.selector?.version).toBe(V15);
    const [, expired, rewatch] = watchRequests();
    expect(Number(expired!.query.resourceVersion)).toBeLessThan(Number(rewatch!.query.resourceVersion));
    expect(errors).toEqual([]);
  });

  test('a dropped connection is an error to the informer, which stops: restarting is the caller’s job', async () => {
    const { inf, errors } = informer();
    await inf.start();
    await vi.waitFor(() => expect(api.openWatches).toBe(1), CEILING);
    expect(api.cutWatches('drop')).toBe(1);
    await vi.waitFor(() => expect(errors).toHaveLength(1), CEILING);
    expect(api.openWatches).toBe(0);
    expect(watchRequests()).toHaveLength(1);
    // Started again, it watches from the last resourceVersion it saw, without a re-list.
    const seenUpTo = inf.latestResourceVersion();
    await inf.start();
    await vi.waitFor(() => expect(api.openWatches).toBe(1), CEILING);
    expect(watchRequests().map((r) => r.query.resourceVersion)).toEqual([seenUpTo, seenUpTo]);
    expect(listRequests(SERVICES)).toHaveLength(1);
  });
});
