/**
 * The probe that once got 6,500 top-level posts within 20 s, one of them 200 KB: one authenticated
 * Alertmanager webhook naming 6,500 distinct unknown services, sent to the real bot process. It is
 * answered 202 with a short answer, the incident channel gets at most ten announcements and one
 * summary line for that minute — also when the bot is killed with SIGKILL before the summary is due
 * — every post is within Slack's limits, and the same webhook repeated within the hour (as
 * Alertmanager repeats a group) posts nothing more.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ANNOUNCEMENTS_PER_MINUTE } from '../../src/services/unknown-services.ts';
import type { WebhookAnswer } from '../support/answers.ts';
import { allSlackLimitViolations } from '../support/slack-limits.ts';
import { settleAndCheck } from './support/checks.ts';
import { format } from './support/invariants.ts';
import { ALERT_TOKEN, INCIDENT_CHANNEL, IN_FAULT_SUITE, MIN, Rig } from './support/rig.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const N = ANNOUNCEMENTS_PER_MINUTE;
const SERVICES = Array.from({ length: 6_500 }, (_, i) => `probe-${String(i).padStart(5, '0')}`);

const BODY = JSON.stringify({
  version: '4',
  status: 'firing',
  receiver: 'rewind',
  groupKey: '{}:{alertname="Probe"}',
  truncatedAlerts: 0,
  groupLabels: { alertname: 'Probe' },
  commonLabels: { alertname: 'Probe' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  alerts: SERVICES.map((service) => ({
    status: 'firing',
    labels: { alertname: 'Probe', service },
    annotations: { summary: `${service} is down` },
    startsAt: '2026-01-05T08:58:00Z',
  })),
});

async function probe(r: Rig): Promise<{ status: number; body: WebhookAnswer }> {
  const res = await fetch(`${r.bot.url}/alerts/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ALERT_TOKEN}` },
    body: BODY,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as WebhookAnswer };
}

/** Top-level posts in the incident channel without blocks: the notices that belong to no incident. */
const notices = (r: Rig) =>
  r.slack
    .callsTo('chat.postMessage')
    .filter(
      (c) => c.args.channel === INCIDENT_CHANNEL && c.args.thread_ts === undefined && c.args.blocks === undefined,
    );
const summaries = (r: Rig) =>
  notices(r).filter((c) => String(c.args.text).includes('more unknown services sent alerts'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!IN_FAULT_SUITE)('a webhook naming 6,500 unknown services, to the bot process', () => {
  it(
    'answered 202 and short; at most ten announcements and one summary for the minute, across a kill -9; nothing ' +
      'more for a repeat',
    async () => {
      // Scale 10: a minute of the bot's time is 6 real seconds, its hour 6 real minutes.
      rig = await Rig.start({ scale: 10 });
      const r = rig;

      const answer = await probe(r);
      expect(answer.status).toBe(202);
      expect(answer.body.accepted).toBe(6_500);
      expect(answer.body.unknownServices).toEqual(SERVICES.slice(0, 100));
      expect(answer.body.unknownServiceCount).toBe(6_500);
      expect(JSON.stringify(answer.body).length).toBeLessThan(5_000);
      expect(r.read((db) => (db.prepare('SELECT count(*) AS n FROM alerts').get() as { n: number }).n)).toBe(6_500);

      // The announcements go out; then the bot dies before (or just after) its summary is due.
      await r.until(`${N} announcements`, () => notices(r).length >= N, 60_000);
      await r.bot.kill9();
      const byKilledBot = notices(r).length;
      await r.bot.start();
      await r.until('the summary line', () => summaries(r).length > 0, 60_000);
      // Two more minutes of the bot's time: neither another announcement nor a second summary.
      await sleep(r.real(2 * MIN));
      const texts = notices(r).map((c) => String(c.args.text));
      // The one post Slack carried out but whose answer died with the killed bot may be sent once
      // more (the outbox is at least once across kill -9, as the suite's invariants allow); no other.
      const again = texts[byKilledBot] !== undefined && texts[byKilledBot] === texts[byKilledBot - 1] ? 1 : 0;
      const told = [...texts.slice(0, byKilledBot), ...texts.slice(byKilledBot + again)];
      expect(told.map((t) => t.slice(0, 80))).toHaveLength(N + 1);
      expect(new Set(told).size).toBe(N + 1);
      const named = told.flatMap((t) => /names the service \*([^*]+)\*/.exec(t)?.[1] ?? []);
      expect(named).toEqual(SERVICES.slice(0, N));
      expect(told.filter((t) => t.includes('more unknown services sent alerts'))).toHaveLength(1);
      expect(told.at(-1)).toContain(`…and 6,490 more unknown services sent alerts in the`);

      // Alertmanager repeats the group: within the hour it changes nothing in the channel.
      const repeat = await probe(r);
      expect(repeat.status).toBe(202);
      expect(repeat.body.unknownServices).toHaveLength(100);
      await sleep(r.real(2 * MIN));
      expect(notices(r)).toHaveLength(texts.length);

      expect(allSlackLimitViolations(r.slack.calls)).toEqual([]);
      const { violations } = await settleAndCheck(r);
      expect(violations, format(violations)).toEqual([]);
    },
  );
});
