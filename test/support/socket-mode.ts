/**
 * A stand-in for Slack's Socket Mode endpoint on 127.0.0.1, driving a real `@slack/socket-mode`
 * client (what Bolt's SocketModeReceiver runs):
 *   1. the client calls `apps.connections.open` with the app-level token as Bearer token — the Web
 *      API stand-in answers with this server's URL (any non-`xapp-` token gets Slack's error);
 *   2. the client opens the WebSocket and waits for `{"type":"hello"}` before `start()` resolves;
 *   3. envelopes `{ envelope_id, type, accepts_response_payload, payload, retry_attempt,
 *      retry_reason }` go out, and acks `{ envelope_id, payload }` come back.
 * The client pings every few seconds and drops the link without pongs (`ws` answers them); after a
 * server ping it expects further pings within 30 s, so the stand-in pings on connect and on an
 * interval like Slack does.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import type { SlackApiStandIn } from './slack-api.ts';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketAck {
  envelope_id: string;
  /** The ack body. `@slack/socket-mode` always sends an object: `{}` for a bare `ack()`. */
  payload?: Record<string, unknown>;
}

export interface SendOptions {
  /** Slack sets it for slash commands and most interactions: the ack may carry a response. */
  acceptsResponsePayload?: boolean;
  retryAttempt?: number;
  retryReason?: string;
  /** How long to wait for the ack; default the stand-in's `ackTimeoutMs`. */
  timeoutMs?: number;
}

export interface SocketModeStandInOptions {
  appId?: string;
  /** Ceiling on the wait for an ack (default 30 s): an ack that comes sooner ends the wait sooner. */
  ackTimeoutMs?: number;
  /** Interval between server pings; Slack's clients time out after 30 s without one. */
  pingIntervalMs?: number;
  /**
   * Several apps connected (replicas): each envelope goes to one open connection picked with this
   * random source (a seeded one in tests), as Slack spreads events over an app's connections.
   * Default: the most recent connection.
   */
  spread?: () => number;
}

interface PendingAck {
  resolve: (ack: SocketAck) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class SocketModeStandIn {
  /** Every ack the app sent, in arrival order. */
  readonly acks: SocketAck[] = [];
  /** The Bearer token of every `apps.connections.open` call, in order. */
  readonly appTokens: string[] = [];
  /** Every envelope pushed to the app. */
  readonly sent: Array<Record<string, unknown>> = [];
  /** Client pings seen (the socket-mode client pings every clientPingTimeout / 3). */
  pingsReceived = 0;
  port = 0;

  private readonly appId: string;
  private readonly spread: (() => number) | undefined;
  private readonly ackTimeoutMs: number;
  private readonly pingIntervalMs: number;
  private server: WebSocketServer | undefined;
  private readonly clients = new Set<WebSocket>();
  private readonly pending = new Map<string, PendingAck>();
  private readonly tickets = new Set<string>();
  private connectionWaiters: Array<() => void> = [];
  private helloCount = 0;
  private pinger: NodeJS.Timeout | undefined;

  constructor(
    private readonly api: SlackApiStandIn,
    options: SocketModeStandInOptions = {},
  ) {
    this.appId = options.appId ?? 'A0REWIND';
    this.ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
    this.pingIntervalMs = options.pingIntervalMs ?? 10_000;
    this.spread = options.spread;
  }

  /** Starts the WebSocket server and makes the Web API stand-in's `apps.connections.open` point at it. */
  async start(): Promise<this> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    this.port = (server.address() as AddressInfo).port;
    server.on('connection', (ws, req) => this.accept(ws, req.url ?? ''));
    this.api.handle('apps.connections.open', (_args, call) => {
      if (!call.token) return { body: { ok: false, error: 'not_authed' } };
      this.appTokens.push(call.token);
      if (!call.token.startsWith('xapp-')) return { body: { ok: false, error: 'not_allowed_token_type' } };
      const ticket = randomUUID();
      this.tickets.add(ticket);
      return { body: { ok: true, url: `ws://127.0.0.1:${this.port}/link/?ticket=${ticket}&app_id=${this.appId}` } };
    });
    this.pinger = setInterval(() => {
      for (const ws of this.clients)
        if (ws.readyState === WebSocket.OPEN) ws.ping(Buffer.from(`ping from stand-in ${Date.now()}`));
    }, this.pingIntervalMs);
    this.pinger.unref();
    return this;
  }

  /** Number of open app connections. */
  get connections(): number {
    return this.clients.size;
  }

  /**
   * Resolves once `count` hellos have been sent in total (1 = the app's first connection). The
   * timeout is a ceiling for a busy machine, where connecting can take seconds.
   */
  connected({ count = 1, timeoutMs = 30_000 }: { count?: number; timeoutMs?: number } = {}): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `Socket Mode stand-in: no app connected within ${timeoutMs} ms (apps.connections.open calls: ` +
                `${this.appTokens.length}, hellos sent: ${this.helloCount})`,
            ),
          ),
        timeoutMs,
      );
      const check = () => {
        if (this.helloCount >= count) {
          clearTimeout(timer);
          resolve();
        } else {
          this.connectionWaiters.push(check);
        }
      };
      check();
    });
  }

  /**
   * Pushes one envelope to an open connection — the most recent, or one picked by `spread` — and
   * resolves with its ack. Rejects when no app is connected, or when no ack arrives in time.
   */
  send(type: EnvelopeType, payload: object, options: SendOptions = {}): Promise<SocketAck> {
    const open = [...this.clients].filter((c) => c.readyState === WebSocket.OPEN);
    const ws = this.spread ? open[Math.floor(this.spread() * open.length)] : open[open.length - 1];
    if (!ws)
      return Promise.reject(
        new Error(`Socket Mode stand-in: cannot send ${type}: no app is connected (await socket.connected() first)`),
      );
    const envelopeId = randomUUID();
    const envelope = {
      envelope_id: envelopeId,
      type,
      accepts_response_payload: options.acceptsResponsePayload ?? type !== 'events_api',
      payload,
      retry_attempt: options.retryAttempt ?? 0,
      retry_reason: options.retryReason ?? '',
    };
    const timeoutMs = options.timeoutMs ?? this.ackTimeoutMs;
    return new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        reject(
          new Error(
            `Socket Mode stand-in: no ack for ${type} envelope ${envelopeId} within ${timeoutMs} ms (acks so far: ` +
              `${this.acks.length})`,
          ),
        );
      }, timeoutMs);
      this.pending.set(envelopeId, { resolve, reject, timer });
      this.sent.push(envelope);
      ws.send(JSON.stringify(envelope));
    });
  }

  /** Sends a server ping and resolves when the client's pong arrives (the timeout is a ceiling). */
  ping(timeoutMs = 30_000): Promise<void> {
    const ws = [...this.clients].find((c) => c.readyState === WebSocket.OPEN);
    if (!ws) return Promise.reject(new Error('Socket Mode stand-in: cannot ping: no app is connected'));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Socket Mode stand-in: no pong within ${timeoutMs} ms`)),
        timeoutMs,
      );
      ws.once('pong', () => {
        clearTimeout(timer);
        resolve();
      });
      ws.ping(Buffer.from('stand-in ping'));
    });
  }

  /**
   * Sends Slack's `{"type":"disconnect"}` to every app: the client closes and, with auto-reconnect,
   * calls `apps.connections.open` again and reconnects (its reconnect delay is its clientPingTimeout).
   */
  requestDisconnect(reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested'): void {
    for (const ws of this.clients)
      ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'rewind-stand-in' } }));
  }

  /** Closes every connection (close handshake, then terminate after 1 s) and the server. */
  async close(): Promise<void> {
    clearInterval(this.pinger);
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`Socket Mode stand-in closed before envelope ${id} was acked`));
    }
    this.pending.clear();
    await Promise.all(
      [...this.clients].map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) return resolve();
            const force = setTimeout(() => ws.terminate(), 1_000);
            ws.once('close', () => {
              clearTimeout(force);
              resolve();
            });
            if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'stand-in closing');
          }),
      ),
    );
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
    });
  }

  private accept(ws: WebSocket, url: string): void {
    const ticket = new URL(url, 'ws://127.0.0.1').searchParams.get('ticket');
    if (!ticket || !this.tickets.delete(ticket)) {
      // Slack only accepts URLs it handed out through apps.connections.open, each once.
      ws.close(4001, 'unknown or reused ticket');
      return;
    }
    this.clients.add(ws);
    ws.on('ping', () => {
      this.pingsReceived += 1;
    });
    ws.on('close', () => this.clients.delete(ws));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (typeof message !== 'object' || message === null || typeof (message as SocketAck).envelope_id !== 'string')
        return;
      const ack = message as SocketAck;
      this.acks.push(ack);
      const waiting = this.pending.get(ack.envelope_id);
      if (waiting) {
        clearTimeout(waiting.timer);
        this.pending.delete(ack.envelope_id);
        waiting.resolve(ack);
      }
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.clients.size,
        connection_info: { app_id: this.appId },
        debug_info: { host: 'rewind-stand-in', build_number: 1, approximate_connection_time: 18060 },
      }),
    );
    ws.ping(Buffer.from('stand-in hello ping'));
    this.helloCount += 1;
    for (const wake of this.connectionWaiters.splice(0)) wake();
  }
}
