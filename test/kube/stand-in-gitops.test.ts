/**
 * managedFields and the GitOps controllers' resources on the Kubernetes API stand-in, driven
 * through the real @kubernetes/client-node: who wrote a field is what tells Rewind's change from a
 * person's `kubectl edit` or a GitOps sync, so the stand-in must keep it as the API server does.
 */
import { ApiException, PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { KubeClients, type KubeApis } from '../../src/adapters/kube/clients.ts';
import { ManualClock } from '../../src/clock.ts';
import { KubeApiStandIn } from '../support/kube-api.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { NS, V15, V2 } from './world.ts';

let api: KubeApiStandIn;
let k: KubeApis;
let clock: ManualClock;
beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 2, 3, 4, 5, 6, 789));
  api = await KubeApiStandIn.start({ clock });
  api.seedPromptService({ versions: [V2, V15], namespace: NS });
  k = new KubeClients({ kubeconfigPath: writeKubeconfig([{ name: 'test', server: api.url }]) }).forContext('test');
  api.clearRequests();
});
afterEach(() => api.close());

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const managers = (kind: string, name: string) =>
  (api.mustGet(kind, NS, name).metadata.managedFields ?? []).map((e) => `${e.manager}/${e.operation}`);

describe('managedFields', () => {
  test('each write is recorded under its fieldManager; a changed field moves to its last writer', async () => {
    expect(api.mustGet('Service', NS, 'prompt-service').metadata.managedFields).toEqual([
      {
        manager: 'kubectl-client-side-apply',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2026-03-03T04:05:06Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:selector': { 'f:app': {}, 'f:version': {} }, 'f:ports': {} },
        },
      },
    ]);
    await clock.advance(60_000);
    await k.core.patchNamespacedService(
      { name: 'prompt-service', namespace: NS, fieldManager: 'rewind', body: { spec: { selector: { version: V15 } } } },
      strategic,
    );
    expect(api.writes()[0]!.query).toEqual({ fieldManager: 'rewind' });
    const [seeded, rewind] = api.mustGet('Service', NS, 'prompt-service').metadata.managedFields!;
    expect(seeded!.fieldsV1['f:spec']).toEqual({ 'f:selector': { 'f:app': {} }, 'f:ports': {} });
    expect(rewind).toEqual({
      manager: 'rewind',
      operation: 'Update',
      apiVersion: 'v1',
      time: '2026-03-03T04:06:06Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:selector': { 'f:version': {} } } },
    });
    expect(api.managersOf('Service', NS, 'prompt-service', 'spec.selector.version')).toEqual(['rewind']);

    // A person puts it back by hand: rewind owns nothing any more and drops out.
    api.editAs('kubectl-edit', 'Service', NS, 'prompt-service', (o) => {
      o.spec.selector.version = V2;
    });
    expect(managers('Service', 'prompt-service')).toEqual(['kubectl-client-side-apply/Update', 'kubectl-edit/Update']);
    expect(api.managersOf('Service', NS, 'prompt-service', 'spec.selector.version')).toEqual(['kubectl-edit']);
  });

  test('without fieldManager the manager is the user agent up to its first “/”, as the API server says', async () => {
    // Rewind's clients send undici's user agent ("undici"); client-node's own send
    // "kubernetes-client-javascript/<version>".
    await k.core.patchNamespacedService(
      { name: 'prompt-service', namespace: NS, body: { metadata: { annotations: { note: 'x' } } } },
      strategic,
    );
    expect(api.managersOf('Service', NS, 'prompt-service', 'metadata.annotations.note')).toEqual(['undici']);
  });

  test('a no-op write keeps resourceVersion and managedFields; managedFields a client sends are ignored', async () => {
    const before = api.mustGet('Service', NS, 'prompt-service');
    const body = structuredClone(before);
    body.metadata.managedFields = [
      { ...before.metadata.managedFields![0]!, manager: 'forged', fieldsV1: { 'f:spec': {} } },
    ];
    await k.core.replaceNamespacedService({
      name: 'prompt-service',
      namespace: NS,
      fieldManager: 'rewind',
      body: body as unknown as V1Service,
    });
    expect(api.mustGet('Service', NS, 'prompt-service')).toEqual(before);
  });

  test('subresources are named: scale writes by their manager, status by the controllers', async () => {
    const name = `prompt-service-${V15.replaceAll('.', '-')}`;
    await k.apps.patchNamespacedDeploymentScale({
      name,
      namespace: NS,
      fieldManager: 'rewind',
      body: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
    });
    const entries = api.mustGet('Deployment', NS, name).metadata.managedFields!;
    expect(entries.find((e) => e.manager === 'rewind')).toMatchObject({
      operation: 'Update',
      subresource: 'scale',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
    expect(entries.find((e) => e.manager === 'kube-controller-manager')).toMatchObject({
      subresource: 'status',
      fieldsV1: { 'f:status': { 'f:replicas': {}, 'f:readyReplicas': {} } },
    });
    expect(api.managersOf('Deployment', NS, name, 'spec.replicas')).toEqual(['rewind']);
  });

  test('applyAs is a forced apply: the manager owns exactly the applied fields, taken from the others', () => {
    api.applyAs('argocd-controller', 'Service', NS, 'prompt-service', {
      metadata: { labels: { 'app.kubernetes.io/instance': 'prompts' } },
      spec: { selector: { app: 'prompt-service', version: V2 } },
    });
    const entries = api.mustGet('Service', NS, 'prompt-service').metadata.managedFields!;
    expect(entries.map((e) => `${e.manager}/${e.operation}`)).toEqual([
      'kubectl-client-side-apply/Update',
      'argocd-controller/Apply',
    ]);
    expect(entries[1]!.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/instance': {} } },
      'f:spec': { 'f:selector': { 'f:app': {}, 'f:version': {} } },
    });
    expect(entries[0]!.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:ports': {} },
    });
  });
});

const APPS = { group: 'argoproj.io', version: 'v1alpha1', plural: 'applications', namespace: 'argocd' };
const APP = { ...APPS, name: 'prompts' };
const KS = {
  group: 'kustomize.toolkit.fluxcd.io',
  version: 'v1',
  plural: 'kustomizations',
  namespace: 'flux-system',
  name: 'prompts',
};
const HR = { group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases', namespace: 'flux-system' };

async function refusal(call: Promise<unknown>): Promise<number> {
  const e = await call.then(
    () => expect.unreachable('the call succeeded'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiException);
  return (e as ApiException<string>).code;
}

describe('GitOps resources', () => {
  test('an Argo CD Application: seeded with sync policy and revision, read, merge-patched and replaced', async () => {
    api.seedArgoApplication({
      name: 'prompts',
      syncPolicy: { automated: { prune: true, selfHeal: true } },
      revision: 'a1b2c3d',
      manages: [{ kind: 'Service', namespace: NS, name: 'prompt-service' }],
    });
    const app = (await k.custom.getNamespacedCustomObject(APP)) as {
      apiVersion: string;
      metadata: { resourceVersion: string };
      spec: Record<string, unknown>;
      status: Record<string, unknown>;
    };
    expect(app).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      spec: { destination: { namespace: NS }, syncPolicy: { automated: { prune: true, selfHeal: true } } },
      status: {
        sync: { status: 'Synced', revision: 'a1b2c3d' },
        resources: [{ group: '', version: 'v1', kind: 'Service', namespace: NS, name: 'prompt-service' }],
      },
    });
    const service = api.mustGet('Service', NS, 'prompt-service');
    expect(service.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': 'prompts' });
    expect(api.managersOf('Service', NS, 'prompt-service', 'spec.selector.version')).toEqual(['argocd-controller']);

    await k.custom.patchNamespacedCustomObject(
      { ...APP, fieldManager: 'rewind', body: { spec: { syncPolicy: { automated: null } } } },
      merge,
    );
    expect(api.mustGet('Application', 'argocd', 'prompts').spec.syncPolicy).toEqual({});
    expect(api.managersOf('Application', 'argocd', 'prompts', 'spec.syncPolicy')).toEqual(['rewind']);
    expect(await refusal(k.custom.patchNamespacedCustomObject({ ...APP, body: { spec: {} } }, strategic))).toBe(415);
    expect(await refusal(k.custom.replaceNamespacedCustomObject({ ...APP, body: app }))).toBe(409);

    api.setGitOpsRevision('Application', 'argocd', 'prompts', 'e4f5a6b');
    const listed = await k.custom.listNamespacedCustomObject(APPS);
    expect(listed).toMatchObject({
      kind: 'ApplicationList',
      metadata: { resourceVersion: api.store.currentRevision },
      items: [{ metadata: { name: 'prompts' }, status: { sync: { revision: 'e4f5a6b' } } }],
    });
  });

  test('a Flux Kustomization: suspended by JSON patch; its status subresource keeps clients off status', async () => {
    api.seedFluxKustomization({
      name: 'prompts',
      revision: 'main@sha1:1111111',
      manages: [{ kind: 'HTTPRoute', namespace: NS, name: 'prompt-service' }],
    });
    expect(api.mustGet('HTTPRoute', NS, 'prompt-service').metadata.labels).toEqual({
      'kustomize.toolkit.fluxcd.io/name': 'prompts',
      'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
    });
    expect(api.managersOf('HTTPRoute', NS, 'prompt-service', 'spec.rules')).toEqual(['kustomize-controller']);
    const ks = (await k.custom.getNamespacedCustomObject(KS)) as { status: Record<string, unknown> };
    expect(ks.status).toMatchObject({
      lastAppliedRevision: 'main@sha1:1111111',
      inventory: { entries: [{ id: `${NS}_prompt-service_gateway.networking.k8s.io_HTTPRoute`, v: 'v1' }] },
    });

    await k.custom.patchNamespacedCustomObject({
      ...KS,
      fieldManager: 'rewind',
      body: [
        { op: 'test', path: '/spec/prune', value: true },
        { op: 'add', path: '/spec/suspend', value: true },
        { op: 'replace', path: '/status/lastAppliedRevision', value: 'forged' },
      ],
    });
    const stored = api.mustGet('Kustomization', 'flux-system', 'prompts');
    expect(stored.spec.suspend).toBe(true);
    expect(stored.status.lastAppliedRevision).toBe('main@sha1:1111111');
    api.setGitOpsRevision('Kustomization', 'flux-system', 'prompts', 'main@sha1:2222222');
    expect(api.mustGet('Kustomization', 'flux-system', 'prompts').status).toMatchObject({
      lastAppliedRevision: 'main@sha1:2222222',
      lastAttemptedRevision: 'main@sha1:2222222',
    });
  });

  test('a Flux HelmRelease at helm.toolkit.fluxcd.io/v2: seeded, suspended with a merge patch', async () => {
    api.seedFluxHelmRelease({ name: 'prompt-service', suspend: false, revision: '1.4.2' });
    const hr = (await k.custom.getNamespacedCustomObject({ ...HR, name: 'prompt-service' })) as {
      apiVersion: string;
      spec: { suspend?: boolean };
      status: { lastAppliedRevision: string };
    };
    expect(hr.apiVersion).toBe('helm.toolkit.fluxcd.io/v2');
    expect(hr.spec.suspend).toBeUndefined();
    expect(hr.status.lastAppliedRevision).toBe('1.4.2');
    await k.custom.patchNamespacedCustomObject(
      { ...HR, name: 'prompt-service', fieldManager: 'rewind', body: { spec: { suspend: true } } },
      merge,
    );
    expect(api.mustGet('HelmRelease', 'flux-system', 'prompt-service').spec.suspend).toBe(true);
    expect(api.writes().map((w) => `${w.method} ${w.path} ${w.status}`)).toEqual([
      'PATCH /apis/helm.toolkit.fluxcd.io/v2/namespaces/flux-system/helmreleases/prompt-service 200',
    ]);
  });
});
