/**
 * Durable timers: escalation levels, planned rollbacks, observation phases, reminders. A timer is
 * a row (see src/store/timers.ts), so it survives a restart; a timer that came due while the
 * process was down fires right after start, once, and says how late it is.
 *
 * Exactly once: a timer fires only after this service claims its row with a conditional UPDATE
 * (`status = 'pending'` → `firing`), which one connection alone can win, so two instances on the
 * same file never both run it. The one exception is deliberate: a row left `firing` by a process
 * that died mid-handler is returned to pending, because we cannot know whether the handler
 * finished. Handlers must therefore tolerate a repeat after a crash — rollback steps read the live
 * routing before they write, messages carry dedup keys.
 *
 * Resuming fast: a claim is taken over at once when its owner is gone (src/services/runners.ts:
 * no heartbeat row, a heartbeat older than `deadAfterMs`, or an owner on this host whose process no longer
 * exists (a container restarted with the same pid counts: two live processes never share one) —
 * so a rollback interrupted by kill -9 resumes seconds after the restart, within the runbook's
 * 30-second budget for the switch. A live peer whose handler hangs is still overtaken after the
 * long `leaseMs`.
 */
import type { TimerRecord, TimerRepository } from '../store/timers.ts';
import type { Clock } from '../clock.ts';
import { Runner } from './runners.ts';

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

export interface ScheduleRequest {
  kind: string;
  /** Unique across all timers; e.g. `escalation:INC-20260105-001:1`. */
  key: string;
  dueAt: number;
  payload?: unknown;
}

export interface TimerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface TimerServiceOptions {
  repo: TimerRepository;
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
  /** Timers of different lanes (a rollback, an incident's escalations, a drill) run at once, up to this many. Default 8. */
  concurrency?: number;
  /** Resolves when the next timer may run: incoming requests are answered first. Default: the next turn of the event loop. */
  yieldToRequests?: () => Promise<void>;
  /** Attempts before a failing timer is marked failed for good. Default 5. */
  maxAttempts?: number;
  /** Delay before the first retry; doubles each time, capped at leaseMs. Default 5000. */
  retryBaseMs?: number;
  log?: TimerLog;
}

const silentLog: TimerLog = { info: () => {}, warn: () => {}, error: () => {} };

/** The longest back-off of the loop while the database fails. */
const MAX_BACKOFF_MS = 30_000;

/** Timers claimed per query; runDue keeps querying until nothing due is left. */
const BATCH = 100;

function errorText(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/**
 * The lane of a timer: the kind and the first part of its key (`rollback:RB-…`, `escalation:INC-…`).
 * Timers of one lane run one after another, in due order; lanes run side by side, so a slow
 * cluster holding one rollback's step does not hold another service's rollback.
 */
function laneOf(timer: TimerRecord): string {
  const [head, id] = timer.key.split(':');
  return `${timer.kind}|${head ?? ''}:${id ?? ''}`;
}

export class TimerService {
  readonly owner: string;
  private readonly repo: TimerRepository;
  private readonly clock: Clock;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly runner: Runner;
  private readonly ownsRunner: boolean;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly log: TimerLog;
  private readonly yieldToRequests: () => Promise<void>;
  /** Outcomes of timers that ran but could not be recorded yet, by timer id. */
  private readonly unwritten = new Map<number, () => void>();
  private readonly handlers = new Map<string, TimerHandler<never>>();
  private readonly warnedKinds = new Set<string>();
  private readonly beforeRuns: Array<() => Promise<void>> = [];
  private running: Promise<number> | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  /** Aborts the loop's current sleep: on stop, or when a timer is scheduled sooner than it wakes. */
  private wake: AbortController | null = null;
  private sleepingUntil = Infinity;

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
    this.concurrency = options.concurrency ?? 8;
    // Peers found gone at a heartbeat have their claims taken back then, not a lease later.
    this.runner.everyBeat(() => {
      if (this.loop) this.releaseDead();
    });
    this.pollMs = options.pollMs ?? 1000;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryBaseMs = options.retryBaseMs ?? 5000;
    this.log = options.log ?? silentLog;
    this.yieldToRequests = options.yieldToRequests ?? (() => new Promise<void>((turn) => setImmediate(turn)));
    if (!(this.pollMs > 0)) throw new RangeError(`pollMs must be positive, got ${this.pollMs}`);
    if (!(this.maxAttempts >= 1)) throw new RangeError(`maxAttempts must be at least 1, got ${this.maxAttempts}`);
  }

  /**
   * Work that must land before any timer is claimed, done at the start of every run: a Pause the
   * database refused while its disk was full is recorded before the rollback's next step can run.
   * Its failure fails the run like a failed claim (the loop backs off and tries again).
   */
  beforeEachRun(fn: () => Promise<void>): void {
    this.beforeRuns.push(fn);
  }

  /** Registers the handler of a kind. One handler per kind; register before start(). */
  on<P = unknown>(kind: string, handler: TimerHandler<P>): void {
    if (this.handlers.has(kind)) throw new Error(`timer kind ${kind} already has a handler`);
    this.handlers.set(kind, handler as TimerHandler<never>);
    this.warnedKinds.delete(kind);
  }

  /**
   * Schedules a timer. Idempotent by key: if a timer with this key already exists — pending, or
   * even already fired or cancelled — it is returned unchanged and `created` is false. That makes
   * "ensure the escalation timers of this incident exist" safe to repeat after a restart without
   * re-arming a level that already fired. Use reschedule() to move or re-arm one on purpose.
   */
  schedule(request: ScheduleRequest): { timer: TimerRecord; created: boolean } {
    const result = this.repo.insert(request, this.clock.now());
    if (result.created) this.nudge(request.dueAt);
    return result;
  }

  /**
   * Moves the timer with this key to `dueAt` (and replaces its payload when given), re-arming it
   * even if it fired, failed or was cancelled. Null when there is no such timer or it is firing now.
   */
  reschedule(key: string, dueAt: number, payload?: unknown): TimerRecord | null {
    const timer = this.repo.reschedule(key, dueAt, this.clock.now(), payload);
    if (timer) this.nudge(dueAt);
    return timer;
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
    const previous = this.running ?? Promise.resolve(0);
    const run = previous.catch(() => 0).then(() => this.runDueNow());
    this.running = run;
    const clear = () => {
      if (this.running === run) this.running = null;
    };
    // The caller gets `run` and its rejection; this bookkeeping branch must not add an unhandled one.
    run.then(clear, clear);
    return run;
  }

  /** Starts the loop in the background. Claims of dead processes are released first. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    if (this.ownsRunner) this.runner.start();
    this.releaseDead();
    this.releaseStale(null);
    this.loop = this.runLoop();
  }

  /** Ends the loop and waits for the timer being fired, if any, to finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.abort();
    const loop = this.loop;
    this.loop = null;
    await loop;
    await this.running?.catch(() => undefined);
    this.stopping = false;
    if (this.ownsRunner) await this.runner.stop();
  }

  private async runLoop(): Promise<void> {
    let lastSweep = this.clock.now();
    let failures = 0;
    let lastLogged = -Infinity;
    while (!this.stopping) {
      try {
        this.writeOutcomes();
        await this.runDue();
        // A live peer may hang in a handler; our own claims are alive.
        if (this.clock.now() - lastSweep >= this.leaseMs) {
          lastSweep = this.clock.now();
          this.releaseStale(this.owner);
        }
        if (failures > 0) this.log.info({ failures }, 'timer loop: the database answers again; timers run on');
        failures = 0;
      } catch (err) {
        failures++;
        // Once when it starts, then at most once a minute: a full disk must not fill the log too.
        if (this.clock.now() - lastLogged >= 60_000) {
          lastLogged = this.clock.now();
          this.log.error({ err: errorText(err), failures }, 'timer loop: run failed; backing off and trying again');
        }
      }
      if (this.stopping) break;
      // After failures, wait longer each time (up to 30 s): a timer still due would otherwise spin.
      await this.sleepUntilNext(failures === 0 ? null : Math.min(MAX_BACKOFF_MS, this.pollMs * 2 ** Math.min(10, failures - 1)));
    }
  }

  /** Writes the outcomes of timers that ran while the database refused them (a full disk). */
  private writeOutcomes(): void {
    for (const [id, write] of this.unwritten) {
      write();
      this.unwritten.delete(id);
    }
  }

  /**
   * Records what a run of a timer came to. When the database refuses (a full disk), the outcome is
   * kept and written first thing once it takes writes again — the handler ran; it must not run again.
   */
  private settle(id: number, write: () => void): void {
    try {
      write();
    } catch (err) {
      this.unwritten.set(id, write);
      throw err;
    }
  }

  private async sleepUntilNext(backoffMs: number | null): Promise<void> {
    const now = this.clock.now();
    const next = backoffMs !== null ? null : this.nextRunAt();
    const ms = backoffMs ?? (next === null ? this.pollMs : Math.max(0, Math.min(this.pollMs, next - now)));
    this.wake = new AbortController();
    this.sleepingUntil = now + ms;
    try {
      await this.clock.sleep(ms, this.wake.signal);
    } catch {
      // Aborted: stop() was called or a sooner timer was scheduled. Either way, look again.
    } finally {
      this.wake = null;
      this.sleepingUntil = Infinity;
    }
  }

  private nextRunAt(): number | null {
    try {
      // Only kinds with a handler: a due timer nobody handles must not turn this into a busy loop.
      return this.repo.nextRunAt([...this.handlers.keys()]);
    } catch (err) {
      this.log.error({ err: errorText(err) }, 'timer loop: cannot read the next due time; polling');
      return null;
    }
  }

  /** Wakes the loop early when a new timer is due before the loop would next look. */
  private nudge(dueAt: number): void {
    if (dueAt < this.sleepingUntil) this.wake?.abort();
  }

  /** Takes back the claims of peers known to be gone, so their timers run again now. */
  private releaseDead(): void {
    const now = this.clock.now();
    for (const owner of this.repo.firingOwners()) {
      if (!this.runner.isGone(owner)) continue;
      for (const t of this.repo.releaseOwner(owner, now)) {
        this.log.warn(
          { timer: t.key, kind: t.kind, attempts: t.attempts, owner },
          'timer was left firing by a process that is gone; it runs again now (its handler may have run already)',
        );
      }
    }
  }

  private releaseStale(exceptOwner: string | null): void {
    const now = this.clock.now();
    const released = this.repo.releaseStale(now - this.leaseMs, now, exceptOwner);
    for (const t of released) {
      this.log.warn(
        { timer: t.key, kind: t.kind, attempts: t.attempts },
        'timer was left firing by a process that stopped; it will run again (its handler may have run already)',
      );
    }
  }

  private async runDueNow(): Promise<number> {
    for (const fn of this.beforeRuns) await fn();
    const kinds = [...this.handlers.keys()];
    this.warnUnhandled(kinds);
    let ran = 0;
    for (;;) {
      const due = this.repo.due(this.clock.now(), kinds, BATCH);
      if (due.length === 0) return ran;
      const lanes = new Map<string, TimerRecord[]>();
      for (const timer of due) lanes.set(laneOf(timer), [...(lanes.get(laneOf(timer)) ?? []), timer]);
      const queue = [...lanes.values()];
      // Up to `concurrency` lanes at once; each lane's timers in due order.
      const worker = async () => {
        for (let lane = queue.shift(); lane; lane = queue.shift()) {
          for (const timer of lane) {
            if (this.stopping) return;
            // Incoming requests first: a burst of webhooks is answered before the timers it
            // scheduled (automatic rollbacks), and a backlog after downtime does not hold them up.
            await this.yieldToRequests();
            if (this.stopping) return;
            if (await this.fire(timer)) ran++;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, worker));
      if (this.stopping) return ran;
    }
  }

  /** Claims and runs one timer; false when another instance claimed it first. */
  private async fire(candidate: TimerRecord): Promise<boolean> {
    const firedAt = this.clock.now();
    // The claimed row, not the candidate: it may have been rescheduled since the query.
    const timer = this.repo.claim(candidate.id, this.owner, firedAt);
    if (!timer) return false;
    const handler = this.handlers.get(timer.kind) as TimerHandler | undefined;
    const attempt = timer.attempts;
    try {
      if (!handler) throw new Error(`no handler for timer kind ${timer.kind}`);
      await handler({
        id: timer.id,
        kind: timer.kind,
        key: timer.key,
        dueAt: timer.dueAt,
        payload: timer.payload,
        firedAt,
        lateMs: Math.max(0, firedAt - timer.dueAt),
        attempt,
      });
    } catch (err) {
      this.settle(timer.id, () => this.recordFailure(timer, attempt, err));
      return true;
    }
    this.settle(timer.id, () => {
      if (!this.repo.markDone(timer.id, this.owner, this.clock.now())) {
        this.log.warn({ timer: timer.key }, 'timer finished after its claim was released as stale; it may run again');
      }
    });
    return true;
  }

  private recordFailure(timer: TimerRecord, attempt: number, err: unknown): void {
    const now = this.clock.now();
    const error = errorText(err);
    if (attempt >= this.maxAttempts) {
      this.repo.markFailed(timer.id, this.owner, error, now);
      this.log.error(
        { timer: timer.key, kind: timer.kind, attempts: attempt, err: error },
        `timer failed ${attempt} times; giving up`,
      );
      return;
    }
    const delay = Math.min(this.retryBaseMs * 2 ** (attempt - 1), this.leaseMs);
    this.repo.markRetry(timer.id, this.owner, error, now + delay, now);
    this.log.warn(
      { timer: timer.key, kind: timer.kind, attempt, retryInMs: delay, err: error },
      'timer handler failed; will retry',
    );
  }

  private warnUnhandled(kinds: readonly string[]): void {
    for (const { kind, count } of this.repo.dueKindsOutside(this.clock.now(), kinds)) {
      if (this.warnedKinds.has(kind)) continue;
      this.warnedKinds.add(kind);
      this.log.warn({ kind, count }, `timers of kind ${kind} are due but no handler is registered; they stay pending`);
    }
  }
}
