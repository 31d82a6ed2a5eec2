/**
 * Rewind end to end with the real Prometheus and Alertmanager:
 * (a) the evaluator reads the breach through the repository's PromQL and rolls back by itself on
 *     the Kubernetes stand-in;
 * (b) an alert rule fires through Alertmanager's webhook into /alerts/alertmanager and becomes
 *     exactly one incident; its resolution is noted in the thread.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ALERT_TOKEN, startWorld, textOf, type World } from '../support/world.ts';
import { startAlertmanager, type RunningAlertmanager } from './support/alertmanager.ts';
import { startExporter, type TestExporter } from './support/exporter.ts';
import { startPrometheus, type RunningPrometheus } from './support/prometheus.ts';
import { fillQuery, loadRepoConfig, repoQuery } from './support/queries.ts';
import { waitFor } from './support/wait.ts';

let world: World | undefined;
let exporter: TestExporter | undefined;
let prometheus: RunningPrometheus | undefined;
let alertmanager: RunningAlertmanager | undefined;
afterEach(async () => {
  await world?.stop();
  await alertmanager?.stop();
  await prometheus?.stop();
  await exporter?.close();
  world = exporter = prometheus = alertmanager = undefined;
});

describe('with the real Prometheus', () => {
  it('(a) the evaluator sees the breach through PromQL and rolls back on Kubernetes by itself', async () => {
    exporter = await startExporter({
      series: [
        { service: 'prompt-service', version: 'v2.0.0' },
        { service: 'prompt-service', version: 'v1.5.0' },
      ],
    });
    prometheus = await startPrometheus({ targets: [exporter.target] });
    const url = prometheus.url;
    world = await startWorld({
      realTime: true,
      minUpdateIntervalMs: 0,
      kube: { split: { 'v2.0.0': 100, 'v1.5.0': 0, 'v1.0.0': 0 } },
      config: (c) => {
        c.services['prompt-service'].router = { kind: 'service-selector', service: 'prompt-service' };
        c.metrics.prometheus = { url };
        c.triggers.evaluationInterval = '1s';
        c.triggers.observationWindow = '5s';
        c.triggers.confirmationWindow = '2s';
        c.rollback.verifyWindow = '3s';
      },
    });
    exporter.setErrorRate('prompt-service', 'v2.0.0', 0.3);
    const w = world;
    await waitFor(
      'the automatic rollback to finish',
      () => (['succeeded', 'failed'].includes(w.rewind.store.rollbacks.history()[0]?.status ?? '') ? true : undefined),
      { timeoutMs: 45_000, intervalMs: 200 },
    );
    const [rollback] = w.rewind.store.rollbacks.history();
    expect(rollback).toMatchObject({
      strategy: 'immediate',
      fromVersion: 'v2.0.0',
      toVersion: 'v1.5.0',
      startedBy: 'rewind',
      status: 'succeeded',
    });
    expect(w.kube!.writes().map((r) => [r.method, r.path, r.body])).toEqual([
      [
        'PATCH',
        '/api/v1/namespaces/prompts/services/prompt-service',
        { metadata: { resourceVersion: expect.any(String) }, spec: { selector: { version: 'v1.5.0' } } },
      ],
    ]);
    const [incident] = w.rewind.store.incidents.listRecent({ limit: 1 });
    expect(incident?.severity).toBe('critical');
    await w.settle(); // the last step notes may still be on their way to Slack
    const thread = w.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.thread_ts === incident?.slackTs)
      .map(textOf);
    expect(thread.some((t) => t.includes('started the immediate rollback itself'))).toBe(true);
    expect(thread.some((t) => t.includes('error_rate') && t.includes('verdict') && t.includes('recovered'))).toBe(true);
  });
});

describe('with the real Alertmanager', () => {
  it('(b) an alert rule becomes exactly one incident through the webhook, and its resolution is noted', async () => {
    world = await startWorld({ realTime: true, minUpdateIntervalMs: 0 });
    const w = world;
    exporter = await startExporter({ series: [{ service: 'prompt-service', version: 'v2.0.0' }] });
    alertmanager = await startAlertmanager({
      webhookUrl: `http://127.0.0.1:${w.rewind.port}/alerts/alertmanager`,
      bearerToken: ALERT_TOKEN,
      repeatInterval: '1h',
    });
    const errorRate = fillQuery(repoQuery('error_rate', loadRepoConfig()), {
      service: 'prompt-service',
      version: 'v2.0.0',
      window: '5s',
    });
    const expr = `${errorRate} > 0.05`;
    prometheus = await startPrometheus({
      targets: [exporter.target],
      alertmanagerUrl: alertmanager.url,
      rules: [
        {
          alert: 'PromptErrorRateHigh',
          expr,
          for: '1s',
          labels: { severity: 'warning', service: 'prompt-service', version: 'v2.0.0' },
          annotations: { summary: 'prompt-service error rate above 5%' },
        },
      ],
    });
    exporter.setErrorRate('prompt-service', 'v2.0.0', 0.2);
    await waitFor('an incident from the alert', () => w.rewind.store.incidents.listOpen()[0], {
      timeoutMs: 40_000,
      intervalMs: 200,
    });
    exporter.setErrorRate('prompt-service', 'v2.0.0', 0);
    await waitFor(
      'the resolution',
      () =>
        w.rewind.store.alerts
          .listForIncident(w.rewind.store.incidents.listOpen()[0]?.id ?? '')
          .every((a) => a.status === 'resolved')
          ? true
          : undefined,
      {
        timeoutMs: 40_000,
        intervalMs: 200,
      },
    );
    await w.settle();
    const open = w.rewind.store.incidents.listOpen();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      service: 'prompt-service',
      version: 'v2.0.0',
      severity: 'warning',
      status: 'awaiting_decision',
    });
    const topLevel = (channel: string) =>
      w.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === undefined && c.args.channel === channel);
    expect(topLevel(w.rewind.config.slack.incidentChannel)).toHaveLength(1);
    // The incident reached warning: the stakeholders were told once, beside it.
    expect(topLevel(w.rewind.config.slack.stakeholderChannel)).toHaveLength(1);
    const thread = w.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.thread_ts === open[0]?.slackTs)
      .map(textOf);
    expect(
      thread.some((t) => t.includes('alertmanager alert') && t.includes('prompt-service error rate above 5%')),
    ).toBe(true);
    expect(thread.some((t) => t.includes('resolved'))).toBe(true);
  });
});
