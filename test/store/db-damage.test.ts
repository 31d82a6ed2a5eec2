/**
 * A database that cannot be used is refused at start with one sentence saying what is wrong and
 * what to do: a file damaged in the middle, a path that is a folder or runs through a file, a
 * folder on a read-only filesystem, a full disk when something must be written first. A database
 * that can be read opens on a full disk: reads work, writes are refused with SQLITE_FULL.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { StoreOpenError, storeRefusal } from '../../src/store/errors.ts';
import { openStore, sqliteHandle, MIGRATIONS, type Migration } from '../../src/store/index.ts';

let dir: string;
const mounts: string[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rewind-damage-'));
});
afterEach(() => {
  while (mounts.length > 0) execFileSync('umount', [mounts.pop()!]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A tmpfs at `at` (mounting needs root, as CI runs); false with the test skipped saying why. */
function tmpfs(ctx: TestContext, at: string, options: string): boolean {
  fs.mkdirSync(at, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', at], { stdio: 'pipe' });
  } catch (err) {
    ctx.skip(`cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]}): run as root`);
    return false;
  }
  mounts.push(at);
  return true;
}

/** Fills the filesystem holding `folder` to its last byte. */
function fill(folder: string): void {
  for (const size of [64 * 1024, 512, 1]) {
    try {
      for (;;) fs.appendFileSync(path.join(folder, 'ballast'), Buffer.alloc(size));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    }
  }
}

const opening = (file: string, migrations?: readonly Migration[]) => {
  try {
    openStore(file, migrations ? { migrations } : {}).close();
  } catch (err) {
    return err as Error;
  }
  throw new Error(`${file} opened`);
};

describe('a database that cannot be used', () => {
  it('a file damaged in the middle is refused before anything is read or written', () => {
    const file = path.join(dir, 'rewind.db');
    const store = openStore(file);
    for (let i = 0; i < 200; i++)
      store.audit.record({
        at: i,
        actor: { kind: 'user', id: 'U1' },
        action: 'x',
        outcome: 'allowed',
        detail: { pad: 'x'.repeat(200) },
      });
    sqliteHandle(store.db).pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    const bytes = fs.readFileSync(file);
    bytes.fill(0x5a, 8 * 4096, 9 * 4096); // one page in the middle overwritten
    fs.writeFileSync(file, bytes);
    const before = fs.readFileSync(file);

    expect(() => openStore(file)).toThrow(StoreOpenError);
    expect(() => openStore(file)).toThrow(/is damaged \([\s\S]*\): restore it from a backup, or move it aside/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('REWIND_DB naming a folder is said as such, with a file path to use instead', () => {
    const folder = path.join(dir, 'rewind.db');
    fs.mkdirSync(folder);
    const err = opening(folder);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect(err.message).toBe(
      `${folder} is a folder, not a database file: point REWIND_DB at a file, e.g. ${path.join(folder, 'rewind.db')}`,
    );
  });

  it('a path running through a file names that file, not a folder that "is not writable (EEXIST)"', () => {
    const file = path.join(dir, 'base.db');
    fs.writeFileSync(file, 'x');
    const err = opening(path.join(file, 'sub', 'rewind.db'));
    expect(err.message).toBe(
      `${file} is a file, not a folder, so ${path.join(file, 'sub', 'rewind.db')} cannot be created under it: point ` +
        `REWIND_DB at a path inside a folder, or move ${file} aside`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  it('a read-only folder is named as such, not "unable to open database file"', (ctx) => {
    const ro = path.join(dir, 'ro');
    if (!tmpfs(ctx, ro, 'ro,size=1m')) return;
    expect(opening(path.join(ro, 'rewind.db')).message).toBe(
      `the folder ${ro} is on a read-only file system (EROFS), and Rewind keeps its SQLite file and write-ahead log ` +
        `there: make it writable, or point REWIND_DB at a writable folder`,
    );
  });

  it('a missing folder on a read-only filesystem says it cannot be created there, not ENOENT', (ctx) => {
    const ro = path.join(dir, 'ro');
    if (!tmpfs(ctx, ro, 'ro,size=1m')) return;
    const folder = path.join(ro, 'new', 'deeper');
    expect(opening(path.join(folder, 'rewind.db')).message).toBe(
      `the folder ${folder} does not exist and cannot be created: ${ro} is on a read-only file system (EROFS): mount ` +
        `${ro} read-write, or point REWIND_DB at a writable folder`,
    );
  });
});

describe('a full disk at start', () => {
  it('a database whose schema is current opens: reads work, a write is refused with SQLITE_FULL', (ctx) => {
    const disk = path.join(dir, 'disk');
    if (!tmpfs(ctx, disk, 'size=2m')) return;
    const file = path.join(disk, 'rewind.db');
    // A process that was killed leaves its -wal and -shm files; this connection keeps them.
    const killed = openStore(file);
    killed.audit.record({ at: 1, actor: { kind: 'user', id: 'U1' }, action: 'before', outcome: 'allowed', detail: {} });
    fill(disk);
    const store = openStore(file);
    try {
      expect(store.audit.list({}).map((e) => e.action)).toEqual(['before']);
      let refused: unknown = null;
      try {
        store.audit.record({
          at: 2,
          actor: { kind: 'user', id: 'U1' },
          action: 'while full',
          outcome: 'allowed',
          detail: { pad: 'x'.repeat(8000) },
        });
      } catch (err) {
        refused = err;
      }
      expect(storeRefusal(refused)).toEqual({ reason: 'full', code: 'SQLITE_FULL' });
    } finally {
      store.close();
      killed.close();
    }
  });

  it('a pending migration that cannot be written is refused with "free some space"; the file is unchanged', (ctx) => {
    const disk = path.join(dir, 'disk');
    if (!tmpfs(ctx, disk, 'size=2m')) return;
    const file = path.join(disk, 'rewind.db');
    const held = openStore(file);
    fill(disk);
    const next: Migration = {
      version: MIGRATIONS.length + 1,
      name: 'padding',
      sql:
        `CREATE TABLE padding (x TEXT); INSERT INTO padding SELECT hex(randomblob(4000)) FROM (WITH RECURSIVE n(i) ` +
        `AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) SELECT i FROM n);`,
    };
    const err = opening(file, [...MIGRATIONS, next]);
    const name = `${String(next.version).padStart(3, '0')}_padding`;
    expect(err.message).toBe(
      `${file} needs migration ${name}, and the disk holding ${disk} is full: free some space, then start Rewind ` +
        `again (the file is unchanged at schema ${MIGRATIONS.length})`,
    );
    expect(sqliteHandle(held.db).pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    held.close();
  });

  it('a cleanly stopped database (no -shm left) on a full disk reports a full disk, not a damaged file', (ctx) => {
    const disk = path.join(dir, 'disk');
    if (!tmpfs(ctx, disk, 'size=2m')) return;
    const file = path.join(disk, 'rewind.db');
    openStore(file).close();
    fill(disk);
    expect(opening(file).message).toBe(
      `the disk holding ${disk} is full, and SQLite needs a little room there (its -wal and -shm files) to open ` +
        `${file}: free some space, then start Rewind again`,
    );
  });
});
