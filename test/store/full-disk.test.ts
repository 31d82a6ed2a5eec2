/**
 * On a real full filesystem (a small tmpfs; mounting one needs root, as CI runs) a timer claim
 * whose commit fails must not count as won. better-sqlite3's `.get()` of an UPDATE … RETURNING
 * returns the row even when the COMMIT then fails with SQLITE_FULL.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.ts';

const T0 = Date.UTC(2026, 0, 5, 9);
let mountPoint: string | null = null;
let unavailable = '';

beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rewind-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', dir], { stdio: 'pipe' });
    mountPoint = dir;
  } catch (err) {
    const why = (err as Error).message.split('\n')[0];
    unavailable = `cannot mount a tmpfs here (${why}): run as root to test a real full disk`;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

afterAll(() => {
  if (!mountPoint) return;
  execFileSync('umount', [mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

/** Fills the filesystem to the last byte. */
function fill(dir: string): void {
  const chunk = Buffer.alloc(4096);
  try {
    for (;;) fs.appendFileSync(path.join(dir, 'ballast'), chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
}

describe('a full disk', () => {
  it('a claim whose commit fails is not won, and the timer stays pending for when space returns', (ctx) => {
    if (!mountPoint) return ctx.skip(unavailable);
    const store: Store = openStore(path.join(mountPoint, 'rewind.db'));
    try {
      const { timer } = store.timers.insert({ kind: 'escalation', key: 'escalation:INC-1:1', dueAt: T0 }, T0);
      fill(mountPoint);
      expect(() => store.timers.claim(timer.id, 'me', T0 + 1)).toThrow(/full/i);
      expect(store.timers.get(timer.id)).toMatchObject({ status: 'pending', claimedBy: null });

      fs.rmSync(path.join(mountPoint, 'ballast')); // space returns
      expect(store.timers.claim(timer.id, 'me', T0 + 2)).toMatchObject({ status: 'firing', claimedBy: 'me' });
      expect(store.timers.get(timer.id)).toMatchObject({ status: 'firing' });
    } finally {
      store.close();
    }
  });
});
