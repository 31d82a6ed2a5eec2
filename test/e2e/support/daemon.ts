/**
 * A server binary the end-to-end suite runs for itself (Prometheus, Alertmanager): started on
 * 127.0.0.1 with a fresh temporary folder, waited on until it answers, and stopped without leaving
 * anything behind — not even when a test fails or the test process dies.
 *
 * Three layers keep processes from outliving the suite: `stop()` from the tests' afterAll; a
 * process 'exit' hook that SIGKILLs whatever is still running; and, because a killed test worker
 * runs no hooks at all, `setpriv --pdeathsig SIGKILL` (util-linux), which has the kernel kill the
 * child as soon as the process that spawned it is gone. A killed worker cannot remove its temporary
 * folder either, so each folder names its owner's pid and the next start sweeps away folders whose
 * owner is gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The last this-many characters of a daemon's output are kept for error messages. */
const OUTPUT_KEPT = 16_000;
const STOP_GRACE_MS = 5_000;

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** Kills `child` when this process exits, unless it ended before (other suites' children too). */
export function killOnExit(child: ChildProcess): void {
  killAllOnExit();
  running.add(child);
  const forget = () => running.delete(child);
  child.once('exit', forget);
  child.once('error', forget);
}

/** The absolute path of `name` on the PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * A port nobody listens on right now. Another process may take it before the daemon binds it;
 * startDaemon retries with a new port when the daemon says the address is in use.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port was assigned')),
      );
    });
  });
}

export interface DaemonSpec {
  /** For messages: "Prometheus". */
  name: string;
  /** Looked up on the PATH. */
  binary: string;
  /** Prefix of the temporary folder. */
  tempPrefix: string;
  /** Writes the config files into `dir` and returns the command-line arguments for `port`. */
  prepare: (port: number, dir: string) => string[];
  /** True once the daemon serves what the tests need; called every 100 ms. */
  isReady: (baseUrl: string) => Promise<boolean>;
  readyTimeoutMs: number;
}

export interface Daemon {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** The temporary folder with the config and the data; removed by stop(). */
  readonly dir: string;
  /** The tail of what the daemon wrote to stdout and stderr. */
  output(): string;
  /** Whether the process is still running. */
  alive(): boolean;
  /** SIGTERM, then SIGKILL after 5 s; removes the folder. Safe to call more than once. */
  stop(): Promise<void>;
}

const ADDRESS_IN_USE = /address already in use/i;
const OWNER_FILE = 'owner.pid';

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes folders with this prefix left by a test process that was killed before its cleanup. */
function sweepAbandoned(prefix: string): void {
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith(prefix)) continue;
    const dir = join(tmpdir(), entry);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue; // being created right now, or not ours
    }
    if (Number.isInteger(owner) && owner > 0 && processIsGone(owner)) rmSync(dir, { recursive: true, force: true });
  }
}

/** The daemon's error lines first (Prometheus and Alertmanager log `level=error`), then the log's tail. */
function describeOutput(output: string): string {
  const errors = output.split('\n').filter((line) => /level=(error|fatal)/.test(line));
  return errors.length ? `${errors.join('\n')}\n--- log:\n${output}` : output;
}

export async function startDaemon(spec: DaemonSpec): Promise<Daemon> {
  const executable = findOnPath(spec.binary);
  if (!executable) {
    throw new Error(
      `${spec.name}: "${spec.binary}" is not on the PATH; install it with \`bash scripts/e2e-deps.sh\` (Debian ` +
        `packages, as root)`,
    );
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(spec, executable);
    } catch (err) {
      if (attempt < 3 && err instanceof Error && ADDRESS_IN_USE.test(err.message)) continue;
      throw err;
    }
  }
}

async function startOnce(spec: DaemonSpec, executable: string): Promise<Daemon> {
  sweepAbandoned(spec.tempPrefix);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), spec.tempPrefix));
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  const url = `http://127.0.0.1:${port}`;
  let args: string[];
  try {
    args = spec.prepare(port, dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const setpriv = findOnPath('setpriv');
  const [command, argv] = setpriv
    ? [setpriv, ['--pdeathsig', 'SIGKILL', '--', executable, ...args]]
    : [executable, args];
  const child = spawn(command, argv, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  killAllOnExit();
  running.add(child);

  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > OUTPUT_KEPT * 2) output = output.slice(-OUTPUT_KEPT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const tail = () => output.slice(-OUTPUT_KEPT);

  let exitedWith: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exitedWith = signal ? `signal ${signal}` : `code ${String(code)}`;
      running.delete(child);
      resolve();
    });
    child.on('error', (err) => {
      exitedWith = `spawn error: ${err.message}`;
      running.delete(child);
      resolve();
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exitedWith === undefined) {
        child.kill('SIGTERM');
        const grace = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(grace);
      }
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const deadline = Date.now() + spec.readyTimeoutMs;
  for (;;) {
    if (exitedWith !== undefined) {
      await stop();
      throw new Error(`${spec.name} exited (${exitedWith}) before it was ready on ${url}:\n${describeOutput(tail())}`);
    }
    let ready = false;
    try {
      ready = await spec.isReady(url);
    } catch {
      // not listening yet
    }
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `${spec.name} was not ready on ${url} after ${spec.readyTimeoutMs} ms:\n${describeOutput(tail())}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  if (child.pid === undefined) throw new Error(`${spec.name} has no pid`);
  return { name: spec.name, pid: child.pid, port, url, dir, output: tail, alive: () => exitedWith === undefined, stop };
}

/** GET that resolves to the status, for readiness probes; fails fast when nothing listens. */
export async function statusOf(url: string): Promise<number> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await res.arrayBuffer();
  return res.status;
}
