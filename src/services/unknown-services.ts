/**
 * Alerts for services Rewind is not configured for are stored, and the incident channel is told —
 * but boundedly, because the labels come from outside: one webhook once named 6,500 made-up
 * services and got 6,500 posts. So:
 *
 * - a service is announced at most once an hour, and again after that if its alerts keep coming;
 * - at most ANNOUNCEMENTS_PER_MINUTE services are announced on their own line per clock minute;
 *   the rest of that minute's services are held back and, when the minute ends, named in one
 *   summary line ("…and 6,490 more unknown services sent alerts in the last minute: a, b, c, …").
 *   Held-back services count as told: their hour starts when they arrived.
 *
 * Everything is in the database (the `unknown_services` table and a durable timer per minute with
 * held-back services), written in the caller's transaction, so it holds across restarts and a crash
 * can neither lose a summary nor send one twice; the process keeps no per-service memory.
 */
import { z } from 'zod';
import type { Store } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import type { IncidentAnnouncer, IncomingAlert } from './ports.ts';
import { defineTimer, type FiredTimer, type TimerService } from './timers.ts';

export const UNKNOWN_SERVICES_SUMMARY_TIMER = 'unknown-services-summary';
const summaryTimer = defineTimer(UNKNOWN_SERVICES_SUMMARY_TIMER, z.object({ windowStart: z.number() }));

/**
 * Services announced on their own line per clock minute. Ten lines is about what a person reads in
 * a minute, and stays well under Slack's pace for one channel (about a message a second).
 */
export const ANNOUNCEMENTS_PER_MINUTE = 10;
/** A service is announced again after this long, if its alerts still come. */
export const ANNOUNCE_AGAIN_AFTER_MS = 60 * 60_000;
/** Services the summary line names; the rest are only counted. */
export const SUMMARY_NAMES = 5;

const MINUTE = 60_000;
/** Held-back services are kept this long for a summary that is late (downtime), then forgotten. */
const WAITING_KEPT_MS = 24 * 60 * 60_000;

/** What the unknown-service announcements read and write: their own memory, and their timers' pruning. */
export type UnknownServicesStore = Pick<Store, 'transaction'> & {
  unknownServices: Pick<
    Store['unknownServices'],
    'prune' | 'lastToldAt' | 'count' | 'record' | 'hasWaiting' | 'summarise'
  >;
  timers: Pick<Store['timers'], 'pruneDone'>;
};

export interface UnknownServicesOptions {
  store: UnknownServicesStore;
  clock: Clock;
  timers: TimerService;
  notifier: IncidentAnnouncer;
}

export class UnknownServices {
  /** When this process last pruned: a cost bound, not state (any process may prune at any time). */
  private lastPrune = Number.NEGATIVE_INFINITY;

  constructor(private readonly o: UnknownServicesOptions) {
    o.timers.on(summaryTimer, (t) => this.summarise(t));
  }

  /**
   * An alert named `service`, which is not configured, at `now` (one instant per delivery, so a
   * delivery never straddles two minutes). Synchronous: call it inside the transaction storing the
   * alert, so the announcement, the memory of it and the summary's timer commit with it.
   */
  seen(service: string, alert: Pick<IncomingAlert, 'summary' | 'source'>, now: number): void {
    const repo = this.o.store.unknownServices;
    if (now - this.lastPrune >= MINUTE) {
      this.lastPrune = now;
      repo.prune(now - ANNOUNCE_AGAIN_AFTER_MS, now - WAITING_KEPT_MS);
      this.o.store.timers.pruneDone(UNKNOWN_SERVICES_SUMMARY_TIMER, now - WAITING_KEPT_MS);
    }
    const last = repo.lastToldAt(service);
    if (last !== null && now - last < ANNOUNCE_AGAIN_AFTER_MS) return;
    const windowStart = now - (now % MINUTE);
    if (repo.count(windowStart, 'announced') < ANNOUNCEMENTS_PER_MINUTE) {
      repo.record(service, now, windowStart, 'announced');
      this.o.notifier.announce({ kind: 'unknown_service', service, summary: alert.summary, source: alert.source });
      return;
    }
    // The summary goes out when the minute ends: only then can it count everything held back.
    // The first held-back service arms it; the timer's key makes it one per minute whatever repeats.
    if (!repo.hasWaiting(windowStart)) {
      this.o.timers.schedule({
        kind: summaryTimer,
        key: `${UNKNOWN_SERVICES_SUMMARY_TIMER}:${windowStart}`,
        dueAt: windowStart + MINUTE,
        payload: { windowStart },
      });
    }
    repo.record(service, now, windowStart, 'waiting');
  }

  /**
   * The minute's summary line, queued in the transaction that marks its services summarised: once, even if run again
   * after a crash.
   */
  private summarise(t: FiredTimer<z.output<typeof summaryTimer.payload>>): void {
    const { windowStart } = t.payload;
    this.o.store.transaction(() => {
      const { count, names } = this.o.store.unknownServices.summarise(windowStart, SUMMARY_NAMES);
      // "In the last minute" is true only when it is sent as the minute ends; after downtime it names the minute.
      if (count > 0)
        this.o.notifier.announce({
          kind: 'unknown_services',
          count,
          names,
          since: windowStart,
          late: t.lateMs >= MINUTE,
        });
    });
  }
}
