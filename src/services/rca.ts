/**
 * RCA drafts (SPEC section 6): the runbook's template filled from what Rewind recorded, kept in the
 * database, and handed to whoever posts it (the Slack thread, as a Markdown file).
 */
import { rcaMarkdown } from '../domain/rca.ts';
import type { Actor } from '../domain/types.ts';
import type { Store } from '../store/index.ts';
import type { Clock } from './clock.ts';
import { refuse, ok, type Outcome } from './refusals.ts';

export interface RcaPublisher {
  publishRca(incidentId: string, markdown: string, filename: string): void;
}

export class RcaService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: { timezone: string; locale: 'en' | 'ja'; publisher: RcaPublisher },
  ) {}

  draft(incidentId: string, actor: Actor): Outcome<{ markdown: string; filename: string }> {
    const incident = this.store.incidents.get(incidentId);
    if (!incident) return refuse({ kind: 'unknown_incident', incidentId });
    const events = this.store.incidents.timeline(incidentId);
    const markdown = rcaMarkdown({ incident, events, timezone: this.options.timezone, locale: this.options.locale, affectedUsers: null });
    const now = this.clock.now();
    this.store.rcaDrafts.save(incidentId, markdown, actor.id, now);
    this.store.incidents.appendEvent({ incidentId, at: now, kind: 'rca_drafted', actor, detail: {} });
    const filename = `${incidentId}-rca.md`;
    this.options.publisher.publishRca(incidentId, markdown, filename);
    return ok({ markdown, filename });
  }
}
