/**
 * Rewind's own HTTP server for the routes of SPEC section 1. Used in Socket Mode, where Bolt does
 * not listen, and by tests; in HTTP mode the same routes ride on Bolt's receiver instead.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson, type Route } from './routes.ts';

export interface RunningServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export function startHttpServer(routes: Route[], port: number, host = '0.0.0.0'): Promise<RunningServer> {
  const server = createServer((req, res) => {
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
  // Keep-alive sockets would hold close() open for their idle timeout.
  server.keepAliveTimeout = 5_000;
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
