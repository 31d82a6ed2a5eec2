/**
 * The stand-in's event history, as etcd and the watch cache keep it: every change to an object is
 * an event at the resourceVersion it made. A watch from a resourceVersion replays the events after
 * it and then follows new ones; a resourceVersion older than the history kept (after `compact`, or
 * once more than `limit` events came after it) is too old, and the watch is answered 410 Expired.
 */
import type { ResourceType } from './resource-types.ts';
import type { KubeObject } from './resource-types.ts';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ChangeEvent {
  type: ChangeType;
  resource: ResourceType;
  /** The object after the change (for DELETED: as it was, at the deletion's resourceVersion). */
  object: KubeObject;
  /** The object before the change (MODIFIED only): a label selector watch needs both. */
  previous?: KubeObject;
  revision: number;
}

export type ChangeListener = (event: ChangeEvent) => void;

export class EventHistory {
  private events: ChangeEvent[] = [];
  private readonly listeners = new Set<ChangeListener>();
  /** Events at or before this revision are gone; a watch from before it is too old. */
  private compactedAt = 0;

  constructor(private readonly limit = 10_000) {}

  record(event: ChangeEvent): void {
    this.events.push(event);
    if (this.events.length > this.limit) {
      const dropped = this.events.splice(0, this.events.length - this.limit);
      this.compactedAt = dropped[dropped.length - 1]?.revision ?? this.compactedAt;
    }
    for (const listener of [...this.listeners]) listener(event);
  }

  /** Forgets every event up to `revision`, as an etcd compaction does. */
  compact(revision: number): void {
    this.events = this.events.filter((e) => e.revision > revision);
    this.compactedAt = Math.max(this.compactedAt, revision);
  }

  /** The oldest revision a watch can start from. */
  get oldestWatchable(): number {
    return this.compactedAt;
  }

  /** The events after `revision`, or undefined when some of them were compacted away. */
  since(revision: number): ChangeEvent[] | undefined {
    if (revision < this.compactedAt) return undefined;
    return this.events.filter((e) => e.revision > revision);
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
