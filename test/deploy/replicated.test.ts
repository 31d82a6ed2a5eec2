/**
 * deploy/replicated is the kustomize Component that makes the base three replicas on PostgreSQL.
 * A Component renders only inside an overlay (kustomize refuses an overlay inside its base's folder),
 * so what is rendered here is exactly the overlays docs/high-availability.md has you write — with a
 * managed PostgreSQL's URL in rewind-postgres.env, and with CloudNativePG's `-app` Secret — over the
 * real deploy/, checked as the API defines the objects.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  KubernetesObject,
  V1Container,
  V1Deployment,
  V1EnvVar,
  V1NetworkPolicy,
  V1PodDisruptionBudget,
  V1PodSpec,
  V1Role,
  V1RoleBinding,
  V1Secret,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { LEADER_ELECTION_ACCESS, LEADER_LEASE } from '../../src/adapters/kube/lease.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const KUBECTL = spawnSync('kubectl', ['--help'], { stdio: 'ignore' }).error === undefined;
const NO_KUBECTL = 'skipped: kubectl is not installed (apt-get install kubernetes-client; .ci/run installs it)';
const PAGE = 'docs/high-availability.md';
const MANAGED_URL = 'postgres://rewind:s3cr%40t@db.example:5432/rewind?sslmode=verify-full';

interface Kustomization {
  resources: string[];
  components: string[];
  [key: string]: unknown;
}

/** The page's YAML block whose first line is `first`, parsed. */
function pageBlock(first: string): Record<string, unknown> {
  const blocks = [...read(PAGE).matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const found = blocks.filter((b) => b.split('\n')[0] === first);
  expect(found, `${PAGE} has one block starting "${first}"`).toHaveLength(1);
  return parse(found[0]!) as Record<string, unknown>;
}

/**
 * Writes the page's overlay beside the files it names — its base and Component pointed at this
 * checkout — and renders it.
 */
function renderOverlay(kustomization: Kustomization, files: Record<string, string>): KubernetesObject[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'rewind-replicated-'));
  expect(kustomization.resources[0]).toBe('../rewind/deploy');
  expect(kustomization.components).toEqual(['../rewind/deploy/replicated']);
  kustomization.resources[0] = path.relative(dir, path.join(root, 'deploy'));
  kustomization.components = [path.relative(dir, path.join(root, 'deploy/replicated'))];
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  writeFileSync(path.join(dir, 'kustomization.yaml'), stringify(kustomization));
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS() as KubernetesObject);
}

const overlayFiles = {
  'rewind.env': 'SLACK_BOT_TOKEN=xoxb-ha\nSLACK_APP_TOKEN=xapp-ha\n',
  'rewind.yml': read('config/rewind.yml'),
};

function parts(objects: KubernetesObject[]) {
  const dep = objects.find((o) => o.kind === 'Deployment') as V1Deployment;
  const pod: Partial<V1PodSpec> = dep.spec?.template.spec ?? {};
  const container: Partial<V1Container> = pod.containers?.[0] ?? {};
  const env: Record<string, V1EnvVar> = Object.fromEntries((container.env ?? []).map((e) => [e.name, e]));
  return { dep, pod, container, env };
}

describe('deploy/replicated/rewind-postgres.env.example', () => {
  it('names the one key REWIND_DB is read from, empty, and the real file is git-ignored', () => {
    const lines = read('deploy/replicated/rewind-postgres.env.example')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    expect(lines).toEqual(['url=']);
    expect(read('.gitignore').split('\n')).toContain('rewind-postgres.env');
  });
});

describe.skipIf(!KUBECTL)(
  `${PAGE}'s overlays over deploy/ and deploy/replicated${KUBECTL ? '' : ` (${NO_KUBECTL})`}`,
  () => {
    const managed = KUBECTL
      ? renderOverlay(pageBlock('# kustomization.yaml') as unknown as Kustomization, {
          ...overlayFiles,
          'rewind-postgres.env': `url=${MANAGED_URL}\n`,
        })
      : [];
    const { dep, pod, container, env } = parts(managed);
    const labels = dep.spec?.template.metadata?.labels ?? {};

    it('runs three replicas, rolled one at a time', () => {
      expect(dep.spec?.replicas).toBe(3);
      expect(dep.spec?.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } });
      expect(labels).toEqual({ 'app.kubernetes.io/name': 'rewind' });
    });

    it('keeps two replicas through a drain: a PodDisruptionBudget of minAvailable 2 over the pods', () => {
      const pdbs = managed.filter((o) => o.kind === 'PodDisruptionBudget') as V1PodDisruptionBudget[];
      expect(pdbs).toHaveLength(1);
      expect(pdbs[0]!.apiVersion).toBe('policy/v1');
      expect(pdbs[0]!.metadata?.namespace).toBe('rewind');
      expect(pdbs[0]!.spec?.minAvailable).toBe(2);
      expect(pdbs[0]!.spec?.selector?.matchLabels).toEqual(labels);
      // A rolling update never goes below what the budget keeps.
      expect(dep.spec!.replicas! - Number(dep.spec?.strategy?.rollingUpdate?.maxUnavailable)).toBeGreaterThanOrEqual(2);
    });

    it('spreads the pods over nodes (preferred anti-affinity) and zones (ScheduleAnyway)', () => {
      expect(pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
      expect(pod.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
        {
          weight: 100,
          podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: labels } },
        },
      ]);
      expect(pod.topologySpreadConstraints).toEqual([
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: labels },
        },
      ]);
    });

    it('takes REWIND_DB from the Secret rewind-postgres, key url, made from rewind-postgres.env', () => {
      expect(env.REWIND_DB?.value).toBeUndefined();
      const ref = env.REWIND_DB?.valueFrom?.secretKeyRef;
      expect(ref?.key).toBe('url');
      expect(ref?.optional).not.toBe(true);
      const secret = managed.find((o) => o.kind === 'Secret' && o.metadata?.name === ref?.name) as V1Secret;
      expect(secret.metadata?.name).toMatch(/^rewind-postgres-[a-z0-9]+$/);
      expect(secret.metadata?.namespace).toBe('rewind');
      expect(Buffer.from(secret.data?.url ?? '', 'base64').toString()).toBe(MANAGED_URL);
    });

    it('sets POD_NAMESPACE from the downward API, where the leader Lease lives', () => {
      expect(env.POD_NAMESPACE).toEqual({
        name: 'POD_NAMESPACE',
        valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
      });
    });

    it('keeps nothing on the pods: no PersistentVolumeClaim, no SQLite volume or mount', () => {
      expect(managed.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
      expect((pod.volumes ?? []).filter((v) => v.persistentVolumeClaim)).toEqual([]);
      expect((pod.volumes ?? []).map((v) => v.name).sort()).toEqual(['config', 'tmp']);
      expect((container.volumeMounts ?? []).map((m) => m.mountPath).sort()).toEqual(['/app/config/rewind.yml', '/tmp']);
      // The rest of the base is untouched: the pod still locked down, probed, on its service account.
      expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
      expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
      expect(pod.serviceAccountName).toBe('rewind');
    });

    it('lets the pods out to PostgreSQL’s port besides the base’s DNS, API server, Slack and Prometheus', () => {
      const policy = managed.find((o) => o.kind === 'NetworkPolicy') as V1NetworkPolicy;
      const ports = (policy.spec?.egress ?? []).map((r) => (r.ports ?? []).map((p) => `${p.protocol}/${p.port}`));
      expect(ports).toEqual([['UDP/53', 'TCP/53'], ['TCP/443', 'TCP/6443'], ['TCP/9090'], ['TCP/5432']]);
    });

    it('holds the leader Lease’s Role in Rewind’s namespace, bound to its ServiceAccount', () => {
      const role = managed.find((o) => o.kind === 'Role' && o.metadata?.namespace === 'rewind') as V1Role;
      expect(role.metadata?.name).toBe('rewind-leader-election');
      expect(role.rules).toContainEqual({
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        resourceNames: [LEADER_LEASE],
        verbs: ['get', 'update'],
      });
      const verbs = role.rules?.flatMap((r) => r.verbs).sort();
      expect(verbs).toEqual([...new Set(LEADER_ELECTION_ACCESS.flatMap((a) => a.verbs))].sort());
      const binding = managed.find(
        (o) => o.kind === 'RoleBinding' && o.metadata?.name === 'rewind-leader-election',
      ) as V1RoleBinding;
      expect(binding.metadata?.namespace).toBe('rewind');
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'rewind', namespace: 'rewind' }]);
    });

    it('with CloudNativePG: REWIND_DB is the `-app` Secret’s uri, the Cluster beside it, no other Secret', () => {
      const cluster = pageBlock('# rewind-db.yaml') as unknown as KubernetesObject & {
        spec: { instances: number; bootstrap: { initdb: { database: string; owner: string } } };
      };
      expect(cluster.apiVersion).toBe('postgresql.cnpg.io/v1');
      expect(cluster.kind).toBe('Cluster');
      expect(cluster.spec.instances).toBe(3);
      const kustomization = pageBlock('# kustomization.yaml, with CloudNativePG') as unknown as Kustomization;
      expect(kustomization.resources).toContain('rewind-db.yaml');
      const objects = renderOverlay(kustomization, { ...overlayFiles, 'rewind-db.yaml': stringify(cluster) });
      const { env: cnpgEnv } = parts(objects);
      expect(cnpgEnv.REWIND_DB).toEqual({
        name: 'REWIND_DB',
        valueFrom: { secretKeyRef: { name: `${cluster.metadata?.name}-app`, key: 'uri' } },
      });
      expect(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata?.name)).toEqual([
        expect.stringMatching(/^rewind-slack-/),
      ]);
      const rendered = objects.find((o) => o.kind === 'Cluster') as typeof cluster;
      expect(rendered.metadata?.namespace).toBe('rewind');
      // The page's uri example names the database and owner the Cluster bootstraps, through its -rw Service.
      const { database, owner } = rendered.spec.bootstrap.initdb;
      expect(read(PAGE)).toContain(`postgresql://${owner}:…@${cluster.metadata?.name}-rw.rewind:5432/${database}`);
      expect(parts(objects).dep.spec?.replicas).toBe(3);
    });
  },
);
