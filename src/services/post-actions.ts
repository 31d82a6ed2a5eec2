/**
 * The runbook's step 4 after a rollback (事後対応): the incident record (its INC id, shown on every
 * message), the notice to the stakeholders — posted now unless the incident's severity already
 * brought it (slack.stakeholderSeverity), then kept up to date until the resolution — and a
 * post-mortem reminder on the next working day naming everyone who took part.
 */
import { z } from 'zod';
import { FIX_PREPARATION } from '../domain/checklists.ts';
import type { Actor } from '../domain/types.ts';
import { nextWorkingDayAt } from '../domain/zoned-time.ts';
import type { Store } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import type { IncidentNotifier } from './ports.ts';
import { defineTimer, type TimerService } from './timers.ts';

export const POSTMORTEM_TIMER = 'postmortem';
const postmortemTimer = defineTimer(POSTMORTEM_TIMER, z.object({ incidentId: z.string() }));
export const FIX_PREP_LIST = 'fix_prep';

/**
 * The stakeholder channel: one message per incident, posted the first time this is called and
 * updated in place by every later call (and as the incident moves on, until it is resolved).
 */
export interface StakeholderPort {
  stakeholderNotice(incidentId: string): void;
}

/** What the post-incident work reads and writes: the incident's timeline and its fix checklist. */
export type PostActionsStore = {
  incidents: Pick<Store['incidents'], 'get' | 'timeline' | 'appendEvent'>;
  checklists: Pick<Store['checklists'], 'checked' | 'set'>;
};

export interface PostActionsOptions {
  store: PostActionsStore;
  clock: Clock;
  timers: TimerService;
  notifier: IncidentNotifier & StakeholderPort;
  postMortemAt: { hour: number; minute: number };
  timezone: string;
}

export class PostActions {
  constructor(private readonly o: PostActionsOptions) {
    o.timers.on(postmortemTimer, (t) => this.remind(t.payload.incidentId));
  }

  /** Runs once per incident however many rollbacks it had (the timer key is the incident's). */
  afterRollback(incidentId: string): { postMortemAt: number } {
    const at = nextWorkingDayAt(
      this.o.clock.now(),
      this.o.postMortemAt.hour,
      this.o.postMortemAt.minute,
      this.o.timezone,
    );
    const { created } = this.o.timers.schedule({
      kind: postmortemTimer,
      key: `postmortem:${incidentId}`,
      dueAt: at,
      payload: { incidentId },
    });
    if (created) {
      this.o.store.incidents.appendEvent({
        incidentId,
        at: this.o.clock.now(),
        kind: 'postmortem_scheduled',
        actor: { kind: 'system', id: 'post-actions' },
        detail: { at },
      });
      this.o.notifier.stakeholderNotice(incidentId);
      this.o.notifier.notice(incidentId, {
        kind: 'postmortem_scheduled',
        at,
        participants: this.participants(incidentId),
      });
      // 修正版の準備: the fix-preparation checklist, ticked in the thread, kept in the database.
      this.o.notifier.notice(incidentId, { kind: 'fix_prep', incidentId, checked: this.fixPrepChecked(incidentId) });
    }
    return { postMortemAt: at };
  }

  fixPrepChecked(incidentId: string): string[] {
    return this.o.store.checklists.checked(incidentId, FIX_PREP_LIST).map((c) => c.item);
  }

  /**
   * Someone ticked or unticked items of one part of the checklist (Slack sends a part's whole
   * selection): the part's items become exactly `selected`, the rest of the list is kept.
   */
  tickFixPrep(incidentId: string, part: readonly string[], selected: readonly string[], actor: Actor): string[] {
    if (!this.o.store.incidents.get(incidentId)) throw new Error(`incident ${incidentId} not found`);
    const known = new Set(FIX_PREPARATION.map((i) => i.key));
    const keep = this.fixPrepChecked(incidentId).filter((k) => !part.includes(k));
    const items = [...keep, ...selected.filter((k) => known.has(k) && part.includes(k))];
    const now = this.o.clock.now();
    this.o.store.checklists.set(incidentId, FIX_PREP_LIST, items, actor.id, now);
    this.o.store.incidents.appendEvent({
      incidentId,
      at: now,
      kind: 'checklist',
      actor,
      detail: { list: FIX_PREP_LIST, checked: items.length, of: FIX_PREPARATION.length },
    });
    return this.fixPrepChecked(incidentId);
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
