import { afterEach, describe, expect, test } from 'vitest';
import { RouterError } from '../../src/adapters/kube/errors.ts';
import { NS, V10, V15, V2, kubeWorld, type KubeWorld } from './world.ts';

let world: KubeWorld;
afterEach(() => world?.close());

const seed = { readyReplicas: { [V2]: 2, [V15]: 1, [V10]: 0 } };

describe('cluster checks', () => {
  test('readyReplicas reads the version’s Deployment status (zero counts are left out by the API server)', async () => {
    world = await kubeWorld('service-selector', seed);
    expect(await world.checks.readyReplicas(V2)).toEqual({ ready: 2, desired: 2 });
    expect(await world.checks.readyReplicas(V15)).toEqual({ ready: 1, desired: 2 });
    expect(world.api.mustGet('Deployment', NS, 'prompt-service-v1-0-0').status.readyReplicas).toBeUndefined();
    expect(await world.checks.readyReplicas(V10)).toEqual({ ready: 0, desired: 2 });
    expect(world.api.calls()).toEqual(
      ['v2-0-0', 'v1-5-0', 'v1-0-0'].map(
        (v) => `GET /apis/apps/v1/namespaces/${NS}/deployments/prompt-service-${v} 200`,
      ),
    );
  });

  test('readyReplicas finds the Deployment by the version label when the config names none', async () => {
    world = await kubeWorld('service-selector', seed, {
      config: { versions: [V2, V15, V10].map((version) => ({ version, timeout: 3000 })) },
    });
    expect(await world.checks.readyReplicas(V15)).toEqual({ ready: 1, desired: 2 });
    expect(world.api.requests[0]).toMatchObject({
      method: 'GET',
      path: `/apis/apps/v1/namespaces/${NS}/deployments`,
      query: { labelSelector: 'version=v1.5.0' },
    });
    world.api.edit('Deployment', NS, 'prompt-service-v1-0-0', (d) => (d.metadata.labels!.version = 'v1.5.0'));
    await expect(world.checks.readyReplicas(V15)).rejects.toThrow(
      'version v1.5.0 of prompt-service has no deployment in config, and 2 Deployments (prompt-service-v1-0-0, ' +
        'prompt-service-v1-5-0) in prompts carry the label version=v1.5.0; set versions[].deployment',
    );
  });

  test('service-selector: after a switch, the Service’s EndpointSlices show the target’s ready pods', async () => {
    world = await kubeWorld('service-selector', seed);
    expect(await world.checks.readyEndpoints(V2)).toBe(2);
    expect(await world.checks.readyEndpoints(V15)).toBe(0);
    await world.router.write({ [V15]: 100 }, { dryRun: false });
    expect(await world.checks.readyEndpoints(V15)).toBe(1);
    expect(await world.checks.readyEndpoints(V2)).toBe(0);
    world.api.clearRequests();
    await world.checks.readyEndpoints(V15);
    expect(world.api.requests.map((r) => [r.path, r.query])).toEqual([
      [`/api/v1/namespaces/${NS}/pods`, { labelSelector: 'version=v1.5.0' }],
      [
        `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices`,
        { labelSelector: 'kubernetes.io/service-name=prompt-service' },
      ],
    ]);
    // A pod that turns ready shows up as a ready endpoint.
    const notReady = world.api
      .list('Pod', NS, 'version=v1.5.0')
      .find((p) => p.status.conditions[0].status === 'False')!;
    world.api.setPodReady(NS, notReady.metadata.name, true);
    expect(await world.checks.readyEndpoints(V15)).toBe(2);
  });

  test('gateway-api: the version’s backend Service', async () => {
    world = await kubeWorld('gateway-api', seed);
    expect([
      await world.checks.readyEndpoints(V2),
      await world.checks.readyEndpoints(V15),
      await world.checks.readyEndpoints(V10),
    ]).toEqual([2, 1, 0]);
    expect(
      world.api.requests.filter((r) => r.path.endsWith('endpointslices')).map((r) => r.query.labelSelector),
    ).toEqual([
      'kubernetes.io/service-name=prompt-service-v2-0-0',
      'kubernetes.io/service-name=prompt-service-v1-5-0',
      'kubernetes.io/service-name=prompt-service-v1-0-0',
    ]);
  });

  test('istio: the VirtualService destination host of the version’s subset, counting only its pods', async () => {
    world = await kubeWorld('istio', seed);
    expect([await world.checks.readyEndpoints(V2), await world.checks.readyEndpoints(V15)]).toEqual([2, 1]);
    expect(
      world.api.requests.filter((r) => r.path.endsWith('endpointslices')).map((r) => r.query.labelSelector),
    ).toEqual(['kubernetes.io/service-name=prompt-service-mesh', 'kubernetes.io/service-name=prompt-service-mesh']);
  });

  test('nginx: the Service behind the version’s Ingress; a version behind neither is an error', async () => {
    world = await kubeWorld('nginx', seed);
    expect([await world.checks.readyEndpoints(V2), await world.checks.readyEndpoints(V15)]).toEqual([2, 1]);
    await expect(world.checks.readyEndpoints(V10)).rejects.toThrow(
      'v1.0.0 is behind neither Ingress (prompt-service routes to v1.5.0, prompt-service-canary to v2.0.0)',
    );
  });

  test('replicas: counts the version’s ready pods, following a scale', async () => {
    world = await kubeWorld('replicas', {
      ...seed,
      versions: [
        { version: V2, replicas: 2 },
        { version: V15, replicas: 2 },
        { version: V10, replicas: 0 },
      ],
    });
    expect([await world.checks.readyEndpoints(V2), await world.checks.readyEndpoints(V15)]).toEqual([2, 1]);
    await world.router.write({ [V15]: 100 }, { dryRun: false });
    // Scaled 2 → 4: the two new pods come up ready; v2.0.0 is gone.
    expect([await world.checks.readyEndpoints(V2), await world.checks.readyEndpoints(V15)]).toEqual([0, 3]);
    expect(await world.checks.readyReplicas(V15)).toEqual({ ready: 3, desired: 4 });
  });

  test('an unconfigured version is a clear error', async () => {
    world = await kubeWorld('service-selector');
    await expect(world.checks.readyEndpoints('v3.0.0')).rejects.toBeInstanceOf(RouterError);
    await expect(world.checks.readyReplicas('v3.0.0')).rejects.toThrow(
      'service prompt-service has no version "v3.0.0" in its config; configured: v2.0.0, v1.5.0, v1.0.0',
    );
  });
});
