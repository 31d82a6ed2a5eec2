import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { START_WATCHDOG_MS } from '../../src/services/rollback-start.ts';
import type { RollbackEngine } from '../../src/services/ports.ts';
import { BOT_ACTOR, type Actor } from '../../src/domain/types.ts';
import { noRollbackEngine } from '../../src/services/ports.ts';
import { StartRefusedError } from '../../src/services/rollback/index.ts';
import { T0, serviceWorld, shippedConfig, type ServiceWorld } from '../support/services.ts';

const ALICE: Actor = { kind: 'user', id: 'U0ALICE' }; // approver through group S0SRE
const LEAD: Actor = { kind: 'user', id: 'U0LEAD' }; // approver by user ID
const MALLORY: Actor = { kind: 'user', id: 'U0MALLORY' }; // not an approver

let world: ServiceWorld;
afterEach(() => world?.store.close());

function incident(w: ServiceWorld) {
  const { incident } = w.incidents.open(
    { service: 'prompt-service', version: 'v2.0.0', severity: 'warning', title: 'error_rate 7% > 5%', drill: false },
    BOT_ACTOR,
  );
  w.incidents.transition(incident.id, 'awaiting_decision', BOT_ACTOR);
  return incident;
}

describe('planning a rollback', () => {
  it('plans from the incident version to the next one down the fallback chain', async () => {
    world = serviceWorld();
    const inc = incident(world);
    const plan = await world.rollbacks.plan({ incidentId: inc.id, strategy: 'gradual', to: null }, ALICE);
    expect(plan).toEqual({
      ok: true,
      // No cluster here: the share it starts from is not known, so every phase is planned.
      value: {
        incidentId: inc.id,
        service: 'prompt-service',
        fromVersion: 'v2.0.0',
        toVersion: 'v1.5.0',
        strategy: 'gradual',
        phases: [25, 5, 0],
        currentWeight: null,
        skippedPhases: [],
        requiredApprovals: 1,
        dryRun: false,
        scheduledFor: null,
      },
    });
    expect(world.directory.lookups).toEqual(['S0SRE']);
  });

  it('refuses a non-approver, audits the attempt, and changes nothing', async () => {
    world = serviceWorld();
    const inc = incident(world);
    const plan = await world.rollbacks.plan({ incidentId: inc.id, strategy: 'immediate', to: null }, MALLORY);
    expect(plan).toEqual({
      ok: false,
      refusal: {
        kind: 'not_approver',
        action: { kind: 'rollback', strategy: 'immediate' },
        approvers: ['S0SRE', 'U0LEAD'],
      },
    });
    expect(world.store.audit.list({ actorId: 'U0MALLORY' }).map((a) => [a.action, a.outcome, a.target])).toEqual([
      ['rollback.immediate', 'refused', 'prompt-service'],
    ]);
    expect(world.store.rollbacks.history()).toEqual([]);
  });

  it('refuses a version with no way down the chain, naming the known ones', async () => {
    world = serviceWorld();
    const { incident: inc } = world.incidents.open(
      { service: 'prompt-service', version: 'v1.0.0', severity: 'warning', title: 't', drill: false },
      BOT_ACTOR,
    );
    const plan = await world.rollbacks.plan({ incidentId: inc.id, strategy: 'immediate', to: null }, LEAD);
    expect(plan).toEqual({
      ok: false,
      refusal: {
        kind: 'no_target_version',
        service: 'prompt-service',
        fromVersion: 'v1.0.0',
        known: ['v2.0.0', 'v1.5.0', 'v1.0.0'],
      },
    });
  });
});

describe('requesting and starting', () => {
  it('starts at once with one approval, moves the incident to rolling_back and records who chose it', async () => {
    world = serviceWorld();
    const inc = incident(world);
    const plan = await world.rollbacks.plan({ incidentId: inc.id, strategy: 'immediate', to: 'v1.0.0' }, LEAD);
    if (!plan.ok) throw new Error('plan refused');
    const result = await world.rollbacks.request(plan.value, LEAD);
    expect(result.ok && result.value.state).toBe('started');
    expect(world.engine.started.map((r) => [r.service, r.strategy, r.fromVersion, r.toVersion, r.startedBy])).toEqual([
      ['prompt-service', 'immediate', 'v2.0.0', 'v1.0.0', 'U0LEAD'],
    ]);
    expect(world.incidents.get(inc.id).status).toBe('rolling_back');
    const kinds = world.incidents.timeline(inc.id).map((e) => [e.kind, e.actor.id]);
    expect(kinds.slice(-5)).toEqual([
      ['decision', 'U0LEAD'],
      ['rollback_requested', 'U0LEAD'],
      ['approval', 'U0LEAD'],
      ['status', 'U0LEAD'],
      ['rollback_started', 'U0LEAD'],
    ]);
    expect(world.notifier.notices.map((n) => n.notice.kind)).toEqual(['decision', 'rollback_requested']);
  });

  it('a rollback claimed by a process that died before planning it is started by the next one, once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rewind-start-watchdog-'));
    const file = path.join(dir, 'rewind.db');
    const clock = new ManualClock(T0);
    // The first process claims the rollback, then dies in the engine's preflight (it never returns).
    const dying: RollbackEngine = { available: true, start: () => new Promise(() => {}), control: async () => {} };
    const first = serviceWorld({ file, engine: dying, clock });
    const plan = await first.rollbacks.plan({ incidentId: incident(first).id, strategy: 'immediate', to: null }, LEAD);
    if (!plan.ok) throw new Error('no plan');
    void first.rollbacks.request(plan.value, LEAD);
    await vi.waitFor(() => expect(first.store.rollbacks.history()[0]?.status).toBe('running'));
    const rollbackId = first.store.rollbacks.history()[0]!.id;
    first.store.close();

    world = serviceWorld({ file, clock });
    await clock.advance(START_WATCHDOG_MS - 1_000);
    await world.timers.runDue();
    expect(world.engine.started).toEqual([]);
    await clock.advance(2_000);
    await world.timers.runDue();
    expect(world.engine.started.map((r) => r.id)).toEqual([rollbackId]);
    // Planned now (the real engine stores the plan; here the start is recorded): nothing starts it again.
    await clock.advance(10 * START_WATCHDOG_MS);
    await world.timers.runDue();
    expect(world.engine.started).toHaveLength(1);
    expect(world.store.timers.getByKey(`rollback-start:${rollbackId}`)?.status).toBe('done');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('two approvers confirming at the same moment start exactly one rollback', async () => {
    world = serviceWorld();
    const inc = incident(world);
    const plan = await world.rollbacks.plan({ incidentId: inc.id, strategy: 'gradual', to: null }, LEAD);
    if (!plan.ok) throw new Error('plan refused');
    const [a, b] = await Promise.all([
      world.rollbacks.request(plan.value, LEAD),
      world.rollbacks.request(plan.value, ALICE),
    ]);
    expect(world.engine.started).toHaveLength(1);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const refused = a.ok ? b : a;
    expect(!refused.ok && refused.refusal.kind).toBe('rollback_running');
    expect(world.store.rollbacks.history().map((r) => r.status)).toEqual(['running']);
  });

  it('a double click by the same approver starts one rollback', async () => {
    world = serviceWorld();
    const inc = incident(world);
    const plan = await world.rollbacks.plan({ incidentId: inc.id, strategy: 'immediate', to: null }, LEAD);
    if (!plan.ok) throw new Error('plan refused');
    await Promise.all([world.rollbacks.request(plan.value, LEAD), world.rollbacks.request(plan.value, LEAD)]);
    expect(world.engine.started).toHaveLength(1);
  });

  it('requiredApprovals 2 waits for a second, different approver and refuses the same one twice', async () => {
    world = serviceWorld({ config: shippedConfig((c) => ({ ...c, slack: { ...c.slack, requiredApprovals: 2 } })) });
    const inc = incident(world);
    const plan = await world.rollbacks.plan({ incidentId: inc.id, strategy: 'gradual', to: null }, LEAD);
    if (!plan.ok) throw new Error('plan refused');
    const first = await world.rollbacks.request(plan.value, LEAD);
    if (!first.ok || first.value.state !== 'awaiting_approval') throw new Error('expected to wait for approval');
    expect([first.value.have, first.value.need]).toEqual([1, 2]);
    const id = first.value.rollback.id;
    expect(world.engine.started).toEqual([]);
    expect(await world.rollbacks.approve(id, LEAD)).toEqual({
      ok: false,
      refusal: { kind: 'same_approver', rollbackId: id },
    });
    expect(await world.rollbacks.approve(id, MALLORY)).toMatchObject({ ok: false, refusal: { kind: 'not_approver' } });
    expect(world.engine.started).toEqual([]);
    const second = await world.rollbacks.approve(id, ALICE);
    expect(second.ok && second.value.state).toBe('started');
    expect(world.engine.started.map((r) => r.id)).toEqual([id]);
    expect(
      world.store.approvals
        .list(id)
        .map((a) => a.approver)
        .sort(),
    ).toEqual(['U0ALICE', 'U0LEAD']);
    // Nothing started on the first approval: the thread is told it waits for one more, not that it started.
    expect(world.notifier.notices.map((n) => n.notice.kind)).toEqual(['decision', 'approval_needed', 'approved']);
  });

  it('a second rollback of the same service is refused naming the running one', async () => {
    world = serviceWorld();
    const inc = incident(world);
    const plan = await world.rollbacks.plan({ incidentId: inc.id, strategy: 'immediate', to: null }, LEAD);
    if (!plan.ok) throw new Error('plan refused');
    const started = await world.rollbacks.request(plan.value, LEAD);
    const id = started.ok ? started.value.rollback.id : '';
    expect(await world.rollbacks.plan({ incidentId: inc.id, strategy: 'gradual', to: null }, ALICE)).toEqual({
      ok: false,
      refusal: { kind: 'rollback_running', rollbackId: id },
    });
  });

  it('without an engine the request is refused with what would have run, and nothing is stored', async () => {
    world = serviceWorld({ engine: noRollbackEngine });
    const inc = incident(world);
    const plan = await world.rollbacks.plan({ incidentId: inc.id, strategy: 'gradual', to: null }, LEAD);
    if (!plan.ok) throw new Error('plan refused');
    expect(await world.rollbacks.request(plan.value, LEAD)).toEqual({
      ok: false,
      refusal: {
        kind: 'engine_unavailable',
        what: { kind: 'rollback', strategy: 'gradual', service: 'prompt-service', from: 'v2.0.0', to: 'v1.5.0' },
      },
    });
    expect(world.store.rollbacks.history()).toEqual([]);
    expect(world.incidents.get(inc.id).status).toBe('awaiting_decision');
  });

  it('an engine that fails to start marks the rollback failed and hands the decision back', async () => {
    world = serviceWorld();
    const inc = incident(world);
    world.engine.failNextStart = new Error('Deployment prompt-service-v1-5-0 has no ready replicas');
    const plan = await world.rollbacks.plan({ incidentId: inc.id, strategy: 'immediate', to: null }, LEAD);
    if (!plan.ok) throw new Error('plan refused');
    expect(await world.rollbacks.request(plan.value, LEAD)).toEqual({
      ok: false,
      refusal: {
        kind: 'start_failed',
        what: 'rollback',
        problem: { kind: 'error', message: 'Deployment prompt-service-v1-5-0 has no ready replicas' },
      },
    });
    expect(world.store.rollbacks.history().map((r) => [r.status, r.error])).toEqual([
      ['failed', 'Deployment prompt-service-v1-5-0 has no ready replicas'],
    ]);
    expect(world.incidents.get(inc.id).status).toBe('awaiting_decision');
  });

  it('an automatic rollback the engine refuses to start says why in the thread, as data', async () => {
    world = serviceWorld();
    const inc = incident(world);
    const problem = { kind: 'no_ready_replicas', service: 'prompt-service', version: 'v1.5.0', desired: 2 } as const;
    world.engine.failNextStart = new StartRefusedError(problem);
    expect(await world.rollbacks.automatic(inc.id, 'critical tier')).toMatchObject({ ok: true });
    await world.rollbacks.idle();
    const line = 'prompt-service v1.5.0 has no ready replicas (0 of 2): switching traffic to it would be an outage.';
    expect(world.notifier.notices.at(-1)?.notice).toMatchObject({
      kind: 'rollback_finished',
      outcome: 'failed',
      reason: `${line} Scale it up first.`,
      why: { kind: 'not_started', problem },
    });
  });

  it('asked again while its own automatic rollback holds the service (a timer run twice): nothing said', async () => {
    world = serviceWorld();
    const inc = incident(world);
    expect(await world.rollbacks.automatic(inc.id, 'critical tier')).toMatchObject({ ok: true });
    const before = world.notifier.notices.length;
    expect(await world.rollbacks.automatic(inc.id, 'critical tier')).toMatchObject({ ok: false });
    expect(world.notifier.notices.slice(before).map((n) => n.notice.kind)).toEqual([]);
  });

  it('a manual rollback with no open incident opens one to report in', async () => {
    world = serviceWorld();
    const plan = await world.rollbacks.plan(
      { incidentId: null, service: 'prompt-service', strategy: 'immediate', to: null },
      LEAD,
    );
    if (!plan.ok) throw new Error('plan refused');
    expect(plan.value).toMatchObject({ incidentId: null, fromVersion: 'v2.0.0', toVersion: 'v1.5.0' });
    const started = await world.rollbacks.request(plan.value, LEAD);
    expect(started.ok).toBe(true);
    const open = world.incidents.openFor('prompt-service');
    expect(open?.status).toBe('rolling_back');
    expect(world.store.rollbacks.history()[0]?.incidentId).toBe(open?.id);
  });
});

describe('pause, resume, abort', () => {
  it('only approvers control a running rollback; each control is recorded', async () => {
    world = serviceWorld();
    const inc = incident(world);
    const plan = await world.rollbacks.plan({ incidentId: inc.id, strategy: 'gradual', to: null }, LEAD);
    if (!plan.ok) throw new Error('plan refused');
    await world.rollbacks.request(plan.value, LEAD);
    expect(await world.rollbacks.control({ service: 'prompt-service' }, 'pause', MALLORY)).toMatchObject({
      ok: false,
      refusal: { kind: 'not_approver' },
    });
    const { id } = world.store.rollbacks.history()[0] ?? { id: '' };
    expect(await world.rollbacks.control({ service: 'prompt-service' }, 'resume', ALICE)).toEqual({
      ok: false,
      refusal: { kind: 'not_paused', rollbackId: id },
    });
    expect((await world.rollbacks.control({ service: 'prompt-service' }, 'pause', ALICE)).ok).toBe(true);
    expect(await world.rollbacks.control({ service: 'prompt-service' }, 'pause', ALICE)).toEqual({
      ok: false,
      refusal: { kind: 'already_paused', rollbackId: id },
    });
    expect((await world.rollbacks.control({ service: 'prompt-service' }, 'resume', ALICE)).ok).toBe(true);
    expect((await world.rollbacks.control({ service: 'prompt-service' }, 'abort', LEAD)).ok).toBe(true);
    expect(world.engine.controls.map((c) => [c.control, c.by])).toEqual([
      ['pause', 'U0ALICE'],
      ['resume', 'U0ALICE'],
      ['abort', 'U0LEAD'],
    ]);
    expect(await world.rollbacks.control({ service: 'prompt-service' }, 'abort', LEAD)).toEqual({
      ok: false,
      refusal: { kind: 'no_rollback', service: 'prompt-service' },
    });
  });
});

describe('judgment matrix', () => {
  it('recommends once all three answers are in and records it once', () => {
    world = serviceWorld();
    const inc = incident(world);
    expect(world.decisions.assess(inc.id, { userImpact: 'partial' }, ALICE)).toEqual({
      ok: true,
      value: { assessment: { userImpact: 'partial' }, recommendation: null },
    });
    world.decisions.assess(inc.id, { businessImpact: 'high' }, ALICE);
    const done = world.decisions.assess(inc.id, { fixTime: 'long' }, LEAD);
    expect(done.ok && done.value.recommendation).toEqual({ action: 'gradual', rule: 2 });
    world.decisions.assess(inc.id, { fixTime: 'long' }, LEAD); // same answer again: no new line
    expect(
      world.incidents
        .timeline(inc.id)
        .filter((e) => e.kind === 'assessment')
        .map((e) => e.detail),
    ).toEqual([{ userImpact: 'partial', businessImpact: 'high', fixTime: 'long', recommended: 'gradual', rule: 2 }]);
  });

  it('"Try a fix" and "Fix in next release" move the incident; a resolved incident refuses', () => {
    world = serviceWorld();
    const inc = incident(world);
    expect(world.decisions.decide(inc.id, 'fix', ALICE)).toMatchObject({ ok: true, value: { status: 'fixing' } });
    expect(world.decisions.decide(inc.id, 'next_release', ALICE)).toMatchObject({
      ok: true,
      value: { status: 'deferred' },
    });
    world.incidents.resolve(inc.id, ALICE);
    expect(world.decisions.decide(inc.id, 'fix', ALICE)).toEqual({
      ok: false,
      refusal: { kind: 'incident_resolved', incidentId: inc.id },
    });
    expect(world.decisions.decide('INC-20990101-001', 'fix', ALICE)).toEqual({
      ok: false,
      refusal: { kind: 'unknown_incident', incidentId: 'INC-20990101-001' },
    });
  });
});
