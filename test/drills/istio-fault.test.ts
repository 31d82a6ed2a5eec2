import { afterEach, describe, expect, test } from 'vitest';
import { KubeClients } from '../../src/adapters/kube/clients.ts';
import { KubeError } from '../../src/adapters/kube/errors.ts';
import { istioFaultInjector, istioFaultOf } from '../../src/adapters/drills/istio-fault.ts';
import type { ServiceConfig } from '../../src/config/schema.ts';
import type { FaultInjector, FaultSpec, FaultTrigger } from '../../src/services/drill-ports.ts';
import { KubeApiStandIn, type KubeObject } from '../support/kube-api.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { removeNoteLine, type RemoveResult } from '../../src/domain/drill-records.ts';

/** A removal with its note in English words, as the drill thread and the log say it. */
const said = (r: RemoveResult) => ({ ...r, note: removeNoteLine(r.note) });

const NS = 'prompts';
const VS = 'prompt-service';
const PATH = `/apis/networking.istio.io/v1/namespaces/${NS}/virtualservices/${VS}`;
const TARGET = `VirtualService ${NS}/${VS}`;

let api: KubeApiStandIn;
afterEach(() => api?.close());

async function world(
  options: { route?: number; routes?: number } = {},
): Promise<{ injector: FaultInjector; config: ServiceConfig }> {
  api = await KubeApiStandIn.start({ token: 'token-staging' });
  const seeded = api.seedPromptService({ versions: ['v2.0.0', 'v1.5.0'], namespace: NS, context: 'staging' });
  const config = seeded.config('istio', {
    router: { kind: 'istio', virtualService: VS, route: options.route ?? 0 },
    drill: 'allowed',
  });
  if ((options.routes ?? 1) > 1) {
    // A second route in front of the main one (e.g. an /admin match), so index 1 is the main route.
    // Its destination is the service's own too: a drill only faults a VirtualService that routes
    // nothing but the drill service.
    api.edit('VirtualService', NS, VS, (o) =>
      o.spec.http.unshift({
        match: [{ uri: { prefix: '/admin' } }],
        route: [{ destination: { host: `${VS}-admin`, port: { number: 80 } } }],
      }),
    );
  }
  const kubeconfigPath = writeKubeconfig([{ name: 'staging', server: api.url, token: 'token-staging' }]);
  const injector = istioFaultInjector(
    { kind: 'istio-fault', virtualService: VS },
    {
      services: { 'prompt-service-staging': config },
      kubeClients: new KubeClients({ kubeconfigPath, requestTimeoutMs: 5_000 }),
    },
  );
  api.clearRequests();
  return { injector, config };
}

function spec(trigger: FaultTrigger, over: Partial<FaultSpec> = {}): FaultSpec {
  const numbers = {
    inject_errors: { errorRate: 0.2, latencyMs: null, share: null },
    inject_latency: { errorRate: null, latencyMs: 12_000, share: null },
    partial_outage: { errorRate: 1, latencyMs: null, share: 0.3 },
  }[trigger];
  return {
    drillId: 'drill-1',
    service: 'prompt-service-staging',
    version: 'v2.0.0',
    scenario: trigger,
    trigger,
    maxDurationMs: 1_800_000,
    ...numbers,
    ...over,
  };
}

const vs = () => api.mustGet('VirtualService', NS, VS);
const withFault = (o: KubeObject, index: number, fault: unknown) => {
  const next = structuredClone(o);
  if (fault === undefined) delete next.spec.http[index].fault;
  else next.spec.http[index].fault = fault;
  return next;
};

const CASES = [
  { trigger: 'inject_errors', fault: { abort: { percentage: { value: 20 }, httpStatus: 500 } } },
  { trigger: 'inject_latency', fault: { delay: { percentage: { value: 100 }, fixedDelay: '12s' } } },
  { trigger: 'partial_outage', fault: { abort: { percentage: { value: 30 }, httpStatus: 503 } } },
] as const;

describe('istio-fault injector', () => {
  test('the fault of each trigger, percentages to 4 decimals, delays in seconds', () => {
    expect(istioFaultOf(spec('inject_errors'))).toEqual({ abort: { percentage: { value: 20 }, httpStatus: 500 } });
    expect(istioFaultOf(spec('inject_errors', { errorRate: 0.123456 }))).toEqual({
      abort: { percentage: { value: 12.3456 }, httpStatus: 500 },
    });
    expect(istioFaultOf(spec('inject_latency', { latencyMs: 1500 }))).toEqual({
      delay: { percentage: { value: 100 }, fixedDelay: '1.5s' },
    });
    expect(istioFaultOf(spec('partial_outage', { errorRate: 0.5, share: 0.3 }))).toEqual({
      abort: { percentage: { value: 15 }, httpStatus: 503 },
    });
    expect(() => istioFaultOf(spec('inject_errors', { errorRate: null }))).toThrow(
      'drill drill-1: scenario inject_errors (inject_errors) needs errorRate, got null',
    );
  });

  for (const { trigger, fault } of CASES) {
    test(`${trigger}: apply is GET + PUT with spec.http[0].fault set, remove is GET + PUT without it`, async () => {
      const { injector } = await world();
      const before = vs();
      expect(injector.describe(spec(trigger))).toEqual([`PUT ${TARGET} spec.http[0].fault = ${JSON.stringify(fault)}`]);
      expect(api.requests).toEqual([]);

      const applied = await injector.apply(spec(trigger));
      expect(applied).toEqual({
        injector: 'istio-fault',
        spec: spec(trigger),
        detail: { routeIndex: 0, previousFault: null, fault },
      });
      expect(api.requests).toEqual([
        { method: 'GET', path: PATH, query: {}, contentType: undefined, body: undefined, status: 200 },
        {
          method: 'PUT',
          path: PATH,
          query: { fieldManager: 'rewind' },
          contentType: 'application/json',
          body: withFault(before, 0, fault),
          status: 200,
        },
      ]);
      expect(vs().spec.http[0].fault).toEqual(fault);
      expect(api.managersOf('VirtualService', NS, VS, 'spec.http')).toEqual(['rewind']);

      const afterApply = vs();
      api.clearRequests();
      expect(said(await injector.remove(applied))).toEqual({
        removed: true,
        note: `removed the drill's fault from ${TARGET} spec.http[0].fault`,
      });
      expect(api.requests).toEqual([
        { method: 'GET', path: PATH, query: {}, contentType: undefined, body: undefined, status: 200 },
        {
          method: 'PUT',
          path: PATH,
          query: { fieldManager: 'rewind' },
          contentType: 'application/json',
          body: withFault(afterApply, 0, undefined),
          status: 200,
        },
      ]);
      expect('fault' in vs().spec.http[0]).toBe(false);
      expect(vs().spec).toEqual(before.spec);
    });
  }

  test('the fault goes on the router’s route only; the other route is untouched', async () => {
    const { injector } = await world({ route: 1, routes: 2 });
    const before = vs();
    expect(injector.describe(spec('partial_outage'))[0]).toMatch(
      /^PUT VirtualService prompts\/prompt-service spec\.http\[1\]\.fault = /,
    );
    const applied = await injector.apply(spec('partial_outage'));
    expect(applied.detail).toEqual({ routeIndex: 1, previousFault: null, fault: CASES[2].fault });
    expect(api.writes().map((r) => r.body)).toEqual([withFault(before, 1, CASES[2].fault)]);
    expect(vs().spec.http[0]).toEqual(before.spec.http[0]);
    await injector.remove(applied);
    expect(vs().spec).toEqual(before.spec);
  });

  test('a 409 on PUT is re-read and retried, keeping the other writer’s change (apply and remove)', async () => {
    const { injector } = await world();
    const moveWeights = (weights: number[]) => (a: KubeApiStandIn) =>
      a.edit('VirtualService', NS, VS, (o) =>
        o.spec.http[0].route.forEach((r: { weight: number }, i: number) => (r.weight = weights[i]!)),
      );
    api.beforeNext({ method: 'PUT', path: PATH }, moveWeights([50, 50]));
    const applied = await injector.apply(spec('inject_errors'));
    expect(api.calls()).toEqual([`GET ${PATH} 200`, `PUT ${PATH} 409`, `GET ${PATH} 200`, `PUT ${PATH} 200`]);
    expect(vs().spec.http[0]).toMatchObject({ fault: CASES[0].fault, route: [{ weight: 50 }, { weight: 50 }] });

    api.clearRequests();
    api.beforeNext({ method: 'PUT', path: PATH }, moveWeights([0, 100]));
    expect((await injector.remove(applied)).removed).toBe(true);
    expect(api.calls()).toEqual([`GET ${PATH} 200`, `PUT ${PATH} 409`, `GET ${PATH} 200`, `PUT ${PATH} 200`]);
    expect(vs().spec.http[0].fault).toBeUndefined();
    expect(vs().spec.http[0].route.map((r: { weight: number }) => r.weight)).toEqual([0, 100]);
  });

  test('detail null, crash before the PUT reached the server: nothing to remove, no PUT', async () => {
    const { injector } = await world();
    const result = await injector.remove({ injector: 'istio-fault', spec: spec('inject_latency'), detail: null });
    expect(said(result)).toEqual({
      removed: false,
      note: `${TARGET} spec.http[0].fault has no fault: already gone, nothing to remove`,
    });
    expect(api.calls()).toEqual([`GET ${PATH} 200`]);
  });

  test('detail null, crash after the PUT landed: the fault rebuilt from the spec is found and removed', async () => {
    const { injector } = await world();
    await injector.apply(spec('partial_outage'));
    api.clearRequests();
    const result = await injector.remove({ injector: 'istio-fault', spec: spec('partial_outage'), detail: null });
    expect(result.removed).toBe(true);
    expect(api.calls()).toEqual([`GET ${PATH} 200`, `PUT ${PATH} 200`]);
    expect((api.writes()[0]?.body as KubeObject).spec.http[0].fault).toBeUndefined();
    expect(vs().spec.http[0].fault).toBeUndefined();
  });

  test('a fault changed by someone else is left alone on remove', async () => {
    const { injector } = await world();
    const applied = await injector.apply(spec('inject_errors'));
    const theirs = { abort: { percentage: { value: 50 }, httpStatus: 500 } };
    api.edit('VirtualService', NS, VS, (o) => (o.spec.http[0].fault = theirs));
    api.clearRequests();
    const result = await injector.remove(applied);
    expect(said(result)).toEqual({
      removed: false,
      note:
        `${TARGET} spec.http[0].fault holds ${JSON.stringify(theirs)}, not the drill's ` +
        `${JSON.stringify(CASES[0].fault)}: someone changed it, so it was left in place; check it by hand`,
    });
    expect(api.writes()).toEqual([]);
    expect(vs().spec.http[0].fault).toEqual(theirs);
  });

  test('remove twice: the second time is a success with removed false and no PUT', async () => {
    const { injector } = await world();
    const applied = await injector.apply(spec('inject_latency'));
    expect((await injector.remove(applied)).removed).toBe(true);
    api.clearRequests();
    expect(said(await injector.remove(applied))).toEqual({
      removed: false,
      note: `${TARGET} spec.http[0].fault has no fault: already gone, nothing to remove`,
    });
    expect(api.calls()).toEqual([`GET ${PATH} 200`]);
  });

  test('apply refuses a route already faulted by someone else, and a nonexistent route index; no PUT', async () => {
    const { injector } = await world();
    const theirs = { delay: { percentage: { value: 10 }, fixedDelay: '1s' } };
    api.edit('VirtualService', NS, VS, (o) => (o.spec.http[0].fault = theirs));
    api.clearRequests();
    await expect(injector.apply(spec('inject_errors'))).rejects.toThrow(
      `${TARGET} spec.http[0].fault already holds a fault the drill did not set: ${JSON.stringify(theirs)}; the ` +
        `drill will not replace it. Remove it (kubectl edit virtualservice ${VS} -n ${NS}) or wait for whoever set ` +
        `it, then run the drill again`,
    );
    expect(api.writes()).toEqual([]);
    expect(vs().spec.http[0].fault).toEqual(theirs);

    await api.close();
    const far = await world({ route: 3 });
    await expect(far.injector.apply(spec('inject_errors'))).rejects.toThrow(
      `${TARGET} has no spec.http[3] (it has 1 HTTP routes); the drill injects on the route the service's istio ` +
        `router names (router.route)`,
    );
    expect(api.calls()).toEqual([`GET ${PATH} 200`]);
  });

  test('apply takes over a leftover identical to its own fault without a PUT; remove then deletes it', async () => {
    const { injector } = await world();
    api.edit('VirtualService', NS, VS, (o) => (o.spec.http[0].fault = CASES[0].fault));
    api.clearRequests();
    const applied = await injector.apply(spec('inject_errors'));
    expect(applied.detail).toEqual({ routeIndex: 0, previousFault: null, fault: CASES[0].fault });
    expect(api.calls()).toEqual([`GET ${PATH} 200`]);
    expect((await injector.remove(applied)).removed).toBe(true);
    expect(vs().spec.http[0].fault).toBeUndefined();
  });

  test('a stored previous fault is put back on remove', async () => {
    const { injector } = await world();
    const previous = { delay: { percentage: { value: 1 }, fixedDelay: '0.2s' } };
    api.edit('VirtualService', NS, VS, (o) => (o.spec.http[0].fault = CASES[0].fault));
    api.clearRequests();
    const result = await injector.remove({
      injector: 'istio-fault',
      spec: spec('inject_errors'),
      detail: { routeIndex: 0, previousFault: previous, fault: CASES[0].fault },
    });
    expect(said(result)).toEqual({
      removed: true,
      note: `restored the fault ${TARGET} spec.http[0].fault had before the drill`,
    });
    expect((api.writes()[0]?.body as KubeObject).spec.http[0].fault).toEqual(previous);
  });

  test('API failures are KubeErrors naming the VirtualService; an unknown service lists configured ones', async () => {
    const { injector } = await world();
    api.failNext({ method: 'PUT', path: PATH }, { status: 403, message: 'virtualservices is forbidden' });
    const apply = injector.apply(spec('inject_errors'));
    await expect(apply).rejects.toBeInstanceOf(KubeError);
    await expect(apply).rejects.toThrow(`PUT of ${TARGET} failed: 403 Forbidden: virtualservices is forbidden`);
    expect(() => injector.describe(spec('inject_errors', { service: 'nope' }))).toThrow(
      'drill drill-1: no service "nope" in config; configured: prompt-service-staging',
    );
  });
});
