/**
 * Slack failing under a real bot process: 429s with Retry-After, HTTP 500s beyond the Web API
 * client's retries, calls that never answer (carried out or not), `ratelimited` on chat.update,
 * auth.test failing, a dialog that cannot open, and an outage across an escalation. For each, what
 * reached Slack in the end is what the database says should have — every head message, thread
 * note and DM, once, in order per thread (a repeat allowed only of a call Slack carried out but never
 * answered) — nothing is left in the outbox, and people are told what could not be done.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, COMMAND } from '../../src/adapters/slack/ids.ts';
import type { SlackFault } from '../../src/demo/stand-ins/slack-api.ts';
import { settleAndCheck } from './support/checks.ts';
import { escalationViolations, format, type Violation } from './support/invariants.ts';
import { ESCALATED, IN_FAULT_SUITE, LEAD, MIN, Rig } from './support/rig.ts';
import {
  ANSWERS,
  answerMatrix,
  decideAndConfirm,
  fastRunbook,
  latestIncident,
  openIncident,
  resolveIncident,
  rollbacksOf,
} from './support/scenarios.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const ended = (r: Rig) => () => {
  const rs = rollbacksOf(r);
  return rs.length > 0 && rs.every((x) => ['succeeded', 'failed', 'aborted'].includes(x.status));
};

/** An immediate rollback driven from Slack with `faults` scripted once it is confirmed; then the invariants. */
async function rollbackUnder(faults: Array<[string, SlackFault]>): Promise<Violation[]> {
  rig = await Rig.start({ scale: 60, config: fastRunbook });
  const incident = await openIncident(rig);
  const matrix = await answerMatrix(rig, incident, ANSWERS.immediate);
  await decideAndConfirm(rig, incident, 'immediate');
  for (const [method, fault] of faults) rig.slack.failNext(method, fault);
  await rig.until('the rollback over', ended(rig), 60_000);
  const { violations } = await settleAndCheck(rig, { settleMs: 30_000 });
  return [...matrix, ...violations];
}

describe.skipIf(!IN_FAULT_SUITE)('Slack failing under the bot process', () => {
  describe('Slack answers with errors', () => {
    it('429 with Retry-After on chat.postMessage: every note arrives once, in order', async () => {
      const v = await rollbackUnder([['chat.postMessage', { retryAfter: 1, times: 3 }]]);
      expect(rig!.slack.faultedTo('chat.postMessage').length, 'the fault was hit').toBeGreaterThan(0);
      expect(v, format(v)).toEqual([]);
    });

    it('HTTP 500s past the client retries on chat.postMessage: the outbox sends each note once, in order', async () => {
      const v = await rollbackUnder([['chat.postMessage', { status: 500, times: 12 }]]);
      expect(rig!.slack.faultedTo('chat.postMessage')).toHaveLength(12);
      expect(v, format(v)).toEqual([]);
    });

    it('ratelimited on chat.update: the head message ends showing the resolved incident', async () => {
      const v = await rollbackUnder([['chat.update', { retryAfter: 1, times: 4 }]]);
      const incident = latestIncident(rig!)!;
      expect(incident.status).toBe('resolved');
      const updates = rig!.slack.callsTo('chat.update').filter((c) => c.args.ts === incident.slack_ts);
      if (!JSON.stringify(updates.at(-1)?.args ?? {}).includes('Resolved')) {
        v.push({
          invariant: 'the head message shows the final state',
          evidence:
            `the last chat.update of ${incident.id}'s head message that Slack carried out does not show it resolved: ` +
            `${JSON.stringify(updates.at(-1)?.args.text ?? 'none')}`,
        });
      }
      expect(v, format(v)).toEqual([]);
    });
  });

  describe('Slack calls that never answer', () => {
    it('a chat.postMessage held open and never carried out: the note is sent again, the thread goes on', async () => {
      const v = await rollbackUnder([['chat.postMessage', { hang: true, times: 1 }]]);
      expect(rig!.slack.faultedTo('chat.postMessage').map((c) => c.fault)).toEqual(['hang']);
      expect(v, format(v)).toEqual([]);
    });

    it('a chat.postMessage carried out but never answered: the thread goes on (that one note may repeat)', async () => {
      const v = await rollbackUnder([['chat.postMessage', { hang: 'applied', times: 1 }]]);
      expect(rig!.slack.faultedTo('chat.postMessage').map((c) => c.fault)).toEqual(['hang-applied']);
      expect(v, format(v)).toEqual([]);
    });
  });

  describe('auth.test failing', () => {
    it('slash commands and clicks still acked 200 within 3 s and answered; no auth.test per request', async () => {
      // At scale 1 the readiness watcher tries auth.test every 30 real seconds: its calls cannot hide per-request ones.
      rig = await Rig.start({ scale: 1, config: fastRunbook, startBot: false });
      rig.slack.failNext('auth.test', { status: 503, times: Infinity });
      await rig.bot.start();
      const incident = await openIncident(rig);
      const before = rig.slack.faultedTo('auth.test').length;
      const v: Violation[] = [];
      const REQUESTS = 6;
      for (let i = 0; i < REQUESTS; i++) {
        const t0 = Date.now();
        const answer = await rig.command(LEAD, COMMAND.incident, 'list');
        const ms = Date.now() - t0;
        if (answer.status !== 200 || ms > 3_000)
          v.push({
            invariant: 'a slash command is acked 200 within 3 s while auth.test fails',
            evidence: `/incident list #${i + 1} answered ${answer.status} after ${ms} ms`,
          });
        const replied =
          typeof answer.body === 'object' && answer.body?.text
            ? true
            : await rig
                .until(
                  'the reply on the response_url',
                  () => rig!.slack.responsesTo(answer.responseUrl).length > 0,
                  5_000,
                )
                .catch(() => false);
        if (!replied)
          v.push({
            invariant: 'a slash command is answered while auth.test fails',
            evidence: `/incident list #${i + 1} got neither a reply in its ack nor on its response_url`,
          });
      }
      const opens = rig.slack.callsTo('views.open').length;
      const t0 = Date.now();
      const click = await rig.act({
        user: LEAD,
        actionId: ACTION.immediate,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: incident.slack_ts,
      });
      if (click.status !== 200 || Date.now() - t0 > 3_000)
        v.push({
          invariant: 'a click is acked 200 within 3 s while auth.test fails',
          evidence: `the Immediate click answered ${click.status} after ${Date.now() - t0} ms`,
        });
      const opened = await rig
        .until('the confirmation dialog', () => rig!.slack.callsTo('views.open').length > opens, 10_000)
        .catch(() => false);
      if (!opened)
        v.push({
          invariant: 'a click is handled while auth.test fails',
          evidence: 'the Immediate click opened no confirmation dialog',
        });
      const during = rig.slack.faultedTo('auth.test').length - before;
      if (during >= REQUESTS)
        v.push({
          invariant: 'auth.test is not called per request',
          evidence: `${during} auth.test calls while ${REQUESTS + 1} Slack requests were handled`,
        });
      const refused = rig.bot.lines.filter((l) => /Authorization of incoming event did not succeed/.test(l.raw)).length;
      if (refused > 0)
        v.push({
          invariant: 'no request is refused because auth.test fails',
          evidence: `Bolt logged "Authorization of incoming event did not succeed" ${refused} times`,
        });
      expect(v, format(v)).toEqual([]);
    });
  });

  describe('people are told what could not be done', () => {
    it('views.open failing: the person who clicked is told the confirmation could not open', async () => {
      rig = await Rig.start({ scale: 60, config: fastRunbook });
      const incident = await openIncident(rig);
      rig.slack.failNext('views.open', { status: 500, times: 8 });
      const click = await rig.act({
        user: LEAD,
        actionId: ACTION.immediate,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: incident.slack_ts,
      });
      expect(click.status).toBe(200);
      await rig.until('views.open tried', () => rig!.slack.faultedTo('views.open').length > 0, 10_000);
      const told = await rig
        .until(
          'a message to the person who clicked',
          () =>
            rig!.slack.responsesTo(click.responseUrl)[0] ??
            rig!.slack.callsTo('chat.postEphemeral').find((c) => c.args.user === LEAD),
          20_000,
        )
        .catch(() => undefined);
      const v: Violation[] = told
        ? []
        : [
            {
              invariant: 'people are told what could not be done',
              evidence:
                `views.open failed ${rig.slack.faultedTo('views.open').length} times and ${LEAD} got no response_url ` +
                `reply and no ephemeral message`,
            },
          ];
      expect(rollbacksOf(rig)).toEqual([]); // nothing was started without the confirmation
      expect(v, format(v)).toEqual([]);
    });

    it('an outage across escalation level 1: its thread mention and DMs arrive once Slack is back', async () => {
      // Scale 60: the outage (12 minutes of the bot's time) lasts 12 real seconds, longer than the
      // Web API client's own retries (about 3.5 s), so only the bot's own keeping can deliver.
      rig = await Rig.start({ scale: 60, config: fastRunbook });
      const incident = await openIncident(rig);
      const outage: Array<[string, SlackFault]> = [
        'chat.postMessage',
        'chat.update',
        'conversations.open',
        'usergroups.users.list',
        'chat.getPermalink',
      ].map((m) => [m, { status: 500, times: Infinity }]);
      // Slack is down from a minute before level 1 (15 minutes) until 26 minutes, before level 2 (30).
      await rig.until(
        'a minute before level 1',
        () => rig!.clock.now() >= incident.started_at + 14 * MIN,
        rig.real(15 * MIN) + 10_000,
      );
      for (const [m, f] of outage) rig.slack.failNext(m, f);
      await rig.until(
        'level 1 on the timeline',
        () => rig!.read((db) => db.prepare(`SELECT 1 AS ok FROM timeline_events WHERE kind = 'escalation'`).get()),
        rig.real(5 * MIN) + 10_000,
      );
      await rig.until(
        'the end of the outage',
        () => rig!.clock.now() >= incident.started_at + 26 * MIN,
        rig.real(12 * MIN) + 10_000,
      );
      rig.slack.clearFaults();
      const delivered = () =>
        rig!.slack.callsTo('chat.postMessage').some((c) => String(c.args.text).includes('Escalation level 1 ')) &&
        ESCALATED[1].every((u) => rig!.slack.callsTo('chat.postMessage').some((c) => c.args.channel === `D0${u}`));
      await rig.until('level 1 delivered after the outage', delivered, 10_000).catch(() => undefined);
      // stops level 2; its failure shows in the checks below
      await resolveIncident(rig, incident).catch(() => undefined);
      const { violations, snapshot } = await settleAndCheck(rig);
      const v = [...violations, ...escalationViolations(snapshot, incident.id, [1])];
      if (latestIncident(rig)?.status !== 'resolved')
        v.push({
          invariant: 'the incident can be resolved after the outage',
          evidence: `${incident.id} is ${latestIncident(rig)?.status}`,
        });
      expect(v, format(v)).toEqual([]);
    });
  });
});
