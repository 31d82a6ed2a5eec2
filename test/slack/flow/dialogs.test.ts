/**
 * When Slack will not open a dialog (views.open answers `ok: false`, or fails outright), the person
 * who clicked the button or typed the command is told privately what happened and what to do,
 * in the configured language, and nothing is started.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, COMMAND, VIEW } from '../../../src/adapters/slack/ids.ts';
import { blockActionsPayload, interactionBody, postSigned } from '../../support/slack-signing.ts';
import { LEAD, SECRET, actionIds, startWorld, type ConfigDoc, type World } from '../../support/world.ts';

const MIN = 60_000;
let world: World;
afterEach(async () => world?.stop());

const EXPIRED =
  'The confirmation dialog could not be opened (Slack: expired_trigger_id — dialogs must open within 3 seconds of ' +
  'the click). Click the button again.';

function failViewsOpen(w: World, answer: { status?: number; body: Record<string, unknown> }): void {
  w.slack.handle('views.open', () => answer);
}

async function clickImmediate(w: World, incident: { id: string; slackTs: string | null }) {
  const responseUrl = w.slack.responseUrl();
  const click = await w.act({
    user: LEAD,
    actionId: ACTION.immediate,
    value: incident.id,
    blockId: BLOCK.decisions,
    messageTs: incident.slackTs ?? '',
    responseUrl,
  });
  expect(click.status).toBe(200);
  // With processBeforeResponse false the listener answers after the ack: wait for it.
  await w.slack.waitForResponse({ timeoutMs: 20_000 });
  return w.slack.responsesTo(responseUrl);
}

describe('a dialog Slack will not open', () => {
  it('expired_trigger_id on a button: the clicker is told why and what to do, privately; nothing starts', async () => {
    world = await startWorld();
    const incident = await world.openIncident();
    failViewsOpen(world, { body: { ok: false, error: 'expired_trigger_id' } });
    const answers = await clickImmediate(world, incident);
    expect(world.slack.callsTo('views.open')).toHaveLength(1);
    expect(answers.map((a) => a.body)).toEqual([
      { response_type: 'ephemeral', replace_original: false, text: EXPIRED },
    ]);
    expect(world.engine.started).toEqual([]);
    expect(world.rewind.store.incidents.get(incident.id)?.status).toBe('awaiting_decision');
  });

  it('an HTTP 500 from views.open: says Slack answered 500; the same over processBeforeResponse false', async () => {
    for (const processBeforeResponse of [true, false]) {
      const w = await startWorld({ processBeforeResponse });
      try {
        const incident = await w.openIncident();
        failViewsOpen(w, { status: 500, body: { ok: false, error: 'internal_error' } });
        const answers = await clickImmediate(w, incident);
        expect(answers.map((a) => a.body.text)).toEqual([
          'The confirmation dialog could not be opened (Slack answered HTTP 500). Click the button again.',
        ]);
        expect(w.engine.started).toEqual([]);
      } finally {
        await w.stop();
      }
    }
  });

  it('from /rollback: the answer goes to the command’s response_url and says to run the command again', async () => {
    world = await startWorld();
    await world.openIncident();
    failViewsOpen(world, { body: { ok: false, error: 'expired_trigger_id' } });
    const responseUrl = world.slack.responseUrl('cmd');
    const ack = await world.command(LEAD, COMMAND.rollback, 'immediate prompt-service', responseUrl);
    expect(ack.status).toBe(200);
    await world.slack.waitForResponse({ timeoutMs: 20_000 });
    expect(world.slack.responsesTo(responseUrl).map((r) => r.body)).toEqual([
      {
        response_type: 'ephemeral',
        text:
          'The confirmation dialog could not be opened (Slack: expired_trigger_id — dialogs must open within 3 ' +
          'seconds of the command). Run the command again.',
      },
    ]);
  });

  it('in Japanese when the locale is ja', async () => {
    world = await startWorld({ config: (c) => (c.locale = 'ja') });
    const incident = await world.openIncident();
    failViewsOpen(world, { body: { ok: false, error: 'expired_trigger_id' } });
    const answers = await clickImmediate(world, incident);
    expect(answers.map((a) => a.body.text)).toEqual([
      '確認ダイアログを開けませんでした（Slack: expired_trigger_id — ダイアログはクリックから 3 秒以内に開く必要があります）。もう一度ボタンを押してください。',
    ]);
  });

  it('a click that came without a response_url is answered with chat.postEphemeral in its channel', async () => {
    world = await startWorld();
    const incident = await world.openIncident();
    failViewsOpen(world, { body: { ok: false, error: 'expired_trigger_id' } });
    const payload = blockActionsPayload({
      user: LEAD,
      actionId: ACTION.immediate,
      value: incident.id,
      blockId: BLOCK.decisions,
      channel: 'C0INCIDENT',
      messageTs: incident.slackTs ?? '',
    });
    delete payload.response_url;
    const res = await postSigned(world.url, interactionBody(payload), { secret: SECRET });
    expect(res.status).toBe(200);
    const sent = await world.slack.waitForCall('chat.postEphemeral', { timeoutMs: 20_000 });
    expect(sent.args).toMatchObject({ channel: 'C0INCIDENT', user: LEAD, text: EXPIRED });
    expect(world.slack.responses).toEqual([]);
  });

  it('the canary dialog says which dialog failed', async () => {
    // The real engine on the Kubernetes stand-in (Istio, weighted), with the fixed version in the
    // config: the rollback completes, the incident resolves, and a canary of the fix can be planned.
    const withFix = (c: ConfigDoc) => {
      c.services['prompt-service'].versions.unshift({
        version: 'v2.0.1',
        deployment: 'prompt-service-v2-0-1',
        backend: 'prompt-service-v2-0-1',
        subset: 'v2-0-1',
        timeout: '3000ms',
      });
    };
    world = await startWorld({
      kube: { versions: ['v2.0.1', 'v2.0.0', 'v1.5.0', 'v1.0.0'], split: { 'v2.0.0': 100 } },
      config: withFix,
    });
    const incident = await world.openIncident();
    await world.act({
      user: LEAD,
      actionId: ACTION.immediate,
      value: incident.id,
      blockId: BLOCK.decisions,
      messageTs: incident.slackTs ?? '',
    });
    const metadata = (world.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string }).private_metadata;
    await world.submit(LEAD, VIEW.confirmRollback, metadata);
    await world.runUntil(() => world.rewind.store.incidents.get(incident.id)?.status === 'resolved', {
      maxMs: 20 * MIN,
    });
    const note = world.slack
      .callsTo('chat.postMessage')
      .find((c) => c.args.thread_ts === incident.slackTs && actionIds(c).includes(ACTION.canaryFix));
    expect(note, 'the fix-prep note carries the canary button').toBeDefined();

    failViewsOpen(world, { body: { ok: false, error: 'exchanged_trigger_id' } });
    const responseUrl = world.slack.responseUrl('canary');
    await world.act({
      user: LEAD,
      actionId: ACTION.canaryFix,
      value: incident.id,
      blockId: BLOCK.decisions,
      messageTs: '1700000000.000900',
      threadTs: incident.slackTs ?? '',
      responseUrl,
    });
    await world.slack.waitForResponse({ timeoutMs: 20_000 });
    expect(world.slack.responsesTo(responseUrl).map((r) => r.body.text)).toEqual([
      'The canary dialog could not be opened (Slack: exchanged_trigger_id — this click already opened a dialog). ' +
        'Click the button again.',
    ]);
  });
});
