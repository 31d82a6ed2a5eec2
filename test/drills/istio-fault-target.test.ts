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
async function clusters(
  o: { virtualService?: string; stagingServer?: 'prod' | 'staging'; staging?: Partial<ServiceConfig> } = {},
) {
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
  const injector = istioFaultInjector(
    { kind: 'istio-fault', virtualService: vs },
    { services, kubeClients: new KubeClients({ kubeconfigPath, requestTimeoutMs: 5_000 }) },
  );
  prod.clearRequests();
  staging.clearRequests();
  return { injector, vs };
}

const spec: FaultSpec = {
  drillId: 'DRILL-1',
  service: 'prompt-service-staging',
  version: 'v2.0.0',
  scenario: 'high-error-rate',
  trigger: 'inject_errors',
  errorRate: 0.2,
  latencyMs: null,
  share: null,
  maxDurationMs: 1_800_000,
};
const label = (api: KubeApiStandIn, name: string, labels: Record<string, string>) =>
  api.edit('VirtualService', NS, name, (o) => void (o.metadata.labels = labels));
const faultIn = (api: KubeApiStandIn, name: string) => api.mustGet('VirtualService', NS, name).spec.http[0].fault;

describe('istio-fault checkTarget', () => {
  test('one VirtualService name in two clusters: the staging one is staging’s own, only it is faulted', async () => {
    const { injector } = await clusters();
    expect(await injector.checkTarget('prompt-service-staging')).toEqual({ ok: true });
    await injector.apply(spec);
    expect(faultIn(staging, 'prompt-service')).toEqual({ abort: { percentage: { value: 20 }, httpStatus: 500 } });
    expect(prod.writes()).toEqual([]);
    expect(faultIn(prod, 'prompt-service')).toBeUndefined();
  });

  test('two contexts on one API server: production’s VirtualService is refused, neither read nor written', async () => {
    const { injector } = await clusters({ stagingServer: 'prod' });
    expect(await injector.checkTarget('prompt-service-staging')).toEqual({
      ok: false,
      reason:
        'VirtualService prompts/prompt-service is the routing object of prompt-service-staging but also belongs to ' +
        "service prompt-service (its istio router's VirtualService and its name), which is drill: denied and not " +
        'allowed for drills; a drill must not fault a route another service uses',
      reasonJa:
        'VirtualService prompts/prompt-service は prompt-service-staging のルーティング対象ですが、サービス prompt-service（istio ' +
        'ルーターの VirtualService・サービス名、drill: denied のため訓練不可）のものでもあります。ほかのサービスが使うルートに訓練で障害を入れることはできません',
    });
    await expect(injector.apply(spec)).rejects.toThrow(
      'the drill was refused and nothing was written: VirtualService prompts/prompt-service is the routing object ' +
        'of prompt-service-staging but also belongs to service prompt-service',
    );
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
    expect(check).toEqual({
      ok: false,
      reason: expect.stringContaining(
        'VirtualService prompts/prompt-service-staging is labelled app.kubernetes.io/name=prompt-service, so it ' +
          'belongs to service prompt-service',
      ),
      reasonJa: expect.stringContaining(
        'VirtualService prompts/prompt-service-staging にはラベル app.kubernetes.io/name=prompt-service があり、サービス ' +
          'prompt-service',
      ),
    });
    await expect(injector.apply(spec)).rejects.toThrow('is labelled app.kubernetes.io/name=prompt-service');
    expect(prod.writes()).toEqual([]);
    expect(faultIn(prod, vs)).toBeUndefined();
  });

  test('a drill service not marked drill: allowed is refused before anything is read', async () => {
    const { injector } = await clusters({ staging: { drill: 'denied' } });
    expect(await injector.checkTarget('prompt-service-staging')).toEqual({
      ok: false,
      reason:
        'prompt-service-staging is drill: denied; a drill injects real faults, so it only runs on a service marked ' +
        'drill: allowed',
      reasonJa:
        'prompt-service-staging は drill: denied です。訓練は実際に障害を入れるため、drill: allowed のサービスでしか実行しません',
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
    expect(check.ok ? '' : check.reason).toMatch(
      /^VirtualService prompts\/prompt-service could not be read to check that it is prompt-service-staging's own: .*404 NotFound/,
    );
  });
});

describe('istio-fault checkTarget: what the VirtualService routes', () => {
  const STAGING = 'VirtualService prompts/prompt-service-staging';
  type Vs = {
    metadata: { labels?: Record<string, string> };
    spec: { hosts: string[]; gateways?: string[]; http: Array<{ route: unknown[] }> };
  };

  /** staging's own VirtualService, in the one cluster both contexts reach, changed by `edit`. */
  async function stagingVs(edit: (vs: Vs) => void) {
    const { injector, vs } = await clusters({ virtualService: 'prompt-service-staging', stagingServer: 'prod' });
    prod.seedPromptService({ versions, namespace: NS, name: vs, context: 'staging' });
    prod.edit('VirtualService', NS, vs, (o) => edit(o as Vs));
    prod.clearRequests();
    return { injector, vs };
  }

  test.each<[string, (vs: Vs) => void, string]>([
    [
      'a wildcard host',
      (vs) => void (vs.spec.hosts = ['*']),
      `${STAGING} routes host *, a wildcard that matches other services' hosts too`,
    ],
    [
      'an outside host',
      (vs) => void vs.spec.hosts.push('prompts.example.com'),
      `${STAGING} routes host prompts.example.com, an outside name that cannot be shown to be ` +
        `prompt-service-staging's own (its own are the Services in namespace prompts named prompt-service-staging, ` +
        `prompt-service-staging-v2-0-0, prompt-service-staging-v1-5-0, or starting with one of these and "-")`,
    ],
    [
      'a host in another namespace',
      (vs) => void (vs.spec.hosts = ['prompt-service-staging.other.svc.cluster.local']),
      `${STAGING} routes host prompt-service-staging.other.svc.cluster.local, a Service in namespace other, not in ` +
        `prompt-service-staging's namespace prompts`,
    ],
    [
      'production’s backend as svc.ns',
      (vs) => void (vs.spec.hosts = ['prompt-service-v2-0-0.prompts']),
      `${STAGING} routes host prompt-service-v2-0-0.prompts, which belongs to prompt-service (the backend Service of ` +
        `its version v2.0.0; drill: denied)`,
    ],
    [
      'a host no service is named after',
      (vs) => void vs.spec.hosts.push('llm-gateway'),
      `${STAGING} routes host llm-gateway, which is not shown to be prompt-service-staging's own (its own are the ` +
        `Services in namespace prompts named prompt-service-staging, prompt-service-staging-v2-0-0, ` +
        `prompt-service-staging-v1-5-0, or starting with one of these and "-")`,
    ],
    [
      'no hosts at all',
      (vs) => void (vs.spec.hosts = []),
      `${STAGING} has no spec.hosts, so it cannot be shown to serve prompt-service-staging alone`,
    ],
    [
      'a gateway named after production',
      (vs) => void (vs.spec.gateways = ['mesh', 'istio-system/public', 'prompts/prompt-service-gateway']),
      `${STAGING} is bound to gateway prompts/prompt-service-gateway, which belongs to prompt-service (named after ` +
        `it; drill: denied)`,
    ],
    [
      'a second route to production’s mesh Service',
      (vs) => void vs.spec.http.push({ route: [{ destination: { host: 'prompt-service-mesh' } }] }),
      `${STAGING} spec.http[1] sends traffic to prompt-service-mesh, which belongs to prompt-service (named after ` +
        `it; drill: denied)`,
    ],
    [
      'labelled part-of production',
      (vs) => void (vs.metadata.labels = { 'app.kubernetes.io/part-of': 'prompt-service' }),
      `${STAGING} is labelled app.kubernetes.io/part-of=prompt-service, so it belongs to service prompt-service (its ` +
        `istio router's VirtualService and its name), which is drill: denied and not allowed for drills; the drill ` +
        `faults only prompt-service-staging's own VirtualService`,
    ],
    [
      'five production hosts: four are named, the rest counted',
      (vs) =>
        void (vs.spec.hosts = [
          'prompt-service',
          'prompt-service.prompts',
          'prompt-service-v2-0-0',
          'prompt-service-v1-5-0',
          'prompt-service-mesh',
        ]),
      [
        `${STAGING} routes host prompt-service, which belongs to prompt-service (drill: denied)`,
        `${STAGING} routes host prompt-service.prompts, which belongs to prompt-service (drill: denied)`,
        `${STAGING} routes host prompt-service-v2-0-0, which belongs to prompt-service (the backend Service of its ` +
          `version v2.0.0; drill: denied)`,
        `${STAGING} routes host prompt-service-v1-5-0, which belongs to prompt-service (the backend Service of its ` +
          `version v1.5.0; drill: denied)`,
        'and 1 more',
      ].join('; '),
    ],
  ])('%s is refused with what was found; apply writes nothing', async (_case, edit, reason) => {
    const { injector, vs } = await stagingVs(edit);
    const check = await injector.checkTarget('prompt-service-staging');
    expect(check.ok ? null : check.reason).toBe(reason);
    await expect(injector.apply(spec)).rejects.toThrow(`the drill was refused and nothing was written: ${reason}`);
    expect(prod.writes()).toEqual([]);
    expect(faultIn(prod, vs)).toBeUndefined();
  });

  test('the Japanese reason names the same finding', async () => {
    const { injector } = await stagingVs(
      (vs) =>
        void vs.spec.http.push({ route: [{ destination: { host: 'prompt-service-mesh.prompts.svc.cluster.local' } }] }),
    );
    expect(await injector.checkTarget('prompt-service-staging')).toEqual({
      ok: false,
      reason:
        `${STAGING} spec.http[1] sends traffic to prompt-service-mesh.prompts.svc.cluster.local, which belongs to ` +
        `prompt-service (named after it; drill: denied)`,
      reasonJa:
        `${STAGING} の spec.http[1] は prompt-service-mesh.prompts.svc.cluster.local へトラフィックを送っていますが、これは ` +
        `prompt-service（名前が prompt-service- で始まる、drill: denied）のものです`,
    });
  });

  test('its own names in every form, shared gateways, a neutral part-of label pass; the fault is written', async () => {
    const { injector, vs } = await stagingVs((o) => {
      o.spec.hosts = [
        'prompt-service-staging',
        'prompt-service-staging.prompts',
        'prompt-service-staging.prompts.svc.cluster.local',
        'prompt-service-staging-v2-0-0',
      ];
      o.spec.gateways = ['mesh', 'istio-system/public-gateway'];
      o.metadata.labels = { 'app.kubernetes.io/part-of': 'prompts-platform', app: 'prompt-service-staging' };
    });
    expect(await injector.checkTarget('prompt-service-staging')).toEqual({ ok: true });
    await injector.apply(spec);
    expect(faultIn(prod, vs)).toEqual({ abort: { percentage: { value: 20 }, httpStatus: 500 } });
    expect(faultIn(prod, 'prompt-service')).toBeUndefined();
  });
});
