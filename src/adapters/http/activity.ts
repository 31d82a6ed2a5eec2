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
      if (this.inFlight === 0) {
        const since = now - this.lastEnd;
        if (since >= this.quietMs || now - this.lastStarts[0] > 10 * this.quietMs) return;
        await new Promise((r) => setTimeout(r, this.quietMs - since));
      } else {
        await new Promise((r) => setTimeout(r, 1));
      }
    }
  }
}
