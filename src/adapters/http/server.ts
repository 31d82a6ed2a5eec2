/**
 * Rewind's own HTTP server for the operational routes and the alert webhooks. Used in Socket Mode, where Bolt does
 * not listen, and by tests; in HTTP mode the same routes ride on Bolt's receiver instead, which is
 * given the same SERVER_TIMEOUTS.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson, type Route } from './routes.ts';

export interface ServerTimeouts {
  /** A request's headers must have arrived this long after it started. */
  headersTimeout: number;
  /** The whole request, body included, must have arrived this long after it started. */
  requestTimeout: number;
  /** How often Node looks for requests past those two; they are answered 408 up to this late. */
  connectionsCheckingInterval: number;
  /** An idle keep-alive socket is closed after this long. */
  keepAliveTimeout: number;
}

/**
 * Node's defaults give a request 5 minutes and check every 30 s, so a client sending its headers
 * or body a byte at a time held its socket for up to five and a half minutes. Every sender Rewind
 * serves (Slack, Alertmanager, Grafana, probes) sends a request in milliseconds; these bound the
 * slowest on any route. The routes that read bodies cut a slow one off sooner themselves
 * (routes.ts of the alerts, the Slack request gate), with an answer saying why; the request
 * timeout stays above those deadlines and the time a body may wait for the alert byte budget.
 */
export const SERVER_TIMEOUTS: ServerTimeouts = {
  headersTimeout: 10_000,
  requestTimeout: 60_000,
  connectionsCheckingInterval: 1_000,
  keepAliveTimeout: 5_000,
};

export interface RunningServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/**
 * The options of `http.createServer` that carry the timeouts; `keepAliveTimeout` is set on the server (applyTimeouts).
 */
export function serverOptions(t: ServerTimeouts = SERVER_TIMEOUTS): {
  headersTimeout: number;
  requestTimeout: number;
  connectionsCheckingInterval: number;
} {
  return {
    headersTimeout: t.headersTimeout,
    requestTimeout: t.requestTimeout,
    connectionsCheckingInterval: t.connectionsCheckingInterval,
  };
}

/** Sets what can be changed on a running server (Bolt creates its own). */
export function applyTimeouts(server: Server, t: ServerTimeouts = SERVER_TIMEOUTS): void {
  server.headersTimeout = t.headersTimeout;
  server.requestTimeout = t.requestTimeout;
  // Keep-alive sockets would also hold close() open for their idle timeout.
  server.keepAliveTimeout = t.keepAliveTimeout;
}

export function startHttpServer(
  routes: Route[],
  port: number,
  host = '0.0.0.0',
  timeouts: ServerTimeouts = SERVER_TIMEOUTS,
): Promise<RunningServer> {
  const server = createServer(serverOptions(timeouts), (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const matches = routes.filter((r) => r.path === path);
    const route = matches.find((r) => r.method === req.method);
    if (!route) {
      if (matches.length > 0) {
        res.setHeader('allow', matches.map((r) => r.method).join(', '));
        return sendJson(res, 405, { error: `method ${req.method} not allowed on ${path}` });
      }
      return sendJson(res, 404, { error: `no route for ${req.method} ${path}` });
    }
    Promise.resolve(route.handler(req, res)).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: err instanceof Error ? err.message : 'internal error' });
      else res.end();
    });
  });
  applyTimeouts(server, timeouts);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
