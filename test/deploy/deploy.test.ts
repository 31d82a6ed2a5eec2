/**
 * Docker and a cluster are not available where the tests run, so the deployment files are checked
 * by reading them: RBAC is exactly the least privilege the routers and checks need, the pod is
 * locked down, and the image is the one the Deployment expects.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  IntOrString,
  KubernetesObject,
  V1Container,
  V1Deployment,
  V1PersistentVolumeClaim,
  V1PodSpec,
  V1Role,
  V1RoleBinding,
  V1Service,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { isMap, isSeq, parseAllDocuments, type Document } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** The kinds the deployment files hold, typed as the API defines them; the tests walk them by those paths. */
interface Kinds {
  Role: V1Role;
  RoleBinding: V1RoleBinding;
  ServiceAccount: V1ServiceAccount;
  Deployment: V1Deployment;
  Service: V1Service;
  PersistentVolumeClaim: V1PersistentVolumeClaim;
}

function documents(file: string): { docs: Document[]; objects: KubernetesObject[] } {
  const docs = parseAllDocuments(read(file));
  if (!Array.isArray(docs)) throw new Error(`${file}: not a YAML stream`);
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  }
  const present = docs.filter((d) => d.contents !== null);
  return { docs: present, objects: present.map((d) => d.toJS() as KubernetesObject) };
}

/**
 * The object of that kind; an empty one when missing, so each test fails on its own (the kinds are asserted in a test).
 */
function one<K extends keyof Kinds>(objects: KubernetesObject[], kind: K): Kinds[K] {
  return (objects.find((o) => o.kind === kind) ?? {}) as Kinds[K];
}

const rbac = documents('deploy/rbac.yaml');
const deployment = documents('deploy/deployment.yaml');

describe('deploy/rbac.yaml', () => {
  const role = one(rbac.objects, 'Role');
  const serviceAccount = one(rbac.objects, 'ServiceAccount');
  const binding = one(rbac.objects, 'RoleBinding');

  it('holds a ServiceAccount, a Role and a RoleBinding, and nothing cluster-wide', () => {
    expect(rbac.objects.map((o) => o.kind).sort()).toEqual(['Role', 'RoleBinding', 'ServiceAccount']);
    for (const o of [...rbac.objects, ...deployment.objects]) {
      expect(['ClusterRole', 'ClusterRoleBinding']).not.toContain(o.kind);
    }
    expect(serviceAccount.metadata?.name).toBe('rewind');
    expect(role.metadata?.namespace).toBe('prompts');
  });

  it('grants exactly the verbs and resources the routers and checks use', () => {
    const granted: Record<string, string[]> = {};
    for (const rule of role.rules ?? []) {
      expect(Object.keys(rule).sort()).toEqual(['apiGroups', 'resources', 'verbs']);
      for (const group of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          const key = `${group === '' ? 'core' : group}/${resource}`;
          expect(granted[key], `${key} granted by one rule only`).toBeUndefined();
          granted[key] = [...rule.verbs].sort();
        }
      }
    }
    expect(granted).toEqual({
      'core/services': ['get', 'patch'],
      'core/pods': ['get', 'list'],
      'apps/deployments': ['get', 'list', 'patch'],
      'apps/deployments/scale': ['get', 'patch', 'update'],
      'discovery.k8s.io/endpointslices': ['get', 'list'],
      'networking.k8s.io/ingresses': ['get', 'patch', 'update'],
      'gateway.networking.k8s.io/httproutes': ['get', 'patch', 'update'],
      'networking.istio.io/virtualservices': ['get', 'patch', 'update'],
    });
  });

  it('uses no wildcard and names no resource by resourceNames or nonResourceURLs', () => {
    for (const rule of role.rules ?? []) {
      for (const list of [rule.apiGroups ?? [], rule.resources ?? [], rule.verbs]) expect(list).not.toContain('*');
    }
    expect(read('deploy/rbac.yaml')).not.toMatch(/["']\*["']|nonResourceURLs/);
  });

  it('says on every rule which router or check needs it', () => {
    const roleDoc = rbac.docs.find((d) => (d.toJS() as KubernetesObject).kind === 'Role')!;
    const rules = roleDoc.get('rules');
    if (!isSeq(rules)) throw new Error('rules is not a sequence');
    expect(rules.items).toHaveLength(8);
    rules.items.forEach((item, i) => {
      if (!isMap(item)) throw new Error('rule is not a mapping');
      // The parser hangs the comment above the first item on the sequence itself.
      const comment = item.commentBefore ?? (i === 0 ? rules.commentBefore : undefined) ?? '';
      expect(comment, `comment above the ${JSON.stringify(item.toJSON())} rule`).toMatch(/router|check/);
    });
  });

  it('notes that another namespace needs the same Role and that drills need virtualservices update', () => {
    const prose = read('deploy/rbac.yaml')
      .split('\n')
      .filter((l) => l.trim().startsWith('#'))
      .map((l) => l.replace(/^\s*#\s?/, ''))
      .join(' ')
      .replace(/\s+/g, ' ');
    expect(prose).toMatch(/second namespace .{0,120}? needs the same Role and RoleBinding there/i);
    expect(prose).toMatch(/istio-fault drill injector also needs update/);
  });

  it('binds the Role to the ServiceAccount', () => {
    expect(binding.metadata?.namespace).toBe(role.metadata?.namespace);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata?.name });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: serviceAccount.metadata?.name, namespace: serviceAccount.metadata?.namespace },
    ]);
  });
});

describe('deploy/deployment.yaml', () => {
  const dep = one(deployment.objects, 'Deployment');
  const service = one(deployment.objects, 'Service');
  const pvc = one(deployment.objects, 'PersistentVolumeClaim');
  const pod: Partial<V1PodSpec> = dep.spec?.template.spec ?? {};
  const containers = pod.containers ?? [];
  const container: Partial<V1Container> = containers[0] ?? {};
  const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e]));
  const volumes = Object.fromEntries((pod.volumes ?? []).map((v) => [v.name, v]));
  const mountAt = (mountPath: string) => (container.volumeMounts ?? []).find((m) => m.mountPath === mountPath);
  /** The volume mounted at `mountPath`. */
  const volumeAt = (mountPath: string) => volumes[mountAt(mountPath)?.name ?? ''];
  const port = (name: IntOrString | undefined) =>
    typeof name === 'number' ? name : (container.ports ?? []).find((p) => p.name === name)?.containerPort;

  it('holds the Deployment, its Service and its PersistentVolumeClaim', () => {
    expect(deployment.objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'PersistentVolumeClaim', 'Service']);
  });

  it('runs one replica, replaced by Recreate, under the rewind ServiceAccount', () => {
    expect(dep.spec?.replicas).toBe(1);
    expect(dep.spec?.strategy).toEqual({ type: 'Recreate' });
    expect(containers).toHaveLength(1);
    const sa = one(rbac.objects, 'ServiceAccount');
    expect(pod.serviceAccountName).toBe(sa.metadata?.name);
    expect(dep.metadata?.namespace).toBe(sa.metadata?.namespace);
    expect(dep.spec?.selector.matchLabels).toEqual(dep.spec?.template.metadata?.labels);
  });

  it('runs as a non-root user on a read-only root filesystem without privileges', () => {
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
    const sc = container.securityContext ?? {};
    expect(sc.runAsNonRoot).toBe(true);
    expect(sc.allowPrivilegeEscalation).toBe(false);
    expect(sc.readOnlyRootFilesystem).toBe(true);
    expect(sc.privileged).not.toBe(true);
    expect(sc.capabilities).toEqual({ drop: ['ALL'] });
    expect(sc.capabilities?.add).toBeUndefined();
  });

  it('probes liveness on /healthz and readiness on /readyz at port 3000', () => {
    expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(port(container.livenessProbe?.httpGet?.port)).toBe(3000);
    expect(port(container.readinessProbe?.httpGet?.port)).toBe(3000);
    expect(env.PORT?.value).toBe('3000');
  });

  it('sets requests and limits', () => {
    expect(container.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources?.limits).toMatchObject({ memory: expect.any(String) });
  });

  it('takes the Slack and webhook secrets from the rewind-slack Secret, only the bot token being required', () => {
    const fromSecret = (name: string) => env[name]?.valueFrom?.secretKeyRef;
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'ALERT_WEBHOOK_TOKEN']) {
      expect(fromSecret(name), name).toMatchObject({ name: 'rewind-slack', key: name });
      expect(env[name]?.value, `${name} never inline`).toBeUndefined();
    }
    expect(fromSecret('SLACK_BOT_TOKEN')?.optional).not.toBe(true);
    expect(fromSecret('SLACK_APP_TOKEN')?.optional).toBe(true);
    expect(fromSecret('SLACK_SIGNING_SECRET')?.optional).toBe(true);
  });

  it('only sets variables Rewind reads', () => {
    const spec = [
      'SLACK_BOT_TOKEN',
      'SLACK_APP_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SLACK_API_URL',
      'PORT',
      'REWIND_CONFIG',
      'REWIND_DB',
      'ALERT_WEBHOOK_TOKEN',
      'KUBECONFIG',
      'LOG_LEVEL',
    ];
    for (const name of Object.keys(env)) expect(spec).toContain(name);
    // In a pod the in-cluster config is used; a KUBECONFIG would point at a file that is not there.
    expect(env.KUBECONFIG).toBeUndefined();
  });

  it('reads REWIND_CONFIG from the ConfigMap mount', () => {
    expect(env.REWIND_CONFIG?.value).toBe('/app/config/rewind.yml');
    const mount = mountAt('/app/config/rewind.yml');
    expect(mount?.readOnly).toBe(true);
    const volume = volumeAt('/app/config/rewind.yml');
    expect(volume?.configMap?.name).toBe('rewind-config');
    expect(volume?.configMap?.items?.map((i) => i.path)).toContain(mount?.subPath);
  });

  it('keeps REWIND_DB on the writable PersistentVolumeClaim', () => {
    expect(env.REWIND_DB?.value).toBe('/app/data/rewind.db');
    const dataDir = path.posix.dirname(env.REWIND_DB?.value ?? '');
    const mount = mountAt(dataDir);
    expect(mount).toBeDefined();
    expect(mount?.readOnly).not.toBe(true);
    expect(volumeAt(dataDir)?.persistentVolumeClaim?.claimName).toBe(pvc.metadata?.name);
    expect(pvc.metadata?.namespace).toBe(dep.metadata?.namespace);
    expect(pvc.spec?.accessModes).toEqual(['ReadWriteOnce']);
  });

  it('gives /tmp a writable emptyDir, since the root filesystem is read-only and tsx caches there', () => {
    const mount = mountAt('/tmp');
    expect(mount?.readOnly).not.toBe(true);
    expect(volumeAt('/tmp')?.emptyDir).toBeDefined();
  });

  it('exposes port 3000 through a Service that selects the pod', () => {
    expect(service.metadata?.namespace).toBe(dep.metadata?.namespace);
    expect(service.spec?.selector).toEqual(dep.spec?.template.metadata?.labels);
    expect(service.spec?.ports).toHaveLength(1);
    expect(service.spec?.ports?.[0]?.port).toBe(3000);
    expect(port(service.spec?.ports?.[0]?.targetPort)).toBe(3000);
  });
});

/** Dockerfile instructions with line continuations joined and comments dropped. */
function dockerInstructions(text: string): Array<{ op: string; args: string }> {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  return logical.map((l) => {
    const [op = '', ...rest] = l.split(/\s+/);
    return { op: op.toUpperCase(), args: rest.join(' ') };
  });
}

describe('deploy/Dockerfile', () => {
  const instructions = dockerInstructions(read('deploy/Dockerfile'));
  const fromAt = instructions.flatMap((ins, i) => (ins.op === 'FROM' ? [i] : []));
  const build = instructions.slice(fromAt[0], fromAt[1]);
  const runtime = instructions.slice(fromAt[1]);
  const args = (stage: typeof instructions, op: string) => stage.filter((i) => i.op === op).map((i) => i.args);

  it('has two stages on node:20-bookworm-slim', () => {
    expect(fromAt).toHaveLength(2);
    expect(args(instructions, 'FROM')).toEqual(['node:20-bookworm-slim AS build', 'node:20-bookworm-slim AS runtime']);
  });

  it('installs production dependencies with the toolchain better-sqlite3 needs in the build stage', () => {
    const run = args(build, 'RUN').join('\n');
    expect(run).toMatch(/apt-get install[^\n]*\bpython3\b/);
    expect(run).toMatch(/apt-get install[^\n]*\bmake\b/);
    expect(run).toMatch(/apt-get install[^\n]*\bg\+\+/);
    expect(run).toMatch(/npm ci --omit=dev/);
    expect(args(build, 'COPY')).toContain('package.json package-lock.json ./');
  });

  it('copies what `rewind start` runs into the runtime stage, and nothing it would have to build', () => {
    const copies = args(runtime, 'COPY');
    expect(copies).toContain('--from=build /app/node_modules ./node_modules');
    const copied = copies.filter((c) => !c.startsWith('--from')).flatMap((c) => c.split(/\s+/).slice(0, -1));
    expect(copied.sort()).toEqual(['bin', 'config', 'manifest.yml', 'package.json', 'src']);
    for (const file of [...copied, 'package-lock.json', 'bin/rewind.mjs'])
      expect(existsSync(path.join(root, file)), `${file} exists`).toBe(true);
    expect(args(runtime, 'RUN').join('\n')).not.toMatch(/npm|tsc/);
  });

  it('runs as the non-root uid the Deployment expects, from /app, in production mode', () => {
    const users = args(runtime, 'USER');
    expect(users).toHaveLength(1);
    const user = users[0]!;
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const pod = one(deployment.objects, 'Deployment').spec?.template.spec;
    expect(user.split(':')[0]).toBe(String(pod?.securityContext?.runAsUser));
    // USER comes after every RUN so nothing runs as it with root's rights, and before CMD.
    const userAt = runtime.findIndex((i) => i.op === 'USER');
    expect(runtime.slice(userAt).some((i) => i.op === 'RUN')).toBe(false);
    expect(args(runtime, 'WORKDIR')).toEqual(['/app']);
    expect(args(runtime, 'ENV')).toContain('NODE_ENV=production');
    expect(args(runtime, 'EXPOSE')).toEqual(['3000']);
  });

  it('starts the bot with node bin/rewind.mjs start', () => {
    const cmd = args(runtime, 'CMD');
    expect(cmd).toHaveLength(1);
    expect(JSON.parse(cmd[0]!)).toEqual(['node', 'bin/rewind.mjs', 'start']);
    expect(instructions.at(-1)?.op).toBe('CMD');
  });
});
