/**
 * The GitOps controllers' own objects, seeded the way Argo CD and Flux leave them: an Argo CD
 * `Application` (argoproj.io/v1alpha1, usually in `argocd`) with its sync policy and
 * `status.sync.revision`, and Flux `Kustomization`s (kustomize.toolkit.fluxcd.io/v1) and
 * `HelmRelease`s (helm.toolkit.fluxcd.io/v2) with `spec.suspend` and `status.lastAppliedRevision`.
 * The objects one of them `manages` get the controller's tracking labels and are written by its
 * field manager (`argocd-controller`, `kustomize-controller`, `helm-controller`), spec included,
 * as after a sync from git.
 */
import type { KubeApiStandIn } from '../kube-api.ts';
import type { KubeObject } from './resource-types.ts';

/** An object a GitOps controller deploys from git. */
export interface ManagedRef {
  kind: string;
  namespace: string;
  name: string;
}

export interface ArgoApplicationSeed {
  name: string;
  namespace?: string;
  project?: string;
  repoURL?: string;
  path?: string;
  targetRevision?: string;
  /** Where the Application deploys to (default: the namespace of the first object it manages). */
  destinationNamespace?: string;
  /** `spec.syncPolicy`, e.g. `{ automated: { prune: true, selfHeal: true } }`; none means manual sync. */
  syncPolicy?: Record<string, unknown>;
  ignoreDifferences?: Record<string, unknown>[];
  /** The git revision last synced (`status.sync.revision`). */
  revision?: string;
  syncStatus?: 'Synced' | 'OutOfSync';
  manages?: ManagedRef[];
}

export interface FluxSeed {
  name: string;
  namespace?: string;
  suspend?: boolean;
  /** `status.lastAppliedRevision` (and lastAttemptedRevision), e.g. `main@sha1:…`. */
  revision?: string;
  /** The Kustomization's `spec.path` in its source; unused for a HelmRelease. */
  path?: string;
  interval?: string;
  manages?: ManagedRef[];
}

const DEFAULT_REVISION = 'main@sha1:5d8e1f0c2b7a9e3d4c6b8a0f1e2d3c4b5a697887';
const groupOf = (apiVersion: string | undefined) => (apiVersion?.includes('/') ? apiVersion.split('/')[0]! : '');

/** Labels the objects a controller manages and writes their spec as its field manager. */
function takeOver(api: KubeApiStandIn, refs: ManagedRef[], manager: string, labels: Record<string, string>): void {
  for (const ref of refs) {
    const current = api.mustGet(ref.kind, ref.namespace, ref.name);
    const { metadata: _m, apiVersion: _a, kind: _k, status: _s, ...desired } = current;
    api.applyAs(manager, ref.kind, ref.namespace, ref.name, { metadata: { labels }, ...desired });
  }
}

export function seedArgoApplication(api: KubeApiStandIn, seed: ArgoApplicationSeed): KubeObject {
  const namespace = seed.namespace ?? 'argocd';
  const manages = seed.manages ?? [];
  takeOver(api, manages, 'argocd-controller', { 'app.kubernetes.io/instance': seed.name });
  const revision = seed.revision ?? DEFAULT_REVISION.split(':')[1]!;
  return api.create({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: seed.name, namespace },
    spec: {
      project: seed.project ?? 'default',
      source: {
        repoURL: seed.repoURL ?? 'https://git.example.com/platform/prompts.git',
        path: seed.path ?? `apps/${seed.name}`,
        targetRevision: seed.targetRevision ?? 'HEAD',
      },
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: seed.destinationNamespace ?? manages[0]?.namespace ?? 'default',
      },
      ...(seed.syncPolicy ? { syncPolicy: seed.syncPolicy } : {}),
      ...(seed.ignoreDifferences ? { ignoreDifferences: seed.ignoreDifferences } : {}),
    },
    status: {
      sync: { status: seed.syncStatus ?? 'Synced', revision },
      health: { status: 'Healthy' },
      resources: manages.map((m) => {
        const o = api.mustGet(m.kind, m.namespace, m.name);
        const [group, version] = o.apiVersion?.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
        return { group, version, kind: m.kind, namespace: m.namespace, name: m.name, status: 'Synced' };
      }),
    },
  });
}

function seedFlux(api: KubeApiStandIn, kind: 'Kustomization' | 'HelmRelease', seed: FluxSeed): KubeObject {
  const namespace = seed.namespace ?? 'flux-system';
  const prefix = kind === 'Kustomization' ? 'kustomize.toolkit.fluxcd.io' : 'helm.toolkit.fluxcd.io';
  const manages = seed.manages ?? [];
  takeOver(api, manages, kind === 'Kustomization' ? 'kustomize-controller' : 'helm-controller', {
    [`${prefix}/name`]: seed.name,
    [`${prefix}/namespace`]: namespace,
  });
  const revision = seed.revision ?? DEFAULT_REVISION;
  const spec =
    kind === 'Kustomization'
      ? { sourceRef: { kind: 'GitRepository', name: 'flux-system' }, path: seed.path ?? `./apps/${seed.name}` }
      : { chart: { spec: { chart: seed.name, sourceRef: { kind: 'HelmRepository', name: 'charts' } } } };
  return api.create({
    apiVersion: kind === 'Kustomization' ? `${prefix}/v1` : `${prefix}/v2`,
    kind,
    metadata: { name: seed.name, namespace },
    spec: { interval: seed.interval ?? '10m', prune: true, ...spec, ...(seed.suspend ? { suspend: true } : {}) },
    status: {
      lastAppliedRevision: revision,
      lastAttemptedRevision: revision,
      conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded' }],
      inventory: {
        entries: manages.map((m) => {
          const o = api.mustGet(m.kind, m.namespace, m.name);
          return {
            id: `${m.namespace}_${m.name}_${groupOf(o.apiVersion)}_${m.kind}`,
            v: o.apiVersion?.split('/').pop(),
          };
        }),
      },
    },
  });
}

export const seedFluxKustomization = (api: KubeApiStandIn, seed: FluxSeed) => seedFlux(api, 'Kustomization', seed);
export const seedFluxHelmRelease = (api: KubeApiStandIn, seed: FluxSeed) => seedFlux(api, 'HelmRelease', seed);

/** Moves the git revision a GitOps object reports, as its controller does after a sync. */
export function setGitOpsRevision(
  api: KubeApiStandIn,
  kind: 'Application' | 'Kustomization' | 'HelmRelease',
  namespace: string,
  name: string,
  revision: string,
): KubeObject {
  const manager = {
    Application: 'argocd-application-controller',
    Kustomization: 'kustomize-controller',
    HelmRelease: 'helm-controller',
  }[kind];
  return api.editAs(manager, kind, namespace, name, (o) => {
    if (kind === 'Application') o.status = { ...o.status, sync: { ...o.status?.sync, revision } };
    else o.status = { ...o.status, lastAppliedRevision: revision, lastAttemptedRevision: revision };
  });
}
