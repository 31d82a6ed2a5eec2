/**
 * The Bolt app in either connection mode (SPEC section 1): Socket Mode when an app-level token is
 * set — no public URL, the usual choice behind a firewall — else HTTP mode on `/slack/events`,
 * verified with the signing secret. Rewind's own routes (health, readiness, metrics, alert
 * webhooks) are served on the same port in both modes: by Bolt's HTTP receiver as custom routes,
 * or by our own server when Socket Mode leaves the port free.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import type { RetryOptions } from '@slack/web-api';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../services/clock.ts';
import type { ProcessedRequestRepository } from '../../store/index.ts';
import type { Route } from '../http/routes.ts';
import { startHttpServer, type RunningServer } from '../http/server.ts';
import { boltLogger } from './bolt-logger.ts';
import { dropRepeats } from './idempotency.ts';

export interface SlackAppOptions {
  botToken: string;
  /** xapp-… token: Socket Mode. */
  appToken?: string | undefined;
  /** HTTP mode's request verification. */
  signingSecret?: string | undefined;
  apiUrl: string;
  /** Known bot identity; when given, Bolt does not need auth.test. */
  botId?: string;
  botUserId?: string;
  routes: Route[];
  log: Logger;
  clock: Clock;
  processedRequests: ProcessedRequestRepository;
  /** Web API retries; production keeps a bounded policy, tests use none. */
  retryConfig?: RetryOptions;
  /** Tests: answer the HTTP request only after the listener finished. */
  processBeforeResponse?: boolean;
}

export interface SlackSurface {
  app: App;
  mode: 'socket' | 'http';
  start(port: number, host?: string): Promise<number>;
  stop(): Promise<void>;
}

const DEFAULT_RETRIES: RetryOptions = { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000 };

export function createSlackApp(o: SlackAppOptions): SlackSurface {
  const logger = boltLogger(o.log);
  const retryConfig = o.retryConfig ?? DEFAULT_RETRIES;
  const clientOptions = { slackApiUrl: o.apiUrl, retryConfig };
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
      customRoutes: o.routes.map((r) => ({ path: r.path, method: r.method, handler: (req, res) => void r.handler(req, res) })),
      processBeforeResponse: o.processBeforeResponse ?? false,
      logger,
    });
  }

  const app = new App({
    token: o.botToken,
    receiver,
    logger,
    clientOptions,
    // Readiness runs auth.test itself and keeps answering while Slack is unreachable; Bolt must
    // not refuse to start because of it.
    tokenVerificationEnabled: false,
    ...(o.botId ? { botId: o.botId } : {}),
    ...(o.botUserId ? { botUserId: o.botUserId } : {}),
  });
  app.use(dropRepeats(o.processedRequests, o.clock, o.log));
  app.error(async (error) => {
    o.log.error({ err: error.message, code: (error as { code?: string }).code }, 'Slack listener failed');
  });

  return {
    app,
    mode,
    async start(port, host = '0.0.0.0') {
      if (receiver instanceof HTTPReceiver) {
        httpServer = await receiver.start({ port, host });
        return (httpServer.address() as AddressInfo).port;
      }
      ownServer = await startHttpServer(o.routes, port, host);
      await app.start();
      return ownServer.port;
    },
    async stop() {
      await app.stop();
      await ownServer?.close();
      httpServer?.closeAllConnections();
    },
  };
}
