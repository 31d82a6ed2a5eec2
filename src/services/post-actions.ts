/**
 * The runbook's step 4 after a rollback (事後対応): the incident record (its INC id, shown on every
 * message), a notice to the stakeholders — updated when the incident is resolved — and a
 * post-mortem reminder on the next working day naming everyone who took part.
 */
import { nextWorkingDayAt } from '../domain/zoned-time.ts';
import type { Store } from '../store/index.ts';
import type { Clock } from './clock.ts';
import type { IncidentNotifier } from './ports.ts';
import type { TimerService } from './timers.ts';

export const POSTMORTEM_TIMER = 'postmortem';

/** The stakeholder channel: a summary posted once, and updated when the incident resolves. */
export interface StakeholderPort {
  stakeholderNotice(incidentId: string): void;
}

export interface PostActionsOptions {
  store: Store;
  clock: Clock;
  timers: TimerService;
  notifier: IncidentNotifier & StakeholderPort;
  postMortemAt: { hour: number; minute: number };
  timezone: string;
}

export class PostActions {
  constructor(private readonly o: PostActionsOptions) {
    o.timers.on<{ incidentId: string }>(POSTMORTEM_TIMER, (t) => this.remind(t.payload.incidentId));
  }

  /** Runs once per incident however many rollbacks it had (the timer key is the incident's). */
  afterRollback(incidentId: string): { postMortemAt: number } {
    const at = nextWorkingDayAt(this.o.clock.now(), this.o.postMortemAt.hour, this.o.postMortemAt.minute, this.o.timezone);
    const { created } = this.o.timers.schedule({ kind: POSTMORTEM_TIMER, key: `postmortem:${incidentId}`, dueAt: at, payload: { incidentId } });
    if (created) {
      this.o.store.incidents.appendEvent({ incidentId, at: this.o.clock.now(), kind: 'postmortem_scheduled', actor: { kind: 'system', id: 'post-actions' }, detail: { at } });
      this.o.notifier.stakeholderNotice(incidentId);
      this.o.notifier.notice(incidentId, { kind: 'postmortem_scheduled', at, participants: this.participants(incidentId) });
    }
    return { postMortemAt: at };
  }

  /** Everyone who did something on the incident (people only, not the bot). */
  participants(incidentId: string): string[] {
    const ids = this.o.store.incidents
      .timeline(incidentId)
      .filter((e) => e.actor.kind === 'user')
      .map((e) => e.actor.id);
    return [...new Set(ids)];
  }

  private remind(incidentId: string): void {
    this.o.notifier.notice(incidentId, { kind: 'postmortem_reminder', participants: this.participants(incidentId) });
  }
}
