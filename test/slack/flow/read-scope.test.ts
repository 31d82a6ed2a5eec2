/**
 * Read commands answer in full only where their answer may be read: the incident, stakeholder and
 * drill channels of the config, and the bot's DM with a member of the incident channel (asked of
 * Slack with conversations.members, kept briefly). Anywhere else they say where to look, and a
 * Slack failure says so — never the answer. Signed commands from each place, over HTTP and Socket
 * Mode, checked against what reached Slack.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND, VIEW } from '../../../src/adapters/slack/ids.ts';
import { postSigned, slashCommandBody, slashCommandPayload } from '../../support/slack-signing.ts';
import { ALICE, BOB, LEAD, MALLORY, SECRET, startWorld, type World } from '../../support/world.ts';

const INCIDENTS_THERE = 'Incidents are discussed in <#C0INCIDENT>: run this command there.';
const DRILLS_THERE = 'Drills are discussed in <#C0DRILLS>: run this command there.';
const NOT_MEMBER =
  '🔒 In a direct message Rewind answers this only to members of <#C0INCIDENT>. Ask to be added there, then run the ' +
  'command again.';
const unchecked = (why: string) =>
  `⚠️ Rewind could not check with Slack whether you are a member of <#C0INCIDENT> (${why}), so nothing is shown ` +
  `here. Run this command in <#C0INCIDENT>, or try again in a moment.`;

/** The bot's DM with a user, as the stand-in's conversations.open names it. */
const dmOf = (user: string) => `D0${user}`;

/** What the person saw: the ack's text, else what the listener sent to the command's response_url. */
async function commandIn(
  w: World,
  channel: string,
  user: string,
  command: string,
  text: string,
): Promise<{ via: 'ack' | 'response_url'; text: string; blocks: unknown }> {
  const responseUrl = w.slack.responseUrl();
  const fields = { command, text, user_id: user, channel_id: channel, response_url: responseUrl };
  let ack: { text?: string; blocks?: unknown; response_type?: string };
  if (w.socket) {
    const answer = await w.socket.send('slash_commands', slashCommandPayload(fields), { acceptsResponsePayload: true });
    ack = (answer.payload ?? {}) as typeof ack;
  } else {
    const res = await postSigned(w.url, slashCommandBody(fields), { secret: SECRET });
    expect(res.status).toBe(200);
    const raw = await res.text();
    ack = raw ? (JSON.parse(raw) as typeof ack) : {};
  }
  await w.settle();
  if (ack.text !== undefined) {
    expect(ack.response_type).toBe('ephemeral');
    return { via: 'ack', text: ack.text, blocks: ack.blocks };
  }
  const posted =
    w.slack.responsesTo(responseUrl)[0] ?? (await w.slack.waitForResponse({ count: w.slack.responses.length + 1 }));
  expect(posted.body.response_type).toBe('ephemeral');
  return { via: 'response_url', text: String(posted.body.text), blocks: posted.body.blocks };
}

function membersAre(w: World, members: string[]): void {
  w.slack.handle('conversations.members', () => ({
    body: { ok: true, members, response_metadata: { next_cursor: '' } },
  }));
}

/** An open incident, a rollback in its history and the next quarterly drill: something to leak. */
async function seeded(options: Parameters<typeof startWorld>[0] = {}) {
  const w = await startWorld(options);
  membersAre(w, [LEAD, ALICE, BOB]);
  const incident = await w.openIncident();
  const count = w.slack.callsTo('views.open').length + 1;
  await w.command(LEAD, COMMAND.rollback, 'immediate prompt-service');
  const view = (await w.slack.waitForCall('views.open', { count })).args.view as { private_metadata: string };
  await w.submit(LEAD, VIEW.confirmRollback, view.private_metadata);
  const drill = w.rewind.services.queries.nextDrill(w.clock.now());
  if (!drill) throw new Error('no drill scheduled');
  return { w, incident, drill };
}

type Seeded = Awaited<ReturnType<typeof seeded>>;

/** Each read command, what only its full answer contains, and where it sends people otherwise. */
const READS = (s: Seeded): Array<{ command: string; text: string; full: string[]; there: string }> => [
  { command: COMMAND.incident, text: 'list', full: ['*Open incidents*', s.incident.id], there: INCIDENTS_THERE },
  { command: COMMAND.incident, text: 'timeline', full: [`*Timeline of ${s.incident.id}*`], there: INCIDENTS_THERE },
  {
    command: COMMAND.incident,
    text: `timeline ${s.incident.id}`,
    full: [`*Timeline of ${s.incident.id}*`],
    there: INCIDENTS_THERE,
  },
  { command: COMMAND.rollback, text: 'status', full: ['*prompt-service*', s.incident.id], there: INCIDENTS_THERE },
  {
    command: COMMAND.rollback,
    text: 'history prompt-service',
    full: ['*Rollbacks of prompt-service*', 'v1.5.0'],
    there: INCIDENTS_THERE,
  },
  { command: COMMAND.drill, text: 'history', full: [s.drill.id], there: DRILLS_THERE },
  { command: COMMAND.drill, text: `report ${s.drill.id}`, full: [s.drill.id], there: DRILLS_THERE },
  { command: COMMAND.drill, text: 'schedule', full: ['*Drill schedule*', s.drill.id], there: DRILLS_THERE },
];

describe('read commands over HTTP, per command and place', () => {
  let s: Seeded;
  beforeAll(async () => {
    s = await seeded();
  });
  afterAll(async () => s?.w.stop());

  const PLACES: Array<{
    place: string;
    channel: (user: string) => string;
    user: string;
    answer: 'full' | 'there' | 'not_member';
    via: 'ack' | 'response_url';
  }> = [
    { place: 'the incident channel', channel: () => 'C0INCIDENT', user: MALLORY, answer: 'full', via: 'ack' },
    { place: 'the stakeholder channel', channel: () => 'C0STAKEHOLDERS', user: MALLORY, answer: 'full', via: 'ack' },
    { place: 'the drill channel', channel: () => 'C0DRILLS', user: MALLORY, answer: 'full', via: 'ack' },
    { place: 'another channel', channel: () => 'C0RANDOM', user: ALICE, answer: 'there', via: 'ack' },
    { place: 'a private channel of others', channel: () => 'G0ELSEWHERE', user: ALICE, answer: 'there', via: 'ack' },
    {
      place: 'the bot DM of a member of the incident channel',
      channel: dmOf,
      user: ALICE,
      answer: 'full',
      via: 'response_url',
    },
    {
      place: 'the bot DM of someone outside the incident channel',
      channel: dmOf,
      user: MALLORY,
      answer: 'not_member',
      via: 'response_url',
    },
    {
      place: 'a DM between people, by a member',
      channel: () => 'D0PEOPLE',
      user: BOB,
      answer: 'there',
      via: 'response_url',
    },
  ];

  for (const p of PLACES) {
    const shown = p.answer === 'full' ? 'the full answer' : 'where to look, and nothing of the answer';
    it(`in ${p.place}: ${shown}`, async () => {
      for (const read of READS(s)) {
        const seen = await commandIn(s.w, p.channel(p.user), p.user, read.command, read.text);
        const what = `${read.command} ${read.text}`;
        expect(seen.via, what).toBe(p.via);
        if (p.answer === 'full') {
          for (const piece of read.full)
            expect(`${seen.text}${JSON.stringify(seen.blocks ?? '')}`, what).toContain(piece);
        } else {
          expect(seen.text, what).toBe(p.answer === 'there' ? read.there : NOT_MEMBER);
          expect(seen.blocks, what).toBeUndefined();
        }
      }
    });
  }

  it('asks Slack only about DMs, about the incident channel, and keeps the answer for a minute', async () => {
    const { w } = s;
    await w.clock.advance(61_000);
    const before = w.slack.callsTo('conversations.members').length;
    await commandIn(w, 'C0RANDOM', ALICE, COMMAND.incident, 'list');
    await commandIn(w, 'C0INCIDENT', ALICE, COMMAND.incident, 'list');
    expect(w.slack.callsTo('conversations.members')).toHaveLength(before);
    await commandIn(w, dmOf(ALICE), ALICE, COMMAND.incident, 'list');
    await commandIn(w, dmOf(BOB), BOB, COMMAND.rollback, 'status');
    await commandIn(w, dmOf(MALLORY), MALLORY, COMMAND.drill, 'history');
    const asked = w.slack.callsTo('conversations.members').slice(before);
    expect(asked.map((c) => c.args.channel)).toEqual(['C0INCIDENT']);
    // Removed from the channel: still answered within the minute, not after it.
    membersAre(w, [LEAD, BOB]);
    expect((await commandIn(w, dmOf(ALICE), ALICE, COMMAND.incident, 'list')).text).toContain(s.incident.id);
    await w.clock.advance(61_000);
    expect((await commandIn(w, dmOf(ALICE), ALICE, COMMAND.incident, 'list')).text).toBe(NOT_MEMBER);
    expect(w.slack.callsTo('conversations.members').slice(before)).toHaveLength(2);
    membersAre(w, [LEAD, ALICE, BOB]);
    await w.clock.advance(61_000);
  });

  it('help and write commands keep their own rules', async () => {
    const { w } = s;
    expect((await commandIn(w, 'C0RANDOM', ALICE, COMMAND.incident, 'help')).text).toContain('timeline');
    const complaint = await commandIn(
      w,
      'C0RANDOM',
      MALLORY,
      COMMAND.rollback,
      'complaint prompt-service answers are slow',
    );
    expect(complaint.text).toContain('Complaint about *prompt-service* recorded');
    expect(w.rewind.store.complaints.count('prompt-service', 0, Number.MAX_SAFE_INTEGER)).toBe(1);
  });
});

describe('when Slack cannot say who is in the incident channel', () => {
  let s: Seeded | undefined;
  afterEach(async () => {
    await s?.w.stop();
    s = undefined;
  });

  it('says so, shows nothing of the answer, and asks again next time', async () => {
    s = await seeded();
    const { w } = s;
    w.slack.handle('conversations.members', () => ({ body: { ok: false, error: 'missing_scope' } }));
    for (const read of READS(s)) {
      const seen = await commandIn(w, dmOf(ALICE), ALICE, read.command, read.text);
      expect(seen.text, read.text).toBe(unchecked('Slack: missing_scope'));
    }
    w.slack.handle('conversations.members', () => ({ status: 500, body: { ok: false, error: 'internal_error' } }));
    expect((await commandIn(w, dmOf(ALICE), ALICE, COMMAND.incident, 'list')).text).toBe(
      unchecked('Slack answered HTTP 500'),
    );
    await w.clock.advance(61_000); // the DM's id is kept for a minute too
    w.slack.handle('conversations.open', () => ({ body: { ok: false, error: 'ratelimited_no_retry' } }));
    expect((await commandIn(w, dmOf(ALICE), ALICE, COMMAND.incident, 'list')).text).toBe(
      unchecked('Slack: ratelimited_no_retry'),
    );
    // A failure is not remembered: once Slack answers, the member gets the answer at once.
    w.slack.handle('conversations.open', (args) => ({ body: { ok: true, channel: { id: dmOf(String(args.users)) } } }));
    membersAre(w, [ALICE]);
    expect((await commandIn(w, dmOf(ALICE), ALICE, COMMAND.incident, 'list')).text).toContain(s.incident.id);
  });

  it('reads every page of a large channel, and will not guess past the last page it reads', async () => {
    s = await seeded();
    const { w } = s;
    const pages: Record<string, { members: string[]; next: string }> = {
      '': { members: Array.from({ length: 1000 }, (_, i) => `U0P1${i}`), next: 'p2' },
      p2: { members: [BOB], next: 'p3' },
      p3: { members: [], next: '' },
    };
    w.slack.handle('conversations.members', (args) => {
      const page = pages[String(args.cursor ?? '')] ?? { members: [], next: '' };
      return { body: { ok: true, members: page.members, response_metadata: { next_cursor: page.next } } };
    });
    expect((await commandIn(w, dmOf(BOB), BOB, COMMAND.incident, 'list')).text).toContain(s.incident.id);
    expect(w.slack.callsTo('conversations.members').map((c) => [c.args.limit, c.args.cursor ?? null])).toEqual([
      ['1000', null],
      ['1000', 'p2'],
      ['1000', 'p3'],
    ]);
    // Ten pages of a thousand and still more: not a member as far as it read, so not answered.
    await w.clock.advance(61_000);
    w.slack.handle('conversations.members', () => ({
      body: { ok: true, members: ['U0SOMEONE'], response_metadata: { next_cursor: 'more' } },
    }));
    expect((await commandIn(w, dmOf(ALICE), ALICE, COMMAND.incident, 'list')).text).toBe(
      unchecked('the channel has too many members to check'),
    );
  });
});

describe('over Socket Mode, and in Japanese', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.stop();
    w = undefined;
  });

  it('Socket Mode: the same places, the same answers', async () => {
    const s = await seeded({ socketMode: true });
    w = s.w;
    expect((await commandIn(w, 'C0STAKEHOLDERS', MALLORY, COMMAND.incident, 'timeline')).text).toContain(
      `*Timeline of ${s.incident.id}*`,
    );
    expect(await commandIn(w, 'C0RANDOM', ALICE, COMMAND.rollback, 'status')).toEqual({
      via: 'ack',
      text: INCIDENTS_THERE,
      blocks: undefined,
    });
    expect(await commandIn(w, 'C0RANDOM', ALICE, COMMAND.drill, `report ${s.drill.id}`)).toEqual({
      via: 'ack',
      text: DRILLS_THERE,
      blocks: undefined,
    });
    const dm = await commandIn(w, dmOf(ALICE), ALICE, COMMAND.rollback, 'history');
    expect(dm.via).toBe('response_url');
    expect(dm.text).toContain('*Recent rollbacks*');
    expect((await commandIn(w, dmOf(MALLORY), MALLORY, COMMAND.incident, 'list')).text).toBe(NOT_MEMBER);
  });

  it('ja: where to look, and why a DM is not answered', async () => {
    const s = await seeded({ config: (c) => (c.locale = 'ja') });
    w = s.w;
    expect((await commandIn(w, 'C0RANDOM', ALICE, COMMAND.incident, 'list')).text).toBe(
      'インシデントは <#C0INCIDENT> で扱っています。このコマンドはそちらで実行してください。',
    );
    expect((await commandIn(w, 'C0RANDOM', ALICE, COMMAND.drill, 'history')).text).toBe(
      'ロールバック訓練は <#C0DRILLS> で扱っています。このコマンドはそちらで実行してください。',
    );
    expect((await commandIn(w, dmOf(MALLORY), MALLORY, COMMAND.incident, 'list')).text).toContain(
      'ダイレクトメッセージでは <#C0INCIDENT> のメンバーにだけ',
    );
    w.slack.handle('conversations.members', () => ({ body: { ok: false, error: 'channel_not_found' } }));
    await w.clock.advance(61_000);
    expect((await commandIn(w, dmOf(ALICE), ALICE, COMMAND.incident, 'list')).text).toContain(
      '（Slack: channel_not_found）、ここには表示しません',
    );
  });
});
