/**
 * Argo CD: the Application (argoproj.io/v1alpha1) that syncs the routing object. Its sync is
 * paused by removing `spec.syncPolicy.automated` and resumed by writing back the policy kept.
 */
import { argoSyncState, pausePatch, resumePatch, type SyncState } from '../../../domain/gitops.ts';
import type { SyncOwner } from '../../../domain/gitops.ts';
import type { KubeChange } from '../../../services/ports.ts';
import type { KubeApis } from '../clients.ts';
import { RouterError } from '../errors.ts';
import { mergePatch, readCustomObject, type CustomResource } from './resources.ts';

type ArgoOwner = Extract<SyncOwner, { tool: 'argocd' }>;

export const APPLICATIONS: CustomResource = {
  kind: 'Application',
  group: 'argoproj.io',
  version: 'v1alpha1',
  plural: 'applications',
};

const refOf = (owner: ArgoOwner) => ({ namespace: owner.namespace, name: owner.application });

/** The Application's sync state; null when there is no such Application. */
export async function applicationState(apis: KubeApis, owner: ArgoOwner): Promise<SyncState | null> {
  const app = await readCustomObject(apis, APPLICATIONS, refOf(owner));
  return app === null ? null : argoSyncState(app);
}

/** The Application's sync state; a missing Application is a problem the rollback names. */
export async function requireApplicationState(apis: KubeApis, owner: ArgoOwner): Promise<SyncState> {
  const state = await applicationState(apis, owner);
  if (state) return state;
  throw new RouterError(`Argo CD Application ${owner.namespace}/${owner.application} does not exist`);
}

export function pauseApplication(apis: KubeApis, owner: ArgoOwner): Promise<KubeChange> {
  return mergePatch(apis, APPLICATIONS, refOf(owner), pausePatch(owner));
}

export function resumeApplication(
  apis: KubeApis,
  owner: ArgoOwner,
  keptSyncPolicy: Record<string, unknown> | null,
): Promise<KubeChange> {
  return mergePatch(apis, APPLICATIONS, refOf(owner), resumePatch(owner, keptSyncPolicy));
}
