/**
 * Escalation (runbook: 15分以内に解決しない場合 シニアエンジニア, 30分 マネージャー). Each level of
 * an incident is a durable timer keyed by incident and level, so a restart neither loses nor
 * repeats one; a level that came due while the bot was down fires once at start and says how late
 * it is. Resolving disarms every pending level.
 */
import { z } from 'zod';
import {
  escalationKey,
  escalationKeyPrefix,
  planEscalation,
  shouldStopEscalation,
  type EscalationLevel,
  type PlannedEscalation,
} from '../domain/escalation.ts';
import type { EscalationReason } from '../domain/timeline-reasons.ts';
import type { Incident } from '../domain/types.ts';
import type { Store } from '../store/index.ts';
import type { EscalationPort } from './incidents.ts';
import { defineTimer, type FiredTimer, type TimerService } from './timers.ts';

export const ESCALATION_TIMER = 'escalation';

/**
 * Who gets told: Slack in production, the console in the demo, a recorder in tests. `key` names
 * this firing of the level: told twice with the same key (a timer run again after a crash), the
 * notifier sends nothing the second time.
 */
export interface EscalationNotifier {
  escalate(incident: Incident, level: PlannedEscalation, lateMs: number, key: string): Promise<void> | void;
}

/** What escalation reads and writes: the incident, and its timeline's escalation lines. */
export type EscalationStore = { incidents: Pick<Store['incidents'], 'get' | 'timeline' | 'appendEvent'> };

const escalationTimer = defineTimer(ESCALATION_TIMER, z.object({ incidentId: z.string(), level: z.number() }));
type EscalationPayload = z.output<typeof escalationTimer.payload>;

export interface EscalationOptions {
  levels: EscalationLevel[];
  stopOnAck: boolean;
}

export class EscalationService implements EscalationPort {
  constructor(
    private readonly store: EscalationStore,
    private readonly timers: TimerService,
    private readonly notifier: EscalationNotifier,
    private readonly options: EscalationOptions,
  ) {
    timers.on(escalationTimer, (t) => this.fire(t));
  }

  arm(incident: Incident): void {
    for (const level of planEscalation(incident.startedAt, this.options.levels)) {
      this.timers.schedule({
        kind: escalationTimer,
        key: escalationKey(incident.id, level.level),
        dueAt: level.dueAt,
        payload: { incidentId: incident.id, level: level.level },
      });
    }
  }

  disarm(incidentId: string): void {
    this.timers.cancelWhere(ESCALATION_TIMER, escalationKeyPrefix(incidentId));
  }

  /**
   * Escalates at once, without waiting for the next level's time: the rollback engine could not do
   * its job (the Kubernetes API kept failing), so the next level is told now, with the reason.
   * `evenIfResolved`: for a canary that brings the fix in after the incident was resolved.
   */
  async escalateNow(
    incidentId: string,
    reason: EscalationReason,
    at: number,
    options: { evenIfResolved?: boolean } = {},
  ): Promise<void> {
    const incident = this.store.incidents.get(incidentId);
    if (!incident || (incident.status === 'resolved' && !options.evenIfResolved)) return;
    const fired = new Set(
      this.store.incidents.timeline(incidentId).flatMap((e) => (e.kind === 'escalation' ? [e.detail.level] : [])),
    );
    const plan = planEscalation(incident.startedAt, this.options.levels);
    // After the incident (a canary of its fix stuck half-way): every level may have fired already;
    // the last one is told again rather than nobody.
    const next = plan.find((l) => !fired.has(l.level)) ?? (options.evenIfResolved ? plan.at(-1) : undefined);
    if (!next) return;
    this.timers.cancel(escalationKey(incidentId, next.level));
    this.store.incidents.appendEvent({
      incidentId,
      at,
      kind: 'escalation',
      actor: { kind: 'system', id: 'escalations' },
      detail: { level: next.level, label: next.label, notify: next.notify, lateMs: 0, early: true, reason },
    });
    await this.notifier.escalate(incident, next, 0, `${escalationKey(incidentId, next.level)}:early:${at}`);
  }

  private async fire(timer: FiredTimer<EscalationPayload>): Promise<void> {
    const { incidentId, level } = timer.payload;
    const incident = this.store.incidents.get(incidentId);
    if (!incident || shouldStopEscalation(incident, this.options.stopOnAck)) return;
    const planned = planEscalation(incident.startedAt, this.options.levels).find((l) => l.level === level);
    if (!planned) return; // the config lost this level since it was armed
    // A retried timer must not write the line twice: the timeline is the record of what was sent.
    const already = this.store.incidents
      .timeline(incidentId)
      .some((e) => e.kind === 'escalation' && e.detail.level === level);
    if (!already) {
      this.store.incidents.appendEvent({
        incidentId,
        at: timer.firedAt,
        kind: 'escalation',
        actor: { kind: 'system', id: 'escalations' },
        detail: { level, label: planned.label, notify: planned.notify, lateMs: timer.lateMs },
      });
    }
    await this.notifier.escalate(incident, planned, timer.lateMs, escalationKey(incidentId, level));
  }
}
