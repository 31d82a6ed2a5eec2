/**
 * kill -9 while Slack messages wait to be sent. Slack is down (every post and update answers 500),
 * alerts join the incident and escalation level 1 fires, so alert notes, the escalation's thread
 * mention and DMs and a head update are queued; the bot is killed, Slack comes back, and the bot is
 * started again on the same database. Every message that was waiting reaches Slack exactly once —
 * none was only in memory, none is sent twice — and the outbox ends empty.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SlackFault } from '../../src/demo/stand-ins/slack-api.ts';
import { settleAndCheck } from './support/checks.ts';
import { format } from './support/invariants.ts';
import { ESCALATED, IN_FAULT_SUITE, MIN, Rig } from './support/rig.ts';
import { fastRunbook, openIncident } from './support/scenarios.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const DOWN: Array<[string, SlackFault]> = [
  'chat.postMessage',
  'chat.update',
  'conversations.open',
  'usergroups.users.list',
  'chat.getPermalink',
].map((m) => [m, { status: 500, times: Infinity }]);
const SUMMARIES = [
  'queued alert one: p95 latency 4.1 s',
  'queued alert two: token cost up 80%',
  'queued alert three: refusals 12%',
];

describe.skipIf(!IN_FAULT_SUITE)('kill -9 with Slack messages queued', () => {
  it('every queued message is sent exactly once after the restart', async () => {
    rig = await Rig.start({ scale: 60, config: fastRunbook });
    const r = rig;
    const incident = await openIncident(r);
    for (const [method, fault] of DOWN) r.slack.failNext(method, fault);

    for (const [i, summary] of SUMMARIES.entries()) {
      const answer = await r.alert({ summary, labels: { version: 'v2.0.0', alertname: `Queued${i}` } });
      expect(answer.status).toBe(202);
    }
    // Level 1 (15 minutes) fires while Slack is down: its note and its DMs wait with the alert notes.
    await r.until(
      'escalation level 1 on the timeline',
      () =>
        r.read((db) =>
          db
            .prepare(`SELECT 1 AS ok FROM timeline_events WHERE kind = 'escalation' AND incident_id = ?`)
            .get(incident.id),
        ),
      r.real(16 * MIN) + 10_000,
    );
    const unsent = () =>
      r.read(
        (db) =>
          db.prepare(`SELECT id, kind FROM outbox WHERE sent_at IS NULL ORDER BY id`).all() as Array<{
            id: number;
            kind: string;
          }>,
      );
    const queued = await r.until(
      'alert notes and the escalation waiting in the outbox',
      () => {
        const rows = unsent();
        const kinds = new Set(rows.map((row) => row.kind));
        return kinds.has('alerts') && kinds.has('thread') && kinds.has('escalation_dms') ? rows : undefined;
      },
      20_000,
    );
    const sentBefore = r.slack.callsTo('chat.postMessage').length;

    await r.bot.kill9();
    r.slack.clearFaults();
    await r.bot.start();

    await r.until(
      'every queued message sent',
      () => {
        const ids = new Set(unsent().map((row) => row.id));
        return queued.every((row) => !ids.has(row.id));
      },
      30_000,
    );
    // The DMs the escalation expands to, and the head update, once each.
    const dmSent = () =>
      ESCALATED[1].every((u) => r.slack.callsTo('chat.postMessage').some((c) => c.args.channel === `D0${u}`));
    await r.until('the escalation DMs', dmSent, 30_000);

    const thread = r.slack
      .callsTo('chat.postMessage')
      .slice(sentBefore)
      .filter((c) => c.args.thread_ts === incident.slack_ts);
    for (const summary of SUMMARIES) {
      expect(
        thread.filter((c) => JSON.stringify(c.args).includes(summary)),
        summary,
      ).toHaveLength(1);
    }
    // Every escalation level on the timeline (level 2 may fire while this settles) has its note and DMs once.
    const { violations } = await settleAndCheck(r);
    expect(violations, format(violations)).toEqual([]);
  });
});
