/**
 * Kubernetes calls that fail for reasons worth waiting out — a 5xx, a 429, a timeout or a dropped
 * connection — are tried again with a growing pause; anything else (403, 404, 422, a refused
 * split) is an answer and is passed on at once. Time goes through the injected clock.
 */
import type { Clock } from '../clock.ts';

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
    super(`${what}: no answer from the Kubernetes API within ${timeoutMs / 1000}s`);
  }
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

/** One absorbed failure in a few words: `no answer within 15s`, `HTTP 500: etcdserver: leader changed`. */
function failureText(err: unknown): string {
  if (err instanceof KubeTimeoutError) return `no answer within ${err.timeoutMs / 1000}s`;
  const e = err as { status?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  return typeof e.status === 'number' && e.status > 0 && !message.includes(String(e.status))
    ? `HTTP ${e.status}: ${message}`
    : message;
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

/** Runs `fn`; retries what is worth retrying; the last error is thrown with the attempts counted. */
export async function withKubeRetry<T>(
  what: string,
  fn: () => Promise<T>,
  clock: Clock,
  policy: RetryPolicy = KUBE_RETRY,
): Promise<T> {
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
  const message = last instanceof Error ? last.message : String(last);
  const attempts = retryable(last) ? ` (after ${policy.attempts} attempts)` : '';
  throw new Error(`${what} failed${attempts}: ${message}`, { cause: last });
}

/** What a guarded write did: sent and answered, or found already in place before a retry. */
export interface WriteOutcome<T> {
  /** The write's answer; null when it was not sent again because it had already landed. */
  result: T | null;
  /** An attempt got no answer, yet its change was found in place: the API server is slow. */
  landedUnanswered: boolean;
  /** The failures absorbed on the way, for the people watching (`HTTP 500: etcdserver: leader changed`). */
  absorbed: string[];
}

/**
 * A write retried like withKubeRetry, but never blindly: before each retry, `landed()` reads the
 * object, and a change that is already there (the request was applied, only its answer was lost)
 * is not sent a second time.
 */
export async function withKubeWrite<T>(
  what: string,
  write: () => Promise<T>,
  landed: () => Promise<boolean>,
  clock: Clock,
  policy: RetryPolicy = KUBE_RETRY,
): Promise<WriteOutcome<T>> {
  let last: unknown;
  const absorbed: string[] = [];
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (attempt > 1) {
      await clock.sleep(policy.baseDelayMs * 2 ** (attempt - 2));
      const there = await withKubeRetry(`${what}: read before retrying`, landed, clock, policy).catch(() => false);
      if (there) return { result: null, landedUnanswered: true, absorbed };
    }
    try {
      return { result: await withTimeout(what, write, clock, policy.timeoutMs), landedUnanswered: false, absorbed };
    } catch (err) {
      last = err;
      if (!retryable(err)) break;
      absorbed.push(failureText(err));
    }
  }
  const message = last instanceof Error ? last.message : String(last);
  const attempts = retryable(last) ? ` (after ${policy.attempts} attempts)` : '';
  throw new Error(`${what} failed${attempts}: ${message}`, { cause: last });
}
