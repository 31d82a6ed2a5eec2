import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStores, freshDatabase, type TestDatabase } from '../support/stores.ts';
import { ManualClock } from '../../src/clock.ts';
import { NotFoundError, openStore, type Store } from '../../src/store/index.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
let store: Store;
let database: TestDatabase;

describeStores('store repositories', (kind) => {
  beforeEach(() => {
    database = freshDatabase(kind);
    store = openStore(database.target, { clock: new ManualClock(T0) });
  });
  afterEach(() => store.close());

  describe('approvals', () => {
    it('counts each approver once per subject', () => {
      expect(store.approvals.record({ subject: 'RB-20260105-001', approver: 'U1', at: T0 })).toBe(true);
      expect(store.approvals.record({ subject: 'RB-20260105-001', approver: 'U1', at: T0 + 5 })).toBe(false);
      expect(
        store.approvals.record({ subject: 'RB-20260105-001', approver: 'U2', at: T0 + 9, note: 'second pair of eyes' }),
      ).toBe(true);
      expect(store.approvals.record({ subject: 'RB-20260105-002', approver: 'U1', at: T0 })).toBe(true);
      expect(store.approvals.count('RB-20260105-001')).toBe(2);
      expect(store.approvals.has('RB-20260105-001', 'U2')).toBe(true);
      expect(store.approvals.has('RB-20260105-002', 'U2')).toBe(false);
      expect(store.approvals.list('RB-20260105-001')).toEqual([
        { subject: 'RB-20260105-001', approver: 'U1', at: T0, note: null },
        { subject: 'RB-20260105-001', approver: 'U2', at: T0 + 9, note: 'second pair of eyes' },
      ]);
    });
  });

  const MEASURED = { ms: 95_000, targetMs: 300_000, pass: true };
  const SCORES = {
    times: { injectedAt: 1, detectedAt: 95_001, postedAt: 95_001, decidedAt: 95_001, verifiedAt: 95_001 },
    expectedMs: 300_000,
    scorecard: {
      detection: MEASURED,
      decision: MEASURED,
      execution: MEASURED,
      total: MEASURED,
      communication: { average: null, count: 0 },
      injected: true,
      passed: true,
    },
  };
  const FAULT = {
    injector: 'simulated' as const,
    spec: {
      drillId: 'DRILL-20260101-001',
      service: 'chat-api',
      version: 'v2',
      scenario: 'inject_errors',
      trigger: 'inject_errors' as const,
      errorRate: 0.2,
      latencyMs: null,
      share: null,
      maxDurationMs: 1_800_000,
    },
    detail: null,
    appliedAt: 1,
    removedAt: null,
    removal: null,
  };

  describe('drills', () => {
    it('creates, updates, lists and finds the next drill', () => {
      const q1 = store.drills.create({ scenario: 'inject_errors', scheduledFor: Date.UTC(2026, 0, 1, 10) });
      const q2 = store.drills.create({
        scenario: 'inject_latency',
        scheduledFor: Date.UTC(2026, 3, 1, 10),
        service: 'chat-api',
      });
      expect([q1.id, q2.id]).toEqual(['DRILL-20260101-001', 'DRILL-20260401-001']);
      expect(store.drills.get(q1.id)).toEqual(q1);

      const done = store.drills.update(q1.id, {
        status: 'completed',
        startedAt: Date.UTC(2026, 0, 1, 10),
        finishedAt: Date.UTC(2026, 0, 1, 10, 30),
        scores: SCORES,
        faultApplied: FAULT,
        ending: { kind: 'aborted', by: 'U0LEAD' },
      });
      expect(store.drills.get(q1.id)).toEqual(done);
      expect(done.scores).toEqual(SCORES);
      expect(done.ending).toEqual({ kind: 'aborted', by: 'U0LEAD' });
      expect(store.drills.update(q1.id, { faultApplied: null }).faultApplied).toBeNull();
      expect(store.drills.get(q1.id)?.faultApplied).toBeNull();

      expect(store.drills.list().map((d) => d.id)).toEqual([q2.id, q1.id]);
      expect(store.drills.list({ status: 'completed' }).map((d) => d.id)).toEqual([q1.id]);
      expect(store.drills.next(T0)?.id).toBe(q2.id);
      expect(store.drills.next(Date.UTC(2026, 3, 2))).toBeNull();
      expect(() => store.drills.update('DRILL-20990101-001', { status: 'aborted' })).toThrow(NotFoundError);
    });

    it('keeps the runner of a running drill and hands it over once', () => {
      const drill = store.drills.create({
        scenario: 'inject_errors',
        scheduledFor: T0,
        status: 'running',
        runner: 'host:1:aaaa',
      });
      expect(store.drills.get(drill.id)?.runner).toBe('host:1:aaaa');
      // Two replicas finding the runner gone: the first takes it, the second finds it taken.
      expect(store.drills.takeOver(drill.id, 'host:1:aaaa', 'host:2:bbbb')?.runner).toBe('host:2:bbbb');
      expect(store.drills.takeOver(drill.id, 'host:1:aaaa', 'host:3:cccc')).toBeNull();
      expect(store.drills.get(drill.id)?.runner).toBe('host:2:bbbb');
      // A drill of an earlier Rewind names no runner; one that ended is nobody's to take.
      const legacy = store.drills.create({ scenario: 'inject_errors', scheduledFor: T0 + 1, status: 'running' });
      expect(store.drills.takeOver(legacy.id, null, 'host:2:bbbb')?.runner).toBe('host:2:bbbb');
      store.drills.update(drill.id, { status: 'aborted' });
      expect(store.drills.takeOver(drill.id, 'host:2:bbbb', 'host:3:cccc')).toBeNull();
    });
  });

  describe('audit log', () => {
    it('records entries and filters them, newest first', () => {
      const u1 = { kind: 'user' as const, id: 'U1' };
      store.audit.record({
        at: T0,
        actor: u1,
        action: 'rollback.start',
        target: 'chat-api',
        outcome: 'refused',
        detail: { reason: 'not an approver' },
      });
      store.audit.record({
        at: T0 + 1,
        actor: { kind: 'user', id: 'U2' },
        action: 'rollback.start',
        target: 'chat-api',
        outcome: 'allowed',
      });
      store.audit.record({
        at: T0 + 2,
        actor: u1,
        action: 'incident.ack',
        target: 'INC-20260105-001',
        outcome: 'allowed',
      });

      expect(store.audit.list().map((e) => e.at)).toEqual([T0 + 2, T0 + 1, T0]);
      expect(store.audit.list({ actorId: 'U1' }).map((e) => e.action)).toEqual(['incident.ack', 'rollback.start']);
      expect(store.audit.list({ outcome: 'refused' })).toEqual([
        {
          id: 1,
          at: T0,
          actor: u1,
          action: 'rollback.start',
          target: 'chat-api',
          outcome: 'refused',
          detail: { reason: 'not an approver' },
        },
      ]);
      expect(store.audit.list({ action: 'rollback.start', since: T0 + 1 }).map((e) => e.actor.id)).toEqual(['U2']);
      expect(store.audit.list({ until: T0 + 1 }).map((e) => e.at)).toEqual([T0]);
      expect(store.audit.list({ target: 'INC-20260105-001', limit: 1 }).map((e) => e.action)).toEqual(['incident.ack']);
    });
  });

  describe('outbox', () => {
    it('keeps a message until it is sent, holding its queue back between failed attempts', () => {
      const id = store.outbox.enqueue(
        { queue: 'incident:INC-1', kind: 'thread', payload: { text: 'hello' } },
        T0,
      ) as number;
      const behind = store.outbox.enqueue(
        { queue: 'incident:INC-1', kind: 'thread', payload: { text: 'after' } },
        T0,
      ) as number;
      const other = store.outbox.enqueue({ queue: 'dm:U1', kind: 'dm', payload: { text: 'dm' } }, T0) as number;
      expect(store.outbox.dueHeads(T0).map((m) => m.id)).toEqual([id, other]);

      expect(store.outbox.markFailed(id, 'HTTP 429, retry after 30s', T0 + 30_000)).toBe(true);
      expect(store.outbox.dueHeads(T0 + 29_999).map((m) => m.id)).toEqual([other]); // the failed head holds its queue
      expect(store.outbox.head('incident:INC-1')).toEqual({
        id,
        queue: 'incident:INC-1',
        kind: 'thread',
        payload: { text: 'hello' },
        dedupKey: null,
        attempts: 1,
        nextAttemptAt: T0 + 30_000,
        createdAt: T0,
        sentAt: null,
        deadAt: null,
        lastError: 'HTTP 429, retry after 30s',
        claimedBy: null,
        claimedAt: null,
      });
      expect(store.outbox.unsentCount()).toBe(3);
      expect(store.outbox.backlog()).toEqual({ count: 3, oldestCreatedAt: T0 });

      expect(store.outbox.markSent(id, T0 + 31_000)).toBe(true);
      expect(store.outbox.markSent(id, T0 + 32_000)).toBe(false);
      expect(store.outbox.head('incident:INC-1')?.id).toBe(behind);
      expect(store.outbox.get(id)).toMatchObject({ sentAt: T0 + 31_000, attempts: 2, lastError: null });
    });

    it('queues a keyed message once, and gives up an undeliverable one without holding its queue', () => {
      const first = store.outbox.enqueue(
        { queue: 'dm:U1', kind: 'dm', payload: { text: 'level 1' }, dedupKey: 'esc:1:dm:U1' },
        T0,
      );
      expect(first).toBeTypeOf('number');
      expect(
        store.outbox.enqueue(
          { queue: 'dm:U1', kind: 'dm', payload: { text: 'level 1' }, dedupKey: 'esc:1:dm:U1' },
          T0 + 1,
        ),
      ).toBeNull();
      const next = store.outbox.enqueue({ queue: 'dm:U1', kind: 'dm', payload: { text: 'level 2' } }, T0) as number;

      expect(store.outbox.markDead(first as number, 'channel_not_found', T0 + 5)).toBe(true);
      expect(store.outbox.head('dm:U1')?.id).toBe(next);
      expect(store.outbox.deadCount()).toBe(1);
      expect(store.outbox.unsentCount()).toBe(1);
    });

    it('lets a waiting message be joined, and makes every waiting message due when asked to hurry', () => {
      const id = store.outbox.enqueue({ queue: 'incident:INC-1', kind: 'alerts', payload: { n: 1 } }, T0) as number;
      expect(store.outbox.lastWaiting('incident:INC-1', 'alerts')?.id).toBe(id);
      expect(store.outbox.replacePayload(id, { n: 2 })).toBe(true);
      store.outbox.markFailed(id, 'internal_error', T0 + 300_000);
      expect(store.outbox.hurry(T0 + 10)).toBe(1);
      expect(store.outbox.dueHeads(T0 + 10).map((m) => [m.id, m.payload])).toEqual([[id, { n: 2 }]]);
      store.outbox.markSent(id, T0 + 20);
      expect(store.outbox.replacePayload(id, { n: 3 })).toBe(false);
      expect(store.outbox.lastWaiting('incident:INC-1', 'alerts')).toBeNull();
      expect(store.outbox.hasQueued('incident:INC-1')).toBe(true);
      expect(store.outbox.pruneSent(T0 + 21)).toBe(1);
      expect(store.outbox.hasQueued('incident:INC-1')).toBe(false);
    });
  });

  describe('store', () => {
    it('rolls back every repository write of a failed transaction', () => {
      expect(() =>
        store.transaction(() => {
          store.approvals.record({ subject: 'RB-1', approver: 'U1', at: T0 });
          store.audit.record({
            at: T0,
            actor: { kind: 'user', id: 'U1' },
            action: 'rollback.approve',
            outcome: 'allowed',
          });
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(store.approvals.count('RB-1')).toBe(0);
      expect(store.audit.list()).toEqual([]);
    });

    it('reports whether it is open and closes idempotently', () => {
      expect(store.isOpen()).toBe(true);
      store.close();
      expect(store.isOpen()).toBe(false);
      expect(() => store.close()).not.toThrow();
    });
  });
});
