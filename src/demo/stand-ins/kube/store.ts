/**
 * The object store behind the Kubernetes API stand-in, with the two controllers whose effects
 * Rewind's checks look at: the Deployment controller (pods follow `spec.replicas`, status counts
 * the ready ones) and the EndpointSlice controller (a Service's slices list the pods its selector
 * matches, with `conditions.ready`). Every change bumps a global resourceVersion, like etcd.
 */
import { clone, deepEqual } from './patch.ts';
import { parseLabelSelector, selectorMatches } from './selectors.ts';

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

export const RESOURCE_TYPES: readonly ResourceType[] = [
  {
    group: '',
    versions: ['v1'],
    plural: 'services',
    kind: 'Service',
    builtin: true,
    statusSubresource: false,
    generation: false,
  },
  {
    group: '',
    versions: ['v1'],
    plural: 'pods',
    kind: 'Pod',
    builtin: true,
    statusSubresource: true,
    generation: false,
  },
  {
    group: 'apps',
    versions: ['v1'],
    plural: 'deployments',
    kind: 'Deployment',
    builtin: true,
    statusSubresource: true,
    generation: true,
  },
  {
    group: 'discovery.k8s.io',
    versions: ['v1'],
    plural: 'endpointslices',
    kind: 'EndpointSlice',
    builtin: true,
    statusSubresource: false,
    generation: false,
  },
  {
    group: 'networking.k8s.io',
    versions: ['v1'],
    plural: 'ingresses',
    kind: 'Ingress',
    builtin: true,
    statusSubresource: true,
    generation: true,
  },
  {
    group: 'gateway.networking.k8s.io',
    versions: ['v1', 'v1beta1'],
    plural: 'httproutes',
    kind: 'HTTPRoute',
    builtin: false,
    statusSubresource: true,
    generation: true,
  },
  {
    group: 'networking.istio.io',
    versions: ['v1', 'v1beta1', 'v1alpha3'],
    plural: 'virtualservices',
    kind: 'VirtualService',
    builtin: false,
    statusSubresource: true,
    generation: true,
  },
];

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  generation?: number;
  uid?: string;
  creationTimestamp?: string;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  // The stand-in API server holds objects of every kind it serves (Services, Deployments, HTTPRoutes,
  // VirtualServices, Ingresses): their spec and status are whatever the client sent, and the tests read
  // them by the paths of each kind's own schema.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status?: any;
  [key: string]: unknown;
}

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

const keyOf = (type: ResourceType, namespace: string, name: string) =>
  `${type.group}|${type.plural}|${namespace}|${name}`;
const specPart = (o: KubeObject) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !['metadata', 'status', 'apiVersion', 'kind'].includes(k)));
const isReady = (pod: KubeObject) =>
  (pod.status?.conditions as { type: string; status: string }[] | undefined)?.some(
    (c) => c.type === 'Ready' && c.status === 'True',
  ) ?? false;
const shortHash = (text: string) => {
  let h = 7;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(36).padStart(5, 'x').slice(-5);
};

export class ObjectStore {
  private readonly objects = new Map<string, KubeObject>();
  private revision = 1000;
  private uidSeq = 0;
  private podSeq = 0;
  /** Pods the Deployment controller creates start ready (a scale-up becomes ready at once). */
  newPodsReady = true;

  get(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    const o = this.objects.get(keyOf(type, namespace, name));
    return o && clone(o);
  }

  list(type: ResourceType, namespace: string | undefined, labelSelector?: string): KubeObject[] {
    const matches = parseLabelSelector(labelSelector);
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(`${type.group}|${type.plural}|${namespace === undefined ? '' : `${namespace}|`}`))
      .map(([, o]) => o)
      .filter((o) => matches(o.metadata.labels ?? {}))
      .sort((a, b) =>
        `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
      )
      .map((o) => clone(o));
  }

  get currentRevision(): string {
    return String(this.revision);
  }

  create(type: ResourceType, input: KubeObject): KubeObject {
    const namespace = input.metadata.namespace ?? 'default';
    const o = clone(input);
    o.apiVersion = apiVersionOf(type);
    o.kind = type.kind;
    o.metadata = {
      ...o.metadata,
      namespace,
      uid: `00000000-0000-4000-8000-${String(++this.uidSeq).padStart(12, '0')}`,
      creationTimestamp: new Date(Date.UTC(2025, 0, 1)).toISOString().replace('.000', ''),
      resourceVersion: String(++this.revision),
    };
    if (type.generation) o.metadata.generation = 1;
    else delete o.metadata.generation;
    this.objects.set(keyOf(type, namespace, o.metadata.name), o);
    this.reconcile(namespace);
    return clone(this.objects.get(keyOf(type, namespace, o.metadata.name))!);
  }

  /**
   * Stores `next` over the existing object (the caller has checked preconditions). A write from
   * a client keeps the stored status where the kind has a status subresource.
   */
  update(type: ResourceType, next: KubeObject, fromClient: boolean): KubeObject {
    const namespace = next.metadata.namespace ?? 'default';
    const key = keyOf(type, namespace, next.metadata.name);
    const old = this.objects.get(key);
    if (!old) throw new Error(`update of missing ${type.kind} ${namespace}/${next.metadata.name}`);
    const o = clone(next);
    o.apiVersion = old.apiVersion;
    o.kind = type.kind;
    if (fromClient && type.statusSubresource) {
      if (old.status === undefined) delete o.status;
      else o.status = clone(old.status);
    }
    // Server-owned metadata cannot be changed by clients.
    o.metadata = { ...o.metadata, namespace, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp };
    if (type.generation)
      o.metadata.generation = (old.metadata.generation ?? 1) + (deepEqual(specPart(old), specPart(o)) ? 0 : 1);
    o.metadata.resourceVersion = old.metadata.resourceVersion;
    if (deepEqual(old, o)) return clone(old);
    o.metadata.resourceVersion = String(++this.revision);
    this.objects.set(key, o);
    this.reconcile(namespace);
    return clone(this.objects.get(key)!);
  }

  delete(type: ResourceType, namespace: string, name: string): boolean {
    const gone = this.objects.delete(keyOf(type, namespace, name));
    if (gone) {
      this.revision++;
      this.reconcile(namespace);
    }
    return gone;
  }

  setPodReady(namespace: string, name: string, ready: boolean): void {
    const pods = typeByKind('Pod');
    const pod = this.get(pods, namespace, name);
    if (!pod) throw new Error(`no pod ${namespace}/${name} in the stand-in`);
    pod.status = { ...pod.status, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
    this.update(pods, pod, false);
  }

  private reconciling = false;

  /** Runs the Deployment and EndpointSlice controllers for a namespace until nothing changes. */
  reconcile(namespace: string): void {
    if (this.reconciling) return;
    this.reconciling = true;
    try {
      for (const d of this.list(typeByKind('Deployment'), namespace)) this.reconcileDeployment(d);
      this.reconcileEndpointSlices(namespace);
    } finally {
      this.reconciling = false;
    }
  }

  private podsOf(deployment: KubeObject): KubeObject[] {
    const selector = (deployment.spec?.selector?.matchLabels ?? {}) as Record<string, string>;
    return this.list(typeByKind('Pod'), deployment.metadata.namespace).filter((p) =>
      selectorMatches(selector, p.metadata.labels ?? {}),
    );
  }

  private createPod(deployment: KubeObject, ready: boolean): void {
    const seq = ++this.podSeq;
    const version = (deployment.spec?.template?.metadata?.labels ?? {}) as Record<string, string>;
    this.create(typeByKind('Pod'), {
      metadata: {
        name: `${deployment.metadata.name}-${shortHash(deployment.metadata.name)}-${seq.toString(36).padStart(5, '0')}`,
        namespace: deployment.metadata.namespace ?? 'default',
        labels: { ...version },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: `${deployment.metadata.name}-${shortHash(deployment.metadata.name)}`,
            controller: true,
          },
        ],
      },
      spec: {
        nodeName: 'node-1',
        containers: deployment.spec?.template?.spec?.containers ?? [{ name: 'app', image: 'app' }],
      },
      status: {
        phase: 'Running',
        podIP: `10.244.${Math.floor(seq / 250)}.${(seq % 250) + 1}`,
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      },
    });
  }

  private reconcileDeployment(deployment: KubeObject): void {
    const desired = (deployment.spec?.replicas as number | undefined) ?? 1;
    let pods = this.podsOf(deployment);
    for (let n = pods.length; n < desired; n++) this.createPod(deployment, this.newPodsReady);
    if (pods.length > desired) {
      // Like the ReplicaSet controller: not-ready pods go first, then the newest.
      const doomed = [...pods].sort(
        (a, b) => Number(isReady(a)) - Number(isReady(b)) || b.metadata.name.localeCompare(a.metadata.name),
      );
      for (const p of doomed.slice(0, pods.length - desired)) {
        this.objects.delete(keyOf(typeByKind('Pod'), p.metadata.namespace ?? 'default', p.metadata.name));
        this.revision++;
      }
    }
    pods = this.podsOf(deployment);
    const ready = pods.filter(isReady).length;
    // The API server leaves zero counts out of Deployment status (omitempty).
    const status: Record<string, unknown> = {
      observedGeneration: deployment.metadata.generation,
      replicas: pods.length,
      updatedReplicas: pods.length,
    };
    if (ready > 0) Object.assign(status, { readyReplicas: ready, availableReplicas: ready });
    if (pods.length - ready > 0) status.unavailableReplicas = pods.length - ready;
    if (pods.length === 0) {
      delete status.replicas;
      delete status.updatedReplicas;
    }
    if (!deepEqual(deployment.status, status)) this.update(typeByKind('Deployment'), { ...deployment, status }, false);
  }

  private reconcileEndpointSlices(namespace: string): void {
    const slices = typeByKind('EndpointSlice');
    const managed = (s: KubeObject) =>
      s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === 'endpointslice-controller.k8s.io';
    const services = this.list(typeByKind('Service'), namespace);
    const pods = this.list(typeByKind('Pod'), namespace);
    const wanted = new Set<string>();
    for (const svc of services) {
      const selector = svc.spec?.selector as Record<string, string> | undefined;
      if (!selector || Object.keys(selector).length === 0) continue;
      const name = `${svc.metadata.name}-${shortHash(svc.metadata.name)}`;
      wanted.add(name);
      const endpoints = pods
        .filter((p) => selectorMatches(selector, p.metadata.labels ?? {}))
        .map((p) => ({
          addresses: [p.status?.podIP as string],
          conditions: { ready: isReady(p), serving: isReady(p), terminating: false },
          nodeName: p.spec?.nodeName,
          targetRef: { kind: 'Pod', namespace, name: p.metadata.name, uid: p.metadata.uid },
        }));
      const ports = (
        (svc.spec?.ports ?? []) as { name?: string; port: number; targetPort?: number; protocol?: string }[]
      ).map((p) => ({
        name: p.name ?? '',
        port: typeof p.targetPort === 'number' ? p.targetPort : p.port,
        protocol: p.protocol ?? 'TCP',
      }));
      const body: KubeObject = {
        metadata: {
          name,
          namespace,
          labels: {
            'kubernetes.io/service-name': svc.metadata.name,
            'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
          },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata.name, uid: svc.metadata.uid }],
        },
        addressType: 'IPv4',
        endpoints,
        ports,
      };
      const existing = this.get(slices, namespace, name);
      if (!existing) this.create(slices, body);
      else this.update(slices, { ...existing, endpoints, ports }, false);
    }
    for (const s of this.list(slices, namespace)) {
      if (managed(s) && !wanted.has(s.metadata.name)) {
        this.objects.delete(keyOf(slices, namespace, s.metadata.name));
        this.revision++;
      }
    }
  }
}
