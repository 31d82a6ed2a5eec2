/**
 * Which Rewind processes are alive. Every process has an owner name (`host:pid:random`) under
 * which it claims work — durable timers, outbox messages — and beats a heartbeat row every few
 * seconds on its own loop (a long handler never stops it), removing the row when it stops cleanly.
 * A claim whose owner is gone is taken over at once, so work interrupted by kill -9 is picked up
 * seconds after the restart rather than after a long lease. An owner is gone when it has no
 * heartbeat row (it stopped, or never started), when its heartbeat is older than `deadAfterMs`,
 * or when it ran on this host as a process that no longer exists — a container restarted with
 * pid 1 again counts too, since two live processes never share a pid.
 */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';

/** What the liveness check reads and writes: the `runners` rows. */
export interface RunnerRepository {
  beat(owner: string, now: number): void;
  removeRunner(owner: string): void;
  runner(owner: string): { startedAt: number; beatAt: number } | null;
  pruneRunners(before: number): number;
}

export interface RunnerLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
}

/** Owners alive in this process (tests run several services on one pid). */
const LIVE_HERE = new Set<string>();

export function newOwner(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Certainly gone, from what this host can see (see the module comment). */
function goneOnThisHost(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return !LIVE_HERE.has(owner);
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export interface RunnerOptions {
  repo: RunnerRepository;
  clock: Clock;
  owner?: string;
  /** Heartbeat interval (default 5 s). */
  heartbeatMs?: number;
  /** A heartbeat older than this is a dead process (default 20 s). */
  deadAfterMs?: number;
  log?: RunnerLog;
}

export class Runner {
  readonly owner: string;
  private readonly heartbeatMs: number;
  private readonly deadAfterMs: number;
  private loop: Promise<void> | null = null;
  private stopping: AbortController | null = null;
  private readonly onBeat: Array<() => void> = [];
  /** Whether the last heartbeat could be written: the store's health as /readyz and /metrics tell it. */
  private writeState: { ok: boolean; since: number; error: string | null } = { ok: true, since: 0, error: null };

  constructor(private readonly o: RunnerOptions) {
    this.owner = o.owner ?? newOwner();
    this.heartbeatMs = o.heartbeatMs ?? 5_000;
    this.deadAfterMs = o.deadAfterMs ?? 20_000;
  }

  /** Work to do at every heartbeat (taking over the claims of the dead), after the beat. */
  everyBeat(fn: () => void): void {
    this.onBeat.push(fn);
  }

  /** Beats now and then every `heartbeatMs`, on a loop of its own, until stop(). */
  start(): void {
    if (this.loop) return;
    LIVE_HERE.add(this.owner);
    const stopping = new AbortController();
    this.stopping = stopping;
    this.beat();
    this.loop = (async () => {
      while (!stopping.signal.aborted) {
        await this.o.clock.sleep(this.heartbeatMs, stopping.signal).catch(() => undefined);
        if (!stopping.signal.aborted) this.beat();
      }
    })();
  }

  /** Stops beating and removes the heartbeat row: nothing of ours is left running. */
  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.loop;
    this.loop = null;
    LIVE_HERE.delete(this.owner);
    try {
      this.o.repo.removeRunner(this.owner);
    } catch (err) {
      this.o.log?.warn(
        { err: (err as Error).message },
        "could not remove this process's heartbeat; peers will wait for it to go stale",
      );
    }
  }

  /** Whether the process named `owner` is gone (never true of this one). */
  isGone(owner: string): boolean {
    if (owner === this.owner) return false;
    const runner = this.o.repo.runner(owner);
    return runner === null || this.o.clock.now() - runner.beatAt > this.deadAfterMs || goneOnThisHost(owner);
  }

  /**
   * Whether the database takes writes, as the heartbeat found at its last beat (every few
   * seconds): a full disk or a read-only file shows here, and so does its end.
   */
  writable(): { ok: boolean; since: number; error: string | null } {
    return this.writeState;
  }

  private beat(): void {
    const now = this.o.clock.now();
    try {
      this.o.repo.beat(this.owner, now);
    } catch (err) {
      const error = `${(err as { code?: string }).code ?? 'error'}: ${(err as Error).message}`;
      // Said once when writes start failing, not at every beat.
      if (this.writeState.ok)
        this.o.log?.error(
          { err: error },
          'the database does not take writes; Rewind backs off and recovers by itself when it does',
        );
      if (this.writeState.ok || this.writeState.error !== error)
        this.writeState = { ok: false, since: this.writeState.ok ? now : this.writeState.since, error };
      return;
    }
    if (!this.writeState.ok) {
      this.o.log?.info?.({ downMs: now - this.writeState.since }, 'the database takes writes again');
      this.writeState = { ok: true, since: now, error: null };
    }
    try {
      this.o.repo.pruneRunners(now - 86_400_000);
      for (const fn of this.onBeat) fn();
    } catch (err) {
      this.o.log?.warn({ err: (err as Error).message }, 'work at the heartbeat failed; tried again at the next beat');
    }
  }
}
