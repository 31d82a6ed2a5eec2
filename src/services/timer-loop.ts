/**
 * The claim loop of the durable timers (the scheduling side is timers.ts): it sleeps until the next
 * timer is due, claims it, runs its handler and records the outcome.
 *
 * Exactly once: a timer fires only after this loop claims its row with a conditional UPDATE
 * (`status = 'pending'` → `firing`), which one connection alone can win, so two instances on the
 * same file never both run it. The one exception is deliberate: a row left `firing` by a process
 * that died mid-handler is returned to pending, because we cannot know whether the handler
 * finished. Handlers must therefore tolerate a repeat after a crash — rollback steps read the live
 * routing before they write, messages carry dedup keys.
 *
 * Resuming fast: a claim is taken over at once when its owner is gone (src/services/runners.ts:
 * no heartbeat row, a heartbeat older than `deadAfterMs`, or an owner on this host whose process no
 * longer exists (a container restarted with the same pid counts: two live processes never share
 * one) — so a rollback interrupted by kill -9 resumes seconds after the restart, within the
 * runbook's 30-second budget for the switch. A live peer whose handler hangs is still overtaken
 * after the long `leaseMs`.
 */
import type { Clock } from '../clock.ts';
import type { TimerRecord, TimerRepository } from '../store/timers.ts';
import type { Runner } from './runners.ts';
import type { FiredTimer, TimerEntry, TimerLog } from './timers.ts';

/** What the claim loop reads and writes of the `timers` table. */
export type TimerClaimRepository = Pick<
  TimerRepository,
  | 'due'
  | 'dueKindsOutside'
  | 'nextRunAt'
  | 'claim'
  | 'markDone'
  | 'markRetry'
  | 'markFailed'
  | 'firingOwners'
  | 'releaseOwner'
  | 'releaseStale'
>;

export interface TimerLoopOptions {
  repo: TimerClaimRepository;
  clock: Clock;
  runner: Runner;
  /** The handlers by kind, as the timer service registers them (read at every run). */
  handlers: ReadonlyMap<string, TimerEntry>;
  /** Work that must land before any timer is claimed, at the start of every run. */
  beforeRuns: ReadonlyArray<() => Promise<void>>;
  pollMs: number;
  leaseMs: number;
  concurrency: number;
  maxAttempts: number;
  retryBaseMs: number;
  yieldToRequests: () => Promise<void>;
  log: TimerLog;
}

/** The longest back-off of the loop while the database fails. */
const MAX_BACKOFF_MS = 30_000;

/** Timers claimed per query; runDue keeps querying until nothing due is left. */
const BATCH = 100;

/** How often due timers of a kind without a handler are looked for, to warn about them. */
const UNHANDLED_CHECK_MS = 60_000;

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

export class TimerLoop {
  private readonly o: TimerLoopOptions;
  private readonly owner: string;
  /** Outcomes of timers that ran but could not be recorded yet, by timer id. */
  private readonly unwritten = new Map<number, () => void>();
  private readonly warnedKinds = new Set<string>();
  /** When the loop last looked for due timers nobody handles (a warning only: once a minute is enough). */
  private unhandledCheckedAt = -Infinity;
  private running: Promise<number> | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  /** Aborts the loop's current sleep: on stop, or when a timer is scheduled sooner than it wakes. */
  private wake: AbortController | null = null;
  private sleepingUntil = Infinity;

  constructor(options: TimerLoopOptions) {
    this.o = options;
    this.owner = options.runner.owner;
    // Peers found gone at a heartbeat have their claims taken back then, not a lease later.
    options.runner.everyBeat(() => {
      if (this.loop) this.releaseDead();
    });
  }

  /** A kind that has a handler now: forget that its timers were once warned about as unhandled. */
  handlerAdded(kind: string): void {
    this.warnedKinds.delete(kind);
  }

  /**
   * Fires every due timer that has a handler, in due order; returns how many timers were claimed and
   * settled (failed runs and refused payloads included). Calls made while a run is in progress wait
   * for it and then run again.
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
  }

  /** Wakes the loop early when a new timer is due before the loop would next look. */
  nudge(dueAt: number): void {
    if (dueAt < this.sleepingUntil) this.wake?.abort();
  }

  private async runLoop(): Promise<void> {
    let lastSweep = this.o.clock.now();
    let failures = 0;
    let lastLogged = -Infinity;
    while (!this.stopping) {
      try {
        this.writeOutcomes();
        await this.runDue();
        // A live peer may hang in a handler; our own claims are alive.
        if (this.o.clock.now() - lastSweep >= this.o.leaseMs) {
          lastSweep = this.o.clock.now();
          this.releaseStale(this.owner);
        }
        if (failures > 0) this.o.log.info({ failures }, 'timer loop: the database answers again; timers run on');
        failures = 0;
      } catch (err) {
        failures++;
        // Once when it starts, then at most once a minute: a full disk must not fill the log too.
        if (this.o.clock.now() - lastLogged >= 60_000) {
          lastLogged = this.o.clock.now();
          this.o.log.error({ err: errorText(err), failures }, 'timer loop: run failed; backing off and trying again');
        }
      }
      if (this.stopping) break;
      // After failures, wait longer each time (up to 30 s): a timer still due would otherwise spin.
      const backoffMs = Math.min(MAX_BACKOFF_MS, this.o.pollMs * 2 ** Math.min(10, failures - 1));
      await this.sleepUntilNext(failures === 0 ? null : backoffMs);
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
    const now = this.o.clock.now();
    const next = backoffMs !== null ? null : this.nextRunAt();
    const ms = backoffMs ?? (next === null ? this.o.pollMs : Math.max(0, Math.min(this.o.pollMs, next - now)));
    this.wake = new AbortController();
    this.sleepingUntil = now + ms;
    try {
      await this.o.clock.sleep(ms, this.wake.signal);
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
      return this.o.repo.nextRunAt([...this.o.handlers.keys()]);
    } catch (err) {
      this.o.log.error({ err: errorText(err) }, 'timer loop: cannot read the next due time; polling');
      return null;
    }
  }

  /** Takes back the claims of peers known to be gone, so their timers run again now. */
  private releaseDead(): void {
    const now = this.o.clock.now();
    for (const owner of this.o.repo.firingOwners()) {
      if (!this.o.runner.isGone(owner)) continue;
      for (const t of this.o.repo.releaseOwner(owner, now)) {
        this.o.log.warn(
          { timer: t.key, kind: t.kind, attempts: t.attempts, owner },
          'timer was left firing by a process that is gone; it runs again now (its handler may have run already)',
        );
      }
    }
  }

  private releaseStale(exceptOwner: string | null): void {
    const now = this.o.clock.now();
    const released = this.o.repo.releaseStale(now - this.o.leaseMs, now, exceptOwner);
    for (const t of released) {
      this.o.log.warn(
        { timer: t.key, kind: t.kind, attempts: t.attempts },
        'timer was left firing by a process that stopped; it will run again (its handler may have run already)',
      );
    }
  }

  private async runDueNow(): Promise<number> {
    for (const fn of this.o.beforeRuns) await fn();
    const kinds = [...this.o.handlers.keys()];
    this.warnUnhandled(kinds);
    let ran = 0;
    for (;;) {
      const due = this.o.repo.due(this.o.clock.now(), kinds, BATCH);
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
            await this.o.yieldToRequests();
            if (this.stopping) return;
            if (await this.fire(timer)) ran++;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.o.concurrency, queue.length) }, worker));
      if (this.stopping) return ran;
    }
  }

  /** Claims and runs one timer; false when another instance claimed it first. */
  private async fire(candidate: TimerRecord): Promise<boolean> {
    const firedAt = this.o.clock.now();
    // The claimed row, not the candidate: it may have been rescheduled since the query.
    const timer = this.o.repo.claim(candidate.id, this.owner, firedAt);
    if (!timer) return false;
    const entry = this.o.handlers.get(timer.kind);
    const attempt = timer.attempts;
    const fired: FiredTimer = {
      id: timer.id,
      kind: timer.kind,
      key: timer.key,
      dueAt: timer.dueAt,
      payload: timer.payload,
      firedAt,
      lateMs: Math.max(0, firedAt - timer.dueAt),
      attempt,
    };
    let run: (() => Promise<void> | void) | null;
    try {
      run = entry ? entry(fired) : null;
    } catch (err) {
      // The payload does not fit its kind's schema: a retry would read the same row, so it fails now.
      this.settle(timer.id, () => this.refuse(timer, err));
      return true;
    }
    try {
      if (!run) throw new Error(`no handler for timer kind ${timer.kind}`);
      await run();
    } catch (err) {
      this.settle(timer.id, () => this.recordFailure(timer, attempt, err));
      return true;
    }
    this.settle(timer.id, () => {
      if (!this.o.repo.markDone(timer.id, this.owner, this.o.clock.now())) {
        this.o.log.warn({ timer: timer.key }, 'timer finished after its claim was released as stale; it may run again');
      }
    });
    return true;
  }

  /** A timer whose payload cannot be read: marked failed without running its handler, logged once. */
  private refuse(timer: TimerRecord, err: unknown): void {
    const error = err instanceof Error ? err.message : String(err);
    this.o.repo.markFailed(timer.id, this.owner, error, this.o.clock.now());
    this.o.log.error(
      { timer: timer.key, kind: timer.kind, id: timer.id, err: error },
      'timer payload cannot be read; marked failed without running its handler',
    );
  }

  private recordFailure(timer: TimerRecord, attempt: number, err: unknown): void {
    const now = this.o.clock.now();
    const error = errorText(err);
    if (attempt >= this.o.maxAttempts) {
      this.o.repo.markFailed(timer.id, this.owner, error, now);
      this.o.log.error(
        { timer: timer.key, kind: timer.kind, attempts: attempt, err: error },
        `timer failed ${attempt} times; giving up`,
      );
      return;
    }
    const delay = Math.min(this.o.retryBaseMs * 2 ** (attempt - 1), this.o.leaseMs);
    this.o.repo.markRetry(timer.id, this.owner, error, now + delay, now);
    this.o.log.warn(
      { timer: timer.key, kind: timer.kind, attempt, retryInMs: delay, err: error },
      'timer handler failed; will retry',
    );
  }

  private warnUnhandled(kinds: readonly string[]): void {
    const now = this.o.clock.now();
    // The loop looks every second: asking the database each time costs a third of an idle loop's queries.
    if (now - this.unhandledCheckedAt < UNHANDLED_CHECK_MS) return;
    this.unhandledCheckedAt = now;
    for (const { kind, count } of this.o.repo.dueKindsOutside(now, kinds)) {
      if (this.warnedKinds.has(kind)) continue;
      this.warnedKinds.add(kind);
      const message = `timers of kind ${kind} are due but no handler is registered; they stay pending`;
      this.o.log.warn({ kind, count }, message);
    }
  }
}
