/**
 * The alert webhooks: `POST /alerts/alertmanager`, `/alerts/grafana` and
 * `/alerts/generic`. Each request passes the same gates in order — webhooks enabled, bearer token,
 * JSON content type, body size, JSON syntax, payload shape — and only a request that passes them
 * all reaches the sink, so a refused request changes nothing. Plain (req, res) handlers, like the
 * health routes, so our own server and Bolt's HTTP receiver can both serve them.
 *
 * The bot's one event loop also answers Slack, which gives up after 3 s, so a big body never holds
 * it for long: its alerts are read a slice per turn (ALERTS_PER_SLICE), the intake commits them
 * apart from other big deliveries, and the bytes of bodies in hand at once are bounded (budget.ts).
 * A body must arrive within a deadline (DEFAULT_ALERT_BODY_TIMEOUT_MS): a sender that trickles it
 * is answered 408 and cut off rather than holding its socket and its share of the budget.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../clock.ts';
import type { AlertAnswer, AlertSink, IncomingAlert } from '../../services/ports.ts';
import { readBody } from '../http/body.ts';
import { sendJson, type Route } from '../http/routes.ts';
import { openAlertmanager } from './alertmanager.ts';
import { ByteBudget, type BodyShare } from './budget.ts';
import { openGeneric } from './generic.ts';
import { openGrafana } from './grafana.ts';
import { normaliseInChunks, type AlertOpener } from './normalise.ts';

export const DEFAULT_MAX_ALERT_BODY_BYTES = 1024 * 1024;
/** Bytes of body in hand at once: four bodies at the limit together (see budget.ts for the one exception). */
export const DEFAULT_MAX_ALERT_BYTES_IN_FLIGHT = 4 * DEFAULT_MAX_ALERT_BODY_BYTES;
/**
 * How long a body may take to arrive once its headers have. Alertmanager and Grafana send theirs in
 * milliseconds; 1 MiB in 15 s is 70 KB/s, slower than any sender on a working network. Time a body
 * waits for the budget (the server's doing, not the sender's) is not counted.
 */
export const DEFAULT_ALERT_BODY_TIMEOUT_MS = 15_000;
/**
 * Alerts read per turn of the event loop, about a millisecond's work: a 1 MiB body of small alerts
 * holds thousands, and requests arriving meanwhile are served between slices.
 */
export const ALERTS_PER_SLICE = 256;
/**
 * Marks along an alert's way to Slack (`npm run bench` times the stages with them); nothing is
 * published while nobody listens.
 */
const alertPath = channel('rewind:alert-path');

export const ALERT_WEBHOOKS: ReadonlyArray<{ source: IncomingAlert['source']; path: string; open: AlertOpener }> = [
  { source: 'alertmanager', path: '/alerts/alertmanager', open: openAlertmanager },
  { source: 'grafana', path: '/alerts/grafana', open: openGrafana },
  { source: 'generic', path: '/alerts/generic', open: openGeneric },
];

export const WEBHOOKS_DISABLED_ERROR = 'alert webhooks are disabled: set ALERT_WEBHOOK_TOKEN';

export interface AlertRoutesOptions {
  /** ALERT_WEBHOOK_TOKEN; unset or empty turns every alert route into a 503. */
  token: string | undefined;
  sink: AlertSink;
  clock: Clock;
  log: Logger;
  maxBodyBytes?: number;
  /** The bytes of body received, parsed and waiting for their commit at once (see budget.ts). */
  maxBytesInFlight?: number;
  /** How long a body may take to arrive (DEFAULT_ALERT_BODY_TIMEOUT_MS). */
  bodyTimeoutMs?: number;
}

type Refuse = (status: number, error: string, headers?: Record<string, string>) => void;

export function alertRoutes(o: AlertRoutesOptions): Route[] {
  const maxBodyBytes = o.maxBodyBytes ?? DEFAULT_MAX_ALERT_BODY_BYTES;
  const bodyTimeoutMs = o.bodyTimeoutMs ?? DEFAULT_ALERT_BODY_TIMEOUT_MS;
  const tooLarge = `body is larger than the limit of ${maxBodyBytes} bytes`;
  const budget = new ByteBudget(o.maxBytesInFlight ?? Math.max(DEFAULT_MAX_ALERT_BYTES_IN_FLIGHT, maxBodyBytes));
  // Compared as digests so the comparison takes the same time whatever the length of the guess.
  const tokenDigest = o.token ? digest(o.token) : null;
  return ALERT_WEBHOOKS.map(({ source, path, open }) => ({
    method: 'POST' as const,
    path,
    // Bolt's receiver does not catch a rejected custom route, so nothing may escape the handler.
    handler: async (req: IncomingMessage, res: ServerResponse) => {
      if (alertPath.hasSubscribers) alertPath.publish('request');
      try {
        await handle(req, res, source, path, open);
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
    open: AlertOpener,
  ): Promise<void> {
    const refuse: Refuse = (status, error, headers = {}) => {
      // The reason is logged, never the Authorization header or the token.
      o.log.warn(
        { route: path, status, reason: error, remote: req.socket.remoteAddress },
        'alert webhook request refused',
      );
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
      return refuse(
        415,
        `content-type must be application/json, got ${contentType ? JSON.stringify(contentType) : 'none'}`,
      );
    }
    const encoding = req.headers['content-encoding'];
    if (encoding && encoding.toLowerCase() !== 'identity') {
      return refuse(415, `content-encoding ${JSON.stringify(encoding)} is not supported: send the JSON uncompressed`);
    }

    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      // Refused on the header alone: not one byte of the body is read.
      return refuse(413, tooLarge, { connection: 'close' });
    }
    // The body's bytes are taken from the budget as they arrive and given back once answered: the
    // body, its JSON and its alerts are all held until the alerts are committed.
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    const share = budget.open();
    try {
      await receive(req, res, source, path, open, share, gone.signal, refuse);
    } finally {
      share.release();
    }
  }

  async function receive(
    req: IncomingMessage,
    res: ServerResponse,
    source: IncomingAlert['source'],
    path: string,
    open: AlertOpener,
    share: BodyShare,
    gone: AbortSignal,
    refuse: Refuse,
  ): Promise<void> {
    const read = await readAlerts(req, { limit: maxBodyBytes, timeoutMs: bodyTimeoutMs, share, gone }, open, () =>
      o.clock.now(),
    );
    switch (read.kind) {
      case 'too-large':
        return refuse(413, tooLarge, { connection: 'close' });
      case 'timeout':
        o.log.warn(
          { route: path, received: read.received, timeoutMs: bodyTimeoutMs, remote: req.socket.remoteAddress },
          'alert webhook body too slow; cut off',
        );
        return refuse(
          408,
          `body not received in full within ${formatSeconds(bodyTimeoutMs)} (${read.received} bytes arrived)`,
          { connection: 'close' },
        );
      case 'aborted':
        o.log.warn(
          { route: path, remote: req.socket.remoteAddress },
          'alert webhook request aborted by the client before its body ended',
        );
        return;
      case 'not-json':
        return refuse(400, `body is not valid JSON: ${read.error}`);
      case 'invalid':
        return refuse(400, `invalid ${source} payload: ${read.error}`);
    }

    let answer: AlertAnswer;
    try {
      answer = await o.sink.receive(read.alerts);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      o.log.error({ route: path, alerts: read.alerts.length, err }, 'alerts could not be stored');
      // 5xx: Alertmanager and Grafana retry it, which is what a storage hiccup calls for.
      return sendJson(res, 500, { error: `the alerts could not be stored: ${message}` });
    }
    o.log.info(
      { route: path, alerts: read.alerts.length, accepted: answer.accepted, unknownServices: answer.unknownServices },
      'alerts received',
    );
    sendJson(res, 202, {
      accepted: answer.accepted,
      unknownServices: answer.unknownServices,
      ...(answer.unknownServiceCount !== undefined ? { unknownServiceCount: answer.unknownServiceCount } : {}),
    });
  }
}

type AlertsRead =
  | { kind: 'alerts'; alerts: IncomingAlert[] }
  | { kind: 'too-large' }
  | { kind: 'timeout'; received: number }
  | { kind: 'aborted' }
  | { kind: 'not-json'; error: string }
  | { kind: 'invalid'; error: string };

interface ReadLimits {
  limit: number;
  timeoutMs: number;
  share: BodyShare;
  /** Aborts when the client goes away: a chunk waiting for the budget stops waiting. */
  gone: AbortSignal;
}

/**
 * Body → JSON → alerts, the alerts read a slice per turn of the event loop. Only the alerts leave
 * this function: the body's bytes and its parsed JSON can be collected while they wait for their
 * commit. An invalid alert anywhere in the list refuses the whole body before anything is stored.
 */
async function readAlerts(
  req: IncomingMessage,
  l: ReadLimits,
  open: AlertOpener,
  now: () => number,
): Promise<AlertsRead> {
  const read = await readBody(req, {
    limit: l.limit,
    timeoutMs: l.timeoutMs,
    admit: (bytes) => l.share.take(bytes, l.gone),
  });
  if (read.kind !== 'complete') return read;
  let body: unknown;
  try {
    body = JSON.parse(read.body.toString('utf8'));
  } catch (err) {
    return { kind: 'not-json', error: err instanceof Error ? err.message : String(err) };
  }
  if (alertPath.hasSubscribers) alertPath.publish('parsed');
  const normalised = await normaliseInChunks(open, body, now(), ALERTS_PER_SLICE);
  if (alertPath.hasSubscribers) alertPath.publish('normalised');
  return normalised.ok ? { kind: 'alerts', alerts: normalised.alerts } : { kind: 'invalid', error: normalised.error };
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
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
