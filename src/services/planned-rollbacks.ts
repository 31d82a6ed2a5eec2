/**
 * 計画的ロールバック: a rollback approved now and run at its time. Two timers carry it — a reminder
 * in the thread before it runs, and the start — and an Abort before then (rollback-controls.ts)
 * cancels both. The start is a claim like any other (rollback-start.ts).
 */
import { z } from 'zod';
import type { RollbackRecord, Store } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import type { IncidentService } from './incidents.ts';
import type { IncidentNotifier } from './ports.ts';
import { ok, refuse, type Outcome } from './refusals.ts';
import type { RollbackStarter } from './rollback-start.ts';
import { defineTimer, type TimerService } from './timers.ts';

export const PLANNED_TIMER = 'planned_rollback';

/** How long before a planned rollback the reminder goes to the thread (less when it is sooner). */
export const PLANNED_REMINDER_MS = 15 * 60_000;

const plannedTimer = defineTimer(
  PLANNED_TIMER,
  z.object({ rollbackId: z.string(), step: z.enum(['reminder', 'start']) }),
);
type PlannedPayload = z.output<typeof plannedTimer.payload>;

export type ScheduleResult = { state: 'scheduled'; rollback: RollbackRecord };

/** What scheduling and running a planned rollback read and write. */
export type PlannedRollbackStore = Pick<Store, 'transaction'> & {
  rollbacks: Pick<Store['rollbacks'], 'get' | 'update'>;
};

export interface PlannedRollbackOptions {
  store: PlannedRollbackStore;
  clock: Clock;
  incidents: IncidentService;
  notifier: IncidentNotifier;
  timers: TimerService;
}

export class PlannedRollbacks {
  constructor(
    private readonly o: PlannedRollbackOptions,
    private readonly starter: Pick<RollbackStarter, 'claim' | 'run'>,
  ) {
    o.timers.on(plannedTimer, (t) => this.onPlanned(t.payload));
  }

  /** Approved now, run at its time, with a reminder before and a cancel button. */
  schedule(rollback: RollbackRecord): Outcome<ScheduleResult> {
    const at = rollback.scheduledFor ?? this.o.clock.now();
    const now = this.o.clock.now();
    const scheduled = this.o.store.transaction(() => {
      const r = this.o.store.rollbacks.update(rollback.id, { status: 'scheduled' }, 'pending');
      if (!r) return null;
      const reminderAt = Math.max(now, at - Math.min(PLANNED_REMINDER_MS, (at - now) / 2));
      const planned = (step: PlannedPayload['step'], dueAt: number) =>
        this.o.timers.schedule({
          kind: plannedTimer,
          key: `planned:${r.id}:${step}`,
          dueAt,
          payload: { rollbackId: r.id, step },
        });
      planned('reminder', reminderAt);
      planned('start', at);
      return r;
    });
    if (!scheduled) return refuse({ kind: 'rollback_running', rollbackId: rollback.id });
    if (scheduled.incidentId) {
      this.o.incidents.record(
        scheduled.incidentId,
        'rollback_scheduled',
        { kind: 'system', id: 'rollbacks' },
        { rollbackId: scheduled.id, at },
      );
      this.o.notifier.notice(scheduled.incidentId, { kind: 'rollback_scheduled', rollbackId: scheduled.id, at });
      this.o.notifier.changed(scheduled.incidentId);
    }
    return ok({ state: 'scheduled', rollback: scheduled });
  }

  /** Drops the reminder and the start of a planned rollback that was cancelled before its time. */
  cancel(rollbackId: string): void {
    this.o.timers.cancelWhere(PLANNED_TIMER, `planned:${rollbackId}:`);
  }

  private async onPlanned({ rollbackId, step }: PlannedPayload): Promise<void> {
    const rollback = this.o.store.rollbacks.get(rollbackId);
    if (!rollback || rollback.status !== 'scheduled') return; // cancelled, or already run
    if (step === 'reminder') {
      if (rollback.incidentId)
        this.o.notifier.notice(rollback.incidentId, {
          kind: 'rollback_reminder',
          rollbackId,
          at: rollback.scheduledFor ?? this.o.clock.now(),
        });
      return;
    }
    const actor = { kind: 'system', id: 'planned-rollbacks' } as const;
    // Moved back to pending and claimed in one commit: a claim the database refuses leaves it scheduled, and the
    // timer's next run starts it (a row left pending would wait for an approval nobody is asked for).
    const claimed = this.o.store.transaction(() => {
      const moved = this.o.store.rollbacks.update(rollbackId, { status: 'pending' }, 'scheduled');
      return moved ? this.starter.claim(moved, actor) : null;
    });
    if (claimed) await this.starter.run(claimed, actor);
  }
}
