/**
 * Slack Web API answers that were errors, counted by method and error code for /metrics. They are
 * counted in the `fetch` the app's clients are given: Rewind's own client, the ones Bolt builds per
 * team from the same options for listeners, and Socket Mode's connection client all send through
 * it, so no call escapes, whoever makes it. Each attempt counts (a call retried after a 429 counts
 * every 429), which is what shows Slack pushing back.
 *
 * The codes are those slackErrorCode gives a failed call: Slack's own `error` of an `ok: false`
 * answer, `ratelimited` for a 429, `http_<status>` for another status, `request_failed` when no
 * answer came, and `timeout` when the client gave up waiting.
 */
import type { FetchFunction } from '@slack/web-api';

export interface SlackApiErrorCount {
  method: string;
  error: string;
  count: number;
}

/** Method names and codes as Slack spells them; anything else (a proxy's page, a made-up path) is `other`. */
const METHOD = /^[a-z]+(\.[a-zA-Z]+)+$/;
const CODE = /^[a-z0-9_]{1,64}$/;

export class SlackApiErrors {
  private readonly counts = new Map<string, SlackApiErrorCount>();

  record(method: string, error: string): void {
    const m = METHOD.test(method) ? method : 'other';
    const e = CODE.test(error) ? error : 'other';
    const key = `${m} ${e}`;
    const entry = this.counts.get(key) ?? { method: m, error: e, count: 0 };
    entry.count += 1;
    this.counts.set(key, entry);
  }

  /** Every method and code seen so far, with its count. */
  entries(): SlackApiErrorCount[] {
    return [...this.counts.values()].map((e) => ({ ...e }));
  }
}

/** The Web API method of a request URL: its last path segment (`…/api/chat.postMessage`). */
function methodOf(url: string | URL): string {
  const path = new URL(String(url)).pathname;
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `base` (the global fetch by default), counting every error answer into `errors`. */
export function countingFetch(errors: SlackApiErrors, base: FetchFunction = globalThis.fetch): FetchFunction {
  return async (url, init) => {
    const method = methodOf(url);
    let res: Awaited<ReturnType<FetchFunction>>;
    try {
      res = await base(url, init);
    } catch (err) {
      const name = (err as Error | undefined)?.name;
      errors.record(method, name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'request_failed');
      throw err;
    }
    if (res.status === 429) errors.record(method, 'ratelimited');
    else if (res.status !== 200) errors.record(method, `http_${res.status}`);
    else if (res instanceof Response && res.headers.get('content-type')?.includes('application/json')) {
      // A copy is read, so the client still reads the answer itself.
      const body = (await res
        .clone()
        .json()
        .catch(() => null)) as { ok?: unknown; error?: unknown } | null;
      if (body?.ok === false) errors.record(method, typeof body.error === 'string' ? body.error : 'other');
    }
    return res;
  };
}
