/**
 * The object store behind the Kubernetes API stand-in. Every change bumps a global
 * resourceVersion, like etcd, is kept in the event history that watches replay and follow
 * (history.ts), and records its field manager in `metadata.managedFields` (managed-fields.ts).
 * The two controllers whose effects Rewind's checks look at run after every change
 * (controllers.ts).
 */
import { reconcileNamespace, setPodReady, type ClusterObjects } from './controllers.ts';
import { EventHistory, type ChangeType } from './history.ts';
import { nextManagedFields, type FieldWriter, type ManagedFieldsEntry } from './managed-fields.ts';
import { clone, deepEqual } from './patch.ts';
import { apiVersionOf, type KubeObject, type ResourceType } from './resource-types.ts';
import { parseLabelSelector } from './selectors.ts';

export {
  RESOURCE_TYPES,
  apiVersionOf,
  groupResource,
  typeByKind,
  type KubeObject,
  type ObjectMeta,
  type ResourceType,
} from './resource-types.ts';

/** A write as the store carries it out: who wrote, and (for a forced apply) the configuration applied. */
export type Write = FieldWriter & { applied?: unknown };

const keyOf = (type: ResourceType, namespace: string, name: string) =>
  `${type.group}|${type.plural}|${namespace}|${name}`;
const specPart = (o: KubeObject) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !['metadata', 'status', 'apiVersion', 'kind'].includes(k)));
/** managedFields' time: RFC 3339 in whole seconds. */
const fieldsTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class ObjectStore implements ClusterObjects {
  private readonly objects = new Map<string, KubeObject>();
  readonly history = new EventHistory();
  private revision = 1000;
  private uidSeq = 0;
  podSeq = 0;
  /** Pods the Deployment controller creates start ready (a scale-up becomes ready at once). */
  newPodsReady = true;

  constructor(private readonly now: () => number = Date.now) {}

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

  create(type: ResourceType, input: KubeObject, writer: Write): KubeObject {
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
    o.metadata.managedFields = this.managedFields(type, [], undefined, o, writer);
    this.store(type, o, 'ADDED');
    reconcileNamespace(this, namespace);
    return clone(this.objects.get(keyOf(type, namespace, o.metadata.name))!);
  }

  /**
   * Stores `next` over the existing object (the caller has checked preconditions). A write from
   * a client keeps the stored status where the kind has a status subresource; managedFields are
   * the server's (what a client sends in them is ignored).
   */
  update(type: ResourceType, next: KubeObject, fromClient: boolean, writer: Write): KubeObject {
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
    o.metadata.managedFields = old.metadata.managedFields;
    if (o.metadata.managedFields === undefined) delete o.metadata.managedFields;
    if (deepEqual(old, o)) return clone(old);
    o.metadata.managedFields = this.managedFields(type, old.metadata.managedFields ?? [], old, o, writer);
    o.metadata.resourceVersion = String(++this.revision);
    this.store(type, o, 'MODIFIED', old);
    reconcileNamespace(this, namespace);
    return clone(this.objects.get(key)!);
  }

  setPodReady(namespace: string, name: string, ready: boolean): void {
    setPodReady(this, namespace, name, ready);
  }

  delete(type: ResourceType, namespace: string, name: string): boolean {
    const key = keyOf(type, namespace, name);
    const old = this.objects.get(key);
    if (!old) return false;
    this.objects.delete(key);
    const gone = clone(old);
    gone.metadata.resourceVersion = String(++this.revision);
    this.history.record({ type: 'DELETED', resource: type, object: gone, revision: this.revision });
    reconcileNamespace(this, namespace);
    return true;
  }

  /** Forgets the event history up to now: a watch from any earlier resourceVersion gets 410 Expired. */
  compactHistory(): void {
    this.history.compact(this.revision);
  }

  private store(type: ResourceType, o: KubeObject, change: ChangeType, previous?: KubeObject): void {
    this.objects.set(keyOf(type, o.metadata.namespace ?? 'default', o.metadata.name), o);
    this.history.record({
      type: change,
      resource: type,
      object: clone(o),
      ...(previous ? { previous: clone(previous) } : {}),
      revision: Number(o.metadata.resourceVersion),
    });
  }

  private managedFields(
    type: ResourceType,
    entries: ManagedFieldsEntry[],
    before: KubeObject | undefined,
    after: KubeObject,
    writer: Write,
  ): ManagedFieldsEntry[] {
    const apiVersion = after.apiVersion ?? apiVersionOf(type);
    return nextManagedFields(entries, before, after, { ...writer, apiVersion, time: fieldsTime(this.now()) });
  }
}
