/**
 * The evaluator on a compressed clock: a short blip does not fire, a held breach fires once at the
 * right time, critical rolls back by itself, watch halves the interval, and tiers going down are noted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { MetricSample } from '../../src/domain/metrics.ts';
import type { MetricsSource } from '../../src/services/ports.ts';
import { FakeCluster } from '../support/fake-cluster.ts';
import { serviceWorld, shippedConfig, T0, type ServiceWorld } from '../support/services.ts';

const MIN = 60_000;
const HEALTHY: MetricSample = {
  error_rate: 0.004,
  availability: 0.999,
  p50_latency: 400,
  p95_latency: 1500,
  p99_latency: 2500,
  hallucination_rate: 0.02,
  user_complaints: 0,
};

/** Metrics of prompt-service v2.0.0 as a function of minutes since T0; others healthy. */
class Script implements MetricsSource {
  calls: number[] = [];
  constructor(
    private readonly now: () => number,
    public at: (minute: number) => MetricSample,
  ) {}
  async sample(service: string, version: string): Promise<MetricSample> {
    if (service !== 'prompt-service' || version !== 'v2.0.0') return HEALTHY;
    this.calls.push(this.now());
    return this.at((this.now() - T0) / MIN);
  }
}

let world: ServiceWorld;
afterEach(async () => {
  await world?.timers.stop();
  world?.store.close();
});

function boot(at: (minute: number) => MetricSample, autoRollback: 'critical' | 'off' = 'critical') {
  const cluster = new FakeCluster();
  cluster.forService('prompt-service').router.split = { 'v2.0.0': 100, 'v1.5.0': 0, 'v1.0.0': 0 };
  cluster.forService('prompt-service-staging').router.split = { 'v2.0.0': 0, 'v1.5.0': 100, 'v1.0.0': 0 };
  // The script reads the world's clock; the world reads the script only once it runs.
  const metrics: MetricsSource = { sample: (s, v) => script.sample(s, v) };
  world = serviceWorld({
    cluster,
    metrics,
    config: shippedConfig((c) => ({ ...c, triggers: { ...c.triggers, autoRollback } })),
  });
  const script = new Script(() => world.clock.now(), at);
  world.timers.start();
  world.evaluator?.start();
  return { script, router: cluster.forService('prompt-service').router };
}

const incidents = () => world.queries.recentIncidents(10);
const notices = (kind: string) => world.notifier.notices.filter((n) => n.notice.kind === kind).map((n) => n.notice);

describe('evaluator', () => {
  it('a breach shorter than the confirmation window does not fire', async () => {
    boot((m) => (m >= 1 && m < 2.5 ? { ...HEALTHY, error_rate: 0.07 } : HEALTHY));
    await world.clock.advance(10 * MIN);
    expect(incidents()).toEqual([]);
  });

  it('a held warning breach fires once, two minutes after it began, opening one incident with the matrix', async () => {
    boot((m) => (m >= 1 ? { ...HEALTHY, error_rate: 0.072 } : HEALTHY));
    await world.clock.advance(20 * MIN);
    const list = incidents();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      service: 'prompt-service',
      version: 'v2.0.0',
      severity: 'warning',
      status: 'awaiting_decision',
      startedAt: T0 + 3 * MIN,
    });
    expect(notices('tier_fired')).toEqual([
      {
        kind: 'tier_fired',
        tier: 'warning',
        version: 'v2.0.0',
        breaches: [{ metric: 'error_rate', op: '>', threshold: 0.05, value: 0.072 }],
      },
    ]);
    const head = world.queries.incident(list[0]?.id ?? '');
    expect(head?.breaches).toEqual([{ metric: 'error_rate', op: '>', threshold: 0.05, value: 0.072 }]);
  });

  it('critical with autoRollback: critical starts the immediate rollback itself, once', async () => {
    const { router } = boot((m) => (m >= 1 ? { ...HEALTHY, error_rate: 0.12 } : HEALTHY));
    await world.clock.advance(10 * MIN);
    const [incident] = incidents();
    expect(incident?.severity).toBe('critical');
    const rollbacks = world.store.rollbacks.history();
    expect(rollbacks.map((r) => [r.strategy, r.fromVersion, r.toVersion, r.startedBy])).toEqual([
      ['immediate', 'v2.0.0', 'v1.5.0', 'rewind'],
    ]);
    expect(router.writes.at(-1)).toEqual({ 'v2.0.0': 0, 'v1.5.0': 100, 'v1.0.0': 0 });
    expect(notices('automatic_rollback')).toHaveLength(1);
    expect(world.store.audit.list({ actorId: 'rewind' }).map((a) => a.action)).toContain('rollback.immediate');
  });

  it('watch opens a quiet incident and halves the evaluation interval until it clears', async () => {
    const { script } = boot((m) => (m >= 1 && m < 8 ? { ...HEALTHY, error_rate: 0.03 } : HEALTHY));
    await world.clock.advance(12 * MIN);
    const [incident] = incidents();
    expect(incident).toMatchObject({ severity: 'watch', status: 'detected' });
    const gaps = script.calls.slice(1).map((t, i) => t - (script.calls[i] ?? 0));
    // 30 s rounds, then 15 s while the watch tier fires (from minute 3), then 30 s again after it clears.
    expect(gaps.slice(0, 5)).toEqual([30_000, 30_000, 30_000, 30_000, 30_000]);
    expect(gaps).toContain(15_000);
    expect(gaps.at(-1)).toBe(30_000);
    expect(notices('tier_cleared')).toEqual([{ kind: 'tier_cleared', tier: 'watch', version: 'v2.0.0' }]);
  });

  it('a watch that rises to warning becomes the incident that asks for a decision', async () => {
    boot((m) =>
      m >= 1 && m < 5 ? { ...HEALTHY, error_rate: 0.03 } : m >= 5 ? { ...HEALTHY, error_rate: 0.07 } : HEALTHY,
    );
    await world.clock.advance(12 * MIN);
    const list = incidents();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ severity: 'warning', status: 'awaiting_decision' });
    expect(notices('severity_raised')).toEqual([{ kind: 'severity_raised', from: 'watch', to: 'warning' }]);
  });

  it('keeps evaluating across a restart without losing the pending confirmation', async () => {
    boot((m) => (m >= 1 ? { ...HEALTHY, error_rate: 0.072 } : HEALTHY));
    await world.clock.advance(2 * MIN);
    expect(world.store.triggerStates.get('prompt-service', 'v2.0.0')?.tiers.warning.pendingSince).toBe(T0 + MIN);
    world.evaluator?.start(); // a second start arms nothing new: one round is already pending
    const rounds = world.store.timers.list({ kind: 'evaluate', status: 'pending' });
    const services = rounds.map((t) => z.object({ service: z.string() }).parse(t.payload).service);
    expect(services.filter((service) => service === 'prompt-service')).toHaveLength(1);
  });

  it('deletes fired rounds older than a week (at most once an hour) and keeps evaluating', async () => {
    boot(() => HEALTHY);
    const fired = () => world.store.timers.list({ kind: 'evaluate', status: 'done' });
    await world.clock.advance(60 * MIN); // an hour of 30 s rounds for both services
    const hour = fired().length;
    expect(hour).toBeGreaterThanOrEqual(2 * 119);
    world.clock.jumpTo(world.clock.now() + 7 * 24 * 60 * MIN + 30 * MIN);
    await world.clock.advance(MIN);
    // Everything of that first hour is now more than a week old: deleted; the rounds since are kept.
    const left = fired();
    expect(left.length).toBeGreaterThan(0);
    expect(left.length).toBeLessThan(10);
    expect(left.every((t) => t.dueAt > T0 + 60 * MIN)).toBe(true);
    expect(world.store.timers.list({ kind: 'evaluate', status: 'pending' })).toHaveLength(2);
  });
});

describe('evaluator shutdown', () => {
  it('stop waits for the round in flight and schedules no more rounds, so nothing runs on a closed store', async () => {
    const held: Array<() => void> = [];
    let waiting = 0;
    const cluster = new FakeCluster();
    cluster.forService('prompt-service').router.split = { 'v2.0.0': 100, 'v1.5.0': 0, 'v1.0.0': 0 };
    cluster.forService('prompt-service-staging').router.split = { 'v2.0.0': 0, 'v1.5.0': 100, 'v1.0.0': 0 };
    // A metrics backend that answers only when told: a round is in flight when the bot stops.
    const metrics: MetricsSource = {
      sample: () =>
        new Promise<MetricSample>((resolve) => {
          waiting++;
          held.push(() => resolve(HEALTHY));
        }),
    };
    world = serviceWorld({ cluster, metrics });
    world.timers.start();
    world.evaluator?.start();
    await world.clock.advance(1_000);
    expect(waiting).toBeGreaterThan(0);
    await world.timers.stop();
    let stopped = false;
    const stopping = world.evaluator!.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false); // the round is still waiting on its metrics
    const pendingBefore = world.store.timers.list({ kind: 'evaluate', status: 'pending' }).length;
    for (let i = 0; i < 1_000 && !stopped; i++) {
      for (const answer of held.splice(0)) answer();
      await new Promise((r) => setImmediate(r));
    }
    await stopping;
    // no next round armed
    expect(world.store.timers.list({ kind: 'evaluate', status: 'pending' }).length).toBe(pendingBefore);
  });
});
