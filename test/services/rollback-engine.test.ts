/**
 * The rollback engine on a compressed clock, with an in-memory cluster: the steps of the runbook,
 * abortIf, pause/resume, failures and restarts. The exact Kubernetes requests are tested against
 * the API stand-in elsewhere.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MetricSample } from '../../src/domain/metrics.ts';
import { BOT_ACTOR, type Actor } from '../../src/domain/types.ts';
import type { ManualClock } from '../../src/clock.ts';
import type { MetricsSource } from '../../src/services/ports.ts';
import { refusalLine } from '../../src/services/refusals.ts';
import { FakeCluster, serverError } from '../support/fake-cluster.ts';
import { serviceWorld, shippedConfig, T0, type ServiceWorld } from '../support/services.ts';

const MIN = 60_000;
const LEAD: Actor = { kind: 'user', id: 'U0LEAD' };
const HEALTHY: MetricSample = {
  error_rate: 0.004,
  availability: 0.999,
  p50_latency: 400,
  p95_latency: 1500,
  p99_latency: 2500,
  hallucination_rate: 0.02,
  user_complaints: 0,
};

/** v2.0.0 is bad until `badUntil`; every other version is healthy. */
class ScriptedMetrics implements MetricsSource {
  badUntil = Infinity;
  constructor(private readonly clock: ManualClock) {}
  async sample(_service: string, version: string): Promise<MetricSample> {
    if (version === 'v2.0.0' && this.clock.now() < this.badUntil)
      return { ...HEALTHY, error_rate: 0.072, availability: 0.97 };
    return HEALTHY;
  }
}

let world: ServiceWorld;
let dir: string | undefined;
afterEach(async () => {
  await world?.timers.stop();
  world?.store.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function boot(
  options: {
    cluster?: FakeCluster;
    dryRun?: boolean;
    file?: string;
    clock?: ManualClock;
    metrics?: 'scripted' | 'none';
  } = {},
) {
  const cluster = options.cluster ?? new FakeCluster();
  const config = shippedConfig((c) => ({ ...c, rollback: { ...c.rollback, dryRun: options.dryRun ?? false } }));
  // The metrics read the world's clock; the world reads the metrics only once it runs.
  const lazy: MetricsSource = { sample: (s, v) => metrics.sample(s, v) };
  world = serviceWorld({
    config,
    cluster,
    ...(options.metrics === 'none' ? {} : { metrics: lazy }),
    ...(options.file ? { file: options.file } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const metrics = new ScriptedMetrics(world.clock);
  cluster.now = () => world.clock.now();
  world.timers.start();
  return {
    cluster,
    router: cluster.forService('prompt-service').router,
    checks: cluster.forService('prompt-service').checks,
    metrics,
  };
}

async function rollBack(strategy: 'immediate' | 'gradual') {
  const { incident } = world.incidents.open(
    { service: 'prompt-service', version: 'v2.0.0', severity: 'warning', title: 'error_rate 7.2% > 5%', drill: false },
    BOT_ACTOR,
  );
  world.incidents.transition(incident.id, 'awaiting_decision', BOT_ACTOR);
  const plan = await world.rollbacks.plan({ incidentId: incident.id, strategy, to: null }, LEAD);
  if (!plan.ok) throw new Error(JSON.stringify(plan.refusal));
  const result = await world.rollbacks.request(plan.value, LEAD);
  return { incident, result };
}

const stepNotes = () =>
  world.notifier.notices
    .filter((n) => n.notice.kind === 'rollback_step')
    .map((n) => n.notice as { name: string; status: string; elapsedMs: number });

describe('immediate rollback', () => {
  it('confirm → switch → verify → post-actions, each reported; the incident resolves if metrics recover', async () => {
    const { router } = boot();
    const { incident, result } = await rollBack('immediate');
    expect(result.ok).toBe(true);
    await world.clock.advance(1_000);
    expect(router.writes).toEqual([{ 'v2.0.0': 0, 'v1.5.0': 100, 'v1.0.0': 0 }]);
    expect(world.incidents.get(incident.id).status).toBe('verifying');
    await world.clock.advance(5 * MIN);
    const [rollback] = world.store.rollbacks.history();
    expect(rollback?.status).toBe('succeeded');
    expect(world.store.rollbacks.steps(rollback?.id ?? '').map((s) => [s.name, s.status])).toEqual([
      ['confirm', 'succeeded'],
      ['switch', 'succeeded'],
      ['verify', 'succeeded'],
      ['post-actions', 'succeeded'],
    ]);
    expect(stepNotes().map((n) => [n.name, n.status])).toEqual([
      ['confirm', 'succeeded'],
      ['switch', 'succeeded'],
      ['verify', 'succeeded'],
      ['post-actions', 'succeeded'],
    ]);
    expect(world.incidents.get(incident.id).status).toBe('resolved');
    // the end is on record before the incident resolves
    expect(world.notifier.notices.map((n) => n.notice.kind).slice(-2)).toEqual(['rollback_finished', 'resolved']);
  });

  it('refuses a target with no ready replicas before touching anything', async () => {
    const { router, checks } = boot();
    checks.ready['v1.5.0'] = 0;
    const { result } = await rollBack('immediate');
    expect(result).toMatchObject({ ok: false, refusal: { kind: 'start_failed', what: 'rollback' } });
    expect(!result.ok && result.refusal.kind === 'start_failed' && refusalLine(result.refusal)).toContain(
      'has no ready replicas (0 of 2): switching traffic to it would be an outage',
    );
    await world.clock.advance(10 * MIN);
    expect(router.writes).toEqual([]);
  });

  it('Kubernetes 5xx: retried with backoff; three in a row fail the rollback, say why, escalate at once', async () => {
    const { router } = boot();
    router.failWrites = [serverError(), serverError(), serverError()];
    const { incident } = await rollBack('immediate');
    await world.clock.advance(MIN);
    const [rollback] = world.store.rollbacks.history();
    expect(rollback?.status).toBe('failed');
    expect(rollback?.error).toContain('failed (after 3 attempts): etcdserver: request timed out');
    expect(router.writes).toEqual([]);
    const escalation = world.incidents.timeline(incident.id).find((e) => e.kind === 'escalation');
    expect(escalation?.detail).toMatchObject({ level: 1, early: true });
    expect(world.incidents.get(incident.id).status).toBe('awaiting_decision');
    expect(world.notifier.notices.at(-1)?.notice).toMatchObject({ kind: 'rollback_finished', outcome: 'failed' });
  });

  it('one 5xx is retried and the switch goes through', async () => {
    const { router } = boot();
    router.failWrites = [serverError()];
    await rollBack('immediate');
    await world.clock.advance(MIN);
    expect(router.writes).toEqual([{ 'v2.0.0': 0, 'v1.5.0': 100, 'v1.0.0': 0 }]);
  });

  it('dry run changes nothing and says what it would have sent', async () => {
    const { router } = boot({ dryRun: true });
    await rollBack('immediate');
    await world.clock.advance(10 * MIN);
    expect(router.writes).toEqual([]);
    const sw = world.notifier.notices
      .map((n) => n.notice)
      .find((n) => n.kind === 'rollback_step' && n.name === 'switch');
    expect(sw?.kind === 'rollback_step' && sw.facts.filter((f) => f.kind === 'dry_run_change')).toEqual([
      expect.objectContaining({
        kind: 'dry_run_change',
        method: 'PUT',
        target: 'VirtualService prompts/prompt-service',
      }),
    ]);
  });
});

describe('gradual rollback', () => {
  it('50 → 25 → 5 → 0 with ten minutes of observation per phase', async () => {
    const { router, metrics } = boot();
    metrics.badUntil = 0; // healthy enough that abortIf never holds
    await rollBack('gradual');
    await world.clock.advance(40 * MIN);
    expect(router.writes.map((w) => w['v2.0.0'])).toEqual([25, 5, 0]);
    expect(router.writeTimes.map((t) => t - T0)).toEqual([0, 10 * MIN, 20 * MIN]);
    const [rollback] = world.store.rollbacks.history();
    expect(rollback?.currentPhase).toBe(2);
  });

  it('abortIf (error_rate > 5%) during a phase goes straight to 0 and says why', async () => {
    const { router } = boot(); // v2.0.0 keeps a 7.2% error rate
    await rollBack('gradual');
    await world.clock.advance(2 * MIN);
    expect(router.writes.map((w) => w['v2.0.0'])).toEqual([25, 0]);
    const [rollback] = world.store.rollbacks.history();
    expect(world.store.rollbacks.steps(rollback?.id ?? '').map((s) => [s.name, s.status])).toEqual([
      ['confirm', 'succeeded'],
      ['set 25%', 'succeeded'],
      ['observe 10m', 'failed'],
      ['set 5%', 'skipped'],
      ['observe 10m', 'skipped'],
      ['set 0%', 'succeeded'],
      ['verify', 'running'],
      ['post-actions', 'pending'],
    ]);
    const observed = world.store.rollbacks.steps(rollback?.id ?? '').find((s) => s.name === 'observe 10m')?.detail;
    expect(observed?.kind === 'observe' && observed.abortIf).toBe(
      'error_rate of v2.0.0 7.2% (abortIf: error_rate > 5%)',
    );
    const held = world.notifier.notices
      .map((n) => n.notice)
      .find((n) => n.kind === 'rollback_step' && n.status === 'failed');
    expect(held?.kind === 'rollback_step' && held.facts).toEqual([
      { kind: 'abort_if_held', metric: 'error_rate', version: 'v2.0.0', value: 0.072, condition: 'error_rate > 5%' },
      { kind: 'next', next: { kind: 'straight_to_zero' } },
    ]);
  });

  it('pause keeps the rest of the observation window; resume continues from there', async () => {
    const { router, metrics } = boot();
    metrics.badUntil = 0;
    await rollBack('gradual');
    await world.clock.advance(4 * MIN);
    expect((await world.rollbacks.control({ service: 'prompt-service' }, 'pause', LEAD)).ok).toBe(true);
    await world.clock.advance(30 * MIN);
    expect(router.writes.map((w) => w['v2.0.0'])).toEqual([25]);
    expect((await world.rollbacks.control({ service: 'prompt-service' }, 'resume', LEAD)).ok).toBe(true);
    await world.clock.advance(6 * MIN - 1_000);
    expect(router.writes.map((w) => w['v2.0.0'])).toEqual([25]);
    await world.clock.advance(2_000);
    expect(router.writes.map((w) => w['v2.0.0'])).toEqual([25, 5]);
  });

  it('abort stops where it is, leaves traffic as it is, and hands the decision back', async () => {
    const { router, metrics } = boot();
    metrics.badUntil = 0;
    const { incident } = await rollBack('gradual');
    await world.clock.advance(MIN);
    await world.rollbacks.control({ service: 'prompt-service' }, 'abort', LEAD);
    await world.clock.advance(60 * MIN);
    expect(router.writes.map((w) => w['v2.0.0'])).toEqual([25]);
    expect(world.store.rollbacks.history()[0]?.status).toBe('aborted');
    expect(world.incidents.get(incident.id).status).toBe('awaiting_decision');
  });

  it('a restart in the middle of phase 2 continues from phase 2 without repeating a patch', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rewind-engine-'));
    const file = path.join(dir, 'rewind.db');
    const cluster = new FakeCluster();
    const first = boot({ cluster, file });
    first.metrics.badUntil = 0;
    await rollBack('gradual');
    await world.clock.advance(15 * MIN); // phase 2 (5%) is being observed
    expect(first.router.writes.map((w) => w['v2.0.0'])).toEqual([25, 5]);
    const clock = world.clock;
    await world.timers.stop();
    world.store.close();
    clock.jumpTo(clock.now() + 2 * MIN); // down for two minutes

    const second = boot({ cluster, file, clock });
    second.metrics.badUntil = 0;
    await world.clock.advance(20 * MIN);
    expect(second.router.writes.map((w) => w['v2.0.0'])).toEqual([25, 5, 0]);
    expect(world.store.rollbacks.history()[0]?.status).toBe('succeeded');
  });
});

describe('planned rollback', () => {
  async function plan(at: number) {
    const { incident } = world.incidents.open(
      {
        service: 'prompt-service',
        version: 'v2.0.0',
        severity: 'watch',
        title: 'hallucination rate creeping up',
        drill: false,
      },
      BOT_ACTOR,
    );
    const planned = await world.rollbacks.plan({ incidentId: incident.id, strategy: 'gradual', to: null, at }, LEAD);
    if (!planned.ok) throw new Error(JSON.stringify(planned.refusal));
    return { incident, result: await world.rollbacks.request(planned.value, LEAD) };
  }

  it('is confirmed now, reminded 15 minutes before, and runs as gradual at its time', async () => {
    const { router, metrics } = boot();
    metrics.badUntil = 0;
    const at = T0 + 2 * 60 * MIN;
    const { result } = await plan(at);
    expect(result.ok && result.value.state).toBe('scheduled');
    expect(world.store.rollbacks.history()[0]).toMatchObject({ status: 'scheduled', scheduledFor: at });
    expect(world.notifier.notices.map((n) => n.notice.kind)).toContain('rollback_scheduled');
    await world.clock.advance(105 * MIN - 1_000);
    expect(world.notifier.notices.map((n) => n.notice.kind)).not.toContain('rollback_reminder');
    await world.clock.advance(1_000);
    expect(world.notifier.notices.at(-1)?.notice).toMatchObject({ kind: 'rollback_reminder', at });
    expect(router.writes).toEqual([]);
    await world.clock.advance(15 * MIN);
    expect(router.writes.map((w) => w['v2.0.0'])).toEqual([25]);
    expect(router.writeTimes).toEqual([at]);
  });

  it('can be cancelled until it runs; nothing moves and the slot is free again', async () => {
    const { router } = boot();
    await plan(T0 + 60 * MIN);
    expect((await world.rollbacks.control({ service: 'prompt-service' }, 'abort', LEAD)).ok).toBe(true);
    await world.clock.advance(3 * 60 * MIN);
    expect(router.writes).toEqual([]);
    expect(world.store.rollbacks.history()[0]?.status).toBe('cancelled');
    expect(world.store.timers.list({ kind: 'planned_rollback' }).map((t) => t.status)).toEqual([
      'cancelled',
      'cancelled',
    ]);
  });
});

describe('verification', () => {
  it('samples the target across the verify window, reports before → after with the readings per metric', async () => {
    boot();
    await rollBack('immediate');
    await world.clock.advance(6 * MIN);
    const verify = world.notifier.notices
      .map((n) => n.notice)
      .find((n) => n.kind === 'rollback_step' && n.name === 'verify');
    if (!verify || verify.kind !== 'rollback_step') throw new Error('no verify step reported');
    const moves = Object.fromEntries((verify.moves ?? []).map((m) => [m.metric, m]));
    // The baseline of v2.0.0 leads the ten readings of v1.5.0, so the chart shows the drop.
    expect(moves.error_rate).toEqual({
      metric: 'error_rate',
      before: 0.072,
      after: 0.004,
      series: [0.072, ...Array<number>(10).fill(0.004)],
      thresholds: [
        { op: '>', threshold: 0.1 },
        { op: '>', threshold: 0.05 },
        { op: '>', threshold: 0.02 },
      ],
    });
    expect([moves.availability?.before, moves.availability?.after]).toEqual([0.97, 0.999]);
    expect(verify.facts).toEqual([{ kind: 'verdict', recovered: true }]);
    const steps = world.store.rollbacks.steps(world.store.rollbacks.history()[0]?.id ?? '');
    const verifyDetail = steps.find((s) => s.name === 'verify')?.detail;
    const series = verifyDetail?.kind === 'verify' ? (verifyDetail.series ?? {}) : {};
    expect(series.error_rate).toHaveLength(10); // every 30 s across 5 minutes
  });

  it('not recovered: the rollback fails, escalation is called, and the next version down is offered', async () => {
    const { metrics } = boot();
    const bad = { ...HEALTHY, error_rate: 0.12 };
    metrics.sample = async () => bad; // every version is failing: the rollback cannot help
    const { incident } = await rollBack('immediate');
    await world.clock.advance(6 * MIN);
    const [rollback] = world.store.rollbacks.history();
    expect(rollback?.status).toBe('failed');
    expect(rollback?.error).toContain('not recovered after 5m on v1.5.0: error_rate > 10%');
    expect(world.notifier.notices.map((n) => n.notice)).toContainEqual({
      kind: 'not_recovered',
      rollbackId: rollback?.id,
      incidentId: incident.id,
      breaching: ['error_rate > 10%', 'error_rate > 5%', 'error_rate > 2%'],
    });
    expect(world.incidents.timeline(incident.id).some((e) => e.kind === 'escalation' && e.detail.early === true)).toBe(
      true,
    );
    // The offered next step goes on from where traffic is now: v1.5.0 → v1.0.0.
    const next = await world.rollbacks.plan({ incidentId: incident.id, strategy: 'immediate', to: null }, LEAD);
    expect(next).toMatchObject({ ok: true, value: { fromVersion: 'v1.5.0', toVersion: 'v1.0.0' } });
  });
});
