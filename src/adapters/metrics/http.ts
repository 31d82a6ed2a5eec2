/**
 * The one way the metric providers talk HTTP: a GET with a per-request timeout, the answer parsed
 * as JSON, and a couple of retries for what a second try can fix (no answer, a 5xx, a 429, a
 * garbled body). A request the server refused on its merits (400 bad query, 404 wrong path) is not
 * retried: it would be refused again, and the retries would only delay the next evaluation.
 */
import type { Clock } from '../../clock.ts';

export type FetchLike = typeof globalThis.fetch;

/** Why a metric could not be read, in words for a log line; `retryable` says whether to try again. */
export class MetricReadError extends Error {
  override readonly name = 'MetricReadError';

  constructor(
    message: string,
    readonly retryable: boolean,
    /** Nothing answered at all (connection refused, DNS, timeout): the backtest says "cannot reach". */
    readonly unreachable = false,
  ) {
    super(message);
  }
}

export interface HttpOptions {
  clock: Clock;
  fetch?: FetchLike;
  /** Per request, wall time: a socket does not get faster on a compressed test clock. */
  timeoutMs: number;
  /** Further attempts after the first one fails with a retryable error. */
  retries: number;
  /** Wait before the first retry, doubled for each further one (on the injected clock). */
  backoffMs: number;
}

export interface JsonAnswer {
  status: number;
  /** The parsed body; undefined when the body was not JSON (then `text` says what it was). */
  json: unknown;
  text: string;
}

/** `connect ECONNREFUSED 127.0.0.1:9` from undici's `fetch failed` and its cause. */
function networkReason(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e?.cause;
  if (cause?.message) return cause.message;
  if (cause?.code) return cause.code;
  return e?.message ?? String(err);
}

/** One GET, no retries. Throws MetricReadError for no answer; any HTTP status is returned. */
export async function getJson(url: string, options: Pick<HttpOptions, 'fetch' | 'timeoutMs'>): Promise<JsonAnswer> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const origin = safeOrigin(url);
  let response: Response;
  let text: string;
  try {
    response = await doFetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    text = await response.text();
  } catch (err) {
    const name = (err as { name?: string })?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new MetricReadError(`no answer from ${origin} within ${options.timeoutMs}ms`, true, true);
    }
    throw new MetricReadError(`cannot reach ${origin}: ${networkReason(err)}`, true, true);
  }
  let json: unknown;
  try {
    json = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

/** Throttled or failing on the server side: worth another try. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** `<html>…` bodies cut to something a log line can hold. */
export function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length === 0) return 'an empty body';
  return flat.length > max ? `"${flat.slice(0, max)}…"` : `"${flat}"`;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or has failed
 * `1 + retries` times; the last error is thrown with the number of attempts appended.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  options: Pick<HttpOptions, 'clock' | 'retries' | 'backoffMs'>,
): Promise<T> {
  let delay = options.backoffMs;
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      const e =
        err instanceof MetricReadError ? err : new MetricReadError(String((err as Error)?.message ?? err), false);
      if (!e.retryable || tries > options.retries) {
        throw tries > 1 ? new MetricReadError(`${e.message} (${tries} attempts)`, e.retryable, e.unreachable) : e;
      }
      await options.clock.sleep(delay);
      delay *= 2;
    }
  }
}

function safeOrigin(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return url;
  }
}
