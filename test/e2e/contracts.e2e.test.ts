/**
 * The examples of docs/alerts.md and docs/prometheus.md with the real tools and daemons: amtool and promtool accept
 * them (here they must be installed: scripts/e2e-deps.sh), and the PrometheusRule example, loaded into the real
 * Prometheus scraping a prompt service in trouble, fires every rule through the real Alertmanager running the
 * receiver example into Rewind, which stores each alert as the service, version and tier the docs say.
 *
 * Only what cannot be the same in a test changes: the rules' 5m window and `for: 2m` become seconds, the
 * receiver's URL and token file point at this bot, and its route waits a second instead of ten.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ALERT_TOKEN, startWorld, type World } from '../support/world.ts';
import {
  examplePath,
  exampleRules,
  exampleYaml,
  hasTool,
  runTool,
  writeRuleFile,
  type AlertRule,
} from '../docs/examples.ts';
import { startDaemon, statusOf, type Daemon } from './support/daemon.ts';
import { startExporter, type TestExporter } from './support/exporter.ts';
import { startPrometheus, type RunningPrometheus } from './support/prometheus.ts';
import { waitFor } from './support/wait.ts';

const INSTALL_HINT =
  'is not on the PATH: run bash scripts/e2e-deps.sh (Debian packages prometheus, prometheus-alertmanager)';

let world: World | undefined;
let exporter: TestExporter | undefined;
let prometheus: RunningPrometheus | undefined;
let alertmanager: Daemon | undefined;
afterEach(async () => {
  await prometheus?.stop();
  await alertmanager?.stop();
  await exporter?.close();
  await world?.stop();
  prometheus = alertmanager = exporter = world = undefined;
});

describe('the examples, checked by the tools of their senders', () => {
  it('amtool check-config accepts docs/examples/alertmanager.yml', () => {
    expect(hasTool('amtool'), `amtool ${INSTALL_HINT}`).toBe(true);
    const run = runTool('amtool', ['check-config', examplePath('alertmanager.yml')]);
    expect(run?.status, run?.output).toBe(0);
    expect(run?.output).toContain('SUCCESS');
  });

  it("promtool check rules accepts docs/examples/prometheus-rules.yml's spec", () => {
    expect(hasTool('promtool'), `promtool ${INSTALL_HINT}`).toBe(true);
    const run = runTool('promtool', ['check', 'rules', writeRuleFile(exampleRules().spec)]);
    expect(run?.status, run?.output).toBe(0);
    expect(run?.output).toContain('SUCCESS');
  });
});

interface ReceiverExample {
  route: { routes?: Array<Record<string, unknown> & { receiver?: string }> };
  receivers: Array<{
    name: string;
    webhook_configs?: Array<{ url: string; http_config?: { authorization?: Record<string, string> } }>;
  }>;
}

/** The receiver example as it is, but for where this bot listens, where its token is, and a second's wait. */
function receiverFor(botUrl: string, tokenFile: string): ReceiverExample {
  const config = exampleYaml<ReceiverExample>('alertmanager.yml');
  const route = config.route.routes?.find((r) => r.receiver === 'rewind');
  const webhook = config.receivers.find((r) => r.name === 'rewind')?.webhook_configs?.[0];
  if (!route || !webhook?.http_config?.authorization) throw new Error('the example has no rewind route and receiver');
  Object.assign(route, { group_wait: '1s', group_interval: '1s' });
  webhook.url = `${botUrl}/alerts/alertmanager`;
  webhook.http_config.authorization.credentials_file = tokenFile;
  return config;
}

function startExampleAlertmanager(config: ReceiverExample): Promise<Daemon> {
  return startDaemon({
    name: 'Alertmanager',
    binary: 'prometheus-alertmanager',
    tempPrefix: 'rewind-e2e-alertmanager-',
    readyTimeoutMs: 20_000,
    prepare(port, dir) {
      const file = join(dir, 'alertmanager.yml');
      writeFileSync(file, stringify(config));
      return [
        `--config.file=${file}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=http://127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ];
    },
    isReady: async (url) => (await statusOf(`${url}/-/ready`)) === 200,
  });
}

/** The example's rules with the windows of a test: 5m of rate becomes 5 s of 1 s scrapes, `for: 2m` one second. */
function rulesForTest(): AlertRule[] {
  return exampleRules().spec.groups.flatMap((g) =>
    g.rules.map((rule) => ({ ...rule, expr: rule.expr.replaceAll('[5m]', '[5s]'), for: '1s' })),
  );
}

describe('the PrometheusRule example in the real Prometheus, through the receiver example, into Rewind', () => {
  it('fires every rule for a version in trouble, and Rewind stores each as its service, version and tier', async () => {
    const w = (world = await startWorld({ realTime: true, minUpdateIntervalMs: 0 }));
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'rewind-e2e-token-')), 'token');
    writeFileSync(tokenFile, ALERT_TOKEN);
    alertmanager = await startExampleAlertmanager(receiverFor(`http://127.0.0.1:${w.rewind.port}`, tokenFile));
    exporter = await startExporter({ series: [{ service: 'prompt-service', version: 'v2.0.0' }] });
    const rules = rulesForTest();
    prometheus = await startPrometheus({ targets: [exporter.target], alertmanagerUrl: alertmanager.url, rules });

    // Every threshold crossed: 12% errors (availability 88%), p50 2 s, p95 5 s, p99 15 s, 20% hallucinations.
    exporter.setErrorRate('prompt-service', 'v2.0.0', 0.12);
    exporter.setLatency('prompt-service', 'v2.0.0', { p50Ms: 2_000, p95Ms: 5_000, p99Ms: 15_000 });
    exporter.setHallucinationRate('prompt-service', 'v2.0.0', 0.2);

    const stored = () =>
      w.rewind.store.incidents
        .listOpen()
        .flatMap((i) => w.rewind.store.alerts.listForIncident(i.id))
        .filter((a) => a.source === 'alertmanager');
    await waitFor(
      'an alert in Rewind for every rule of the example',
      () => (new Set(stored().map((a) => a.name)).size === rules.length ? true : undefined),
      { timeoutMs: 50_000, intervalMs: 250 },
    );
    const byName = new Map(stored().map((a) => [a.name, a]));
    expect(
      rules.map((r) => [
        r.alert,
        byName.get(r.alert)?.service,
        byName.get(r.alert)?.version,
        byName.get(r.alert)?.severity,
      ]),
    ).toEqual(rules.map((r) => [r.alert, 'prompt-service', 'v2.0.0', r.labels?.severity]));
    // The summaries are the rules' own, filled in by Prometheus.
    expect(byName.get('PromptErrorRateCritical')?.summary).toMatch(
      /^error rate 1\d(\.\d+)?% > 10% on prompt-service v2\.0\.0$/,
    );

    await w.settle();
    expect(w.rewind.store.incidents.listOpen()).toMatchObject([
      { service: 'prompt-service', version: 'v2.0.0', severity: 'critical' },
    ]);
    await waitFor('the automatic rollback', () => w.engine.started[0], { timeoutMs: 20_000 });
    expect(w.engine.started.map((r) => [r.strategy, r.startedBy, r.fromVersion, r.toVersion])).toEqual([
      ['immediate', 'rewind', 'v2.0.0', 'v1.5.0'],
    ]);
  });
});
