/**
 * The operational routes of SPEC section 1: health, readiness and Prometheus metrics. They are
 * plain (req, res) handlers so the same list can be served by our own server (Socket Mode) and
 * handed to Bolt's HTTPReceiver as `customRoutes` (HTTP mode) without change.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

/** A named readiness condition; `detail` says what is wrong when it is not ready. */
export interface ReadinessCheck {
  name: string;
  check: () => { ok: boolean; detail?: string };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function healthRoutes(checks: ReadinessCheck[], registry: Registry): Route[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      // Liveness: the process answers. Dependencies belong to /readyz, so a Slack outage does
      // not get the pod restarted in a loop.
      handler: (_req, res) => sendJson(res, 200, { status: 'ok' }),
    },
    {
      method: 'GET',
      path: '/readyz',
      handler: (_req, res) => {
        const results = checks.map((c) => {
          try {
            return { name: c.name, ...c.check() };
          } catch (err) {
            return { name: c.name, ok: false, detail: err instanceof Error ? err.message : String(err) };
          }
        });
        const ready = results.every((r) => r.ok);
        sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks: results });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handler: async (_req, res) => {
        const text = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(text);
      },
    },
  ];
}
