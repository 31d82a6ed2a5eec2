import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStores, freshDatabase, type TestDatabase } from '../support/stores.ts';
import type { StatusEvent } from '../../src/domain/timeline.ts';
import type { Incident } from '../../src/domain/types.ts';
import { ManualClock } from '../../src/clock.ts';
import { IncidentConflictError, OpenIncidentExistsError } from '../../src/store/errors.ts';
import { openStore, type NewIncident, type Store } from '../../src/store/index.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
let database: TestDatabase;
let store: Store;
const extra: Store[] = [];

describeStores('incidents', (kind) => {
  beforeEach(() => {
    database = freshDatabase(kind);
    store = openStore(database.target, { clock: new ManualClock(T0) });
  });
  afterEach(() => {
    store.close();
    for (const s of extra.splice(0)) s.close();
  });

  function newIncident(overrides: Partial<NewIncident> = {}): NewIncident {
    return {
      service: 'chat-api',
      version: 'v2.3.0',
      severity: 'warning',
      status: 'detected',
      title: 'error_rate 6% > 5%',
      drill: false,
      startedAt: T0,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      slackChannel: null,
      slackTs: null,
      ...overrides,
    };
  }

  function statusEvent(incident: Incident, to: Incident['status'], at: number): StatusEvent {
    return {
      incidentId: incident.id,
      at,
      kind: 'status',
      actor: { kind: 'user', id: 'U042' },
      from: incident.status,
      to,
      detail: { reason: { kind: 'manual_rollback' } },
    };
  }

  describe('incident ids', () => {
    it('numbers incidents per UTC day of their start: 001, 002, then 001 again the next day', () => {
      const a = store.incidents.create(newIncident({ service: 'a', startedAt: T0 }));
      const b = store.incidents.create(newIncident({ service: 'b', startedAt: Date.UTC(2026, 0, 5, 23, 59, 59, 999) }));
      const c = store.incidents.create(newIncident({ service: 'c', startedAt: Date.UTC(2026, 0, 6, 0, 0, 0) }));
      const d = store.incidents.create(newIncident({ service: 'd', startedAt: Date.UTC(2026, 0, 6, 8, 0, 0) }));
      expect([a.id, b.id, c.id, d.id]).toEqual([
        'INC-20260105-001',
        'INC-20260105-002',
        'INC-20260106-001',
        'INC-20260106-002',
      ]);
      expect(store.incidents.get('INC-20260106-001')).toEqual(c);
    });

    it('does not burn a number when the insert is refused', () => {
      const first = store.incidents.create(newIncident());
      expect(() => store.incidents.create(newIncident())).toThrow(OpenIncidentExistsError);
      const other = store.incidents.create(newIncident({ service: 'other' }));
      expect(first.id).toBe('INC-20260105-001');
      expect(other.id).toBe('INC-20260105-002');
    });
  });

  describe('one open incident per service', () => {
    it('refuses a second open incident, naming the open one, and allows a new one after resolution', () => {
      const first = store.incidents.create(newIncident());
      let error: unknown;
      try {
        store.incidents.create(newIncident({ severity: 'critical' }));
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(OpenIncidentExistsError);
      expect((error as OpenIncidentExistsError).openIncidentId).toBe(first.id);
      expect((error as Error).message).toBe(`service chat-api already has an open incident, ${first.id}`);

      const resolved: Incident = { ...first, status: 'resolved', resolvedAt: T0 + 60_000 };
      store.incidents.applyTransition(resolved, statusEvent(first, 'resolved', T0 + 60_000));
      expect(store.incidents.findOpenByService('chat-api')).toBeNull();

      const second = store.incidents.create(newIncident({ startedAt: T0 + 120_000 }));
      expect(store.incidents.findOpenByService('chat-api')?.id).toBe(second.id);
      expect(store.incidents.listOpen().map((i) => i.id)).toEqual([second.id]);
    });
  });

  describe('applyTransition', () => {
    it('writes the new row and its timeline event together', () => {
      const created = store.incidents.create(newIncident(), [
        {
          at: T0,
          kind: 'detected',
          actor: { kind: 'system', id: 'evaluator' },
          detail: {
            service: 'chat-api',
            version: 'v2.3.0',
            severity: 'warning',
            title: 'error_rate 6% > 5%',
            drill: false,
            breaches: [],
          },
        },
      ]);
      const next: Incident = { ...created, status: 'awaiting_decision' };
      store.incidents.applyTransition(next, statusEvent(created, 'awaiting_decision', T0 + 1000));

      expect(store.incidents.get(created.id)).toEqual(next);
      const timeline = store.incidents.timeline(created.id);
      expect(
        timeline.map((e) => [
          e.kind,
          e.at,
          e.kind === 'status' ? e.from : undefined,
          e.kind === 'status' ? e.to : undefined,
        ]),
      ).toEqual([
        ['detected', T0, undefined, undefined],
        ['status', T0 + 1000, 'detected', 'awaiting_decision'],
      ]);
      expect(timeline[1]?.actor).toEqual({ kind: 'user', id: 'U042' });
      expect(timeline[1]?.detail).toEqual({ reason: { kind: 'manual_rollback' } });
    });

    it('refuses a stale from-status and writes nothing', () => {
      const created = store.incidents.create(newIncident());
      const moved: Incident = { ...created, status: 'awaiting_decision' };
      store.incidents.applyTransition(moved, statusEvent(created, 'awaiting_decision', T0 + 1000));

      // A second writer that still believes the incident is `detected`.
      const stale: Incident = { ...created, status: 'rolling_back' };
      let error: unknown;
      try {
        store.incidents.applyTransition(stale, statusEvent(created, 'rolling_back', T0 + 2000));
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(IncidentConflictError);
      expect((error as Error).message).toBe(
        `incident ${created.id} is awaiting_decision, not detected: someone changed it first; reload and retry`,
      );
      expect(store.incidents.get(created.id)?.status).toBe('awaiting_decision');
      expect(store.incidents.timeline(created.id)).toHaveLength(1);
    });

    it('sees a change made through another connection to the same file', () => {
      const other = openStore(database.target);
      extra.push(other);
      const created = store.incidents.create(newIncident());
      other.incidents.applyTransition({ ...created, status: 'escalated' }, statusEvent(created, 'escalated', T0 + 1));
      expect(() =>
        store.incidents.applyTransition({ ...created, status: 'fixing' }, statusEvent(created, 'fixing', T0 + 2)),
      ).toThrow(IncidentConflictError);
      expect(store.incidents.get(created.id)?.status).toBe('escalated');
    });

    it('keeps the row unchanged when the event cannot be written', () => {
      const created = store.incidents.create(newIncident());
      const event = {
        ...statusEvent(created, 'fixing', T0 + 1),
        actor: { kind: 'robot', id: 'x' },
      } as unknown as StatusEvent;
      expect(() => store.incidents.applyTransition({ ...created, status: 'fixing' }, event)).toThrow(
        /CHECK constraint failed|violates check constraint/,
      );
      expect(store.incidents.get(created.id)?.status).toBe('detected');
      expect(store.incidents.timeline(created.id)).toEqual([]);
    });

    it('rejects an event that does not describe the transition', () => {
      const created = store.incidents.create(newIncident());
      expect(() =>
        store.incidents.applyTransition({ ...created, status: 'fixing' }, statusEvent(created, 'deferred', T0)),
      ).toThrow(/event goes to deferred but the incident's status is fixing/);
      expect(() =>
        store.incidents.applyTransition(
          { ...created, status: 'fixing' },
          { ...statusEvent(created, 'fixing', T0), incidentId: 'INC-20990101-001' },
        ),
      ).toThrow(/event is for INC-20990101-001/);
    });

    it('throws a conflict naming a missing incident', () => {
      const ghost: Incident = { ...newIncident(), id: 'INC-20260105-999', status: 'fixing' };
      expect(() =>
        store.incidents.applyTransition(ghost, statusEvent({ ...ghost, status: 'detected' }, 'fixing', T0)),
      ).toThrow('incident INC-20260105-999 does not exist');
    });
  });

  describe('update', () => {
    it('writes non-status fields with an optional event', () => {
      const created = store.incidents.create(newIncident());
      const acked: Incident = {
        ...created,
        acknowledgedAt: T0 + 5000,
        acknowledgedBy: 'U7',
        slackChannel: 'C1',
        slackTs: '1.2',
      };
      store.incidents.update(acked, {
        incidentId: created.id,
        at: T0 + 5000,
        kind: 'ack',
        actor: { kind: 'user', id: 'U7' },
        detail: { status: 'detected' },
      });
      expect(store.incidents.get(created.id)).toEqual(acked);
      expect(store.incidents.timeline(created.id).map((e) => e.kind)).toEqual(['ack']);
    });

    it('refuses to change the status behind applyTransition’s back', () => {
      const created = store.incidents.create(newIncident());
      store.incidents.applyTransition({ ...created, status: 'fixing' }, statusEvent(created, 'fixing', T0 + 1));
      expect(() => store.incidents.update({ ...created, title: 'new title' })).toThrow(IncidentConflictError);
      expect(store.incidents.get(created.id)?.title).toBe('error_rate 6% > 5%');
    });
  });

  describe('queries', () => {
    it('orders a timeline by time, then by insertion', () => {
      const created = store.incidents.create(newIncident());
      const actor = { kind: 'bot' as const, id: 'rewind' };
      const posted = (at: number, ts: string) =>
        store.incidents.appendEvent({
          incidentId: created.id,
          at,
          kind: 'posted',
          actor,
          detail: { channel: 'C1', ts },
        });
      posted(T0 + 300, 'c');
      posted(T0 + 100, 'a');
      posted(T0 + 300, 'd');
      posted(T0 + 200, 'b');
      expect(store.incidents.timeline(created.id).map((e) => (e.kind === 'posted' ? e.detail.ts : e.kind))).toEqual([
        'a',
        'b',
        'c',
        'd',
      ]);
    });

    it('lists recent incidents newest first, filtered by service, time and drill', () => {
      const a = store.incidents.create(newIncident({ service: 'a', startedAt: T0 }));
      const b = store.incidents.create(newIncident({ service: 'b', startedAt: T0 + 1000, drill: true }));
      const c = store.incidents.create(newIncident({ service: 'c', startedAt: T0 + 2000 }));
      expect(store.incidents.listRecent().map((i) => i.id)).toEqual([c.id, b.id, a.id]);
      expect(store.incidents.listRecent({ limit: 2 }).map((i) => i.id)).toEqual([c.id, b.id]);
      expect(store.incidents.listRecent({ service: 'b' }).map((i) => i.id)).toEqual([b.id]);
      expect(store.incidents.listRecent({ since: T0 + 1000 }).map((i) => i.id)).toEqual([c.id, b.id]);
      expect(store.incidents.listRecent({ excludeDrills: true }).map((i) => i.id)).toEqual([c.id, a.id]);
      expect(store.incidents.get(b.id)?.drill).toBe(true);
      expect(store.incidents.get('INC-19990101-001')).toBeNull();
    });
  });
});
