/**
 * RCA drafts: the runbook's template filled from what Rewind recorded, kept in the
 * database, and handed to whoever posts it (the Slack thread, as a Markdown file).
 */
import { rcaMarkdown } from '../domain/rca.ts';
import type { Actor } from '../domain/types.ts';
import type { Store } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import { refuse, ok, type Outcome } from './refusals.ts';

export interface RcaPublisher {
  publishRca(incidentId: string, markdown: string, filename: string): void;
}

/**
 * The same draft asked for again within this time is not uploaded again: a second click, a
 * colleague's `/incident rca` a minute later, would only stack copies in the thread. A changed
 * timeline makes a new draft at once; the same one is posted again after this, in case the first
 * upload was lost in the thread.
 */
export const RCA_REPOST_MS = 10 * 60_000;

export interface RcaDraftOutcome {
  markdown: string;
  filename: string;
  /** True when it was uploaded now; false when the same draft was uploaded at `postedAt`, within RCA_REPOST_MS. */
  posted: boolean;
  postedAt: number;
}

/** What a draft reads and writes: the incident and its timeline, and the last draft kept. */
export type RcaStore = {
  incidents: Pick<Store['incidents'], 'get' | 'timeline' | 'appendEvent'>;
  rcaDrafts: Pick<Store['rcaDrafts'], 'get' | 'save'>;
  transaction: Store['transaction'];
};

export class RcaService {
  constructor(
    private readonly store: RcaStore,
    private readonly clock: Clock,
    private readonly options: { timezone: string; locale: 'en' | 'ja'; publisher: RcaPublisher },
  ) {}

  /**
   * The repeat check, the draft, its timeline line and the upload's outbox message are one transaction: two clicks
   * on two replicas are decided one after the other (the second finds the first's draft), and a draft is kept only
   * with the upload it promises — never one the repeat check would take as posted when nothing was queued.
   */
  draft(incidentId: string, actor: Actor): Outcome<RcaDraftOutcome> {
    return this.store.transaction(() => this.write(incidentId, actor));
  }

  private write(incidentId: string, actor: Actor): Outcome<RcaDraftOutcome> {
    const incident = this.store.incidents.get(incidentId);
    if (!incident) return refuse({ kind: 'unknown_incident', incidentId });
    const events = this.store.incidents.timeline(incidentId);
    const markdown = rcaMarkdown({
      incident,
      events,
      timezone: this.options.timezone,
      locale: this.options.locale,
      affectedUsers: null,
    });
    const now = this.clock.now();
    const filename = `${incidentId}-rca.md`;
    const last = this.store.rcaDrafts.get(incidentId);
    if (last && last.markdown === markdown && now - last.updatedAt < RCA_REPOST_MS)
      return ok({ markdown, filename, posted: false, postedAt: last.updatedAt });
    this.store.rcaDrafts.save(incidentId, markdown, actor.id, now);
    this.store.incidents.appendEvent({ incidentId, at: now, kind: 'rca_drafted', actor, detail: {} });
    this.options.publisher.publishRca(incidentId, markdown, filename);
    return ok({ markdown, filename, posted: true, postedAt: now });
  }
}
