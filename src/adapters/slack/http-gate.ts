/**
 * HTTP mode: what a request to the Slack endpoint must show before its body is read, and how much
 * body it may bring. Bolt's receiver reads a body of up to 4 MB whole before it looks at the
 * signature or the timestamp, so anyone who can reach the endpoint made the bot buffer and hash
 * megabytes: 200 such bodies at once pushed signed slash commands past Slack's 3 s. The gate wraps
 * the receiver's request listener and, for POSTs to the Slack endpoint, refuses
 *
 * - without a well-formed `X-Slack-Signature` (`v0=` and 64 hex digits, the only kind Bolt checks)
 *   and `X-Slack-Request-Timestamp`: 401, before a byte of the body is read;
 * - a timestamp more than five minutes from now, either way: 401, before the body is read. Bolt
 *   refuses one five minutes old but takes one from any time ahead, which would stay replayable
 *   for as long as its timestamp lies in the future;
 * - a body past `maxBodyBytes`: 413, on its Content-Length before reading, or once reading passes it;
 * - a body that has not arrived within `bodyTimeoutMs`: 408.
 *
 * Each of these answers closes the connection, so the rest of the body is never read. Only the
 * signature itself needs the body: the request then goes on to Bolt with the body already read
 * (Bolt takes a body read before it as `rawBody`), and Bolt's own verification decides. One signed
 * body Bolt cannot survive is answered here (a JSON `null`, see below).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { isValidSlackRequest, type HTTPReceiver } from '@slack/bolt';
import type { Logger } from '../../logger.ts';
import { readBody } from '../http/body.ts';

const COMPONENT = 'slack-payloads';

/** How far a signed request's timestamp may be from now, either way (Slack's own rule is five minutes). */
export const REQUEST_WINDOW_SECONDS = 5 * 60;
/**
 * The largest Slack request read. The longest delivery Rewind acts on is a slash command whose text
 * is a whole message, 40,000 UTF-16 units (payloads.ts): in Japanese that is 360 KB form-encoded
 * (`%E6%BC%A2` for each character). Rewind's own messages and dialogs come back in clicks and
 * submissions at a third of that at most.
 */
export const DEFAULT_SLACK_MAX_BODY_BYTES = 512 * 1024;
/** Slack sends a request at once and gives up on it after 3 s; a body still arriving after 10 s is not Slack's. */
export const DEFAULT_SLACK_BODY_TIMEOUT_MS = 10_000;
/**
 * Slack's `ssl_check=1` (sent when a slash command's URL is set) is the one request Bolt takes
 * without a signature; it is a few dozen bytes, so an unsigned form body this small is still read.
 */
const SSL_CHECK_MAX_BYTES = 1024;

export interface HttpGateOptions {
  signingSecret: string;
  endpoint: string;
  maxBodyBytes?: number;
  bodyTimeoutMs?: number;
  /** Wall-clock time for request timestamps (Slack's, like Bolt's check, not Rewind's clock). */
  now?: () => number;
  /** Remembers a delivery shape Rewind does not know (payload-guard.ts's ShapeLog). */
  shapes: { report(shape: string): unknown };
  log: Pick<Logger, 'warn'>;
}

export function guardHttpRequests(receiver: HTTPReceiver, o: HttpGateOptions): void {
  const maxBodyBytes = o.maxBodyBytes ?? DEFAULT_SLACK_MAX_BODY_BYTES;
  const bodyTimeoutMs = o.bodyTimeoutMs ?? DEFAULT_SLACK_BODY_TIMEOUT_MS;
  const now = o.now ?? Date.now;
  const listener = receiver.requestListener;
  const refuse = (res: ServerResponse, status: number, fields: Record<string, unknown>, message: string) => {
    // Said without the body or the signature: a line per request, as Bolt logs a bad signature.
    o.log.warn({ component: COMPONENT, status, ...fields }, message);
    // The rest of the body is not read: the connection closes with the answer, or a keep-alive
    // client would wait on it for the next request.
    res.writeHead(status, { connection: 'close', 'content-length': 0 }).end();
  };

  receiver.requestListener = (req, res) => {
    if (req.method !== 'POST' || pathOf(req) !== o.endpoint) return listener(req, res);
    const headers = signatureHeaders(req);
    let limit = maxBodyBytes;
    if (!headers) {
      if (!maybeSslCheck(req))
        return refuse(
          res,
          401,
          {},
          'Slack request without a well-formed signature and timestamp; refused with 401 unread',
        );
      limit = SSL_CHECK_MAX_BYTES;
    } else {
      const skewSeconds = headers.timestamp - Math.floor(now() / 1000);
      if (Math.abs(skewSeconds) > REQUEST_WINDOW_SECONDS) {
        return refuse(
          res,
          401,
          { skewSeconds },
          'Slack request timestamp more than 5 minutes from now; refused with 401 unread',
        );
      }
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit)
      return refuse(res, 413, { limit, declared }, 'Slack request body larger than the limit; refused unread');

    void readBody(req, { limit, timeoutMs: bodyTimeoutMs }).then((read) => {
      if (read.kind === 'too-large') return refuse(res, 413, { limit }, 'Slack request body larger than the limit');
      if (read.kind === 'timeout')
        return refuse(
          res,
          408,
          { received: read.received, timeoutMs: bodyTimeoutMs },
          'Slack request body too slow; cut off',
        );
      if (read.kind === 'aborted') return;
      const raw = read.body;
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
      if (isNullBody(req, raw) && signedBySlack(req, raw, o.signingSecret)) {
        o.shapes.report('not a JSON object');
        res.writeHead(200).end();
        return;
      }
      try {
        listener(req, res);
      } catch (err) {
        // Bolt's server would hand this to its dispatch error handler; it answers 500 too.
        o.log.warn(
          { component: COMPONENT, err: err instanceof Error ? err.message : String(err) },
          'Bolt could not take a Slack request',
        );
        if (!res.headersSent) res.writeHead(500).end();
      }
    });
  };
}

/** The signature headers when both are there in the only form Bolt can accept; null otherwise. */
function signatureHeaders(req: IncomingMessage): { timestamp: number } | null {
  const signature = req.headers['x-slack-signature'];
  const timestamp = req.headers['x-slack-request-timestamp'];
  if (typeof signature !== 'string' || !/^v0=[0-9a-f]{64}$/.test(signature)) return null;
  if (typeof timestamp !== 'string' || !/^\d{1,15}$/.test(timestamp)) return null;
  return { timestamp: Number(timestamp) };
}

/** A form body small enough to be `ssl_check=1&token=…`: read, and left to Bolt, which answers it or refuses. */
function maybeSslCheck(req: IncomingMessage): boolean {
  const declared = Number(req.headers['content-length']);
  return (
    req.headers['content-type'] === 'application/x-www-form-urlencoded' &&
    Number.isFinite(declared) &&
    declared <= SSL_CHECK_MAX_BYTES
  );
}

function pathOf(req: IncomingMessage): string | null {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return null;
  }
}

/**
 * Bolt's HTTP receiver reads `body.ssl_check` unchecked right after parsing, so a signed body whose
 * JSON is `null` (`payload=null`, or `null` as an Events API body) throws inside the receiver — an
 * unhandled rejection, and a request never answered, which Slack would redeliver. Such a body is
 * acknowledged here as a shape Rewind does not know.
 */
function isNullBody(req: IncomingMessage, raw: Buffer): boolean {
  try {
    const text = raw.toString();
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return JSON.parse(text) === null;
    const { payload } = parseQuery(text);
    return typeof payload === 'string' && JSON.parse(payload) === null;
  } catch {
    return false; // Bolt refuses what it cannot parse (400) once the signature holds.
  }
}

function signedBySlack(req: IncomingMessage, raw: Buffer, signingSecret: string): boolean {
  const signature = req.headers['x-slack-signature'];
  const timestamp = Number(req.headers['x-slack-request-timestamp']);
  if (typeof signature !== 'string') return false;
  return isValidSlackRequest({
    signingSecret,
    body: raw.toString(),
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
  });
}
