import { afterEach, describe, expect, test } from 'vitest';
import { allocateReplicas } from '../../src/adapters/kube/routers/replicas.ts';
import { NS, V10, V15, V2, kubeWorld, type KubeWorld } from './world.ts';

const scalePath = (d: string) => `/apis/apps/v1/namespaces/${NS}/deployments/${d}/scale`;
const D2 = 'prompt-service-v2-0-0';
const D15 = 'prompt-service-v1-5-0';
const D10 = 'prompt-service-v1-0-0';
const JSON_PATCH = 'application/json-patch+json';
let world: KubeWorld;
afterEach(() => world?.close());

const scaleTo = (from: number, to: number) => [
  { op: 'test', path: '/spec/replicas', value: from },
  { op: 'replace', path: '/spec/replicas', value: to },
];
const replicasOf = (d: string) => world.api.mustGet('Deployment', NS, d).spec.replicas;
const tenTenZero = [
  { version: V2, replicas: 10 },
  { version: V15, replicas: 10 },
  { version: V10, replicas: 0 },
];

describe('replicas router', () => {
  test('gradual 50 → 25 → 5 → 0 on 20 replicas: reads every scale, grows first, keeps the total', async () => {
    world = await kubeWorld('replicas', { versions: tenTenZero });
    expect(world.router).toMatchObject({ kind: 'replicas', allOrNothing: false });
    expect(await world.router.read()).toEqual({ [V2]: 50, [V15]: 50, [V10]: 0 });
    const steps = [
      { split: [25, 75], from: [10, 10], to: [5, 15] },
      { split: [5, 95], from: [5, 15], to: [1, 19] },
      { split: [0, 100], from: [1, 19], to: [0, 20] },
    ];
    for (const { split, from, to } of steps) {
      world.api.clearRequests();
      const changes = await world.router.write({ [V2]: split[0]!, [V15]: split[1]! }, { dryRun: false });
      expect(changes).toEqual([
        {
          method: 'PATCH',
          target: `Deployment ${NS}/${D15}`,
          contentType: JSON_PATCH,
          body: scaleTo(from[1]!, to[1]!),
        },
        { method: 'PATCH', target: `Deployment ${NS}/${D2}`, contentType: JSON_PATCH, body: scaleTo(from[0]!, to[0]!) },
      ]);
      expect(world.api.requests).toEqual([
        ...[D2, D15, D10].map((d) => ({
          method: 'GET',
          path: scalePath(d),
          query: {},
          contentType: undefined,
          body: undefined,
          status: 200,
        })),
        {
          method: 'PATCH',
          path: scalePath(D15),
          query: { fieldManager: 'rewind' },
          contentType: JSON_PATCH,
          body: scaleTo(from[1]!, to[1]!),
          status: 200,
        },
        {
          method: 'PATCH',
          path: scalePath(D2),
          query: { fieldManager: 'rewind' },
          contentType: JSON_PATCH,
          body: scaleTo(from[0]!, to[0]!),
          status: 200,
        },
      ]);
      expect([replicasOf(D2), replicasOf(D15), replicasOf(D10)]).toEqual([...to, 0]);
      expect(await world.router.read()).toEqual({ [V2]: split[0], [V15]: split[1], [V10]: 0 });
    }
    for (const d of [D2, D15]) expect(world.api.managersOf('Deployment', NS, d, 'spec.replicas')).toEqual(['rewind']);
    // The Deployment controller followed: v1.5.0 now runs 20 ready pods, v2.0.0 none.
    expect(await world.checks.readyReplicas(V15)).toEqual({ ready: 20, desired: 20 });
    expect(await world.checks.readyReplicas(V2)).toEqual({ ready: 0, desired: 0 });
  });

  test('an immediate switch moves every replica to the target version', async () => {
    world = await kubeWorld('replicas', {
      versions: [
        { version: V2, replicas: 4 },
        { version: V15, replicas: 0 },
        { version: V10, replicas: 0 },
      ],
    });
    expect(await world.router.read()).toEqual({ [V2]: 100, [V15]: 0, [V10]: 0 });
    await world.router.write({ [V15]: 100 }, { dryRun: false });
    expect(world.api.writes().map((r) => [r.path, r.body])).toEqual([
      [scalePath(D15), scaleTo(0, 4)],
      [scalePath(D2), scaleTo(4, 0)],
    ]);
    expect(await world.router.read()).toEqual({ [V2]: 0, [V15]: 100, [V10]: 0 });
  });

  test('a version with a weight keeps at least one replica, even when its share rounds to 0', async () => {
    world = await kubeWorld('replicas', {
      versions: [
        { version: V2, replicas: 2 },
        { version: V15, replicas: 2 },
        { version: V10, replicas: 0 },
      ],
    });
    await world.router.write({ [V2]: 5, [V15]: 95 }, { dryRun: false });
    expect([replicasOf(D2), replicasOf(D15), replicasOf(D10)]).toEqual([1, 3, 0]);
    // 4 replicas cannot show 5 %: read gives the real share.
    expect(await world.router.read()).toEqual({ [V2]: 25, [V15]: 75, [V10]: 0 });
  });

  test('allocation keeps totals, gives ≥ 1 to every weighted version, and grows only when it must', () => {
    expect(allocateReplicas({ a: 10, b: 10, c: 0 }, { a: 25, b: 75, c: 0 })).toEqual({ a: 5, b: 15, c: 0 });
    expect(allocateReplicas({ a: 3, b: 0, c: 0 }, { a: 1, b: 1, c: 98 })).toEqual({ a: 1, b: 1, c: 1 });
    expect(allocateReplicas({ a: 1, b: 0 }, { a: 50, b: 50 })).toEqual({ a: 1, b: 1 });
    expect(allocateReplicas({ a: 7, b: 0 }, { a: 0, b: 100 })).toEqual({ a: 0, b: 7 });
    for (const split of [
      { a: 1, b: 99 },
      { a: 33, b: 67 },
      { a: 99, b: 1 },
    ]) {
      const out = allocateReplicas({ a: 3, b: 2 }, split);
      expect(out.a! + out.b!).toBe(5);
      expect(out.a).toBeGreaterThanOrEqual(1);
      expect(out.b).toBeGreaterThanOrEqual(1);
    }
  });

  test('dry run reads the scales and sends nothing', async () => {
    world = await kubeWorld('replicas', { versions: tenTenZero });
    const changes = await world.router.write({ [V2]: 25, [V15]: 75 }, { dryRun: true });
    expect(changes.map((c) => [c.target, c.body])).toEqual([
      [`Deployment ${NS}/${D15}`, scaleTo(10, 15)],
      [`Deployment ${NS}/${D2}`, scaleTo(10, 5)],
    ]);
    expect(world.api.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'GET']);
    expect([replicasOf(D2), replicasOf(D15)]).toEqual([10, 10]);
  });

  test('a Deployment scaled by someone else in between fails the test op (422) and is not overwritten', async () => {
    world = await kubeWorld('replicas', { versions: tenTenZero });
    world.api.beforeNext({ method: 'PATCH', path: scalePath(D15) }, (api) =>
      api.edit('Deployment', NS, D15, (d) => (d.spec.replicas = 12)),
    );
    await expect(world.router.write({ [V2]: 25, [V15]: 75 }, { dryRun: false })).rejects.toMatchObject({
      status: 422,
      target: `Deployment ${NS}/${D15}`,
      message: expect.stringMatching(
        /^Deployment prompts\/prompt-service-v1-5-0 was scaled by someone else since it was read \(expected 10 replicas\), so it was left alone; read the split again and retry/,
      ),
    });
    expect(world.api.calls().slice(3)).toEqual([`PATCH ${scalePath(D15)} 422`]);
    expect([replicasOf(D2), replicasOf(D15)]).toEqual([10, 12]);
  });

  test('no replicas anywhere is reported on read', async () => {
    world = await kubeWorld('replicas', { replicas: 0 });
    await expect(world.router.read()).rejects.toThrow(
      'no version of prompt-service has any replicas (v2.0.0, v1.5.0, v1.0.0 are all scaled to 0), so no traffic is ' +
        'served',
    );
  });
});
