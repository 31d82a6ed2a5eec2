/**
 * What the Slack flow cannot time: an alert or the evaluator opening the service's incident while a
 * declaration is reading the router. The declaration must end up pointing at that incident, never
 * opening a second.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BOT_ACTOR } from '../../src/domain/types.ts';
import type { Split } from '../../src/services/ports.ts';
import { FakeCluster, FakeRouter } from '../support/fake-cluster.ts';
import { serviceWorld, type ServiceWorld } from '../support/services.ts';

let world: ServiceWorld;
afterEach(() => world?.store.close());

/** A router whose answer waits until the test lets it go. */
class HeldRouter extends FakeRouter {
  private release: () => void = () => {};
  private readonly held = new Promise<void>((resolve) => (this.release = resolve));
  override async read(): Promise<Split> {
    await this.held;
    return super.read();
  }
  answer(): void {
    this.release();
  }
}

function heldCluster(): { cluster: FakeCluster; router: HeldRouter } {
  const cluster = new FakeCluster();
  const router = new HeldRouter({ 'v2.0.0': 100, 'v1.5.0': 0, 'v1.0.0': 0 });
  cluster.forService('prompt-service').router = router;
  return { cluster, router };
}

const LEAD = { kind: 'user' as const, id: 'U0LEAD' };

describe('IncidentDeclarations', () => {
  it('an incident opened by the evaluator while the router is read wins; the declaration points to it', async () => {
    const { cluster, router } = heldCluster();
    world = serviceWorld({ cluster });
    const declaring = world.declarations.declare(
      { service: 'prompt-service', severity: 'critical', summary: 'everything fails' },
      LEAD,
    );
    await new Promise((r) => setImmediate(r));
    expect(router.reads).toBe(0); // still waiting for the router
    // The evaluator's way of opening it (an alert's is the same call).
    world.incidents.open(
      { service: 'prompt-service', version: 'v2.0.0', severity: 'warning', title: 'error rate above 5%', drill: false },
      BOT_ACTOR,
    );
    router.answer();
    const outcome = await declaring;
    expect(outcome.kind).toBe('already_open');
    const open = world.store.incidents.listOpen();
    expect(open).toHaveLength(1);
    expect(outcome).toMatchObject({ incident: { id: open[0]?.id, title: 'error rate above 5%' } });
    // The declaration changed nothing of it: not its severity, and no line by the declarer.
    expect(open[0]?.severity).toBe('warning');
    expect(world.store.incidents.timeline(open[0]?.id ?? '').filter((e) => e.actor.id === LEAD.id)).toEqual([]);
  });

  it('with the router readable, the busiest version; once it cannot be read, what the records say', async () => {
    const cluster = new FakeCluster();
    world = serviceWorld({ cluster });
    cluster.forService('prompt-service').router.split = { 'v2.0.0': 30, 'v1.5.0': 70, 'v1.0.0': 0 };
    const first = await world.declarations.declare(
      { service: 'prompt-service', severity: 'warning', summary: 'odd answers' },
      LEAD,
    );
    expect(first).toMatchObject({
      kind: 'declared',
      versionSource: 'router',
      incident: { version: 'v1.5.0', status: 'awaiting_decision' },
    });

    const staging = cluster.forService('prompt-service-staging').router;
    staging.read = () => Promise.reject(new Error('connect ECONNREFUSED'));
    const second = await world.declarations.declare(
      { service: 'prompt-service-staging', severity: 'watch', summary: 'slow' },
      LEAD,
    );
    expect(second).toMatchObject({
      kind: 'declared',
      versionSource: 'records',
      incident: { version: 'v2.0.0', status: 'detected', severity: 'watch' },
    });
  });

  it('a service that is not configured is refused, naming the configured ones', async () => {
    world = serviceWorld();
    expect(await world.declarations.declare({ service: 'billing', severity: 'warning', summary: 'x' }, LEAD)).toEqual({
      kind: 'unknown_service',
      known: ['prompt-service', 'prompt-service-staging'],
    });
    expect(world.store.incidents.listOpen()).toEqual([]);
  });
});
