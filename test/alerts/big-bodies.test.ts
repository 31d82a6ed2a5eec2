/**
 * How the alert routes hold big bodies: the alerts of a body are read a slice per turn of the event
 * loop (same answer as reading them at once, and other work runs between slices), and the bytes of
 * bodies in hand at once are bounded — a body takes them as they arrive, and past the budget it
 * stops reading until the ones before it are answered.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { normaliseAlertmanager, openAlertmanager } from '../../src/adapters/alerts/alertmanager.ts';
import { ByteBudget } from '../../src/adapters/alerts/budget.ts';
import { normaliseInChunks } from '../../src/adapters/alerts/normalise.ts';
import { alertRoutes } from '../../src/adapters/alerts/routes.ts';
import { startHttpServer, type RunningServer } from '../../src/adapters/http/server.ts';
import { createLogger } from '../../src/logger.ts';
import { ManualClock } from '../../src/clock.ts';
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
  const body = JSON.parse(bigAlertmanagerBody({ services: ['prompt-service', 'billing'], tag: 'slices' }).json) as {
    alerts: Array<Record<string, unknown>>;
  };

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
    expect(sliced).toEqual({
      ok: false,
      error: 'alerts[300].labels must be an object of strings (alerts[300].labels.service is the number 7)',
    });
    expect(normaliseAlertmanager(wrong, NOW)).toEqual(sliced);
  });
});

describe('the byte budget', () => {
  const signal = () => new AbortController().signal;
  const tick = () => new Promise((r) => setImmediate(r));

  it('takes bytes as they arrive while they fit; past the limit a chunk waits, first come first served', async () => {
    const budget = new ByteBudget(100);
    const [a, b, c] = [budget.open(), budget.open(), budget.open()];
    expect(a.take(60, signal())).toBe(true);
    const granted: string[] = [];
    const second = b.take(60, signal());
    // The third's chunk would fit in the 40 bytes left, but waits behind the second: no body starves.
    const third = c.take(10, signal());
    expect([second, third].some((t) => t === true)).toBe(false);
    void Promise.resolve(second).then(() => granted.push('second'));
    void Promise.resolve(third).then(() => granted.push('third'));
    await tick();
    expect(granted).toEqual([]);
    a.release();
    a.release();
    expect([await second, await third]).toEqual([true, true]);
    expect(granted).toEqual(['second', 'third']);
    expect(budget.inUse).toBe(70);
  });

  it('a body holds only what it has sent: fifty bodies a byte in leave room for a small one', () => {
    const budget = new ByteBudget(100);
    const trickling = Array.from({ length: 50 }, () => budget.open());
    for (const share of trickling) expect(share.take(1, signal())).toBe(true);
    expect(budget.open().take(50, signal())).toBe(true);
    expect(budget.inUse).toBe(100);
  });

  it('lets a chunk larger than the whole budget through alone', async () => {
    const budget = new ByteBudget(100);
    const big = budget.open();
    expect(big.take(5_000, signal())).toBe(true);
    expect(budget.inUse).toBe(5_000);
    const next = budget.open().take(1, signal());
    expect(next).not.toBe(true);
    big.release();
    expect(await next).toBe(true);
    expect(budget.inUse).toBe(1);
  });

  it('bodies waiting on each other: the first one goes on past the limit, the rest as bytes come back', async () => {
    const budget = new ByteBudget(100);
    const [a, b, c] = [budget.open(), budget.open(), budget.open()];
    expect([a.take(40, signal()), b.take(40, signal()), c.take(20, signal())]).toEqual([true, true, true]);
    const granted: string[] = [];
    const more = { a: a.take(30, signal()), b: b.take(30, signal()) };
    void Promise.resolve(more.a).then(() => granted.push('a'));
    void Promise.resolve(more.b).then(() => granted.push('b'));
    await tick();
    // c still reads (or waits for its commit) and will give its 20 bytes back: nobody is let past yet.
    expect(granted).toEqual([]);
    const moreC = c.take(30, signal());
    void Promise.resolve(moreC).then(() => granted.push('c'));
    await tick();
    // Now all three wait and none would ever give bytes back: a, first to take, goes on alone.
    expect(granted).toEqual(['a']);
    expect(budget.inUse).toBe(130);
    a.release();
    await tick();
    expect(granted).toEqual(['a', 'b']);
    expect(budget.inUse).toBe(90);
    b.release();
    expect(await moreC).toBe(true);
    expect(budget.inUse).toBe(50);
  });

  it('drops a waiter whose client went away, and the ones behind it move up', async () => {
    const budget = new ByteBudget(100);
    const first = budget.open();
    expect(first.take(100, signal())).toBe(true);
    const gone = new AbortController();
    const abandoned = budget.open().take(100, gone.signal);
    const next = budget.open().take(50, signal());
    gone.abort();
    expect(await abandoned).toBe(false);
    first.release();
    expect(await next).toBe(true);
    expect(budget.inUse).toBe(50);
  });

  it('a share released while its chunk waits: the wait ends false and its bytes come back', async () => {
    const budget = new ByteBudget(100);
    const [a, b] = [budget.open(), budget.open()];
    expect(a.take(50, signal())).toBe(true);
    expect(b.take(50, signal())).toBe(true);
    const waiting = b.take(10, signal());
    const c = budget.open().take(40, signal());
    b.release();
    expect(await waiting).toBe(false);
    expect(await c).toBe(true);
    expect([budget.inUse, budget.waiters]).toEqual([90, 0]);
    expect(b.take(1, signal()) === true).toBe(false);
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

/** A POST of `body`. */
function post(port: number, body: string): { answer: Promise<number>; abort(): void } {
  const req = request({
    port,
    host: '127.0.0.1',
    path: '/alerts/alertmanager',
    method: 'POST',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    },
  });
  const answer = new Promise<number>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    // A request destroyed before its answer closes without one (and without an error).
    req.on('close', () => resolve(0));
  });
  req.end(body);
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
    const routes = alertRoutes({
      token: TOKEN,
      sink,
      clock: new ManualClock(NOW),
      log: createLogger({ level: 'silent' }),
      maxBytesInFlight: Math.floor(body.bytes * 1.5),
    });
    server = await startHttpServer(routes, 0, '127.0.0.1');
    return { sink, port: server.port };
  }

  it('past the budget a body stops reading until the ones before it are answered', async () => {
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

  it(
    'six bodies at once, three times the budget, read a part at a time: none waits on the others for ever, all are ' +
      'stored',
    async () => {
      const calls: number[] = [];
      // A commit takes a few milliseconds, as a real one does: meanwhile the others read on and fill the budget.
      const sink: AlertSink = {
        receive: (alerts) =>
          new Promise((resolve) =>
            setTimeout(() => (calls.push(alerts.length), resolve({ accepted: alerts.length, unknownServices: [] })), 5),
          ),
      };
      const routes = alertRoutes({
        token: TOKEN,
        sink,
        clock: new ManualClock(NOW),
        log: createLogger({ level: 'silent' }),
        maxBytesInFlight: Math.floor(body.bytes * 2),
      });
      server = await startHttpServer(routes, 0, '127.0.0.1');
      const port = server.port;
      const posts = Array.from({ length: 6 }, () => post(port, body.json));
      expect(await Promise.all(posts.map((p) => p.answer))).toEqual([202, 202, 202, 202, 202, 202]);
      expect(calls).toEqual(Array.from({ length: 6 }, () => body.alerts));
    },
  );

  it('a sender that gives up while it waits frees its place for the ones behind it', async () => {
    const { sink, port } = await serveHeld();
    const first = post(port, body.json);
    await until(() => sink.calls.length === 1);
    // Half of it fits beside the first; the rest waits in line, and the third behind it.
    const abandoned = post(port, body.json);
    await new Promise((r) => setTimeout(r, 50));
    const third = post(port, body.json);
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.calls).toHaveLength(1);
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
