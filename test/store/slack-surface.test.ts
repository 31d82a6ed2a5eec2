import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStores, freshDatabase, type TestDatabase } from '../support/stores.ts';
import { BOT_ACTOR } from '../../src/domain/types.ts';
import { openIncident } from '../../src/domain/lifecycle.ts';
import { ManualClock } from '../../src/clock.ts';
import { openStore, type Store } from '../../src/store/index.ts';

const T0 = Date.UTC(2026, 0, 5, 9);
let store: Store;
let database: TestDatabase;
describeStores('slack surface', (kind) => {
  beforeEach(() => {
    database = freshDatabase(kind);
    store = openStore(database.target, { clock: new ManualClock(T0) });
  });
  afterEach(() => store.close());

  function incident() {
    const { incident, event } = openIncident(
      { service: 'prompt-service', version: 'v2.0.0', severity: 'warning', title: 't', drill: false, startedAt: T0 },
      BOT_ACTOR,
    );
    return store.incidents.create(incident, [event]);
  }

  describe('assessments', () => {
    it('fills in answers one at a time and keeps the earlier ones', () => {
      const { id } = incident();
      expect(store.assessments.get(id)).toEqual({});
      expect(store.assessments.merge(id, { userImpact: 'all' }, 'U1', T0)).toEqual({ userImpact: 'all' });
      expect(store.assessments.merge(id, { fixTime: 'long' }, 'U2', T0)).toEqual({
        userImpact: 'all',
        fixTime: 'long',
      });
      expect(store.assessments.merge(id, { userImpact: 'partial', businessImpact: 'high' }, 'U1', T0)).toEqual({
        userImpact: 'partial',
        businessImpact: 'high',
        fixTime: 'long',
      });
    });

    it('refuses a value outside the matrix', () => {
      const { id } = incident();
      expect(() => store.assessments.merge(id, { userImpact: 'everyone' as never }, 'U1', T0)).toThrow(
        /CHECK constraint|violates check constraint/,
      );
      expect(store.assessments.get(id)).toEqual({});
    });
  });

  describe('processed requests', () => {
    it('remembers a key once and forgets old keys on prune', () => {
      expect(store.processedRequests.remember('trigger:1', T0)).toBe(true);
      expect(store.processedRequests.remember('trigger:1', T0 + 5)).toBe(false);
      expect(store.processedRequests.remember('trigger:2', T0 + 10)).toBe(true);
      expect(store.processedRequests.prune(T0 + 1)).toBe(1);
      expect(store.processedRequests.remember('trigger:1', T0 + 20)).toBe(true);
    });
  });

  describe('complaints', () => {
    it('counts complaints per service in a window', () => {
      store.complaints.record({
        service: 'prompt-service',
        reportedBy: 'U1',
        text: 'answers are wrong',
        at: T0,
        incidentId: null,
      });
      store.complaints.record({
        service: 'prompt-service',
        reportedBy: 'U2',
        text: 'slow',
        at: T0 + 60_000,
        incidentId: null,
      });
      store.complaints.record({ service: 'other', reportedBy: 'U2', text: 'x', at: T0 + 60_000, incidentId: null });
      expect(store.complaints.count('prompt-service', T0 - 1, T0 + 60_000)).toBe(2);
      expect(store.complaints.count('prompt-service', T0, T0 + 60_000)).toBe(1);
      expect(store.complaints.recent('prompt-service').map((c) => c.text)).toEqual(['slow', 'answers are wrong']);
    });
  });
});
