import { describe, expect, it } from 'vitest';
import {
  argoSyncState,
  fluxSyncState,
  gitChangesOf,
  ownerFromMetadata,
  ownerLine,
  pausePatch,
  resumePatch,
  routingOwner,
  type SyncOwner,
} from '../../src/domain/gitops.ts';

const argo: SyncOwner = { tool: 'argocd', application: 'prompt-service', namespace: 'argocd', source: 'label' };
const flux: SyncOwner = {
  tool: 'flux',
  kind: 'Kustomization',
  name: 'apps',
  namespace: 'flux-system',
  source: 'label',
};

describe('who manages the routing object, from its marks', () => {
  it("reads Argo CD's tracking annotation, with the namespace of an app in any namespace", () => {
    const id = 'prompt-service:/Service:prompts/prompt-service';
    expect(ownerFromMetadata({ annotations: { 'argocd.argoproj.io/tracking-id': id } })).toEqual({
      tool: 'argocd',
      application: 'prompt-service',
      namespace: 'argocd',
      source: 'annotation',
    });
    const inNamespace = 'team-a_prompts:networking.istio.io/VirtualService:prompts/prompt-service';
    expect(ownerFromMetadata({ annotations: { 'argocd.argoproj.io/tracking-id': inNamespace } })).toMatchObject({
      application: 'prompts',
      namespace: 'team-a',
    });
  });

  it("reads Argo CD's default instance label", () => {
    expect(ownerFromMetadata({ labels: { 'app.kubernetes.io/instance': 'prompt-service' } })).toEqual({
      tool: 'argocd',
      application: 'prompt-service',
      namespace: 'argocd',
      source: 'label',
    });
    // An Application outside Argo CD's namespace labels what it manages `<namespace>_<app>`.
    expect(ownerFromMetadata({ labels: { 'app.kubernetes.io/instance': 'team_prompt-service' } })).toEqual({
      tool: 'argocd',
      application: 'prompt-service',
      namespace: 'team',
      source: 'label',
    });
  });

  it("reads Flux's Kustomization and HelmRelease labels; they come before the instance label a chart also sets", () => {
    const labels = {
      'app.kubernetes.io/instance': 'prompt-service',
      'helm.toolkit.fluxcd.io/name': 'prompt-service',
      'helm.toolkit.fluxcd.io/namespace': 'prompts',
    };
    expect(ownerFromMetadata({ labels })).toEqual({
      tool: 'flux',
      kind: 'HelmRelease',
      name: 'prompt-service',
      namespace: 'prompts',
      source: 'label',
    });
    expect(
      ownerFromMetadata({
        labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' },
      }),
    ).toEqual(flux);
  });

  it('names an Argo Rollouts owner, and nobody when there is no mark', () => {
    expect(ownerFromMetadata({ ownerReferences: [{ kind: 'Rollout', name: 'prompt-service' }] })).toEqual({
      tool: 'argo-rollouts',
      rollout: 'prompt-service',
    });
    expect(ownerFromMetadata({ labels: { app: 'prompt-service' } })).toEqual({ tool: 'none' });
    expect(ownerFromMetadata({ annotations: { 'argocd.argoproj.io/tracking-id': 'garbled' } })).toEqual({
      tool: 'none',
    });
  });

  it('the service setting overrides detection', () => {
    const labelled = { labels: { 'app.kubernetes.io/instance': 'from-label' } };
    expect(
      routingOwner({ tool: 'argocd', application: 'prompt-service', onRollback: 'pause' }, labelled),
    ).toMatchObject({ tool: 'argocd', application: 'prompt-service', namespace: 'argocd', source: 'config' });
    expect(
      routingOwner({ tool: 'flux', application: 'apps', appNamespace: 'gitops', onRollback: 'warn' }, null),
    ).toEqual({ tool: 'flux', kind: null, name: 'apps', namespace: 'gitops', source: 'config' });
    expect(routingOwner({ tool: 'none', onRollback: 'pause' }, labelled)).toEqual({ tool: 'none' });
    // A tool without an application: detection, kept to that tool.
    expect(routingOwner({ tool: 'argocd', onRollback: 'warn' }, labelled)).toMatchObject({
      application: 'from-label',
    });
    expect(routingOwner({ tool: 'flux', onRollback: 'warn' }, labelled)).toEqual({ tool: 'none' });
    // Its appNamespace is where an owner whose mark names no namespace lives; a mark's own namespace wins.
    const inTeam = { tool: 'argocd' as const, appNamespace: 'team', onRollback: 'pause' as const };
    expect(routingOwner(inTeam, labelled)).toMatchObject({ application: 'from-label', namespace: 'team' });
    const elsewhere = { labels: { 'app.kubernetes.io/instance': 'other_from-label' } };
    expect(routingOwner(inTeam, elsewhere)).toMatchObject({ application: 'from-label', namespace: 'other' });
    expect(routingOwner(undefined, labelled)).toMatchObject({ tool: 'argocd', application: 'from-label' });
    expect(routingOwner(undefined, null)).toEqual({ tool: 'none' });
  });
});

describe('the sync state, the pause and the resume', () => {
  const application = {
    spec: { syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] } },
    status: { sync: { revision: 'abc123' } },
  };

  it('reads an Application: automated sync with self-heal, the revision, the policy as it is', () => {
    expect(argoSyncState(application)).toEqual({
      paused: false,
      selfHeal: true,
      revision: 'abc123',
      syncPolicy: application.spec.syncPolicy,
    });
    expect(argoSyncState({ spec: { syncPolicy: { syncOptions: [] } } })).toMatchObject({
      paused: true,
      selfHeal: false,
      revision: null,
    });
    expect(argoSyncState({ spec: { syncPolicy: { automated: { enabled: false, selfHeal: true } } } }).paused).toBe(
      true,
    );
    expect(argoSyncState({ spec: {} })).toMatchObject({ paused: true, syncPolicy: null });
  });

  it('reads a Kustomization or HelmRelease: suspended or not, and the revision it last applied', () => {
    expect(fluxSyncState({ spec: { suspend: true }, status: { lastAppliedRevision: 'main@sha1:abc' } })).toEqual({
      paused: true,
      selfHeal: false,
      revision: 'main@sha1:abc',
    });
    expect(fluxSyncState({ spec: {} })).toEqual({ paused: false, selfHeal: true, revision: null });
  });

  it('pauses with a merge patch that removes automated sync, or suspends; resumes with the kept policy', () => {
    expect(pausePatch(argo)).toEqual({ spec: { syncPolicy: { automated: null } } });
    expect(pausePatch(flux)).toEqual({ spec: { suspend: true } });
    expect(resumePatch(argo, application.spec.syncPolicy)).toEqual({
      spec: { syncPolicy: application.spec.syncPolicy },
    });
    expect(resumePatch(flux, null)).toEqual({ spec: { suspend: false } });
  });

  it('says who manages the routing in one line', () => {
    expect(ownerLine(argo, true)).toBe('routing managed by Argo CD application prompt-service with self-heal on');
    expect(ownerLine(flux)).toBe('routing managed by Flux Kustomization flux-system/apps');
    expect(ownerLine({ tool: 'none' })).toBe('routing managed by no GitOps controller');
  });
});

describe('the change to commit to git', () => {
  it("lists a merge patch's fields, with keys that hold dots in brackets, and no resourceVersion", () => {
    expect(
      gitChangesOf([
        {
          method: 'PATCH',
          target: 'Service prompts/prompt-service',
          body: { spec: { selector: { version: 'v1.5.0' } } },
        },
        {
          method: 'PATCH',
          target: 'Ingress prompts/prompt-service-canary',
          body: {
            metadata: { resourceVersion: '41', annotations: { 'nginx.ingress.kubernetes.io/canary-weight': '0' } },
          },
        },
      ]),
    ).toEqual([
      { target: 'Service prompts/prompt-service', field: 'spec.selector.version', value: 'v1.5.0' },
      {
        target: 'Ingress prompts/prompt-service-canary',
        field: 'metadata.annotations["nginx.ingress.kubernetes.io/canary-weight"]',
        value: '0',
      },
    ]);
  });

  it("lists a JSON patch's values (not its tests), and of a whole object written back only its weights", () => {
    const vs = {
      metadata: { name: 'prompt-service', resourceVersion: '7' },
      spec: {
        hosts: ['prompt-service'],
        http: [
          {
            route: [
              { destination: { host: 'p', subset: 'v2-0-0' }, weight: 0 },
              { destination: { host: 'p', subset: 'v1-5-0' }, weight: 100 },
            ],
          },
        ],
      },
    };
    expect(
      gitChangesOf([
        {
          method: 'PATCH',
          target: 'Deployment prompts/prompt-service-v2-0-0',
          body: [
            { op: 'test', path: '/spec/replicas', value: 4 },
            { op: 'replace', path: '/spec/replicas', value: 0 },
          ],
        },
        { method: 'PUT', target: 'VirtualService prompts/prompt-service', body: vs },
      ]),
    ).toEqual([
      { target: 'Deployment prompts/prompt-service-v2-0-0', field: 'spec.replicas', value: 0 },
      { target: 'VirtualService prompts/prompt-service', field: 'spec.http[0].route[0].weight', value: 0 },
      { target: 'VirtualService prompts/prompt-service', field: 'spec.http[0].route[1].weight', value: 100 },
    ]);
  });

  it('keeps the last value of a field written in several phases', () => {
    const at = (version: string) => ({
      method: 'PATCH' as const,
      target: 'Service prompts/prompt-service',
      body: { spec: { selector: { version } } },
    });
    expect(gitChangesOf([at('v1.5.0'), at('v1.0.0')])).toEqual([
      { target: 'Service prompts/prompt-service', field: 'spec.selector.version', value: 'v1.0.0' },
    ]);
  });
});
