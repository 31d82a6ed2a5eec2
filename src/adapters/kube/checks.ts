/**
 * What the engine checks around a switch: the target version's Deployment has ready replicas
 * (before), and the Service the router sends the version's traffic to lists ready endpoints of
 * that version in its EndpointSlices (after). Endpoints count when their pod carries
 * `<versionLabel>=<version>` — a Service selecting the wrong version shows 0, however many pods
 * are ready. Which Service that is depends on the router (RouterModule.endpointsService).
 */
import type { ClusterChecks } from '../../services/ports.ts';
import { RouterError, kubeCall } from './errors.ts';
import type { BuiltRouter } from './routers/index.ts';
import { targetOf, versionConfig, type ApiAccess, type RoutedService, type RouterDeps } from './routers/types.ts';

/**
 * Every API resource the checks read, whatever the router: the version's Deployment (read, or listed
 * by its label when config names none), its pods and the EndpointSlices of the Service in front of
 * them. deploy/rbac/roles/checks grants exactly this in every namespace a service lives in.
 */
export const CHECKS_ACCESS: readonly ApiAccess[] = [
  { group: 'apps', resource: 'deployments', verbs: ['get', 'list'] },
  { group: '', resource: 'pods', verbs: ['list'] },
  { group: 'discovery.k8s.io', resource: 'endpointslices', verbs: ['list'] },
];

const podIsReady = (pod: {
  metadata?: { deletionTimestamp?: unknown };
  status?: { conditions?: { type: string; status: string }[] };
}) =>
  !pod.metadata?.deletionTimestamp &&
  (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);

export class KubeClusterChecks implements ClusterChecks {
  constructor(
    private readonly deps: RouterDeps,
    private readonly endpointsService: BuiltRouter['endpointsService'],
  ) {}

  private get service(): RoutedService {
    return this.deps.service;
  }

  /** The version's Deployment: `deployment` from config, else the one Deployment labelled with the version. */
  private async deploymentName(version: string): Promise<string> {
    const configured = versionConfig(this.deps, version).deployment;
    if (configured) return configured;
    const { namespace, versionLabel } = this.service;
    const selector = `${versionLabel}=${version}`;
    const list = await kubeCall(`Deployments in ${namespace} labelled ${selector}`, 'list', () =>
      this.deps.apis.apps.listNamespacedDeployment({ namespace, labelSelector: selector }),
    );
    const names = list.items.map((d) => d.metadata?.name ?? '');
    if (names.length !== 1) {
      throw new RouterError(
        `version ${version} of ${this.deps.serviceName} has no deployment in config, and ` +
          `${names.length === 0 ? 'no Deployment' : `${names.length} Deployments (${names.join(', ')})`} in ` +
          `${namespace} carry the label ${selector}; set versions[].deployment`,
      );
    }
    return names[0] as string;
  }

  async readyReplicas(version: string): Promise<{ ready: number; desired: number }> {
    const name = await this.deploymentName(version);
    const { namespace } = this.service;
    const d = await kubeCall(targetOf('Deployment', namespace, name), 'read', () =>
      this.deps.apis.apps.readNamespacedDeployment({ name, namespace }),
    );
    // The API server leaves zero counts out of the status; an unset spec.replicas means 1.
    return { ready: d.status?.readyReplicas ?? 0, desired: d.spec?.replicas ?? 1 };
  }

  async readyEndpoints(version: string): Promise<number> {
    const v = versionConfig(this.deps, version);
    const svc = await this.endpointsService(v);
    const namespace = svc?.namespace ?? this.service.namespace;
    const labelSelector = `${this.service.versionLabel}=${version}`;
    const pods = await kubeCall(`Pods in ${namespace} labelled ${labelSelector}`, 'list', () =>
      this.deps.apis.core.listNamespacedPod({ namespace, labelSelector }),
    );
    if (!svc) return pods.items.filter(podIsReady).length;
    const ofVersion = new Set(pods.items.map((p) => p.metadata?.name));
    const sliceSelector = `kubernetes.io/service-name=${svc.name}`;
    const slices = await kubeCall(`EndpointSlices of Service ${namespace}/${svc.name}`, 'list', () =>
      this.deps.apis.discovery.listNamespacedEndpointSlice({ namespace, labelSelector: sliceSelector }),
    );
    // A pod can appear in several slices (one per address family); count it once.
    const ready = new Set<string>();
    for (const slice of slices.items) {
      for (const e of slice.endpoints ?? []) {
        const pod = e.targetRef?.kind === 'Pod' ? e.targetRef.name : undefined;
        // An unset `ready` means ready (EndpointSlice API).
        if (pod && ofVersion.has(pod) && e.conditions?.ready !== false) ready.add(pod);
      }
    }
    return ready.size;
  }
}
