import { afterEach, describe, expect, test } from 'vitest';
import { RouterError } from '../../src/adapters/kube/errors.ts';
import { RoutingMovedError } from '../../src/adapters/kube/routers/optimistic.ts';
import { NS, V10, V15, V2, kubeWorld, type KubeWorld } from './world.ts';

const MAIN = `/apis/networking.k8s.io/v1/namespaces/${NS}/ingresses/prompt-service`;
const CANARY = `/apis/networking.k8s.io/v1/namespaces/${NS}/ingresses/prompt-service-canary`;
const TARGET = `Ingress ${NS}/prompt-service-canary`;
const MERGE = 'application/merge-patch+json';
let world: KubeWorld;
afterEach(() => world?.close());

const canary = () => world.api.mustGet('Ingress', NS, 'prompt-service-canary');
const patchBody = (resourceVersion: string | undefined, weight: string) => ({
  metadata: {
    resourceVersion,
    annotations: { 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': weight },
  },
});

describe('nginx router (canary Ingress → newest version v2.0.0, main Ingress → v1.5.0)', () => {
  test(
    'gradual 50 → 25 → 5 → 0: reads both Ingresses, merge-patches the canary weight annotation with the ' +
      'resourceVersion read',
    async () => {
      world = await kubeWorld('nginx', { split: { [V2]: 50, [V15]: 50 } });
      expect(world.router).toMatchObject({ kind: 'nginx', allOrNothing: false });
      expect(await world.router.read()).toEqual({ [V2]: 50, [V15]: 50, [V10]: 0 });
      for (const [n, o] of [
        [25, 75],
        [5, 95],
        [0, 100],
      ] as const) {
        const rv = canary().metadata.resourceVersion;
        world.api.clearRequests();
        const changes = await world.router.write({ [V2]: n, [V15]: o }, { dryRun: false });
        const body = patchBody(rv, String(n));
        expect(changes).toEqual([{ method: 'PATCH', target: TARGET, contentType: MERGE, body }]);
        expect(world.api.requests).toEqual([
          { method: 'GET', path: MAIN, query: {}, contentType: undefined, body: undefined, status: 200 },
          { method: 'GET', path: CANARY, query: {}, contentType: undefined, body: undefined, status: 200 },
          { method: 'PATCH', path: CANARY, query: { fieldManager: 'rewind' }, contentType: MERGE, body, status: 200 },
        ]);
        expect(canary().metadata.annotations?.['nginx.ingress.kubernetes.io/canary-weight']).toBe(String(n));
        const weightField = ['metadata', 'annotations', 'nginx.ingress.kubernetes.io/canary-weight'];
        expect(world.api.managersOf('Ingress', NS, 'prompt-service-canary', weightField)).toEqual(['rewind']);
        expect(await world.router.read()).toEqual({ [V2]: n, [V15]: o, [V10]: 0 });
      }
    },
  );

  test('an immediate switch sets the canary weight to "0"', async () => {
    world = await kubeWorld('nginx');
    expect(await world.router.read()).toEqual({ [V2]: 100, [V15]: 0, [V10]: 0 });
    const rv = canary().metadata.resourceVersion;
    await world.router.write({ [V2]: 0, [V15]: 100 }, { dryRun: false });
    expect(world.api.writes().map((r) => [r.method, r.path, r.contentType, r.body])).toEqual([
      ['PATCH', CANARY, MERGE, patchBody(rv, '0')],
    ]);
    expect(await world.router.read()).toEqual({ [V2]: 0, [V15]: 100, [V10]: 0 });
  });

  test('a version behind neither Ingress cannot get traffic', async () => {
    world = await kubeWorld('nginx');
    const write = world.router.write({ [V10]: 100 }, { dryRun: false });
    await expect(write).rejects.toBeInstanceOf(RouterError);
    await expect(write).rejects.toThrow(
      "the nginx router moves traffic only between the main Ingress's version v1.5.0 and the canary Ingress's " +
        'version v2.0.0; v1.0.0 100% gives traffic to v1.0.0',
    );
    expect(world.api.writes()).toEqual([]);
  });

  test('the canary is whichever version its Ingress routes to, read from the cluster', async () => {
    world = await kubeWorld('nginx', { split: { [V2]: 30, [V15]: 70 } });
    // Someone re-points the Ingresses: canary → v1.0.0, main → v1.5.0.
    world.api.edit(
      'Ingress',
      NS,
      'prompt-service-canary',
      (o) => (o.spec.rules[0].http.paths[0].backend.service.name = 'prompt-service-v1-0-0'),
    );
    expect(await world.router.read()).toEqual({ [V2]: 0, [V15]: 70, [V10]: 30 });
    await world.router.write({ [V15]: 90, [V10]: 10 }, { dryRun: false });
    expect(await world.router.read()).toEqual({ [V2]: 0, [V15]: 90, [V10]: 10 });
  });

  test('a canary Ingress without canary: "true" sends it nothing; canary-weight-total scales the weight', async () => {
    world = await kubeWorld('nginx', { split: { [V2]: 40, [V15]: 60 } });
    world.api.edit(
      'Ingress',
      NS,
      'prompt-service-canary',
      (o) => (o.metadata.annotations!['nginx.ingress.kubernetes.io/canary'] = 'false'),
    );
    expect(await world.router.read()).toEqual({ [V2]: 0, [V15]: 100, [V10]: 0 });
    world.api.edit('Ingress', NS, 'prompt-service-canary', (o) =>
      Object.assign(o.metadata.annotations!, {
        'nginx.ingress.kubernetes.io/canary': 'true',
        'nginx.ingress.kubernetes.io/canary-weight-total': '1000',
        'nginx.ingress.kubernetes.io/canary-weight': '250',
      }),
    );
    expect(await world.router.read()).toEqual({ [V2]: 25, [V15]: 75, [V10]: 0 });
    await world.router.write({ [V2]: 5, [V15]: 95 }, { dryRun: false });
    expect(canary().metadata.annotations?.['nginx.ingress.kubernetes.io/canary-weight']).toBe('50');
  });

  test('an annotation Rewind does not write, changed between read and write: 409, and the retry keeps it', async () => {
    world = await kubeWorld('nginx', { split: { [V2]: 50, [V15]: 50 } });
    world.api.beforeNext({ method: 'PATCH', path: CANARY }, (api) =>
      api.edit('Ingress', NS, 'prompt-service-canary', (o) => (o.metadata.annotations!['team/owner'] = 'prompts')),
    );
    await world.router.write({ [V2]: 25, [V15]: 75 }, { dryRun: false });
    expect(world.api.calls()).toEqual([
      `GET ${MAIN} 200`,
      `GET ${CANARY} 200`,
      `PATCH ${CANARY} 409`,
      `GET ${MAIN} 200`,
      `GET ${CANARY} 200`,
      `PATCH ${CANARY} 200`,
    ]);
    expect(await world.router.read()).toEqual({ [V2]: 25, [V15]: 75, [V10]: 0 });
    expect(canary().metadata.annotations?.['team/owner']).toBe('prompts');
  });

  test('the canary weight set by kubectl edit between read and write: 409, and it is not overwritten', async () => {
    world = await kubeWorld('nginx', { split: { [V2]: 50, [V15]: 50 } });
    world.api.beforeNext({ method: 'PATCH', path: CANARY }, (api) =>
      api.editAs(
        'kubectl-edit',
        'Ingress',
        NS,
        'prompt-service-canary',
        (o) => (o.metadata.annotations!['nginx.ingress.kubernetes.io/canary-weight'] = '60'),
      ),
    );
    const write = world.router.write({ [V2]: 25, [V15]: 75 }, { dryRun: false });
    await expect(write).rejects.toBeInstanceOf(RoutingMovedError);
    await expect(write).rejects.toMatchObject({ status: 409, routingMovedBy: 'kubectl-edit', target: TARGET });
    expect(world.api.calls()).toEqual([
      `GET ${MAIN} 200`,
      `GET ${CANARY} 200`,
      `PATCH ${CANARY} 409`,
      `GET ${MAIN} 200`,
      `GET ${CANARY} 200`,
    ]);
    expect(await world.router.read()).toEqual({ [V2]: 60, [V15]: 40, [V10]: 0 });
  });

  test('dry run reads both Ingresses and sends no write', async () => {
    world = await kubeWorld('nginx');
    const before = canary();
    const changes = await world.router.write({ [V15]: 100 }, { dryRun: true });
    expect(changes).toEqual([
      { method: 'PATCH', target: TARGET, contentType: MERGE, body: patchBody(before.metadata.resourceVersion, '0') },
    ]);
    expect(world.api.calls()).toEqual([`GET ${MAIN} 200`, `GET ${CANARY} 200`]);
    expect(canary()).toEqual(before);
  });

  test('an Ingress routing to a Service that is no version’s backend is named', async () => {
    world = await kubeWorld('nginx');
    world.api.edit(
      'Ingress',
      NS,
      'prompt-service',
      (o) => (o.spec.rules[0].http.paths[0].backend.service.name = 'something-else'),
    );
    await expect(world.router.read()).rejects.toThrow(
      'Ingress prompts/prompt-service routes to Service something-else, which is not the backend of any configured ' +
        'version of prompt-service; set versions[].backend to the Service each version runs behind',
    );
  });
});
