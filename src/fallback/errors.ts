/**
 * The errors a prompt service sees from the fallback chain. Both are typed so callers can tell
 * "every version failed, show the final message" apart from "our own caller went away".
 */
import type { FallbackEvent } from './types.ts';

/** The runbook's final_fallback message: what the user sees when every version failed. */
export const DEFAULT_FINAL_MESSAGE = 'サービスが一時的に利用できません';

/**
 * Every version of the chain failed or timed out. `message` is the configured final message so a
 * service can show `err.message` to its user as is; `attempts` says what happened to each version.
 */
export class FallbackExhaustedError extends Error {
  override readonly name = 'FallbackExhaustedError';
  readonly attempts: readonly FallbackEvent[];

  constructor(finalMessage: string, attempts: readonly FallbackEvent[], options?: { cause?: unknown }) {
    super(finalMessage, options);
    this.attempts = attempts;
  }
}

/** Type guard that also works across module copies, where `instanceof` would not. */
export function isFallbackExhaustedError(err: unknown): err is FallbackExhaustedError {
  return (
    err instanceof FallbackExhaustedError ||
    (err instanceof Error &&
      err.name === 'FallbackExhaustedError' &&
      Array.isArray((err as { attempts?: unknown }).attempts))
  );
}

/**
 * The error thrown when the caller's own signal aborts the chain. It is a DOMException named
 * AbortError, like the one `fetch` throws, so existing `err.name === 'AbortError'` checks work;
 * the caller's abort reason is kept as `cause`.
 */
export function callerAbortError(reason: unknown): DOMException {
  if (reason instanceof DOMException && reason.name === 'AbortError') return reason;
  const detail = reason instanceof Error ? `: ${reason.message}` : reason === undefined ? '' : `: ${String(reason)}`;
  return new DOMException(`the prompt call was aborted by its caller${detail}`, { name: 'AbortError', cause: reason });
}
