/**
 * The istio-fault injector's own check of its target, against two API server stand-ins (a prod
 * and a staging cluster): "the same cluster" is decided by the kubeconfig's servers, labels name
 * the owner, a service not marked drill: allowed is never faulted, and apply refuses the object it
 * read without a PUT.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { istioFaultInjector } from '../../src/adapters/drills/istio-fault.ts';
import { KubeClients } from '../../src/adapters/kube/clients.ts';
import type { Config, ServiceConfig } from '../../src/config/schema.ts';
import type { FaultSpec } from '../../src/services/drill-ports.ts';
import { typeByKind } from '../../src/demo/stand-ins/kube/store.ts';
import { KubeApiStandIn } from '../support/kube-api.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';

const NS = 'prompts';
let prod: KubeApiStandIn;
let staging: KubeApiStandIn;
afterEach(async () => {
  await prod?.close();
  await staging?.close();
});

const versions = ['v2.0.0', 'v1.5.0'];

/**
 * prompt-service in the prod cluster, prompt-service-staging in the staging one, both routed
 * through a VirtualService named `virtualService`. `stagingServer` 'prod' points the staging
 * context at the prod stand-in (one cluster, two contexts).
 */
async function clusters(o: { virtualService?: string; stagingServer?: 'prod' | 'staging'; staging?: Partial<ServiceConfig> } = {}) {
  const vs = o.virtualService ?? 'prompt-service';
  prod = await KubeApiStandIn.start({ token: 't' });
  staging = await KubeApiStandIn.start({ token: 't' });
  const seededProd = prod.seedPromptService({ versions, namespace: NS, name: 'prompt-service', context: 'prod' });
  const seededStaging = staging.seedPromptService({ versions, namespace: NS, name: vs, context: 'staging' });
  const services: Config['services'] = {
    'prompt-service': seededProd.config('istio'),
    'prompt-service-staging': seededStaging.config('istio', { drill: 'allowed', ...o.staging }),
  };
  const kubeconfigPath = writeKubeconfig([
    { name: 'prod', server: prod.url, token: 't' },
    { name: 'staging', server: (o.stagingServer ?? 'staging') === 'prod' ? prod.url : staging.url, token: 't' },
  ]);
  const injector = istioFaultInjector({ kind: 'istio-fault', virtualService: vs }, { services, kubeClients: new KubeClients({ kubeconfigPath, requestTimeoutMs: 5_000 }) });
  prod.clearRequests();
  staging.clearRequests();
  return { injector, vs };
}

const spec: FaultSpec = {
  drillId: 'DRILL-1', service: 'prompt-service-staging', version: 'v2.0.0', scenario: 'high-error-rate', trigger: 'inject_errors',
  errorRate: 0.2, latencyMs: null, share: null, maxDurationMs: 1_800_000,
};
const label = (api: KubeApiStandIn, name: string, labels: Record<string, string>) => api.edit('VirtualService', NS, name, (o) => void (o.metadata.labels = labels));
const faultIn = (api: KubeApiStandIn, name: string) => api.mustGet('VirtualService', NS, name).spec.http[0].fault;

describe('istio-fault checkTarget', () => {
  test('the same VirtualService name in two clusters: the staging one is staging’s own, and only it is faulted', async () => {
    const { injector } = await clusters();
    expect(await injector.checkTarget('prompt-service-staging')).toEqual({ ok: true });
    await injector.apply(spec);
    expect(faultIn(staging, 'prompt-service')).toEqual({ abort: { percentage: { value: 20 }, httpStatus: 500 } });
    expect(prod.writes()).toEqual([]);
    expect(faultIn(prod, 'prompt-service')).toBeUndefined();
  });

  test('two contexts reaching one API server: production’s VirtualService is refused, without reading or writing it', async () => {
    const { injector } = await clusters({ stagingServer: 'prod' });
    expect(await injector.checkTarget('prompt-service-staging')).toEqual({
      ok: false,
      reason: "VirtualService prompts/prompt-service is the routing object of prompt-service-staging but also belongs to service prompt-service (its istio router's VirtualService and its name), which is drill: denied and not allowed for drills; a drill must not fault a route another service uses",
    });
    await expect(injector.apply(spec)).rejects.toThrow('the drill was refused and nothing was written: VirtualService prompts/prompt-service is the routing object of prompt-service-staging but also belongs to service prompt-service');
    expect(prod.requests).toEqual([]);
    expect(faultIn(prod, 'prompt-service')).toBeUndefined();
  });

  test('a label naming another service counts in its cluster only', async () => {
    const { injector, vs } = await clusters({ virtualService: 'prompt-service-staging' });
    // prompt-service lives in the prod cluster: a staging object labelled with its app name is not its.
    label(staging, vs, { app: 'prompt-service' });
    expect(await injector.checkTarget('prompt-service-staging')).toEqual({ ok: true });
  });

  test('a label naming another service in the same cluster is refused; apply writes nothing', async () => {
    const { injector, vs } = await clusters({ virtualService: 'prompt-service-staging', stagingServer: 'prod' });
    prod.seedPromptService({ versions, namespace: NS, name: vs, context: 'staging' });
    label(prod, vs, { 'app.kubernetes.io/name': 'prompt-service', app: 'prompt-service-staging' });
    prod.clearRequests();
    const check = await injector.checkTarget('prompt-service-staging');
    expect(check).toEqual({ ok: false, reason: expect.stringContaining('VirtualService prompts/prompt-service-staging is labelled app.kubernetes.io/name=prompt-service, so it belongs to service prompt-service') });
    await expect(injector.apply(spec)).rejects.toThrow('is labelled app.kubernetes.io/name=prompt-service');
    expect(prod.writes()).toEqual([]);
    expect(faultIn(prod, vs)).toBeUndefined();
  });

  test('a drill service not marked drill: allowed is refused before anything is read', async () => {
    const { injector } = await clusters({ staging: { drill: 'denied' } });
    expect(await injector.checkTarget('prompt-service-staging')).toEqual({
      ok: false,
      reason: 'prompt-service-staging is drill: denied; a drill injects real faults, so it only runs on a service marked drill: allowed',
    });
    await expect(injector.apply(spec)).rejects.toThrow('prompt-service-staging is drill: denied');
    expect([...prod.requests, ...staging.requests]).toEqual([]);
    expect(faultIn(staging, 'prompt-service')).toBeUndefined();
  });

  test('a VirtualService that cannot be read cannot be vouched for', async () => {
    const { injector } = await clusters();
    staging.store.delete(typeByKind('VirtualService'), NS, 'prompt-service'); // taken away, as kubectl delete would
    const check = await injector.checkTarget('prompt-service-staging');
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toMatch(/^VirtualService prompts\/prompt-service could not be read to check that it is prompt-service-staging's own: .*404 NotFound/);
  });
});
