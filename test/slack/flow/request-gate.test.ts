/**
 * HTTP mode, the running bot: a request to /slack/events must show a well-formed signature and a
 * timestamp within five minutes before its body is read, and may bring at most 512 KiB. A request
 * without them, with a stale or future timestamp, or declaring a larger body is answered while the
 * client has sent no more than its headers and a first slice, and the connection is closed. What
 * passes is still verified by Bolt (a wrong signature is 401), and signed commands — the longest
 * Rewind acts on included — are answered as before, also while unsigned floods arrive.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SLACK_MAX_BODY_BYTES } from '../../../src/adapters/slack/http-gate.ts';
import { COMMAND } from '../../../src/adapters/slack/ids.ts';
import { nowSeconds, postSigned, signature, slashCommandBody } from '../../support/slack-signing.ts';
import { slowRequest } from '../../support/slow-client.ts';
import { ALICE, SECRET, startWorld, type World } from '../../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

const FOUR_MB = 4 * 1024 * 1024;
const FIRST_SLICE = 'payload=' + 'x'.repeat(1016);
const portOf = (w: World) => Number(new URL(w.url).port);

/** Headers and a first 1 KiB slice of a body declared 4 MB, then nothing: only an answer given unread can arrive. */
function declaredBig(w: World, headers: Record<string, string>) {
  const req = slowRequest(portOf(w), {
    path: '/slack/events',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(FOUR_MB), ...headers },
    first: FIRST_SLICE,
  });
  return req.ended.then(() => ({
    status: req.status,
    sent: req.bodyBytesAtAnswer,
    body: req.received.slice(req.received.indexOf('\r\n\r\n') + 4),
    connection: /\r\nconnection: close\r\n/i.test(req.received),
  }));
}

const wellFormed = (timestamp: number) => ({
  'x-slack-request-timestamp': String(timestamp),
  'x-slack-signature': signature(SECRET, 'not this body', timestamp),
});

describe('what a Slack request must show before its body is read', () => {
  it(
    'no signature, a malformed one, or a timestamp outside five minutes either way: 401 with the body unread, and ' +
      'the connection closed',
    async () => {
      world = await startWorld();
      const refusals = {
        'no signature headers': {},
        'timestamp only': { 'x-slack-request-timestamp': String(nowSeconds()) },
        'signature too short': { 'x-slack-request-timestamp': String(nowSeconds()), 'x-slack-signature': 'v0=00' },
        'another version': {
          'x-slack-request-timestamp': String(nowSeconds()),
          'x-slack-signature': `v1=${'a'.repeat(64)}`,
        },
        'timestamp not a number': { ...wellFormed(nowSeconds()), 'x-slack-request-timestamp': 'soon' },
        'ten minutes old': wellFormed(nowSeconds() - 600),
        'ten minutes ahead': wellFormed(nowSeconds() + 600),
      };
      for (const [what, headers] of Object.entries(refusals)) {
        expect(await declaredBig(world, headers), what).toEqual({
          status: 401,
          sent: FIRST_SLICE.length,
          body: '',
          connection: true,
        });
      }
    },
  );

  it(
    'a body declared larger than 512 KiB: 413 unread; one that turns out larger while read: 413 before the client ' +
      'has finished',
    async () => {
      world = await startWorld();
      expect(await declaredBig(world, wellFormed(nowSeconds()))).toEqual({
        status: 413,
        sent: FIRST_SLICE.length,
        body: '',
        connection: true,
      });

      const total = 32 * 1024 * 1024;
      const chunked = await new Promise<{ status: number; sent: number }>((resolve) => {
        const req = request({
          host: '127.0.0.1',
          port: portOf(world),
          method: 'POST',
          path: '/slack/events',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...wellFormed(nowSeconds()) },
        });
        let sent = 0;
        let answered = false;
        req.on('response', (res) => {
          answered = true;
          res.resume();
          resolve({ status: res.statusCode ?? 0, sent });
          req.destroy();
        });
        // After the answer the server closes; a write may then fail, which is expected.
        req.on('error', () => !answered && resolve({ status: 0, sent }));
        const piece = Buffer.alloc(16 * 1024, 0x61);
        const pump = () => {
          while (!answered && sent < total) {
            sent += piece.length;
            if (!req.write(piece)) return void req.once('drain', pump);
          }
          if (!answered) req.end();
        };
        pump();
      });
      expect(chunked.status).toBe(413);
      expect(chunked.sent).toBeLessThan(total);
    },
  );

  it('what passes the gate is still verified by Bolt: a well-formed but wrong signature is 401', async () => {
    world = await startWorld();
    const body = slashCommandBody({
      command: COMMAND.rollback,
      text: 'help',
      user_id: ALICE,
      channel_id: 'C0INCIDENT',
      response_url: world.slack.responseUrl(),
    });
    const forged = await postSigned(world.url, body, {
      secret: SECRET,
      signature: signature('another-secret', body, nowSeconds()),
    });
    expect(forged.status).toBe(401);
    const tampered = await fetch(world.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...wellFormed(nowSeconds()) },
      body,
    });
    expect(tampered.status).toBe(401);
    expect(world.slack.responses).toEqual([]);
  });

  it("Slack's unsigned ssl_check is still answered 200", async () => {
    world = await startWorld();
    const res = await fetch(world.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'ssl_check=1&token=vErIfIcAtIoNtOkEn00000000',
    });
    expect(res.status).toBe(200);
  });
});

describe('signed commands', () => {
  it('the longest Rewind acts on (40,000 Japanese characters, 360 KB form-encoded) is answered', async () => {
    world = await startWorld();
    const body = slashCommandBody({
      command: COMMAND.rollback,
      text: '漢'.repeat(40_000),
      user_id: ALICE,
      channel_id: 'C0INCIDENT',
      response_url: world.slack.responseUrl(),
    });
    expect(Buffer.byteLength(body)).toBeGreaterThan(360_000);
    expect(Buffer.byteLength(body)).toBeLessThan(DEFAULT_SLACK_MAX_BODY_BYTES);
    const res = await postSigned(world.url, body, { secret: SECRET });
    expect(res.status).toBe(200);
    expect(String(((await res.json()) as { text?: unknown }).text)).toContain('/rollback');
  });

  it('are answered while forty unsigned 4 MB bodies arrive, each refused unread', async () => {
    world = await startWorld();
    const floods = Array.from({ length: 40 }, (_, i) =>
      declaredBig(world, i % 2 ? {} : wellFormed(nowSeconds() - 3_600)),
    );
    const help = await world.command(ALICE, COMMAND.rollback, 'help');
    expect(help.status).toBe(200);
    expect(String(help.body.text)).toContain('/rollback');
    const refused = await Promise.all(floods);
    expect(new Set(refused.map((r) => `${r.status} after ${r.sent} bytes`))).toEqual(
      new Set([`401 after ${FIRST_SLICE.length} bytes`]),
    );
  });
});
