/**
 * Runs the real `rewind` command (or `npm start`) as a child process, the way a person would, in a
 * temporary working directory so a developer's own `.env` never leaks into a test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const BIN = join(REPO, 'bin/rewind.mjs');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = 'rewind-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A clean environment: PATH and HOME only, plus what the test passes. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...extra };
}

export function spawnRewind(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd = tempDir(),
): ChildProcess & { output: () => Finished } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return Object.assign(child, { output: () => ({ code: child.exitCode, stdout, stderr }) });
}

export function runRewind(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Finished> {
  const child = spawnRewind(args, env, cwd);
  return new Promise((done) => child.on('close', (code) => done({ ...child.output(), code })));
}

/**
 * Polls until `fn` returns a value or throws `timeoutMs` later with the last error. The default is
 * a ceiling, not an expectation: a child process on a busy machine may take many seconds to start,
 * and a condition that holds sooner ends the wait sooner.
 */
export async function eventually<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs}ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A TCP port on 127.0.0.1 nothing listens on right now (for a child's PORT, or a server that is not there). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
