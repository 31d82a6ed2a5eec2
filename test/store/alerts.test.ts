import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStores, freshDatabase } from '../support/stores.ts';
import { ManualClock } from '../../src/clock.ts';
import { MIGRATIONS, openDatabase, openStore, type AlertInput, type Store } from '../../src/store/index.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
let store: Store;

describeStores('alerts', (kind) => {
  beforeEach(() => {
    store = openStore(freshDatabase(kind).target, { clock: new ManualClock(T0) });
  });
  afterEach(() => store.close());

  /** The incident INC-20260105-001, of chat-api, detected at T0. */
  function openIncident(): void {
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
  }

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
      expect(first.alert).toMatchObject({
        source: 'alertmanager',
        fingerprint: 'f00d',
        receivedAt: T0,
        lastReceivedAt: T0,
        incidentId: null,
      });

      const repeat = store.alerts.upsert(
        alert({
          labels: { severity: 'critical', service: 'chat-api', alertname: 'HighErrorRate' },
          receivedAt: T0 + 30_000,
        }),
      );
      expect(repeat.outcome).toBe('unchanged');
      expect(repeat.alert.id).toBe(first.alert.id);
      expect(repeat.alert.receivedAt).toBe(T0);
      expect(repeat.alert.lastReceivedAt).toBe(T0 + 30_000);
    });

    it('reports a resolution as a change and keeps the incident link', () => {
      const { alert: stored } = store.alerts.upsert(alert());
      openIncident();
      store.alerts.linkIncident(stored.id, 'INC-20260105-001');

      const resolved = store.alerts.upsert(
        alert({ status: 'resolved', endsAt: T0 + 120_000, receivedAt: T0 + 121_000 }),
      );
      expect(resolved.outcome).toBe('changed');
      expect(resolved.alert).toMatchObject({
        status: 'resolved',
        endsAt: T0 + 120_000,
        incidentId: 'INC-20260105-001',
      });
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

    it('writes the link linkTo names with a new or changed alert, not a repeat, and returns the row stored', () => {
      openIncident();
      const asked: string[] = [];
      const linkTo = (outcome: string) => {
        asked.push(outcome);
        return 'INC-20260105-001';
      };
      const stored = () => store.alerts.get('alertmanager', 'f00d');
      // Alone (its own transaction) and inside a caller's, where it takes no savepoint of its own.
      const fresh = store.alerts.upsert(alert(), linkTo);
      expect(fresh).toMatchObject({ outcome: 'new', alert: { incidentId: 'INC-20260105-001' } });
      expect(fresh.alert).toEqual(stored());
      const repeat = store.transaction(() =>
        store.alerts.upsert(alert({ receivedAt: T0 + 1_000, links: { runbook: 'https://r' } }), linkTo),
      );
      expect(repeat).toMatchObject({ outcome: 'unchanged', alert: { lastReceivedAt: T0 + 1_000 } });
      expect(repeat.alert).toEqual(stored());
      const resolved = store.transaction(() =>
        store.alerts.upsert(alert({ status: 'resolved', endsAt: T0 + 2_000, receivedAt: T0 + 2_000 })),
      );
      expect(resolved).toMatchObject({ outcome: 'changed', alert: { incidentId: 'INC-20260105-001' } });
      expect(resolved.alert).toEqual(stored());
      expect(asked).toEqual(['new']);
      const refired = store.alerts.upsert(alert({ receivedAt: T0 + 3_000, version: null }), linkTo);
      expect(refired.outcome).toBe('changed');
      expect(refired.alert).toEqual(stored());
      expect(asked).toEqual(['new', 'changed']);
    });

    it('refuses a link to an incident that does not exist', () => {
      const { alert: stored } = store.alerts.upsert(alert());
      expect(() => store.alerts.linkIncident(stored.id, 'INC-20990101-001')).toThrow(
        /FOREIGN KEY constraint failed|violates foreign key constraint/,
      );
    });
  });

  describe('alert names and links', () => {
    const SILENCE_A = 'http://am-a:9093/#/silences/new?filter=%7Balertname%3D%22HighErrorRate%22%7D';
    const SILENCE_B = 'http://am-b:9093/#/silences/new?filter=%7Balertname%3D%22HighErrorRate%22%7D';

    it('stores them; new links on a repeat are kept without making it news, a new name is news', () => {
      const first = store.alerts.upsert(
        alert({ name: 'HighErrorRate', links: { graph: 'http://prometheus:9090/graph', silence: SILENCE_A } }),
      );
      expect([first.alert.name, first.alert.links]).toEqual([
        'HighErrorRate',
        { graph: 'http://prometheus:9090/graph', silence: SILENCE_A },
      ]);
      // The other Alertmanager of an HA pair sends the same alert with its own externalURL.
      const other = store.alerts.upsert(
        alert({
          name: 'HighErrorRate',
          links: { graph: 'http://prometheus:9090/graph', silence: SILENCE_B },
          receivedAt: T0 + 10_000,
        }),
      );
      expect(other.outcome).toBe('unchanged');
      expect(other.alert.links.silence).toBe(SILENCE_B);
      expect(store.alerts.upsert(alert({ name: 'HighErrorRateV2', receivedAt: T0 + 20_000 })).outcome).toBe('changed');
      // An alert made in code without either has none.
      const bare = store.alerts.upsert(alert({ fingerprint: 'bare' }));
      expect([bare.alert.name, bare.alert.links]).toEqual([null, {}]);
    });

    // A SQLite file from before migration 010; PostgreSQL stores start at the whole schema.
    it.skipIf(kind === 'postgres')(
      'reads the name of an alert stored before names were kept from its alertname label',
      () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rewind-alert-names-'));
        try {
          const file = path.join(dir, 'rewind.db');
          const old = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version < 10) });
          const insert = old.prepare(
            `INSERT INTO alerts
           (source, fingerprint, service, severity, status, summary, labels, starts_at, received_at, last_received_at)
         VALUES (?, ?, 'chat-api', 'warning', 'firing', 's', ?, 0, 0, 0)`,
          );
          insert.run('alertmanager', 'named', JSON.stringify({ alertname: ' HighErrorRate ' }));
          insert.run('generic', 'blank', JSON.stringify({ alertname: ' ' }));
          insert.run('generic', 'none', JSON.stringify({ team: 'sre' }));
          old.close();
          const upgraded = openStore(file);
          try {
            expect(
              ['named', 'blank', 'none']
                .map((fp) => upgraded.alerts.get(fp === 'named' ? 'alertmanager' : 'generic', fp))
                .map((a) => [a?.name, a?.links]),
            ).toEqual([
              ['HighErrorRate', {}],
              [null, {}],
              [null, {}],
            ]);
            // So a repeat of it after the upgrade is not news.
            const repeat = upgraded.alerts.upsert({
              ...alert({
                fingerprint: 'named',
                service: 'chat-api',
                severity: 'warning',
                summary: 's',
                labels: { alertname: ' HighErrorRate ' },
                annotations: {},
                version: null,
                startsAt: 0,
                receivedAt: 1,
              }),
              name: 'HighErrorRate',
            });
            expect(repeat.outcome).toBe('unchanged');
          } finally {
            upgraded.close();
          }
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  });
});
