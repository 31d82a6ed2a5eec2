/**
 * A database that cannot be used is refused at start with a sentence saying what to do: a file
 * damaged in the middle, a folder on a read-only filesystem.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreOpenError } from '../../src/store/errors.ts';
import { openStore } from '../../src/store/index.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rewind-damage-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a database that cannot be used', () => {
  it('a file damaged in the middle is refused before anything is read or written', () => {
    const file = path.join(dir, 'rewind.db');
    const store = openStore(file);
    for (let i = 0; i < 200; i++) store.audit.record({ at: i, actor: { kind: 'user', id: 'U1' }, action: 'x', outcome: 'allowed', detail: { pad: 'x'.repeat(200) } });
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    const bytes = fs.readFileSync(file);
    bytes.fill(0x5a, 8 * 4096, 9 * 4096); // one page in the middle overwritten
    fs.writeFileSync(file, bytes);
    const before = fs.readFileSync(file);

    expect(() => openStore(file)).toThrow(StoreOpenError);
    expect(() => openStore(file)).toThrow(/is damaged \([\s\S]*\): restore it from a backup, or move it aside/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('a read-only folder is named as such, not "unable to open database file"', (ctx) => {
    const ro = path.join(dir, 'ro');
    fs.mkdirSync(ro);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', ro], { stdio: 'pipe' });
    } catch (err) {
      return ctx.skip(`cannot mount a read-only tmpfs here (${(err as Error).message.split('\n')[0]}): run as root`);
    }
    try {
      expect(() => openStore(path.join(ro, 'rewind.db'))).toThrow(new RegExp(`the folder ${ro} is not writable \\(EROFS\\).*point REWIND_DB at a writable folder`));
    } finally {
      execFileSync('umount', [ro]);
    }
  });
});
