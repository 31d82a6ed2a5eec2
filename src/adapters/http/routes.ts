/**
 * The operational routes: health, readiness and Prometheus metrics. They are
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
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function run(checks: ReadinessCheck[]): Array<{ name: string; ok: boolean; detail?: string }> {
  return checks.map((c) => {
    try {
      return { name: c.name, ...c.check() };
    } catch (err) {
      return { name: c.name, ok: false, detail: err instanceof Error ? err.message : String(err) };
    }
  });
}

/**
 * `liveness`: what the process cannot work without at all (its database). A Slack or Kubernetes
 * outage belongs to /readyz only, so it does not get the pod restarted in a loop; a store that
 * cannot be used does, since nothing the bot does is safe without it.
 */
export function healthRoutes(checks: ReadinessCheck[], registry: Registry, liveness: ReadinessCheck[] = []): Route[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      handler: (_req, res) => {
        const failed = run(liveness).filter((r) => !r.ok);
        if (failed.length === 0) return sendJson(res, 200, { status: 'ok' });
        sendJson(res, 503, { status: 'unhealthy', checks: failed });
      },
    },
    {
      method: 'GET',
      path: '/readyz',
      handler: (_req, res) => {
        const results = run(checks);
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
