import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { HTTP_INJECTOR_ATTEMPTS, httpInjector } from '../../src/adapters/drills/http.ts';
import type { FaultSpec } from '../../src/services/drill-ports.ts';
import { shippedConfig } from '../support/services.ts';
import { removeNoteLine, type RemoveResult } from '../../src/domain/drill-records.ts';

/** A removal with its note in English words, as the drill thread and the log say it. */
const said = (r: RemoveResult) => ({ ...r, note: removeNoteLine(r.note) });

/** The shipped services: prompt-service-staging is the drill service (drill: allowed). */
const services = shippedConfig().services;

interface Recorded {
  method: string;
  path: string;
  contentType: string | undefined;
  body: unknown;
}

/**
 * A prompt service's fault endpoint: it keeps the active faults by drill id (remove of an unknown
 * one is 404) and answers the scripted statuses first, in order.
 */
class FaultEndpoint {
  readonly requests: Recorded[] = [];
  readonly active = new Map<string, unknown>();
  readonly script: { status: number; body: string }[] = [];
  private server!: Server;
  url = '';

  static async start(): Promise<FaultEndpoint> {
    const e = new FaultEndpoint();
    e.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body = text ? (JSON.parse(text) as { action: string; drillId: string }) : undefined;
        e.requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          contentType: req.headers['content-type'],
          body,
        });
        const scripted = e.script.shift();
        let status = 200;
        let answer = '{"ok":true}';
        if (scripted) ({ status, body: answer } = scripted);
        else if (body?.action === 'apply') e.active.set(body.drillId, body);
        else if (body?.action === 'remove' && !e.active.delete(body.drillId))
          [status, answer] = [404, '{"error":"no such fault"}'];
        res.writeHead(status, { 'content-type': 'application/json' }).end(answer);
      });
    });
    await new Promise<void>((resolve) => e.server.listen(0, '127.0.0.1', resolve));
    e.url = `http://127.0.0.1:${(e.server.address() as AddressInfo).port}/admin/fault`;
    return e;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let endpoint: FaultEndpoint;
const started: FaultEndpoint[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.close()));
});

const SPEC: FaultSpec = {
  drillId: 'drill-7',
  service: 'prompt-service-staging',
  version: 'v2.0.0',
  scenario: 'partial-outage',
  trigger: 'partial_outage',
  errorRate: 1,
  latencyMs: null,
  share: 0.3,
  maxDurationMs: 1_800_000,
};

async function setup() {
  endpoint = await FaultEndpoint.start();
  started.push(endpoint);
  const sleeps: number[] = [];
  const injector = httpInjector(
    { kind: 'http', url: endpoint.url },
    { services, sleep: async (ms) => void sleeps.push(ms) },
  );
  return { injector, sleeps };
}

const APPLY_BODY = {
  action: 'apply',
  drillId: 'drill-7',
  service: 'prompt-service-staging',
  version: 'v2.0.0',
  scenario: 'partial-outage',
  trigger: 'partial_outage',
  errorRate: 1,
  latencyMs: null,
  share: 0.3,
  expiresInMs: 1_800_000,
};

describe('http injector', () => {
  test('apply and remove POST exactly these JSON bodies to the configured URL', async () => {
    const { injector, sleeps } = await setup();
    expect(injector.describe(SPEC)).toEqual([`POST ${endpoint.url} ${JSON.stringify(APPLY_BODY)}`]);
    expect(endpoint.requests).toEqual([]);

    const applied = await injector.apply(SPEC);
    expect(applied).toEqual({ injector: 'http', spec: SPEC, detail: { url: endpoint.url, status: 200 } });
    expect(endpoint.active.has('drill-7')).toBe(true);

    expect(said(await injector.remove(applied))).toEqual({
      removed: true,
      note: `removed the fault of drill drill-7 through ${endpoint.url}`,
    });
    expect(endpoint.requests).toEqual([
      { method: 'POST', path: '/admin/fault', contentType: 'application/json', body: APPLY_BODY },
      {
        method: 'POST',
        path: '/admin/fault',
        contentType: 'application/json',
        body: { action: 'remove', drillId: 'drill-7' },
      },
    ]);
    expect(endpoint.active.size).toBe(0);
    expect(sleeps).toEqual([]);
  });

  test('a 500 is retried after a short wait, then the 200 counts', async () => {
    const { injector, sleeps } = await setup();
    endpoint.script.push({ status: 500, body: 'restarting' });
    await injector.apply(SPEC);
    expect(endpoint.requests.map((r) => r.body)).toEqual([APPLY_BODY, APPLY_BODY]);
    expect(sleeps).toEqual([500]);
    expect(endpoint.active.has('drill-7')).toBe(true);
  });

  test('5xx on every attempt fails after 3 attempts, naming URL, status and the start of the body', async () => {
    const { injector, sleeps } = await setup();
    for (let i = 0; i < HTTP_INJECTOR_ATTEMPTS; i++) endpoint.script.push({ status: 503, body: 'x'.repeat(300) });
    await expect(injector.remove({ injector: 'http', spec: SPEC, detail: null })).rejects.toThrow(
      `POST ${endpoint.url} failed: 503: ${'x'.repeat(200)} (after 3 attempts)`,
    );
    expect(endpoint.requests).toHaveLength(3);
    expect(sleeps).toEqual([500, 1000]);
  });

  test('a 400 fails at once with the URL, the status and the body', async () => {
    const { injector, sleeps } = await setup();
    endpoint.script.push({ status: 400, body: '{"error":"errorRate must be at most 1"}' });
    await expect(injector.apply(SPEC)).rejects.toThrow(
      `POST ${endpoint.url} failed: 400: {"error":"errorRate must be at most 1"}`,
    );
    expect(endpoint.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  test('remove is idempotent: 404 and 410 mean already gone', async () => {
    const { injector } = await setup();
    const applied = await injector.apply(SPEC);
    expect((await injector.remove(applied)).removed).toBe(true);
    expect(said(await injector.remove(applied))).toEqual({
      removed: false,
      note: `${endpoint.url} answered 404: no fault of drill drill-7 there, already gone`,
    });
    endpoint.script.push({ status: 410, body: 'expired' });
    expect(said(await injector.remove({ injector: 'http', spec: SPEC, detail: null }))).toEqual({
      removed: false,
      note: `${endpoint.url} answered 410: no fault of drill drill-7 there, already gone`,
    });
    expect(endpoint.requests.map((r) => r.body)).toEqual([
      APPLY_BODY,
      ...Array.from({ length: 3 }, () => ({ action: 'remove', drillId: 'drill-7' })),
    ]);
  });

  test('no answer at all: retried, then an error naming the URL', async () => {
    const { injector, sleeps } = await setup();
    const url = endpoint.url;
    await started.pop()?.close();
    await expect(injector.apply(SPEC)).rejects.toThrow(
      new RegExp(
        `^POST ${url.replace(/[.]/g, '\\.')} failed: cannot reach it \\(.*ECONNREFUSED.*\\) \\(after 3 attempts\\)$`,
      ),
    );
    expect(sleeps).toEqual([500, 1000]);
  });

  test('a request that is not answered within the timeout fails as such', async () => {
    const hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/fault`;
    const injector = httpInjector({ kind: 'http', url }, { services, sleep: async () => undefined, timeoutMs: 50 });
    try {
      await expect(injector.apply(SPEC)).rejects.toThrow(
        `POST ${url} failed: no answer within 50ms (after 3 attempts)`,
      );
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });

  test('a URL reaching production’s Service is refused by the injector itself: nothing is sent', async () => {
    const sent: string[] = [];
    const fetch = (async (url: string | URL | Request) => {
      sent.push(String(url));
      return new Response('{}', { status: 200 });
    }) as typeof globalThis.fetch;
    const url = 'http://prompt-service-mesh.prompts/admin/fault';
    const injector = httpInjector({ kind: 'http', url }, { services, fetch, sleep: async () => undefined });
    const reason =
      "http://prompt-service-mesh.prompts/admin/fault reaches Service prompts/prompt-service-mesh, which belongs to service prompt-service (named after it), which is drill: denied and not allowed for drills; the http injector must reach the drill service prompt-service-staging's own fault endpoint";
    expect(await injector.checkTarget('prompt-service-staging')).toEqual({
      ok: false,
      reason,
      reasonJa:
        'http://prompt-service-mesh.prompts/admin/fault が届く Service prompts/prompt-service-mesh はサービス prompt-service（名前が prompt-service- で始まる、drill: denied のため訓練不可）のものです。http インジェクターは訓練対象サービス prompt-service-staging 自身の障害エンドポイントに送る必要があります',
    });
    await expect(injector.apply(SPEC)).rejects.toThrow(`the drill was refused and nothing was sent: ${reason}`);
    expect(sent).toEqual([]);
  });

  test('its own endpoint passes the check; a service not marked drill: allowed does not', async () => {
    const { injector } = await setup();
    expect(await injector.checkTarget('prompt-service-staging')).toEqual({ ok: true });
    const denied = await injector.checkTarget('prompt-service');
    expect(denied.ok ? null : denied.reason).toBe(
      'prompt-service is drill: denied; a drill injects real faults, so it only runs on a service marked drill: ' +
        'allowed',
    );
    await expect(injector.apply({ ...SPEC, service: 'prompt-service' })).rejects.toThrow(
      'the drill was refused and nothing was sent: prompt-service is drill: denied',
    );
    expect(endpoint.requests).toEqual([]);
  });
});
