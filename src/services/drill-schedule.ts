/**
 * The drill programme's calendar (runbook 定期訓練スケジュール: quarterly by default): node-cron's
 * matcher gives the next run of `drills.schedule` in `drills.timezone` from the injected clock, and
 * each run becomes a drill row with three durable timers — the announcement `announceBefore` ahead,
 * a reminder on the day, and the start. Timers are rows, so a restart between them keeps them, and
 * `arm()` at start-up re-creates whatever is missing.
 *
 * A start that fires late (Rewind was down at the drill's time) is announced as missed, never run
 * late: a drill at an unannounced time would look like a real incident.
 */
import type { Config } from '../config/schema.ts';
import { formatZoned } from '../domain/zoned-time.ts';
import type { DrillRecord, Store } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import { nextCronRuns } from './cron-schedule.ts';
import type { DrillNotifier } from './drill-ports.ts';
import { DRILL_TIMER, type DrillService, type DrillTimerPayload } from './drills.ts';
import type { TimerService } from './timers.ts';
import { refusalLine } from './refusals.ts';

/** How late a start may fire and still run (the timer loop's own jitter, a quick restart). */
export const MISSED_AFTER_MS = 5 * 60_000;
/** The reminder on the day: this long before the start (or at once, when that has passed). */
export const REMINDER_BEFORE_MS = 60 * 60_000;

export interface DrillScheduleOptions {
  store: Store;
  clock: Clock;
  timers: TimerService;
  notifier: DrillNotifier;
  drills: Config['drills'];
  service: DrillService;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

export class DrillSchedule {
  constructor(private readonly o: DrillScheduleOptions) {
    // A scheduled drill cancelled with /drill abort: the one after it is armed at once.
    o.service.rearm = () => void this.arm();
    o.timers.on<DrillTimerPayload>(DRILL_TIMER, async (t) => {
      const { drillId, step } = t.payload;
      if (step === 'announce' || step === 'remind') return this.announce(drillId, step === 'remind');
      if (step === 'start') return this.start(drillId, t.lateMs);
      return o.service.onTimer(drillId, step);
    });
  }

  /** The next drill of the schedule, with its timers; idempotent (start-up, after each drill). */
  arm(): DrillRecord | null {
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
        store.drills.move(stale.id, ['scheduled', 'announced'], { status: 'aborted', finishedAt: now, note: `drills.schedule changed; the next drill is at ${formatZoned(at, drills.timezone)}` });
        this.o.timers.cancelWhere(DRILL_TIMER, `drill:${stale.id}:`);
      }
    }
    const drill = store.drills.at(at) ?? this.create(at);
    const schedule = (step: DrillTimerPayload['step'], dueAt: number) =>
      this.o.timers.schedule({ kind: DRILL_TIMER, key: `drill:${drill.id}:${step}`, dueAt, payload: { drillId: drill.id, step } });
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
    const drill = this.o.store.drills.create({ scenario: scenario.name, scheduledFor: at, service: this.o.drills.service ?? null, status: 'scheduled' });
    this.o.log?.info({ drill: drill.id, scenario: scenario.name, at: new Date(at).toISOString() }, 'drill scheduled');
    return drill;
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
        note: `due at ${formatZoned(drill.scheduledFor, this.o.drills.timezone)} while Rewind was not running; not run late`,
      });
      if (missed) this.o.notifier.drill({ kind: 'missed', drillId });
    } else {
      const result = await this.o.service.run(drill.scenario, { actor: { kind: 'system', id: 'drill-schedule' }, dryRun: false, scheduled: drill });
      if (!result.ok) {
        const reason = refusalLine(result.refusal);
        const ended = this.o.store.drills.move(drillId, ['scheduled', 'announced'], { status: 'aborted', finishedAt: this.o.clock.now(), note: `not run: ${reason}` });
        if (ended) this.o.notifier.drill({ kind: 'ended', drillId });
        this.o.log?.warn({ drill: drillId, reason }, 'scheduled drill not run');
      }
    }
    this.arm();
  }
}
