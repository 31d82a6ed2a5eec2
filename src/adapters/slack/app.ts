/**
 * The Bolt app in either connection mode: Socket Mode when an app-level token is
 * set — no public URL, the usual choice behind a firewall — else HTTP mode on `/slack/events`,
 * verified with the signing secret. Rewind's own routes (health, readiness, metrics, alert
 * webhooks) are served on the same port in both modes: by Bolt's HTTP receiver as custom routes,
 * or by our own server when Socket Mode leaves the port free.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import { WebClient, type RetryOptions } from '@slack/web-api';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../clock.ts';
import type { ProcessedRequestRepository } from '../../store/index.ts';
import type { Route } from '../http/routes.ts';
import {
  SERVER_TIMEOUTS,
  applyTimeouts,
  serverOptions,
  startHttpServer,
  type RunningServer,
  type ServerTimeouts,
} from '../http/server.ts';
import type { RequestActivity } from '../http/activity.ts';
import { boltLogger } from './bolt-logger.ts';
import { countingFetch, type SlackApiErrors } from './api-errors.ts';
import { dropRepeats } from './idempotency.ts';
import { DEFAULT_SLACK_MAX_BODY_BYTES } from './http-gate.ts';
import { errorFields, guardSlackDeliveries } from './payload-guard.ts';

export interface SlackAppOptions {
  botToken: string;
  /** xapp-… token: Socket Mode. */
  appToken?: string | undefined;
  /** HTTP mode's request verification. */
  signingSecret?: string | undefined;
  apiUrl: string;
  /** Known bot identity (tests, the demo); otherwise it is learnt from one auth.test at start. */
  botId?: string;
  botUserId?: string;
  routes: Route[];
  log: Logger;
  clock: Clock;
  processedRequests: ProcessedRequestRepository;
  /** Web API retries; production keeps a bounded policy, tests use none. */
  retryConfig?: RetryOptions;
  /** Longest wait for one Web API answer before it counts as failed and is retried (default 5 s). */
  timeoutMs?: number;
  /** Tests: answer the HTTP request only after the listener finished. */
  processBeforeResponse?: boolean;
  /** Counts the requests of the HTTP server once it listens (background work gives way to them). */
  activity: RequestActivity;
  /** How long a request may take to arrive, on either server (default SERVER_TIMEOUTS); tests shorten them. */
  serverTimeouts?: ServerTimeouts;
  /** HTTP mode: how long a Slack request's body may take to arrive (http-gate.ts's default); tests shorten it. */
  slackBodyTimeoutMs?: number;
  /** Where every Web API client of the app counts its error answers, for /metrics. */
  apiErrors?: SlackApiErrors;
}

/** Who the bot is in the workspace, from auth.test. */
export interface BotIdentity {
  botId?: string | undefined;
  botUserId?: string | undefined;
  teamId?: string | undefined;
}

/** The Slack surface could not start: `listen` (the HTTP port) or `connect` (Socket Mode's connection to Slack). */
export class SlackStartError extends Error {
  constructor(
    readonly phase: 'listen' | 'connect',
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'SlackStartError';
  }
}

export interface SlackSurface {
  app: App;
  /** The bot token's Web API client, with the timeout and retry policy, for everything Rewind sends. */
  client: WebClient;
  mode: 'socket' | 'http';
  /** Records the identity auth.test returned; incoming requests use it from then on. */
  identify(identity: BotIdentity): void;
  start(port: number, host?: string): Promise<number>;
  stop(): Promise<void>;
}

const DEFAULT_RETRIES: RetryOptions = { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000 };
/** A call Slack does not answer in this long is abandoned and retried: one hung request must not hold an incident. */
const DEFAULT_TIMEOUT_MS = 5_000;
/** How long a stop lets the requests in flight finish before their connections are cut. */
const STOP_CONNECTIONS_MS = 3_000;

export function createSlackApp(o: SlackAppOptions): SlackSurface {
  const logger = boltLogger(o.log);
  const retryConfig = o.retryConfig ?? DEFAULT_RETRIES;
  const clientOptions = {
    slackApiUrl: o.apiUrl,
    retryConfig,
    timeout: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // Bolt copies these options into every client it builds, so each one counts its errors here.
    ...(o.apiErrors ? { fetch: countingFetch(o.apiErrors) } : {}),
  };
  const client = new WebClient(o.botToken, { ...clientOptions, logger });
  const identity: BotIdentity = { botId: o.botId, botUserId: o.botUserId };
  let receiver: Receiver;
  let ownServer: RunningServer | null = null;
  let httpServer: Server | null = null;
  const mode = o.appToken ? 'socket' : 'http';

  if (o.appToken) {
    receiver = new SocketModeReceiver({ appToken: o.appToken, logger, installerOptions: { clientOptions } });
  } else {
    if (!o.signingSecret) throw new Error('HTTP mode needs SLACK_SIGNING_SECRET');
    receiver = new HTTPReceiver({
      signingSecret: o.signingSecret,
      endpoints: '/slack/events',
      // Bolt does not catch a custom route that fails: answer 500 here rather than leave a rejection.
      customRoutes: o.routes.map((r) => ({
        path: r.path,
        method: r.method,
        handler: (req, res) => {
          Promise.resolve()
            .then(() => r.handler(req, res))
            .catch((err: unknown) => {
              o.log.error({ route: r.path, err: (err as Error).message }, 'HTTP route failed');
              if (res.headersSent) return void res.end();
              res.writeHead(500, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ error: 'internal error' }));
            });
        },
      })),
      processBeforeResponse: o.processBeforeResponse ?? false,
      // The gate (http-gate.ts) reads the body first and holds it to the same limit; Bolt's own
      // 4 MB would let through what the gate refuses, were the gate ever bypassed.
      bodyLimit: DEFAULT_SLACK_MAX_BODY_BYTES,
      logger,
    });
  }

  const app = new App({
    receiver,
    logger,
    clientOptions,
    // Never a Slack call per request: Bolt's own single-token authorisation runs auth.test for
    // every incoming request until it learns the bot's ids, so a degraded auth.test would make the
    // bot deaf. The identity is learnt once at start (startup/slack-auth.ts) and handed out from memory here; a
    // request that comes before that still works — only the bot's own-message filter needs the ids.
    authorize: async () => ({
      botToken: o.botToken,
      botId: identity.botId,
      botUserId: identity.botUserId,
      teamId: identity.teamId,
    }),
  });
  // Listeners get this client (the bot token, the timeout and retries) until the identity is known,
  // and one per team after that: Bolt would otherwise build a client for every team id a request
  // names, and keep each forever.
  app.client = client;
  app.use(dropRepeats(o.processedRequests, o.clock, o.log));
  guardSlackDeliveries(app, o.log, {
    receiver,
    signingSecret: o.signingSecret,
    endpoint: '/slack/events',
    ...(o.slackBodyTimeoutMs !== undefined ? { bodyTimeoutMs: o.slackBodyTimeoutMs } : {}),
  });
  const timeouts = o.serverTimeouts ?? SERVER_TIMEOUTS;
  // Bolt brings every listener failure here, acknowledged or not, in both receivers: logged with
  // its code and Slack's reason, never the payload (user ids, metadata) it failed on.
  app.error(async (error) => {
    o.log.error(errorFields(error), 'Slack listener failed');
  });

  return {
    app,
    client,
    mode,
    identify(found) {
      if (found.botId) identity.botId = found.botId;
      if (found.botUserId) identity.botUserId = found.botUserId;
      if (found.teamId) identity.teamId = found.teamId;
    },
    async start(port, host = '0.0.0.0') {
      if (receiver instanceof HTTPReceiver) {
        try {
          httpServer = await receiver.start({ port, host }, serverOptions(timeouts));
          applyTimeouts(httpServer, timeouts);
        } catch (err) {
          throw new SlackStartError('listen', err);
        }
        o.activity.watch(httpServer);
        return (httpServer.address() as AddressInfo).port;
      }
      try {
        ownServer = await startHttpServer(o.routes, port, host, timeouts);
      } catch (err) {
        throw new SlackStartError('listen', err);
      }
      o.activity.watch(ownServer.server);
      try {
        await app.start();
      } catch (err) {
        // Nothing half-started stays behind: the port is free again when this throws.
        await app.stop().catch(() => undefined);
        await ownServer.close();
        ownServer = null;
        throw new SlackStartError('connect', err);
      }
      return ownServer.port;
    },
    async stop() {
      // Bolt's stop waits for its server to close, which a sender trickling its body would hold open until the body
      // deadline: idle connections close now, and what is still open after STOP_CONNECTIONS_MS is cut.
      const server = httpServer;
      let cut: NodeJS.Timeout | undefined;
      if (server) {
        server.closeIdleConnections();
        cut = setTimeout(() => server.closeAllConnections(), STOP_CONNECTIONS_MS);
        cut.unref();
      }
      await app
        .stop()
        .catch((err: unknown) => o.log.warn({ err: (err as Error).message }, 'Slack connection did not close cleanly'));
      clearTimeout(cut);
      await ownServer?.close();
      ownServer = null;
      if (httpServer) {
        const server = httpServer;
        httpServer = null;
        server.closeAllConnections();
        if (server.listening) await new Promise<void>((done) => server.close(() => done()));
      }
    },
  };
}
