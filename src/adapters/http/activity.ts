/**
 * Incoming requests come first. A burst of alert webhooks (Alertmanager sends a whole group at
 * once) each opens an incident whose Slack messages and automatic rollback would otherwise start
 * between one answer and the next, so the last webhook of the burst is answered only after the
 * Slack and Kubernetes work of all the others. Background work waits here until no request has
 * been in progress for a moment — never longer than `maxWaitMs`, so a steady stream of requests
 * delays it a little but never starves it. The wait is real time: it is about the event loop,
 * not the runbook's clock.
 */
import type { Server } from 'node:http';

export interface ActivityOptions {
  /** How long no request must have been running before background work starts (default 5 ms). */
  quietMs?: number;
  /** The longest background work waits (default 250 ms). */
  maxWaitMs?: number;
}

export class RequestActivity {
  private inFlight = 0;
  private lastEnd = 0;
  /** When the last two requests started: one request alone is no burst, and nothing waits for it. */
  private lastStarts: [number, number] = [-Infinity, -Infinity];
  private readonly quietMs: number;
  private readonly maxWaitMs: number;
  /** Background work waiting for the requests in flight to end: woken by the last one, not by polling. */
  private waiting: Array<() => void> = [];

  constructor(o: ActivityOptions = {}) {
    this.quietMs = o.quietMs ?? 5;
    this.maxWaitMs = o.maxWaitMs ?? 250;
  }

  /** Counts the requests of `server` from now on. */
  watch(server: Server): void {
    server.on('request', (_req, res) => {
      this.inFlight++;
      this.lastStarts = [this.lastStarts[1], performance.now()];
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        this.inFlight--;
        this.lastEnd = performance.now();
        if (this.inFlight === 0) for (const wake of this.waiting.splice(0)) wake();
      };
      res.once('finish', end);
      res.once('close', end);
    });
  }

  /** Resolves once requests have been quiet for a moment, or after `maxWaitMs`. */
  async quiet(): Promise<void> {
    const start = performance.now();
    for (;;) {
      const now = performance.now();
      if (now - start >= this.maxWaitMs) return;
      const left = this.maxWaitMs - (now - start);
      if (this.inFlight === 0) {
        const since = now - this.lastEnd;
        if (since >= this.quietMs || now - this.lastStarts[0] > 10 * this.quietMs) return;
        await new Promise((r) => setTimeout(r, Math.min(this.quietMs - since, left)));
      } else {
        await this.requestsEnded(left);
      }
    }
  }

  /**
   * Resolves when the last request in flight ends, or after `ms`. A lone webhook's Slack message
   * goes out the moment its answer is sent, not at the next tick of a poll.
   */
  private requestsEnded(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== wake);
        resolve();
      }, ms);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiting.push(wake);
    });
  }
}
