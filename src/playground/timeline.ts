/**
 * The playground's time: wall-clock time run at a speed the visitor chooses (×1, ×60, ×600), where
 * a change of speed bends the line instead of breaking it. The timeline is a list of segments, each
 * starting at a real instant with the virtual time of that instant and a scale; the playground
 * server keeps it and hands the newest segment to the bot's worker at start and on every change,
 * so the bot, killed and started again, continues the same timeline, downtime included — timers
 * fall due while it is down, as they would in production.
 */
import type { Clock } from '../clock.ts';

/** From `realAt` (Date.now()) on, virtual time is `virtualAt + (Date.now() - realAt) × scale`. */
export interface TimeSegment {
  realAt: number;
  virtualAt: number;
  scale: number;
}

/** The speeds the page offers. */
export const SPEEDS = [1, 60, 600] as const;
export type Speed = (typeof SPEEDS)[number];

export const isSpeed = (n: number): n is Speed => (SPEEDS as readonly number[]).includes(n);

export function virtualNow(segment: TimeSegment, realNow: number = Date.now()): number {
  return Math.floor(segment.virtualAt + (realNow - segment.realAt) * segment.scale);
}

/** Starts a new segment at the present instant, continuing the current one's time at a new scale. */
export function changeSpeed(segment: TimeSegment, scale: number, realNow: number = Date.now()): TimeSegment {
  return { realAt: realNow, virtualAt: virtualNow(segment, realNow), scale };
}

interface Sleeper {
  due: number;
  handle: ReturnType<typeof setTimeout> | undefined;
  resolve: () => void;
}

/**
 * A Clock on the timeline. `sleep(ms)` wakes when virtual time reaches now + ms; when the segment
 * changes, every sleeper is armed again for the new scale, so a 10-minute phase that began at ×1
 * ends seconds after the visitor picks ×600.
 */
export class TimelineClock implements Clock {
  private readonly sleepers = new Set<Sleeper>();

  constructor(private segment: TimeSegment) {}

  now(): number {
    return virtualNow(this.segment);
  }

  get scale(): number {
    return this.segment.scale;
  }

  /** Follows the server's timeline from now on. */
  follow(segment: TimeSegment): void {
    this.segment = segment;
    for (const s of this.sleepers) this.arm(s);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper: Sleeper = {
        due: this.now() + Math.max(0, ms),
        handle: undefined,
        resolve: () => {
          this.sleepers.delete(sleeper);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        clearTimeout(sleeper.handle);
        this.sleepers.delete(sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.add(sleeper);
      this.arm(sleeper);
    });
  }

  private arm(s: Sleeper): void {
    clearTimeout(s.handle);
    const realMs = Math.max(0, (s.due - this.now()) / this.segment.scale);
    // A sleeper woken a little early by rounding goes back to sleep for the rest.
    s.handle = setTimeout(() => (this.now() >= s.due ? s.resolve() : this.arm(s)), Math.ceil(realMs));
  }
}
