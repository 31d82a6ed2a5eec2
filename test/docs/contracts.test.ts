/**
 * The alert contract of docs/alerts.md, through the running bot: the Alertmanager receiver and the Grafana contact
 * point examples point at the routes with the bearer token (and amtool accepts the Alertmanager one), their
 * example payloads open the incidents the docs say, the label table of the docs is what the bot stores, row by
 * row, and each tier does what the docs say it does.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ACTION } from '../../src/adapters/slack/ids.ts';
import { ALERT_TOKEN, actionIds, startWorld, textOf, type ConfigDoc, type World } from '../support/world.ts';
import {
  REPO,
  exampleJson,
  examplePath,
  exampleYaml,
  hasTool,
  runTool,
  shippedConfigText,
  type Tier,
} from './examples.ts';
import { parseMatchers } from './promql.ts';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

interface AlertmanagerRoute {
  receiver?: string;
  matchers?: string[];
  continue?: boolean;
  routes?: AlertmanagerRoute[];
}
interface AlertmanagerConfig {
  route: AlertmanagerRoute;
  receivers: Array<{
    name: string;
    webhook_configs?: Array<{
      url: string;
      send_resolved?: boolean;
      http_config?: { authorization?: { type?: string; credentials?: string; credentials_file?: string } };
    }>;
  }>;
}
interface GrafanaProvisioning {
  apiVersion: number;
  contactPoints: Array<{
    orgId: number;
    name: string;
    receivers: Array<{ uid: string; type: string; settings: Record<string, string>; disableResolveMessage?: boolean }>;
  }>;
}
interface WebhookBody {
  alerts: Array<{ fingerprint: string; labels: Record<string, string> }>;
}

const blueGreen = (c: ConfigDoc) =>
  (c.services['prompt-service'].router = { kind: 'service-selector', service: 'prompt-service' });

/** `http://<name>.<namespace>.svc:<port>` of the Service in deploy/ that fronts Rewind's HTTP port. */
function deployedServiceUrl(): string {
  const dir = join(REPO, 'deploy');
  const services = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as unknown))
    .filter(
      (o): o is { kind: string; metadata: { name: string; namespace: string }; spec: { ports: { port: number }[] } } =>
        (o as { kind?: string } | null)?.kind === 'Service',
    );
  expect(services, 'deploy/ has one Service').toHaveLength(1);
  const [service] = services;
  return `http://${service!.metadata.name}.${service!.metadata.namespace}.svc:${service!.spec.ports[0]!.port}`;
}

describe('where the examples send alerts', () => {
  it("is the Service deploy/ puts in front of Rewind's HTTP port", () => {
    const alertmanager = exampleYaml<AlertmanagerConfig>('alertmanager.yml');
    const grafana = exampleYaml<GrafanaProvisioning>('grafana-contact-point.yml');
    const urls = [
      ...alertmanager.receivers.flatMap((r) => (r.webhook_configs ?? []).map((w) => w.url)),
      ...grafana.contactPoints.flatMap((c) => c.receivers.map((r) => r.settings.url ?? '')),
    ];
    expect(urls.map((u) => new URL(u).origin)).toEqual(urls.map(() => deployedServiceUrl()));
  });
});

describe('the Alertmanager receiver (docs/examples/alertmanager.yml)', () => {
  const config = exampleYaml<AlertmanagerConfig>('alertmanager.yml');

  it("routes every configured service's alerts to /alerts/alertmanager with the bearer token, resolutions too", () => {
    const route = (config.route.routes ?? []).find((r) => r.receiver === 'rewind');
    expect(route?.continue).toBe(true);
    const serviceMatcher = parseMatchers((route?.matchers ?? []).join(',')).find((m) => m.label === 'service');
    expect(serviceMatcher?.op).toBe('=~');
    for (const service of Object.keys(shippedConfigText().services))
      expect(new RegExp(`^(?:${serviceMatcher?.value})$`).test(service), service).toBe(true);

    const [webhook, ...others] = config.receivers.find((r) => r.name === 'rewind')?.webhook_configs ?? [];
    expect(others).toEqual([]);
    expect(new URL(webhook?.url ?? '').pathname).toBe('/alerts/alertmanager');
    expect(webhook?.send_resolved).toBe(true);
    expect(webhook?.http_config?.authorization).toEqual({
      type: 'Bearer',
      credentials_file: '/etc/alertmanager/secrets/rewind-alert-webhook/token',
    });
  });

  it.skipIf(!hasTool('amtool'))(
    'passes amtool check-config (skipped when Debian’s prometheus-alertmanager is absent; npm run test:e2e runs it)',
    () => {
      const run = runTool('amtool', ['check-config', examplePath('alertmanager.yml')]);
      expect(run?.output).toContain('SUCCESS');
      expect(run?.status, run?.output).toBe(0);
    },
  );

  it('its example payload opens a critical incident about v2.0.0 and rolls back to v1.5.0 on Kubernetes', async () => {
    const payload = exampleJson<WebhookBody>('alertmanager-payload.json');
    const w = (world = await startWorld({ kube: {}, config: blueGreen }));
    expect(await w.postAlert('alertmanager', payload)).toEqual({
      status: 202,
      body: { accepted: 1, unknownServices: [] },
    });
    const stored = w.rewind.store.alerts.get('alertmanager', payload.alerts[0]!.fingerprint);
    expect(stored).toMatchObject({
      service: 'prompt-service',
      version: 'v2.0.0',
      severity: 'critical',
      name: 'PromptErrorRateCritical',
      summary: 'error rate 12.4% > 10% on prompt-service v2.0.0',
    });
    const [incident] = w.rewind.store.incidents.listOpen();
    expect(incident).toMatchObject({ service: 'prompt-service', version: 'v2.0.0', severity: 'critical' });

    await w.runUntil(() => (w.kube?.writes().length ?? 0) > 0, { maxMs: 5 * 60_000 });
    expect(w.kube?.writes().map((r) => [r.method, r.path, r.body])).toEqual([
      [
        'PATCH',
        '/api/v1/namespaces/prompts/services/prompt-service',
        { metadata: { resourceVersion: expect.any(String) }, spec: { selector: { version: 'v1.5.0' } } },
      ],
    ]);
    const [rollback] = w.rewind.store.rollbacks.history();
    expect(rollback).toMatchObject({ fromVersion: 'v2.0.0', toVersion: 'v1.5.0', strategy: 'immediate' });
    const thread = w.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.thread_ts === incident?.slackTs)
      .map(textOf);
    // The alert's name and summary (Slack's mrkdwn escapes ">"), then the rollback Rewind started itself.
    expect(thread[0]).toContain('*PromptErrorRateCritical* — error rate 12.4% &gt; 10% on prompt-service v2.0.0');
    expect(thread.some((t) => t.includes('Rewind started the immediate rollback itself'))).toBe(true);
  });
});

describe('the Grafana contact point (docs/examples/grafana-contact-point.yml)', () => {
  const provisioning = exampleYaml<GrafanaProvisioning>('grafana-contact-point.yml');
  const receiver = provisioning.contactPoints[0]?.receivers[0];

  it('is a webhook to /alerts/grafana with Authorization: Bearer and the token from the environment', () => {
    expect(provisioning.apiVersion).toBe(1);
    expect(receiver?.type).toBe('webhook');
    expect(new URL(receiver?.settings.url ?? '').pathname).toBe('/alerts/grafana');
    expect(receiver?.settings).toMatchObject({
      httpMethod: 'POST',
      authorization_scheme: 'Bearer',
      authorization_credentials: '$REWIND_ALERT_WEBHOOK_TOKEN',
    });
    expect(receiver?.disableResolveMessage).toBe(false);
  });

  it('its example payload, with the header Grafana builds from those settings, opens a warning incident', async () => {
    const payload = exampleJson<WebhookBody>('grafana-payload.json');
    const w = (world = await startWorld());
    // Grafana replaces $NAME in provisioning files with its own environment and sends "<scheme> <credentials>".
    const credentials = (receiver?.settings.authorization_credentials ?? '').replace(/^\$\{?(\w+)\}?$/, (_, name) =>
      name === 'REWIND_ALERT_WEBHOOK_TOKEN' ? ALERT_TOKEN : '',
    );
    const authorization = `${receiver?.settings.authorization_scheme} ${credentials}`;
    expect(await w.postAlert('grafana', payload, { authorization })).toEqual({
      status: 202,
      body: { accepted: 1, unknownServices: [] },
    });
    expect(w.rewind.store.alerts.get('grafana', payload.alerts[0]!.fingerprint)).toMatchObject({
      service: 'prompt-service',
      version: 'v2.0.0',
      severity: 'warning',
      name: 'Prompt p95 latency',
      links: expect.objectContaining({ runbook: 'https://wiki.example.com/runbooks/prompt-rollback' }),
    });
    expect(w.rewind.store.incidents.listOpen()).toMatchObject([
      { service: 'prompt-service', version: 'v2.0.0', severity: 'warning', status: 'awaiting_decision' },
    ]);
    expect(w.engine.started).toEqual([]);
  });
});

interface LabelRow {
  labels: Record<string, string>;
  service: string;
  version: string | null;
  tier: Tier;
}

/** The "Labels, by example" table of docs/alerts.md. */
function documentedLabelRows(): LabelRow[] {
  const lines = readFileSync(join(REPO, 'docs/alerts.md'), 'utf8').split('\n');
  const header = lines.findIndex((l) => l.startsWith('| labels of the alert |'));
  expect(header, 'docs/alerts.md has the "labels of the alert" table').toBeGreaterThan(0);
  const rows: LabelRow[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const [labels, service, version, tier] = line
      .slice(1, -1)
      .split(' | ')
      .map((c) => c.trim());
    const code = (cell: string | undefined) => /^`([^`]*)`/.exec(cell ?? '')?.[1] ?? null;
    rows.push({
      labels: Object.fromEntries(parseMatchers(labels ?? '').map((m) => [m.label, m.value])),
      service: code(service) ?? '',
      version: version === 'none' ? null : code(version),
      tier: tier as Tier,
    });
  }
  return rows;
}

describe('the labels Rewind reads (docs/alerts.md)', () => {
  it('stores every row of the documented table as the service, version and tier it names', async () => {
    const rows = documentedLabelRows();
    expect(rows.length).toBeGreaterThanOrEqual(8);
    const w = (world = await startWorld());
    const body = {
      version: '4',
      status: 'firing',
      receiver: 'rewind',
      groupKey: '{}:{}',
      truncatedAlerts: 0,
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://alertmanager.monitoring:9093',
      alerts: rows.map((row, i) => ({
        status: 'firing',
        labels: row.labels,
        annotations: { summary: `documented row ${i + 1}` },
        startsAt: '2026-01-05T08:59:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: '',
        fingerprint: `row-${i + 1}`,
      })),
    };
    const unknown = [...new Set(rows.map((r) => r.service).filter((s) => !(s in shippedConfigText().services)))];
    expect(await w.postAlert('alertmanager', body)).toEqual({
      status: 202,
      body: { accepted: rows.length, unknownServices: unknown },
    });
    const stored = rows.map((_, i) => {
      const alert = w.rewind.store.alerts.get('alertmanager', `row-${i + 1}`);
      return { labels: alert?.labels, service: alert?.service, version: alert?.version, tier: alert?.severity };
    });
    expect(stored).toEqual(rows);
  });
});

describe('what each tier does (docs/alerts.md)', () => {
  const SERVICES = { critical: 'prompt-service', warning: 'prompt-service-staging', watch: 'prompt-service-eu' };
  const addEu = (c: ConfigDoc) => {
    (c.services as Record<string, unknown>)['prompt-service-eu'] = structuredClone(c.services['prompt-service']);
  };
  const alert = (service: string, severity: Tier, fingerprint: string) => ({
    version: '4',
    status: 'firing',
    receiver: 'rewind',
    groupKey: '{}:{}',
    truncatedAlerts: 0,
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.monitoring:9093',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'PromptErrorRate', service, version: 'v2.0.0', severity },
        annotations: { summary: `${severity} on ${service}` },
        startsAt: '2026-01-05T08:59:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: '',
        fingerprint,
      },
    ],
  });

  it('critical rolls back by itself, warning asks, watch stays quiet until a higher tier raises it', async () => {
    const w = (world = await startWorld({ config: addEu }));
    for (const tier of ['critical', 'warning', 'watch'] as const)
      expect((await w.postAlert('alertmanager', alert(SERVICES[tier], tier, `fp-${tier}`))).status).toBe(202);
    await w.runUntil(() => w.engine.started.length > 0, { maxMs: 60_000 });

    const incidentOf = (service: string) => w.rewind.store.incidents.listOpen().find((i) => i.service === service);
    /** The head message of a service's incident as last written (its last update, else its post), as text. */
    const head = (service: string) => {
      const incident = incidentOf(service);
      const posted = w.slack
        .callsTo('chat.postMessage')
        .find((c) => c.args.thread_ts === undefined && textOf(c).includes(incident?.id ?? '-'));
      const updated = w.slack.callsTo('chat.update').filter((c) => c.args.ts === incident?.slackTs);
      expect(posted ?? updated.at(-1), `the head message of ${service}`).toBeDefined();
      return { text: textOf(updated.at(-1) ?? posted), buttons: actionIds(updated.at(-1) ?? posted) };
    };
    const stakeholderNotices = () =>
      w.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === w.rewind.config.slack.stakeholderChannel && c.args.thread_ts === undefined);

    expect(incidentOf(SERVICES.critical)).toMatchObject({ severity: 'critical', status: 'rolling_back' });
    expect(w.engine.started.map((r) => [r.service, r.strategy, r.startedBy, r.fromVersion])).toEqual([
      [SERVICES.critical, 'immediate', 'rewind', 'v2.0.0'],
    ]);
    expect(incidentOf(SERVICES.warning)).toMatchObject({ severity: 'warning', status: 'awaiting_decision' });
    expect(head(SERVICES.warning).text).toContain('Awaiting decision');
    expect(head(SERVICES.warning).buttons).toEqual(expect.arrayContaining([ACTION.immediate, ACTION.gradual]));
    expect(incidentOf(SERVICES.watch)).toMatchObject({ severity: 'watch', status: 'detected' });
    expect(head(SERVICES.watch).text).toContain('Detected');
    expect(head(SERVICES.watch).text).not.toContain('Awaiting decision');
    expect(stakeholderNotices()).toHaveLength(2); // the critical and the warning incident, not the watch

    // A warning for the watched service raises that message into an incident that asks, and tells the stakeholders.
    expect((await w.postAlert('alertmanager', alert(SERVICES.watch, 'warning', 'fp-raise'))).status).toBe(202);
    await w.settle();
    expect(incidentOf(SERVICES.watch)).toMatchObject({ severity: 'warning', status: 'awaiting_decision' });
    expect(head(SERVICES.watch).text).toContain('Awaiting decision');
    expect(stakeholderNotices()).toHaveLength(3);
    expect(w.engine.started).toHaveLength(1);
  });
});

describe('the proof docs/install.md gives for the alert route', () => {
  it('answers as the page says: the token is taken, an empty body refused by name, nothing changed', async () => {
    const page = readFileSync(join(REPO, 'docs/install.md'), 'utf8');
    const block = [...page.matchAll(/```sh\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .find((b) => b.includes('/alerts/alertmanager') && b.includes('-d '));
    const body = /-d '([^']*)'/.exec(block ?? '')?.[1];
    const answer = /^# (\{.*\})$/m.exec(block ?? '')?.[1];
    expect(body, 'docs/install.md shows a curl to /alerts/alertmanager with its body').toBeDefined();
    expect(answer, 'and the answer under it').toBeDefined();
    const w = (world = await startWorld());
    expect(await w.postAlert('alertmanager', body!)).toEqual({ status: 400, body: JSON.parse(answer!) });
    expect((await w.postAlert('alertmanager', body!, { authorization: 'Bearer not-the-token' })).status).toBe(401);
    expect(w.rewind.store.incidents.listOpen()).toEqual([]);
    expect(w.slack.callsTo('chat.postMessage')).toEqual([]);
  });
});
