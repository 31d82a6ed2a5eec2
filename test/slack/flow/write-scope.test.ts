/**
 * Commands that change something run only where incidents are worked on: the incident channel (a
 * drill's also the drill channel), or the bot's DM and Rewind's other channels for a member of the
 * incident channel. Anywhere else they say where to run them, and nothing is looked up or changed:
 * no acknowledgement (which can stop the escalation), no RCA upload, no dialog, no rollback, no
 * drill. The RCA draft is uploaded once however often it is asked for while nothing changed.
 * Signed commands and clicks to the running bot, checked against the database and what reached Slack.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, COMMAND } from '../../../src/adapters/slack/ids.ts';
import { postSigned, slashCommandBody } from '../../support/slack-signing.ts';
import { ALICE, LEAD, MALLORY, SECRET, startWorld, type World } from '../../support/world.ts';

const MIN = 60_000;
const THERE = '🚫 Nothing was changed: incidents are worked on in <#C0INCIDENT>. Run this command there.';
const DRILLS_THERE =
  '🚫 Nothing was changed: drills are run from <#C0DRILLS> or <#C0INCIDENT>. Run this command there.';
const NOT_MEMBER =
  '🔒 Nothing was changed: outside <#C0INCIDENT>, Rewind takes this only from members of <#C0INCIDENT>. Ask to be ' +
  'added there, then run the command again.';
const dmOf = (user: string) => `D0${user}`;

let world: World;
afterEach(async () => world?.stop());

/** What the person saw: the ack's text, else what came to the command's response_url. */
async function commandIn(w: World, channel: string, user: string, command: string, text: string): Promise<string> {
  const responseUrl = w.slack.responseUrl();
  const res = await postSigned(
    w.url,
    slashCommandBody({ command, text, user_id: user, channel_id: channel, response_url: responseUrl }),
    { secret: SECRET },
  );
  expect(res.status).toBe(200);
  const raw = await res.text();
  await w.settle();
  const ack = raw ? (JSON.parse(raw) as { text?: string }) : {};
  if (ack.text !== undefined) return ack.text;
  const posted =
    w.slack.responsesTo(responseUrl)[0] ?? (await w.slack.waitForResponse({ count: w.slack.responses.length + 1 }));
  return String(posted.body.text);
}

async function members(list: string[]): Promise<World> {
  const w = await startWorld();
  w.slack.handle('conversations.members', () => ({
    body: { ok: true, members: list, response_metadata: { next_cursor: '' } },
  }));
  return w;
}

const uploads = (w: World) => w.slack.callsTo('files.completeUploadExternal').length;

describe('commands that change an incident, by place', () => {
  it(
    '/incident ack from elsewhere or by an outsider changes nothing; a member acknowledges from anywhere of ' +
      "Rewind's, and is recorded",
    async () => {
      world = await members([LEAD, ALICE]);
      const incident = await world.openIncident();
      const acked = () => world.rewind.store.incidents.get(incident.id);
      for (const [channel, user, says] of [
        ['C0RANDOM', MALLORY, THERE],
        ['C0RANDOM', LEAD, THERE],
        ['G0ELSEWHERE', ALICE, THERE],
        ['D0PEOPLE', ALICE, THERE], // a DM between people, not the bot's
        [dmOf(MALLORY), MALLORY, NOT_MEMBER],
        ['C0STAKEHOLDERS', MALLORY, NOT_MEMBER],
        ['C0DRILLS', MALLORY, NOT_MEMBER],
      ] as const) {
        expect(
          await commandIn(world, channel, user, COMMAND.incident, `ack ${incident.id}`),
          `${channel} ${user}`,
        ).toBe(says);
        expect(await commandIn(world, channel, user, COMMAND.incident, 'ack'), `${channel} ${user}`).toBe(says);
      }
      expect(acked()?.acknowledgedBy).toBeNull();
      expect(world.rewind.services.queries.timeline(incident.id).some((e) => e.kind === 'ack')).toBe(false);

      // Anyone on call, no approver needed: a member in the stakeholder channel, by name.
      expect(await commandIn(world, 'C0STAKEHOLDERS', ALICE, COMMAND.incident, 'ack')).toBe(
        `✋ You acknowledged ${incident.id}.`,
      );
      expect(acked()).toMatchObject({ acknowledgedBy: ALICE });
      expect(
        world.rewind.services.queries
          .timeline(incident.id)
          .filter((e) => e.kind === 'ack')
          .map((e) => e.actor),
      ).toEqual([{ kind: 'user', id: ALICE }]);
    },
  );

  it('a member acknowledges in the bot DM; the incident channel needs no check', async () => {
    world = await members([ALICE]);
    const incident = await world.openIncident();
    expect(await commandIn(world, dmOf(ALICE), ALICE, COMMAND.incident, 'ack')).toBe(
      `✋ You acknowledged ${incident.id}.`,
    );
    expect(world.rewind.store.incidents.get(incident.id)?.acknowledgedBy).toBe(ALICE);
    const asked = world.slack.callsTo('conversations.members').length;
    expect(await commandIn(world, 'C0INCIDENT', MALLORY, COMMAND.incident, 'ack')).toContain(`already acknowledged`);
    expect(world.slack.callsTo('conversations.members')).toHaveLength(asked);
  });

  it('/incident rca elsewhere uploads nothing and does not say whether the incident exists', async () => {
    world = await members([LEAD]);
    const incident = await world.openIncident();
    for (const [channel, user, says] of [
      ['C0RANDOM', MALLORY, THERE],
      ['G0PRIVATE', LEAD, THERE],
      [dmOf(MALLORY), MALLORY, NOT_MEMBER],
    ] as const) {
      expect(await commandIn(world, channel, user, COMMAND.incident, `rca ${incident.id}`)).toBe(says);
      expect(await commandIn(world, channel, user, COMMAND.incident, 'rca INC-20990101-001')).toBe(says);
    }
    await world.settle();
    expect(uploads(world)).toBe(0);
    expect(world.rewind.store.rcaDrafts.get(incident.id)).toBeNull();
  });

  it(
    '/incident rca twice, and the button after it: one upload, then where it is; a changed timeline is drafted ' +
      'again',
    async () => {
      world = await members([LEAD]);
      const incident = await world.openIncident();
      expect(await commandIn(world, 'C0INCIDENT', LEAD, COMMAND.incident, 'rca')).toBe(
        `📄 The RCA draft of ${incident.id} is posted in the incident thread.`,
      );
      await world.runUntil(() => world.clock.now() >= incident.startedAt + 2 * MIN, { stepMs: 30_000 });
      const permalink = `https://rewind-test.slack.com/archives/C0INCIDENT/p${String(incident.slackTs).replace('.', '')}`;
      expect(await commandIn(world, 'C0INCIDENT', MALLORY, COMMAND.incident, `rca ${incident.id}`)).toBe(
        `📄 The RCA draft of ${incident.id} was posted in the incident thread 2m 00s ago, and nothing it is drawn ` +
          `from has changed since, so it was not posted again: <${permalink}|open the thread>.`,
      );
      const told = world.slack.responses.length;
      await world.act({
        user: LEAD,
        actionId: ACTION.draftRca,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: incident.slackTs ?? '',
      });
      await world.settle();
      expect(world.slack.responses.slice(told).map((r) => String(r.body.text))).toEqual([
        expect.stringContaining('so it was not posted again'),
      ]);
      expect(uploads(world)).toBe(1);
      expect(world.rewind.services.queries.timeline(incident.id).filter((e) => e.kind === 'rca_drafted')).toHaveLength(
        1,
      );

      // Acknowledged since: the draft says so, and is posted again.
      await commandIn(world, 'C0INCIDENT', LEAD, COMMAND.incident, 'ack');
      expect(await commandIn(world, 'C0INCIDENT', LEAD, COMMAND.incident, 'rca')).toBe(
        `📄 The RCA draft of ${incident.id} is posted in the incident thread.`,
      );
      await world.settle();
      expect(uploads(world)).toBe(2);
    },
  );

  it(
    'resolve, the rollbacks and their controls, and drills, from another channel: refused before anything, even for ' +
      'an approver',
    async () => {
      world = await members([LEAD]);
      const incident = await world.openIncident();
      for (const [command, text, says] of [
        [COMMAND.incident, 'resolve', THERE],
        [COMMAND.rollback, 'immediate prompt-service', THERE],
        [COMMAND.rollback, 'gradual prompt-service', THERE],
        [COMMAND.rollback, 'planned prompt-service in 30m', THERE],
        [COMMAND.rollback, 'pause prompt-service', THERE],
        [COMMAND.rollback, 'resume prompt-service', THERE],
        [COMMAND.rollback, 'abort prompt-service', THERE],
        [COMMAND.drill, 'run high-error-rate', DRILLS_THERE],
        [COMMAND.drill, 'run high-error-rate --dry-run', DRILLS_THERE],
        [COMMAND.drill, 'abort', DRILLS_THERE],
      ] as const) {
        expect(await commandIn(world, 'C0RANDOM', LEAD, command, text), `${command} ${text}`).toBe(says);
      }
      expect(world.slack.callsTo('views.open')).toHaveLength(0);
      expect(world.rewind.store.rollbacks.history()).toHaveLength(0);
      expect(world.rewind.store.incidents.get(incident.id)?.status).toBe('awaiting_decision');
      expect(world.rewind.services.drills.history(10).filter((d) => d.status !== 'scheduled')).toHaveLength(0);
      expect(world.rewind.store.audit.list()).toEqual([]); // not even an approver check was made

      // The same approver in the incident channel gets the dialog.
      await world.command(LEAD, COMMAND.rollback, 'immediate prompt-service');
      await world.slack.waitForCall('views.open', { count: 1 });
    },
  );

  it('ja: where to run it', async () => {
    world = await startWorld({ config: (c) => (c.locale = 'ja') });
    const incident = await world.openIncident();
    expect(await commandIn(world, 'C0RANDOM', MALLORY, COMMAND.incident, `ack ${incident.id}`)).toBe(
      '🚫 何も変更していません。インシデントの対応は <#C0INCIDENT> で行っています。このコマンドはそちらで実行してください。',
    );
    expect(await commandIn(world, 'C0RANDOM', LEAD, COMMAND.drill, 'run high-error-rate')).toBe(
      '🚫 何も変更していません。ロールバック訓練は <#C0DRILLS> または <#C0INCIDENT> から実行します。このコマンドはそちらで実行してください。',
    );
    world.slack.handle('conversations.members', () => ({
      body: { ok: true, members: [LEAD], response_metadata: { next_cursor: '' } },
    }));
    expect(await commandIn(world, dmOf(MALLORY), MALLORY, COMMAND.incident, 'rca')).toBe(
      '🔒 何も変更していません。<#C0INCIDENT> の外では、<#C0INCIDENT> のメンバーからの操作だけを受け付けています。<#C0INCIDENT> に参加してから、もう一度実行してください。',
    );
    expect(world.rewind.store.incidents.get(incident.id)?.acknowledgedBy).toBeNull();
    expect(uploads(world)).toBe(0);
  });
});
