/**
 * The bot as a separate OS process (test/faults/support/bot-main.ts): started, waited on until
 * `/healthz` answers, killed with SIGKILL at any point, and started again on the same database,
 * config and stand-ins. Everything it writes to stdout and stderr is kept, across restarts, as
 * parsed pino JSON lines, so tests can count what it logged (e.g. unhandled rejections).
 *
 * No bot outlives the suite: `setpriv --pdeathsig SIGKILL` (util-linux) has the kernel kill it as
 * soon as the test process is gone (a killed vitest worker runs no hooks), and an 'exit' hook kills
 * whatever is still running when the test process ends normally.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findOnPath, killOnExit } from '../../e2e/support/daemon.ts';
import { REPO } from '../../support/run-cli.ts';

const LAUNCHER = 'test/faults/support/bot-main.ts';
/** How long a start may take on a loaded 2-core machine before the test gives up. */
const START_CEILING_MS = 60_000;
const STOP_GRACE_MS = 5_000;

export interface LogLine {
  /** Which start of the bot wrote it (1 for the first). */
  generation: number;
  stream: 'stdout' | 'stderr';
  level?: number;
  msg?: string;
  raw: string;
  [key: string]: unknown;
}

export interface BotOptions {
  /** The bot's environment (SLACK_*, REWIND_*, KUBECONFIG, …), on top of PATH and HOME only. */
  env: Record<string, string>;
  /** The ScaledClock's origin (epoch ms) and scale, the same for every start. */
  origin: number;
  scale: number;
  processBeforeResponse?: boolean;
  /** Clock ms after which a silent heartbeat counts as a dead process (default the bot's 20 s). */
  runnerDeadAfterMs?: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class BotProcess {
  readonly lines: LogLine[] = [];
  generation = 0;
  port = 0;
  private child: ChildProcess | null = null;
  private exited: Promise<Exit> = Promise.resolve({ code: null, signal: null });
  private lastExit: Exit | null = null;
  private partial = { stdout: '', stderr: '' };
  /** Real time (Date.now()) at which each start was spawned and became healthy. */
  readonly starts: Array<{ spawnedAt: number; healthyAt: number | null }> = [];

  constructor(readonly options: BotOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  alive(): boolean {
    return this.child !== null && this.lastExit === null;
  }

  /** Spawns the bot and resolves once `/healthz` answers 200; throws with its output if it does not. */
  async start(): Promise<void> {
    if (this.alive()) throw new Error('the bot is already running');
    this.spawnOnce();
    const spawnedAt = this.starts.at(-1)!.spawnedAt;
    const deadline = spawnedAt + START_CEILING_MS;
    const gen = this.generation;
    for (;;) {
      if (this.lastExit)
        throw new Error(`the bot exited (${describe(this.lastExit)}) before it was healthy:\n${this.output(gen)}`);
      const ready = this.lines.find((l) => l.generation === gen && l.launcher === 'ready');
      if (ready) {
        this.port = Number(ready.port);
        if (
          (await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(5_000) }).then(
            (r) => r.status,
            () => 0,
          )) === 200
        )
          break;
      }
      if (Date.now() > deadline)
        throw new Error(`the bot was not healthy ${START_CEILING_MS} ms after it was spawned:\n${this.output(gen)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    this.starts[this.starts.length - 1]!.healthyAt = Date.now();
  }

  /**
   * Spawns without waiting for health: for starts that are expected to fail. Resolves with how it
   * ended, or null when it is still running after `withinMs`.
   */
  async startExpectingExit(withinMs: number): Promise<Exit | null> {
    this.spawnOnce();
    const timeout = new Promise<null>((r) => setTimeout(() => r(null), withinMs));
    return Promise.race([this.exited, timeout]);
  }

  /** kill -9: no handler runs, nothing is flushed; resolves once the process is gone. */
  async kill9(): Promise<Exit> {
    if (!this.child || this.lastExit) return this.lastExit ?? { code: null, signal: null };
    this.child.kill('SIGKILL');
    return this.exited;
  }

  /** SIGKILL, then a new start on the same database, config and stand-ins. */
  async restart(): Promise<void> {
    await this.kill9();
    await this.start();
  }

  /** SIGTERM (the bot stops cleanly), SIGKILL after a grace period. */
  async stop(): Promise<Exit | null> {
    if (!this.child || this.lastExit) return this.lastExit;
    this.child.kill('SIGTERM');
    const grace = setTimeout(() => this.child?.kill('SIGKILL'), STOP_GRACE_MS);
    const exit = await this.exited;
    clearTimeout(grace);
    return exit;
  }

  /** Resident memory of the running bot in kB, from /proc/<pid>/status. */
  rssKb(): number {
    const pid = this.pid;
    if (pid === undefined || !this.alive()) throw new Error('the bot is not running');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
    return Number(m[1]);
  }

  /** Lines whose message says something was not handled: unhandled rejections and exceptions. */
  unhandled(): LogLine[] {
    return this.lines.filter((l) => typeof l.msg === 'string' && /unhandled/i.test(l.msg));
  }

  /** The output of one start (default: every start), for failure messages. */
  output(generation?: number, tail = 12_000): string {
    const text = this.lines
      .filter((l) => generation === undefined || l.generation === generation)
      .map((l) => l.raw)
      .join('\n');
    return text.length > tail ? `…${text.slice(-tail)}` : text;
  }

  private spawnOnce(): void {
    this.generation++;
    this.lastExit = null;
    this.partial = { stdout: '', stderr: '' };
    const gen = this.generation;
    const o = this.options;
    const args = [
      join(REPO, 'bin/run-ts.mjs'),
      LAUNCHER,
      `--clock-origin=${o.origin}`,
      `--clock-scale=${o.scale}`,
      ...(o.processBeforeResponse ? ['--process-before-response'] : []),
      ...(o.runnerDeadAfterMs ? [`--runner-dead-after=${o.runnerDeadAfterMs}`] : []),
    ];
    const setpriv = findOnPath('setpriv');
    const [command, argv] = setpriv
      ? [setpriv, ['--pdeathsig', 'SIGKILL', '--', process.execPath, ...args]]
      : [process.execPath, args];
    const child = spawn(command, argv, {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts.push({ spawnedAt: Date.now(), healthyAt: null });
    killOnExit(child);
    child.stdout?.on('data', (d: Buffer) => this.take(gen, 'stdout', d));
    child.stderr?.on('data', (d: Buffer) => this.take(gen, 'stderr', d));
    this.exited = new Promise<Exit>((resolve) => {
      const done = (exit: Exit) => {
        if (this.child === child) this.lastExit = exit;
        resolve(exit);
      };
      child.on('exit', (code, signal) => done({ code, signal }));
      child.on('error', () => done({ code: null, signal: null }));
    });
  }

  private take(generation: number, stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const text = this.partial[stream] + chunk.toString('utf8');
    const parts = text.split('\n');
    this.partial[stream] = parts.pop() ?? '';
    for (const raw of parts) {
      if (!raw.trim()) continue;
      let parsed: Record<string, unknown> = {};
      try {
        const value: unknown = JSON.parse(raw);
        if (value && typeof value === 'object') parsed = value as Record<string, unknown>;
      } catch {
        // Not JSON (a stack trace, tsx output): kept as raw text.
      }
      this.lines.push({ ...parsed, generation, stream, raw } as LogLine);
    }
  }
}

function describe(exit: Exit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${String(exit.code)}`;
}
