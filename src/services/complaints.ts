/**
 * User complaints (`/rollback complaint <service> <text>`). Each one is stored with who and when;
 * their count over the observation window is the `user_complaints` metric of the watch tier, and
 * a complaint about a service with an open incident lands on that incident's timeline too.
 */
import type { Actor } from '../domain/types.ts';
import type { Complaint, Store } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import type { IncidentService } from './incidents.ts';

/** What the complaint service reads and writes: the complaints alone. */
export type ComplaintStore = { complaints: Pick<Store['complaints'], 'record' | 'count'> };

export class ComplaintService {
  constructor(
    private readonly store: ComplaintStore,
    private readonly clock: Clock,
    private readonly incidents: IncidentService,
    private readonly observationWindowMs: number,
  ) {}

  record(service: string, text: string, actor: Actor): { complaint: Complaint; inWindow: number } {
    const now = this.clock.now();
    const open = this.incidents.openFor(service);
    const complaint = this.store.complaints.record({
      service,
      reportedBy: actor.id,
      text,
      at: now,
      incidentId: open?.id ?? null,
    });
    if (open) this.incidents.record(open.id, 'complaint', actor, { text, complaintId: complaint.id });
    return { complaint, inWindow: this.count(service) };
  }

  /** Complaints in the observation window ending now: the `user_complaints` metric. */
  count(service: string): number {
    const now = this.clock.now();
    return this.store.complaints.count(service, now - this.observationWindowMs, now);
  }
}
