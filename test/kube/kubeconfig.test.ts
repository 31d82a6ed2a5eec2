/**
 * Where the kubeconfig comes from, and what is said when there is none: KUBECONFIG (a list is
 * merged), else ~/.kube/config, else the in-cluster service account — and otherwise "no kubeconfig
 * found", never the client library's invented context "loaded-context" on localhost:8080.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KubeClients, KubeContextError, NO_KUBECONFIG, kubeconfigSourceLine } from '../../src/adapters/kube/clients.ts';
import { toKubeError } from '../../src/adapters/kube/errors.ts';
import type { Config } from '../../src/config/schema.ts';
import { kubeconfigRefusal } from '../../src/startup/cluster-access.ts';
import { KubeApiStandIn } from '../support/kube-api.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';

const emptyHome = () => mkdtempSync(join(tmpdir(), 'rewind-home-'));
const IN_A_POD = existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token');

describe('KubeClients without a kubeconfig file given', () => {
  it.skipIf(IN_A_POD)('with no KUBECONFIG, no ~/.kube/config and no service account, says so on every use', () => {
    const clients = new KubeClients({ env: { HOME: emptyHome() } });
    expect(clients.unavailable).toBe(NO_KUBECONFIG);
    expect(NO_KUBECONFIG).toBe('no kubeconfig found: set KUBECONFIG or run inside the cluster');
    expect(clients.contexts()).toEqual([]);
    expect(() => clients.forContext()).toThrow(new KubeContextError(NO_KUBECONFIG));
    expect(() => clients.forContext('prod')).toThrow(NO_KUBECONFIG);
  });

  it('reads ~/.kube/config from HOME', () => {
    const home = emptyHome();
    mkdirSync(join(home, '.kube'));
    writeKubeconfig([{ name: 'laptop', server: 'http://127.0.0.1:9' }], 'laptop', join(home, '.kube', 'config'));
    const clients = new KubeClients({ env: { HOME: home } });
    expect(clients.unavailable).toBeUndefined();
    expect(clients.forContext()).toMatchObject({ context: 'laptop', server: 'http://127.0.0.1:9' });
  });

  it('merges a KUBECONFIG list, and KUBECONFIG wins over ~/.kube/config', () => {
    const home = emptyHome();
    mkdirSync(join(home, '.kube'));
    writeKubeconfig([{ name: 'laptop', server: 'http://127.0.0.1:9' }], 'laptop', join(home, '.kube', 'config'));
    const a = writeKubeconfig([{ name: 'prod', server: 'http://127.0.0.1:10' }]);
    const b = writeKubeconfig([{ name: 'staging', server: 'http://127.0.0.1:11' }]);
    const clients = new KubeClients({ env: { HOME: home, KUBECONFIG: [a, b].join(delimiter) } });
    expect(clients.contexts()).toEqual(['prod', 'staging']);
    expect(clients.forContext('staging').server).toBe('http://127.0.0.1:11');
  });

  it('a KUBECONFIG that cannot be read is named with the reason, not thrown at construction', () => {
    const folder = emptyHome();
    const missing = join(folder, 'nope');
    expect(new KubeClients({ env: { KUBECONFIG: missing } }).unavailable).toBe(
      `none of the files KUBECONFIG lists exists (${missing})`,
    );
    // A path given on purpose must exist.
    expect(new KubeClients({ kubeconfigPath: missing }).unavailable).toBe(
      `cannot read the kubeconfig ${missing}: the file does not exist`,
    );
    expect(new KubeClients({ kubeconfigPath: folder }).unavailable).toBe(
      `cannot read the kubeconfig ${folder}: it is a directory`,
    );
    expect(() => new KubeClients({ kubeconfigPath: folder }).forContext('prod')).toThrow(
      `cannot read the kubeconfig ${folder}: it is a directory`,
    );
  });

  it('inside a Kubernetes call the reason stays what it is, not "the API server could not be reached"', () => {
    const err = toKubeError(new KubeContextError(NO_KUBECONFIG), 'VirtualService prompts/x', 'read');
    expect({ status: err.status, reason: err.reason, message: err.message }).toEqual({
      status: 0,
      reason: 'Kubeconfig',
      message: `read VirtualService prompts/x failed: ${NO_KUBECONFIG}`,
    });
  });
});

describe('which kubeconfig the clients loaded', () => {
  /** A folder holding a pod's service account mount (token, CA, namespace) under /var/run/secrets/…. */
  function podRoot(): string {
    const root = emptyHome();
    const mount = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(mount, { recursive: true });
    writeFileSync(join(mount, 'token'), 'pod-token');
    writeFileSync(join(mount, 'ca.crt'), 'not a real CA');
    writeFileSync(join(mount, 'namespace'), 'rewind');
    return root;
  }
  afterEach(() => vi.unstubAllEnvs());

  it('in a pod: the service account, its one context current, so services without `context` are served', () => {
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '10.96.0.1');
    vi.stubEnv('KUBERNETES_SERVICE_PORT', '443');
    const root = podRoot();
    const clients = new KubeClients({ env: { HOME: emptyHome() }, serviceAccountRoot: root });
    const tokenFile = join(root, 'var/run/secrets/kubernetes.io/serviceaccount/token');
    expect(clients.source).toEqual({ kind: 'in-cluster', tokenFile });
    expect(kubeconfigSourceLine(clients.source)).toBe(`the pod's service account (${tokenFile})`);
    expect(clients.unavailable).toBeUndefined();
    expect(clients.currentContext()).toBe('inClusterContext');
    expect(clients.forContext()).toMatchObject({ context: 'inClusterContext', server: 'https://10.96.0.1:443' });

    const services = {
      'prompt-service': { namespace: 'prompts' },
      'prompt-service-staging': { namespace: 'prompts-staging', context: 'staging' },
    } as unknown as Config['services'];
    expect(kubeconfigRefusal(services, clients)).toEqual([
      `Kubernetes: kubeconfig loaded: the pod's service account (${tokenFile}) (contexts: inClusterContext; ` +
        'current: inClusterContext). It cannot serve 1 of the configured services:',
      '  prompt-service-staging (context "staging": not in the kubeconfig)',
      expect.stringMatching(/^Omit `context` on a service .* mount a kubeconfig Secret, point KUBECONFIG at it/),
    ]);
    delete (services['prompt-service-staging'] as { context?: string }).context;
    expect(kubeconfigRefusal(services, clients)).toEqual([]);
  });

  it('KUBECONFIG and ~/.kube/config come before the service account; a path given is named as such', () => {
    const root = podRoot();
    const home = emptyHome();
    mkdirSync(join(home, '.kube'));
    const homeConfig = join(home, '.kube', 'config');
    writeKubeconfig([{ name: 'laptop', server: 'http://127.0.0.1:9' }], 'laptop', homeConfig);
    const listed = [writeKubeconfig([{ name: 'a', server: 'http://127.0.0.1:9' }]), join(home, 'missing')];
    const env = { HOME: home, KUBECONFIG: listed.join(delimiter) };

    const fromEnv = new KubeClients({ env, serviceAccountRoot: root });
    expect(fromEnv.source).toEqual({ kind: 'KUBECONFIG', files: listed });
    expect(kubeconfigSourceLine(fromEnv.source)).toBe(`KUBECONFIG=${listed.join(delimiter)}`);
    // As kubectl: a listed file that does not exist is skipped.
    expect(fromEnv.unavailable).toBeUndefined();
    expect(fromEnv.contexts()).toEqual(['a']);

    const fromHome = new KubeClients({ env: { HOME: home }, serviceAccountRoot: root });
    expect(fromHome.source).toEqual({ kind: 'home', file: homeConfig });
    expect(kubeconfigSourceLine(fromHome.source)).toBe(`~/.kube/config (${homeConfig})`);
    expect(fromHome.currentContext()).toBe('laptop');

    const given = new KubeClients({ kubeconfigPath: homeConfig });
    expect(kubeconfigSourceLine(given.source)).toBe(`the kubeconfig ${homeConfig}`);
  });

  it.skipIf(IN_A_POD)('none: every service of the config is refused, each named', () => {
    const clients = new KubeClients({ env: { HOME: emptyHome() } });
    expect(clients.source).toEqual({ kind: 'none' });
    expect(clients.currentContext()).toBeUndefined();
    const services = { a: { namespace: 'x' }, b: { namespace: 'y', context: 'prod' } } as unknown as Config['services'];
    expect(kubeconfigRefusal(services, clients).slice(0, 3)).toEqual([
      'Kubernetes: kubeconfig loaded: none (KUBECONFIG is unset, there is no ~/.kube/config and no in-cluster ' +
        'service account). No service can reach its cluster:',
      '  a (the current context)',
      '  b (context "prod")',
    ]);
  });
});

describe('error answers of the API server', () => {
  it('are counted by status code across contexts; successful answers are not', async () => {
    const api = await KubeApiStandIn.start({ token: 't' });
    try {
      api.seedPromptService({ versions: ['v2.0.0', 'v1.5.0'], namespace: 'prompts' });
      const kubeconfigPath = writeKubeconfig([
        { name: 'one', server: api.url, token: 't' },
        { name: 'two', server: api.url, token: 'wrong' },
      ]);
      const clients = new KubeClients({ kubeconfigPath });
      await clients.forContext('one').core.readNamespacedService({ name: 'prompt-service', namespace: 'prompts' });
      await expect(
        clients.forContext('one').core.readNamespacedService({ name: 'nope', namespace: 'prompts' }),
      ).rejects.toMatchObject({ code: 404 });
      await expect(
        clients.forContext('two').core.readNamespacedService({ name: 'prompt-service', namespace: 'prompts' }),
      ).rejects.toMatchObject({ code: 401 });
      await expect(
        clients.forContext('one').core.readNamespacedService({ name: 'other', namespace: 'prompts' }),
      ).rejects.toMatchObject({ code: 404 });
      expect(clients.apiErrors.byStatus()).toEqual([
        [401, 1],
        [404, 2],
      ]);
    } finally {
      await api.close();
    }
  });
});
