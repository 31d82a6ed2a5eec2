/**
 * Optimistic concurrency for routing objects someone else may edit at the same time (custom
 * resources, the canary Ingress): read, compute the change from what was read, send it guarded by
 * the resourceVersion read; a 409 means the object moved underneath, so read again and recompute.
 * Never a blind overwrite: the write either lands on exactly the state it was computed from or
 * is refused.
 */
import type { KubeChange } from '../../../services/ports.ts';
import { kubeProblemLine } from '../../../domain/kube-problem.ts';
import { KubeError, toKubeError } from '../errors.ts';

/** Retries after a 409 before giving up (so at most 1 + 3 writes). */
export const CONFLICT_RETRIES = 3;

export interface OptimisticWrite<T> {
  target: string;
  read(): Promise<T>;
  /** The change to send, computed from the state just read (may throw a RouterError). */
  plan(current: T): KubeChange;
  send(change: KubeChange): Promise<void>;
  dryRun: boolean;
}

/** Returns the change that was applied (or, in dry run, the one that would be sent). */
export async function writeOptimistically<T>(w: OptimisticWrite<T>): Promise<KubeChange[]> {
  for (let attempt = 0; ; attempt++) {
    const change = w.plan(await w.read());
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
    }
  }
}
