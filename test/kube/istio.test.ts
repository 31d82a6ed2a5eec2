import { afterEach, describe, expect, test } from 'vitest';
import { KubeError } from '../../src/adapters/kube/errors.ts';
import { RoutingMovedError } from '../../src/adapters/kube/routers/optimistic.ts';
import type { KubeObject } from '../support/kube-api.ts';
import { NS, V10, V15, V2, kubeWorld, type KubeWorld } from './world.ts';

const PATH = `/apis/networking.istio.io/v1/namespaces/${NS}/virtualservices/prompt-service`;
const TARGET = `VirtualService ${NS}/prompt-service`;
let world: KubeWorld;
afterEach(() => world?.close());

const vs = () => world.api.mustGet('VirtualService', NS, 'prompt-service');
function withWeights(o: KubeObject, w: [number, number, number]): KubeObject {
  const next = structuredClone(o);
  next.spec.http[0].route.forEach((r: { weight: number }, i: number) => (r.weight = w[i]!));
  return next;
}

describe('istio router', () => {
  test('gradual 50 → 25 → 5 → 0: GET then PUT of the VirtualService with route weights summing to 100', async () => {
    world = await kubeWorld('istio', { split: { [V2]: 50, [V15]: 50 } });
    expect(world.router).toMatchObject({ kind: 'istio', allOrNothing: false });
    expect(await world.router.read()).toEqual({ [V2]: 50, [V15]: 50, [V10]: 0 });
    for (const [n, o] of [
      [25, 75],
      [5, 95],
      [0, 100],
    ] as const) {
      const before = vs();
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
      expect(world.api.managersOf('VirtualService', NS, 'prompt-service', 'spec.http')).toEqual(['rewind']);
      expect(await world.router.read()).toEqual({ [V2]: n, [V15]: o, [V10]: 0 });
    }
    expect(
      vs().spec.http[0].route.map((r: { destination: { subset: string }; weight: number }) => [
        r.destination.subset,
        r.weight,
      ]),
    ).toEqual([
      ['v2-0-0', 0],
      ['v1-5-0', 100],
      ['v1-0-0', 0],
    ]);
  });

  test('an immediate switch is one GET and one PUT', async () => {
    world = await kubeWorld('istio');
    const before = vs();
    await world.router.write({ [V2]: 0, [V15]: 100 }, { dryRun: false });
    expect(world.api.calls()).toEqual([`GET ${PATH} 200`, `PUT ${PATH} 200`]);
    expect(world.api.requests[1]?.body).toEqual(withWeights(before, [0, 100, 0]));
    expect(await world.router.read()).toEqual({ [V2]: 0, [V15]: 100, [V10]: 0 });
  });

  test('a 409 is re-read and retried: GET, PUT(409), GET, PUT — a drill’s fault added meanwhile is kept', async () => {
    world = await kubeWorld('istio');
    const fault = { abort: { percentage: { value: 20 }, httpStatus: 503 } };
    world.api.beforeNext({ method: 'PUT', path: PATH }, (api) =>
      api.edit('VirtualService', NS, 'prompt-service', (o) => (o.spec.http[0].fault = fault)),
    );
    await world.router.write({ [V15]: 100 }, { dryRun: false });
    expect(world.api.calls()).toEqual([`GET ${PATH} 200`, `PUT ${PATH} 409`, `GET ${PATH} 200`, `PUT ${PATH} 200`]);
    expect(vs().spec.http[0].fault).toEqual(fault);
    expect(await world.router.read()).toEqual({ [V2]: 0, [V15]: 100, [V10]: 0 });
  });

  test('weights set by kubectl edit between read and write: 409, re-read, and nothing is overwritten', async () => {
    world = await kubeWorld('istio');
    world.api.beforeNext({ method: 'PUT', path: PATH }, (api) =>
      api.editAs('kubectl-edit', 'VirtualService', NS, 'prompt-service', (o) =>
        o.spec.http[0].route.forEach((r: { weight: number }, i: number) => (r.weight = i === 2 ? 100 : 0)),
      ),
    );
    const write = world.router.write({ [V15]: 100 }, { dryRun: false });
    await expect(write).rejects.toBeInstanceOf(RoutingMovedError);
    await expect(write).rejects.toThrow(
      `${TARGET}: the routing was changed by kubectl-edit between Rewind's read and its write; it was not overwritten`,
    );
    expect(world.api.calls()).toEqual([`GET ${PATH} 200`, `PUT ${PATH} 409`, `GET ${PATH} 200`]);
    expect(await world.router.read()).toEqual({ [V2]: 0, [V15]: 0, [V10]: 100 });
  });

  test('routing set meanwhile by Rewind itself (another of its writes) is recomputed, not refused', async () => {
    world = await kubeWorld('istio');
    world.api.beforeNext({ method: 'PUT', path: PATH }, (api) =>
      api.editAs('rewind', 'VirtualService', NS, 'prompt-service', (o) =>
        o.spec.http[0].route.forEach(
          (r: { weight: number }, i: number) => (r.weight = i === 0 ? 50 : i === 1 ? 50 : 0),
        ),
      ),
    );
    await world.router.write({ [V15]: 100 }, { dryRun: false });
    expect(world.api.calls()).toEqual([`GET ${PATH} 200`, `PUT ${PATH} 409`, `GET ${PATH} 200`, `PUT ${PATH} 200`]);
    expect(await world.router.read()).toEqual({ [V2]: 0, [V15]: 100, [V10]: 0 });
  });

  test('a scripted 409 four times in a row ends in a KubeError 409', async () => {
    world = await kubeWorld('istio');
    world.api.failNext({ method: 'PUT', path: PATH }, { status: 409, times: 4 });
    await expect(world.router.write({ [V15]: 100 }, { dryRun: false })).rejects.toMatchObject({
      status: 409,
      reason: 'Conflict',
      target: TARGET,
    });
    expect(world.api.calls()).toEqual(Array.from({ length: 4 }, () => [`GET ${PATH} 200`, `PUT ${PATH} 409`]).flat());
  });

  test('dry run only reads', async () => {
    world = await kubeWorld('istio');
    const before = vs();
    const changes = await world.router.write({ [V10]: 100 }, { dryRun: true });
    expect(changes).toEqual([
      { method: 'PUT', target: TARGET, contentType: 'application/json', body: withWeights(before, [0, 0, 100]) },
    ]);
    expect(world.api.calls()).toEqual([`GET ${PATH} 200`]);
    expect(vs()).toEqual(before);
  });

  test('a lone destination without a weight takes all traffic; an unknown subset with traffic is refused', async () => {
    world = await kubeWorld('istio');
    world.api.edit(
      'VirtualService',
      NS,
      'prompt-service',
      (o) => (o.spec.http[0].route = [{ destination: { host: 'prompt-service-mesh', subset: 'v1-5-0' } }]),
    );
    expect(await world.router.read()).toEqual({ [V2]: 0, [V15]: 100, [V10]: 0 });
    world.api.edit('VirtualService', NS, 'prompt-service', (o) =>
      o.spec.http[0].route.push({ destination: { host: 'prompt-service-mesh', subset: 'experiment' }, weight: 10 }),
    );
    await expect(world.router.read()).rejects.toThrow(
      /spec\.http\[0\] also sends traffic to prompt-service-mesh subset experiment \(weight 10\)/,
    );
  });

  test('a missing VirtualService is a KubeError 404 with the server’s message', async () => {
    world = await kubeWorld('istio', {}, { config: { router: { kind: 'istio', virtualService: 'gone', route: 0 } } });
    const read = world.router.read();
    await expect(read).rejects.toBeInstanceOf(KubeError);
    await expect(read).rejects.toThrow(
      'read VirtualService prompts/gone failed: 404 NotFound: virtualservices.networking.istio.io "gone" not found',
    );
  });
});
