/**
 * Alert webhooks into the running app: many alerts become one incident message, refusals change
 * nothing, resolutions are noted and offer to resolve.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/adapters/slack/ids.ts';
import { actionIds, startWorld, textOf, type World } from '../../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

function amBody(
  status: 'firing' | 'resolved',
  alerts: Array<{ fingerprint: string; severity?: string; service?: string; summary?: string }>,
) {
  return {
    version: '4',
    status,
    receiver: 'rewind',
    groupKey: '{}:{alertname="PromptErrorRate"}',
    truncatedAlerts: 0,
    groupLabels: { alertname: 'PromptErrorRate' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: alerts.map((a) => ({
      status,
      labels: {
        alertname: 'PromptErrorRate',
        service: a.service ?? 'prompt-service',
        version: 'v2.0.0',
        severity: a.severity ?? 'warning',
      },
      annotations: { summary: a.summary ?? 'error rate above 5%' },
      startsAt: '2026-01-05T08:58:00Z',
      endsAt: status === 'resolved' ? '2026-01-05T09:10:00Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: a.fingerprint,
    })),
  };
}

describe('alert webhooks', () => {
  it('a storm of Alertmanager alerts for one service becomes one incident message and its thread', async () => {
    world = await startWorld();
    for (let i = 0; i < 20; i++) {
      const res = await world.postAlert('alertmanager', amBody('firing', [{ fingerprint: `fp-${i % 5}` }]));
      expect(res).toEqual({ status: 202, body: { accepted: 1, unknownServices: [] } });
    }
    const heads = world.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === 'C0INCIDENT' && c.args.thread_ts === undefined);
    expect(heads).toHaveLength(1);
    expect(world.rewind.store.incidents.listOpen()).toHaveLength(1);
    const [incident] = world.rewind.store.incidents.listOpen();
    expect(world.rewind.store.alerts.listForIncident(incident?.id ?? '')).toHaveLength(5);
    const thread = world.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === incident?.slackTs);
    expect(thread).toHaveLength(5); // one note per distinct alert, none for repeats
  });

  it('resolved alerts are noted, and once all are resolved a Resolve button is offered', async () => {
    world = await startWorld();
    await world.postAlert('alertmanager', amBody('firing', [{ fingerprint: 'a' }, { fingerprint: 'b' }]));
    await world.postAlert('alertmanager', amBody('resolved', [{ fingerprint: 'a' }, { fingerprint: 'b' }]));
    const [incident] = world.rewind.store.incidents.listOpen();
    const thread = world.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === incident?.slackTs);
    const last = thread.at(-1);
    expect(actionIds(last)).toEqual([ACTION.resolve]);
    expect(textOf(last)).toContain('Every alert of this incident is resolved');
  });

  it('grafana and generic alerts land in the same incident; an unknown service is stored and told once', async () => {
    world = await startWorld();
    await world.postAlert('generic', {
      service: 'prompt-service',
      severity: 'warning',
      summary: 'complaints are piling up',
    });
    await world.postAlert('generic', { service: 'billing', severity: 'critical', summary: 'billing is down' });
    const second = await world.postAlert('generic', {
      service: 'billing',
      severity: 'critical',
      summary: 'billing is still down',
    });
    expect(second).toEqual({ status: 202, body: { accepted: 1, unknownServices: ['billing'] } });
    const channelNotes = world.slack.callsTo('chat.postMessage').filter((c) => textOf(c).includes('billing'));
    expect(channelNotes).toHaveLength(1);
    expect(world.rewind.store.incidents.listOpen().map((i) => i.service)).toEqual(['prompt-service']);
  });

  it('refusals change nothing: no token, wrong token, malformed JSON, wrong shape', async () => {
    world = await startWorld();
    expect((await world.postAlert('alertmanager', amBody('firing', [{ fingerprint: 'x' }]), {})).status).toBe(401);
    expect(
      (
        await world.postAlert('alertmanager', amBody('firing', [{ fingerprint: 'x' }]), {
          authorization: 'Bearer nope',
        })
      ).status,
    ).toBe(401);
    const malformed = await world.postAlert('alertmanager', '{"version": "4", "alerts": [');
    expect(malformed.status).toBe(400);
    const wrong = await world.postAlert('alertmanager', { version: '4', alerts: [{ labels: 'not an object' }] });
    expect(wrong.status).toBe(400);
    expect(String(wrong.body.error)).toContain('alerts[0].status is missing');
    expect(world.rewind.store.incidents.listOpen()).toEqual([]);
    expect(world.slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('a critical alert starts the automatic rollback, announced in the thread', async () => {
    world = await startWorld();
    await world.postAlert(
      'alertmanager',
      amBody('firing', [{ fingerprint: 'crit', severity: 'critical', summary: 'error rate above 10%' }]),
    );
    expect(world.engine.started.map((r) => [r.strategy, r.startedBy])).toEqual([['immediate', 'rewind']]);
    const [incident] = world.rewind.store.incidents.listOpen();
    const thread = world.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.thread_ts === incident?.slackTs)
      .map(textOf);
    expect(thread.some((t) => t.includes('started the immediate rollback itself'))).toBe(true);
  });
});
