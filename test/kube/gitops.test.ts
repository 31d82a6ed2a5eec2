/**
 * Who manages a service's routing object, read through the real client-node from the stand-in
 * cluster, and the owner's sync paused and resumed: one JSON merge patch each, written as field
 * manager `rewind`.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { SyncOwner } from '../../src/domain/gitops.ts';
import { NS, kubeWorld, type KubeWorld } from './world.ts';

let world: KubeWorld;
afterEach(() => world?.close());

const SERVICE = { kind: 'Service', namespace: NS, name: 'prompt-service' };
const APP_PATH = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/prompt-service';
const SELF_HEAL = { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] };

const gitopsOf = (w: KubeWorld) => {
  const gitops = w.cluster.forService('prompt-service').gitops;
  if (!gitops) throw new Error('the Kubernetes cluster reads GitOps for every service');
  return gitops;
};

describe('who manages the routing object', () => {
  test('an Argo CD Application with self-heal, from its instance label', async () => {
    world = await kubeWorld('service-selector');
    world.api.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: [SERVICE] });
    world.api.clearRequests();
    const reading = await gitopsOf(world).read();
    expect(reading).toEqual({
      owner: { tool: 'argocd', application: 'prompt-service', namespace: 'argocd', source: 'label' },
      state: { paused: false, selfHeal: true, revision: expect.any(String), syncPolicy: SELF_HEAL },
      onRollback: 'pause',
    });
    expect(world.api.calls()).toEqual([
      `GET /api/v1/namespaces/${NS}/services/prompt-service 200`,
      `GET ${APP_PATH} 200`,
    ]);
  });

  test('an instance label with no such Application (a Helm chart sets it too) is nobody', async () => {
    world = await kubeWorld('service-selector');
    world.api.editAs('helm', 'Service', NS, 'prompt-service', (o) => {
      o.metadata.labels = { ...o.metadata.labels, 'app.kubernetes.io/instance': 'prompt-service' };
    });
    expect(await gitopsOf(world).read()).toEqual({ owner: { tool: 'none' }, state: null, onRollback: 'pause' });
  });

  test('Flux Kustomization and HelmRelease, from their labels; a VirtualService read as a custom object', async () => {
    world = await kubeWorld('istio');
    world.api.seedFluxKustomization({
      name: 'apps',
      suspend: true,
      manages: [{ kind: 'VirtualService', namespace: NS, name: 'prompt-service' }],
    });
    expect(await gitopsOf(world).read()).toMatchObject({
      owner: { tool: 'flux', kind: 'Kustomization', name: 'apps', namespace: 'flux-system', source: 'label' },
      state: { paused: true, selfHeal: false },
    });
    await world.close();
    world = await kubeWorld('service-selector');
    world.api.seedFluxHelmRelease({ name: 'prompt-service', namespace: NS, manages: [SERVICE] });
    expect(await gitopsOf(world).read()).toMatchObject({
      owner: { tool: 'flux', kind: 'HelmRelease', name: 'prompt-service', namespace: NS },
      state: { paused: false, selfHeal: true },
    });
  });

  test('Flux labels left behind by an object that is gone mark nothing', async () => {
    world = await kubeWorld('service-selector');
    world.api.editAs('kustomize-controller', 'Service', NS, 'prompt-service', (o) => {
      o.metadata.labels = {
        ...o.metadata.labels,
        'kustomize.toolkit.fluxcd.io/name': 'old-apps',
        'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
      };
    });
    expect(await gitopsOf(world).read()).toEqual({
      owner: { tool: 'none' },
      state: null,
      onRollback: 'pause',
      unmatched: { tool: 'flux', kind: 'Kustomization', name: 'old-apps', namespace: 'flux-system', source: 'label' },
    });
  });

  test('a tracking annotation naming an Application that does not exist marks nothing, and says which', async () => {
    world = await kubeWorld('service-selector');
    world.api.editAs('argocd-controller', 'Service', NS, 'prompt-service', (o) => {
      o.metadata.annotations = {
        ...o.metadata.annotations,
        'argocd.argoproj.io/tracking-id': `old-app:/Service:${NS}/prompt-service`,
      };
    });
    world.api.clearRequests();
    expect(await gitopsOf(world).read()).toEqual({
      owner: { tool: 'none' },
      state: null,
      onRollback: 'pause',
      unmatched: { tool: 'argocd', application: 'old-app', namespace: 'argocd', source: 'annotation' },
    });
    expect(world.api.calls()).toEqual([
      `GET /api/v1/namespaces/${NS}/services/prompt-service 200`,
      'GET /apis/argoproj.io/v1alpha1/namespaces/argocd/applications/old-app 404',
    ]);
  });

  test('an Application in another namespace, from its `<namespace>_<app>` instance label', async () => {
    world = await kubeWorld('service-selector');
    world.api.seedArgoApplication({
      name: 'prompt-service',
      namespace: 'team',
      syncPolicy: SELF_HEAL,
      manages: [SERVICE],
    });
    world.api.editAs('argocd-controller', 'Service', NS, 'prompt-service', (o) => {
      o.metadata.labels = { ...o.metadata.labels, 'app.kubernetes.io/instance': 'team_prompt-service' };
    });
    expect(await gitopsOf(world).read()).toMatchObject({
      owner: { tool: 'argocd', application: 'prompt-service', namespace: 'team', source: 'label' },
      state: { paused: false, selfHeal: true },
    });
  });

  test('the service setting overrides the labels; a named owner that does not exist is an error', async () => {
    world = await kubeWorld(
      'service-selector',
      {},
      {
        config: { gitops: { tool: 'flux', application: 'platform', onRollback: 'warn' } },
      },
    );
    world.api.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: [SERVICE] });
    world.api.seedFluxHelmRelease({ name: 'platform' });
    expect(await gitopsOf(world).read()).toMatchObject({
      owner: { tool: 'flux', kind: 'HelmRelease', name: 'platform', namespace: 'flux-system', source: 'config' },
      onRollback: 'warn',
    });
    await world.close();
    world = await kubeWorld(
      'service-selector',
      {},
      {
        config: { gitops: { tool: 'argocd', application: 'gone', onRollback: 'pause' } },
      },
    );
    await expect(gitopsOf(world).read()).rejects.toThrow('Argo CD Application argocd/gone does not exist');
    await world.close();
    world = await kubeWorld('service-selector', {}, { config: { gitops: { tool: 'none', onRollback: 'pause' } } });
    world.api.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: [SERVICE] });
    expect((await gitopsOf(world).read()).owner).toEqual({ tool: 'none' });
  });
});

describe('pausing and resuming the sync', () => {
  test('Argo CD: automated sync removed by merge patch as field manager rewind, the policy put back', async () => {
    world = await kubeWorld('service-selector');
    world.api.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: [SERVICE] });
    const owner: SyncOwner = { tool: 'argocd', application: 'prompt-service', namespace: 'argocd', source: 'label' };
    world.api.clearRequests();
    const gitops = gitopsOf(world);
    const paused = await gitops.pause(owner);
    expect(paused).toEqual({
      method: 'PATCH',
      target: 'Application argocd/prompt-service',
      contentType: 'application/merge-patch+json',
      body: { spec: { syncPolicy: { automated: null } } },
    });
    expect(world.api.mustGet('Application', 'argocd', 'prompt-service').spec.syncPolicy).toEqual({
      syncOptions: ['CreateNamespace=true'],
    });
    expect(await gitops.state(owner)).toMatchObject({ paused: true, selfHeal: false });
    await gitops.resume(owner, SELF_HEAL);
    expect(world.api.mustGet('Application', 'argocd', 'prompt-service').spec.syncPolicy).toEqual(SELF_HEAL);
    const writes = world.api.writes();
    expect(writes.map((r) => [r.method, r.path, r.contentType, r.query.fieldManager, r.body])).toEqual([
      ['PATCH', APP_PATH, 'application/merge-patch+json', 'rewind', { spec: { syncPolicy: { automated: null } } }],
      ['PATCH', APP_PATH, 'application/merge-patch+json', 'rewind', { spec: { syncPolicy: SELF_HEAL } }],
    ]);
  });

  test('Flux: suspend true, then false', async () => {
    world = await kubeWorld('service-selector');
    world.api.seedFluxKustomization({ name: 'apps', manages: [SERVICE] });
    const owner: SyncOwner = {
      tool: 'flux',
      kind: 'Kustomization',
      name: 'apps',
      namespace: 'flux-system',
      source: 'label',
    };
    world.api.clearRequests();
    const gitops = gitopsOf(world);
    await gitops.pause(owner);
    expect(await gitops.state(owner)).toMatchObject({ paused: true });
    await gitops.resume(owner, null);
    const path = '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps';
    expect(world.api.writes().map((r) => [r.method, r.path, r.query.fieldManager, r.body])).toEqual([
      ['PATCH', path, 'rewind', { spec: { suspend: true } }],
      ['PATCH', path, 'rewind', { spec: { suspend: false } }],
    ]);
    expect(world.api.mustGet('Kustomization', 'flux-system', 'apps').spec.suspend).toBe(false);
  });
});
