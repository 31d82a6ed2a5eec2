/**
 * Deliveries that arrive together share one commit, each in its own savepoint: all of a delivery
 * is stored or none of it, so a sender told 500 finds nothing half-done when it retries.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingAlert } from '../../src/services/ports.ts';
import { serviceWorld, shippedConfig, T0, type ServiceWorld } from '../support/services.ts';

let world: ServiceWorld;
afterEach(() => world?.store.close());

function alert(over: Partial<IncomingAlert> = {}): IncomingAlert {
  return {
    source: 'alertmanager',
    fingerprint: 'fp-1',
    status: 'firing',
    service: 'prompt-service',
    version: 'v2.0.0',
    severity: 'warning',
    summary: 'error rate above 5%',
    labels: { alertname: 'PromptErrorRate' },
    annotations: {},
    startsAt: T0 - 60_000,
    endsAt: null,
    ...over,
  };
}

describe('alert intake under concurrent deliveries', () => {
  it('deliveries received together each get their own answer and one incident per service', async () => {
    world = serviceWorld({
      config: shippedConfig((c) => ({ ...c, triggers: { ...c.triggers, autoRollback: 'off' } })),
    });
    const answers = await Promise.all([
      world.alerts.receive([alert({ fingerprint: 'a' })]),
      world.alerts.receive([alert({ fingerprint: 'b', service: 'prompt-service-staging' })]),
      world.alerts.receive([
        alert({ fingerprint: 'c', severity: 'critical' }),
        alert({ fingerprint: 'd', service: 'billing' }),
      ]),
      world.alerts.receive([alert({ fingerprint: 'e', service: 'billing' })]),
    ]);
    expect(answers).toEqual([
      { accepted: 1, unknownServices: [] },
      { accepted: 1, unknownServices: [] },
      { accepted: 2, unknownServices: ['billing'] },
      { accepted: 1, unknownServices: ['billing'] },
    ]);
    expect(
      world.queries
        .openIncidents()
        .map((i) => [i.service, i.severity])
        .sort(),
    ).toEqual([
      ['prompt-service', 'critical'],
      ['prompt-service-staging', 'warning'],
    ]);
    expect(world.notifier.announcements.map((a) => (a.kind === 'unknown_service' ? a.service : a.kind))).toEqual([
      'billing',
    ]);
  });

  it('a failing delivery is rolled back alone and answered with its error; its retry is stored in full', async () => {
    world = serviceWorld();
    const record = world.incidents.record.bind(world.incidents);
    world.incidents.record = (id, kind, actor, detail) => {
      if (JSON.stringify(detail).includes('"fingerprint":"boom"')) throw new Error('disk I/O error');
      record(id, kind, actor, detail);
    };
    const [ok, failed] = await Promise.allSettled([
      world.alerts.receive([alert({ fingerprint: 'fine' })]),
      world.alerts.receive([alert({ fingerprint: 'boom', service: 'prompt-service-staging' })]),
    ]);
    expect(ok).toEqual({ status: 'fulfilled', value: { accepted: 1, unknownServices: [] } });
    expect(failed).toMatchObject({ status: 'rejected', reason: { message: 'disk I/O error' } });
    // Nothing of the failed delivery stayed: not its alert row, not the incident it opened.
    expect(world.store.alerts.get('alertmanager', 'boom')).toBeNull();
    expect(world.queries.openIncidents().map((i) => i.service)).toEqual(['prompt-service']);
    expect(world.notifier.notices.map((n) => n.notice.kind)).toEqual(['alert']);

    world.incidents.record = record;
    await world.alerts.receive([alert({ fingerprint: 'boom', service: 'prompt-service-staging' })]);
    const staging = world.incidents.openFor('prompt-service-staging');
    expect(world.store.alerts.get('alertmanager', 'boom')).toMatchObject({ incidentId: staging?.id });
  });
});
