/**
 * The Kubernetes API stand-in itself, driven through the real @kubernetes/client-node: the
 * behaviours the routers rely on must match the API server's, or the router tests prove nothing.
 */
import { ApiException, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { KubeClients, type KubeApis } from '../../src/adapters/kube/clients.ts';
import { KubeApiStandIn } from '../support/kube-api.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { jsonPatch, mergePatch, PatchError } from '../../src/demo/stand-ins/kube/patch.ts';
import { NS, V15, V2 } from './world.ts';

let api: KubeApiStandIn;
let k: KubeApis;
beforeEach(async () => {
  api = await KubeApiStandIn.start();
  api.seedPromptService({ versions: [V2, V15], namespace: NS });
  k = new KubeClients({ kubeconfigPath: writeKubeconfig([{ name: 'test', server: api.url }]) }).forContext('test');
  api.clearRequests();
});
afterEach(() => api.close());

const ROUTE = {
  group: 'gateway.networking.k8s.io',
  version: 'v1',
  plural: 'httproutes',
  namespace: NS,
  name: 'prompt-service',
};
const VS = {
  group: 'networking.istio.io',
  version: 'v1',
  plural: 'virtualservices',
  namespace: NS,
  name: 'prompt-service',
};
/** The Status object the API server answered with, from client-node's ApiException (body is raw JSON text). */
async function statusOf(call: Promise<unknown>): Promise<Record<string, unknown>> {
  const e = await call.then(
    () => expect.unreachable('the call succeeded'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiException);
  return JSON.parse((e as ApiException<string>).body) as Record<string, unknown>;
}

describe('Kubernetes API stand-in', () => {
  test('a missing object is a 404 Status like the API server’s', async () => {
    expect(await statusOf(k.apps.readNamespacedDeployment({ name: 'nope', namespace: NS }))).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
      code: 404,
    });
    expect(await statusOf(k.core.readNamespacedService({ name: 'nope', namespace: NS }))).toMatchObject({
      code: 404,
      message: 'services "nope" not found',
    });
  });

  test(
    'PUT bumps resourceVersion; spec changes bump generation, metadata-only changes do not; a stale resourceVersion ' +
      'is 409',
    async () => {
      const route = (await k.custom.getNamespacedCustomObject(ROUTE)) as {
        metadata: { resourceVersion: string; generation: number; labels?: object };
        spec: { hostnames: string[] };
      };
      route.metadata.labels = { team: 'prompts' };
      const relabelled = (await k.custom.replaceNamespacedCustomObject({ ...ROUTE, body: route })) as typeof route;
      expect(Number(relabelled.metadata.resourceVersion)).toBeGreaterThan(Number(route.metadata.resourceVersion));
      expect(relabelled.metadata.generation).toBe(route.metadata.generation);

      relabelled.spec.hostnames = ['other.example.com'];
      const respecced = (await k.custom.replaceNamespacedCustomObject({ ...ROUTE, body: relabelled })) as typeof route;
      expect(respecced.metadata.generation).toBe(route.metadata.generation + 1);

      // `route` still carries the first resourceVersion.
      expect(await statusOf(k.custom.replaceNamespacedCustomObject({ ...ROUTE, body: route }))).toMatchObject({
        code: 409,
        reason: 'Conflict',
        message:
          'Operation cannot be fulfilled on httproutes.gateway.networking.k8s.io "prompt-service": the object has ' +
          'been modified; please apply your changes to the latest version and try again',
      });
      expect(api.calls().map((c) => c.split(' ')[2])).toEqual(['200', '200', '200', '409']);
    },
  );

  test('PUT of a custom resource without a resourceVersion is refused (no unconditional updates)', async () => {
    const route = (await k.custom.getNamespacedCustomObject(ROUTE)) as { metadata: Record<string, unknown> };
    delete route.metadata.resourceVersion;
    expect(await statusOf(k.custom.replaceNamespacedCustomObject({ ...ROUTE, body: route }))).toMatchObject({
      code: 422,
      reason: 'Invalid',
    });
  });

  test('JSON patch: a passing test op applies the patch, a failing one is 422 and changes nothing', async () => {
    const path = '/spec/rules/0/backendRefs/0/weight';
    await k.custom.patchNamespacedCustomObject({
      ...ROUTE,
      body: [
        { op: 'test', path, value: 100 },
        { op: 'replace', path, value: 60 },
      ],
    });
    expect(api.mustGet('HTTPRoute', NS, 'prompt-service').spec.rules[0].backendRefs[0].weight).toBe(60);
    const rv = api.mustGet('HTTPRoute', NS, 'prompt-service').metadata.resourceVersion;
    expect(
      await statusOf(
        k.custom.patchNamespacedCustomObject({
          ...ROUTE,
          body: [
            { op: 'test', path, value: 100 },
            { op: 'replace', path, value: 0 },
          ],
        }),
      ),
    ).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'testing value /spec/rules/0/backendRefs/0/weight failed: test failed (expected 100, found 60)',
    });
    expect(api.mustGet('HTTPRoute', NS, 'prompt-service').metadata.resourceVersion).toBe(rv);
    expect(api.requests.map((r) => r.contentType)).toEqual([
      'application/json-patch+json',
      'application/json-patch+json',
    ]);
  });

  test(
    'merge patch on a custom resource merges maps, replaces lists, deletes on null; a stale resourceVersion in it is ' +
      '409',
    async () => {
      await k.custom.patchNamespacedCustomObject(
        { ...VS, body: { metadata: { annotations: { owner: 'sre', gone: null } }, spec: { hosts: ['a', 'b'] } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      const vs = api.mustGet('VirtualService', NS, 'prompt-service');
      expect(vs.metadata.annotations).toEqual({ owner: 'sre' });
      expect(vs.spec.hosts).toEqual(['a', 'b']);
      expect(vs.spec.http[0].route).toHaveLength(2);
      expect(
        await statusOf(
          k.custom.patchNamespacedCustomObject(
            { ...VS, body: { metadata: { resourceVersion: '1' }, spec: { hosts: ['c'] } } },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          ),
        ),
      ).toMatchObject({ code: 409, reason: 'Conflict' });
    },
  );

  test('strategic merge patch: 415 on custom resources (HTTPRoute, VirtualService), applied to built-ins', async () => {
    const smp = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
    for (const ref of [ROUTE, VS]) {
      expect(await statusOf(k.custom.patchNamespacedCustomObject({ ...ref, body: { spec: {} } }, smp))).toMatchObject({
        code: 415,
        reason: 'UnsupportedMediaType',
        message:
          'the body of the request was in an unknown format - accepted media types include: ' +
          'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      });
    }
    await k.core.patchNamespacedService(
      { name: 'prompt-service', namespace: NS, body: { spec: { selector: { version: V15 } } } },
      smp,
    );
    expect(api.mustGet('Service', NS, 'prompt-service').spec.selector).toEqual({ app: 'prompt-service', version: V15 });
  });

  test('the same VirtualService is served at v1 and v1beta1', async () => {
    const beta = (await k.custom.getNamespacedCustomObject({ ...VS, version: 'v1beta1' })) as {
      apiVersion: string;
      metadata: { uid: string };
    };
    expect(beta.apiVersion).toBe('networking.istio.io/v1beta1');
    expect(beta.metadata.uid).toBe(api.mustGet('VirtualService', NS, 'prompt-service').metadata.uid);
  });

  test('LIST honours labelSelector (=, !=, in) and records the query', async () => {
    const names = async (labelSelector: string) =>
      (await k.core.listNamespacedPod({ namespace: NS, labelSelector })).items.map((p) => p.metadata?.labels?.version);
    expect(await names('version=v1.5.0')).toEqual([V15, V15]);
    expect(await names('app=prompt-service,version!=v1.5.0')).toEqual([V2, V2]);
    expect((await names('version in (v1.5.0,v2.0.0)')).sort()).toEqual([V15, V15, V2, V2]);
    expect(api.requests[0]).toEqual({
      method: 'GET',
      path: `/api/v1/namespaces/${NS}/pods`,
      query: { labelSelector: 'version=v1.5.0' },
      contentType: undefined,
      body: undefined,
      status: 200,
    });
  });

  test('LIST honours fieldSelector on metadata.name; any other field is a 400', async () => {
    const one = await k.core.listNamespacedService({ namespace: NS, fieldSelector: 'metadata.name=prompt-service' });
    expect(one.items.map((s) => s.metadata?.name)).toEqual(['prompt-service']);
    const others = await k.core.listNamespacedService({
      namespace: NS,
      fieldSelector: 'metadata.name!=prompt-service',
    });
    expect(others.items.map((s) => s.metadata?.name)).not.toContain('prompt-service');
    expect(others.items.length).toBe(api.list('Service', NS).length - 1);
    expect(
      await statusOf(k.core.listNamespacedService({ namespace: NS, fieldSelector: 'spec.type=ClusterIP' })),
    ).toEqual(expect.objectContaining({ code: 400, message: expect.stringContaining('"spec.type=ClusterIP"') }));
  });

  test('EndpointSlices follow the Service selector and pod readiness', async () => {
    const ready = async () =>
      (
        await k.discovery.listNamespacedEndpointSlice({
          namespace: NS,
          labelSelector: 'kubernetes.io/service-name=prompt-service',
        })
      ).items.flatMap((s) =>
        (s.endpoints ?? []).map((e) => [
          api.mustGet('Pod', NS, e.targetRef!.name!).metadata.labels!.version,
          e.conditions?.ready,
        ]),
      );
    expect(await ready()).toEqual([
      [V2, true],
      [V2, true],
    ]);
    await k.core.patchNamespacedService(
      { name: 'prompt-service', namespace: NS, body: { spec: { selector: { version: V15 } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(await ready()).toEqual([
      [V15, true],
      [V15, true],
    ]);
    api.setPodReady(NS, api.list('Pod', NS, `version=${V15}`)[0]!.metadata.name, false);
    expect(await ready()).toEqual([
      [V15, false],
      [V15, true],
    ]);
  });

  test('the scale subresource: GET, PATCH and a stale PUT (409); pods follow spec.replicas', async () => {
    const name = 'prompt-service-v1-5-0';
    const scale = await k.apps.readNamespacedDeploymentScale({ name, namespace: NS });
    expect(scale).toMatchObject({
      kind: 'Scale',
      spec: { replicas: 2 },
      status: { replicas: 2, selector: 'app=prompt-service,version=v1.5.0' },
    });
    await k.apps.patchNamespacedDeploymentScale({
      name,
      namespace: NS,
      body: [{ op: 'replace', path: '/spec/replicas', value: 5 }],
    });
    expect(api.list('Pod', NS, `version=${V15}`)).toHaveLength(5);
    expect(api.mustGet('Deployment', NS, name).status).toMatchObject({ replicas: 5, readyReplicas: 5 });
    expect(
      await statusOf(
        k.apps.replaceNamespacedDeploymentScale({ name, namespace: NS, body: { ...scale, spec: { replicas: 1 } } }),
      ),
    ).toMatchObject({ code: 409, reason: 'Conflict' });
    await k.apps.patchNamespacedDeploymentScale(
      { name, namespace: NS, body: { spec: { replicas: 0 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(api.list('Pod', NS, `version=${V15}`)).toEqual([]);
    expect(api.mustGet('Deployment', NS, name).status.readyReplicas).toBeUndefined();
  });

  test('failNext answers the next matching requests with a Status; delayNext holds them', async () => {
    api.failNext({ method: 'GET', path: /\/services\/prompt-service$/ }, { status: 503, times: 2 });
    for (let i = 0; i < 2; i++)
      expect(await statusOf(k.core.readNamespacedService({ name: 'prompt-service', namespace: NS }))).toMatchObject({
        code: 503,
        reason: 'ServiceUnavailable',
      });
    await k.core.readNamespacedService({ name: 'prompt-service', namespace: NS });
    api.delayNext({ method: 'GET' }, { ms: 150 });
    const started = Date.now();
    await k.core.readNamespacedService({ name: 'prompt-service', namespace: NS });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(api.calls().map((c) => c.split(' ')[2])).toEqual(['503', '503', '200', '200']);
  });
});

describe('patch algorithms', () => {
  test('RFC 7386 examples', () => {
    expect(mergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(mergePatch({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(mergePatch({ a: 'b' }, { a: null })).toEqual({});
    expect(mergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(mergePatch({ a: { b: 'c' } }, { a: { b: 'd', c: null } })).toEqual({ a: { b: 'd' } });
    expect(mergePatch(['a'], { a: 'b' })).toEqual({ a: 'b' });
  });

  test('RFC 6902 operations, escaping and errors', () => {
    const doc = { a: { 'b/c': 1, 'd~e': 2 }, list: [1, 2] };
    expect(
      jsonPatch(doc, [
        { op: 'add', path: '/list/-', value: 3 },
        { op: 'add', path: '/list/0', value: 0 },
      ]),
    ).toMatchObject({ list: [0, 1, 2, 3] });
    expect(
      jsonPatch(doc, [
        { op: 'replace', path: '/a/b~1c', value: 9 },
        { op: 'remove', path: '/a/d~0e' },
      ]),
    ).toMatchObject({ a: { 'b/c': 9 } });
    expect(jsonPatch(doc, [{ op: 'move', from: '/a', path: '/moved' }])).toEqual({ moved: doc.a, list: [1, 2] });
    expect(
      jsonPatch(doc, [
        { op: 'copy', from: '/list', path: '/copy' },
        { op: 'test', path: '/copy', value: [1, 2] },
      ]),
    ).toMatchObject({ copy: [1, 2] });
    expect(doc).toEqual({ a: { 'b/c': 1, 'd~e': 2 }, list: [1, 2] });
    expect(() => jsonPatch(doc, [{ op: 'replace', path: '/missing', value: 1 }])).toThrow(
      new PatchError(422, 'doc is missing path: "/missing"'),
    );
    expect(() => jsonPatch(doc, [{ op: 'jump', path: '/a' }])).toThrow(PatchError);
    expect(() => jsonPatch(doc, { op: 'add' })).toThrow('a JSON patch must be an array of operations');
  });
});
