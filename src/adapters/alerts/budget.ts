/**
 * A budget of bytes for the alert bodies being received at once. A 1 MiB body becomes several MiB
 * of parsed JSON and alerts, held until its alerts are committed; without a bound, a hundred
 * senders posting at the limit would hold a gigabyte.
 *
 * A body takes its bytes as they arrive, not up front from its Content-Length (or, without one,
 * the largest body allowed): a sender holds only what it has really sent. Reserved up front, four
 * clients trickling a byte every few seconds held the whole budget and every other sender waited
 * behind them; taken as they arrive, they hold a few bytes and a small alert goes straight through.
 * A chunk that does not fit waits, first come first served, with its request paused — the rest of
 * its body stays in the socket, and TCP slows the sender down — until earlier bodies are answered.
 *
 * Bodies taken a part at a time can wait on each other: five 1 MiB bodies, each four fifths read,
 * fill a 4 MiB budget and none can finish. When every body holding bytes is waiting for more, so
 * that none will give any back, the one that started taking first goes on past the limit; it
 * finishes, is answered and gives everything back. The bytes in hand therefore exceed the limit by
 * at most one body.
 */

/** One request's part of the budget: what its body holds so far. */
export interface BodyShare {
  /** Bytes this body holds now. */
  readonly held: number;
  /**
   * `true` when the bytes were taken at once; otherwise a promise of `true` once they have been, or `false` when
   * `signal` aborts or the share is released first.
   */
  take(bytes: number, signal: AbortSignal): true | Promise<boolean>;
  /** Gives every byte back (once the request is answered, or gone); later calls do nothing. */
  release(): void;
}

interface Share {
  held: number;
  waiter: Waiter | null;
  released: boolean;
}

interface Waiter {
  share: Share;
  bytes: number;
  settle(granted: boolean): void;
}

export class ByteBudget {
  private used = 0;
  private readonly waiting: Waiter[] = [];
  /** Shares holding bytes, in the order they first took some. */
  private readonly holders = new Set<Share>();

  constructor(readonly limit: number) {}

  /** Bytes taken right now (for tests and metrics); above `limit` only while bodies wait on each other. */
  get inUse(): number {
    return this.used;
  }

  /** Requests whose next chunk is waiting. */
  get waiters(): number {
    return this.waiting.length;
  }

  open(): BodyShare {
    const share: Share = { held: 0, waiter: null, released: false };
    return {
      get held() {
        return share.held;
      },
      take: (bytes, signal) => this.take(share, bytes, signal),
      release: () => this.release(share),
    };
  }

  private take(share: Share, bytes: number, signal: AbortSignal): true | Promise<boolean> {
    if (share.released || signal.aborted) return Promise.resolve(false);
    // Nobody waiting: first come first served holds, so a newcomer cannot overtake a waiter.
    if (this.waiting.length === 0 && (this.used + bytes <= this.limit || this.used === 0)) {
      this.grant(share, bytes);
      return true;
    }
    return new Promise<boolean>((resolve) => {
      const onAbort = () => {
        if (share.waiter !== waiter) return;
        this.drop(waiter);
        waiter.settle(false);
        // The one that gave up may have been first in line, holding back others behind it.
        this.grantWaiting();
      };
      const waiter: Waiter = {
        share,
        bytes,
        settle: (granted) => {
          signal.removeEventListener('abort', onAbort);
          resolve(granted);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      share.waiter = waiter;
      this.waiting.push(waiter);
      this.grantWaiting();
    });
  }

  private release(share: Share): void {
    if (share.released) return;
    share.released = true;
    const waiter = share.waiter;
    if (waiter) {
      this.drop(waiter);
      waiter.settle(false);
    }
    this.used -= share.held;
    share.held = 0;
    this.holders.delete(share);
    this.grantWaiting();
  }

  private grant(share: Share, bytes: number): void {
    share.held += bytes;
    this.used += bytes;
    if (share.held > 0) this.holders.add(share);
  }

  private drop(waiter: Waiter): void {
    const i = this.waiting.indexOf(waiter);
    if (i >= 0) this.waiting.splice(i, 1);
    waiter.share.waiter = null;
  }

  private grantWaiting(): void {
    for (;;) {
      const head = this.waiting[0];
      if (!head) return;
      // A chunk larger than the whole budget goes through alone.
      if (this.used + head.bytes <= this.limit || this.used === 0) {
        this.admit(head);
        continue;
      }
      const stuck = this.stuckHolder();
      if (!stuck?.waiter) return;
      this.admit(stuck.waiter);
    }
  }

  /**
   * When every share holding bytes waits for more, nothing will be given back: the one that started
   * first is let through. Null while some holder still reads or waits for its commit.
   */
  private stuckHolder(): Share | null {
    let first: Share | null = null;
    for (const share of this.holders) {
      if (!share.waiter) return null;
      first ??= share;
    }
    return first;
  }

  private admit(waiter: Waiter): void {
    this.drop(waiter);
    this.grant(waiter.share, waiter.bytes);
    waiter.settle(true);
  }
}
