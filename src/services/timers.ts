/**
 * Durable timers: escalation levels, planned rollbacks, observation phases, reminders. A timer is
 * a row (see src/store/timers.ts), so it survives a restart; a timer that came due while the
 * process was down fires right after start, once, and says how late it is.
 *
 * This file is what the services use: define each kind with the schema of its payload, register
 * a handler per kind, schedule, move and cancel timers. The payload written and the payload read
 * go through the same definition: a row whose payload does not parse is refused, never run.
 * The loop that claims due rows and runs their handlers — exactly once across processes, and
 * resumed within seconds after a crash — is timer-loop.ts.
 */
import type { z } from 'zod';
import { parseColumnValue } from '../store/json.ts';
import type { TimerRecord, TimerRepository } from '../store/timers.ts';
import type { Clock } from '../clock.ts';
import { Runner } from './runners.ts';
import { TimerLoop, type TimerClaimRepository } from './timer-loop.ts';

export interface FiredTimer<P = unknown> {
  id: number;
  kind: string;
  key: string;
  /** When it was meant to fire. */
  dueAt: number;
  payload: P;
  /** When this run started, by the service's clock. */
  firedAt: number;
  /** firedAt - dueAt: how late it is, e.g. because the bot was down at dueAt. */
  lateMs: number;
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
}

export type TimerHandler<P = unknown> = (timer: FiredTimer<P>) => Promise<void> | void;

/**
 * A kind of timer and the schema of its payload. schedule() takes the schema's input and on()'s
 * handler gets its output, so what is written is checked against what will be read.
 */
export interface TimerKind<S extends z.ZodType = z.ZodType> {
  /** The `kind` column. */
  readonly name: string;
  readonly payload: S;
}

export function defineTimer<S extends z.ZodType>(name: string, payload: S): TimerKind<S> {
  return { name, payload };
}

/** The payload may be left out only when the schema reads the null stored for it. */
type PayloadField<S extends z.ZodType> = null extends z.input<S> ? { payload?: z.input<S> } : { payload: z.input<S> };

export type ScheduleRequest<S extends z.ZodType> = {
  kind: TimerKind<S>;
  /** Unique across all timers; e.g. `escalation:INC-20260105-001:1`. */
  key: string;
  dueAt: number;
} & PayloadField<S>;

/**
 * A registered kind as the loop sees it: reads a claimed row's payload with the kind's schema and
 * returns the handler's run. Throws UnreadableRowError (naming the row) when the payload does not parse.
 */
export type TimerEntry = (timer: FiredTimer) => () => Promise<void> | void;

export interface TimerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What the timer service reads and writes: the timers it schedules, the claims, the heartbeats. */
export type TimerServiceRepository = TimerClaimRepository &
  Pick<TimerRepository, 'insert' | 'reschedule' | 'cancel' | 'cancelWhere'> &
  ConstructorParameters<typeof Runner>[0]['repo'];

export interface TimerServiceOptions {
  repo: TimerServiceRepository;
  clock: Clock;
  /** Names this instance in claims; default host:pid:random. */
  owner?: string;
  /** Longest sleep between looks at the table, so timers added by another process are seen. Default 1000. */
  pollMs?: number;
  /** A `firing` claim older than this is taken over even from a live peer (its handler hangs). Default 5 minutes. */
  leaseMs?: number;
  /**
   * This process's liveness (its owner name and heartbeat), shared with the other workers that
   * claim rows. Without it the service keeps its own, started and stopped with it.
   */
  runner?: Runner;
  /** For a runner of its own: heartbeat interval (default 5 s) and when a silent peer is dead (default 20 s). */
  heartbeatMs?: number;
  deadAfterMs?: number;
  /**
   * Timers of different lanes (a rollback, an incident's escalations, a drill) run at once, up to
   * this many. Default 8.
   */
  concurrency?: number;
  /**
   * Resolves when the next timer may run: incoming requests are answered first. Default: the next
   * turn of the event loop.
   */
  yieldToRequests?: () => Promise<void>;
  /** Attempts before a failing timer is marked failed for good. Default 5. */
  maxAttempts?: number;
  /** Delay before the first retry; doubles each time, capped at leaseMs. Default 5000. */
  retryBaseMs?: number;
  log?: TimerLog;
}

const silentLog: TimerLog = { info: () => {}, warn: () => {}, error: () => {} };

export class TimerService {
  readonly owner: string;
  private readonly repo: TimerServiceRepository;
  private readonly clock: Clock;
  private readonly runner: Runner;
  private readonly ownsRunner: boolean;
  private readonly handlers = new Map<string, TimerEntry>();
  private readonly beforeRuns: Array<() => Promise<void>> = [];
  private readonly loop: TimerLoop;

  constructor(options: TimerServiceOptions) {
    this.repo = options.repo;
    this.clock = options.clock;
    this.ownsRunner = !options.runner;
    this.runner =
      options.runner ??
      new Runner({
        repo: options.repo,
        clock: options.clock,
        ...(options.owner ? { owner: options.owner } : {}),
        ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
        ...(options.deadAfterMs ? { deadAfterMs: options.deadAfterMs } : {}),
        ...(options.log ? { log: options.log } : {}),
      });
    this.owner = this.runner.owner;
    const pollMs = options.pollMs ?? 1000;
    const maxAttempts = options.maxAttempts ?? 5;
    if (!(pollMs > 0)) throw new RangeError(`pollMs must be positive, got ${pollMs}`);
    if (!(maxAttempts >= 1)) throw new RangeError(`maxAttempts must be at least 1, got ${maxAttempts}`);
    this.loop = new TimerLoop({
      repo: options.repo,
      clock: options.clock,
      runner: this.runner,
      handlers: this.handlers,
      beforeRuns: this.beforeRuns,
      pollMs,
      leaseMs: options.leaseMs ?? 5 * 60_000,
      concurrency: options.concurrency ?? 8,
      maxAttempts,
      retryBaseMs: options.retryBaseMs ?? 5000,
      yieldToRequests: options.yieldToRequests ?? (() => new Promise<void>((turn) => setImmediate(turn))),
      log: options.log ?? silentLog,
    });
  }

  /**
   * Work that must land before any timer is claimed, done at the start of every run: a Pause the
   * database refused while its disk was full is recorded before the rollback's next step can run.
   * Its failure fails the run like a failed claim (the loop backs off and tries again).
   */
  beforeEachRun(fn: () => Promise<void>): void {
    this.beforeRuns.push(fn);
  }

  /**
   * Registers the handler of a kind. One handler per kind; register before start(). The handler
   * gets the payload parsed with the kind's schema; a row whose payload does not parse is marked
   * failed without running it.
   */
  on<S extends z.ZodType>(kind: TimerKind<S>, handler: TimerHandler<z.output<S>>): void {
    if (this.handlers.has(kind.name)) throw new Error(`timer kind ${kind.name} already has a handler`);
    this.handlers.set(kind.name, (timer) => {
      const where = { table: 'timers', id: timer.id, column: 'payload' };
      const payload = parseColumnValue(kind.payload, timer.payload, where);
      return () => handler({ ...timer, payload });
    });
    this.loop.handlerAdded(kind.name);
  }

  /**
   * Schedules a timer. Idempotent by key: if a timer with this key already exists — pending, or
   * even already fired or cancelled — it is returned unchanged and `created` is false. That makes
   * "ensure the escalation timers of this incident exist" safe to repeat after a restart without
   * re-arming a level that already fired. Use reschedule() to move or re-arm one on purpose.
   */
  schedule<S extends z.ZodType>(request: ScheduleRequest<S>): { timer: TimerRecord; created: boolean } {
    const { kind, key, dueAt, payload } = request;
    const result = this.repo.insert({ kind: kind.name, key, dueAt, payload }, this.clock.now());
    if (result.created) this.loop.nudge(request.dueAt);
    return result;
  }

  /**
   * Moves the timer with this key to `dueAt` (and replaces its payload when given, checked against
   * its kind), re-arming it even if it fired, failed or was cancelled. Null when there is no such
   * timer or it is firing now.
   */
  reschedule<S extends z.ZodType>(
    key: string,
    dueAt: number,
    replace?: { kind: TimerKind<S>; payload: z.input<S> },
  ): TimerRecord | null {
    const timer = this.repo.reschedule(key, dueAt, this.clock.now(), replace?.payload);
    if (timer) this.loop.nudge(dueAt);
    return timer;
  }

  /** Whether the process named `owner` is gone (runners.ts): another may take over what it held. */
  isGone(owner: string): boolean {
    return this.runner.isGone(owner);
  }

  /** Cancels the pending timer with this key; false when none is pending (fired, firing, unknown). */
  cancel(key: string): boolean {
    return this.repo.cancel(key, this.clock.now());
  }

  /** Cancels every pending timer of `kind` whose key starts with `keyPrefix`; returns how many. */
  cancelWhere(kind: string, keyPrefix: string): number {
    return this.repo.cancelWhere(kind, keyPrefix, this.clock.now());
  }

  /**
   * Fires every due timer that has a handler, in due order; returns how many handlers ran (failed
   * runs included). Calls made while a run is in progress wait for it and then run again.
   */
  runDue(): Promise<number> {
    return this.loop.runDue();
  }

  /** Starts the loop in the background. Claims of dead processes are released first. */
  start(): void {
    if (this.ownsRunner) this.runner.start();
    this.loop.start();
  }

  /** Ends the loop and waits for the timer being fired, if any, to finish. */
  async stop(): Promise<void> {
    await this.loop.stop();
    if (this.ownsRunner) await this.runner.stop();
  }
}
