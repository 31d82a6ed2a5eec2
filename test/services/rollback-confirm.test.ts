/**
 * RollbackRequests.confirm: what a confirmation dialog showed, checked against the plan made again
 * from the state now. Refusals are typed and leave no row, no timeline line and no notice; the
 * Slack side of the same (signed submissions, the Kubernetes stand-in) is test/slack/flow/confirm-trust.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BOT_ACTOR, type Actor } from '../../src/domain/types.ts';
import type { ShownRollbackPlan } from '../../src/services/rollback-requests.ts';
import { serviceWorld, type ServiceWorld } from '../support/services.ts';

const LEAD: Actor = { kind: 'user', id: 'U0LEAD' };
const MALLORY: Actor = { kind: 'user', id: 'U0MALLORY' };

let world: ServiceWorld;
afterEach(() => world?.store.close());

function openIncident(w: ServiceWorld) {
  const { incident } = w.incidents.open(
    { service: 'prompt-service', version: 'v2.0.0', severity: 'warning', title: 'error_rate 7% > 5%', drill: false },
    BOT_ACTOR,
  );
  w.incidents.transition(incident.id, 'awaiting_decision', BOT_ACTOR);
  return incident;
}

async function shownFor(
  w: ServiceWorld,
  request: Parameters<ServiceWorld['rollbacks']['plan']>[0],
): Promise<ShownRollbackPlan> {
  const plan = await w.rollbacks.plan(request, LEAD);
  if (!plan.ok) throw new Error(JSON.stringify(plan.refusal));
  return { ...plan.value, requestedTo: request.to };
}

/** Nothing a request writes: rows, timeline lines past the incident's opening, notices. */
function written(w: ServiceWorld, incidentId: string | null) {
  return {
    rollbacks: w.store.rollbacks.history().length,
    timeline: incidentId ? w.incidents.timeline(incidentId).length : 0,
    notices: w.notifier.notices.length,
    incidents: w.store.incidents.listRecent({ limit: 10 }).length,
  };
}

describe('confirming what a dialog showed', () => {
  it('as shown: recorded and started like a request', async () => {
    world = serviceWorld();
    const inc = openIncident(world);
    const result = await world.rollbacks.confirm(
      await shownFor(world, { incidentId: inc.id, strategy: 'gradual', to: null }),
      LEAD,
    );
    expect(result.ok && result.value.state).toBe('started');
    expect(world.engine.started.map((r) => [r.fromVersion, r.toVersion, r.strategy])).toEqual([
      ['v2.0.0', 'v1.5.0', 'gradual'],
    ]);
    // One audit line for the submission, as a request has: who confirmed what.
    expect(
      world.store.audit
        .list({ actorId: 'U0LEAD' })
        .map((a) => [a.action, a.detail.step])
        .reverse(),
    ).toEqual([
      ['rollback.gradual', 'plan'],
      ['rollback.gradual', 'confirm'],
    ]);
  });

  it('refuses, typed, and writes nothing: another service, an unknown service or version, another target', async () => {
    world = serviceWorld();
    const inc = openIncident(world);
    const shown = await shownFor(world, { incidentId: inc.id, strategy: 'immediate', to: null });
    const before = written(world, inc.id);
    const refusalOf = async (s: ShownRollbackPlan, actor = LEAD) => {
      const r = await world.rollbacks.confirm(s, actor);
      return r.ok ? null : r.refusal;
    };
    const known = ['v2.0.0', 'v1.5.0', 'v1.0.0'];
    expect(await refusalOf({ ...shown, service: 'prompt-service-staging' })).toEqual({
      kind: 'service_mismatch',
      incidentId: inc.id,
      service: 'prompt-service',
      shown: 'prompt-service-staging',
    });
    expect(await refusalOf({ ...shown, incidentId: null, service: 'checkout' })).toEqual({
      kind: 'unknown_service',
      service: 'checkout',
      known: ['prompt-service', 'prompt-service-staging'],
    });
    expect(await refusalOf({ ...shown, toVersion: 'v9.9.9' })).toEqual({
      kind: 'unknown_version',
      service: 'prompt-service',
      version: 'v9.9.9',
      known,
    });
    expect(await refusalOf({ ...shown, requestedTo: 'v3' })).toEqual({
      kind: 'unknown_version',
      service: 'prompt-service',
      version: 'v3',
      known,
    });
    expect(await refusalOf({ ...shown, toVersion: 'v1.0.0' })).toEqual({
      kind: 'plan_changed',
      service: 'prompt-service',
      strategy: 'immediate',
      changes: [{ field: 'to', shown: 'v1.0.0', now: 'v1.5.0' }],
    });
    expect(await refusalOf({ ...shown, incidentId: 'INC-20990101-001' })).toEqual({
      kind: 'unknown_incident',
      incidentId: 'INC-20990101-001',
    });
    expect(await refusalOf(shown, MALLORY)).toMatchObject({ kind: 'not_approver' });
    expect(written(world, inc.id)).toEqual(before);
    expect(world.engine.started).toEqual([]);
  });

  it('a target asked for that now serves: the from-version moved, and that target is gone', async () => {
    world = serviceWorld();
    const stale = await shownFor(world, {
      incidentId: null,
      service: 'prompt-service',
      strategy: 'immediate',
      to: 'v1.5.0',
    });
    const other = await shownFor(world, {
      incidentId: null,
      service: 'prompt-service',
      strategy: 'immediate',
      to: null,
    });
    const started = await world.rollbacks.confirm(other, LEAD);
    if (!started.ok) throw new Error(JSON.stringify(started.refusal));
    // The engine finished it: all traffic on v1.5.0, the manual incident resolved.
    const id = started.value.rollback.id;
    world.store.rollbacks.addStep(id, {
      name: 'switch',
      status: 'succeeded',
      budgetMs: null,
      detail: { kind: 'set_weight', weight: 0, phase: null },
    });
    world.store.rollbacks.update(id, { status: 'succeeded', finishedAt: world.clock.now() });
    const incidentId = started.value.rollback.incidentId ?? '';
    world.incidents.transition(incidentId, 'verifying', BOT_ACTOR);
    world.incidents.resolve(incidentId, LEAD, {});

    const refused = await world.rollbacks.confirm(stale, LEAD);
    expect(refused).toEqual({
      ok: false,
      refusal: {
        kind: 'plan_changed',
        service: 'prompt-service',
        strategy: 'immediate',
        changes: [
          { field: 'from', shown: 'v2.0.0', now: 'v1.5.0' },
          { field: 'to', shown: 'v1.5.0', now: null },
        ],
      },
    });
    expect(world.store.rollbacks.history()).toHaveLength(1);
  });
});
