/**
 * A budget of bytes for the alert bodies being received at once. A 1 MiB body becomes several MiB
 * of parsed JSON and alerts, held until its alerts are committed; without a bound, a hundred
 * senders posting at the limit would hold a gigabyte. Past the budget a request waits, first come
 * first served, before its body is read: its bytes stay in the socket, and TCP slows the sender
 * down, instead of in the heap.
 */
export type Release = () => void;

interface Waiter {
  bytes: number;
  grant(): void;
}

export class ByteBudget {
  private used = 0;
  private readonly waiting: Waiter[] = [];

  constructor(readonly limit: number) {}

  /** Bytes taken right now (for tests and metrics). */
  get inUse(): number {
    return this.used;
  }

  /**
   * Resolves with the function that gives the bytes back once `bytes` fit in the budget, or with
   * null when `signal` aborts first (the client went away while it waited). A request larger than
   * the whole budget takes all of it, so it waits for the others but is never refused here.
   */
  acquire(bytes: number, signal: AbortSignal): Promise<Release | null> {
    const need = Math.max(0, Math.min(bytes, this.limit));
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(null);
      const onAbort = () => {
        const i = this.waiting.indexOf(waiter);
        if (i < 0) return;
        this.waiting.splice(i, 1);
        resolve(null);
        // The one that gave up may have been first in line, holding back smaller ones behind it.
        this.grantWaiting();
      };
      const waiter: Waiter = {
        bytes: need,
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          this.used += need;
          let released = false;
          resolve(() => {
            if (released) return;
            released = true;
            this.used -= need;
            this.grantWaiting();
          });
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
      this.grantWaiting();
    });
  }

  private grantWaiting(): void {
    for (let next = this.waiting[0]; next && this.used + next.bytes <= this.limit; next = this.waiting[0]) {
      this.waiting.shift();
      next.grant();
    }
  }
}
