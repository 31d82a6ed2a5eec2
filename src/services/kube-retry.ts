/**
 * Kubernetes calls that fail for reasons worth waiting out — a 5xx, a 429, a timeout or a dropped
 * connection — are tried again with a growing pause; anything else (403, 404, 422, a refused
 * split) is an answer and is passed on at once. Time goes through the injected clock.
 */
import type { Clock } from '../clock.ts';
import { kubeCallText, type KubeCall } from '../domain/step-facts.ts';
import {
  kubeCallFailureLine,
  kubeProblemLine,
  type KubeCallFailure,
  type KubeProblem,
} from '../domain/kube-problem.ts';
import type { KubeProblemCarrier } from './ports.ts';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  /** How long one call may take before it counts as a timeout. */
  timeoutMs: number;
}

// Longer than the client's own 10 s request timeout, so that one (a retryable KubeError) speaks first.
export const KUBE_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 1_000, timeoutMs: 15_000 };

export class KubeTimeoutError extends Error {
  override readonly name = 'KubeTimeoutError';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(kubeProblemLine({ kind: 'no_answer', withinMs: timeoutMs }, what));
  }
}

/**
 * A Kubernetes call that failed for good, with the call, the attempts and the failure as data; its
 * message is the English line logs and the rollback's `error` always had.
 */
export class KubeCallError extends Error implements KubeCallFailure {
  override readonly name = 'KubeCallError';
  constructor(
    readonly call: KubeCall,
    readonly attempts: number | null,
    readonly problem: KubeProblem,
    options?: ErrorOptions,
  ) {
    super(kubeCallFailureLine(kubeCallText(call), { attempts, problem }), options);
  }
}

function carriesProblem(err: unknown): err is KubeProblemCarrier {
  if (typeof err !== 'object' || err === null || !('kubeProblem' in err)) return false;
  const p: unknown = err.kubeProblem;
  return typeof p === 'object' && p !== null && 'kind' in p && typeof p.kind === 'string';
}

/** A thrown value as a problem: the adapter's own, the helper's timeout, or the message of anything else. */
function kubeProblemOf(err: unknown): KubeProblem {
  if (err instanceof KubeTimeoutError) return { kind: 'no_answer', withinMs: err.timeoutMs };
  if (carriesProblem(err)) return err.kubeProblem;
  const e = (err ?? {}) as { status?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  return { kind: 'other', message, status: typeof e.status === 'number' ? e.status : null };
}

/**
 * Adapters say themselves whether a failure is worth another try (`retryable`, as the Kubernetes
 * adapter's KubeError does: no answer, 429, 5xx). Without that word, an HTTP status decides; an
 * error with neither is a refusal (a split the router cannot express, an unknown context).
 */
function retryable(err: unknown): boolean {
  if (err instanceof KubeTimeoutError) return true;
  const e = err as { retryable?: unknown; status?: unknown };
  if (typeof e.retryable === 'boolean') return e.retryable;
  if (typeof e.status === 'number') return e.status === 0 || e.status >= 500 || e.status === 429;
  return false;
}

async function withTimeout<T>(what: string, fn: () => Promise<T>, clock: Clock, timeoutMs: number): Promise<T> {
  const cancel = new AbortController();
  const timer = clock.sleep(timeoutMs, cancel.signal).then(
    () => {
      throw new KubeTimeoutError(what, timeoutMs);
    },
    () => undefined as never,
  );
  try {
    return await Promise.race([fn(), timer]);
  } finally {
    cancel.abort();
  }
}

/** Runs `fn`; retries what is worth retrying; the last error is thrown as a KubeCallError about `call`. */
export async function withKubeRetry<T>(
  call: KubeCall,
  fn: () => Promise<T>,
  clock: Clock,
  policy: RetryPolicy = KUBE_RETRY,
): Promise<T> {
  return retrying(kubeCallText(call), fn, clock, policy).catch((err: unknown) => {
    throw failedFor(call, err, policy);
  });
}

function failedFor(call: KubeCall, last: unknown, policy: RetryPolicy): KubeCallError {
  return new KubeCallError(call, retryable(last) ? policy.attempts : null, kubeProblemOf(last), { cause: last });
}

/** The retry loop; throws the last error as it was. */
async function retrying<T>(what: string, fn: () => Promise<T>, clock: Clock, policy: RetryPolicy): Promise<T> {
  let last: unknown;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    try {
      return await withTimeout(what, fn, clock, policy.timeoutMs);
    } catch (err) {
      last = err;
      if (!retryable(err) || attempt === policy.attempts) break;
      await clock.sleep(policy.baseDelayMs * 2 ** (attempt - 1));
    }
  }
  throw last;
}

/** What a guarded write did: sent and answered, or found already in place before a retry. */
export interface WriteOutcome<T> {
  /** The write's answer; null when it was not sent again because it had already landed. */
  result: T | null;
  /** An attempt got no answer, yet its change was found in place: the API server is slow. */
  landedUnanswered: boolean;
  /** The failures absorbed on the way, for the people watching (`HTTP 500: etcdserver: leader changed`). */
  absorbed: KubeProblem[];
}

/**
 * A write retried like withKubeRetry, but never blindly: before each retry, `landed()` reads the
 * object, and a change that is already there (the request was applied, only its answer was lost)
 * is not sent a second time.
 */
export async function withKubeWrite<T>(
  call: KubeCall,
  write: () => Promise<T>,
  landed: () => Promise<boolean>,
  clock: Clock,
  policy: RetryPolicy = KUBE_RETRY,
): Promise<WriteOutcome<T>> {
  const what = kubeCallText(call);
  let last: unknown;
  const absorbed: KubeProblem[] = [];
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (attempt > 1) {
      await clock.sleep(policy.baseDelayMs * 2 ** (attempt - 2));
      const there = await retrying(`${what}: read before retrying`, landed, clock, policy).catch(() => false);
      if (there) return { result: null, landedUnanswered: true, absorbed };
    }
    try {
      return { result: await withTimeout(what, write, clock, policy.timeoutMs), landedUnanswered: false, absorbed };
    } catch (err) {
      last = err;
      if (!retryable(err)) break;
      absorbed.push(kubeProblemOf(err));
    }
  }
  throw failedFor(call, last, policy);
}
