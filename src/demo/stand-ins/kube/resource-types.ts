/**
 * The kinds the Kubernetes API stand-in serves, with what the API server does differently for each:
 * the built-in objects Rewind routes through (and the Lease its replicas elect a leader with), and
 * the GitOps controllers' custom resources (Argo CD Applications, Flux Kustomizations and
 * HelmReleases) whose sync Rewind has to respect.
 */
import type { ManagedFieldsEntry } from './managed-fields.ts';

export interface ResourceType {
  group: string;
  versions: string[];
  plural: string;
  kind: string;
  /** Custom resources refuse strategic merge patches and unconditional updates. */
  builtin: boolean;
  /** Writes to the main resource leave `status` alone (it has its own subresource). */
  statusSubresource: boolean;
  /** `metadata.generation` counts changes outside metadata and status. */
  generation: boolean;
}

const builtin = (group: string, plural: string, kind: string, statusSubresource: boolean, generation: boolean) => ({
  group,
  versions: ['v1'],
  plural,
  kind,
  builtin: true,
  statusSubresource,
  generation,
});
const custom = (group: string, versions: string[], plural: string, kind: string, statusSubresource = true) => ({
  group,
  versions,
  plural,
  kind,
  builtin: false,
  statusSubresource,
  generation: true,
});

export const RESOURCE_TYPES: readonly ResourceType[] = [
  builtin('', 'services', 'Service', false, false),
  builtin('', 'pods', 'Pod', true, false),
  builtin('apps', 'deployments', 'Deployment', true, true),
  builtin('discovery.k8s.io', 'endpointslices', 'EndpointSlice', false, false),
  builtin('networking.k8s.io', 'ingresses', 'Ingress', true, true),
  // The Lease replicas elect the one that runs the drift watch with (read, created, replaced by resourceVersion).
  builtin('coordination.k8s.io', 'leases', 'Lease', false, false),
  custom('gateway.networking.k8s.io', ['v1', 'v1beta1'], 'httproutes', 'HTTPRoute'),
  custom('networking.istio.io', ['v1', 'v1beta1', 'v1alpha3'], 'virtualservices', 'VirtualService'),
  // Argo CD's Application CRD has no status subresource: its controller writes status on the object.
  custom('argoproj.io', ['v1alpha1'], 'applications', 'Application', false),
  custom('kustomize.toolkit.fluxcd.io', ['v1', 'v1beta2'], 'kustomizations', 'Kustomization'),
  custom('helm.toolkit.fluxcd.io', ['v2', 'v2beta2'], 'helmreleases', 'HelmRelease'),
];

export const apiVersionOf = (type: ResourceType, version = type.versions[0] ?? 'v1') =>
  type.group ? `${type.group}/${version}` : version;
export const groupResource = (type: ResourceType) => (type.group ? `${type.plural}.${type.group}` : type.plural);

export function typeByKind(kind: string): ResourceType {
  const type = RESOURCE_TYPES.find((t) => t.kind === kind);
  if (!type)
    throw new Error(
      `the stand-in does not serve kind ${kind}; it serves ${RESOURCE_TYPES.map((t) => t.kind).join(', ')}`,
    );
  return type;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  generation?: number;
  uid?: string;
  creationTimestamp?: string;
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  // The stand-in API server holds objects of every kind it serves (Services, Deployments, HTTPRoutes,
  // VirtualServices, Ingresses, GitOps resources): their spec and status are whatever the client sent,
  // and the tests read them by the paths of each kind's own schema.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status?: any;
  [key: string]: unknown;
}
