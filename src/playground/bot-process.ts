/**
 * The playground's bot: bot-worker.ts as a child process with an IPC channel, started on the
 * session's environment, killed with SIGKILL from the page and started again on the same database,
 * config and stand-ins. Its log lines are kept (the last few hundred) for the failure message of a
 * start that did not come up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Scripts } from './scenario.ts';
import type { TimeSegment } from './timeline.ts';
import type { WorkerMessage, WorkerReport } from './bot-worker.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
/**
 * The worker beside this file: from the sources it is TypeScript, run through bin/run-ts.mjs; from
 * the compiled build (dist/playground/) it is the compiled JavaScript, run by node itself.
 */
const COMPILED = import.meta.url.endsWith('.js');
const WORKER = fileURLToPath(new URL(COMPILED ? './bot-worker.js' : './bot-worker.ts', import.meta.url));
const WORKER_ARGS = COMPILED ? [WORKER] : [`${REPO}bin/run-ts.mjs`, WORKER];
/** How long a start may take on a loaded 2-core machine before the playground gives up on it. */
const START_CEILING_MS = 90_000;
const STOP_GRACE_MS = 5_000;
const KEPT_LINES = 300;

export type BotState = 'starting' | 'running' | 'killed' | 'failed' | 'stopped';

export class BotProcess {
  state: BotState = 'stopped';
  port = 0;
  /** How many times the bot was started. */
  starts = 0;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private killing = false;
  readonly log: string[] = [];

  constructor(
    private readonly env: Record<string, string>,
    private readonly onChange: () => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the worker and resolves once its HTTP server listens; throws with its output if it fails. */
  async start(segment: TimeSegment, scripts: Scripts): Promise<void> {
    if (this.child) throw new Error('the bot is already running');
    this.starts++;
    this.state = 'starting';
    this.onChange();
    const child = spawn(process.execPath, WORKER_ARGS, {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.log.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      this.log.splice(0, Math.max(0, this.log.length - KEPT_LINES));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        if (this.child === child) {
          this.child = null;
          // Said once the process is gone, not when the signal is sent.
          this.state = this.killing ? 'killed' : this.state === 'stopped' ? 'stopped' : 'failed';
          this.killing = false;
          this.onChange();
        }
        resolve();
      }),
    );
    const ready = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(this.failure('did not start in time'))), START_CEILING_MS);
      child.on('message', (m: WorkerReport) => {
        clearTimeout(timer);
        if (m.type === 'ready') resolve(m.port);
        else reject(new Error(this.failure(m.lines.join('\n'))));
      });
      child.once('exit', () => {
        clearTimeout(timer);
        reject(new Error(this.failure('exited before it was ready')));
      });
    });
    this.send({ type: 'init', segment, scripts });
    try {
      this.port = await ready;
    } catch (err) {
      this.state = 'failed';
      this.onChange();
      throw err;
    }
    this.state = 'running';
    this.onChange();
  }

  send(message: WorkerMessage): void {
    if (this.child?.connected) this.child.send(message);
  }

  /** kill -9: no handler runs in the bot, nothing is flushed; resolves once the process is gone. */
  async kill9(): Promise<void> {
    if (!this.child) return;
    this.killing = true;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (the bot stops cleanly), SIGKILL after a grace period. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.state = 'stopped';
    child.kill('SIGTERM');
    const grace = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(grace);
  }

  private failure(why: string): string {
    return `the playground's bot ${why}:\n${this.log.slice(-40).join('\n')}`;
  }
}
