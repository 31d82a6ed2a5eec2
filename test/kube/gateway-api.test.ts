import { afterEach, describe, expect, test } from 'vitest';
import { KubeError, RouterError } from '../../src/adapters/kube/errors.ts';
import type { KubeObject } from '../support/kube-api.ts';
import { NS, V10, V15, V2, kubeWorld, type KubeWorld } from './world.ts';

const PATH = `/apis/gateway.networking.k8s.io/v1/namespaces/${NS}/httproutes/prompt-service`;
const TARGET = `HTTPRoute ${NS}/prompt-service`;
let world: KubeWorld;
afterEach(() => world?.close());

const route = () => world.api.mustGet('HTTPRoute', NS, 'prompt-service');
const weights = (o: KubeObject) =>
  (o.spec.rules[0].backendRefs as { name: string; weight: number }[]).map((r) => [r.name, r.weight]);
/** The stored HTTPRoute with new backendRef weights: exactly what a read-modify-write PUTs back. */
function withWeights(o: KubeObject, w: [number, number, number]): KubeObject {
  const next = structuredClone(o);
  next.spec.rules[0].backendRefs.forEach((r: { weight: number }, i: number) => (r.weight = w[i]!));
  return next;
}

describe('gateway-api router', () => {
  test(
    'gradual 50 → 25 → 5 → 0: each step is GET then PUT of the route with percent weights and the resourceVersion ' +
      'read',
    async () => {
      world = await kubeWorld('gateway-api', { split: { [V2]: 50, [V15]: 50 } });
      expect(world.router).toMatchObject({ kind: 'gateway-api', allOrNothing: false });
      expect(await world.router.read()).toEqual({ [V2]: 50, [V15]: 50, [V10]: 0 });

      for (const [n, o] of [
        [25, 75],
        [5, 95],
        [0, 100],
      ] as const) {
        const before = route();
        world.api.clearRequests();
        const changes = await world.router.write({ [V2]: n, [V15]: o }, { dryRun: false });
        const body = withWeights(before, [n, o, 0]);
        expect(changes).toEqual([{ method: 'PUT', target: TARGET, contentType: 'application/json', body }]);
        expect(world.api.requests).toEqual([
          { method: 'GET', path: PATH, query: {}, contentType: undefined, body: undefined, status: 200 },
          {
            method: 'PUT',
            path: PATH,
            query: { fieldManager: 'rewind' },
            contentType: 'application/json',
            body,
            status: 200,
          },
        ]);
        expect(body.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
        const after = route();
        expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
        expect(after.metadata.generation).toBe((before.metadata.generation ?? 0) + 1);
        expect(world.api.managersOf('HTTPRoute', NS, 'prompt-service', 'spec.rules')).toEqual(['rewind']);
        expect(await world.router.read()).toEqual({ [V2]: n, [V15]: o, [V10]: 0 });
      }
      expect(weights(route())).toEqual([
        ['prompt-service-v2-0-0', 0],
        ['prompt-service-v1-5-0', 100],
        ['prompt-service-v1-0-0', 0],
      ]);
    },
  );

  test('an immediate switch 100/0 → 0/100 is one GET and one PUT', async () => {
    world = await kubeWorld('gateway-api');
    const before = route();
    await world.router.write({ [V2]: 0, [V15]: 100 }, { dryRun: false });
    expect(world.api.calls()).toEqual([`GET ${PATH} 200`, `PUT ${PATH} 200`]);
    expect(world.api.requests[1]?.body).toEqual(withWeights(before, [0, 100, 0]));
    expect(await world.router.read()).toEqual({ [V2]: 0, [V15]: 100, [V10]: 0 });
  });

  test('read normalises proportional weights (and an unset weight counts 1) to percents summing to 100', async () => {
    world = await kubeWorld('gateway-api');
    world.api.edit('HTTPRoute', NS, 'prompt-service', (o) => {
      const refs = o.spec.rules[0].backendRefs;
      refs[0].weight = 3000;
      delete refs[1].weight;
      refs[2].weight = 999;
    });
    // 3000 : 1 : 999 of 4000 → 75, 0.025, 24.975 → largest remainder gives 75 / 0 / 25.
    expect(await world.router.read()).toEqual({ [V2]: 75, [V15]: 0, [V10]: 25 });
  });

  test('a 409 is answered by re-reading and retrying: GET, PUT(409), GET, PUT', async () => {
    world = await kubeWorld('gateway-api');
    world.api.failNext({ method: 'PUT', path: PATH }, { status: 409 });
    await world.router.write({ [V15]: 100 }, { dryRun: false });
    expect(world.api.calls()).toEqual([`GET ${PATH} 200`, `PUT ${PATH} 409`, `GET ${PATH} 200`, `PUT ${PATH} 200`]);
    expect(await world.router.read()).toEqual({ [V2]: 0, [V15]: 100, [V10]: 0 });
  });

  test('a real concurrent edit makes the API server answer 409; the retry keeps the other writer’s edit', async () => {
    world = await kubeWorld('gateway-api');
    world.api.beforeNext({ method: 'PUT', path: PATH }, (api) =>
      api.edit('HTTPRoute', NS, 'prompt-service', (o) => o.spec.hostnames.push('canary.example.com')),
    );
    await world.router.write({ [V15]: 100 }, { dryRun: false });
    expect(world.api.calls()).toEqual([`GET ${PATH} 200`, `PUT ${PATH} 409`, `GET ${PATH} 200`, `PUT ${PATH} 200`]);
    expect(route().spec.hostnames).toEqual(['prompts.example.com', 'canary.example.com']);
    expect(weights(route()).map(([, w]) => w)).toEqual([0, 100, 0]);
  });

  test('backendRef weights set by another manager between read and write are not overwritten', async () => {
    world = await kubeWorld('gateway-api');
    world.api.beforeNext({ method: 'PUT', path: PATH }, (api) =>
      api.editAs('kubectl-edit', 'HTTPRoute', NS, 'prompt-service', (o) =>
        o.spec.rules[0].backendRefs.forEach((r: { weight: number }, i: number) => (r.weight = i === 2 ? 100 : 0)),
      ),
    );
    const write = world.router.write({ [V15]: 100 }, { dryRun: false });
    await expect(write).rejects.toMatchObject({ status: 409, routingMovedBy: 'kubectl-edit', target: TARGET });
    expect(world.api.calls()).toEqual([`GET ${PATH} 200`, `PUT ${PATH} 409`, `GET ${PATH} 200`]);
    expect(weights(route()).map(([, w]) => w)).toEqual([0, 0, 100]);
  });

  test('after 1 + 3 conflicting writes it gives up with a KubeError 409', async () => {
    world = await kubeWorld('gateway-api');
    world.api.failNext({ method: 'PUT', path: PATH }, { status: 409, times: 4 });
    const write = world.router.write({ [V15]: 100 }, { dryRun: false });
    await expect(write).rejects.toBeInstanceOf(KubeError);
    await expect(write).rejects.toMatchObject({ status: 409, reason: 'Conflict', target: TARGET });
    await expect(write).rejects.toThrow(/kept changing underneath: 4 writes in a row were refused with 409 Conflict/);
    expect(world.api.requests.filter((r) => r.method === 'PUT')).toHaveLength(4);
  });

  test('three 500s are three retryable KubeErrors (no retry here); the fourth write lands', async () => {
    world = await kubeWorld('gateway-api');
    world.api.failNext({ method: 'PUT', path: PATH }, { status: 500, times: 3 });
    for (let i = 0; i < 3; i++) {
      await expect(world.router.write({ [V15]: 100 }, { dryRun: false })).rejects.toMatchObject({
        status: 500,
        retryable: true,
        target: TARGET,
      });
    }
    await world.router.write({ [V15]: 100 }, { dryRun: false });
    expect(world.api.calls().filter((c) => c.startsWith('PUT'))).toEqual([
      `PUT ${PATH} 500`,
      `PUT ${PATH} 500`,
      `PUT ${PATH} 500`,
      `PUT ${PATH} 200`,
    ]);
  });

  test('dry run reads the route and sends no write', async () => {
    world = await kubeWorld('gateway-api', { split: { [V2]: 50, [V15]: 50 } });
    const before = route();
    const changes = await world.router.write({ [V2]: 25, [V15]: 75 }, { dryRun: true });
    expect(changes).toEqual([
      { method: 'PUT', target: TARGET, contentType: 'application/json', body: withWeights(before, [25, 75, 0]) },
    ]);
    expect(world.api.requests.every((r) => r.method === 'GET')).toBe(true);
    expect(world.api.calls()).toEqual([`GET ${PATH} 200`]);
    expect(route()).toEqual(before);
  });

  test('a backendRef that is no version’s backend but carries traffic is refused, not silently zeroed', async () => {
    world = await kubeWorld('gateway-api');
    world.api.edit('HTTPRoute', NS, 'prompt-service', (o) =>
      o.spec.rules[0].backendRefs.push({ name: 'legacy', port: 80, weight: 10 }),
    );
    await expect(world.router.read()).rejects.toThrow(
      /rule 0 also sends traffic to legacy \(weight 10\), which is no configured version's backend of prompt-service/,
    );
    await expect(world.router.write({ [V15]: 100 }, { dryRun: false })).rejects.toBeInstanceOf(RouterError);
    expect(world.api.writes()).toEqual([]);
  });

  test('a version without a backendRef cannot be given traffic; a missing rule is named', async () => {
    world = await kubeWorld('gateway-api');
    world.api.edit('HTTPRoute', NS, 'prompt-service', (o) => o.spec.rules[0].backendRefs.pop());
    await expect(world.router.write({ [V10]: 100 }, { dryRun: false })).rejects.toThrow(
      'HTTPRoute prompts/prompt-service rule 0 has no backendRef for v1.0.0 (Service prompt-service-v1-0-0); add one ' +
        'with weight 0 so traffic can be moved to it',
    );
    const other = await kubeWorld(
      'gateway-api',
      {},
      { config: { router: { kind: 'gateway-api', httpRoute: 'prompt-service', rule: 2 } } },
    );
    await expect(other.router.read()).rejects.toThrow(
      'HTTPRoute prompts/prompt-service has no rule 2 (it has 1); set router.rule to the index of the rule to split',
    );
    await other.close();
  });
});
