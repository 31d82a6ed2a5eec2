/**
 * The webhook's answer waits for the database, never for Kubernetes: a critical alert with
 * `autoRollback: critical` is answered 202 while the Kubernetes API is stalled, and the automatic
 * rollback goes on after the answer — or, when the cluster refuses, says so in the thread.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, textOf, type World } from '../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

const CRITICAL = { service: 'prompt-service', severity: 'critical', summary: 'error rate above 10%' };
/** The engine's preflight: the readiness of the version it rolls back to. */
const TARGET_DEPLOYMENT = { method: 'GET', path: '/apis/apps/v1/namespaces/prompts/deployments/prompt-service-v1-5-0' };

describe('the alert webhook answers before Kubernetes does', () => {
  it('answers 202 for a critical alert while the Kubernetes API is stalled; the rollback starts after', async () => {
    world = await startWorld({ kube: {} });
    const kube = world.kube!;
    kube.delayNext(TARGET_DEPLOYMENT, { ms: 1_500 });

    const answer = await world.postAlert('generic', CRITICAL);

    expect(answer).toEqual({ status: 202, body: { accepted: 1, unknownServices: [] } });
    // Answered while the engine's read was still waiting in the stand-in: nothing planned yet…
    expect(kube.requests.filter((r) => r.path === TARGET_DEPLOYMENT.path).map((r) => r.status)).toEqual([0]);
    const [incident] = world.rewind.store.incidents.listOpen();
    const [rollback] = world.rewind.store.rollbacks.listForIncident(incident?.id ?? '');
    expect(rollback).toMatchObject({
      strategy: 'immediate',
      status: 'running',
      startedBy: 'rewind',
      toVersion: 'v1.5.0',
    });
    expect(world.rewind.store.rollbacks.steps(rollback?.id ?? '')).toEqual([]);
    // …but the incident and the alert were on disk, and the automatic rollback's timer (committed
    // with them) has claimed the rollback.
    expect(world.rewind.store.timers.list({ kind: 'automatic-rollback' }).map((t) => t.status)).toEqual(['done']);
    expect(incident).toMatchObject({ service: 'prompt-service', severity: 'critical', status: 'rolling_back' });
    expect(world.rewind.store.alerts.listForIncident(incident?.id ?? '')).toHaveLength(1);

    // Once the cluster answers, the engine plans the runbook's steps and the rollback runs on.
    await world.rewind.services.rollbacks.idle();
    expect(world.rewind.store.rollbacks.steps(rollback?.id ?? '').map((s) => s.status)).toContain('pending');
    expect(world.rewind.store.rollbacks.get(rollback?.id ?? '')?.status).toBe('running');
    await world.settle();
    const thread = world.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.thread_ts === incident?.slackTs)
      .map(textOf);
    expect(thread.some((t) => t.includes('started the immediate rollback itself'))).toBe(true);
  });

  it(
    'a refusal of the cluster after the answer fails the rollback, hands the incident back and says so in the ' +
      'thread',
    async () => {
      world = await startWorld({ kube: {} });
      world.kube!.failNext(TARGET_DEPLOYMENT, { status: 403, message: 'deployments.apps is forbidden' });

      const answer = await world.postAlert('generic', CRITICAL);

      expect(answer.status).toBe(202);
      const [incident] = world.rewind.store.incidents.listOpen();
      await world.rewind.services.rollbacks.idle();
      await world.settle();
      expect(world.rewind.store.rollbacks.listForIncident(incident?.id ?? '').map((r) => r.status)).toEqual(['failed']);
      expect(world.rewind.store.incidents.get(incident?.id ?? '')?.status).toBe('awaiting_decision');
      expect(world.rewind.services.queries.timeline(incident?.id ?? '').map((e) => e.kind)).toContain(
        'rollback_failed',
      );
      const thread = world.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.thread_ts === incident?.slackTs)
        .map(textOf);
      expect(thread.some((t) => t.includes('failed') && t.includes('forbidden'))).toBe(true);
    },
  );
});
