/**
 * The drift watch on the Kubernetes stand-in through client-node's ListWatch: which objects each
 * router kind is watched through (one informer per kind and namespace, a fieldSelector where it
 * watches one object), who it says set the routing last (from managedFields), and that a watch cut
 * or answered 410 Gone comes back (a relist) and still reports changes.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { KubeClients } from '../../src/adapters/kube/clients.ts';
import { KubeDriftWatch, lastRoutingWriter, watchedObjects } from '../../src/adapters/kube/drift-watch.ts';
import { CANARY_WEIGHT } from '../../src/adapters/kube/routers/nginx.ts';
import type { RouterKind } from '../../src/config/schema.ts';
import { ManualClock } from '../../src/clock.ts';
import type { RoutingChange } from '../../src/services/ports.ts';
import { KubeApiStandIn } from '../support/kube-api.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { NS, V15, VERSIONS } from './world.ts';

const CEILING = { timeout: 10_000, interval: 10 };

let api: KubeApiStandIn;
let watch: KubeDriftWatch | null = null;
afterEach(async () => {
  await watch?.stop();
  watch = null;
  await api.close();
});

async function watching(kind: RouterKind, clock = new ManualClock()) {
  api = await KubeApiStandIn.start({ token: 'drift-token' });
  const seeded = api.seedPromptService({ versions: VERSIONS, namespace: NS, context: 'prod' });
  const kubeconfigPath = writeKubeconfig([{ name: 'prod', server: api.url, token: 'drift-token' }]);
  const config = seeded.config(kind);
  api.clearRequests();
  const seen: RoutingChange[] = [];
  watch = new KubeDriftWatch({ 'prompt-service': config }, new KubeClients({ kubeconfigPath }), { clock });
  watch.start((c) => seen.push(c));
  const informers = watchedObjects('prompt-service', config).reduce((kinds, o) => kinds.add(o.kind), new Set());
  await vi.waitFor(() => expect(api.openWatches).toBe(informers.size), CEILING);
  return { seen, config, clock };
}

const watchQueries = () => api.requests.filter((r) => r.query.watch === 'true').map((r) => [r.path, r.query]);

describe('what is watched, per router kind', () => {
  test('istio: the VirtualService alone, by name; a kubectl edit is reported as kubectl-edit, not Rewind', async () => {
    const { seen } = await watching('istio');
    expect(watchQueries()).toEqual([
      [
        `/apis/networking.istio.io/v1/namespaces/${NS}/virtualservices`,
        expect.objectContaining({ fieldSelector: 'metadata.name=prompt-service', resourceVersion: expect.any(String) }),
      ],
    ]);
    // Listed first: the object as it is, written by whoever seeded it.
    expect(seen.map((c) => [c.object, c.ownWrite])).toEqual([['VirtualService prompts/prompt-service', false]]);
    const edited = api.editAs('kubectl-edit', 'VirtualService', NS, 'prompt-service', (o) => {
      (o.spec.http as { route: { weight: number }[] }[])[0]!.route.forEach((d, i) => (d.weight = i === 1 ? 100 : 0));
    });
    await vi.waitFor(() => expect(seen).toHaveLength(2), CEILING);
    expect(seen[1]).toEqual({
      service: 'prompt-service',
      object: 'VirtualService prompts/prompt-service',
      resourceVersion: edited.metadata.resourceVersion,
      writer: 'kubectl-edit',
      ownWrite: false,
    });
    api.editAs('rewind', 'VirtualService', NS, 'prompt-service', (o) => {
      (o.spec.http as { route: { weight: number }[] }[])[0]!.route.forEach((d, i) => (d.weight = i === 0 ? 100 : 0));
    });
    await vi.waitFor(() => expect(seen.at(-1)?.writer).toBe('rewind'), CEILING);
    expect(seen.at(-1)?.ownWrite).toBe(true);
  });

  test('nginx: both Ingresses through one informer without a fieldSelector; the canary weight’s writer', async () => {
    const { seen, config } = await watching('nginx');
    expect(watchQueries()).toHaveLength(1);
    expect(watchQueries()[0]![0]).toBe(`/apis/networking.k8s.io/v1/namespaces/${NS}/ingresses`);
    expect(watchQueries()[0]![1]).not.toHaveProperty('fieldSelector');
    const canary = (config.router as { canaryIngress: string }).canaryIngress;
    api.editAs('kubectl-edit', 'Ingress', NS, canary, (o) => {
      o.metadata.annotations = { ...o.metadata.annotations, [CANARY_WEIGHT]: '0' };
    });
    await vi.waitFor(() => expect(seen.at(-1)?.writer).toBe('kubectl-edit'), CEILING);
    expect(seen.at(-1)?.object).toBe(`Ingress prompts/${canary}`);
  });

  test('replicas: the versions’ Deployments, whose spec.replicas is the routing', async () => {
    const { config } = await watching('replicas');
    expect(watchedObjects('prompt-service', config).map((o) => [o.kind, o.name])).toEqual(
      config.versions.map((v) => ['Deployment', v.deployment]),
    );
    expect(watchQueries()[0]![0]).toBe(`/apis/apps/v1/namespaces/${NS}/deployments`);
  });

  test('service-selector and gateway-api: the Service and the HTTPRoute, each by name', async () => {
    await watching('service-selector');
    expect(watchQueries()[0]).toEqual([
      `/api/v1/namespaces/${NS}/services`,
      expect.objectContaining({ fieldSelector: 'metadata.name=prompt-service' }),
    ]);
    await watch!.stop();
    await api.close();
    await watching('gateway-api');
    expect(watchQueries()[0]![0]).toBe(`/apis/gateway.networking.k8s.io/v1/namespaces/${NS}/httproutes`);
  });
});

describe('who set the routing last', () => {
  const entry = (manager: string, time: string, fieldsV1: object) => ({ manager, time, fieldsV1, operation: 'Update' });
  test('the latest entry covering a routing path; entries for other fields do not count', () => {
    const paths = [['spec', 'selector', 'version']];
    const entries = [
      entry('rewind', '2026-01-05T09:00:00Z', { 'f:spec': { 'f:selector': { 'f:version': {} } } }),
      entry('kubectl-edit', '2026-01-05T09:05:00Z', { 'f:metadata': { 'f:labels': { 'f:team': {} } } }),
    ];
    expect(lastRoutingWriter(entries, paths)).toBe('rewind');
    entries.push(entry('kubectl-edit', '2026-01-05T09:06:00Z', { 'f:spec': { 'f:selector': { 'f:version': {} } } }));
    expect(lastRoutingWriter(entries, paths)).toBe('kubectl-edit');
    expect(lastRoutingWriter([], paths)).toBeNull();
  });
});

describe('a watch that ends', () => {
  test('dropped, its history compacted: restarted after a backoff, relisted (410), still reporting', async () => {
    const { seen, clock } = await watching('service-selector');
    const lists = () => api.requests.filter((r) => r.path.endsWith('/services') && r.query.watch === undefined);
    expect(lists()).toHaveLength(1);
    api.cutWatches('drop');
    await vi.waitFor(() => expect(api.openWatches).toBe(0), CEILING);
    // Changes while it is away, then the history forgotten: watching from where it was is 410 Gone.
    api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'unrelated', namespace: NS }, spec: {} });
    api.compactHistory();
    // The restart waits on Rewind's clock: nothing before the backoff has passed.
    expect(lists()).toHaveLength(1);
    await vi.waitFor(async () => {
      await clock.advance(1_000);
      expect(api.openWatches).toBe(1);
    }, CEILING);
    expect(lists().length).toBeGreaterThanOrEqual(2);
    const before = seen.length;
    api.editAs('kubectl-edit', 'Service', NS, 'prompt-service', (o) => {
      o.spec.selector.version = V15;
    });
    await vi.waitFor(() => expect(seen.length).toBeGreaterThan(before), CEILING);
    expect(seen.at(-1)).toMatchObject({ writer: 'kubectl-edit', ownWrite: false });
  });

  test('stop ends every watch and no restart follows', async () => {
    const { clock } = await watching('istio');
    await watch!.stop();
    await vi.waitFor(() => expect(api.openWatches).toBe(0), CEILING);
    await clock.advance(120_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(api.openWatches).toBe(0);
  });

  test('stopped while its list is on the wire: no watch is opened afterwards', async () => {
    api = await KubeApiStandIn.start({ token: 'drift-token' });
    const seeded = api.seedPromptService({ versions: VERSIONS, namespace: NS, context: 'prod' });
    const kubeconfigPath = writeKubeconfig([{ name: 'prod', server: api.url, token: 'drift-token' }]);
    api.clearRequests();
    const list = { method: 'GET', path: `/apis/networking.istio.io/v1/namespaces/${NS}/virtualservices` };
    api.delayNext(list, { ms: 300 });
    const clients = new KubeClients({ kubeconfigPath });
    watch = new KubeDriftWatch({ 'prompt-service': seeded.config('istio') }, clients, { clock: new ManualClock() });
    watch.start(() => undefined);
    await vi.waitFor(() => expect(api.requests).toHaveLength(1), CEILING);
    await watch.stop();
    // The list is answered 300 ms after it came; a watch opened on its answer would show by now.
    await new Promise((r) => setTimeout(r, 500));
    expect(watchQueries()).toEqual([]);
    expect(api.openWatches).toBe(0);
  });
});
