/**
 * Every slash command through the running app: help, the strict and friendly errors (nothing
 * changes), and the subcommands that work today.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND, VIEW } from '../../../src/adapters/slack/ids.ts';
import { ALICE, LEAD, MALLORY, startWorld, type World } from '../../support/world.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => world?.stop());

const text = (r: { body: { text?: string; response_type?: string } }) => {
  expect(r.body.response_type).toBe('ephemeral');
  return r.body.text ?? '';
};

describe.each([
  [COMMAND.rollback, ['immediate', 'gradual', 'planned', 'status', 'pause', 'resume', 'abort', 'history', 'complaint']],
  [COMMAND.incident, ['declare', 'list', 'ack', 'resolve', 'rca', 'timeline']],
  [COMMAND.drill, ['run', 'schedule', 'history', 'report']],
])('%s', (command, subcommands) => {
  it.each([['help'], ['']])('"%s" answers with the help naming every subcommand', async (arg) => {
    const help = text(await world.command(ALICE, command, arg));
    for (const sub of subcommands) expect(help).toContain(sub);
  });

  it('an unknown subcommand says what was wrong and shows the usage', async () => {
    const answer = text(await world.command(ALICE, command, 'frobnicate now'));
    expect(answer).toContain('frobnicate');
    for (const sub of subcommands) expect(answer).toContain(sub);
  });
});

describe('/rollback errors change nothing', () => {
  it.each([
    ['immediate', 'service'],
    ['immediate promt-service', 'prompt-service'], // did you mean
    ['gradual prompt-service to v9.9.9', 'v1.5.0'], // the known versions
    ['planned prompt-service', 'at'],
    ['planned prompt-service at yesterday', 'yesterday'],
    ['pause', 'service'],
    ['complaint prompt-service', 'complaint'],
    ['status nope-service', 'nope-service'],
  ])('/rollback %s', async (args, mentioned) => {
    const before = world.slack.calls.length;
    const answer = text(await world.command(LEAD, COMMAND.rollback, args));
    expect(answer.toLowerCase()).toContain(mentioned.toLowerCase());
    expect(world.slack.calls.length).toBe(before);
    expect(world.rewind.store.rollbacks.history()).toEqual([]);
  });
});

describe('/rollback', () => {
  it('immediate <service> by an approver opens the confirmation; by anyone else, a refusal', async () => {
    const refused = await world.command(MALLORY, COMMAND.rollback, 'immediate prompt-service');
    expect(refused.body).toEqual({});
    const refusal = await world.slack.waitForResponse({ count: world.slack.responses.length });
    expect(String(refusal.body.text)).toContain('<@U0LEAD>');
    const opened = world.slack.callsTo('views.open').length;
    await world.command(LEAD, COMMAND.rollback, 'immediate prompt-service to v1.0.0');
    const call = world.slack.callsTo('views.open')[opened];
    const view = call?.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(VIEW.confirmRollback);
    expect(JSON.parse(view.private_metadata)).toMatchObject({
      incidentId: null,
      service: 'prompt-service',
      fromVersion: 'v2.0.0',
      toVersion: 'v1.0.0',
      strategy: 'immediate',
    });
  });

  it('status shows each service with its thresholds', async () => {
    const answer = text(await world.command(ALICE, COMMAND.rollback, 'status'));
    expect(answer).toContain('prompt-service');
    expect(answer).toContain('prompt-service-staging');
    expect(answer).toContain('error_rate &gt; 10%'); // Slack mrkdwn escapes >
    expect(answer).toContain('user_complaints &gt; 5');
  });

  it('history lists the recorded rollbacks', async () => {
    expect(text(await world.command(ALICE, COMMAND.rollback, 'history prompt-service'))).toContain(
      'No rollbacks recorded',
    );
  });

  it('complaint records who, when and what, and counts it in the observation window', async () => {
    const first = text(
      await world.command(ALICE, COMMAND.rollback, 'complaint prompt-service-staging the bot answers in English'),
    );
    expect(first).toContain('1 in the last 5m');
    const second = text(await world.command(MALLORY, COMMAND.rollback, 'complaint prompt-service-staging still wrong'));
    expect(second).toContain('2 in the last 5m');
    expect(
      world.rewind.store.complaints.recent('prompt-service-staging').map((c) => [c.reportedBy, c.text, c.at]),
    ).toEqual([
      [MALLORY, 'still wrong', world.clock.now()],
      [ALICE, 'the bot answers in English', world.clock.now()],
    ]);
  });

  it('pause of a service with no rollback says so', async () => {
    await world.command(LEAD, COMMAND.rollback, 'pause prompt-service');
    const answer = await world.slack.waitForResponse({ count: world.slack.responses.length });
    expect(String(answer.body.text)).toContain('prompt-service');
  });

  it('planned opens the confirmation with the time it will run', async () => {
    const opened = world.slack.callsTo('views.open').length;
    await world.command(LEAD, COMMAND.rollback, 'planned prompt-service at 2026-01-06 03:00 immediate');
    const call = world.slack.callsTo('views.open')[opened];
    const metadata = JSON.parse((call?.args.view as { private_metadata: string }).private_metadata);
    // 03:00 in Asia/Tokyo (drills.timezone) is 18:00 UTC the day before.
    expect(metadata).toMatchObject({
      service: 'prompt-service',
      strategy: 'immediate',
      toVersion: 'v1.5.0',
      scheduledFor: Date.UTC(2026, 0, 5, 18, 0),
    });
    expect(JSON.stringify(call?.args.view)).toContain('Planned');
  });
});

describe('/incident', () => {
  it('list, timeline, ack and resolve work on the open incident', async () => {
    expect(text(await world.command(ALICE, COMMAND.incident, 'list'))).toContain('No open incidents');
    expect(text(await world.command(ALICE, COMMAND.incident, 'ack'))).toContain('no open incident');
    const incident = await world.openIncident();
    expect(text(await world.command(ALICE, COMMAND.incident, 'list'))).toContain(incident.id);
    expect(text(await world.command(ALICE, COMMAND.incident, 'ack'))).toContain(incident.id);
    expect(world.rewind.store.incidents.get(incident.id)?.acknowledgedBy).toBe(ALICE);
    const timeline = text(await world.command(ALICE, COMMAND.incident, `timeline ${incident.id.toLowerCase()}`));
    expect(timeline).toContain('detected');
    expect(timeline).toContain('ack');
    expect(text(await world.command(ALICE, COMMAND.incident, 'rca'))).toContain(incident.id);
    expect(text(await world.command(ALICE, COMMAND.incident, `resolve ${incident.id}`))).toContain(incident.id);
    expect(world.rewind.store.incidents.get(incident.id)?.status).toBe('resolved');
    expect(text(await world.command(ALICE, COMMAND.incident, `resolve ${incident.id}`))).toContain('resolved');
    // Listed among the recently resolved, it reads as resolved at a glance.
    expect(text(await world.command(ALICE, COMMAND.incident, 'list'))).toContain(`✅ *${incident.id}*`);
  });

  it('an unknown or malformed id is refused clearly', async () => {
    expect(text(await world.command(ALICE, COMMAND.incident, 'ack INC-20990101-001'))).toContain('INC-20990101-001');
    expect(text(await world.command(ALICE, COMMAND.incident, 'ack 42'))).toContain('INC-YYYYMMDD-NNN');
  });
});

describe('/drill', () => {
  it('schedule shows the next quarterly runs in the configured time zone', async () => {
    const answer = text(await world.command(ALICE, COMMAND.drill, 'schedule'));
    expect(answer).toContain('0 10 1 1,4,7,10 *');
    expect(answer).toContain('2026-04-01');
    expect(answer).toContain('2026-07-01');
  });
});

describe('locale', () => {
  it('answers in Japanese when the config says ja', async () => {
    const ja = await startWorld({ config: (c) => (c.locale = 'ja') });
    try {
      const help = (await ja.command(ALICE, COMMAND.rollback, 'help')).body.text as string;
      expect(help).toMatch(/ロールバック/);
      const incident = await ja.openIncident();
      const head = JSON.stringify(
        ja.slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0INCIDENT')?.args,
      );
      expect(head).toContain('ユーザー影響');
      expect(head).toContain(incident.id);
    } finally {
      await ja.stop();
    }
  });
});
