/**
 * The real bot process, with production's limits, against senders that are slow or not Slack:
 *
 * - four webhooks trickling a byte every 2 s with a valid token, chunked (no Content-Length): a
 *   small alert sent meanwhile is answered 202 while all four still hold their connections, and
 *   each of the four is answered 408 and cut off once the 15 s body deadline has passed;
 * - two hundred 4 MB bodies to /slack/events at once, unsigned or with a stale timestamp, each
 *   written in full as a real client would: each is refused (401, or a reset once the bot closed),
 *   signed slash commands sent meanwhile are all answered within Slack's 3 s, and the bot's
 *   resident memory does not grow by the megabytes it was sent.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND } from '../../src/adapters/slack/ids.ts';
import { DEFAULT_ALERT_BODY_TIMEOUT_MS } from '../../src/adapters/alerts/routes.ts';
import { signature } from '../support/slack-signing.ts';
import { slowRequest, type SlowRequest } from '../support/slow-client.ts';
import { ALERT_TOKEN, ALICE, IN_FAULT_SUITE, Rig, SECRET } from './support/rig.ts';

let rig: Rig | undefined;
const slow: SlowRequest[] = [];
afterEach(async () => {
  for (const s of slow.splice(0)) s.stop();
  await rig?.stop();
  rig = undefined;
});

/** Slack's limit for answering a slash command. */
const SLACK_ANSWER_LIMIT_MS = 3_000;
const FOUR_MB = Buffer.alloc(4 * 1024 * 1024, 0x78);

describe.skipIf(!IN_FAULT_SUITE)('slow senders and floods against the real process', () => {
  it('four trickling webhooks cannot keep a small alert waiting; cut off by 408 at the body deadline', async () => {
    rig = await Rig.start({ scale: 60 });
    const r = rig;
    const port = Number(new URL(r.bot.url).port);
    for (let i = 0; i < 4; i++) {
      slow.push(
        slowRequest(port, {
          path: '/alerts/generic',
          headers: {
            authorization: `Bearer ${ALERT_TOKEN}`,
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
          },
          first: '{',
          trickle: { piece: ' ', everyMs: 2_000 },
        }),
      );
    }
    const started = Date.now();
    const small = await r.alert({ summary: 'sent while four senders trickle' });
    expect(small.status).toBe(202);
    expect(slow.map((s) => s.closed)).toEqual([false, false, false, false]);

    await r.until('the four slow senders to be cut off', () => slow.every((s) => s.closed), 60_000);
    expect(slow.map((s) => s.status)).toEqual([408, 408, 408, 408]);
    // Not before the deadline: the 408 is the deadline's, not some other refusal.
    expect(Date.now() - started).toBeGreaterThanOrEqual(DEFAULT_ALERT_BODY_TIMEOUT_MS - 1_000);
    expect((await r.alert({ summary: 'after the slow senders' })).status).toBe(202);
    expect(r.bot.unhandled()).toEqual([]);
  });

  it(
    'two hundred unsigned or stale 4 MB bodies: all refused, signed commands meanwhile answered within 3 s, memory ' +
      'flat',
    async () => {
      rig = await Rig.start({ scale: 60 });
      const r = rig;
      expect((await r.command(ALICE, COMMAND.rollback, 'help')).status).toBe(200);
      const idleKb = r.bot.rssKb();
      let peakKb = idleKb;
      const sampler = setInterval(() => (peakKb = Math.max(peakKb, r.bot.rssKb())), 50);

      const flood = Array.from({ length: 200 }, (_, i) => {
        const ts = Math.floor(Date.now() / 1000) - (i % 2 ? 0 : 3_600);
        const headers =
          i % 2
            ? { 'x-slack-signature': 'v0=00' }
            : { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature(SECRET, 'x', ts) };
        return new Promise<string>((resolve) => {
          const req = request(
            `${r.bot.url}/slack/events`,
            {
              method: 'POST',
              agent: false,
              headers: {
                'content-type': 'application/x-www-form-urlencoded',
                'content-length': FOUR_MB.length,
                ...headers,
              },
            },
            (res) => {
              res.resume();
              resolve(String(res.statusCode));
            },
          );
          // The bot answers and closes while the body is still being written: a reset is a refusal too.
          req.on('error', () => resolve('reset'));
          req.end(FOUR_MB);
        });
      });
      const commands: Array<{ status: number; ms: number }> = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        const answer = await r.command(ALICE, COMMAND.rollback, 'help');
        commands.push({ status: answer.status, ms: performance.now() - t });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const outcomes = await Promise.all(flood);
      clearInterval(sampler);

      expect(outcomes.filter((o) => o !== '401' && o !== 'reset')).toEqual([]);
      expect(commands.filter((c) => c.status !== 200 || c.ms >= SLACK_ANSWER_LIMIT_MS)).toEqual([]);
      // 200 bodies of 4 MB read whole would be 800 MB; refused unread they cost the sockets only.
      expect(peakKb - idleKb).toBeLessThan(64 * 1024);
      expect(r.bot.unhandled()).toEqual([]);
    },
  );
});
