import { request } from 'node:http';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WEBHOOKS_DISABLED_ERROR, alertRoutes } from '../../src/adapters/alerts/routes.ts';
import { startHttpServer, type RunningServer } from '../../src/adapters/http/server.ts';
import { createLogger } from '../../src/logger.ts';
import { ManualClock, type Clock } from '../../src/clock.ts';
import type { AlertSink, IncomingAlert } from '../../src/services/ports.ts';
import { fixture } from './fixtures.ts';

const TOKEN = 'whk-5b0e1c9a7d3f4e26a8c1';
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const PATHS = ['/alerts/alertmanager', '/alerts/grafana', '/alerts/generic'];
const GENERIC = { service: 'prompt-service', severity: 'critical', summary: 'synthetic check failed' };

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

class RecordingSink implements AlertSink {
  calls: IncomingAlert[][] = [];
  answer: ((alerts: IncomingAlert[]) => Promise<{ accepted: number; unknownServices: string[] }>) | null = null;
  async receive(alerts: IncomingAlert[]) {
    this.calls.push(alerts);
    return this.answer ? this.answer(alerts) : { accepted: alerts.length, unknownServices: [] };
  }
}

async function serve(options: { token?: string | undefined; maxBodyBytes?: number; clock?: Clock } = { token: TOKEN }) {
  const sink = new RecordingSink();
  const stream = new PassThrough();
  const logs: string[] = [];
  stream.on('data', (chunk: Buffer) => logs.push(...chunk.toString().split('\n').filter(Boolean)));
  // No `secrets` on purpose: the routes themselves must keep the token out of the logs.
  const log = createLogger({ level: 'debug', destination: stream });
  const routes = alertRoutes({
    token: options.token,
    sink,
    clock: options.clock ?? new ManualClock(NOW),
    log,
    maxBodyBytes: options.maxBodyBytes,
  });
  server = await startHttpServer(routes, 0, '127.0.0.1');
  return { base: `http://127.0.0.1:${server.port}`, port: server.port, sink, logs };
}

function post(url: string, body: string, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body,
  });
}

async function answer(res: Response) {
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('alert webhooks over HTTP', () => {
  it("delivers an Alertmanager notification to the sink and answers 202 with the sink's answer", async () => {
    const { base, sink, logs } = await serve();
    sink.answer = async (alerts) => ({ accepted: alerts.length, unknownServices: ['prompt-service'] });
    const res = await post(`${base}/alerts/alertmanager`, JSON.stringify(fixture('alertmanager-v4')));
    expect(await answer(res)).toEqual({ status: 202, body: { accepted: 2, unknownServices: ['prompt-service'] } });
    expect(sink.calls).toHaveLength(1);
    expect(sink.calls[0]!.map((a) => [a.source, a.fingerprint, a.status, a.service, a.severity, a.endsAt])).toEqual([
      ['alertmanager', 'd34d9c3a2971cc3f', 'firing', 'prompt-service', 'critical', null],
      ['alertmanager', '3b98a0a7902bb556', 'resolved', 'prompt-service', 'warning', Date.UTC(2026, 10, 28, 16, 24, 31)],
    ]);
    await new Promise((r) => setImmediate(r));
    expect(logs.map((l) => JSON.parse(l) as Record<string, unknown>)).toContainEqual(
      expect.objectContaining({
        msg: 'alerts received',
        route: '/alerts/alertmanager',
        alerts: 2,
        accepted: 2,
        unknownServices: ['prompt-service'],
      }),
    );
  });

  it("delivers Grafana and generic alerts, the generic one stamped with the clock's time", async () => {
    const { base, sink } = await serve();
    expect(await answer(await post(`${base}/alerts/grafana`, JSON.stringify(fixture('grafana-v1'))))).toEqual({
      status: 202,
      body: { accepted: 2, unknownServices: [] },
    });
    const res = await post(`${base}/alerts/generic`, JSON.stringify(GENERIC), {
      'content-type': 'application/json; charset=utf-8',
      authorization: `bearer ${TOKEN}`,
    });
    expect(await answer(res)).toEqual({ status: 202, body: { accepted: 1, unknownServices: [] } });
    expect(sink.calls.map((c) => c.map((a) => `${a.source}:${a.service}:${a.severity}`))).toEqual([
      ['grafana:prompt-service:watch', 'grafana:prompt-eval:warning'],
      ['generic:prompt-service:critical'],
    ]);
    expect(sink.calls[1]![0]).toMatchObject({ startsAt: NOW, endsAt: null, summary: 'synthetic check failed' });
  });

  it.each([undefined, ''])(
    'answers 503 on every alert route when ALERT_WEBHOOK_TOKEN is %j, whatever the request',
    async (token) => {
      const { base, sink } = await serve({ token });
      for (const path of PATHS) {
        const res = await post(`${base}${path}`, JSON.stringify(GENERIC));
        expect(await answer(res)).toEqual({ status: 503, body: { error: WEBHOOKS_DISABLED_ERROR } });
      }
      expect(WEBHOOKS_DISABLED_ERROR).toBe('alert webhooks are disabled: set ALERT_WEBHOOK_TOKEN');
      expect(sink.calls).toEqual([]);
    },
  );

  it('answers 401 with WWW-Authenticate: Bearer without a token, with another scheme or a wrong one', async () => {
    const { base, sink } = await serve();
    for (const path of PATHS) {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(GENERIC),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await res.json()).toEqual({
        error: 'missing bearer token: send "Authorization: Bearer <ALERT_WEBHOOK_TOKEN>"',
      });
    }
    const basic = await post(`${base}/alerts/generic`, JSON.stringify(GENERIC), {
      authorization: `Basic ${Buffer.from(`rewind:${TOKEN}`).toString('base64')}`,
    });
    expect(basic.status).toBe(401);
    for (const wrong of [`${TOKEN}x`, TOKEN.slice(0, -1), 'a', TOKEN.toUpperCase()]) {
      const res = await post(`${base}/alerts/alertmanager`, JSON.stringify(fixture('alertmanager-v4')), {
        authorization: `Bearer ${wrong}`,
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="rewind", error="invalid_token"');
      expect(await res.json()).toEqual({ error: 'wrong bearer token' });
    }
    expect(sink.calls).toEqual([]);
  });

  it('answers 415 to a body that is not declared JSON, or is compressed', async () => {
    const { base, sink } = await serve();
    const text = await post(`${base}/alerts/generic`, JSON.stringify(GENERIC), { 'content-type': 'text/plain' });
    expect(await answer(text)).toEqual({
      status: 415,
      body: { error: 'content-type must be application/json, got "text/plain"' },
    });
    const form = await post(`${base}/alerts/alertmanager`, 'version=4', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    const gzip = await post(`${base}/alerts/generic`, JSON.stringify(GENERIC), { 'content-encoding': 'gzip' });
    expect(await answer(gzip)).toEqual({
      status: 415,
      body: { error: 'content-encoding "gzip" is not supported: send the JSON uncompressed' },
    });
    expect(sink.calls).toEqual([]);
  });

  it('answers 413 to a body over the 1 MiB default, and keeps serving afterwards', async () => {
    const { base, sink } = await serve();
    const huge = JSON.stringify({ ...GENERIC, labels: { padding: 'x'.repeat(2 * 1024 * 1024) } });
    const res = await post(`${base}/alerts/generic`, huge);
    expect(await answer(res)).toEqual({
      status: 413,
      body: { error: 'body is larger than the limit of 1048576 bytes' },
    });
    expect(res.headers.get('connection')).toBe('close');
    // Just under the limit is still accepted.
    const fits = JSON.stringify({ ...GENERIC, labels: { padding: 'x'.repeat(1024 * 1024 - 200) } });
    expect(Buffer.byteLength(fits)).toBeLessThanOrEqual(1024 * 1024);
    expect((await post(`${base}/alerts/generic`, fits)).status).toBe(202);
    expect(sink.calls).toHaveLength(1);
    expect(sink.calls[0]![0]!.labels.padding).toHaveLength(1024 * 1024 - 200);
  });

  it('refuses a declared oversize body on its Content-Length before a byte of it is sent', async () => {
    const { port, sink } = await serve({ token: TOKEN, maxBodyBytes: 64 * 1024 });
    const { status, bytesWritten } = await new Promise<{ status: number | undefined; bytesWritten: number }>(
      (resolve, reject) => {
        const req = request({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/alerts/alertmanager',
          headers: {
            authorization: `Bearer ${TOKEN}`,
            'content-type': 'application/json',
            'content-length': String(50 * 1024 * 1024),
          },
        });
        req.on('response', (res) => {
          res.resume();
          const bytesWritten = req.socket?.bytesWritten ?? -1;
          req.destroy();
          resolve({ status: res.statusCode, bytesWritten });
        });
        req.on('error', reject);
        req.flushHeaders();
      },
    );
    expect(status).toBe(413);
    expect(bytesWritten).toBeGreaterThan(0);
    expect(bytesWritten).toBeLessThan(1024);
    expect(sink.calls).toEqual([]);
  });

  it('stops reading a chunked body at the limit, answers 413 while the client still sends, stays healthy', async () => {
    const { base, port, sink } = await serve({ token: TOKEN, maxBodyBytes: 64 * 1024 });
    const total = 32 * 1024 * 1024;
    const { status, sent } = await new Promise<{ status: string; sent: number }>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/alerts/generic',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      });
      let answered = false;
      let sent = 0;
      req.on('response', (res) => {
        answered = true;
        res.resume();
        resolve({ status: String(res.statusCode), sent });
        req.destroy();
      });
      // Once the server has answered and closed, further writes may fail: that is expected.
      req.on('error', (err) => {
        if (!answered) resolve({ status: `error: ${err.message}`, sent });
      });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const pump = () => {
        while (!answered && sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!answered) req.end();
      };
      pump();
    });
    expect(status).toBe('413');
    expect(sent).toBeLessThan(total);
    expect(sink.calls).toEqual([]);
    const after = await post(`${base}/alerts/generic`, JSON.stringify(GENERIC));
    expect(await answer(after)).toEqual({ status: 202, body: { accepted: 1, unknownServices: [] } });
  });

  it('answers 400 with the parse error to malformed JSON', async () => {
    const { base, sink } = await serve();
    for (const path of PATHS) {
      const res = await post(`${base}${path}`, '{"version": "4", "alerts": [');
      const { status, body } = await answer(res);
      expect(status).toBe(400);
      expect(body.error).toMatch(/^body is not valid JSON: .+/);
    }
    expect((await answer(await post(`${base}/alerts/generic`, ''))).body.error).toBe(
      'body is not valid JSON: Unexpected end of JSON input',
    );
    expect(sink.calls).toEqual([]);
  });

  it("answers 400 with the normaliser's reason to a payload of the wrong shape", async () => {
    const { base, sink } = await serve();
    const body = fixture('alertmanager-v4');
    body.alerts[1]!.labels.replicas = 3;
    expect(await answer(await post(`${base}/alerts/alertmanager`, JSON.stringify(body)))).toEqual({
      status: 400,
      body: {
        error:
          'invalid alertmanager payload: alerts[1].labels must be an object of strings (alerts[1].labels.replicas is ' +
          'the number 3)',
      },
    });
    // A valid Alertmanager body is the wrong shape for the Grafana route.
    expect(await answer(await post(`${base}/alerts/grafana`, JSON.stringify(fixture('alertmanager-v4'))))).toEqual({
      status: 400,
      body: {
        error: 'invalid grafana payload: version must be "1" (Grafana unified alerting webhook), got the string "4"',
      },
    });
    expect(
      await answer(await post(`${base}/alerts/generic`, JSON.stringify({ service: 'prompt-service', summary: 'x' }))),
    ).toEqual({
      status: 400,
      body: { error: 'invalid generic payload: severity is missing: expected a string' },
    });
    expect(sink.calls).toEqual([]);
  });

  it('answers 400 to an Alertmanager payload of another version', async () => {
    const { base, sink } = await serve();
    const body = fixture('alertmanager-v4');
    body.version = '5';
    expect(await answer(await post(`${base}/alerts/alertmanager`, JSON.stringify(body)))).toEqual({
      status: 400,
      body: { error: 'invalid alertmanager payload: version must be "4" (Alertmanager webhook), got the string "5"' },
    });
    expect(sink.calls).toEqual([]);
  });

  it('answers 500 when the sink fails, so the sender retries', async () => {
    const { base, sink } = await serve();
    sink.answer = async () => {
      throw new Error('database is locked');
    };
    expect(await answer(await post(`${base}/alerts/generic`, JSON.stringify(GENERIC)))).toEqual({
      status: 500,
      body: { error: 'the alerts could not be stored: database is locked' },
    });
    expect(sink.calls).toHaveLength(1);
  });

  it("answers an unexpected failure itself with a 500, since Bolt's receiver would not catch it", async () => {
    const clock: Clock = {
      now: () => {
        throw new Error('clock unavailable');
      },
      sleep: () => Promise.resolve(),
    };
    const { base, sink, logs } = await serve({ token: TOKEN, clock });
    expect(await answer(await post(`${base}/alerts/generic`, JSON.stringify(GENERIC)))).toEqual({
      status: 500,
      body: { error: 'internal error while receiving the alerts' },
    });
    expect(sink.calls).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(logs.some((l) => l.includes('alert webhook request failed') && l.includes('clock unavailable'))).toBe(true);
  });

  it('serves the alert routes for POST only', async () => {
    const { base } = await serve();
    const res = await fetch(`${base}/alerts/alertmanager`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('never puts the token, or a wrong one, in a log line or an answer', async () => {
    const { base, logs } = await serve();
    const wrong = 'guess-8c1f2a4b6d';
    const answers: string[] = [];
    const send = async (body: string, headers: Record<string, string> = {}) =>
      answers.push(await (await post(`${base}/alerts/generic`, body, headers)).text());
    await send(JSON.stringify(GENERIC));
    await send(JSON.stringify(GENERIC), { authorization: `Bearer ${wrong}` });
    await send(JSON.stringify(GENERIC), { authorization: TOKEN });
    await send('{not json');
    await send(JSON.stringify({ ...GENERIC, severity: 3 }));
    await send(JSON.stringify(GENERIC), { 'content-type': 'text/plain' });
    await new Promise((r) => setImmediate(r));
    const refusals = logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'alert webhook request refused');
    expect(refusals.map((l) => l.status)).toEqual([401, 401, 400, 400, 415]);
    for (const text of [...logs, ...answers]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(wrong);
    }
  });
});
