/**
 * The drill programme's calendar (runbook 定期訓練スケジュール: quarterly by default): node-cron's
 * matcher gives the next run of `drills.schedule` in `drills.timezone` from the injected clock, and
 * each run becomes a drill row with three durable timers — the announcement `announceBefore` ahead,
 * a reminder on the day, and the start. Timers are rows, so a restart between them keeps them, and
 * `arm()` at start-up re-creates whatever is missing. The drill service arms the next drill here
 * when a scheduled one is cancelled; the schedule (drill-schedule.ts) after each start.
 */
import type { Config } from '../config/schema.ts';
import type { DrillRecord, Store } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import { nextCronRuns } from './cron-schedule.ts';
import { DRILL_TIMER, drillTimer, type DrillStep } from './drill-faults.ts';
import type { TimerService } from './timers.ts';

/** The reminder on the day: this long before the start (or at once, when that has passed). */
export const REMINDER_BEFORE_MS = 60 * 60_000;

/** What the calendar reads and writes: the drill rows of the schedule's runs. */
export type DrillCalendarStore = {
  drills: Pick<Store['drills'], 'at' | 'count' | 'create' | 'move' | 'withStatus'>;
  transaction: Store['transaction'];
};

export interface DrillCalendarOptions {
  store: DrillCalendarStore;
  clock: Clock;
  timers: TimerService;
  drills: Config['drills'];
  log?: { info(o: object, m: string): void };
}

export class DrillCalendar {
  constructor(private readonly o: DrillCalendarOptions) {}

  /**
   * The next drill of the schedule, with its timers; idempotent (start-up, after each drill). One
   * transaction: replicas arming at once on one database take turns, and the second finds the
   * first's drill row and timers instead of making its own.
   */
  arm(): DrillRecord | null {
    return this.o.store.transaction(() => this.armNow());
  }

  private armNow(): DrillRecord | null {
    const { drills, store, clock } = this.o;
    if (!drills.service) return null;
    const now = clock.now();
    // The first coming run that is not settled yet: a cancelled one is passed over for the next.
    const runs = nextCronRuns(drills.schedule, drills.timezone, now, 8);
    const at = runs.find((t) => {
      const row = store.drills.at(t);
      return !row || row.status === 'scheduled' || row.status === 'announced';
    });
    if (at === undefined) return null;
    // A drill planned under an earlier schedule that no longer has that time is cancelled, said once.
    // (A past one is left to its start timer, which fires late at start-up and marks it missed.)
    for (const stale of [...store.drills.withStatus('scheduled'), ...store.drills.withStatus('announced')]) {
      if (stale.scheduledFor > now && stale.scheduledFor !== at) {
        store.drills.move(stale.id, ['scheduled', 'announced'], {
          status: 'aborted',
          finishedAt: now,
          ending: { kind: 'rescheduled', nextAt: at },
        });
        this.o.timers.cancelWhere(DRILL_TIMER, `drill:${stale.id}:`);
      }
    }
    const drill = store.drills.at(at) ?? this.create(at);
    const schedule = (step: DrillStep, dueAt: number) =>
      this.o.timers.schedule({
        kind: drillTimer,
        key: `drill:${drill.id}:${step}`,
        dueAt,
        payload: { drillId: drill.id, step },
      });
    if (drill.status === 'scheduled') schedule('announce', Math.max(now, at - drills.announceBefore));
    schedule('remind', Math.max(now, at - REMINDER_BEFORE_MS));
    schedule('start', at);
    return drill;
  }

  /** Scenarios take turns in config order, one per scheduled drill. */
  private create(at: number): DrillRecord {
    const scenarios = this.o.drills.scenarios;
    const scenario = scenarios[this.o.store.drills.count() % scenarios.length] ?? scenarios[0];
    if (!scenario) throw new Error('drills.scenarios is empty');
    const drill = this.o.store.drills.create({
      scenario: scenario.name,
      scheduledFor: at,
      service: this.o.drills.service ?? null,
      status: 'scheduled',
    });
    this.o.log?.info({ drill: drill.id, scenario: scenario.name, at: new Date(at).toISOString() }, 'drill scheduled');
    return drill;
  }
}
