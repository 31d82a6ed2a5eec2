/**
 * The one clock. Every part of Rewind that needs the time or needs to wait reads it from here, so
 * tests can run a 30-minute escalation or a 10-minute observation phase in milliseconds.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(handle);
        reject(signal?.reason);
      };
      const handle = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

interface Sleeper {
  due: number;
  seq: number;
  resolve: () => void;
}

/** Lets the event loop run what an awakened sleeper started (promises, setImmediate callbacks). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/**
 * A clock that only moves when told to. `advance` wakes every sleeper in due order, setting `now`
 * to each one's due time before waking it, and lets the event loop settle between wake-ups, so
 * code that sleeps in a loop sees the same sequence of times it would see in production.
 */
export class ManualClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];
  private seq = 0;

  constructor(start: number | Date = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper: Sleeper = {
        due: this.current + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  /** Number of callers currently sleeping on this clock. */
  get pendingSleepers(): number {
    return this.sleepers.length;
  }

  /** Moves time forward by `ms`, waking sleepers in order of their due time. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  async advanceTo(target: number | Date): Promise<void> {
    const end = typeof target === 'number' ? target : target.getTime();
    await settle();
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.sleepers = this.sleepers.filter((s) => s !== next);
      this.current = Math.max(this.current, next.due);
      next.resolve();
      await settle();
    }
    this.current = Math.max(this.current, end);
    await settle();
  }

  /** Sets the time without waking anyone: a process that was down for a while. */
  jumpTo(target: number | Date): void {
    this.current = typeof target === 'number' ? target : target.getTime();
  }

  private nextDue(end: number): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const s of this.sleepers) {
      if (s.due > end) continue;
      if (!best || s.due < best.due || (s.due === best.due && s.seq < best.seq)) best = s;
    }
    return best;
  }
}

/**
 * Wall-clock time run `scale` times faster from a fixed `origin` (epoch ms): `now()` is
 * `origin + (Date.now() - origin) * scale`, and `sleep(ms)` waits `ms / scale` of real time. Because
 * the timeline depends only on `origin` and `scale`, a process killed and started again with the
 * same two numbers continues the same timeline — including the time it was down, during which
 * timers fall due exactly as they would in production. Used by the fault-injection suite, where a
 * real bot process must live through 15- and 30-minute escalations in seconds.
 */
export class ScaledClock implements Clock {
  constructor(
    readonly origin: number,
    readonly scale: number,
  ) {
    if (!Number.isFinite(origin)) throw new RangeError(`ScaledClock origin must be an epoch time in ms, got ${origin}`);
    if (!(Number.isFinite(scale) && scale > 0))
      throw new RangeError(`ScaledClock scale must be a positive number, got ${scale}`);
  }

  now(): number {
    return Math.floor(this.origin + (Date.now() - this.origin) * this.scale);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(Math.max(0, ms) / this.scale, signal);
  }

  /** The real milliseconds that `ms` of this clock's time take. */
  realMs(ms: number): number {
    return ms / this.scale;
  }
}
