/**
 * A lone alert's way to Slack: committed in the turn it arrives (no batching timer to wait out),
 * its head message sent before the stakeholder notice queued with it, and marked stage by stage
 * on the `rewind:alert-path` diagnostics channel that `npm run bench` listens on — in order, from
 * the webhook request to the head message's Web API call.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startWorld, type World } from '../support/world.ts';

let world: World | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await world?.stop();
  world = undefined;
});

const WARNING = {
  version: '4',
  status: 'firing',
  receiver: 'rewind',
  groupKey: '{}:{service="prompt-service"}',
  groupLabels: { service: 'prompt-service' },
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  truncatedAlerts: 0,
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'PromptErrorRate', service: 'prompt-service', version: 'v2.0.0', severity: 'warning' },
      annotations: { summary: 'error rate above 5%' },
      startsAt: '2026-01-05T08:58:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: 'fp-path',
    },
  ],
};

describe("a lone alert's way to Slack", () => {
  it('is committed and answered without waiting for any timer', async () => {
    world = await startWorld({ processBeforeResponse: false });
    // From here no timer fires: the answer can only come if the commit waits for none.
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const answer = await world.postAlert('alertmanager', WARNING);
    vi.useRealTimers();
    expect(answer).toEqual({ status: 202, body: { accepted: 1, unknownServices: [] } });
    const [incident] = world.rewind.store.incidents.listOpen();
    expect(incident).toMatchObject({ service: 'prompt-service', severity: 'warning' });
    expect(world.rewind.store.alerts.listForIncident(incident?.id ?? '')).toHaveLength(1);
  });

  it('reaches the incident channel before the stakeholder channel hears of it', async () => {
    world = await startWorld({ processBeforeResponse: false, minUpdateIntervalMs: 1_000 });
    const { incidentChannel, stakeholderChannel } = world.rewind.config.slack;
    await world.postAlert('alertmanager', WARNING);
    await world.settle();
    // Queued in one commit; the notice waits until the head message's delivery has ended.
    const posts = world.slack.callsTo('chat.postMessage').map((c) => [c.args.channel, c.args.thread_ts ?? null]);
    expect(posts.slice(0, 2)).toEqual([
      [incidentChannel, null],
      [stakeholderChannel, null],
    ]);
  });

  it('is marked at each stage, in order, up to the head message sent to Slack', async () => {
    world = await startWorld({ processBeforeResponse: false });
    const marks: string[] = [];
    const listen = (message: unknown) => marks.push(String(message));
    subscribe('rewind:alert-path', listen);
    try {
      await world.postAlert('alertmanager', WARNING);
      await world.slack.waitForCall('chat.postMessage');
      await world.settle();
    } finally {
      unsubscribe('rewind:alert-path', listen);
    }
    const head = world.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === world?.rewind.config.slack.incidentChannel && !c.args.thread_ts);
    expect(head).toHaveLength(1);
    // One render of the head message: the stages once each, in the order the alert passes them.
    expect(marks).toEqual([
      'request',
      'parsed',
      'normalised',
      'commit-start',
      'committed',
      'render-start',
      'slack-call',
    ]);
  });
});
