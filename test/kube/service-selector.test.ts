import { afterEach, describe, expect, test } from 'vitest';
import { KubeError, RouterError } from '../../src/adapters/kube/errors.ts';
import { RoutingMovedError } from '../../src/adapters/kube/routers/optimistic.ts';
import { NS, V10, V15, V2, kubeWorld, type KubeWorld } from './world.ts';

const SERVICE_PATH = `/api/v1/namespaces/${NS}/services/prompt-service`;
let world: KubeWorld;
afterEach(() => world?.close());

describe('service-selector router', () => {
  test('an immediate switch is one strategic merge patch of the selector, guarded by the resourceVersion', async () => {
    world = await kubeWorld('service-selector');
    expect(world.router).toMatchObject({ kind: 'service-selector', allOrNothing: true });
    expect(await world.router.read()).toEqual({ [V2]: 100, [V15]: 0, [V10]: 0 });
    world.api.clearRequests();
    const read = world.api.mustGet('Service', NS, 'prompt-service').metadata.resourceVersion;

    const changes = await world.router.write({ [V2]: 0, [V15]: 100 }, { dryRun: false });

    const body = { metadata: { resourceVersion: read }, spec: { selector: { version: V15 } } };
    expect(changes).toEqual([
      {
        method: 'PATCH',
        target: `Service ${NS}/prompt-service`,
        contentType: 'application/strategic-merge-patch+json',
        body,
      },
    ]);
    expect(world.api.requests.filter((r) => r.method !== 'GET')).toEqual([
      {
        method: 'PATCH',
        path: SERVICE_PATH,
        query: { fieldManager: 'rewind' },
        contentType: 'application/strategic-merge-patch+json',
        body,
        status: 200,
      },
    ]);
    expect(world.api.managersOf('Service', NS, 'prompt-service', 'spec.selector.version')).toEqual(['rewind']);
    expect(world.api.mustGet('Service', NS, 'prompt-service').spec.selector).toEqual({
      app: 'prompt-service',
      version: V15,
    });
    expect(await world.router.read()).toEqual({ [V2]: 0, [V15]: 100, [V10]: 0 });
  });

  test('a gradual split such as 25/75 is refused before anything is sent', async () => {
    world = await kubeWorld('service-selector');
    const write = world.router.write({ [V2]: 25, [V15]: 75 }, { dryRun: false });
    await expect(write).rejects.toBeInstanceOf(RouterError);
    await expect(write).rejects.toThrow(
      /switches all traffic at once \(blue-green\) and cannot send v2\.0\.0 25%, v1\.5\.0 75%/,
    );
    expect(world.api.requests).toEqual([]);
  });

  test('splits that do not add up or name unknown versions are refused', async () => {
    world = await kubeWorld('service-selector');
    await expect(world.router.write({ [V15]: 90 }, { dryRun: false })).rejects.toThrow(
      'the split v1.5.0 90% adds up to 90%, not 100%',
    );
    await expect(world.router.write({ 'v9.9.9': 100 }, { dryRun: false })).rejects.toThrow(
      'the split names "v9.9.9", not configured for service prompt-service; configured versions: v2.0.0, v1.5.0, ' +
        'v1.0.0',
    );
    expect(world.api.requests).toEqual([]);
  });

  test('dry run returns the patch and sends nothing', async () => {
    world = await kubeWorld('service-selector');
    const before = world.api.mustGet('Service', NS, 'prompt-service');
    const changes = await world.router.write({ [V10]: 100 }, { dryRun: true });
    expect(changes).toEqual([
      {
        method: 'PATCH',
        target: `Service ${NS}/prompt-service`,
        contentType: 'application/strategic-merge-patch+json',
        body: { metadata: { resourceVersion: before.metadata.resourceVersion }, spec: { selector: { version: V10 } } },
      },
    ]);
    expect(world.api.calls()).toEqual([`GET ${SERVICE_PATH} 200`]); // read only: nothing written
    expect(world.api.mustGet('Service', NS, 'prompt-service')).toEqual(before);
  });

  test('a selector naming an unconfigured version, or no version, is reported on read', async () => {
    world = await kubeWorld('service-selector');
    world.api.edit(
      'Service',
      NS,
      'prompt-service',
      (s) => (s.spec.selector = { app: 'prompt-service', version: 'v0.9.0' }),
    );
    await expect(world.router.read()).rejects.toThrow(
      'Service prompts/prompt-service selects version=v0.9.0, which is not a configured version of prompt-service ' +
        '(configured: v2.0.0, v1.5.0, v1.0.0)',
    );
    world.api.edit('Service', NS, 'prompt-service', (s) => (s.spec.selector = { app: 'prompt-service' }));
    await expect(world.router.read()).rejects.toThrow(
      'Service prompts/prompt-service has no "version" key in spec.selector',
    );
  });

  test('a missing Service is a KubeError 404 naming it', async () => {
    world = await kubeWorld(
      'service-selector',
      {},
      { config: { router: { kind: 'service-selector', service: 'no-such-service' } } },
    );
    const read = world.router.read();
    await expect(read).rejects.toBeInstanceOf(KubeError);
    await expect(read).rejects.toMatchObject({
      status: 404,
      reason: 'NotFound',
      target: 'Service prompts/no-such-service',
      message: 'read Service prompts/no-such-service failed: 404 NotFound: services "no-such-service" not found',
      retryable: false,
    });
    await expect(world.router.write({ [V15]: 100 }, { dryRun: false })).rejects.toMatchObject({
      status: 404,
      target: 'Service prompts/no-such-service',
    });
  });

  test('a 500 on the patch surfaces as a retryable KubeError, sent once (retries are the engine’s)', async () => {
    world = await kubeWorld('service-selector');
    world.api.failNext(
      { method: 'PATCH', path: SERVICE_PATH },
      { status: 500, message: 'etcdserver: request timed out' },
    );
    await expect(world.router.write({ [V15]: 100 }, { dryRun: false })).rejects.toMatchObject({
      status: 500,
      reason: 'InternalError',
      retryable: true,
      message: 'PATCH of Service prompts/prompt-service failed: 500 InternalError: etcdserver: request timed out',
    });
    expect(world.api.calls()).toEqual([`GET ${SERVICE_PATH} 200`, `PATCH ${SERVICE_PATH} 500`]);
  });

  test('a selector set by kubectl edit between read and write: 409, re-read, and nothing is overwritten', async () => {
    world = await kubeWorld('service-selector');
    world.api.beforeNext({ method: 'PATCH', path: SERVICE_PATH }, (api) =>
      api.editAs('kubectl-edit', 'Service', NS, 'prompt-service', (o) => (o.spec.selector.version = V10)),
    );
    const write = world.router.write({ [V15]: 100 }, { dryRun: false });
    await expect(write).rejects.toBeInstanceOf(RoutingMovedError);
    await expect(write).rejects.toThrow(
      `Service ${NS}/prompt-service: the routing was changed by kubectl-edit between Rewind's read and its write; ` +
        'it was not overwritten',
    );
    expect(world.api.calls()).toEqual([
      `GET ${SERVICE_PATH} 200`,
      `PATCH ${SERVICE_PATH} 409`,
      `GET ${SERVICE_PATH} 200`,
    ]);
    expect(world.api.mustGet('Service', NS, 'prompt-service').spec.selector.version).toBe(V10);
  });

  test('another selector key changed meanwhile (not the version) is kept: re-read and patched again', async () => {
    world = await kubeWorld('service-selector');
    world.api.beforeNext({ method: 'PATCH', path: SERVICE_PATH }, (api) =>
      api.editAs('kubectl-edit', 'Service', NS, 'prompt-service', (o) => (o.spec.selector.tier = 'web')),
    );
    await world.router.write({ [V15]: 100 }, { dryRun: false });
    expect(world.api.calls()).toEqual([
      `GET ${SERVICE_PATH} 200`,
      `PATCH ${SERVICE_PATH} 409`,
      `GET ${SERVICE_PATH} 200`,
      `PATCH ${SERVICE_PATH} 200`,
    ]);
    expect(world.api.mustGet('Service', NS, 'prompt-service').spec.selector).toEqual({
      app: 'prompt-service',
      version: V15,
      tier: 'web',
    });
  });
});
