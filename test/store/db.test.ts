import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INCIDENT_STATUSES, TIERS } from '../../src/domain/types.ts';
import { openDatabase, schemaVersion, type Database } from '../../src/store/db.ts';
import { MigrationError, StoreVersionError } from '../../src/store/errors.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from '../../src/store/migrations/index.ts';
import { openStore } from '../../src/store/index.ts';

let dir: string;
const opened: Database[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rewind-db-'));
});
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function open(file: string, migrations?: readonly Migration[]): Database {
  const db = openDatabase(file, migrations ? { migrations } : {});
  opened.push(db);
  return db;
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

const TABLES = [
  'alerts',
  'approvals',
  'audit_log',
  'checklist_items',
  'complaints',
  'drill_checklist_items',
  'drill_ratings',
  'drills',
  'id_seq',
  'incident_assessments',
  'incidents',
  'outbox',
  'processed_requests',
  'rca_drafts',
  'rollback_steps',
  'rollbacks',
  'routing_drifts',
  'runners',
  'timeline_events',
  'timers',
  'trigger_states',
  'unknown_services',
];

describe('migrations list', () => {
  it('numbers migrations 1..N without gaps, in order, with distinct names', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(new Set(MIGRATIONS.map((m) => m.name)).size).toBe(MIGRATIONS.length);
    for (const m of MIGRATIONS) expect(m.name).toMatch(/^[a-z0-9_]+$/);
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });
});

describe('openDatabase', () => {
  it('creates the parent folder, turns WAL on and applies every migration', () => {
    const file = path.join(dir, 'nested', 'deeper', 'rewind.db');
    const db = open(file);
    expect(fs.existsSync(file)).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1000);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    const tables = db
      .prepare<[], { name: string }>(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
      )
      .all()
      .map((r) => r.name);
    expect(tables).toEqual(TABLES);
  });

  it('reopening an up-to-date file changes nothing and keeps the data', () => {
    const file = path.join(dir, 'rewind.db');
    const first = open(file);
    first.prepare(`INSERT INTO approvals (subject, approver, at) VALUES ('RB-1', 'U1', 1)`).run();
    first.close();
    const again = open(file);
    expect(schemaVersion(again)).toBe(LATEST_SCHEMA_VERSION);
    expect(again.prepare(`SELECT count(*) AS n FROM approvals`).get()).toEqual({ n: 1 });
  });

  it('opens :memory: without WAL', () => {
    const db = open(':memory:');
    expect(db.pragma('journal_mode', { simple: true })).toBe('memory');
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
  });

  it('refuses a file written by a newer Rewind and leaves it byte for byte as it was', () => {
    const file = path.join(dir, 'rewind.db');
    const raw = new BetterSqlite3(file);
    raw.exec(`CREATE TABLE future_table (x INTEGER); INSERT INTO future_table VALUES (42);`);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 4}`);
    raw.close();
    const before = sha256(file);
    const siblingsBefore = fs.readdirSync(dir).sort();

    let error: unknown;
    try {
      open(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreVersionError);
    expect((error as Error).message).toBe(
      `${file} was written by a newer Rewind (schema ${LATEST_SCHEMA_VERSION + 4}, this build knows up to ` +
        `${LATEST_SCHEMA_VERSION}); upgrade Rewind or point REWIND_DB elsewhere`,
    );
    expect(sha256(file)).toBe(before);
    expect(fs.readdirSync(dir).sort()).toEqual(siblingsBefore); // no -wal or -shm left behind

    const check = new BetterSqlite3(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 4);
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
  });

  it('rolls a failing migration back entirely and reports which one failed', () => {
    const file = path.join(dir, 'rewind.db');
    const good: Migration = { version: 1, name: 'first', sql: 'CREATE TABLE a (x INTEGER);' };
    const bad: Migration = {
      version: 2,
      name: 'broken',
      sql: 'CREATE TABLE b (x INTEGER); INSERT INTO missing_table VALUES (1);',
    };
    expect(() => open(file, [good, bad])).toThrow(MigrationError);
    expect(() => open(file, [good, bad])).toThrow(
      /migration 002_broken failed \(no such table: missing_table\); the file is unchanged at schema 1/,
    );

    const db = open(file, [good]);
    expect(schemaVersion(db)).toBe(1);
    const names = db.prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table'`).all();
    expect(names.map((n) => n.name)).toEqual(['a']);
  });

  it('refuses a list of migrations with a gap', () => {
    const file = path.join(dir, 'gap.db');
    const m1: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE a (x);' };
    const m3: Migration = { version: 3, name: 'three', sql: 'CREATE TABLE c (x);' };
    expect(() => open(file, [m1, m3])).toThrow(/migration 003_three failed \(migration 2 is missing\)/);
  });
});

describe('schema matches the domain types', () => {
  it('accepts every incident status and tier of src/domain/types.ts', () => {
    const store = openStore(':memory:');
    try {
      let day = Date.UTC(2026, 0, 1);
      for (const status of INCIDENT_STATUSES) {
        for (const severity of TIERS) {
          day += 1;
          const incident = store.incidents.create({
            service: `svc-${status}-${severity}`,
            version: null,
            severity,
            status,
            title: 't',
            drill: false,
            startedAt: day,
            acknowledgedAt: null,
            acknowledgedBy: null,
            resolvedAt: status === 'resolved' ? day : null,
            slackChannel: null,
            slackTs: null,
          });
          expect(store.incidents.get(incident.id)?.status).toBe(status);
        }
      }
    } finally {
      store.close();
    }
  });

  it('rejects a status the schema does not know', () => {
    const db = open(':memory:');
    expect(() =>
      db
        .prepare(
          `INSERT INTO incidents (id, service, severity, status, title, started_at, created_at, updated_at)
           VALUES ('INC-1', 's', 'warning', 'exploded', 't', 1, 1, 1)`,
        )
        .run(),
    ).toThrow(/CHECK constraint failed/);
  });
});
