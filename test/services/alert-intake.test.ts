import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingAlert } from '../../src/services/ports.ts';
import { serviceWorld, shippedConfig, T0, type ServiceWorld } from '../support/services.ts';

let world: ServiceWorld;
afterEach(() => world?.store.close());

function alert(over: Partial<IncomingAlert> = {}): IncomingAlert {
  return {
    source: 'alertmanager',
    fingerprint: 'fp-error-rate',
    status: 'firing',
    service: 'prompt-service',
    version: 'v2.0.0',
    severity: 'warning',
    summary: 'error rate above 5%',
    labels: { alertname: 'PromptErrorRate', service: 'prompt-service', severity: 'warning' },
    annotations: {},
    startsAt: T0 - 60_000,
    endsAt: null,
    ...over,
  };
}

const kinds = (w: ServiceWorld) => w.notifier.notices.map((n) => n.notice.kind);

describe('alert intake', () => {
  it('opens one incident per service and groups further alerts into it', async () => {
    world = serviceWorld();
    expect(
      await world.alerts.receive([alert(), alert({ fingerprint: 'fp-latency', summary: 'p95 above 3s' })]),
    ).toEqual({ accepted: 2, unknownServices: [] });
    expect(
      await world.alerts.receive([alert({ fingerprint: 'fp-halluc', summary: 'hallucinations above 15%' })]),
    ).toEqual({ accepted: 1, unknownServices: [] });
    const open = world.queries.openIncidents();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      service: 'prompt-service',
      version: 'v2.0.0',
      severity: 'warning',
      status: 'awaiting_decision',
      startedAt: T0 - 60_000,
    });
    expect(world.store.alerts.listForIncident(open[0]?.id ?? '')).toHaveLength(3);
    expect(kinds(world).filter((k) => k === 'alert')).toHaveLength(3);
  });

  it('a repeated alert (same fingerprint, same content) changes nothing', async () => {
    world = serviceWorld();
    await world.alerts.receive([alert()]);
    const before = world.notifier.notices.length;
    await world.alerts.receive([alert()]);
    await world.alerts.receive([alert()]);
    expect(world.notifier.notices.length).toBe(before);
    expect(
      world.queries.timeline(world.queries.openIncidents()[0]?.id ?? '').filter((e) => e.kind === 'alert'),
    ).toHaveLength(1);
  });

  it('resolved alerts are noted; when all are resolved the thread offers to resolve', async () => {
    world = serviceWorld();
    await world.alerts.receive([alert(), alert({ fingerprint: 'fp-2' })]);
    await world.alerts.receive([alert({ status: 'resolved', endsAt: T0 })]);
    expect(kinds(world)).not.toContain('alerts_resolved');
    await world.alerts.receive([alert({ fingerprint: 'fp-2', status: 'resolved', endsAt: T0 })]);
    expect(kinds(world).at(-1)).toBe('alerts_resolved');
    expect(world.queries.openIncidents()[0]?.status).toBe('awaiting_decision'); // a person resolves
  });

  it('says every alert is resolved once: not for one never seen firing, nor for a changed resolved one', async () => {
    world = serviceWorld();
    await world.alerts.receive([alert()]);
    await world.alerts.receive([alert({ status: 'resolved', endsAt: T0 })]);
    const resolvedNotes = () => kinds(world).filter((k) => k === 'alerts_resolved').length;
    expect(resolvedNotes()).toBe(1);
    await world.alerts.receive([alert({ fingerprint: 'fp-never-fired', status: 'resolved', endsAt: T0 })]);
    await world.alerts.receive([alert({ status: 'resolved', endsAt: T0, summary: 'error rate back below 5%' })]);
    expect(resolvedNotes()).toBe(1);
    expect(kinds(world).filter((k) => k === 'alert')).toHaveLength(4); // each is still noted
    // Firing again and resolved again is news: said again.
    await world.alerts.receive([alert({ summary: 'error rate above 5% again' })]);
    await world.alerts.receive([alert({ status: 'resolved', endsAt: T0 + 1 })]);
    expect(resolvedNotes()).toBe(2);
  });

  it('an alert for an unconfigured service is stored, answered, and announced once', async () => {
    world = serviceWorld();
    expect(
      await world.alerts.receive([
        alert({ service: 'billing', fingerprint: 'b1' }),
        alert({ service: 'billing', fingerprint: 'b2' }),
      ]),
    ).toEqual({
      accepted: 2,
      unknownServices: ['billing'],
    });
    await world.alerts.receive([alert({ service: 'billing', fingerprint: 'b3' })]);
    expect(world.notifier.announcements.map((a) => (a.kind === 'unknown_service' ? a.service : a.kind))).toEqual([
      'billing',
    ]);
    expect(world.store.alerts.get('alertmanager', 'b3')).toMatchObject({ service: 'billing' });
    expect(world.queries.openIncidents()).toEqual([]);
  });

  it('a critical alert raises the open incident and starts the immediate rollback itself', async () => {
    world = serviceWorld();
    await world.alerts.receive([alert()]);
    await world.alerts.receive([
      alert({ fingerprint: 'fp-crit', severity: 'critical', summary: 'error rate above 10%' }),
    ]);
    // Answered before it starts: the automatic rollback is a timer due now, committed with the alert.
    expect(world.engine.started).toEqual([]);
    expect(world.store.timers.list({ kind: 'automatic-rollback', status: 'pending' })).toHaveLength(1);
    await world.timers.runDue();
    const [incident] = world.queries.openIncidents();
    expect(incident?.severity).toBe('critical');
    expect(world.engine.started.map((r) => [r.strategy, r.toVersion, r.startedBy])).toEqual([
      ['immediate', 'v1.5.0', 'rewind'],
    ]);
    expect(kinds(world)).toEqual(expect.arrayContaining(['severity_raised', 'automatic_rollback']));
    expect(world.store.audit.list({ actorId: 'rewind' }).map((a) => [a.action, a.outcome])).toContainEqual([
      'rollback.immediate',
      'allowed',
    ]);
  });

  it('with requiredApprovals 2 the automatic rollback still starts: autoRollback is its approval', async () => {
    world = serviceWorld({ config: shippedConfig((c) => ({ ...c, slack: { ...c.slack, requiredApprovals: 2 } })) });
    await world.alerts.receive([alert({ severity: 'critical' })]);
    await world.timers.runDue();
    expect(world.engine.started).toHaveLength(1);
  });

  it('with autoRollback off a critical alert asks people instead', async () => {
    world = serviceWorld({
      config: shippedConfig((c) => ({ ...c, triggers: { ...c.triggers, autoRollback: 'off' } })),
    });
    await world.alerts.receive([alert({ severity: 'critical' })]);
    expect(world.engine.started).toEqual([]);
    expect(world.queries.openIncidents()[0]).toMatchObject({ severity: 'critical', status: 'awaiting_decision' });
  });
});
