/**
 * The memory of unknown services (migration 009): what the previous build remembered carries over,
 * and pruning forgets told services after their hour but keeps those still waiting for a summary.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MIN = 60_000;
let dir: string;
let store: Store | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rewind-unknown-'));
});
afterEach(() => {
  store?.close();
  store = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('unknown services', () => {
  it('the previous build’s "announced once" keys become announcements at their time; other keys stay', () => {
    const file = path.join(dir, 'rewind.db');
    const before = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version < 9) });
    before
      .prepare(`INSERT INTO processed_requests (key, at) VALUES ('unknown-service:billing', ?), ('event:Ev1', ?)`)
      .run(T0 + 5_123, T0);
    before.close();

    store = openStore(file);
    expect(store.unknownServices.lastToldAt('billing')).toBe(T0 + 5_123);
    expect(store.unknownServices.count(T0, 'announced')).toBe(1);
    expect(store.db.prepare(`SELECT key FROM processed_requests`).all()).toEqual([{ key: 'event:Ev1' }]);
  });

  it(
    'a minute’s held-back services are summarised once, first names in arrival order; pruning keeps them until their ' +
      'summary',
    () => {
      store = openStore(':memory:');
      const repo = store.unknownServices;
      repo.record('told', T0, T0, 'announced');
      for (const name of ['c', 'a', 'b']) repo.record(name, T0 + 10_000, T0, 'waiting');
      repo.record('next-minute', T0 + MIN, T0 + MIN, 'waiting');
      expect(repo.hasWaiting(T0)).toBe(true);

      // An hour later the announced one is forgotten; the waiting ones (a summary late after downtime) are not.
      expect(repo.prune(T0 + 5_000, T0 - 1)).toBe(1);
      expect(repo.lastToldAt('told')).toBeNull();
      expect(repo.summarise(T0, 2)).toEqual({ count: 3, names: ['c', 'a'] });
      expect(repo.summarise(T0, 2)).toEqual({ count: 0, names: [] });
      expect(repo.hasWaiting(T0)).toBe(false);
      expect(repo.count(T0, 'summarised')).toBe(3);
      // Past their retention even services that waited are forgotten.
      expect(repo.prune(T0 + 2 * MIN, T0 + 2 * MIN)).toBe(4);
    },
  );
});
