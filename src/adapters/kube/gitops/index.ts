/**
 * GitOpsControl on Kubernetes: for one configured service, who re-applies its routing object from git
 * (its `gitops:` setting, else the object's labels, annotations and ownerReferences, confirmed on
 * the cluster), and pausing and resuming that owner's sync. A routing object's marks count only
 * when the owner they name exists: an instance label may be a Helm chart's, and a tracking
 * annotation or Flux label may outlive the Application or Kustomization that set it.
 */
import type { ServiceConfig } from '../../../config/schema.ts';
import { routingOwner, type GitOpsOwner, type OwnedObjectMeta, type SyncOwner } from '../../../domain/gitops.ts';
import type { GitOpsControl, GitOpsReading } from '../../../services/ports.ts';
import type { KubeApis } from '../clients.ts';
import { RouterError, kubeCall } from '../errors.ts';
import { HTTP_ROUTE } from '../routers/gateway-api.ts';
import { VIRTUAL_SERVICE } from '../routers/istio.ts';
import { routingObjects } from '../routers/registry.ts';
import type { ApiAccess, RoutingObject } from '../routers/types.ts';
import {
  APPLICATIONS,
  applicationState,
  pauseApplication,
  requireApplicationState,
  resumeApplication,
} from './argocd.ts';
import { FLUX_RESOURCES, fluxState, requireFluxState, suspend, unsuspend } from './flux.ts';
import type { CustomResource } from './resources.ts';

const readAndPatch = (r: CustomResource): ApiAccess => ({
  group: r.group,
  resource: r.plural,
  verbs: ['get', 'patch'],
});

/**
 * What pausing and resuming needs in the owner object's namespace (deploy/rbac/roles/gitops-<tool>):
 * reading the sync state, and the merge patch that pauses or resumes it.
 */
export const GITOPS_ACCESS: Record<'argocd' | 'flux', readonly ApiAccess[]> = {
  argocd: [readAndPatch(APPLICATIONS)],
  flux: Object.values(FLUX_RESOURCES).map(readAndPatch),
};

const CUSTOM_ROUTING_KINDS: Record<string, { group: string; version: string; plural: string }> = {
  VirtualService: VIRTUAL_SERVICE,
  HTTPRoute: HTTP_ROUTE,
};

/** The metadata of the object the service's router writes (the first, for routers with two Ingresses). */
async function routingMetadata(apis: KubeApis, namespace: string, object: RoutingObject): Promise<OwnedObjectMeta> {
  const target = `${object.kind} ${namespace}/${object.name}`;
  const ref = { namespace, name: object.name };
  if (object.kind === 'Service')
    return (await kubeCall(target, 'read', () => apis.core.readNamespacedService(ref))).metadata ?? {};
  if (object.kind === 'Ingress')
    return (await kubeCall(target, 'read', () => apis.networking.readNamespacedIngress(ref))).metadata ?? {};
  const custom = CUSTOM_ROUTING_KINDS[object.kind];
  if (!custom) throw new RouterError(`cannot read who manages a ${object.kind}`);
  const read = (await kubeCall(target, 'read', () => apis.custom.getNamespacedCustomObject({ ...custom, ...ref }))) as {
    metadata?: OwnedObjectMeta;
  };
  return read.metadata ?? {};
}

class ServiceGitOps implements GitOpsControl {
  constructor(
    private readonly apis: KubeApis,
    private readonly service: ServiceConfig,
  ) {}

  async read(): Promise<GitOpsReading> {
    const setting = this.service.gitops;
    const onRollback = setting?.onRollback ?? 'pause';
    const [object] = routingObjects(this.service.router);
    const meta = object ? await routingMetadata(this.apis, this.service.namespace, object) : null;
    const owner = routingOwner(setting, meta);
    return { ...(await this.confirmed(owner)), onRollback };
  }

  /**
   * The owner as the cluster has it: a Flux object's kind found, a marked owner that exists. Marks
   * naming an object that is gone (left behind by an Application or Kustomization since deleted)
   * count as nobody, and the reading says which owner they name; Argo CD's bare instance label is
   * not said, since Helm charts set it without Argo CD. An owner named in config must exist.
   */
  private async confirmed(owner: GitOpsOwner): Promise<Omit<GitOpsReading, 'onRollback'>> {
    const nobody = { owner: { tool: 'none' as const }, state: null };
    if (owner.tool === 'argocd') {
      if (owner.source === 'config') return { owner, state: await requireApplicationState(this.apis, owner) };
      const state = await applicationState(this.apis, owner);
      if (state) return { owner, state };
      return owner.source === 'annotation' ? { ...nobody, unmatched: owner } : nobody;
    }
    if (owner.tool === 'flux') {
      const found = await fluxState(this.apis, owner);
      if (found) return found;
      if (owner.source !== 'config') return { ...nobody, unmatched: owner };
      await requireFluxState(this.apis, owner);
    }
    return { owner, state: null };
  }

  state(owner: SyncOwner) {
    return owner.tool === 'argocd' ? requireApplicationState(this.apis, owner) : requireFluxState(this.apis, owner);
  }

  async find(owner: SyncOwner) {
    if (owner.tool === 'argocd') return applicationState(this.apis, owner);
    return (await fluxState(this.apis, owner))?.state ?? null;
  }

  pause(owner: SyncOwner) {
    return owner.tool === 'argocd' ? pauseApplication(this.apis, owner) : suspend(this.apis, owner);
  }

  resume(owner: SyncOwner, keptSyncPolicy: Record<string, unknown> | null) {
    return owner.tool === 'argocd' ? resumeApplication(this.apis, owner, keptSyncPolicy) : unsuspend(this.apis, owner);
  }
}

/** The GitOps side of one configured service, on the clients of its context. */
export function serviceGitOps(apis: KubeApis, service: ServiceConfig): GitOpsControl {
  return new ServiceGitOps(apis, service);
}
