/**
 * The cautious canary that re-deploys a fix (修正版の準備 → より慎重なカナリア（1%開始）) on a
 * compressed clock with an in-memory cluster: 1% first, the configured steps, the fix's own metrics
 * watched against abortIf, and every way it can stop sending all traffic back to the stable version.
 * The exact Kubernetes requests are tested through Slack against the API stand-in (flow/canary).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.ts';
import type { MetricSample } from '../../src/domain/metrics.ts';
import { BOT_ACTOR, type Actor } from '../../src/domain/types.ts';
import type { ManualClock } from '../../src/clock.ts';
import type { MetricsSource } from '../../src/services/ports.ts';
import { FakeCluster, serverError } from '../support/fake-cluster.ts';
import { refusalText } from '../../src/adapters/slack/blocks/refusals.ts';
import { serviceWorld, shippedConfig, type ServiceWorld } from '../support/services.ts';

const MIN = 60_000;
const LEAD: Actor = { kind: 'user', id: 'U0LEAD' };
const MALLORY: Actor = { kind: 'user', id: 'U0MALLORY' };
const HEALTHY: MetricSample = {
  error_rate: 0.004,
  availability: 0.999,
  p50_latency: 400,
  p95_latency: 1500,
  p99_latency: 2500,
  hallucination_rate: 0.02,
  user_complaints: 0,
};
const BAD: MetricSample = { ...HEALTHY, error_rate: 0.072, availability: 0.97 };

/** Per version: bad from/until the given times; healthy otherwise. */
class ScriptedMetrics implements MetricsSource {
  bad: Record<string, { from: number; until: number }> = { 'v2.0.0': { from: 0, until: Infinity } };
  constructor(private readonly clock: ManualClock) {}
  async sample(_service: string, version: string): Promise<MetricSample> {
    const b = this.bad[version];
    const now = this.clock.now();
    return b && now >= b.from && now < b.until ? BAD : HEALTHY;
  }
}

/** The shipped config with the fix v2.0.1 configured (newest first), as a team adds it before re-deploying. */
function withFix(c: Config): Config {
  const svc = c.services['prompt-service'];
  if (!svc) throw new Error('no prompt-service');
  const fix = {
    ...svc.versions[0],
    version: 'v2.0.1',
    deployment: 'prompt-service-v2-0-1',
    backend: 'prompt-service-v2-0-1',
    subset: 'v2-0-1',
  } as (typeof svc.versions)[number];
  return { ...c, services: { ...c.services, 'prompt-service': { ...svc, versions: [fix, ...svc.versions] } } };
}

let world: ServiceWorld;
afterEach(async () => {
  await world?.timers.stop();
  world?.store.close();
});

function boot(patch: (c: Config) => Config = (c) => c) {
  const cluster = new FakeCluster();
  // The metrics read the world's clock; the world reads the metrics only once it runs.
  const lazy: MetricsSource = { sample: (s, v) => metrics.sample(s, v) };
  world = serviceWorld({ config: shippedConfig((c) => patch(withFix(c))), cluster, metrics: lazy });
  const metrics = new ScriptedMetrics(world.clock);
  cluster.now = () => world.clock.now();
  world.timers.start();
  return { router: cluster.forService('prompt-service').router, metrics };
}

/** An incident on v2.0.0, rolled back at once to v1.5.0 and resolved by the verification. */
async function rolledBack() {
  const { incident } = world.incidents.open(
    { service: 'prompt-service', version: 'v2.0.0', severity: 'warning', title: 'error_rate 7.2% > 5%', drill: false },
    BOT_ACTOR,
  );
  world.incidents.transition(incident.id, 'awaiting_decision', BOT_ACTOR);
  const plan = await world.rollbacks.plan({ incidentId: incident.id, strategy: 'immediate', to: null }, LEAD);
  if (!plan.ok) throw new Error(JSON.stringify(plan.refusal));
  await world.rollbacks.request(plan.value, LEAD);
  await world.clock.advance(6 * MIN);
  expect(world.incidents.get(incident.id).status).toBe('resolved');
  return incident;
}

const fixShares = (writes: Array<Record<string, number>>) => writes.map((w) => [w['v2.0.1'] ?? 0, w['v1.5.0'] ?? 0]);
const canaryOf = (incidentId: string) =>
  world.store.rollbacks.listForIncident(incidentId).find((r) => r.strategy === 'canary');

describe('cautious canary after a rollback', () => {
  it(
    'goes 1% → 5% → 25% → 50% → 100% on the fix, each step watched 20m, verified for 10m, and the incident stays ' +
      'resolved',
    async () => {
      const { router } = boot();
      const incident = await rolledBack();
      const before = router.writes.length;

      const plan = await world.canary.plan({ incidentId: incident.id, version: null }, LEAD);
      expect(plan.ok && plan.value).toMatchObject({
        fromVersion: 'v1.5.0',
        candidates: ['v2.0.1', 'v1.0.0'],
        steps: [1, 5, 25, 50, 100],
        observeMs: 20 * MIN,
      });
      const result = await world.canary.request(incident.id, 'v2.0.1', LEAD);
      expect(result.ok && result.value.state).toBe('started');

      await world.clock.advance(1_000);
      expect(fixShares(router.writes.slice(before))).toEqual([[1, 99]]); // 1% first
      await world.clock.advance(20 * MIN);
      expect(fixShares(router.writes.slice(before))).toEqual([
        [1, 99],
        [5, 95],
      ]);
      await world.clock.advance(3 * 20 * MIN);
      expect(fixShares(router.writes.slice(before))).toEqual([
        [1, 99],
        [5, 95],
        [25, 75],
        [50, 50],
        [100, 0],
      ]);
      const canary = canaryOf(incident.id);
      expect(canary?.status).toBe('running'); // verifying the fix at 100% for twice the verify window
      await world.clock.advance(10 * MIN + 1_000);

      expect(canaryOf(incident.id)?.status).toBe('succeeded');
      expect(world.store.rollbacks.steps(canary?.id ?? '').map((s) => s.name)).toEqual([
        'confirm',
        'canary 1%',
        'observe 20m',
        'canary 5%',
        'observe 20m',
        'canary 25%',
        'observe 20m',
        'canary 50%',
        'observe 20m',
        'canary 100%',
        'verify',
        'post-actions',
      ]);
      const verify = world.store.rollbacks.steps(canary?.id ?? '').find((s) => s.name === 'verify');
      expect((verify?.finishedAt ?? 0) - (verify?.startedAt ?? 0)).toBeGreaterThanOrEqual(10 * MIN);
      const kinds = world.store.incidents.timeline(incident.id).map((e) => e.kind);
      expect(kinds.filter((k) => k.startsWith('canary_'))).toEqual([
        'canary_requested',
        'canary_started',
        'canary_succeeded',
      ]);
      expect(world.incidents.get(incident.id).status).toBe('resolved');
      // The stakeholder notice and post-mortem ran once, for the rollback, not again for the canary.
      expect(world.notifier.notices.filter((n) => n.notice.kind === 'postmortem_scheduled')).toHaveLength(1);
    },
  );

  it('abortIf on the fix (error_rate 7.2% at 1%) sends it straight back to 0%; the canary ends aborted', async () => {
    const { router, metrics } = boot();
    const incident = await rolledBack();
    metrics.bad['v2.0.1'] = { from: 0, until: Infinity };
    const before = router.writes.length;
    await world.canary.request(incident.id, 'v2.0.1', LEAD);
    await world.clock.advance(2 * MIN);

    expect(fixShares(router.writes.slice(before))).toEqual([
      [1, 99],
      [0, 100],
    ]);
    const canary = canaryOf(incident.id);
    expect(canary?.status).toBe('aborted');
    expect(canary?.error).toContain('error_rate of v2.0.1 7.2% (abortIf: error_rate > 5%)');
    expect(world.store.rollbacks.steps(canary?.id ?? '').map((s) => [s.name, s.status])).toEqual([
      ['confirm', 'succeeded'],
      ['canary 1%', 'succeeded'],
      ['observe 20m', 'failed'],
      ['canary 5%', 'skipped'],
      ['observe 20m', 'skipped'],
      ['canary 25%', 'skipped'],
      ['observe 20m', 'skipped'],
      ['canary 50%', 'skipped'],
      ['observe 20m', 'skipped'],
      ['canary 100%', 'skipped'],
      ['verify', 'skipped'],
      ['post-actions', 'skipped'],
      ['back to stable', 'succeeded'],
      ['canary stopped', 'succeeded'],
    ]);
    const finished = world.notifier.notices.find(
      (n) => n.notice.kind === 'rollback_finished' && n.notice.rollbackId === canary?.id,
    )?.notice as { outcome: string; reason: string };
    expect(finished.outcome).toBe('aborted');
    expect(finished.reason).toContain('all traffic is back on v1.5.0');
    // Nothing else moves afterwards, and the stable version is where the next canary starts.
    await world.clock.advance(60 * MIN);
    expect(router.writes.length - before).toBe(2);
    const again = await world.canary.plan({ incidentId: incident.id, version: null }, LEAD);
    expect(again.ok && again.value.fromVersion).toBe('v1.5.0');
  });

  it('not healthy at 100% during the doubled verification: back to the stable version', async () => {
    const { router, metrics } = boot();
    const incident = await rolledBack();
    const before = router.writes.length;
    await world.canary.request(incident.id, 'v2.0.1', LEAD);
    await world.clock.advance(80 * MIN + 1_000); // all four watched steps passed, now at 100%
    metrics.bad['v2.0.1'] = { from: world.clock.now(), until: Infinity };
    await world.clock.advance(11 * MIN);
    expect(fixShares(router.writes.slice(before)).at(-1)).toEqual([0, 100]);
    expect(canaryOf(incident.id)?.status).toBe('aborted');
    expect(canaryOf(incident.id)?.error).toContain('not healthy after 10m on v2.0.1');
  });

  it('Abort by a person sends the fix back to 0% (unlike a rollback, which stays where it is)', async () => {
    const { router } = boot();
    const incident = await rolledBack();
    const before = router.writes.length;
    await world.canary.request(incident.id, 'v2.0.1', LEAD);
    await world.clock.advance(25 * MIN); // at 5%
    expect((await world.rollbacks.control({ service: 'prompt-service' }, 'abort', LEAD)).ok).toBe(true);
    await world.clock.advance(1_000);
    expect(fixShares(router.writes.slice(before))).toEqual([
      [1, 99],
      [5, 95],
      [0, 100],
    ]);
    expect(canaryOf(incident.id)?.status).toBe('aborted');
    expect(canaryOf(incident.id)?.error).toBe('stopped by U0LEAD');
  });

  it('a routing write failing three times goes back to the stable version, not leaving the fix half in', async () => {
    const { router } = boot();
    const incident = await rolledBack();
    const before = router.writes.length;
    await world.canary.request(incident.id, 'v2.0.1', LEAD);
    await world.clock.advance(1_000);
    router.failWrites = [serverError(), serverError(), serverError()];
    await world.clock.advance(21 * MIN);
    expect(fixShares(router.writes.slice(before))).toEqual([
      [1, 99],
      [0, 100],
    ]);
    expect(canaryOf(incident.id)?.status).toBe('aborted');
    expect(canaryOf(incident.id)?.error).toContain('after 3 attempts');
  });

  it('if even the way back fails, the canary fails and a person is paged though the incident is resolved', async () => {
    const { router } = boot();
    const incident = await rolledBack();
    const before = router.writes.length;
    await world.canary.request(incident.id, 'v2.0.1', LEAD);
    await world.clock.advance(1_000);
    // 5%, then back to stable
    router.failWrites = Array.from({ length: 6 }, () => serverError('etcdserver: no leader'));
    await world.clock.advance(21 * MIN);
    expect(fixShares(router.writes.slice(before))).toEqual([[1, 99]]); // stuck at 1%
    const canary = canaryOf(incident.id);
    expect(canary?.status).toBe('failed');
    expect(canary?.error).toContain('etcdserver: no leader');
    const paged = world.store.incidents
      .timeline(incident.id)
      .flatMap((e) => (e.kind === 'escalation' && e.detail.early === true ? [e.detail] : []));
    expect(paged).toHaveLength(1);
    expect(paged[0]?.reason).toMatchObject({ kind: 'engine_failed', noun: 'canary', rollbackId: canary?.id });
  });

  it('refuses to start when the routing is not all on the stable version, and moves nothing', async () => {
    const { router } = boot();
    const incident = await rolledBack();
    // Someone moved traffic by hand since (or the stable version was guessed wrong): half on v2.0.0.
    router.split = { 'v2.0.0': 50, 'v1.5.0': 50, 'v1.0.0': 0 };
    const before = router.writes.length;
    await world.canary.request(incident.id, 'v2.0.1', LEAD);
    await world.clock.advance(MIN);
    expect(router.writes.length).toBe(before);
    const canary = canaryOf(incident.id);
    expect(canary?.status).toBe('failed');
    expect(canary?.error).toContain(
      'not all traffic on v1.5.0: a canary starts from the stable version. Nothing was changed',
    );
    expect(world.store.rollbacks.steps(canary?.id ?? '').map((x) => x.name)).not.toContain('back to stable');
  });

  it('while a fix is tried (修正を試みる), a healthy canary resolves the incident', async () => {
    const { router } = boot();
    router.split = { 'v2.0.0': 100, 'v1.5.0': 0, 'v1.0.0': 0 }; // the version the incident is about serves all
    const { incident } = world.incidents.open(
      { service: 'prompt-service', version: 'v2.0.0', severity: 'warning', title: 'hallucination up', drill: false },
      BOT_ACTOR,
    );
    world.incidents.transition(incident.id, 'awaiting_decision', BOT_ACTOR);
    expect(world.decisions.decide(incident.id, 'fix', LEAD).ok).toBe(true);
    const plan = await world.canary.plan({ incidentId: incident.id, version: null }, LEAD);
    expect(plan.ok && plan.value).toMatchObject({ fromVersion: 'v2.0.0', candidates: ['v2.0.1', 'v1.5.0', 'v1.0.0'] });
    await world.canary.request(incident.id, 'v2.0.1', LEAD);
    await world.clock.advance(91 * MIN);
    expect(router.writes.map((w) => [w['v2.0.1'] ?? 0, w['v2.0.0'] ?? 0])).toEqual([
      [1, 99],
      [5, 95],
      [25, 75],
      [50, 50],
      [100, 0],
    ]);
    expect(world.incidents.get(incident.id).status).toBe('resolved');
    const last = world.store.incidents.timeline(incident.id).at(-1);
    expect(last?.kind === 'status' ? last.detail.reason : last?.kind).toEqual({
      kind: 'fix_deployed_as_canary',
      version: 'v2.0.1',
    });
  });
});

describe('cautious canary approvals', () => {
  it('with requiredApprovals: 2 it waits for a second approver, then starts at 1%', async () => {
    const { router } = boot((c) => ({ ...c, slack: { ...c.slack, requiredApprovals: 2 } }));
    router.split = { 'v2.0.0': 100, 'v1.5.0': 0, 'v1.0.0': 0 };
    const { incident } = world.incidents.open(
      { service: 'prompt-service', version: 'v2.0.0', severity: 'warning', title: 'x', drill: false },
      BOT_ACTOR,
    );
    world.incidents.resolve(incident.id, LEAD, {});
    const requested = await world.canary.request(incident.id, 'v2.0.1', LEAD);
    expect(requested.ok && requested.value).toMatchObject({ state: 'awaiting_approval', have: 1, need: 2 });
    await world.clock.advance(MIN);
    expect(router.writes).toEqual([]);
    // Nothing has started: the thread hears of the request for approval, not of a start.
    expect(world.notifier.notices.filter((n) => n.notice.kind === 'rollback_requested')).toEqual([]);
    const id = canaryOf(incident.id)?.id ?? '';
    expect((await world.rollbacks.approve(id, LEAD)).ok).toBe(false); // the same person twice is one approval
    expect((await world.rollbacks.approve(id, { kind: 'user', id: 'U0ALICE' })).ok).toBe(true);
    await world.clock.advance(1_000);
    expect(fixShares(router.writes)).toEqual([[1, 0]]);
    expect(router.writes[0]?.['v2.0.0']).toBe(99); // from the version serving when it was resolved without a rollback
  });
});

describe('a canary waiting for approval gives way', () => {
  it('to the automatic rollback of a newer incident: cancelled, said in its thread', async () => {
    boot((c) => ({ ...c, slack: { ...c.slack, requiredApprovals: 2 } }));
    const incident = await rolledBackWithTwoApprovals();
    await world.canary.request(incident.id, 'v2.0.1', LEAD);
    const waiting = canaryOf(incident.id);
    expect(waiting?.status).toBe('pending');
    const { incident: next } = world.incidents.open(
      { service: 'prompt-service', version: 'v1.5.0', severity: 'critical', title: 'v1.5.0 down', drill: false },
      BOT_ACTOR,
    );
    const auto = await world.rollbacks.automatic(next.id, 'critical tier');
    expect(auto.ok && auto.value.state).toBe('started');
    expect(world.store.rollbacks.get(waiting?.id ?? '')).toMatchObject({
      status: 'cancelled',
      error: `cancelled before it started: ${next.id} needs a rollback of prompt-service`,
    });
    expect(
      world.notifier.notices.some(
        (n) =>
          n.incidentId === incident.id && n.notice.kind === 'rollback_finished' && n.notice.rollbackId === waiting?.id,
      ),
    ).toBe(true);
    // The thread is told why as data, so each reader gets it in their language.
    const told = world.notifier.notices.find(
      (n) => n.notice.kind === 'rollback_finished' && n.notice.rollbackId === waiting?.id,
    );
    expect(told?.notice).toMatchObject({
      outcome: 'aborted',
      why: { kind: 'superseded', incidentId: next.id, service: 'prompt-service' },
    });
  });

  it('its second approver, too late, is told of the rollback holding the service, not that it runs', async () => {
    boot((c) => ({ ...c, slack: { ...c.slack, requiredApprovals: 2 } }));
    const incident = await rolledBackWithTwoApprovals();
    await world.canary.request(incident.id, 'v2.0.1', LEAD);
    const waiting = canaryOf(incident.id);
    const { incident: next } = world.incidents.open(
      { service: 'prompt-service', version: 'v1.5.0', severity: 'critical', title: 'v1.5.0 down', drill: false },
      BOT_ACTOR,
    );
    const auto = await world.rollbacks.automatic(next.id, 'critical tier');
    const late = await world.rollbacks.approve(waiting?.id ?? '', { kind: 'user', id: 'U0ALICE' });
    expect(late).toEqual({
      ok: false,
      refusal: { kind: 'rollback_running', rollbackId: auto.ok && auto.value.rollback.id },
    });
    // Nothing was recorded for the cancelled canary.
    expect(world.store.approvals.list(waiting?.id ?? '').map((a) => a.approver)).toEqual([LEAD.id]);
  });
});

/** Like rolledBack, with the second approval a requiredApprovals: 2 config asks for. */
async function rolledBackWithTwoApprovals() {
  const { incident } = world.incidents.open(
    { service: 'prompt-service', version: 'v2.0.0', severity: 'warning', title: 'error_rate 7.2% > 5%', drill: false },
    BOT_ACTOR,
  );
  world.incidents.transition(incident.id, 'awaiting_decision', BOT_ACTOR);
  const plan = await world.rollbacks.plan({ incidentId: incident.id, strategy: 'immediate', to: null }, LEAD);
  if (!plan.ok) throw new Error(JSON.stringify(plan.refusal));
  const requested = await world.rollbacks.request(plan.value, LEAD);
  if (!requested.ok) throw new Error(JSON.stringify(requested.refusal));
  await world.rollbacks.approve(requested.value.rollback.id, { kind: 'user', id: 'U0ALICE' });
  await world.clock.advance(6 * MIN);
  expect(world.incidents.get(incident.id).status).toBe('resolved');
  return incident;
}

describe('cautious canary refusals (nothing is created)', () => {
  const refusalOf = async (incidentId: string, version: string | null, actor: Actor = LEAD) => {
    const r = await world.canary.plan({ incidentId, version }, actor);
    return r.ok ? null : r.refusal;
  };

  it('says what is wrong: open incident, unknown or wrong version, not an approver, blue-green routing', async () => {
    boot();
    const { incident: open } = world.incidents.open(
      { service: 'prompt-service', version: 'v2.0.0', severity: 'warning', title: 'x', drill: false },
      BOT_ACTOR,
    );
    expect(await refusalOf(open.id, null)).toEqual({
      kind: 'canary_too_early',
      incidentId: open.id,
      status: 'detected',
    });
    expect(refusalText({ kind: 'canary_too_early', incidentId: open.id, status: 'awaiting_decision' }, 'ja')).toContain(
      '修正をカナリアで投入できるのは',
    );
    expect(await refusalOf('INC-20990101-001', null)).toEqual({
      kind: 'unknown_incident',
      incidentId: 'INC-20990101-001',
    });
    await world.clock.advance(MIN);
    world.incidents.resolve(open.id, LEAD, {});
    expect(await refusalOf(open.id, 'v9.9.9')).toEqual({
      kind: 'unknown_version',
      service: 'prompt-service',
      version: 'v9.9.9',
      known: ['v2.0.1', 'v2.0.0', 'v1.5.0', 'v1.0.0'],
    });
    expect(await refusalOf(open.id, 'v2.0.0')).toEqual({
      kind: 'fix_is_serving',
      service: 'prompt-service',
      version: 'v2.0.0',
    });
    expect(refusalText({ kind: 'fix_is_serving', service: 'prompt-service', version: 'v2.0.0' }, 'en')).toContain(
      '`v2.0.0` already serves all traffic of *prompt-service*',
    );
    expect(await refusalOf(open.id, 'v2.0.1', MALLORY)).toMatchObject({ kind: 'not_approver' });
    expect(world.store.rollbacks.history()).toEqual([]);
  });

  it('a Service-selector (blue-green) service cannot take a canary', async () => {
    boot((c) => ({
      ...c,
      services: {
        ...c.services,
        'prompt-service': {
          ...c.services['prompt-service']!,
          router: { kind: 'service-selector', service: 'prompt-service' },
        },
      },
    }));
    const { incident } = world.incidents.open(
      { service: 'prompt-service', version: 'v2.0.0', severity: 'warning', title: 'x', drill: false },
      BOT_ACTOR,
    );
    world.incidents.resolve(incident.id, LEAD, {});
    expect(await refusalOf(incident.id, 'v2.0.1')).toEqual({
      kind: 'canary_not_possible',
      service: 'prompt-service',
      router: 'service-selector',
    });
    expect(
      refusalText({ kind: 'canary_not_possible', service: 'prompt-service', router: 'service-selector' }, 'en'),
    ).toContain('a fix cannot come in as a canary');
    expect(
      refusalText({ kind: 'canary_not_possible', service: 'prompt-service', router: 'service-selector' }, 'ja'),
    ).toContain('修正をカナリアで投入できません');
  });
});
