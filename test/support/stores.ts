/**
 * The two stores the repository contract runs against: SQLite (always) and PostgreSQL (when
 * REWIND_TEST_POSTGRES names a server where the tests may create schemas, e.g.
 * `postgres://root@localhost/rewind_test?host=/var/run/postgresql`; `.ci/run` starts one and sets
 * it). Each test gets an empty database of its own: a fresh SQLite file, or a fresh PostgreSQL
 * schema reached through `search_path`, so tests never see each other's rows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, onTestFinished } from 'vitest';
import { PostgresDatabase } from '../../src/store/postgres/database.ts';

export type StoreKindName = 'sqlite' | 'postgres';

export interface TestDatabase {
  kind: StoreKindName;
  /** What REWIND_DB would say: a file path, or a postgres:// URL. */
  target: string;
}

const POSTGRES = process.env['REWIND_TEST_POSTGRES'];

export const STORE_KINDS: readonly StoreKindName[] = POSTGRES ? ['sqlite', 'postgres'] : ['sqlite'];

/** An empty database of `kind`, removed after the test. */
export function freshDatabase(kind: StoreKindName): TestDatabase {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rewind-store-'));
    // After the test's own afterEach hooks, which stop what still uses the database.
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    return { kind, target: path.join(dir, 'rewind.db') };
  }
  if (!POSTGRES) throw new Error('REWIND_TEST_POSTGRES is not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  adminConnection(POSTGRES).exec(`CREATE SCHEMA ${schema}`);
  onTestFinished(() => adminConnection(POSTGRES).exec(`DROP SCHEMA ${schema} CASCADE`));
  return { kind, target: withSearchPath(POSTGRES, schema) };
}

/**
 * One connection per test process creates and drops the schemas: a connection is a worker thread
 * and a login, hundreds of milliseconds each time, and a file runs dozens of tests. (Its worker is
 * unref'd, so it does not keep the process alive.)
 */
let admin: PostgresDatabase | undefined;
function adminConnection(url: string): PostgresDatabase {
  admin ??= new PostgresDatabase({ url });
  return admin;
}

function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/**
 * `describe` once per store kind, the kind in the title (`alerts [postgres]`). PostgreSQL's tests get
 * a longer ceiling: every statement is a round trip, and on a busy machine a flow takes seconds more.
 */
export function describeStores(title: string, body: (kind: StoreKindName) => void): void {
  for (const kind of STORE_KINDS)
    describe(`${title} [${kind}]`, kind === 'postgres' ? { timeout: 90_000 } : {}, () => body(kind));
}
