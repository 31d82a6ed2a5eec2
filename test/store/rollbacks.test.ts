import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStores, freshDatabase, type TestDatabase } from '../support/stores.ts';
import { ManualClock } from '../../src/clock.ts';
import { NotFoundError, RollbackConflictError } from '../../src/store/errors.ts';
import { UnreadableRowError } from '../../src/store/json.ts';
import type { RollbackStepDetail } from '../../src/domain/rollback-record.ts';
import { openStore, type NewRollback, type Store } from '../../src/store/index.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const SET_50: RollbackStepDetail = { kind: 'set_weight', weight: 50, phase: 0 };
let database: TestDatabase;
let store: Store;
const extra: Store[] = [];

describeStores('rollbacks', (kind) => {
  beforeEach(() => {
    database = freshDatabase(kind);
    store = openStore(database.target, { clock: new ManualClock(T0) });
  });
  afterEach(() => {
    store.close();
    for (const s of extra.splice(0)) s.close();
  });

  function newRollback(overrides: Partial<NewRollback> = {}): NewRollback {
    return {
      incidentId: null,
      service: 'chat-api',
      strategy: 'gradual',
      fromVersion: 'v2.3.0',
      toVersion: 'v2.2.1',
      status: 'running',
      startedBy: 'U042',
      scheduledFor: null,
      startedAt: T0,
      plan: { phases: [50, 25, 5, 0] },
      dryRun: false,
      ...overrides,
    };
  }

  describe('rollbacks', () => {
    it('creates RB-YYYYMMDD-NNN ids and reads back what was written', () => {
      const rb = store.rollbacks.create(newRollback());
      expect(rb.id).toBe('RB-20260105-001');
      expect(rb.currentPhase).toBeNull();
      expect(store.rollbacks.get(rb.id)).toEqual(rb);
      expect(store.rollbacks.activeForService('chat-api')).toEqual(rb);
    });

    it('refuses a second active rollback of a service, naming the running one', () => {
      const running = store.rollbacks.create(newRollback());
      let error: unknown;
      try {
        store.rollbacks.create(newRollback({ strategy: 'immediate', startedBy: 'U999' }));
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(RollbackConflictError);
      expect((error as RollbackConflictError).running.id).toBe(running.id);
      expect((error as Error).message).toBe(
        `service chat-api already has an active rollback, ${running.id} (gradual, running, started by U042)`,
      );
      // Another service is free; the refused attempt did not burn an id.
      expect(store.rollbacks.create(newRollback({ service: 'search-api' })).id).toBe('RB-20260105-002');
    });

    it('counts pending, scheduled and paused rollbacks as active too', () => {
      for (const status of ['pending', 'scheduled', 'paused'] as const) {
        const service = `svc-${status}`;
        store.rollbacks.create(newRollback({ service, status }));
        expect(() => store.rollbacks.create(newRollback({ service }))).toThrow(RollbackConflictError);
      }
    });

    it('frees the slot once the rollback finishes', () => {
      const first = store.rollbacks.create(newRollback());
      const done = store.rollbacks.update(first.id, { status: 'succeeded', finishedAt: T0 + 60_000, currentPhase: 3 });
      expect(done).toMatchObject({ status: 'succeeded', finishedAt: T0 + 60_000, currentPhase: 3 });
      expect(store.rollbacks.activeForService('chat-api')).toBeNull();
      const second = store.rollbacks.create(newRollback({ startedAt: T0 + 120_000 }));
      expect(store.rollbacks.activeForService('chat-api')?.id).toBe(second.id);
      expect(store.rollbacks.history({ service: 'chat-api' }).map((r) => r.id)).toEqual([second.id, first.id]);
      expect(store.rollbacks.listActive().map((r) => r.id)).toEqual([second.id]);
    });

    it('refuses to re-activate a finished rollback while another is active', () => {
      const first = store.rollbacks.create(newRollback());
      store.rollbacks.update(first.id, { status: 'aborted', finishedAt: T0 + 1 });
      const second = store.rollbacks.create(newRollback());
      expect(() => store.rollbacks.update(first.id, { status: 'running' })).toThrow(RollbackConflictError);
      expect(store.rollbacks.get(first.id)?.status).toBe('aborted');
      expect(store.rollbacks.activeForService('chat-api')?.id).toBe(second.id);
    });

    it('applies an update only from the expected status', () => {
      const rb = store.rollbacks.create(newRollback());
      store.rollbacks.update(rb.id, { status: 'succeeded', finishedAt: T0 + 10 });
      expect(store.rollbacks.update(rb.id, { status: 'aborted', error: 'aborted by U1' }, 'running')).toBeNull();
      expect(store.rollbacks.get(rb.id)).toMatchObject({ status: 'succeeded', error: null });
      expect(store.rollbacks.update(rb.id, { error: 'post-check noted' }, 'succeeded')?.error).toBe('post-check noted');
      expect(() => store.rollbacks.update('RB-20990101-001', { status: 'failed' })).toThrow(NotFoundError);
    });

    it('refuses a second active rollback created through another connection', () => {
      const other = openStore(database.target);
      extra.push(other);
      const first = other.rollbacks.create(newRollback());
      expect(() => store.rollbacks.create(newRollback())).toThrow(RollbackConflictError);
      expect(store.rollbacks.activeForService('chat-api')?.id).toBe(first.id);
    });
  });

  describe('rollback steps', () => {
    it('numbers steps in order, updates them and lists them by seq', () => {
      const rb = store.rollbacks.create(newRollback({ strategy: 'immediate' }));
      const confirm = store.rollbacks.addStep(rb.id, {
        name: 'confirm',
        status: 'running',
        startedAt: T0,
        budgetMs: 30_000,
        detail: { kind: 'confirm', phase: null },
      });
      const sw = store.rollbacks.addStep(rb.id, {
        name: 'switch',
        budgetMs: 10_000,
        detail: { kind: 'set_weight', weight: 0, phase: null },
      });
      expect([confirm.seq, sw.seq]).toEqual([1, 2]);
      store.rollbacks.updateStep(rb.id, 1, {
        status: 'succeeded',
        finishedAt: T0 + 12_000,
        detail: { kind: 'confirm', phase: null, from: 'v2.3.0' },
      });
      expect(store.rollbacks.steps(rb.id)).toEqual([
        {
          rollbackId: rb.id,
          seq: 1,
          name: 'confirm',
          status: 'succeeded',
          startedAt: T0,
          finishedAt: T0 + 12_000,
          budgetMs: 30_000,
          detail: { kind: 'confirm', phase: null, from: 'v2.3.0' },
        },
        {
          rollbackId: rb.id,
          seq: 2,
          name: 'switch',
          status: 'pending',
          startedAt: null,
          finishedAt: null,
          budgetMs: 10_000,
          detail: { kind: 'set_weight', weight: 0, phase: null },
        },
      ]);
    });

    it('refuses a duplicate seq, a step of an unknown rollback and an update of a missing step', () => {
      const rb = store.rollbacks.create(newRollback());
      store.rollbacks.addStep(rb.id, { name: 'phase 50%', seq: 1, detail: SET_50 });
      expect(() => store.rollbacks.addStep(rb.id, { name: 'again', seq: 1, detail: SET_50 })).toThrow(
        /UNIQUE constraint failed|duplicate key value/,
      );
      expect(() => store.rollbacks.addStep('RB-20990101-001', { name: 'x', detail: SET_50 })).toThrow(
        /FOREIGN KEY constraint failed|violates foreign key constraint/,
      );
      expect(() => store.rollbacks.updateStep(rb.id, 9, { status: 'failed' })).toThrow(
        `step of rollback ${rb.id} 9 not found`,
      );
    });

    it('updates a step conditionally: a claim made through another connection is seen, and nothing written', () => {
      const rb = store.rollbacks.create(newRollback());
      store.rollbacks.addStep(rb.id, { name: 'phase 50%', seq: 1, detail: SET_50 });
      const other = openStore(database.target);
      extra.push(other);
      const claim = (at: number) => (current: { detail: RollbackStepDetail }) =>
        current.detail.kind === 'set_weight' && current.detail.reason === undefined
          ? { detail: { ...current.detail, reason: `claimed at ${at}` } }
          : null;
      expect(other.rollbacks.updateStepIf(rb.id, 1, claim(1))?.detail).toEqual({ ...SET_50, reason: 'claimed at 1' });
      expect(store.rollbacks.updateStepIf(rb.id, 1, claim(2))).toBeNull();
      expect(store.rollbacks.steps(rb.id)[0]?.detail).toEqual({ ...SET_50, reason: 'claimed at 1' });
      expect(() => store.rollbacks.updateStepIf(rb.id, 9, claim(3))).toThrow(`step of rollback ${rb.id} 9 not found`);
    });
  });

  describe('stored plans and step details', () => {
    it('reads rows as the first builds wrote them: every planned field on every step, nulls included', () => {
      const rb = store.rollbacks.create(newRollback({ plan: { phases: [25, 5, 0], requiredApprovals: 1 } }));
      const raw = (detail: object) => JSON.stringify(detail);
      const insert = store.db.prepare(
        `INSERT INTO rollback_steps (rollback_id, seq, name, status, budget_ms, detail)
       VALUES (?, ?, ?, 'succeeded', NULL, ?)`,
      );
      insert.run(
        rb.id,
        1,
        'confirm',
        raw({
          kind: 'confirm',
          weight: null,
          observeMs: null,
          verifyMs: null,
          phase: null,
          from: 'v2.3.0',
          split: { 'v2.3.0': 100 },
          baseline: { error_rate: 0.07, p95_latency: null },
        }),
      );
      insert.run(
        rb.id,
        2,
        'set 25%',
        raw({
          kind: 'set_weight',
          weight: 25,
          observeMs: null,
          verifyMs: null,
          phase: 0,
          changes: [{ method: 'PATCH', target: 'Service a/b', contentType: 'application/json', body: {} }],
        }),
      );
      insert.run(
        rb.id,
        3,
        'observe 10m',
        raw({
          kind: 'observe',
          weight: null,
          observeMs: 600000,
          verifyMs: null,
          phase: 0,
          observeUntil: T0,
          tick: 3,
          lastSample: {},
          remainingMs: null,
        }),
      );
      insert.run(
        rb.id,
        4,
        'verify',
        raw({
          kind: 'verify',
          weight: null,
          observeMs: null,
          verifyMs: null,
          phase: null,
          series: { error_rate: [[T0, null]] },
          recovered: true,
        }),
      );
      insert.run(
        rb.id,
        5,
        'canary stopped',
        raw({
          kind: 'stop',
          weight: null,
          observeMs: null,
          verifyMs: null,
          phase: null,
          reason: 'stopped by U1',
          revert: true,
        }),
      );
      const details = store.rollbacks.steps(rb.id).map((s) => s.detail);
      expect(details).toEqual([
        { kind: 'confirm', phase: null, from: 'v2.3.0', split: { 'v2.3.0': 100 }, baseline: { error_rate: 0.07 } },
        {
          kind: 'set_weight',
          weight: 25,
          phase: 0,
          changes: [{ method: 'PATCH', target: 'Service a/b', contentType: 'application/json', body: {} }],
        },
        { kind: 'observe', observeMs: 600000, phase: 0, observeUntil: T0, tick: 3, lastSample: {}, remainingMs: null },
        { kind: 'verify', verifyMs: null, phase: null, series: { error_rate: [[T0, null]] }, recovered: true },
        { kind: 'stop', phase: null, reason: 'stopped by U1', revert: true },
      ]);
      expect(store.rollbacks.get(rb.id)?.plan).toEqual({ phases: [25, 5, 0], requiredApprovals: 1 });
    });

    it('refuses a row it cannot read, naming the table, the row and the problem', () => {
      const rb = store.rollbacks.create(newRollback());
      store.db
        .prepare(`INSERT INTO rollback_steps (rollback_id, seq, name, status, detail) VALUES (?, 1, 'x', 'pending', ?)`)
        .run(rb.id, '{"kind":"teleport"}');
      expect(() => store.rollbacks.steps(rb.id)).toThrow(UnreadableRowError);
      expect(() => store.rollbacks.steps(rb.id)).toThrow(`rollback_steps row ${rb.id}/1: column detail cannot be read`);
      store.db.prepare(`UPDATE rollbacks SET plan = '{"phases":"all"}' WHERE id = ?`).run(rb.id);
      expect(() => store.rollbacks.get(rb.id)).toThrow(`rollbacks row ${rb.id}: column plan cannot be read: phases:`);
    });
  });
});
