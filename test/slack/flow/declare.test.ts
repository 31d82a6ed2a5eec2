/**
 * `/incident declare` end to end: signed slash commands into the running app, and what reached the
 * Slack stand-in and the database. A declared incident is an incident like one an alert opens —
 * the same head message, escalation and timeline — with the person who declared it on record.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, COMMAND } from '../../../src/adapters/slack/ids.ts';
import { AUTOMATIC_ROLLBACK_TIMER } from '../../../src/services/alert-intake.ts';
import type { SlackCall } from '../../support/slack-api.ts';
import { postSigned, slashCommandBody } from '../../support/slack-signing.ts';
import { ALICE, LEAD, MALLORY, SECRET, T0, actionIds, startWorld, textOf, type World } from '../../support/world.ts';

const MIN = 60_000;
let world: World;
afterEach(async () => world?.stop());

/** What the person saw: the ack's text, else what the listener sent to the command's response_url. */
async function declare(
  w: World,
  text: string,
  { user = MALLORY, channel = 'C0INCIDENT', triggerId }: { user?: string; channel?: string; triggerId?: string } = {},
): Promise<string> {
  const responseUrl = w.slack.responseUrl();
  const body = slashCommandBody({
    command: COMMAND.incident,
    text: `declare ${text}`,
    user_id: user,
    channel_id: channel,
    response_url: responseUrl,
    ...(triggerId ? { trigger_id: triggerId } : {}),
  });
  const res = await postSigned(w.url, body, { secret: SECRET });
  expect(res.status).toBe(200);
  const raw = await res.text();
  await w.settle();
  const ack = raw ? (JSON.parse(raw) as { text?: string; response_type?: string }) : {};
  if (ack.text !== undefined) {
    expect(ack.response_type).toBe('ephemeral');
    return ack.text;
  }
  const posted = w.slack.responsesTo(responseUrl);
  expect(posted).toHaveLength(1);
  expect(posted[0]?.body.response_type).toBe('ephemeral');
  return String(posted[0]?.body.text);
}

/** Head messages posted in the incident channel (not thread replies). */
const heads = (w: World): SlackCall[] =>
  w.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === 'C0INCIDENT' && c.args.thread_ts === undefined && c.args.blocks !== undefined);

const dms = (w: World) =>
  w.slack
    .callsTo('chat.postMessage')
    .filter((c) => String(c.args.channel).startsWith('D0'))
    .map((c) => String(c.args.channel).replace(/^D0/, ''));

describe('declaring an incident', () => {
  it(
    'opens it with the head message of an alert-opened incident, the declarer on the timeline, and escalation at 15 ' +
      'minutes',
    async () => {
      world = await startWorld();
      // Anyone who can see incidents may declare: MALLORY is no approver.
      const answer = await declare(world, 'prompt-service Answers come back in English since the 14:00 deploy');
      const incident = world.rewind.store.incidents.findOpenByService('prompt-service');
      expect(incident).toMatchObject({
        severity: 'warning',
        status: 'awaiting_decision',
        version: 'v2.0.0',
        title: 'Answers come back in English since the 14:00 deploy',
        drill: false,
        startedAt: T0,
      });
      const id = incident?.id ?? '';
      expect(answer).toBe(
        `🆘 Declared *${id}*: *prompt-service* \`v2.0.0\` (serving as far as Rewind’s records go; the routing was not ` +
          `read), severity Warning. Its message with the judgment matrix is in <#C0INCIDENT>; the timeline names you ` +
          `as the one who declared it, and escalation counts from now.`,
      );

      // The same head message as an incident an alert opens (here on the other service).
      expect(
        (
          await world.postAlert('generic', {
            service: 'prompt-service-staging',
            severity: 'warning',
            summary: 'error rate above 5%',
          })
        ).status,
      ).toBe(202);
      const [declared, alerted] = heads(world);
      expect(heads(world)).toHaveLength(2);
      expect(textOf(declared)).toContain(id);
      expect(textOf(declared)).toContain('Answers come back in English since the 14:00 deploy');
      expect(textOf(declared)).toContain('prompt-service v2.0.0');
      expect(actionIds(declared)).toEqual(actionIds(alerted));
      expect(actionIds(declared)).toEqual(
        expect.arrayContaining([
          ACTION.userImpact,
          ACTION.businessImpact,
          ACTION.fixTime,
          ACTION.immediate,
          ACTION.gradual,
          ACTION.fix,
          ACTION.nextRelease,
          ACTION.acknowledge,
          ACTION.resolve,
        ]),
      );

      const timeline = world.rewind.services.queries.timeline(id);
      expect(timeline.map((e) => e.kind).slice(0, 3)).toEqual(['detected', 'status', 'posted']);
      expect(timeline[0]).toMatchObject({
        at: T0,
        actor: { kind: 'user', id: MALLORY },
        detail: {
          declared: true,
          title: 'Answers come back in English since the 14:00 deploy',
          severity: 'warning',
          version: 'v2.0.0',
        },
      });
      expect(timeline[1]).toMatchObject({
        actor: { kind: 'user', id: MALLORY },
        from: 'detected',
        to: 'awaiting_decision',
      });
      const shown = (await world.command(ALICE, COMMAND.incident, `timeline ${id}`)).body.text as string;
      expect(shown).toContain(`*detected* <@${MALLORY}>`);
      expect(shown).toContain('declared=true');

      await world.runUntil(() => world.clock.now() >= T0 + 14 * MIN + 30_000, { stepMs: 30_000 });
      expect(world.rewind.services.queries.timeline(id).filter((e) => e.kind === 'escalation')).toEqual([]);
      await world.runUntil(() => world.clock.now() >= T0 + 16 * MIN, { stepMs: 30_000 });
      expect(
        world.rewind.services.queries
          .timeline(id)
          .filter((e) => e.kind === 'escalation')
          .map((e) => [e.at, e.detail.level]),
      ).toEqual([[T0 + 15 * MIN, 1]]);
      expect(dms(world)).toEqual(expect.arrayContaining(['U0SENIOR1', 'U0SENIOR2']));
    },
  );

  it('names the version the router sends most traffic to', async () => {
    world = await startWorld({ kube: { split: { 'v2.0.0': 10, 'v1.5.0': 90 } } });
    const answer = await declare(world, 'prompt-service latency up since this morning');
    expect(world.rewind.store.incidents.findOpenByService('prompt-service')?.version).toBe('v1.5.0');
    expect(answer).toContain('`v1.5.0` (serving now, read from the router)');
    expect(textOf(heads(world)[0])).toContain('prompt-service v1.5.0');
  });

  it('critical: asks for a decision and starts no automatic rollback, though autoRollback is critical', async () => {
    world = await startWorld();
    expect(world.rewind.config.triggers.autoRollback).toBe('critical');
    const answer = await declare(world, 'prompt-service --critical every answer is an error');
    const incident = world.rewind.store.incidents.findOpenByService('prompt-service');
    expect(incident).toMatchObject({
      severity: 'critical',
      status: 'awaiting_decision',
      title: 'every answer is an error',
    });
    expect(answer).toContain('Critical');
    expect(answer).toContain('Nothing was rolled back automatically');
    await world.runUntil(() => world.clock.now() >= T0 + 2 * MIN, { stepMs: 10_000 });
    expect(world.engine.started).toEqual([]);
    expect(world.rewind.store.timers.list({ kind: AUTOMATIC_ROLLBACK_TIMER })).toEqual([]);
    expect(world.rewind.store.rollbacks.history()).toEqual([]);
  });

  it('watch, as the last word: a quiet head message that asks for no decision yet', async () => {
    world = await startWorld();
    const answer = await declare(world, 'prompt-service a few odd answers --watch');
    expect(world.rewind.store.incidents.findOpenByService('prompt-service')).toMatchObject({
      severity: 'watch',
      status: 'detected',
      title: 'a few odd answers',
    });
    expect(answer).toContain('As a watch it is a quiet message');
  });

  it('during a drill on the service the incident is the drill’s', async () => {
    world = await startWorld({ config: (c) => (c.drills.injector = { kind: 'simulated' }) });
    await world.command(LEAD, COMMAND.drill, 'run latency-spike');
    await world.runUntil(() => world.rewind.store.drills.withStatus('running').length === 1, { maxMs: MIN });
    const answer = await declare(world, 'prompt-service-staging answers take 20 s');
    expect(world.rewind.store.incidents.findOpenByService('prompt-service-staging')?.drill).toBe(true);
    expect(answer).toContain('🧪 A drill is running on *prompt-service-staging*');
  });

  it('a long summary is cut to fit, and the person is told', async () => {
    world = await startWorld();
    const answer = await declare(world, `prompt-service ${'slow answers '.repeat(60)}`);
    const title = world.rewind.store.incidents.findOpenByService('prompt-service')?.title ?? '';
    expect(title).toHaveLength(500);
    expect(title.endsWith('…')).toBe(true);
    expect(answer).toContain('The summary was cut to 500 characters.');
  });
});

describe('refusals, and nothing opened', () => {
  const nothingOpened = (w: World, before: number) => {
    expect(w.rewind.store.incidents.listOpen().length).toBe(before);
    expect(heads(w).length).toBe(before);
  };

  it(
    'en: unknown service (with the known ones), missing summary (with the usage), an incident already open (pointed ' +
      'to)',
    async () => {
      world = await startWorld();
      const unknown = await declare(world, 'promt-service broken');
      expect(unknown).toContain(
        '⚠️ Unknown service `promt-service`. Did you mean `prompt-service`? Configured services: `prompt-service`, ' +
          '`prompt-service-staging`.',
      );
      expect(unknown).toContain('`/incident declare &lt;service&gt; [--critical|--warning|--watch] &lt;summary…&gt;`');
      const missing = await declare(world, 'prompt-service --critical');
      expect(missing).toContain('⚠️ Missing the summary: after the service name, say in a few words what is wrong.');
      expect(missing).toContain('*Usage:*');
      nothingOpened(world, 0);

      const open = await world.openIncident();
      const again = await declare(world, 'prompt-service answers are wrong');
      expect(again).toBe(
        `*prompt-service* already has an open incident: *${open.id}* (Awaiting decision, Warning) — “error_rate 7.2% ` +
          `&gt; 5%”. A service has one incident at a time, so nothing new was opened: add what you know in its ` +
          `thread in <#C0INCIDENT>.`,
      );
      nothingOpened(world, 1);
      // Nothing was added to the open one either: the person is pointed to it, and writes there themselves.
      expect(world.rewind.services.queries.timeline(open.id).filter((e) => e.actor.kind === 'user')).toEqual([]);
    },
  );

  it('ja: the same refusals in Japanese', async () => {
    world = await startWorld({ config: (c) => (c.locale = 'ja') });
    expect(await declare(world, 'nope-service 壊れた')).toContain(
      '`nope-service` というサービスはありません。設定済みのサービス: `prompt-service`、`prompt-service-staging`',
    );
    const missing = await declare(world, 'prompt-service');
    expect(missing).toContain('概要(サービス名の後に、何が起きているかを短く書いてください)がありません。');
    expect(missing).toContain('`/incident declare &lt;サービス&gt; [--critical|--warning|--watch] &lt;概要…&gt;`');
    nothingOpened(world, 0);

    const declared = await declare(world, 'prompt-service 回答が英語で返ってくる');
    const id = world.rewind.store.incidents.findOpenByService('prompt-service')?.id ?? '';
    expect(declared).toContain(`🆘 *${id}* を宣言しました: *prompt-service* \`v2.0.0\``);
    const again = await declare(world, 'prompt-service まだ英語', { user: ALICE });
    expect(again).toBe(
      `*prompt-service* には未解決のインシデント *${id}*(判断待ち、警告)があります — 「回答が英語で返ってくる」。1つのサービスのインシデントは同時に1つだけのため、新しくは起票していません。` +
        `分かっていることは <#C0INCIDENT> のそのスレッドに書き込んでください。`,
    );
    nothingOpened(world, 1);
  });

  it('from the bot’s direct message: declared for a member of the incident channel, refused for others', async () => {
    world = await startWorld();
    world.slack.handle('conversations.members', () => ({
      body: { ok: true, members: [LEAD, MALLORY], response_metadata: { next_cursor: '' } },
    }));
    const outsider = await declare(world, 'prompt-service down', { user: ALICE, channel: `D0${ALICE}` });
    expect(outsider).toBe(
      '🔒 In a direct message Rewind answers this only to members of <#C0INCIDENT>. Ask to be added there, then run ' +
        'the command again.',
    );
    expect(world.rewind.store.incidents.listOpen()).toEqual([]);
    const member = await declare(world, 'prompt-service down', { user: MALLORY, channel: `D0${MALLORY}` });
    expect(member).toContain('🆘 Declared');
    expect(world.rewind.store.incidents.findOpenByService('prompt-service')).toMatchObject({ title: 'down' });
    expect(heads(world)).toHaveLength(1);
  });

  it('outside Rewind’s channels: where to declare instead, and nothing said about open incidents', async () => {
    world = await startWorld();
    const open = await world.openIncident();
    const answer = await declare(world, 'prompt-service-staging down', { channel: 'C0RANDOM' });
    expect(answer).toBe('Incidents are discussed in <#C0INCIDENT>: run this command there.');
    const pointed = await declare(world, 'prompt-service down', { channel: 'C0RANDOM' });
    expect(pointed).not.toContain(open.id);
    nothingOpened(world, 1);
  });
});

describe('text and deliveries from Slack', () => {
  /** What would notify or link if Slack parsed it. */
  const PINGS = [
    /<!channel/,
    /<!here/,
    /<!everyone/,
    /<@U0HOSTILE/,
    /<!subteam\^S0HOSTILE/,
    /<#C0HOSTILE/,
    /<https?:\/\/evil/,
  ];
  const HOSTILE = '<!channel> <!here> <@U0HOSTILE> <!subteam^S0HOSTILE> <#C0HOSTILE> <http://evil.example|click> & co';
  const ESCAPED =
    '&lt;!channel&gt; &lt;!here&gt; &lt;@U0HOSTILE&gt; &lt;!subteam^S0HOSTILE&gt; &lt;#C0HOSTILE&gt; &lt;http://evil.example|click&gt; &amp; co';

  it(
    'a summary with <!channel> pings nobody: head message, its notification text, the answer, the timeline, a second ' +
      'declaration',
    async () => {
      world = await startWorld();
      // Slack delivers command text with &, < and > as entities.
      const answer = await declare(world, `prompt-service ${ESCAPED}`);
      const incident = world.rewind.store.incidents.findOpenByService('prompt-service');
      expect(incident?.title).toBe(HOSTILE); // stored as typed
      const again = await declare(world, 'prompt-service still broken', { user: ALICE });
      const timeline = (await world.command(ALICE, COMMAND.incident, 'timeline')).body.text as string;
      await world.homeOpened(ALICE);
      const sent = [
        ...world.slack.calls.map((c) => JSON.stringify(c.args)),
        ...world.slack.responses.map((r) => JSON.stringify(r.body)),
        answer,
        again,
        timeline,
      ].join('\n');
      for (const ping of PINGS) expect(sent).not.toMatch(ping);
      expect(sent).not.toMatch(/&amp;(?:amp|lt|gt);/); // escaped once, not twice
      const head = heads(world)[0];
      expect(String(head?.args.text)).toContain(ESCAPED);
      expect(textOf(head)).toContain(ESCAPED);
      expect(again).toContain(ESCAPED);
      expect(timeline).toContain(ESCAPED);
    },
  );

  it('a redelivered command (same trigger_id, x-slack-retry-num) opens one incident and answers once', async () => {
    world = await startWorld();
    const responseUrl = world.slack.responseUrl();
    const body = slashCommandBody({
      command: COMMAND.incident,
      text: 'declare prompt-service answers time out',
      user_id: MALLORY,
      channel_id: 'C0INCIDENT',
      response_url: responseUrl,
      trigger_id: '555.666.declare',
    });
    expect((await postSigned(world.url, body, { secret: SECRET })).status).toBe(200);
    await world.settle();
    for (const retryNum of [1, 2]) {
      const repeat = await postSigned(world.url, body, { secret: SECRET, retryNum, retryReason: 'http_timeout' });
      expect(repeat.status).toBe(200);
      // Dropped before the listener: not even told "already open", which a second declaration would be.
      expect(await repeat.text()).toBe('');
    }
    await world.settle();
    expect(world.rewind.store.incidents.listOpen()).toHaveLength(1);
    expect(heads(world)).toHaveLength(1);
    const answers = world.slack.responsesTo(responseUrl);
    expect(answers).toHaveLength(1); // no "already open" for the repeats either
    expect(String(answers[0]?.body.text)).toContain('🆘 Declared');
  });
});
