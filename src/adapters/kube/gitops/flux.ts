/**
 * Flux: the Kustomization (kustomize.toolkit.fluxcd.io/v1) or HelmRelease (helm.toolkit.fluxcd.io/v2)
 * that reconciles the routing object. `spec.suspend: true` pauses it, `false` resumes it. A Flux
 * owner named only in config has no kind yet: a Kustomization of that name is looked for first,
 * then a HelmRelease.
 */
import { FLUX_KINDS, fluxSyncState, pausePatch, resumePatch, type FluxKind } from '../../../domain/gitops.ts';
import type { SyncOwner, SyncState } from '../../../domain/gitops.ts';
import type { KubeChange } from '../../../services/ports.ts';
import type { KubeApis } from '../clients.ts';
import { RouterError } from '../errors.ts';
import { mergePatch, readCustomObject, type CustomResource } from './resources.ts';

type FluxOwner = Extract<SyncOwner, { tool: 'flux' }>;

export const FLUX_RESOURCES: Record<FluxKind, CustomResource> = {
  Kustomization: {
    kind: 'Kustomization',
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'kustomizations',
  },
  HelmRelease: { kind: 'HelmRelease', group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases' },
};

const refOf = (owner: FluxOwner) => ({ namespace: owner.namespace, name: owner.name });

/** The owner with its kind found, and its sync state; null when no object of that name exists. */
export async function fluxState(
  apis: KubeApis,
  owner: FluxOwner,
): Promise<{ owner: FluxOwner & { kind: FluxKind }; state: SyncState } | null> {
  for (const kind of owner.kind ? [owner.kind] : FLUX_KINDS) {
    const object = await readCustomObject(apis, FLUX_RESOURCES[kind], refOf(owner));
    if (object !== null) return { owner: { ...owner, kind }, state: fluxSyncState(object) };
  }
  return null;
}

/** The owner's object must exist: a missing one is a problem the rollback names. */
export async function requireFluxState(apis: KubeApis, owner: FluxOwner): Promise<SyncState> {
  const found = await fluxState(apis, owner);
  if (found) return found.state;
  const kinds = owner.kind ?? FLUX_KINDS.join(' or ');
  throw new RouterError(`Flux ${kinds} ${owner.namespace}/${owner.name} does not exist`);
}

function resourceOf(owner: FluxOwner): CustomResource {
  if (owner.kind) return FLUX_RESOURCES[owner.kind];
  throw new RouterError(`Flux object ${owner.namespace}/${owner.name} has no kind; read it before writing`);
}

export function suspend(apis: KubeApis, owner: FluxOwner): Promise<KubeChange> {
  return mergePatch(apis, resourceOf(owner), refOf(owner), pausePatch(owner));
}

export function unsuspend(apis: KubeApis, owner: FluxOwner): Promise<KubeChange> {
  return mergePatch(apis, resourceOf(owner), refOf(owner), resumePatch(owner, null));
}
