/**
 * Taking a drill's fault away: once per drill at a time (an abort and a watch tick must not both
 * remove and report), recorded in the drill row with why, and on failure retried by a durable
 * timer a minute apart until the fault is gone. The fault of a process that died while applying it
 * is swept once more a while after its removal: that process's write may still have been on its
 * way to Kubernetes, and land after the removal found nothing.
 */
import { injectorProblemLine, type InjectorProblem } from '../domain/drill-refusals.ts';
import { z } from 'zod';
import type { FaultRemovalCause } from '../domain/drill-records.ts';
import type { Store } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import type { DrillNotifier, FaultInjector } from './drill-ports.ts';
import { defineTimer, type TimerService } from './timers.ts';

export const DRILL_TIMER = 'drill';
const drillStep = z.enum(['announce', 'remind', 'start', 'watch', 'deadline', 'heal', 'sweep']);
export type DrillStep = z.output<typeof drillStep>;
/**
 * Every timer of a drill: its announcement, reminder, start, watch ticks, deadline, fault removal
 * retries and the sweep after a dead process's apply.
 */
export const drillTimer = defineTimer(DRILL_TIMER, z.object({ drillId: z.string(), step: drillStep }));
export type DrillTimerPayload = z.output<typeof drillTimer.payload>;

/** A removal that failed is tried again this much later (and again, by the timer's own retries). */
const HEAL_RETRY_MS = 60_000;
/**
 * How long after healing a dead process's drill its fault is removed once more: well past the
 * Kubernetes client's own request timeout (10 s), so a write that process left in flight has
 * landed or never will.
 */
export const SWEEP_AFTER_MS = 60_000;

/** What removing a fault reads and writes: the drill row, where the fault and its removal are kept. */
export type FaultRemoverStore = { drills: Pick<Store['drills'], 'get' | 'update'> };

export interface FaultRemoverOptions {
  store: FaultRemoverStore;
  clock: Clock;
  timers: TimerService;
  injector: FaultInjector | { unavailable: InjectorProblem };
  notifier: DrillNotifier;
  log?: { info(o: object, m: string): void; error(o: object, m: string): void };
}

export class FaultRemover {
  private readonly removing = new Map<string, Promise<boolean>>();

  constructor(private readonly o: FaultRemoverOptions) {}

  /** Takes the fault away once; a failure is logged and retried by a timer. True when it is gone. */
  remove(drillId: string, cause: FaultRemovalCause): Promise<boolean> {
    const running = this.removing.get(drillId);
    if (running) return running;
    const removal = this.removeNow(drillId, cause).finally(() => this.removing.delete(drillId));
    this.removing.set(drillId, removal);
    return removal;
  }

  /** The removal under way for a drill, if any: an apply that comes back waits for it. */
  inProgress(drillId: string): Promise<boolean> | undefined {
    return this.removing.get(drillId);
  }

  /**
   * Removes the fault again whatever the row says was removed (the `sweep` timer): a write of a
   * dead process may have landed since. Records and reports only a fault actually found; a failure
   * throws, so the timer tries again.
   */
  async sweep(drillId: string): Promise<void> {
    const fault = this.o.store.drills.get(drillId)?.faultApplied;
    if (!fault) return;
    const injector = this.o.injector;
    if ('unavailable' in injector) throw new Error(injectorProblemLine(injector.unavailable));
    const removal = await injector.remove(fault);
    if (!removal.removed) return;
    const now = this.o.store.drills.get(drillId)?.faultApplied ?? fault;
    this.o.store.drills.update(drillId, {
      faultApplied: { ...now, removedAt: this.o.clock.now(), removal: { ...removal, cause: { kind: 'restarted' } } },
    });
    this.o.log?.info({ drill: drillId, removal }, 'drill fault landed after its removal: removed again');
    this.o.notifier.drill({ kind: 'fault_removed', drillId });
  }

  private async removeNow(drillId: string, cause: FaultRemovalCause): Promise<boolean> {
    const fault = this.o.store.drills.get(drillId)?.faultApplied;
    if (!fault || fault.removedAt !== null) return true;
    const injector = this.o.injector;
    try {
      if ('unavailable' in injector) throw new Error(injectorProblemLine(injector.unavailable));
      const removal = await injector.remove(fault);
      const now = this.o.store.drills.get(drillId)?.faultApplied ?? fault;
      this.o.store.drills.update(drillId, {
        faultApplied: { ...now, removedAt: this.o.clock.now(), removal: { ...removal, cause } },
      });
      this.o.log?.info({ drill: drillId, cause, removal }, 'drill fault removed');
      this.o.notifier.drill({ kind: 'fault_removed', drillId });
      return true;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.o.log?.error({ drill: drillId, err: message }, 'drill fault could not be removed; retrying');
      const at = this.o.clock.now() + HEAL_RETRY_MS;
      this.o.timers.schedule({
        kind: drillTimer,
        key: `drill:${drillId}:heal:${at}`,
        dueAt: at,
        payload: { drillId, step: 'heal' },
      });
      return false;
    }
  }
}
