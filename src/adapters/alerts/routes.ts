/**
 * The alert webhooks of SPEC section 1: `POST /alerts/alertmanager`, `/alerts/grafana` and
 * `/alerts/generic`. Each request passes the same gates in order — webhooks enabled, bearer token,
 * JSON content type, body size, JSON syntax, payload shape — and only a request that passes them
 * all reaches the sink, so a refused request changes nothing. Plain (req, res) handlers, like the
 * health routes, so our own server and Bolt's HTTP receiver can both serve them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../services/clock.ts';
import type { AlertSink, IncomingAlert } from '../../services/ports.ts';
import { sendJson, type Route } from '../http/routes.ts';
import { normaliseAlertmanager } from './alertmanager.ts';
import { normaliseGeneric } from './generic.ts';
import { normaliseGrafana } from './grafana.ts';
import type { Normaliser } from './normalise.ts';

export const DEFAULT_MAX_ALERT_BODY_BYTES = 1024 * 1024;

export const ALERT_WEBHOOKS: ReadonlyArray<{ source: IncomingAlert['source']; path: string; normalise: Normaliser }> = [
  { source: 'alertmanager', path: '/alerts/alertmanager', normalise: normaliseAlertmanager },
  { source: 'grafana', path: '/alerts/grafana', normalise: normaliseGrafana },
  { source: 'generic', path: '/alerts/generic', normalise: normaliseGeneric },
];

export const WEBHOOKS_DISABLED_ERROR = 'alert webhooks are disabled: set ALERT_WEBHOOK_TOKEN';

export interface AlertRoutesOptions {
  /** ALERT_WEBHOOK_TOKEN; unset or empty turns every alert route into a 503. */
  token: string | undefined;
  sink: AlertSink;
  clock: Clock;
  log: Logger;
  maxBodyBytes?: number;
}

export function alertRoutes(o: AlertRoutesOptions): Route[] {
  const maxBodyBytes = o.maxBodyBytes ?? DEFAULT_MAX_ALERT_BODY_BYTES;
  // Compared as digests so the comparison takes the same time whatever the length of the guess.
  const tokenDigest = o.token ? digest(o.token) : null;
  return ALERT_WEBHOOKS.map(({ source, path, normalise }) => ({
    method: 'POST' as const,
    path,
    // Bolt's receiver does not catch a rejected custom route, so nothing may escape the handler.
    handler: async (req: IncomingMessage, res: ServerResponse) => {
      try {
        await handle(req, res, source, path, normalise);
      } catch (err) {
        o.log.error({ route: path, err }, 'alert webhook request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error while receiving the alerts' });
        else res.end();
      }
    },
  }));

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    source: IncomingAlert['source'],
    path: string,
    normalise: Normaliser,
  ): Promise<void> {
    const refuse = (status: number, error: string, headers: Record<string, string> = {}) => {
      // The reason is logged, never the Authorization header or the token.
      o.log.warn({ route: path, status, reason: error, remote: req.socket.remoteAddress }, 'alert webhook request refused');
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      sendJson(res, status, { error });
    };

    if (!tokenDigest) return refuse(503, WEBHOOKS_DISABLED_ERROR);
    const auth = checkBearer(req.headers.authorization, tokenDigest);
    if (auth === 'missing') {
      return refuse(401, 'missing bearer token: send "Authorization: Bearer <ALERT_WEBHOOK_TOKEN>"', {
        'www-authenticate': 'Bearer realm="rewind"',
      });
    }
    if (auth === 'wrong') {
      return refuse(401, 'wrong bearer token', { 'www-authenticate': 'Bearer realm="rewind", error="invalid_token"' });
    }

    const contentType = req.headers['content-type'];
    if (!isJsonMediaType(contentType)) {
      return refuse(415, `content-type must be application/json, got ${contentType ? JSON.stringify(contentType) : 'none'}`);
    }
    const encoding = req.headers['content-encoding'];
    if (encoding && encoding.toLowerCase() !== 'identity') {
      return refuse(415, `content-encoding ${JSON.stringify(encoding)} is not supported: send the JSON uncompressed`);
    }

    const tooLarge = `body is larger than the limit of ${maxBodyBytes} bytes`;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      // Refused on the header alone: not one byte of the body is read.
      return refuse(413, tooLarge, { connection: 'close' });
    }
    const read = await readBody(req, maxBodyBytes);
    if (read.kind === 'too-large') return refuse(413, tooLarge, { connection: 'close' });
    if (read.kind === 'aborted') {
      o.log.warn({ route: path, remote: req.socket.remoteAddress }, 'alert webhook request aborted by the client before its body ended');
      return;
    }

    let body: unknown;
    try {
      body = JSON.parse(read.body.toString('utf8'));
    } catch (err) {
      return refuse(400, `body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    const receivedAt = o.clock.now();
    const normalised = normalise(body, receivedAt);
    if (!normalised.ok) return refuse(400, `invalid ${source} payload: ${normalised.error}`);

    let answer: Awaited<ReturnType<AlertSink['receive']>>;
    try {
      answer = await o.sink.receive(normalised.alerts);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      o.log.error({ route: path, alerts: normalised.alerts.length, err }, 'alerts could not be stored');
      // 5xx: Alertmanager and Grafana retry it, which is what a storage hiccup calls for.
      return sendJson(res, 500, { error: `the alerts could not be stored: ${message}` });
    }
    o.log.info(
      { route: path, alerts: normalised.alerts.length, accepted: answer.accepted, unknownServices: answer.unknownServices },
      'alerts received',
    );
    sendJson(res, 202, { accepted: answer.accepted, unknownServices: answer.unknownServices });
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** RFC 6750 section 2.1: `Bearer <token>`, the scheme name case-insensitive. */
function checkBearer(header: string | undefined, tokenDigest: Buffer): 'ok' | 'missing' | 'wrong' {
  const match = header === undefined ? null : /^Bearer +(.+?) *$/i.exec(header);
  if (!match?.[1]) return 'missing';
  return timingSafeEqual(digest(match[1]), tokenDigest) ? 'ok' : 'wrong';
}

/** `application/json` or a `+json` type (`application/vnd.x+json`), parameters such as charset allowed. */
function isJsonMediaType(header: string | undefined): boolean {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || (type !== undefined && /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type));
}

type BodyRead = { kind: 'complete'; body: Buffer } | { kind: 'too-large' } | { kind: 'aborted' };

/**
 * Reads the body up to `limit` bytes. Past the limit it stops reading (the stream is paused and
 * the chunks so far dropped) instead of buffering a body it will refuse; the 413 goes out with
 * `Connection: close`, so the socket and whatever the client still sends go away with it.
 */
function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyRead) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onAbort);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        chunks.length = 0;
        finish({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish({ kind: 'complete', body: Buffer.concat(chunks, size) });
    // 'close' before 'end' is a client that went away mid-body; after 'end' the listener is gone.
    const onAbort = () => finish({ kind: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onAbort);
  });
}
