import { afterEach, describe, expect, test } from 'vitest';
import { KubeClients, KubeContextError } from '../../src/adapters/kube/clients.ts';
import { KubeCluster } from '../../src/adapters/kube/cluster.ts';
import { KubeError, RouterError } from '../../src/adapters/kube/errors.ts';
import { KubeApiStandIn } from '../support/kube-api.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { NS, V10, V15, V2 } from './world.ts';

const started: KubeApiStandIn[] = [];
async function standIn(token: string): Promise<KubeApiStandIn> {
  const api = await KubeApiStandIn.start({ token });
  started.push(api);
  return api;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((a) => a.close()));
});

describe('KubeCluster and KubeClients', () => {
  test('two services in two contexts reach two clusters, each with its own user', async () => {
    const prod = await standIn('token-prod');
    const staging = await standIn('token-staging');
    const prodSvc = prod.seedPromptService({ versions: [V2, V15, V10], context: 'prod' });
    const stagingSvc = staging.seedPromptService({
      versions: [V2, V15, V10],
      context: 'staging',
      split: { [V2]: 50, [V15]: 50 },
    });
    const kubeconfigPath = writeKubeconfig([
      { name: 'prod', server: prod.url, token: 'token-prod' },
      { name: 'staging', server: staging.url, token: 'token-staging' },
    ]);
    const cluster = new KubeCluster(
      { 'prompt-service': prodSvc.config('service-selector'), 'prompt-service-staging': stagingSvc.config('istio') },
      { kubeconfigPath },
    );
    prod.clearRequests();
    staging.clearRequests();

    await cluster.forService('prompt-service').router.write({ [V15]: 100 }, { dryRun: false });
    await cluster.forService('prompt-service-staging').router.write({ [V2]: 25, [V15]: 75 }, { dryRun: false });

    const servicePath = `/api/v1/namespaces/${NS}/services/prompt-service`;
    expect(prod.calls()).toEqual([`GET ${servicePath} 200`, `PATCH ${servicePath} 200`]);
    const vsPath = `/apis/networking.istio.io/v1/namespaces/${NS}/virtualservices/prompt-service`;
    expect(staging.calls()).toEqual([`GET ${vsPath} 200`, `PUT ${vsPath} 200`]);
    expect(await cluster.forService('prompt-service').router.read()).toEqual({ [V2]: 0, [V15]: 100, [V10]: 0 });
    expect(await cluster.forService('prompt-service-staging').router.read()).toEqual({ [V2]: 25, [V15]: 75, [V10]: 0 });
  });

  test('forService builds once and caches; an unknown service is named with the configured ones', async () => {
    const api = await standIn('token-prod');
    const seeded = api.seedPromptService({ versions: [V2, V15] });
    const cluster = new KubeCluster(
      { 'prompt-service': seeded.config('gateway-api') },
      { kubeconfigPath: writeKubeconfig([{ name: 'prod', server: api.url, token: 'token-prod' }]) },
    );
    const a = cluster.forService('prompt-service');
    expect(cluster.forService('prompt-service')).toBe(a);
    expect(a.router.kind).toBe('gateway-api');
    expect(() => cluster.forService('billing')).toThrow(
      new RouterError('no service "billing" in config; configured: prompt-service'),
    );
  });

  test('a service naming a context the kubeconfig lacks fails with the available contexts', async () => {
    const api = await standIn('token-prod');
    const seeded = api.seedPromptService({ versions: [V2, V15], context: 'production' });
    const kubeconfigPath = writeKubeconfig([
      { name: 'prod', server: api.url },
      { name: 'staging', server: api.url },
    ]);
    const cluster = new KubeCluster({ 'prompt-service': seeded.config('service-selector') }, { kubeconfigPath });
    expect(() => cluster.forService('prompt-service')).toThrow(KubeContextError);
    expect(() => cluster.forService('prompt-service')).toThrow(
      'kubeconfig context "production" does not exist; available contexts: prod, staging',
    );
  });

  test('without a context the kubeconfig’s current context is used; loadFromDefault honours KUBECONFIG', async () => {
    const prod = await standIn('token-prod');
    const other = await standIn('token-other');
    const kubeconfigPath = writeKubeconfig(
      [
        { name: 'other', server: other.url, token: 'token-other' },
        { name: 'prod', server: prod.url, token: 'token-prod' },
      ],
      'prod',
    );
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = kubeconfigPath;
    try {
      const clients = new KubeClients();
      expect(clients.contexts()).toEqual(['other', 'prod']);
      expect(clients.forContext()).toMatchObject({ context: 'prod', server: prod.url });
      expect(clients.forContext('prod')).toBe(clients.forContext());
      expect(clients.forContext('other')).toMatchObject({ context: 'other', server: other.url });
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  test('the kubeconfig user’s token is sent; a wrong one is a KubeError 401', async () => {
    const api = await standIn('the-right-token');
    const seeded = api.seedPromptService({ versions: [V2, V15] });
    const cluster = new KubeCluster(
      { 'prompt-service': seeded.config('service-selector') },
      { kubeconfigPath: writeKubeconfig([{ name: 'prod', server: api.url, token: 'a-wrong-token' }]) },
    );
    await expect(cluster.forService('prompt-service').router.read()).rejects.toMatchObject({
      status: 401,
      reason: 'Unauthorized',
      retryable: false,
    });
  });

  test('a timed-out request is a retryable KubeError Timeout; an unreachable server is Unreachable', async () => {
    const api = await standIn('token-prod');
    const seeded = api.seedPromptService({ versions: [V2, V15] });
    const kubeconfigPath = writeKubeconfig([{ name: 'prod', server: api.url, token: 'token-prod' }]);
    // The same timeout also bounds the read that must succeed afterwards, so it is a second rather
    // than a few ms that a busy machine can spend on any request. The held request is answered
    // later than that; its delay starts only once it has arrived, after the client's timer, so the
    // client gives up first however late either timer fires.
    const cluster = new KubeCluster(
      { 'prompt-service': seeded.config('service-selector') },
      { kubeconfigPath, requestTimeoutMs: 1_000 },
    );
    const { router } = cluster.forService('prompt-service');
    api.delayNext({ method: 'GET' }, { ms: 1_500 });
    const slow = router.read();
    await expect(slow).rejects.toBeInstanceOf(KubeError);
    await expect(slow).rejects.toMatchObject({
      status: 0,
      reason: 'Timeout',
      retryable: true,
      target: `Service ${NS}/prompt-service`,
      message: `read Service ${NS}/prompt-service failed: no answer from the API server in time`,
    });
    expect(await router.read()).toEqual({ [V2]: 100, [V15]: 0 });

    await api.close();
    started.splice(started.indexOf(api), 1);
    await expect(router.read()).rejects.toMatchObject({
      status: 0,
      reason: 'Unreachable',
      retryable: true,
      message: expect.stringMatching(
        /^read Service prompts\/prompt-service failed: the API server could not be reached \(ECONNREFUSED\)$/,
      ),
    });
  });
});
