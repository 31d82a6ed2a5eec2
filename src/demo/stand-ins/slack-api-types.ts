/**
 * What the Slack Web API stand-in (slack-api.ts) records and how tests script it: the calls and
 * response_url posts that reached it, the handlers that answer them, the faults and refusals.
 * Tests import these through slack-api.ts.
 */
import type { SlackVerdict } from './slack-limits-check.ts';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  /**
   * Which client made the call and when it arrived (wall clock), for calls made through
   * `urlFor(client)`: several bot processes share one stand-in and one token.
   */
  via?: { client: string; at: number };
}

/** A POST to a `response_url` handed out by `responseUrl()` (what Bolt's `respond()` sends). */
export interface SlackResponsePost {
  /** The last path segment of the URL, e.g. `cmd-1`. */
  id: string;
  url: string;
  body: Record<string, unknown>;
}

export type SlackHandler = (
  args: Record<string, unknown>,
  call: SlackCall,
) => { status?: number; headers?: Record<string, string>; body: Record<string, unknown> };

/**
 * A scripted failure of the next calls to one method (`failNext`). A faulted call did not reach
 * Slack: it lands in `faulted`, not in `calls` — except `hang: 'applied'`, which Slack carried out
 * (it is in `calls`) but never answered.
 */
export interface SlackFault {
  /** Answers this HTTP status with `{ ok: false, error }` (e.g. 500, 503). */
  status?: number;
  /** The Slack error code of the answer (default `internal_error`; `ratelimited` with retryAfter). */
  error?: string;
  /** Answers 429 with this `Retry-After` (seconds) and `error: 'ratelimited'`. */
  retryAfter?: number;
  /**
   * Holds the request open and never answers. `true`: Slack never carried it out. `'applied'`:
   * Slack carried it out (the call is recorded as applied) but the answer never comes.
   */
  hang?: boolean | 'applied';
  /** How many of the next calls fail this way (default 1; Infinity until `clearFaults`). */
  times?: number;
}

/** A call that was answered with a fault instead of being carried out. */
export interface FaultedCall extends SlackCall {
  fault: 'status' | 'error' | 'ratelimited' | 'hang' | 'hang-applied';
}

/**
 * A message or view Slack would refuse, answered as Slack answers it and not carried out. A post to
 * a response_url has `method: 'response_url'` and its `url`.
 */
export interface SlackRefusal extends SlackCall, SlackVerdict {
  url?: string;
}
