/**
 * `rewind doctor`, run through the CLI entry point against the stand-ins: a Slack workspace, a
 * Kubernetes API server with both shipped services seeded, and a Prometheus. Each broken part of a
 * set-up shows as its own ✗ line with the fix, and the doctor changes nothing anywhere.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { runCli } from '../../src/cli.ts';
import { openDatabase } from '../../src/store/db.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/store/migrations/index.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import { fillQuery } from '../../src/adapters/metrics/prometheus.ts';
import { namedQueries } from '../../src/doctor/metrics.ts';
import { shippedConfigDoc } from '../support/config-doc.ts';
import { KubeApiStandIn } from '../support/kube-api.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { SlackApiStandIn, type SlackWorkspace } from '../support/slack-api.ts';
import { closedPort, startFakePrometheus, type FakePrometheus } from '../metrics/fake-prometheus.ts';

const TOKEN = 'xoxb-doctor-test-token';
const ALERT_TOKEN = 'alert-token-never-printed-4711';
const MANIFEST_SCOPES = [
  'commands',
  'chat:write',
  'im:write',
  'usergroups:read',
  'files:write',
  'channels:read',
  'groups:read',
];
const VERSIONS = ['v2.0.0', 'v1.5.0', 'v1.0.0'];
const slug = (v: string) => v.replaceAll('.', '-');

let dir: string;
let slack: SlackApiStandIn;
let kube: KubeApiStandIn;
let prom: FakePrometheus;
let workspace: SlackWorkspace;
let config: string;
let dbFile: string;
/** Servers a test started besides the stand-ins, closed after it. */
const closers: Array<() => Promise<void>> = [];

/** Seeds both shipped services; prompt-service serves v1.5.0 (so its default rollback target is v1.0.0). */
function seedCluster(ready: Record<string, number> = {}): void {
  kube.seedPromptService({
    versions: VERSIONS,
    namespace: 'prompts',
    name: 'prompt-service',
    split: { 'v1.5.0': 100 },
    readyReplicas: ready,
  });
  kube.seedPromptService({
    versions: VERSIONS.map((version) => ({
      version,
      deployment: `prompt-service-${slug(version)}`,
      subset: slug(version),
    })),
    namespace: 'prompts-staging',
    name: 'prompt-service-staging',
  });
}

/** Every query the config names answers one series for each service's live version. */
function scriptEveryQuery(): void {
  const loaded = loadConfigFile(config);
  if (!loaded.ok) throw new Error(`test config has problems: ${JSON.stringify(loaded.problems)}`);
  const live: Record<string, string> = { 'prompt-service': 'v1.5.0', 'prompt-service-staging': 'v2.0.0' };
  for (const [, template] of namedQueries(loaded.config.metrics))
    for (const [service, version] of Object.entries(live))
      prom.series.set(fillQuery(template, service, version, 5 * 60_000), () => 0.01);
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-doctor-'));
  workspace = {
    token: TOKEN,
    scopes: [...MANIFEST_SCOPES],
    channels: {
      C0INCIDENT: { name: 'incidents', isMember: true },
      C0STAKEHOLDERS: { name: 'stakeholders', isMember: true },
      C0DRILLS: { name: 'drills', isMember: true, isPrivate: true },
    },
    userGroups: { S0SRE: ['U0ALICE', 'U0BOB'], S0SENIOR: ['U0CAROL'] },
    users: { U0LEAD: { name: 'lead' }, U0MANAGER: { name: 'manager' } },
  };
  slack = await new SlackApiStandIn().likeWorkspace(workspace).start();
  kube = await KubeApiStandIn.start({ token: 'k8s-token' });
  prom = await startFakePrometheus();
  const doc = shippedConfigDoc();
  doc.metrics.prometheus = { url: prom.url };
  config = join(dir, 'rewind.yml');
  writeFileSync(config, stringify(doc));
  const kubeconfig = writeKubeconfig(
    [{ name: 'test', server: kube.url, token: 'k8s-token' }],
    'test',
    join(dir, 'kubeconfig'),
  );
  vi.stubEnv('SLACK_BOT_TOKEN', TOKEN);
  vi.stubEnv('SLACK_APP_TOKEN', 'xapp-doctor-test');
  vi.stubEnv('SLACK_API_URL', slack.url);
  vi.stubEnv('KUBECONFIG', kubeconfig);
  vi.stubEnv('ALERT_WEBHOOK_TOKEN', ALERT_TOKEN);
  vi.stubEnv('REWIND_CONFIG', undefined);
  dbFile = join(dir, 'data', 'rewind.db');
  mkdirSync(join(dir, 'data'));
  vi.stubEnv('REWIND_DB', dbFile);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all([slack.stop(), kube.close(), prom.close(), ...closers.splice(0).map((close) => close())]);
  rmSync(dir, { recursive: true, force: true });
});

async function doctor(...extra: string[]) {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = await runCli(['doctor', '--config', config, ...extra], {
    log: (l) => lines.push(...l.split('\n')),
    error: (l) => errors.push(...l.split('\n')),
  });
  const text = lines.join('\n');
  return { code, lines, errors, text };
}

/** The line of the failed check `check` and the fix printed under it. */
function failure(lines: string[], check: string): { line: string; fix: string } {
  const at = lines.findIndex((l) => l.startsWith(`  ✗ ${check}: `));
  if (at < 0) throw new Error(`no ✗ line for ${check} in:\n${lines.join('\n')}`);
  return { line: lines[at] as string, fix: lines[at + 1] as string };
}

/** What the doctor sent that is not a read or a question: nothing, ever. */
function changesMade(): string[] {
  const slackWrites = slack.calls.filter((c) => /^(chat|files|views|reactions)\./.test(c.method)).map((c) => c.method);
  const kubeWrites = kube.writes().filter((r) => !r.path.endsWith('/selfsubjectaccessreviews'));
  return [...slackWrites, ...kubeWrites.map((r) => `${r.method} ${r.path}`)];
}

/** prompt-service's Service, synced by the Argo CD Application `prompt-service` with self-heal on. */
function seedArgoOwner(): void {
  kube.seedArgoApplication({
    name: 'prompt-service',
    syncPolicy: { automated: { prune: true, selfHeal: true } },
    manages: [{ kind: 'Service', namespace: 'prompts', name: 'prompt-service' }],
  });
}

/** Rewrites the test's config file with `edit` applied to it. */
function editConfig(edit: (doc: ReturnType<typeof shippedConfigDoc>) => void): void {
  const doc = parse(readFileSync(config, 'utf8')) as ReturnType<typeof shippedConfigDoc>;
  edit(doc);
  writeFileSync(config, stringify(doc));
}

describe('rewind doctor', () => {
  it('passes every check of a sound set-up, asks what rewind start would use, and changes nothing', async () => {
    seedCluster();
    scriptEveryQuery();
    const r = await doctor('--alerts-url', 'http://rewind.example.com:3000/');
    expect(r.errors).toEqual([]);
    expect(r.text).not.toContain('✗');
    expect(r.code).toBe(0);
    expect(r.lines).toContain('  ✓ auth.test: token valid: team Rewind Test (T0TEST), bot @rewind (U0REWIND)');
    expect(r.lines).toContain(
      `  ✓ scopes: all 7 bot scopes manifest.yml declares are granted (${MANIFEST_SCOPES.join(', ')})`,
    );
    expect(r.lines).toContain('  ✓ channel C0DRILLS: #drills (slack.drillChannel): Rewind is a member');
    expect(r.lines).toContain('  ✓ user group S0SRE: slack.approvers: 2 members');
    // users:read is not in the manifest: a person is found through the DM an escalation would open.
    expect(r.lines).toContain(
      '  ✓ user U0MANAGER: escalation.levels[1].notify: a DM to them opens (checked as escalation DMs are sent)',
    );
    expect(r.lines).toContain('  ✓ routing: Service prompts/prompt-service routes v1.5.0 100%; live: v1.5.0');
    expect(r.lines).toContain(
      '  ✓ version v1.0.0: Deployment prompts/prompt-service-v1-0-0: 2 of 2 replicas ready (the default rollback ' +
        'target)',
    );
    // get and patch to switch, list and watch for drift detection's informer.
    expect(r.text).toMatch(
      /✓ access: all 7 permissions granted: get, list, watch, patch services \(core\) in prompts;/,
    );
    expect(r.text).toContain('all 8 queries return series');
    expect(r.lines.filter((l) => l.startsWith('  ✓ gitops: '))).toEqual([
      '  ✓ gitops: not managed by GitOps (no Argo CD or Flux owner)',
      '  ✓ gitops: not managed by GitOps (no Argo CD or Flux owner)',
    ]);
    expect(r.lines).toContain(
      `  ✓ REWIND_DB: ${dbFile} does not exist yet: it will be created at start (${dir}/data is writable)`,
    );
    const receiver = r.lines.find((l) => l.startsWith('  ✓ ALERT_WEBHOOK_TOKEN: '))?.split(' - ')[1];
    // The receiver is one line of YAML that pastes under `receivers:` as it is.
    expect(parse(`receivers:\n  - ${receiver}`)).toEqual({
      receivers: [
        {
          name: 'rewind',
          webhook_configs: [
            {
              url: 'http://rewind.example.com:3000/alerts/alertmanager',
              send_resolved: true,
              http_config: { authorization: { type: 'Bearer', credentials: '<the value of ALERT_WEBHOOK_TOKEN>' } },
            },
          ],
        },
      ],
    });
    expect(r.text).not.toContain(ALERT_TOKEN);
    expect(r.lines.at(-1)).toMatch(/^All \d+ checks passed\.$/);

    expect(slack.callsTo('conversations.info').map((c) => c.args.channel)).toEqual([
      'C0INCIDENT',
      'C0STAKEHOLDERS',
      'C0DRILLS',
    ]);
    expect(slack.calls.every((c) => c.token === TOKEN)).toBe(true);
    expect(kube.accessReviews.asked).toContainEqual({
      namespace: 'prompts',
      group: '',
      resource: 'services',
      subresource: '',
      verb: 'patch',
      allowed: true,
    });
    expect(kube.accessReviews.asked).toContainEqual({
      namespace: 'prompts-staging',
      group: 'networking.istio.io',
      resource: 'virtualservices',
      subresource: '',
      verb: 'update',
      allowed: true,
    });
    expect(prom.queries()).toContain(fillQuery(loadedQuery('error_rate'), 'prompt-service', 'v1.5.0', 5 * 60_000));
    expect(changesMade()).toEqual([]);
  });

  it.each([
    {
      what: 'a scope the token lacks',
      breakIt: () => (workspace.scopes = MANIFEST_SCOPES.filter((s) => s !== 'files:write')),
      check: 'scope files:write',
      line:
        'not granted to the bot token; manifest.yml needs it for: upload the RCA draft as a Markdown file into the ' +
        'incident thread',
      fix:
        'add files:write under "OAuth & Permissions" → Bot Token Scopes (or update the app from manifest.yml), then ' +
        'reinstall the app',
    },
    {
      what: 'a channel Rewind is not in',
      breakIt: () => (workspace.channels.C0STAKEHOLDERS = { name: 'stakeholders', isMember: false }),
      check: 'channel C0STAKEHOLDERS',
      line: '#stakeholders (slack.stakeholderChannel): Rewind is not a member, so it cannot post there',
      fix: 'run /invite @rewind in #stakeholders',
    },
    {
      what: 'a verb the Role does not grant',
      breakIt: () => kube.denyAccess({ namespace: 'prompts', group: '', resource: 'services', verb: 'patch' }),
      check: 'access patch services',
      line: 'denied: patch services (group core) in namespace prompts, which the service-selector router needs',
      fix:
        'add this rule to the Role bound to Rewind in namespace prompts (deploy/rbac/: a Role per router kind, ' +
        'picked per namespace): ' +
        '{apiGroups: [""], resources: ["services"], verbs: ["patch"]}',
    },
    {
      what: 'a query that returns no series',
      breakIt: () =>
        prom.series.delete(fillQuery(loadedQuery('hallucination_rate'), 'prompt-service', 'v1.5.0', 5 * 60_000)),
      check: 'hallucination_rate for prompt-service',
      line:
        'query returned no series for service=prompt-service, version=v1.5.0: is the prompt service exporting ' +
        'prompt_hallucinations_total, prompt_requests_total?',
      fix: 'make the prompt service export prompt_hallucinations_total, prompt_requests_total with the labels',
    },
    {
      what: 'a default rollback target without ready replicas',
      breakIt: () =>
        kube.edit(
          'Deployment',
          'prompts',
          'prompt-service-v1-0-0',
          (d) => ((d.spec as { replicas: number }).replicas = 0),
        ),
      check: 'version v1.0.0',
      line:
        'Deployment prompts/prompt-service-v1-0-0: 0 of 0 replicas ready, yet it is the default rollback target, and ' +
        'a ' +
        'rollback to it would be refused until it is scaled up',
      fix: 'scale it up: kubectl -n prompts scale deployment prompt-service-v1-0-0 --replicas=',
    },
    {
      what: 'a GitOps owner whose sync Rewind may not pause',
      breakIt: () => {
        seedArgoOwner();
        kube.denyAccess({ namespace: 'argocd', group: 'argoproj.io', resource: 'applications', verb: 'patch' });
      },
      check: 'gitops',
      line:
        'routing managed by Argo CD application argocd/prompt-service, self-heal on: a rollback cannot pause its ' +
        'sync, because Rewind is denied patch applications (group argoproj.io) in namespace argocd',
      fix:
        'add {apiGroups: ["argoproj.io"], resources: ["applications"], verbs: ["patch"]} to the Role bound to ' +
        'Rewind in namespace argocd (deploy/rbac/argocd/ has it: list rbac/argocd in deploy/kustomization.yaml); ' +
        'or set services.prompt-service.gitops.onRollback: warn (the sync stays on and may undo a rollback), or ' +
        'services.prompt-service.gitops.tool: none when git does not manage this routing',
    },
    {
      what: 'an Argo CD Application the config names that does not exist',
      breakIt: () =>
        editConfig((doc) => {
          doc.services['prompt-service-staging'].gitops = { tool: 'argocd', application: 'prompts-staging' };
        }),
      check: 'gitops',
      line:
        'Argo CD Application argocd/prompts-staging does not exist, yet services.prompt-service-staging.gitops ' +
        'names it',
      fix:
        'correct services.prompt-service-staging.gitops.application (and appNamespace) to the object that syncs the ' +
        'routing, or set tool: none when nothing does',
    },
  ])('$what is one ✗ line with its fix, and exit 1', async ({ breakIt, check, line, fix }) => {
    seedCluster();
    scriptEveryQuery();
    breakIt();
    const r = await doctor();
    expect(r.code).toBe(1);
    const failed = failure(r.lines, check);
    expect(failed.line).toBe(`  ✗ ${check}: ${line}`);
    expect(failed.fix).toContain(`      fix: ${fix}`);
    expect(r.lines.filter((l) => l.startsWith('  ✗ '))).toHaveLength(1);
    expect(r.lines.at(-1)).toMatch(/^1 of \d+ checks failed\.$/);
    expect(changesMade()).toEqual([]);
  });

  it('names who manages each routing object in git, and asks for what pausing its sync needs there', async () => {
    seedCluster();
    scriptEveryQuery();
    seedArgoOwner();
    kube.seedFluxKustomization({
      name: 'prompts-staging',
      manages: [{ kind: 'VirtualService', namespace: 'prompts-staging', name: 'prompt-service-staging' }],
    });
    const r = await doctor();
    expect(r.text).not.toContain('✗');
    expect(r.code).toBe(0);
    expect(r.lines).toContain(
      '  ✓ gitops: routing managed by Argo CD application argocd/prompt-service, self-heal on: paused during a ' +
        'rollback (get, patch applications granted in argocd)',
    );
    expect(r.lines).toContain(
      '  ✓ gitops: routing managed by Flux Kustomization flux-system/prompts-staging, reconciling: paused during a ' +
        'rollback (get, patch kustomizations granted in flux-system)',
    );
    // The pause's access is asked by the GitOps check, once: the service's own 7 are left to the access check.
    expect(r.text).toMatch(/✓ access: all 7 permissions granted: /m);
    const gitopsReviews = kube.accessReviews.asked
      .filter((a) => a.namespace === 'argocd' || a.namespace === 'flux-system')
      .map((a) => `${a.verb} ${a.resource} in ${a.namespace}`);
    // A Kustomization's pause needs nothing of HelmReleases, so they are not asked about.
    expect(gitopsReviews.sort()).toEqual([
      'get applications in argocd',
      'get kustomizations in flux-system',
      'patch applications in argocd',
      'patch kustomizations in flux-system',
    ]);
    expect(changesMade()).toEqual([]);
    expect(kube.mustGet('Application', 'argocd', 'prompt-service').spec?.syncPolicy).toEqual({
      automated: { prune: true, selfHeal: true },
    });
  });

  it('says routing nobody syncs from git, and a sync left on with onRollback: warn, asking no access', async () => {
    seedCluster();
    scriptEveryQuery();
    seedArgoOwner();
    editConfig((doc) => {
      doc.services['prompt-service'].gitops = { tool: 'argocd', onRollback: 'warn' };
      doc.services['prompt-service-staging'].gitops = { tool: 'none' };
    });
    const r = await doctor();
    expect(r.code).toBe(0);
    expect(r.lines).toContain(
      '  ✓ gitops: routing managed by Argo CD application argocd/prompt-service, self-heal on: left syncing during ' +
        'a rollback (onRollback: warn), so a sync may undo it',
    );
    expect(r.lines).toContain(
      '  ✓ gitops: not managed by GitOps (services.prompt-service-staging.gitops says tool: none)',
    );
    expect(kube.accessReviews.asked.filter((a) => a.resource === 'applications')).toEqual([]);
  });

  it('fails a user group that is missing or empty and a person who is not in the workspace', async () => {
    seedCluster();
    scriptEveryQuery();
    workspace.scopes.push('users:read');
    workspace.userGroups = { S0SENIOR: [] };
    workspace.users = { U0LEAD: { name: 'lead' } };
    const r = await doctor();
    expect(r.code).toBe(1);
    expect(failure(r.lines, 'user group S0SRE')).toEqual({
      line: '  ✗ user group S0SRE: slack.approvers: no such user group in this workspace',
      fix: "      fix: correct slack.approvers: a group's ID (S…) is on its page in Slack (People → User groups)",
    });
    expect(failure(r.lines, 'user group S0SENIOR')).toEqual({
      line: '  ✗ user group S0SENIOR: escalation.levels[0].notify: the group has no members, so it names nobody',
      fix: '      fix: add people to the group in Slack, or name users (U…) in escalation.levels[0].notify instead',
    });
    expect(failure(r.lines, 'user U0MANAGER').line).toBe(
      '  ✗ user U0MANAGER: escalation.levels[1].notify: no such user in this workspace',
    );
    expect(r.lines).toContain('  ✓ user U0LEAD: slack.approvers: @lead');
    // With users:read granted, people are looked up, never reached through a DM.
    expect(slack.callsTo('users.info').map((c) => c.args.user)).toEqual(['U0LEAD', 'U0MANAGER']);
    expect(slack.callsTo('conversations.open')).toEqual([]);
  });

  it(
    'says an older version scaled to 0 on a passing line: only the live version and the rollback target must be ' +
      'ready',
    async () => {
      seedCluster({ 'v2.0.0': 0 });
      scriptEveryQuery();
      const r = await doctor();
      expect(r.code).toBe(0);
      expect(r.lines).toContain(
        '  ✓ version v2.0.0: Deployment prompts/prompt-service-v2-0-0: 0 of 2 replicas ready: a rollback to it would ' +
          'be ' +
          'refused until it is scaled up (only the live version and the default rollback target must be ready)',
      );
    },
  );

  it('--json prints the same checks as an array of {section, check, ok, detail, fix}', async () => {
    seedCluster();
    scriptEveryQuery();
    vi.stubEnv('ALERT_WEBHOOK_TOKEN', undefined);
    const r = await doctor('--json');
    expect(r.code).toBe(1);
    const checks = JSON.parse(r.text) as Array<Record<string, unknown>>;
    for (const c of checks) {
      expect(Object.keys(c)).toEqual(['section', 'check', 'ok', 'detail', 'fix']);
      expect(c.fix === null).toBe(c.ok === true);
    }
    expect(checks.filter((c) => !c.ok)).toEqual([
      {
        section: 'Alerts',
        check: 'ALERT_WEBHOOK_TOKEN',
        ok: false,
        detail: 'not set: the /alerts routes answer 503, so no alert reaches Rewind',
        fix: expect.stringContaining('{ url: http://rewind.rewind.svc:3000/alerts/alertmanager, send_resolved: true'),
      },
    ]);
    expect(checks.map((c) => c.section)).toEqual(
      expect.arrayContaining(['Slack', 'Kubernetes prompt-service', 'Metrics']),
    );
  });

  it('says what cannot be reached, with the reason, never a stack trace, and still checks the rest', async () => {
    seedCluster();
    scriptEveryQuery();
    const nowhere = `http://127.0.0.1:${await closedPort()}`;
    vi.stubEnv('SLACK_API_URL', `${nowhere}/api/`);
    const r = await doctor();
    expect(r.code).toBe(1);
    const slackLine = failure(r.lines, 'auth.test');
    expect(slackLine.line).toBe(`  ✗ auth.test: cannot reach the Slack API at ${nowhere}/api/ (ECONNREFUSED)`);
    expect(slackLine.fix).toContain('check SLACK_API_URL');
    expect(r.text).toContain('✓ routing: Service prompts/prompt-service');
    expect(r.text).not.toMatch(/^\s+at /m);

    vi.stubEnv('KUBECONFIG', writeKubeconfig([{ name: 'gone', server: nowhere }], 'gone', join(dir, 'gone')));
    doc((d) => (d.metrics.prometheus = { url: nowhere }));
    const down = await doctor();
    expect(down.code).toBe(1);
    expect(down.lines.filter((l) => l.startsWith('  ✗ API server: context gone at '))).toHaveLength(2);
    expect(failure(down.lines, 'API server').line).toMatch(/the API server could not be reached \(ECONNREFUSED\)$/);
    expect(failure(down.lines, 'Prometheus').line).toContain(`cannot reach ${nowhere}: connect ECONNREFUSED`);
    expect(down.text).not.toMatch(/^\s+at /m);
  });

  it(
    'with metrics.provider http-json reads every metric of the catalogue, custom ones too, and fails each ' +
      'unreadable one',
    async () => {
      seedCluster();
      let serveCustom = false;
      const asked: string[] = [];
      const monitoring = await serve((req, res) => {
        const url = new URL(req.url ?? '/', 'http://monitoring');
        const metric = url.pathname.split('/').at(-1) ?? '';
        asked.push(`${metric} ${url.searchParams.get('service')} ${url.searchParams.get('version')}`);
        if (!serveCustom && (metric === 'ttft_p95' || metric === 'cost_per_request')) {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end(`no metric ${metric}\n`);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ value: 0.01 }));
      });
      doc((d) => {
        d.metrics.provider = 'http-json';
        d.metrics.httpJson = {
          url: `${monitoring.url}/api/metrics/$metric?service=$service&version=$version&window=$window`,
          path: 'value',
        };
      });
      const r = await doctor();
      expect(r.code).toBe(1);
      expect(failure(r.lines, 'ttft_p95 for prompt-service')).toEqual({
        line:
          '  ✗ ttft_p95 for prompt-service: no reading for service=prompt-service, version=v1.5.0 (custom metric: ' +
          'metrics.custom.ttft_p95): the monitoring API answered 404: "no metric ttft_p95"',
        fix:
          '      fix: check metrics.httpJson.url and .path, and that the monitoring API serves ttft_p95 for this ' +
          'service and version',
      });
      const metricFailures = r.lines.filter((l) => l.startsWith('  ✗ ') && / for prompt-service/.test(l));
      expect(metricFailures.map((l) => l.split(':')[0])).toEqual([
        '  ✗ ttft_p95 for prompt-service',
        '  ✗ cost_per_request for prompt-service',
        '  ✗ ttft_p95 for prompt-service-staging',
        '  ✗ cost_per_request for prompt-service-staging',
      ]);
      expect(r.text).not.toContain('metrics read');
      expect(asked).toContain('cost_per_request prompt-service-staging v2.0.0');

      serveCustom = true;
      const fixed = await doctor();
      expect(fixed.lines).toContain(
        '  ✓ prompt-service v1.5.0: all 8 metrics read (error_rate, availability, p50_latency, p95_latency, ' +
          'p99_latency, hallucination_rate, ttft_p95, cost_per_request); live, read from the router',
      );
      expect(fixed.text).not.toContain('✗');
      expect(fixed.code).toBe(0);
    },
  );

  it(
    'says once per service that the kubeconfig names a server that is no Kubernetes API server, and skips the ' +
      'rest',
    async () => {
      scriptEveryQuery();
      const page =
        '<!DOCTYPE html>\n<html>\n<head><title>404 Not Found</title></head>\n' +
        '<body>\n<h1>Not Found</h1>\n</body>\n</html>\n';
      const web = await serve((_req, res) => {
        res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page);
      });
      vi.stubEnv('KUBECONFIG', writeKubeconfig([{ name: 'web', server: web.url }], 'web', join(dir, 'web')));
      const r = await doctor();
      expect(r.code).toBe(1);
      const sectionOf = (service: string) => {
        const start = r.lines.indexOf(`Kubernetes ${service}`);
        return r.lines.slice(start + 1, r.lines.indexOf('', start));
      };
      for (const service of ['prompt-service', 'prompt-service-staging'])
        expect(sectionOf(service)).toEqual([
          `  ✗ API server: the server at ${web.url} (context web) did not answer as a Kubernetes API server (HTTP ` +
            `404, text/html); ${service}'s routing, version and access checks were skipped`,
          '      fix: check the server URL in the kubeconfig',
        ]);
      // The first request recognised it; the second service of the same context asks nothing more.
      expect(web.requests()).toBe(1);
      expect(r.text).not.toMatch(/<html|<h1>|fix: create |fix: deploy /i);

      const json = await doctor('--json');
      for (const c of JSON.parse(json.text) as Array<{ detail: string; fix: string | null }>) {
        expect(c.detail).not.toContain('\n');
        expect(c.fix ?? '').not.toContain('\n');
      }
    },
  );

  it('says an API server message of several lines on the check line, its fix on the next', async () => {
    seedCluster();
    scriptEveryQuery();
    kube.failNext(
      { method: 'GET', path: /\/namespaces\/prompts\/services\/prompt-service$/ },
      { status: 500, message: 'etcdserver: request timed out\n  retried 3 times\n' },
    );
    const r = await doctor();
    expect(r.code).toBe(1);
    expect(failure(r.lines, 'routing')).toEqual({
      line:
        '  ✗ routing: Service prompts/prompt-service: 500 InternalError: etcdserver: request timed out retried 3 ' +
        'times',
      fix: "      fix: run rewind doctor again; if it keeps failing, look at the API server's health",
    });
  });

  it('--json says a config file it cannot read as JSON on stdout, with exit 2, asking nobody', async () => {
    for (const unreadable of [join(dir, 'none.yml'), dir]) {
      const printed: string[] = [];
      const errors: string[] = [];
      const out = { log: (l: string) => printed.push(l), error: (l: string) => errors.push(l) };
      expect(await runCli(['doctor', '--json', '--config', unreadable], out)).toBe(2);
      expect(errors).toEqual([]);
      const checks = JSON.parse(printed.join('\n')) as unknown;
      expect(checks).toEqual([
        {
          section: 'Config',
          check: unreadable,
          ok: false,
          detail: expect.stringContaining(unreadable),
          fix: "point --config or REWIND_CONFIG at Rewind's config file (unset, it is config/rewind.yml)",
        },
      ]);
    }
    expect(slack.calls).toEqual([]);
    expect(kube.requests).toEqual([]);
  });

  it('checks the database start would open, read-only, leaving nothing beside it', async () => {
    seedCluster();
    scriptEveryQuery();
    openDatabase(dbFile).close();
    const before = readFileSync(dbFile);
    const sound = await doctor();
    expect(sound.code).toBe(0);
    expect(sound.lines).toEqual(
      expect.arrayContaining([
        'Database',
        `  ✓ REWIND_DB: ${dbFile} opens read-only (${before.length} bytes)`,
        `  ✓ schema: ${LATEST_SCHEMA_VERSION}, the newest this build knows`,
        '  ✓ integrity: quick_check: ok',
      ]),
    );
    expect(readdirSync(join(dir, 'data'))).toEqual(['rewind.db']);
    expect(readFileSync(dbFile).equals(before)).toBe(true);

    const newer = LATEST_SCHEMA_VERSION + 1;
    const refused = {
      line:
        `  ✗ schema: ${dbFile} was written by a newer Rewind (schema ${newer}, this build knows up to ` +
        `${LATEST_SCHEMA_VERSION}); upgrade Rewind or point REWIND_DB elsewhere`,
      fix:
        `      fix: run the newer Rewind image that wrote it (schema ${newer}), or restore a backup taken before it ` +
        '(docs/install.md, "Backing up and restoring the database")',
    };
    // A newer Rewind running on the file: what it wrote is still in its write-ahead log, and is read there.
    const running = openDatabase(dbFile);
    running.pragma(`user_version = ${newer}`);
    const whileRunning = await doctor();
    running.close();
    expect(failure(whileRunning.lines, 'schema')).toEqual(refused);
    expect(whileRunning.code).toBe(1);

    const stopped = await doctor();
    expect(failure(stopped.lines, 'schema')).toEqual(refused);
    expect(readdirSync(join(dir, 'data'))).toEqual(['rewind.db']);
    // PRAGMA user_version is the header's 4 bytes at offset 60: the doctor changed nothing there either.
    expect(readFileSync(dbFile).readUInt32BE(60)).toBe(newer);

    // An older file is for rewind start to migrate, not for the doctor.
    rmSync(dbFile);
    openDatabase(dbFile, { migrations: MIGRATIONS.slice(0, 3) }).close();
    const older = await doctor();
    expect(older.lines).toContain(
      `  ✓ schema: 3: rewind start migrates it to ${LATEST_SCHEMA_VERSION} (back it up first)`,
    );
    expect(readFileSync(dbFile).readUInt32BE(60)).toBe(3);
  });

  it.each([
    {
      what: 'a file damaged in the middle',
      make: (file: string) => {
        const db = openDatabase(file);
        db.exec('CREATE TABLE pad (x TEXT)');
        const insert = db.prepare('INSERT INTO pad VALUES (?)');
        for (let i = 0; i < 200; i++) insert.run('x'.repeat(200));
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.close();
        const bytes = readFileSync(file);
        bytes.fill(0x5a, 8 * 4096, 9 * 4096); // one page in the middle overwritten
        writeFileSync(file, bytes);
        return file;
      },
      check: 'integrity',
      line: (file: string) => new RegExp(`^  ✗ integrity: ${file} is damaged \\(quick_check: .+\\)$`),
      fix: 'stop Rewind, then restore the file from a backup, or move it aside to start with an empty database',
    },
    {
      what: 'a file that is not a database',
      make: (file: string) => {
        writeFileSync(file, 'incidents:\n  - none\n');
        return file;
      },
      check: 'schema',
      line: (file: string) => `  ✗ schema: ${file} is not a database Rewind can read (file is not a database)`,
      fix: (file: string) =>
        `point REWIND_DB at Rewind's database, or move ${file} aside so that start creates an empty one`,
    },
    {
      what: 'a missing file in a folder that does not exist',
      make: () => join(dir, 'nowhere', 'rewind.db'),
      check: 'REWIND_DB',
      line: (file: string) => `  ✗ REWIND_DB: ${file} does not exist, nor does its folder ${join(dir, 'nowhere')}`,
      fix:
        `create ${join('<dir>', 'nowhere')}, writable by Rewind's user (in a pod: mount the volume that keeps the ` +
        'database there), or point REWIND_DB at a file in a writable folder',
    },
    {
      what: 'a folder',
      make: () => join(dir, 'data'),
      check: 'REWIND_DB',
      line: (file: string) => `  ✗ REWIND_DB: ${file} is a folder, not a database file`,
      fix: (file: string) => `point REWIND_DB at a file, e.g. ${join(file, 'rewind.db')}`,
    },
  ])('fails the database when REWIND_DB is $what, changing nothing', async ({ make, check, line, fix }) => {
    seedCluster();
    scriptEveryQuery();
    const file = make(dbFile);
    vi.stubEnv('REWIND_DB', file);
    const before = filesIn(dir);
    const r = await doctor();
    expect(r.code).toBe(1);
    const failed = failure(r.lines, check);
    const expectedLine = line(file);
    if (typeof expectedLine === 'string') expect(failed.line).toBe(expectedLine);
    else expect(failed.line).toMatch(expectedLine);
    expect(failed.fix).toBe(`      fix: ${typeof fix === 'string' ? fix.replace('<dir>', dir) : fix(file)}`);
    expect(r.lines.filter((l) => l.startsWith('  ✗ '))).toHaveLength(1);
    expect(filesIn(dir)).toEqual(before);
  });

  it('fails a missing database whose folder does not take writes: start could not create it', async (ctx) => {
    const folder = join(dir, 'read-only');
    mkdirSync(folder);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', folder], { stdio: 'pipe' });
    } catch (err) {
      ctx.skip(`cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]}): run as root`);
    }
    closers.push(async () => void execFileSync('umount', [folder]));
    seedCluster();
    scriptEveryQuery();
    vi.stubEnv('REWIND_DB', join(folder, 'rewind.db'));
    const r = await doctor();
    expect(r.code).toBe(1);
    expect(failure(r.lines, 'REWIND_DB')).toEqual({
      line:
        `  ✗ REWIND_DB: ${folder}/rewind.db does not exist, and its folder ${folder} is not writable (EROFS), so ` +
        'start cannot create it',
      fix:
        `      fix: make ${folder} writable by Rewind's user (uid ${process.getuid?.()}), or point REWIND_DB at a ` +
        'file in a writable folder',
    });
  });

  it('is listed by rewind --help and explains itself with doctor --help, asking nobody anything', async () => {
    const printed: string[] = [];
    const out = { log: (l: string) => printed.push(l), error: (l: string) => printed.push(`stderr: ${l}`) };
    expect(await runCli(['--help'], out)).toBe(0);
    expect(printed.join('\n')).toMatch(/\n {2}doctor \[--json\] +check a real set-up/);
    printed.length = 0;
    expect(await runCli(['doctor', '--help'], out)).toBe(0);
    expect(printed[0]).toMatch(/^Usage: rewind doctor \[--json\] \[--config file\] \[--alerts-url URL\]\n/);
    expect(slack.calls).toEqual([]);
  });

  it('refuses a command line it cannot use with one line and exit 2, before asking anyone anything', async () => {
    const bad = [
      [['--jsn'], 'rewind doctor: unknown option "--jsn" (did you mean "--json"?); see rewind doctor --help'],
      [
        ['--alerts-url', 'rewind:3000'],
        'rewind doctor: --alerts-url must be an http(s) URL such as http://rewind.rewind.svc:3000, got "rewind:3000"; see rewind doctor --help',
      ],
      [['extra'], 'rewind doctor: unexpected argument "extra": this command takes none; see rewind doctor --help'],
    ] as const;
    for (const [args, message] of bad) {
      const errors: string[] = [];
      expect(await runCli(['doctor', ...args], { log: () => {}, error: (l) => errors.push(l) })).toBe(2);
      expect(errors).toEqual([message]);
    }
    const errors: string[] = [];
    const missing = join(dir, 'none.yml');
    expect(await runCli(['doctor', '--config', missing], { log: () => {}, error: (l) => errors.push(l) })).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(missing);
    expect(slack.calls).toEqual([]);
    expect(kube.requests).toEqual([]);
  });
});

function loadedQuery(name: string): string {
  const loaded = loadConfigFile(config);
  if (!loaded.ok) throw new Error('test config has problems');
  const found = namedQueries(loaded.config.metrics).find(([n]) => n === name);
  if (!found) throw new Error(`no query ${name}`);
  return found[1];
}

/** Every file under `folder` with its content: what a check that changes nothing leaves as it was. */
function filesIn(folder: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      found[path] = readFileSync(path).toString('base64');
    }
  return found;
}

/** An HTTP server on 127.0.0.1 answering with `handler`, closed after the test; `requests` counts what it got. */
async function serve(handler: RequestListener): Promise<{ url: string; requests: () => number }> {
  let count = 0;
  const server = createServer((req, res) => {
    count++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => count };
}

function doc(edit: (d: ReturnType<typeof shippedConfigDoc>) => void): void {
  const d = shippedConfigDoc();
  edit(d);
  writeFileSync(config, stringify(d));
}
