/**
 * deploy/ is a kustomize base: `kubectl kustomize deploy/` renders it (no cluster needed), and the
 * rendered objects are checked as the API defines them — every kind Rewind needs on a cluster, RBAC
 * exactly the least privilege each router kind, the checks and the drill injector declare in code,
 * the pod locked down and probed, the ConfigMap the very config/rewind.yml, and alert rules that
 * name only metrics /metrics serves and that promtool accepts. The Dockerfile is read in
 * dockerfile.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  IntOrString,
  KubernetesObject,
  V1ConfigMap,
  V1Container,
  V1Deployment,
  V1NetworkPolicy,
  V1PersistentVolumeClaim,
  V1PodSpec,
  V1Role,
  V1RoleBinding,
  V1Secret,
  V1Service,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { CHECKS_ACCESS } from '../../src/adapters/kube/checks.ts';
import { ISTIO_FAULT_ACCESS } from '../../src/adapters/drills/istio-fault.ts';
import { GITOPS_ACCESS } from '../../src/adapters/kube/gitops/index.ts';
import { LEADER_ELECTION_ACCESS } from '../../src/adapters/kube/lease.ts';
import { ROUTER_MODULES, routerModule } from '../../src/adapters/kube/routers/registry.ts';
import type { ApiAccess } from '../../src/adapters/kube/routers/types.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import { startWorld, type World } from '../support/world.ts';
import { promRuleGroups, type PrometheusRule } from './rules.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const has = (command: string) => spawnSync(command, ['--help'], { stdio: 'ignore' }).error === undefined;
const KUBECTL = has('kubectl');
const PROMTOOL = has('promtool');
const NO_KUBECTL = 'skipped: kubectl is not installed (apt-get install kubernetes-client; .ci/run installs it)';

/** `kubectl kustomize <dir>`, parsed into objects. */
function render(dir: string): KubernetesObject[] {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS() as KubernetesObject);
}

/** `group/resource`, with `[names]` when only those objects are meant. */
const accessKey = (group: string, resource: string, names: readonly string[] | undefined) =>
  `${group === '' ? 'core' : group}/${resource}${names ? `[${[...names].sort().join(',')}]` : ''}`;

/** A Role's rules as `group/resource[names]` → sorted verbs; a resource granted by two rules fails the test. */
function granted(rules: V1Role['rules']): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const rule of rules ?? []) {
    const keys = rule.resourceNames
      ? ['apiGroups', 'resourceNames', 'resources', 'verbs']
      : ['apiGroups', 'resources', 'verbs'];
    expect(Object.keys(rule).sort()).toEqual(keys);
    for (const list of [rule.apiGroups ?? [], rule.resources ?? [], rule.verbs]) expect(list).not.toContain('*');
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const key = accessKey(group, resource, rule.resourceNames);
        expect(out[key], `${key} granted by one rule only`).toBeUndefined();
        out[key] = [...rule.verbs].sort();
      }
    }
  }
  return out;
}

/** What code declares it uses, in the same shape. */
function declared(access: readonly ApiAccess[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const a of access) {
    const key = accessKey(a.group, a.resource, a.resourceNames);
    out[key] = [...new Set([...(out[key] ?? []), ...a.verbs])].sort();
  }
  return out;
}

describe('deploy/rbac/roles: one Role per router kind, the checks, the istio-fault injector and GitOps', () => {
  const folders = readdirSync(path.join(root, 'deploy/rbac/roles')).sort();
  const roleIn = (folder: string) => {
    const objects = parseAllDocuments(read(`deploy/rbac/roles/${folder}/role.yaml`)).map((d) => d.toJS());
    return {
      role: objects.find((o: KubernetesObject) => o.kind === 'Role') as V1Role,
      binding: objects.find((o: KubernetesObject) => o.kind === 'RoleBinding') as V1RoleBinding,
      kinds: objects.map((o: KubernetesObject) => o.kind),
    };
  };
  const expected: Record<string, readonly ApiAccess[]> = {
    ...Object.fromEntries(ROUTER_MODULES.map((m) => [m.kind, m.traits.access])),
    checks: CHECKS_ACCESS,
    'istio-fault': ISTIO_FAULT_ACCESS,
    'gitops-argocd': GITOPS_ACCESS.argocd,
    'gitops-flux': GITOPS_ACCESS.flux,
    'leader-election': LEADER_ELECTION_ACCESS,
  };

  it('has a folder for every router kind and nothing else', () => {
    expect(folders).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.keys(expected))(
    '%s grants exactly what its code declares, bound to the rewind ServiceAccount',
    (k) => {
      const { role, binding, kinds } = roleIn(k);
      expect(kinds).toEqual(['Role', 'RoleBinding']);
      expect(granted(role.rules)).toEqual(declared(expected[k]!));
      expect(role.metadata?.namespace, 'the namespace is set by the namespace folder').toBeUndefined();
      expect(binding.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: role.metadata?.name,
      });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'rewind', namespace: 'rewind' }]);
      expect(read(`deploy/rbac/roles/${k}/kustomization.yaml`)).toMatch(/^resources:\n {2}- role\.yaml$/m);
    },
  );
});

describe.skipIf(!KUBECTL)(`kubectl kustomize deploy/${KUBECTL ? '' : ` (${NO_KUBECTL})`}`, () => {
  const objects = KUBECTL ? render(path.join(root, 'deploy')) : [];
  const all = <T>(kind: string) => objects.filter((o) => o.kind === kind) as T[];
  const one = <T>(kind: string) => (all<T>(kind)[0] ?? {}) as T;

  const dep = one<V1Deployment>('Deployment');
  const pod: Partial<V1PodSpec> = dep.spec?.template.spec ?? {};
  const container: Partial<V1Container> = pod.containers?.[0] ?? {};
  const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e]));
  const volumes = Object.fromEntries((pod.volumes ?? []).map((v) => [v.name, v]));
  const mountAt = (mountPath: string) => (container.volumeMounts ?? []).find((m) => m.mountPath === mountPath);
  const volumeAt = (mountPath: string) => volumes[mountAt(mountPath)?.name ?? ''];
  const port = (name: IntOrString | undefined) =>
    typeof name === 'number' ? name : (container.ports ?? []).find((p) => p.name === name)?.containerPort;
  const service = one<V1Service>('Service');
  const configMap = one<V1ConfigMap>('ConfigMap');
  const secret = one<V1Secret>('Secret');

  it('holds every kind Rewind needs, and nothing cluster-wide', () => {
    expect([...new Set(objects.map((o) => o.kind))].sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'Namespace',
      'NetworkPolicy',
      'PersistentVolumeClaim',
      'PrometheusRule',
      'Role',
      'RoleBinding',
      'Secret',
      'Service',
      'ServiceAccount',
      'ServiceMonitor',
    ]);
    for (const o of objects) {
      if (o.kind === 'Namespace') continue;
      expect(o.metadata?.namespace, `${o.kind} ${o.metadata?.name}`).toBeDefined();
    }
    expect(one<KubernetesObject>('Namespace').metadata?.name).toBe('rewind');
  });

  it('gives every service of config/rewind.yml its router’s and the checks’ access in its namespace', () => {
    const loaded = loadConfigFile(path.join(root, 'config/rewind.yml'));
    if (!loaded.ok) throw new Error('config/rewind.yml does not load');
    const { services, drills } = loaded.config;
    const bound = new Set(
      all<V1RoleBinding>('RoleBinding')
        .filter((b) => b.subjects?.some((s) => s.kind === 'ServiceAccount' && s.name === 'rewind'))
        .map((b) => `${b.metadata?.namespace}/${b.roleRef.name}`),
    );
    /** What the bound Roles of a namespace grant together: `group/resource verb` entries. */
    const grantsIn = (namespace: string) =>
      new Set(
        all<V1Role>('Role')
          .filter((r) => r.metadata?.namespace === namespace && bound.has(`${namespace}/${r.metadata?.name}`))
          .flatMap((r) => Object.entries(granted(r.rules)).flatMap(([key, verbs]) => verbs.map((v) => `${key} ${v}`))),
      );
    const needs = (access: readonly ApiAccess[]) =>
      Object.entries(declared(access)).flatMap(([key, verbs]) => verbs.map((v) => `${key} ${v}`));
    const namespaces = new Set<string>();
    for (const [name, svc] of Object.entries(services)) {
      namespaces.add(svc.namespace);
      const grants = grantsIn(svc.namespace);
      for (const need of [...needs(routerModule(svc.router.kind)!.traits.access), ...needs(CHECKS_ACCESS)])
        expect(grants.has(need), `${name} in ${svc.namespace} needs ${need}`).toBe(true);
    }
    expect(drills.injector.kind).toBe('istio-fault');
    const drillNamespace = services[drills.service ?? '']!.namespace;
    for (const need of needs(ISTIO_FAULT_ACCESS)) expect(grantsIn(drillNamespace).has(need)).toBe(true);
    // No Role where no service lives; in Rewind's own namespace only the leader Lease's.
    expect(new Set(all<V1Role>('Role').map((r) => r.metadata?.namespace))).toEqual(new Set([...namespaces, 'rewind']));
    const own = all<V1Role>('Role').filter((r) => r.metadata?.namespace === 'rewind');
    expect(own.map((r) => r.metadata?.name)).toEqual(['rewind-leader-election']);
    expect(granted(own[0]!.rules)).toEqual(declared(LEADER_ELECTION_ACCESS));
    expect(bound.has('rewind/rewind-leader-election')).toBe(true);
  });

  it.each([
    ['argocd', 'gitops-argocd', GITOPS_ACCESS.argocd],
    ['flux-system', 'gitops-flux', GITOPS_ACCESS.flux],
  ] as const)('offers rbac/%s: the %s Role in that namespace, picked in kustomization.yaml', (ns, role, access) => {
    const picked = render(path.join(root, `deploy/rbac/${ns}`));
    expect(picked.map((o) => `${o.kind} ${o.metadata?.namespace}/${o.metadata?.name}`)).toEqual([
      `Role ${ns}/rewind-${role}`,
      `RoleBinding ${ns}/rewind-${role}`,
    ]);
    expect(granted((picked[0] as V1Role).rules)).toEqual(declared(access));
    expect((picked[1] as V1RoleBinding).subjects).toEqual([
      { kind: 'ServiceAccount', name: 'rewind', namespace: 'rewind' },
    ]);
    // Optional: a team lists it when its routing is synced from git; the base leaves it out.
    expect(read('deploy/kustomization.yaml')).toContain(`  # - rbac/${ns}\n`);
  });

  it('makes the ConfigMap of config/rewind.yml itself, and mounts that one', () => {
    expect(configMap.data).toEqual({ 'rewind.yml': read('config/rewind.yml') });
    expect(configMap.metadata?.name).toMatch(/^rewind-config-[a-z0-9]+$/);
    expect(env.REWIND_CONFIG?.value).toBe('/app/config/rewind.yml');
    const mount = mountAt('/app/config/rewind.yml');
    expect(mount?.readOnly).toBe(true);
    expect(volumeAt('/app/config/rewind.yml')?.configMap?.name).toBe(configMap.metadata?.name);
  });

  it('makes the Secret from rewind.env.example, empty, and takes every token from it', () => {
    const example = read('deploy/rewind.env.example')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    const keys = example.map((l) => l.split('=')[0]!);
    expect(example.every((l) => l.endsWith('='))).toBe(true); // nothing that could pass for a token
    expect(Object.keys(secret.data ?? {}).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      expect(env[key]?.valueFrom?.secretKeyRef, key).toMatchObject({ name: secret.metadata?.name, key });
      expect(env[key]?.value, `${key} never inline`).toBeUndefined();
    }
    expect(env.SLACK_BOT_TOKEN?.valueFrom?.secretKeyRef?.optional).not.toBe(true);
    for (const key of ['SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'ALERT_WEBHOOK_TOKEN'])
      expect(env[key]?.valueFrom?.secretKeyRef?.optional, key).toBe(true);
    // The real file sits beside an overlay and is never committed.
    expect(read('.gitignore').split('\n')).toContain('rewind.env');
  });

  it('runs one replica as non-root on a read-only root filesystem, under the rewind ServiceAccount', () => {
    expect(dep.spec?.replicas).toBe(1);
    expect(dep.spec?.strategy).toEqual({ type: 'Recreate' });
    expect(pod.serviceAccountName).toBe(one<KubernetesObject>('ServiceAccount').metadata?.name);
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    const sc = container.securityContext ?? {};
    expect([sc.runAsNonRoot, sc.allowPrivilegeEscalation, sc.readOnlyRootFilesystem]).toEqual([true, false, true]);
    expect(sc.capabilities).toEqual({ drop: ['ALL'] });
    // In a pod the service account is used: a KUBECONFIG would point at a file that is not there.
    expect(env.KUBECONFIG).toBeUndefined();
    expect(mountAt('/tmp')?.readOnly).not.toBe(true);
    expect(volumeAt('/tmp')?.emptyDir).toBeDefined();
  });

  it('probes liveness on /healthz and readiness on /readyz, and sets requests and limits', () => {
    expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(port(container.livenessProbe?.httpGet?.port)).toBe(3000);
    expect(port(container.readinessProbe?.httpGet?.port)).toBe(3000);
    expect(env.PORT?.value).toBe('3000');
    expect(container.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources?.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
  });

  it('keeps the SQLite file on a ReadWriteOnce PersistentVolumeClaim', () => {
    const pvc = one<V1PersistentVolumeClaim>('PersistentVolumeClaim');
    expect(env.REWIND_DB?.value).toBe('/app/data/rewind.db');
    expect(volumeAt('/app/data')?.persistentVolumeClaim?.claimName).toBe(pvc.metadata?.name);
    expect(pvc.spec?.accessModes).toEqual(['ReadWriteOnce']);
  });

  it('serves webhooks and /metrics through a Service, scraped by the ServiceMonitor', () => {
    expect(service.spec?.selector).toEqual(dep.spec?.template.metadata?.labels);
    expect(service.spec?.ports).toEqual([{ name: 'http', port: 3000, targetPort: 'http', protocol: 'TCP' }]);
    const monitor = one<KubernetesObject & { spec: Record<string, unknown> }>('ServiceMonitor');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.spec).toMatchObject({
      selector: { matchLabels: service.metadata?.labels },
      namespaceSelector: { matchNames: [service.metadata?.namespace] },
      endpoints: [{ port: 'http', path: '/metrics' }],
    });
  });

  it('lets in only the HTTP port, and out only DNS, the API server, Slack and Prometheus', () => {
    const policy = one<V1NetworkPolicy>('NetworkPolicy');
    expect(policy.spec?.podSelector?.matchLabels).toEqual(dep.spec?.template.metadata?.labels);
    expect(policy.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec?.ingress).toEqual([{ ports: [{ port: 'http', protocol: 'TCP' }] }]);
    const egress = (policy.spec?.egress ?? []).map((rule) => ({
      to: rule.to?.map((t) => t.ipBlock?.cidr ?? t.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']),
      ports: rule.ports?.map((p) => `${p.protocol}/${p.port}`),
    }));
    expect(egress).toEqual([
      { to: ['kube-system'], ports: ['UDP/53', 'TCP/53'] },
      { to: ['0.0.0.0/0'], ports: ['TCP/443', 'TCP/6443'] },
      { to: ['monitoring'], ports: ['TCP/9090'] },
    ]);
  });

  describe('the PrometheusRule', () => {
    const rule = one<PrometheusRule>('PrometheusRule');
    const rules = rule.spec?.groups.flatMap((g) => g.rules) ?? [];
    let world: World | undefined;
    let served: Set<string>;
    beforeAll(async () => {
      // The real bot, with the Kubernetes clients (their error counter is one of the metrics).
      world = await startWorld({ kube: {} });
      const text = await (await fetch(`http://127.0.0.1:${world.rewind.port}/metrics`)).text();
      served = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    });
    afterAll(async () => world?.stop());

    it('alerts on Rewind being down or absent, the outbox growing or old, overdue timers, the store', () => {
      const exprs = rules.map((r) => r.expr);
      expect(exprs).toContainEqual(expect.stringMatching(/^up\{job="rewind", namespace="rewind"\} == 0$/));
      expect(exprs).toContainEqual(expect.stringMatching(/^absent\(up\{job="rewind"/));
      for (const metric of [
        'rewind_outbox_backlog',
        'rewind_outbox_oldest_seconds',
        'rewind_timers_overdue',
        'rewind_store_writable',
      ])
        expect(
          exprs.some((e) => e.includes(metric)),
          metric,
        ).toBe(true);
      for (const r of rules) {
        expect(r.alert).toMatch(/^Rewind[A-Z]\w+$/);
        expect(['critical', 'warning']).toContain(r.labels?.severity);
        expect(r.annotations?.summary, r.alert).toBeTruthy();
        expect(r.annotations?.description, r.alert).toBeTruthy();
      }
    });

    it('names only metrics a running Rewind serves on /metrics', () => {
      const named = new Set(rules.flatMap((r) => [...r.expr.matchAll(/\brewind_[a-z0-9_]+/g)].map((m) => m[0])));
      expect(named.size).toBeGreaterThanOrEqual(6);
      for (const metric of named) expect(served.has(metric), `${metric} is on /metrics`).toBe(true);
    });

    it.skipIf(!PROMTOOL)(
      `passes promtool check rules${PROMTOOL ? '' : ' (skipped: promtool is not installed)'}`,
      () => {
        const file = path.join(mkdtempSync(path.join(tmpdir(), 'rewind-rules-')), 'rules.yml');
        writeFileSync(file, stringify(promRuleGroups(rule)));
        const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
        expect(r.stderr).toBe('');
        expect(r.stdout).toContain(`SUCCESS: ${rules.length} rules found`);
        expect(r.status).toBe(0);
      },
    );
  });

  it('renders the overlay docs/cluster-access.md shows: own rewind.env, own config, a kubeconfig Secret', () => {
    const overlay = mkdtempSync(path.join(tmpdir(), 'rewind-overlay-'));
    writeFileSync(path.join(overlay, 'rewind.env'), 'SLACK_BOT_TOKEN=xoxb-overlay\nSLACK_APP_TOKEN=xapp-overlay\n');
    writeFileSync(path.join(overlay, 'rewind.yml'), read('config/rewind.yml').replace('locale: en', 'locale: ja'));
    // The page's two kustomization.yaml blocks: the overlay, and the patch that mounts a kubeconfig.
    const blocks = [...read('docs/cluster-access.md').matchAll(/```yaml\n(# kustomization\.yaml[\s\S]*?)```/g)];
    expect(blocks).toHaveLength(2);
    const kustomization = { ...parse(blocks[0]![1]!), ...parse(blocks[1]![1]!) } as { resources: string[] };
    kustomization.resources = [path.relative(overlay, path.join(root, 'deploy'))];
    writeFileSync(path.join(overlay, 'kustomization.yaml'), stringify(kustomization));
    const rendered = render(overlay);
    const secrets = rendered.filter((o) => o.kind === 'Secret') as V1Secret[];
    expect(secrets).toHaveLength(1);
    const decoded = Object.fromEntries(
      Object.entries(secrets[0]!.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
    );
    expect(decoded).toEqual({ SLACK_BOT_TOKEN: 'xoxb-overlay', SLACK_APP_TOKEN: 'xapp-overlay' });
    const maps = rendered.filter((o) => o.kind === 'ConfigMap') as V1ConfigMap[];
    expect(maps).toHaveLength(1);
    expect(maps[0]!.data?.['rewind.yml']).toContain('locale: ja');
    const d = rendered.find((o) => o.kind === 'Deployment') as V1Deployment;
    const refs = JSON.stringify(d.spec?.template.spec);
    expect(refs).toContain(`"name":"${secrets[0]!.metadata?.name}"`);
    expect(refs).toContain(`"name":"${maps[0]!.metadata?.name}"`);
    const c = d.spec?.template.spec?.containers[0];
    expect(c?.env).toContainEqual({ name: 'KUBECONFIG', value: '/app/kube/config' });
    expect(c?.volumeMounts).toContainEqual({ name: 'kubeconfig', mountPath: '/app/kube', readOnly: true });
    expect(d.spec?.template.spec?.volumes).toContainEqual({
      name: 'kubeconfig',
      secret: { secretName: 'rewind-kubeconfig' },
    });
  });
});
