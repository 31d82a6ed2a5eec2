import { afterEach, describe, expect, it } from 'vitest';
import { healthRoutes, type ReadinessCheck } from '../../src/adapters/http/routes.ts';
import { createMetricsRegistry } from '../../src/adapters/http/metrics.ts';
import { startHttpServer, type RunningServer } from '../../src/adapters/http/server.ts';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(checks: ReadinessCheck[], counts = { open: 2, timers: 5 }) {
  const registry = createMetricsRegistry(
    { openIncidents: () => counts.open, pendingTimers: () => counts.timers },
    '9.9.9',
  );
  server = await startHttpServer(healthRoutes(checks, registry), 0, '127.0.0.1');
  return `http://127.0.0.1:${server.port}`;
}

describe('operational routes', () => {
  it('GET /healthz answers ok even when a dependency is not ready', async () => {
    const base = await serve([
      { name: 'slack', check: () => ({ ok: false, detail: 'auth.test failed: invalid_auth' }) },
    ]);
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 503 naming the failing check, then 200 when all pass', async () => {
    const slack = { ok: false, detail: 'auth.test not answered yet' };
    const base = await serve([
      { name: 'database', check: () => ({ ok: true }) },
      { name: 'slack', check: () => slack },
      {
        name: 'broken',
        check: () => {
          if (slack.ok) return { ok: true };
          throw new Error('boom');
        },
      },
    ]);
    let res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not ready',
      checks: [
        { name: 'database', ok: true },
        { name: 'slack', ok: false, detail: 'auth.test not answered yet' },
        { name: 'broken', ok: false, detail: 'boom' },
      ],
    });
    slack.ok = true;
    res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('ready');
  });

  it('GET /metrics serves Prometheus text with process and Rewind metrics read at scrape time', async () => {
    const counts = { open: 2, timers: 5 };
    const base = await serve([], counts);
    let text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('rewind_process_cpu_user_seconds_total');
    expect(text).toContain('rewind_build_info{version="9.9.9"} 1');
    expect(text).toMatch(/^rewind_open_incidents 2$/m);
    expect(text).toMatch(/^rewind_pending_timers 5$/m);
    counts.open = 0;
    text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/^rewind_open_incidents 0$/m);
  });

  it('answers 404 for unknown paths and 405 for a wrong method', async () => {
    const base = await serve([]);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const res = await fetch(`${base}/healthz`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });
});
