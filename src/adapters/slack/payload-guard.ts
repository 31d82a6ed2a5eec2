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
 * receivers call; in HTTP mode the receiver's request listener is wrapped too, so that what a
 * request must show before its body is read is checked first (http-gate.ts).
 * `guardSlackDeliveries` installs both.
 *
 * A delivery Rewind does not know — a broken or forged body, an action or callback id Rewind never
 * rendered, an event it did not subscribe to — is acknowledged, so Slack does not redeliver it, and
 * logged at warn once per shape. The memory of shapes is bounded: past `maxShapes` distinct shapes a
 * flood of new ones is counted, said once, and no longer logged one by one.
 */
import { HTTPReceiver, SocketModeReceiver, type App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../../logger.ts';
import { guardHttpRequests } from './http-gate.ts';
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
          `more than ${this.maxShapes} distinct unknown Slack delivery shapes; further new shapes are acknowledged ` +
            `without a log line each`,
        );
      }
      return false;
    }
    this.seen.add(shape);
    this.log.warn(
      { component: COMPONENT, shape },
      'acknowledged and ignored a Slack delivery of a shape Rewind does not know',
    );
    return true;
  }

  /** Deliveries of a shape not remembered because the memory was full (each counted, none logged). */
  get unlogged(): number {
    return this.overflow;
  }
}

export interface GuardOptions {
  maxShapes?: number;
  /**
   * The receiver (see http-gate.ts, guardSocketMessages); HTTP mode also needs its signing secret and Slack endpoint.
   */
  receiver?: Receiver;
  signingSecret?: string | undefined;
  endpoint?: string;
  /** Wall-clock time for request timestamps (Slack's, like Bolt's check, not Rewind's clock). */
  now?: () => number;
  /** HTTP mode: the largest Slack request body read, and how long it may take to arrive (http-gate.ts's defaults). */
  maxBodyBytes?: number;
  bodyTimeoutMs?: number;
}

/** Installs the gate on `app` (both receivers dispatch through `app.processEvent`). */
export function guardSlackDeliveries(app: App, log: Logger, options: GuardOptions = {}): ShapeLog {
  const shapes = new ShapeLog(log, options.maxShapes);
  const dispatch = app.processEvent.bind(app);
  if (options.receiver instanceof HTTPReceiver && options.signingSecret) {
    guardHttpRequests(options.receiver, {
      signingSecret: options.signingSecret,
      endpoint: options.endpoint ?? '/slack/events',
      shapes,
      log,
      ...(options.now ? { now: options.now } : {}),
      ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
      ...(options.bodyTimeoutMs !== undefined ? { bodyTimeoutMs: options.bodyTimeoutMs } : {}),
    });
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
      log.error(
        { component: COMPONENT, kind: parsed.delivery.kind, ...errorFields(err) },
        'Bolt failed on a Slack delivery',
      );
      if (!acked) await acknowledge(ack, log);
    }
  };
  return shapes;
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
        (client as unknown as { send(envelopeId: string): Promise<void> })
          .send(unknown.envelopeId)
          .catch((err: unknown) =>
            log.warn({ component: COMPONENT, ...errorFields(err) }, 'could not acknowledge a Slack delivery'),
          );
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
  const isRecord = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isRecord(message)) return { shape: 'socket message: not a JSON object', envelopeId: null };
  const envelopeId = typeof message.envelope_id === 'string' ? message.envelope_id : null;
  if (message.type === 'events_api') {
    if (!isRecord(message.payload) || !isRecord(message.payload.event))
      return { shape: 'events_api envelope without an event object', envelopeId };
    if (message.payload.event.type === 'error') return { shape: 'event error', envelopeId };
  } else if (message.type === 'error') {
    return { shape: 'socket message of type error', envelopeId };
  }
  return null;
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
