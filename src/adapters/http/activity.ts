/**
 * Incoming requests come first. A burst of alert webhooks (Alertmanager sends a whole group at
 * once) each opens an incident whose Slack messages and automatic rollback would otherwise start
 * between one answer and the next, so the last webhook of the burst is answered only after the
 * Slack and Kubernetes work of all the others. Background work waits here until no request has
 * been in progress for a moment.
 *
 * Never starved, never let loose all at once: while requests keep coming, the oldest piece of
 * background work goes once it has waited `maxWaitMs`, and the next ones follow one at a time,
 * `spacingMs` apart, until the requests pause and the rest goes. Letting every waiting piece go at
 * the ceiling made a burst that outlasted it collapse: fifty incidents' Slack messages and
 * rollbacks at once in front of the webhooks still to be read, whose answers then took seconds.
 * A request still running after `holdMs` (a sender trickling its body until the body deadline)
 * holds nothing back any more, and once the bot stops (`release`) nothing waits at all.
 * The waits are real time: they are about the event loop, not the runbook's clock.
 */
import type { Server } from 'node:http';

export interface ActivityOptions {
  /** How long no request must have been running before background work starts (default 5 ms). */
  quietMs?: number;
  /** The longest the first piece of background work waits while requests keep coming (default 250 ms). */
  maxWaitMs?: number;
  /** After that, how far apart the next pieces go while requests still keep coming (default 50 ms). */
  spacingMs?: number;
  /** How long one request holds background work back at most (default 1 s). */
  holdMs?: number;
}

/** How long the event loop must have been idle before a request for that request to count as lone. */
const LONE_IDLE_MS = 10;

interface Waiter {
  since: number;
  /** Goes before the pieces waiting in turn when they go one at a time (a rollback before a thread note). */
  ahead: boolean;
  go: () => void;
}

export class RequestActivity {
  /** When each request in flight started. */
  private readonly inFlight = new Set<{ at: number }>();
  private lastEnd = 0;
  /** The event loop's idle time (ms, cumulative) when the last request ended. */
  private idleAtLastEnd = 0;
  /**
   * The request running or last run came alone: nothing was in flight and the event loop had been idle a while
   * before it started. Nothing waits for a lone request's end. The loop's own idle time tells a lone request from
   * the next of a burst whose start was only late: connections waiting to be accepted keep the loop busy.
   */
  private lone = false;
  private readonly quietMs: number;
  private readonly maxWaitMs: number;
  private readonly spacingMs: number;
  private readonly holdMs: number;
  /** The bot is stopping: background work waits for nothing. */
  private released = false;
  /** Background work waiting, those ahead first, then oldest first; woken by the last request's end or the timer. */
  private waiting: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** When a piece last went because it had waited long enough, not because the requests paused. */
  private lastForced = -Infinity;

  constructor(o: ActivityOptions = {}) {
    this.quietMs = o.quietMs ?? 5;
    this.maxWaitMs = o.maxWaitMs ?? 250;
    this.spacingMs = o.spacingMs ?? 50;
    this.holdMs = o.holdMs ?? 1_000;
  }

  /** Counts the requests of `server` from now on. */
  watch(server: Server): void {
    server.on('request', (_req, res) => {
      const idle = performance.eventLoopUtilization().idle;
      this.lone = this.inFlight.size === 0 && idle - this.idleAtLastEnd >= LONE_IDLE_MS;
      const request = { at: performance.now() };
      this.inFlight.add(request);
      const end = () => {
        if (!this.inFlight.delete(request)) return;
        this.lastEnd = performance.now();
        this.idleAtLastEnd = performance.eventLoopUtilization().idle;
        // A lone webhook's Slack message goes out the moment its answer is sent, not at a timer's tick.
        if (this.waiting.length > 0 && this.holding(this.lastEnd) === null) this.pump();
      };
      res.once('finish', end);
      res.once('close', end);
    });
  }

  /**
   * Resolves once requests have been quiet for a moment, or when this piece's turn comes while they are not: `ahead`
   * (rollback starts, timers) before those `in turn` (Slack messages).
   */
  quiet(order: 'in turn' | 'ahead' = 'in turn'): Promise<void> {
    return new Promise((go) => {
      const waiter = { since: performance.now(), ahead: order === 'ahead', go };
      // Ahead: behind the others ahead, before everything in turn.
      const at = order === 'ahead' ? this.waiting.findIndex((w) => !w.ahead) : -1;
      if (at === -1) this.waiting.push(waiter);
      else this.waiting.splice(at, 0, waiter);
      this.pump();
    });
  }

  /** Lets every waiting piece go, and every later one at once: the bot is stopping. */
  release(): void {
    this.released = true;
    this.pump();
  }

  /** The oldest request in flight that still holds background work back, or null. */
  private holding(now: number): { at: number } | null {
    for (const request of this.inFlight) if (now - request.at < this.holdMs) return request;
    return null;
  }

  private isQuiet(now: number): boolean {
    if (this.released) return true;
    if (this.holding(now)) return false;
    return this.lone || now - this.lastEnd >= this.quietMs;
  }

  /** Lets go what may go now, and sets the one timer for the next time something may. */
  private pump(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const now = performance.now();
    if (this.isQuiet(now)) {
      for (const waiter of this.waiting.splice(0)) waiter.go();
      return;
    }
    if (this.waiting.length === 0) return;
    // The ceiling counts from the longest-waiting piece, wherever its order put it.
    const oldestSince = this.waiting.reduce((oldest, w) => Math.min(oldest, w.since), Infinity);
    const turn = Math.max(oldestSince + this.maxWaitMs, this.lastForced + this.spacingMs);
    if (now >= turn) {
      const next = this.waiting.shift()!;
      this.lastForced = now;
      next.go();
      if (this.waiting.length > 0) this.pump();
      return;
    }
    // Look again when this piece's turn comes, when the oldest request stops holding, or (none holding, one
    // ended a moment ago) when the quiet would begin.
    const held = this.holding(now);
    const next = Math.min(turn - now, held ? held.at + this.holdMs - now : this.quietMs - (now - this.lastEnd));
    this.timer = setTimeout(() => this.pump(), Math.max(1, Math.ceil(next)));
    this.timer.unref();
  }
}
