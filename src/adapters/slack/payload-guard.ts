/**
 * The gate every Slack delivery passes before Bolt reads it: parsed against the schemas of
 * payloads.ts, and then either handed on with the parsed value for the listeners, or acknowledged
 * and dropped.
 *
 * Why not a global middleware (`app.use`): Bolt reads the body before the first middleware runs —
 * it classifies the body, builds the authorisation source from `user.id`, `channel.id`, `view`,
 * `event.*`, and wires `respond` from `response_urls[0]` — and throws on a signed body with
 * `channel: null` or `view: null`, which the HTTP receiver answers with 500 and Socket Mode never
 * acknowledges (so Slack retries). The gate therefore wraps `App#processEvent`, the one method both
 * receivers call; in HTTP mode it also wraps the receiver's request listener for the one body the
 * receiver trips over itself, and for request timestamps from the future, which Bolt accepts
 * (guardHttpBodies). `guardSlackDeliveries` installs both.
 *
 * A delivery Rewind does not know — a broken or forged body, an action or callback id Rewind never
 * rendered, an event it did not subscribe to — is acknowledged, so Slack does not redeliver it, and
 * logged at warn once per shape. The memory of shapes is bounded: past `maxShapes` distinct shapes a
 * flood of new ones is counted, said once, and no longer logged one by one.
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { HTTPReceiver, SocketModeReceiver, defaultBodyLimit, isValidSlackRequest, type App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../../logger.ts';
import { DELIVERY_CONTEXT_KEY, parseDelivery } from './payloads.ts';

const COMPONENT = 'slack-payloads';

export const DEFAULT_MAX_SHAPES = 200;

type WarnLog = Pick<Logger, 'warn'>;

/** Remembers which unknown shapes were already logged, up to a fixed number of them. */
export class ShapeLog {
  private readonly seen = new Set<string>();
  private overflow = 0;

  constructor(
    private readonly log: WarnLog,
    private readonly maxShapes: number = DEFAULT_MAX_SHAPES,
  ) {}

  /** Logs the shape the first time it is seen; true when this call logged it. */
  report(shape: string): boolean {
    if (this.seen.has(shape)) return false;
    if (this.seen.size >= this.maxShapes) {
      this.overflow += 1;
      if (this.overflow === 1) {
        this.log.warn(
          { component: COMPONENT, remembered: this.maxShapes },
          `more than ${this.maxShapes} distinct unknown Slack delivery shapes; further new shapes are acknowledged without a log line each`,
        );
      }
      return false;
    }
    this.seen.add(shape);
    this.log.warn({ component: COMPONENT, shape }, 'acknowledged and ignored a Slack delivery of a shape Rewind does not know');
    return true;
  }

  /** Deliveries of a shape not remembered because the memory was full (each counted, none logged). */
  get unlogged(): number {
    return this.overflow;
  }
}

export interface GuardOptions {
  maxShapes?: number;
  /** The receiver (see guardHttpBodies, guardSocketMessages); HTTP mode also needs its signing secret and Slack endpoint. */
  receiver?: Receiver;
  signingSecret?: string | undefined;
  endpoint?: string;
  /** Wall-clock time for request timestamps (Slack's, like Bolt's check, not Rewind's clock). */
  now?: () => number;
}

/** Installs the gate on `app` (both receivers dispatch through `app.processEvent`). */
export function guardSlackDeliveries(app: App, log: Logger, options: GuardOptions = {}): ShapeLog {
  const shapes = new ShapeLog(log, options.maxShapes);
  const dispatch = app.processEvent.bind(app);
  if (options.receiver instanceof HTTPReceiver && options.signingSecret) {
    guardHttpBodies(options.receiver, options.signingSecret, options.endpoint ?? '/slack/events', shapes, log, options.now ?? Date.now);
  }
  if (options.receiver instanceof SocketModeReceiver) guardSocketMessages(options.receiver, shapes, log);

  app.processEvent = async (event: ReceiverEvent): Promise<void> => {
    const parsed = parseDelivery(event.body);
    if (!parsed.ok) {
      shapes.report(parsed.shape);
      await acknowledge(event.ack, log);
      return;
    }
    let acked = false;
    const ack = event.ack;
    try {
      await dispatch({
        ...event,
        ack: async (response?: unknown) => {
          acked = true;
          await ack(response);
        },
        customProperties: { ...event.customProperties, [DELIVERY_CONTEXT_KEY]: parsed.delivery },
      });
      // A listener that failed before its ack went to app.error; the delivery is still answered,
      // or the HTTP receiver would send 404 after 3 s and Slack redeliver a request that fails again.
      if (!acked) await acknowledge(ack, log);
    } catch (err) {
      // Listener failures never get here (Bolt hands them to app.error); this is Bolt itself failing
      // on a body the schemas let through, or app.error throwing. Without the ack the HTTP receiver
      // would answer 500 and Slack would redeliver.
      log.error({ component: COMPONENT, kind: parsed.delivery.kind, ...errorFields(err) }, 'Bolt failed on a Slack delivery');
      if (!acked) await acknowledge(ack, log);
    }
  };
  return shapes;
}

/**
 * One body Bolt's HTTP receiver cannot survive even before `processEvent`: right after parsing it
 * reads `body.ssl_check` unchecked, so a signed body whose JSON is `null` (`payload=null`, or
 * `null` as an Events API body) throws inside the receiver — an unhandled rejection, and a request
 * never answered, which Slack would redeliver. The receiver's request listener is wrapped: for
 * its Slack endpoint the body is read first (Bolt takes a body already read as `rawBody`), and a
 * correctly signed `null` is acknowledged as a shape Rewind does not know. A timestamp too far
 * from now is refused first (see outsideRequestWindow). Everything else, including a bad
 * signature, goes on to Bolt unchanged.
 */
function guardHttpBodies(receiver: HTTPReceiver, signingSecret: string, endpoint: string, shapes: ShapeLog, log: WarnLog, now: () => number): void {
  const listener = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    if (req.method !== 'POST' || pathOf(req) !== endpoint) return listener(req, res);
    void readBody(req, defaultBodyLimit).then((raw) => {
      if (raw === 'too-large') {
        log.warn({ component: COMPONENT, limit: defaultBodyLimit }, 'Slack request body larger than the limit');
        // The rest of the body is not read: the connection closes with the answer, or a keep-alive
        // client would wait on it for the next request.
        res.writeHead(413, { connection: 'close' }).end();
        return;
      }
      if (raw === 'aborted') return;
      const skewSeconds = outsideRequestWindow(req, now());
      if (skewSeconds !== null) {
        // Said without the body or the signature: a line per request, as Bolt logs a bad signature.
        log.warn({ component: COMPONENT, skewSeconds, signed: signedBySlack(req, raw, signingSecret) }, 'Slack request timestamp more than 5 minutes from now; refused with 401');
        res.writeHead(401).end();
        return;
      }
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
      if (isNullBody(req, raw) && signedBySlack(req, raw, signingSecret)) {
        shapes.report('not a JSON object');
        res.writeHead(200).end();
        return;
      }
      try {
        listener(req, res);
      } catch (err) {
        // Bolt's server would hand this to its dispatch error handler; it answers 500 too.
        log.warn({ component: COMPONENT, ...errorFields(err) }, 'Bolt could not take a Slack request');
        if (!res.headersSent) res.writeHead(500).end();
      }
    });
  };
}

/** How far a signed request's timestamp may be from now, either way (Slack's own rule is five minutes). */
export const REQUEST_WINDOW_SECONDS = 5 * 60;

/**
 * Bolt refuses a timestamp more than five minutes old, but takes one from any time ahead: a
 * request signed with a timestamp in the future stays replayable until long after it was captured.
 * Returns how far the timestamp is from now, in seconds (ahead is positive), when it is outside the
 * window; null when it is inside, or missing or malformed — Bolt refuses those itself.
 */
function outsideRequestWindow(req: IncomingMessage, nowMs: number): number | null {
  const header = req.headers['x-slack-request-timestamp'];
  if (typeof header !== 'string' || !/^\d{1,15}$/.test(header)) return null;
  const skew = Number(header) - Math.floor(nowMs / 1000);
  return Math.abs(skew) > REQUEST_WINDOW_SECONDS ? skew : null;
}

function pathOf(req: IncomingMessage): string | null {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return null;
  }
}

/**
 * The Socket Mode client reads an Events API envelope's `payload.event.type` unchecked, to emit
 * it by name, before handing the envelope to Bolt: an envelope whose payload or event is missing or
 * null throws in the client's message handler — an unhandled rejection, never acknowledged, so
 * Slack redelivers it. Emitting an event named `error` with nobody listening throws the same way.
 * The client's message listener (its `ws_message` event) is wrapped: such an envelope is
 * acknowledged and logged as a shape; every other message goes on unchanged.
 */
function guardSocketMessages(receiver: SocketModeReceiver, shapes: ShapeLog, log: WarnLog): void {
  const client = receiver.client;
  const listeners = client.listeners('ws_message') as Array<(data: unknown, isBinary: boolean) => unknown>;
  client.removeAllListeners('ws_message');
  client.on('ws_message', (data: unknown, isBinary: boolean) => {
    const unknown = isBinary ? null : unreadableEnvelope(data);
    if (unknown) {
      shapes.report(unknown.shape);
      if (unknown.envelopeId) {
        // The acknowledgement the client's own ack() sends; its typings keep send() private.
        (client as unknown as { send(envelopeId: string): Promise<void> }).send(unknown.envelopeId).catch((err: unknown) => log.warn({ component: COMPONENT, ...errorFields(err) }, 'could not acknowledge a Slack delivery'));
      }
      return;
    }
    for (const listener of listeners) void listener(data, isBinary);
  });
}

function unreadableEnvelope(data: unknown): { shape: string; envelopeId: string | null } | null {
  let message: unknown;
  try {
    // Decoded as the client decodes it.
    message = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer));
  } catch {
    return null; // The client logs and drops what is not JSON.
  }
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isRecord(message)) return { shape: 'socket message: not a JSON object', envelopeId: null };
  const envelopeId = typeof message.envelope_id === 'string' ? message.envelope_id : null;
  if (message.type === 'events_api') {
    if (!isRecord(message.payload) || !isRecord(message.payload.event)) return { shape: 'events_api envelope without an event object', envelopeId };
    if (message.payload.event.type === 'error') return { shape: 'event error', envelopeId };
  } else if (message.type === 'error') {
    return { shape: 'socket message of type error', envelopeId };
  }
  return null;
}

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
  return isValidSlackRequest({ signingSecret, body: raw.toString(), headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp } });
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        chunks.length = 0;
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', () => resolve('aborted'));
    req.on('close', () => resolve(req.complete ? Buffer.concat(chunks, size) : 'aborted'));
  });
}

async function acknowledge(ack: ReceiverEvent['ack'], log: WarnLog): Promise<void> {
  try {
    await ack();
  } catch (err) {
    // Already acknowledged, or the socket went away: nothing left to answer.
    log.warn({ component: COMPONENT, err: (err as Error).message }, 'could not acknowledge a Slack delivery');
  }
}

export interface ErrorFields {
  /** Bolt's or the Web API client's error code (`slack_webapi_platform_error`, `slack_bolt_respond_error`, …). */
  code?: string;
  err: string;
  /** Slack's reason when the Web API answered `ok: false` (`expired_trigger_id`, `channel_not_found`). */
  slackError?: string;
  /** The HTTP status of a failed Web API call or response_url post. */
  status?: number;
  retryAfterSeconds?: number;
  /** Each listener's own error when several failed on one delivery, or the error Bolt wrapped. */
  causes?: ErrorFields[];
}

/**
 * What to log about a failure: code, message and Slack's reason. Deliberately not the error's
 * `data` or request arguments, which carry the payload (user ids, view metadata, message text).
 */
export function errorFields(err: unknown, depth = 0): ErrorFields {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    code?: unknown;
    message?: unknown;
    data?: { error?: unknown };
    statusCode?: unknown;
    retryAfter?: unknown;
    originals?: unknown;
    original?: unknown;
  };
  const fields: ErrorFields = { err: typeof e.message === 'string' ? e.message : String(err) };
  if (typeof e.code === 'string') fields.code = e.code;
  if (typeof e.data?.error === 'string') fields.slackError = e.data.error;
  if (typeof e.statusCode === 'number') fields.status = e.statusCode;
  if (typeof e.retryAfter === 'number') fields.retryAfterSeconds = e.retryAfter;
  const causes = Array.isArray(e.originals) ? e.originals : e.original !== undefined ? [e.original] : [];
  if (causes.length > 0 && depth < 2) fields.causes = causes.slice(0, 5).map((c) => errorFields(c, depth + 1));
  return fields;
}
