/**
 * The drill calendar's timers at work: the announcement and the reminder in the drill channel, and
 * the start at the drill's time (the next drill is armed after it). The calendar itself (which
 * drill, when, which timers) is drill-calendar.ts.
 *
 * A start that fires late (Rewind was down at the drill's time) is announced as missed, never run
 * late: a drill at an unannounced time would look like a real incident.
 */
import { isDrillRefusal } from '../domain/drill-refusals.ts';
import type { DrillEnding, DrillRecord } from '../domain/drill-records.ts';
import type { Store } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import type { DrillCalendar } from './drill-calendar.ts';
import { drillTimer } from './drill-faults.ts';
import type { DrillNotifier } from './drill-ports.ts';
import type { DrillService } from './drills.ts';
import { refusalLine, type Refusal } from './refusals.ts';
import type { TimerService } from './timers.ts';

export { REMINDER_BEFORE_MS } from './drill-calendar.ts';

/** How late a start may fire and still run (the timer loop's own jitter, a quick restart). */
export const MISSED_AFTER_MS = 5 * 60_000;

/** What the schedule's timers move: a scheduled drill to announced, missed or not run. */
export type DrillScheduleStore = { drills: Pick<Store['drills'], 'get' | 'move'> };

export interface DrillScheduleOptions {
  store: DrillScheduleStore;
  clock: Clock;
  timers: TimerService;
  notifier: DrillNotifier;
  calendar: DrillCalendar;
  service: DrillService;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

export class DrillSchedule {
  constructor(private readonly o: DrillScheduleOptions) {
    o.timers.on(drillTimer, async (t) => {
      const { drillId, step } = t.payload;
      if (step === 'announce' || step === 'remind') return this.announce(drillId, step === 'remind');
      if (step === 'start') return this.start(drillId, t.lateMs);
      return o.service.onTimer(drillId, step);
    });
  }

  /** The next drill of the schedule, with its timers; idempotent (start-up, after each drill). */
  arm(): DrillRecord | null {
    return this.o.calendar.arm();
  }

  private announce(drillId: string, reminder: boolean): void {
    const drill = this.o.store.drills.get(drillId);
    if (!drill || (drill.status !== 'scheduled' && drill.status !== 'announced')) return;
    if (!reminder) {
      if (!this.o.store.drills.move(drillId, ['scheduled'], { status: 'announced' })) return;
    } else if (drill.status === 'scheduled') {
      // The reminder came first (the bot started less than announceBefore ahead): it is the announcement.
      this.o.store.drills.move(drillId, ['scheduled'], { status: 'announced' });
      this.o.timers.cancel(`drill:${drillId}:announce`);
      this.o.notifier.drill({ kind: 'announcement', drillId, reminder: false });
    }
    this.o.notifier.drill({ kind: 'announcement', drillId, reminder });
  }

  private async start(drillId: string, lateMs: number): Promise<void> {
    const drill = this.o.store.drills.get(drillId);
    if (!drill || (drill.status !== 'scheduled' && drill.status !== 'announced')) return;
    if (lateMs > MISSED_AFTER_MS) {
      const missed = this.o.store.drills.move(drillId, ['scheduled', 'announced'], {
        status: 'missed',
        ending: { kind: 'missed', dueAt: drill.scheduledFor },
      });
      if (missed) this.o.notifier.drill({ kind: 'missed', drillId });
    } else {
      const result = await this.o.service.run(drill.scenario, {
        actor: { kind: 'system', id: 'drill-schedule' },
        dryRun: false,
        scheduled: drill,
      });
      if (!result.ok) {
        const ending = notRun(result.refusal);
        const ended = this.o.store.drills.move(drillId, ['scheduled', 'announced'], {
          status: 'aborted',
          finishedAt: this.o.clock.now(),
          ending,
        });
        if (ended) this.o.notifier.drill({ kind: 'ended', drillId });
        this.o.log?.warn({ drill: drillId, reason: refusalLine(result.refusal) }, 'scheduled drill not run');
      }
    }
    this.arm();
  }
}

/**
 * A scheduled run is refused only for drill reasons (its actor is the system, never a person
 * without approval); any other refusal is kept as its English line.
 */
function notRun(refusal: Refusal): DrillEnding {
  return isDrillRefusal(refusal)
    ? { kind: 'not_run', refusal }
    : { kind: 'recorded', text: `not run: ${refusalLine(refusal)}` };
}
