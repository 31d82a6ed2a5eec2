import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/services/clock.ts';
import { openStore, type AlertInput, type Store } from '../../src/store/index.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
let store: Store;

beforeEach(() => {
  store = openStore(':memory:', { clock: new ManualClock(T0) });
});
afterEach(() => store.close());

function alert(overrides: Partial<AlertInput> = {}): AlertInput {
  return {
    source: 'alertmanager',
    fingerprint: 'f00d',
    service: 'chat-api',
    version: 'v2.3.0',
    severity: 'critical',
    status: 'firing',
    summary: 'error rate above 10%',
    labels: { alertname: 'HighErrorRate', service: 'chat-api', severity: 'critical' },
    annotations: { summary: 'error rate above 10%' },
    startsAt: T0 - 60_000,
    endsAt: null,
    receivedAt: T0,
    ...overrides,
  };
}

describe('alerts upsert', () => {
  it('stores a new alert, then recognises a repeat as unchanged whatever the label order', () => {
    const first = store.alerts.upsert(alert());
    expect(first.outcome).toBe('new');
    expect(first.alert).toMatchObject({ source: 'alertmanager', fingerprint: 'f00d', receivedAt: T0, lastReceivedAt: T0, incidentId: null });

    const repeat = store.alerts.upsert(
      alert({ labels: { severity: 'critical', service: 'chat-api', alertname: 'HighErrorRate' }, receivedAt: T0 + 30_000 }),
    );
    expect(repeat.outcome).toBe('unchanged');
    expect(repeat.alert.id).toBe(first.alert.id);
    expect(repeat.alert.receivedAt).toBe(T0);
    expect(repeat.alert.lastReceivedAt).toBe(T0 + 30_000);
  });

  it('reports a resolution as a change and keeps the incident link', () => {
    const { alert: stored } = store.alerts.upsert(alert());
    store.incidents.create({
      service: 'chat-api',
      version: 'v2.3.0',
      severity: 'critical',
      status: 'detected',
      title: 't',
      drill: false,
      startedAt: T0,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      slackChannel: null,
      slackTs: null,
    });
    store.alerts.linkIncident(stored.id, 'INC-20260105-001');

    const resolved = store.alerts.upsert(alert({ status: 'resolved', endsAt: T0 + 120_000, receivedAt: T0 + 121_000 }));
    expect(resolved.outcome).toBe('changed');
    expect(resolved.alert).toMatchObject({ status: 'resolved', endsAt: T0 + 120_000, incidentId: 'INC-20260105-001' });
    expect(store.alerts.listForIncident('INC-20260105-001').map((a) => a.id)).toEqual([stored.id]);
    expect(store.alerts.listFiringForService('chat-api')).toEqual([]);
  });

  it('keeps alerts of different sources with the same fingerprint apart', () => {
    store.alerts.upsert(alert());
    const grafana = store.alerts.upsert(alert({ source: 'grafana', severity: 'warning' }));
    expect(grafana.outcome).toBe('new');
    expect(store.alerts.get('alertmanager', 'f00d')?.severity).toBe('critical');
    expect(store.alerts.get('grafana', 'f00d')?.severity).toBe('warning');
    expect(store.alerts.listFiringForService('chat-api')).toHaveLength(2);
    expect(store.alerts.get('generic', 'f00d')).toBeNull();
  });

  it('refuses a link to an incident that does not exist', () => {
    const { alert: stored } = store.alerts.upsert(alert());
    expect(() => store.alerts.linkIncident(stored.id, 'INC-20990101-001')).toThrow(/FOREIGN KEY constraint failed/);
  });
});
