/**
 * Optimistic concurrency for routing objects someone else may edit at the same time (custom
 * resources, the canary Ingress): read, compute the change from what was read, send it guarded by
 * the resourceVersion read; a 409 means the object moved underneath, so read again. Never a blind
 * overwrite: the write either lands on exactly the state it was computed from or is refused.
 *
 * What moved decides what follows. A change of fields Rewind does not write (a drill's fault, an
 * annotation, status) is kept: the change is recomputed on top of it and sent again. A change of
 * the routing fields Rewind is about to write, by another field manager (`kubectl edit`, a GitOps
 * controller), is somebody deciding the routing: it is not overwritten, and a RoutingMovedError
 * names who, so the rollback can stop and say so instead of fighting them.
 */
import type { KubeChange } from '../../../services/ports.ts';
import { kubeProblemLine } from '../../../domain/kube-problem.ts';
import { KubeError, toKubeError } from '../errors.ts';
import { lastRoutingWriter, type ManagedFields } from './managed-fields.ts';
import { FIELD_MANAGER } from './types.ts';

/** Retries after a 409 before giving up (so at most 1 + 3 writes). */
export const CONFLICT_RETRIES = 3;

/** The routing fields as read (any JSON value, compared as a whole) and who wrote which fields of the object. */
export interface RoutingFields {
  fields: unknown;
  managedFields: readonly ManagedFields[];
  /** The paths of the routing fields, as managedFields names them (`['spec', 'http']`). */
  paths: string[][];
}

export interface OptimisticWrite<T> {
  target: string;
  read(): Promise<T>;
  /** The change to send, computed from the state just read (may throw a RouterError). */
  plan(current: T): KubeChange;
  send(change: KubeChange): Promise<void>;
  dryRun: boolean;
  /** The routing fields of a state read; without it, every 409 is answered by recomputing. */
  routing?(current: T): RoutingFields;
}

/**
 * A 409 whose re-read shows another field manager changed the routing fields this write sets:
 * nothing was written. `routingMovedBy` is that manager (null when managedFields names none).
 */
export class RoutingMovedError extends KubeError {
  constructor(
    target: string,
    readonly routingMovedBy: string | null,
    conflict: KubeError,
  ) {
    super(
      409,
      'Conflict',
      `${target}: the routing was changed by ${routingMovedBy ?? 'another writer'} between Rewind's read and its ` +
        `write; it was not overwritten`,
      target,
      conflict.kubeProblem,
    );
  }
}

/** Returns the change that was applied (or, in dry run, the one that would be sent). */
export async function writeOptimistically<T>(w: OptimisticWrite<T>): Promise<KubeChange[]> {
  // The routing fields the last change was computed from, and the 409 that refused it.
  let planned: string | null = null;
  let conflict: KubeError | null = null;
  for (let attempt = 0; ; attempt++) {
    const current = await w.read();
    const routing = w.routing?.(current);
    const fields = routing ? JSON.stringify(routing.fields) : null;
    if (conflict && routing && fields !== planned) {
      const writer = lastRoutingWriter(routing.managedFields, routing.paths);
      if (writer !== FIELD_MANAGER) throw new RoutingMovedError(w.target, writer, conflict);
    }
    planned = fields;
    const change = w.plan(current);
    if (w.dryRun) return [change];
    try {
      await w.send(change);
      return [attempt > 0 ? { ...change, conflicts: attempt } : change];
    } catch (err) {
      const e = toKubeError(err, w.target, change.method === 'PUT' ? 'PUT of' : 'PATCH of');
      if (e.status !== 409) throw e;
      if (attempt >= CONFLICT_RETRIES) {
        const problem = {
          kind: 'conflict_retries',
          target: w.target,
          writes: attempt + 1,
          last: e.kubeProblem,
        } as const;
        throw new KubeError(409, 'Conflict', kubeProblemLine(problem, ''), w.target, problem);
      }
      conflict = e;
    }
  }
}
