/**
 * The runbook's フォールバックチェーン as a library: try each prompt version in order, each within
 * its own timeout (v2.0.0 3000 ms → v1.5.0 5000 ms → v1.0.0 10000 ms by default), abort the one
 * that ran out of time so it stops spending tokens, record every fallback, and end with the
 * configured final message as a typed error.
 */
import { Registry } from 'prom-client';
import { DEFAULT_FINAL_MESSAGE, FallbackExhaustedError, callerAbortError } from './errors.ts';
import { fallbackCounter, recordFallback, type FallbackCounter } from './metrics.ts';
import type {
  ExecuteOptions,
  FallbackChain,
  FallbackChainConfig,
  FallbackEvent,
  FallbackResult,
  FallbackVersion,
} from './types.ts';

/** Monotonic, so a wall-clock step (NTP) cannot make an elapsed time negative. */
const monotonicClock = { now: () => performance.now() };

type AttemptOutcome<O> =
  | { kind: 'answered'; output: O }
  | { kind: 'failed'; event: FallbackEvent; error: unknown }
  | { kind: 'caller_aborted' };

export function createFallbackChain<I, O>(config: FallbackChainConfig<I, O>): FallbackChain<I, O> {
  const versions = validateVersions(config.versions);
  const finalMessage = config.finalMessage ?? DEFAULT_FINAL_MESSAGE;
  if (finalMessage.trim() === '')
    throw new TypeError(
      'fallback chain: finalMessage must not be empty; it is what the user sees when every version failed',
    );
  const clock = config.clock ?? monotonicClock;
  const registry = config.registry ?? new Registry();
  const counter = fallbackCounter(registry);

  const attempt = (
    step: FallbackVersion,
    input: I,
    callerSignal: AbortSignal | undefined,
  ): Promise<AttemptOutcome<O>> =>
    new Promise((resolve) => {
      const controller = new AbortController();
      const startedAt = clock.now();
      let settled = false;
      // The first of answer, error, timeout and caller abort wins; whatever comes later (the
      // aborted loser's late answer or its AbortError) is ignored.
      const settle = (outcome: AttemptOutcome<O>): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        callerSignal?.removeEventListener('abort', onCallerAbort);
        resolve(outcome);
        return true;
      };
      const fail = (reason: 'timeout' | 'error', error: unknown) => {
        const event: FallbackEvent = { version: step.version, reason, elapsedMs: Math.max(0, clock.now() - startedAt) };
        if (reason === 'error') event.error = describe(error);
        return settle({ kind: 'failed', event, error });
      };
      const onCallerAbort = () => {
        if (settle({ kind: 'caller_aborted' })) controller.abort(callerSignal?.reason);
      };
      const timer = setTimeout(() => {
        const timeout = new DOMException(
          `prompt version ${step.version} did not answer within ${step.timeoutMs} ms`,
          'TimeoutError',
        );
        if (fail('timeout', timeout)) controller.abort(timeout);
      }, step.timeoutMs);
      callerSignal?.addEventListener('abort', onCallerAbort, { once: true });

      let pending: Promise<O>;
      try {
        pending = Promise.resolve(config.call(step.version, input, controller.signal));
      } catch (err) {
        pending = Promise.reject(err);
      }
      pending.then(
        (output) => settle({ kind: 'answered', output }),
        (err: unknown) => fail('error', err),
      );
    });

  return {
    versions,
    registry,
    async execute(input: I, options: ExecuteOptions = {}): Promise<FallbackResult<O>> {
      const { signal } = options;
      if (signal?.aborted) throw callerAbortError(signal.reason);
      const attempts: FallbackEvent[] = [];
      let lastError: unknown;
      for (const step of versions) {
        // Checked before each version too: the signal may have aborted while the last one failed,
        // and an already-aborted signal never fires 'abort' again.
        if (signal?.aborted) throw callerAbortError(signal.reason);
        const outcome = await attempt(step, input, signal);
        if (outcome.kind === 'answered') return { output: outcome.output, version: step.version, attempts };
        if (outcome.kind === 'caller_aborted') throw callerAbortError(signal?.reason);
        attempts.push(outcome.event);
        lastError = outcome.error;
        record(counter, outcome.event, config.onFallback);
      }
      throw new FallbackExhaustedError(finalMessage, attempts, { cause: lastError });
    },
  };
}

function record(
  counter: FallbackCounter,
  event: FallbackEvent,
  onFallback: ((event: FallbackEvent) => void) | undefined,
): void {
  recordFallback(counter, event.version, event.reason);
  if (!onFallback) return;
  try {
    onFallback({ ...event });
  } catch {
    // A broken listener (a logger that throws) must not take the user's answer away: the next
    // version is still tried, and the counter above has already recorded the event.
  }
}

function validateVersions(versions: ReadonlyArray<FallbackVersion>): ReadonlyArray<FallbackVersion> {
  if (versions.length === 0) throw new TypeError('fallback chain: expected at least one version, newest first');
  const seen = new Set<string>();
  return Object.freeze(
    versions.map((v, i) => {
      if (typeof v.version !== 'string' || v.version.trim() === '')
        throw new TypeError(`fallback chain: versions[${i}].version must be a non-empty string`);
      if (seen.has(v.version))
        throw new TypeError(`fallback chain: version ${v.version} is listed twice; each version is tried once`);
      seen.add(v.version);
      if (!Number.isFinite(v.timeoutMs) || v.timeoutMs <= 0) {
        throw new TypeError(
          `fallback chain: versions[${i}] (${v.version}) needs a positive timeoutMs in milliseconds; got ` +
            `${String(v.timeoutMs)}`,
        );
      }
      return Object.freeze({ version: v.version, timeoutMs: v.timeoutMs });
    }),
  );
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}
