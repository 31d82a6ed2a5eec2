/**
 * Senders that take their time cannot hold the bot: an alert body trickled in is answered 408 and
 * cut off once its deadline passes, while small alerts sent meanwhile are answered at once; a
 * request whose headers trickle in is answered 408 by the server itself; and a Slack request body
 * that trickles in is cut off the same way. Through both servers — Bolt's HTTP receiver (HTTP
 * mode, built by createSlackApp as production builds it) and Rewind's own (Socket Mode) — with the
 * deadlines shortened for the test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { alertRoutes } from '../../src/adapters/alerts/routes.ts';
import { startHttpServer, type ServerTimeouts } from '../../src/adapters/http/server.ts';
import { RequestActivity } from '../../src/adapters/http/activity.ts';
import { createSlackApp, type SlackSurface } from '../../src/adapters/slack/app.ts';
import { createLogger } from '../../src/logger.ts';
import { ManualClock } from '../../src/clock.ts';
import type { AlertAnswer, AlertSink, IncomingAlert } from '../../src/services/ports.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { bigAlertmanagerBody } from '../support/big-alerts.ts';
import { nowSeconds, signature } from '../support/slack-signing.ts';
import { slowRequest, waitFor, type SlowRequest } from '../support/slow-client.ts';

const TOKEN = 'whk-slow-senders';
const SECRET = 'slow-senders-signing-secret';
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const BODY_TIMEOUT_MS = 400;
const SMALL = JSON.stringify({ service: 'prompt-service', severity: 'warning', summary: 'error rate 7.2% > 5%' });
/** Short enough to see within a test, ordered as Node requires (headers ≤ request). */
const TIMEOUTS: ServerTimeouts = {
  headersTimeout: 300,
  requestTimeout: 5_000,
  connectionsCheckingInterval: 50,
  keepAliveTimeout: 5_000,
};

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

class HeldSink implements AlertSink {
  calls: IncomingAlert[][] = [];
  hold = false;
  private held: Array<() => void> = [];
  receive(alerts: IncomingAlert[]): Promise<AlertAnswer> {
    this.calls.push(alerts);
    const answer = { accepted: alerts.length, unknownServices: [] };
    if (!this.hold) return Promise.resolve(answer);
    return new Promise((resolve) => this.held.push(() => resolve(answer)));
  }
  releaseAll(): void {
    for (const r of this.held.splice(0)) r();
  }
}

type Server = 'bolt' | 'own';

/** The alert routes with a short body deadline on one of the two servers. */
async function serve(
  kind: Server,
  o: { maxBytesInFlight?: number; bodyTimeoutMs?: number } = {},
): Promise<{ port: number; sink: HeldSink }> {
  const sink = new HeldSink();
  const log = createLogger({ level: 'silent' });
  const routes = alertRoutes({
    token: TOKEN,
    sink,
    clock: new ManualClock(NOW),
    log,
    bodyTimeoutMs: o.bodyTimeoutMs ?? BODY_TIMEOUT_MS,
    ...(o.maxBytesInFlight ? { maxBytesInFlight: o.maxBytesInFlight } : {}),
  });
  if (kind === 'own') {
    const server = await startHttpServer(routes, 0, '127.0.0.1', TIMEOUTS);
    cleanups.push(() => server.close());
    return { port: server.port, sink };
  }
  const { surface } = httpMode(routes);
  return { port: await surface.start(0, '127.0.0.1'), sink };
}

function httpMode(
  routes: Parameters<typeof createSlackApp>[0]['routes'],
  slackBodyTimeoutMs?: number,
): { surface: SlackSurface; store: Store } {
  const store = openStore(':memory:');
  const surface = createSlackApp({
    botToken: 'xoxb-slow',
    signingSecret: SECRET,
    apiUrl: 'http://127.0.0.1:9/api/',
    botId: 'B0REWIND',
    botUserId: 'U0REWIND',
    routes,
    log: createLogger({ level: 'silent' }),
    clock: new ManualClock(NOW),
    processedRequests: store.processedRequests,
    activity: new RequestActivity(),
    serverTimeouts: TIMEOUTS,
    ...(slackBodyTimeoutMs ? { slackBodyTimeoutMs } : {}),
  });
  cleanups.push(
    () => store.close(),
    () => surface.stop(),
  );
  return { surface, store };
}

async function postSmall(port: number): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${port}/alerts/generic`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: SMALL,
  });
  return { status: res.status, body: await res.json() };
}

/** A webhook whose body trickles in, a few bytes every 50 ms, never ending by itself. */
function trickledWebhook(port: number, framing: 'chunked' | 'declared'): SlowRequest {
  const req = slowRequest(port, {
    path: '/alerts/generic',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      ...(framing === 'chunked' ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(1024 * 1024) }),
    },
    first: '{"service": "prompt-service", "summary": "',
    trickle: { piece: 'slow ', everyMs: 50 },
  });
  cleanups.push(() => req.stop());
  return req;
}

describe.each<Server>(['bolt', 'own'])('a webhook body that trickles in (%s server)', (kind) => {
  it(
    'is answered 408 with the reason and cut off once the deadline passes; a small alert sent meanwhile is 202 at ' +
      'once',
    async () => {
      const { port, sink } = await serve(kind);
      const slow = trickledWebhook(port, 'chunked');
      await waitFor('the slow body to be under way', () => slow.bodyBytesAtAnswer > 60);

      const small = await postSmall(port);
      expect(small).toEqual({ status: 202, body: { accepted: 1, unknownServices: [] } });
      // Answered while the slow one still held its connection.
      expect(slow.status).toBeNull();

      await slow.ended;
      expect(slow.status).toBe(408);
      expect(slow.received).toMatch(/\r\nconnection: close\r\n/i);
      expect(slow.json()).toEqual({
        error: expect.stringMatching(/^body not received in full within 0\.4 s \(\d+ bytes arrived\)$/),
      });
      expect(sink.calls.map((c) => c[0]?.summary)).toEqual(['error rate 7.2% > 5%']);
    },
  );

  it('slow headers are answered 408 by the server itself, and the connection closed', async () => {
    const { port } = await serve(kind);
    const slow = slowRequest(port, {
      path: '/alerts/generic',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': '2' },
      headByteEveryMs: 20,
    });
    cleanups.push(() => slow.stop());
    await slow.ended;
    expect(slow.status).toBe(408);
    expect(slow.bodyBytesAtAnswer).toBe(0);
  });
});

describe('many slow senders', () => {
  it(
    'eight trickling bodies, half declaring 1 MiB, half chunked, hold almost none of the budget: a small alert is ' +
      'answered at once',
    async () => {
      // The deadline is far off here: the small alert must get through while they all still send.
      const { port, sink } = await serve('bolt', { bodyTimeoutMs: 60_000 });
      const slow = [
        ...Array.from({ length: 4 }, () => trickledWebhook(port, 'declared')),
        ...Array.from({ length: 4 }, () => trickledWebhook(port, 'chunked')),
      ];
      await waitFor('every slow body to be under way', () => slow.every((s) => s.bodyBytesAtAnswer > 60));

      for (let i = 0; i < 3; i++) expect((await postSmall(port)).status).toBe(202);
      expect(slow.map((s) => [s.status, s.closed])).toEqual(slow.map(() => [null, false]));
      expect(sink.calls).toHaveLength(3);
    },
  );

  it(
    'time a body waits for the budget is not held against it: it is read once room comes back, past its own ' +
      'deadline',
    async () => {
      const body = bigAlertmanagerBody({ services: ['prompt-service'], tag: 'waits', maxBytes: 100_000 });
      // Room for one body and a half; the deadline is ample for sending, short next to the wait below.
      const { port, sink } = await serve('own', {
        maxBytesInFlight: Math.floor(body.bytes * 1.5),
        bodyTimeoutMs: 1_000,
      });
      sink.hold = true;
      const post = () =>
        fetch(`http://127.0.0.1:${port}/alerts/alertmanager`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: body.json,
        });
      const first = post();
      await waitFor('the first body to reach the sink', () => sink.calls.length === 1);
      const second = post();
      // Well past the second body's deadline while it waits on the first one's commit.
      await new Promise((r) => setTimeout(r, 2_500));
      expect(sink.calls).toHaveLength(1);
      sink.hold = false;
      sink.releaseAll();
      expect((await first).status).toBe(202);
      expect((await second).status).toBe(202);
      expect(sink.calls.map((c) => c.length)).toEqual([body.alerts, body.alerts]);
    },
  );
});

describe('a Slack request body that trickles in (HTTP mode)', () => {
  it("is answered 408 once the gate's deadline passes, and the connection closed", async () => {
    const { surface } = httpMode([], BODY_TIMEOUT_MS);
    const port = await surface.start(0, '127.0.0.1');
    const timestamp = nowSeconds();
    const slow = slowRequest(port, {
      path: '/slack/events',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': '4096',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signature(SECRET, 'x', timestamp),
      },
      first: 'command=%2Frollback&text=',
      trickle: { piece: 'a', everyMs: 50 },
    });
    cleanups.push(() => slow.stop());
    await slow.ended;
    expect(slow.status).toBe(408);
    expect(slow.received).toMatch(/\r\nconnection: close\r\n/i);
  });
});
