/**
 * The two controllers of the stand-in cluster whose effects Rewind's checks look at: the
 * Deployment controller (pods follow `spec.replicas`, status counts the ready ones) and the
 * EndpointSlice controller (a Service's slices list the pods its selector matches, with
 * `conditions.ready`). They run after every change in a namespace until nothing changes, and
 * write as `kube-controller-manager`, as in a real cluster.
 */
import type { FieldWriter } from './managed-fields.ts';
import { deepEqual } from './patch.ts';
import { typeByKind, type KubeObject, type ResourceType } from './resource-types.ts';
import { selectorMatches } from './selectors.ts';

/** What the controllers need of the object store. */
export interface ClusterObjects {
  /** Pods the Deployment controller creates start ready (a scale-up becomes ready at once). */
  newPodsReady: boolean;
  /** The last pod number handed out (pod names end in it). */
  podSeq: number;
  get(type: ResourceType, namespace: string, name: string): KubeObject | undefined;
  list(type: ResourceType, namespace: string | undefined): KubeObject[];
  create(type: ResourceType, input: KubeObject, writer: FieldWriter): KubeObject;
  update(type: ResourceType, next: KubeObject, fromClient: boolean, writer: FieldWriter): KubeObject;
  delete(type: ResourceType, namespace: string, name: string): boolean;
}

const CONTROLLER: FieldWriter = { manager: 'kube-controller-manager', operation: 'Update' };
const CONTROLLER_STATUS: FieldWriter = { ...CONTROLLER, subresource: 'status' };

const isReady = (pod: KubeObject) =>
  (pod.status?.conditions as { type: string; status: string }[] | undefined)?.some(
    (c) => c.type === 'Ready' && c.status === 'True',
  ) ?? false;
export const shortHash = (text: string) => {
  let h = 7;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(36).padStart(5, 'x').slice(-5);
};

const reconciling = new WeakSet<ClusterObjects>();

/** Runs the Deployment and EndpointSlice controllers for a namespace. */
export function reconcileNamespace(store: ClusterObjects, namespace: string): void {
  if (reconciling.has(store)) return;
  reconciling.add(store);
  try {
    for (const d of store.list(typeByKind('Deployment'), namespace)) reconcileDeployment(store, d);
    reconcileEndpointSlices(store, namespace);
  } finally {
    reconciling.delete(store);
  }
}

/** A pod's readiness as the kubelet reports it. */
export function setPodReady(store: ClusterObjects, namespace: string, name: string, ready: boolean): void {
  const pods = typeByKind('Pod');
  const pod = store.get(pods, namespace, name);
  if (!pod) throw new Error(`no pod ${namespace}/${name} in the stand-in`);
  pod.status = { ...pod.status, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
  store.update(pods, pod, false, { manager: 'kubelet', operation: 'Update', subresource: 'status' });
}

function podsOf(store: ClusterObjects, deployment: KubeObject): KubeObject[] {
  const selector = (deployment.spec?.selector?.matchLabels ?? {}) as Record<string, string>;
  return store
    .list(typeByKind('Pod'), deployment.metadata.namespace)
    .filter((p) => selectorMatches(selector, p.metadata.labels ?? {}));
}

function createPod(store: ClusterObjects, deployment: KubeObject, ready: boolean): void {
  const seq = ++store.podSeq;
  const version = (deployment.spec?.template?.metadata?.labels ?? {}) as Record<string, string>;
  const replicaSet = `${deployment.metadata.name}-${shortHash(deployment.metadata.name)}`;
  store.create(
    typeByKind('Pod'),
    {
      metadata: {
        name: `${replicaSet}-${seq.toString(36).padStart(5, '0')}`,
        namespace: deployment.metadata.namespace ?? 'default',
        labels: { ...version },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: replicaSet, controller: true }],
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
    },
    CONTROLLER,
  );
}

function reconcileDeployment(store: ClusterObjects, deployment: KubeObject): void {
  const desired = (deployment.spec?.replicas as number | undefined) ?? 1;
  let pods = podsOf(store, deployment);
  for (let n = pods.length; n < desired; n++) createPod(store, deployment, store.newPodsReady);
  if (pods.length > desired) {
    // Like the ReplicaSet controller: not-ready pods go first, then the newest.
    const doomed = [...pods].sort(
      (a, b) => Number(isReady(a)) - Number(isReady(b)) || b.metadata.name.localeCompare(a.metadata.name),
    );
    for (const p of doomed.slice(0, pods.length - desired))
      store.delete(typeByKind('Pod'), p.metadata.namespace ?? 'default', p.metadata.name);
  }
  pods = podsOf(store, deployment);
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
  if (!deepEqual(deployment.status, status))
    store.update(typeByKind('Deployment'), { ...deployment, status }, false, CONTROLLER_STATUS);
}

function reconcileEndpointSlices(store: ClusterObjects, namespace: string): void {
  const slices = typeByKind('EndpointSlice');
  const managed = (s: KubeObject) =>
    s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === 'endpointslice-controller.k8s.io';
  const services = store.list(typeByKind('Service'), namespace);
  const pods = store.list(typeByKind('Pod'), namespace);
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
    const existing = store.get(slices, namespace, name);
    if (!existing) store.create(slices, body, CONTROLLER);
    else store.update(slices, { ...existing, endpoints, ports }, false, CONTROLLER);
  }
  for (const s of store.list(slices, namespace)) {
    if (managed(s) && !wanted.has(s.metadata.name)) store.delete(slices, namespace, s.metadata.name);
  }
}
