/**
 * How the alert routes hold big bodies: the alerts of a body are read a slice per turn of the event
 * loop (same answer as reading them at once, and other work runs between slices), and the bytes of
 * bodies in hand at once are bounded — past the budget a request waits, unread, for the ones
 * before it to be answered.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { normaliseAlertmanager, openAlertmanager } from '../../src/adapters/alerts/alertmanager.ts';
import { ByteBudget } from '../../src/adapters/alerts/budget.ts';
import { normaliseInChunks } from '../../src/adapters/alerts/normalise.ts';
import { alertRoutes } from '../../src/adapters/alerts/routes.ts';
import { startHttpServer, type RunningServer } from '../../src/adapters/http/server.ts';
import { createLogger } from '../../src/logger.ts';
import { ManualClock } from '../../src/services/clock.ts';
import type { AlertAnswer, AlertSink, IncomingAlert } from '../../src/services/ports.ts';
import { bigAlertmanagerBody } from '../support/big-alerts.ts';

const TOKEN = 'whk-big-bodies';
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('reading the alerts of a big body a slice at a time', () => {
  const body = JSON.parse(bigAlertmanagerBody({ services: ['prompt-service', 'billing'], tag: 'slices' }).json) as { alerts: Array<Record<string, unknown>> };

  it('gives the same alerts as reading them at once', async () => {
    const sliced = await normaliseInChunks(openAlertmanager, body, NOW, 64);
    expect(sliced).toEqual(normaliseAlertmanager(body, NOW));
    expect(sliced.ok && sliced.alerts.length).toBe(body.alerts.length);
  });

  it('lets the event loop run between slices', async () => {
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const result = await normaliseInChunks(openAlertmanager, body, NOW, 64);
    counting = false;
    expect(result.ok).toBe(true);
    // One turn between each two slices at least; read in one go, the loop would not have turned once.
    expect(turns).toBeGreaterThanOrEqual(Math.floor(body.alerts.length / 64) - 1);
  });

  it('names the first wrong alert, in a later slice, as reading at once does', async () => {
    const wrong = { ...body, alerts: body.alerts.map((a, i) => (i === 300 ? { ...a, labels: { service: 7 } } : a)) };
    const sliced = await normaliseInChunks(openAlertmanager, wrong, NOW, 64);
    expect(sliced).toEqual({ ok: false, error: 'alerts[300].labels must be an object of strings (alerts[300].labels.service is the number 7)' });
    expect(normaliseAlertmanager(wrong, NOW)).toEqual(sliced);
  });
});

describe('the byte budget', () => {
  const signal = () => new AbortController().signal;

  it('grants in arrival order while the bytes fit, and gives them back once', async () => {
    const budget = new ByteBudget(100);
    const first = await budget.acquire(60, signal());
    const granted: string[] = [];
    const second = budget.acquire(60, signal()).then((r) => (granted.push('second'), r));
    const third = budget.acquire(10, signal()).then((r) => (granted.push('third'), r));
    await new Promise((r) => setImmediate(r));
    // The small third waits behind the second rather than overtaking it: no request starves.
    expect(granted).toEqual([]);
    first?.();
    first?.();
    expect((await second) !== null && (await third) !== null).toBe(true);
    expect(granted).toEqual(['second', 'third']);
    expect(budget.inUse).toBe(70);
  });

  it('lets a request larger than the whole budget through alone', async () => {
    const budget = new ByteBudget(100);
    const release = await budget.acquire(5_000, signal());
    expect(budget.inUse).toBe(100);
    release?.();
    expect(budget.inUse).toBe(0);
  });

  it('drops a waiter whose client went away, and the ones behind it move up', async () => {
    const budget = new ByteBudget(100);
    const first = await budget.acquire(100, signal());
    const gone = new AbortController();
    const abandoned = budget.acquire(100, gone.signal);
    const next = budget.acquire(50, signal());
    gone.abort();
    expect(await abandoned).toBeNull();
    first?.();
    expect(await next).not.toBeNull();
    expect(budget.inUse).toBe(50);
  });
});

class HeldSink implements AlertSink {
  calls: IncomingAlert[][] = [];
  private held: Array<() => void> = [];
  receive(alerts: IncomingAlert[]): Promise<AlertAnswer> {
    this.calls.push(alerts);
    return new Promise((resolve) => this.held.push(() => resolve({ accepted: alerts.length, unknownServices: [] })));
  }
  releaseAll(): void {
    for (const r of this.held.splice(0)) r();
  }
}

/** A POST of `body`; `headersOnly` sends the headers and holds the body back, as a sender that stalls. */
function post(port: number, body: string, headersOnly = false): { answer: Promise<number>; abort(): void } {
  const req = request({ port, host: '127.0.0.1', path: '/alerts/alertmanager', method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
  const answer = new Promise<number>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    // A request destroyed before its answer closes without one (and without an error).
    req.on('close', () => resolve(0));
  });
  if (headersOnly) req.flushHeaders();
  else req.end(body);
  return { answer, abort: () => req.destroy() };
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(done()).toBe(true);
}

describe('bodies in hand at once, through the route', () => {
  const body = bigAlertmanagerBody({ services: ['prompt-service'], tag: 'budget', maxBytes: 100_000 });

  async function serveHeld() {
    const sink = new HeldSink();
    // Room for one body and a half: a second body waits for the first to be answered.
    const routes = alertRoutes({ token: TOKEN, sink, clock: new ManualClock(NOW), log: createLogger({ level: 'silent' }), maxBytesInFlight: Math.floor(body.bytes * 1.5) });
    server = await startHttpServer(routes, 0, '127.0.0.1');
    return { sink, port: server.port };
  }

  it('past the budget a body waits unread until the ones before it are answered', async () => {
    const { sink, port } = await serveHeld();
    const first = post(port, body.json);
    await until(() => sink.calls.length === 1);
    const second = post(port, body.json);
    await new Promise((r) => setTimeout(r, 100));
    // While the first waits for its commit, the second has not reached the sink.
    expect(sink.calls).toHaveLength(1);

    sink.releaseAll();
    expect(await first.answer).toBe(202);
    await until(() => sink.calls.length === 2);
    sink.releaseAll();
    expect(await second.answer).toBe(202);
    expect(sink.calls.map((c) => c.length)).toEqual([body.alerts, body.alerts]);
  });

  it('a sender that gives up while it waits frees its place for the ones behind it', async () => {
    const { sink, port } = await serveHeld();
    const first = post(port, body.json);
    await until(() => sink.calls.length === 1);
    const abandoned = post(port, body.json, true);
    const third = post(port, body.json);
    await new Promise((r) => setTimeout(r, 100));
    abandoned.abort();
    expect(await abandoned.answer).toBe(0);

    sink.releaseAll();
    expect(await first.answer).toBe(202);
    // Next in line is the third: the one that left is not waited for.
    await until(() => sink.calls.length === 2);
    sink.releaseAll();
    expect(await third.answer).toBe(202);
  });
});
