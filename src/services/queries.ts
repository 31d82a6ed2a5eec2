/**
 * Read-only questions the Slack surface asks (head message, App Home, `/incident list`,
 * `/rollback status|history`). Answers are derived from the stored rows on every call.
 */
import { responseTimes } from '../domain/lifecycle.ts';
import type { Judgment } from '../domain/matrix.ts';
import type { Incident } from '../domain/types.ts';
import type { DrillRecord, RollbackRecord, Store, StoredTimelineEvent } from '../store/index.ts';
import {
  incidentSnapshot,
  rollbackSnapshot,
  type IncidentSnapshot,
  type IncidentSnapshotStore,
  type RollbackSnapshot,
} from './incident-snapshot.ts';

/** What the read-only answers read: the snapshots' rows, and the lists and counts asked for beside them. */
export type QueryStore = IncidentSnapshotStore & {
  incidents: Pick<Store['incidents'], 'findByMessage' | 'listOpen' | 'listRecent' | 'timeline' | 'firstOfKind'>;
  rollbacks: Pick<Store['rollbacks'], 'get' | 'listActive' | 'activeForService' | 'history'>;
  complaints: Pick<Store['complaints'], 'count'>;
  drills: Pick<Store['drills'], 'next'>;
};

export class Queries {
  constructor(
    private readonly store: QueryStore,
    private readonly judgment: Judgment,
    private readonly requiredApprovals: number,
  ) {}

  incident(id: string): IncidentSnapshot | null {
    return incidentSnapshot(this.store, this.judgment, this.requiredApprovals, id);
  }

  incidentByMessage(channel: string, ts: string): Incident | null {
    return this.store.incidents.findByMessage(channel, ts);
  }

  openIncidents(): Incident[] {
    return this.store.incidents.listOpen();
  }

  recentIncidents(limit = 10): Incident[] {
    return this.store.incidents.listRecent({ limit });
  }

  timeline(id: string): StoredTimelineEvent[] {
    return this.store.incidents.timeline(id);
  }

  rollback(id: string): RollbackSnapshot | null {
    const r = this.store.rollbacks.get(id);
    return r ? rollbackSnapshot(this.store, r, this.requiredApprovals) : null;
  }

  activeRollbacks(): RollbackSnapshot[] {
    return this.store.rollbacks.listActive().map((r) => rollbackSnapshot(this.store, r, this.requiredApprovals));
  }

  activeRollback(service: string): RollbackSnapshot | null {
    const r = this.store.rollbacks.activeForService(service);
    return r ? rollbackSnapshot(this.store, r, this.requiredApprovals) : null;
  }

  rollbackHistory(service: string | null, limit = 10): RollbackRecord[] {
    return this.store.rollbacks.history({ ...(service ? { service } : {}), limit });
  }

  complaintsInWindow(service: string, from: number, to: number): number {
    return this.store.complaints.count(service, from, to);
  }

  /** The next scheduled drill still to run at or after `now`. */
  nextDrill(now: number): DrillRecord | null {
    return this.store.drills.next(now);
  }

  /** Mean MTTA and MTTR over the real (not drill) incidents that started since `since`. */
  responseTimes(since: number): { incidents: number; mttaMs: number | null; mttrMs: number | null } {
    const real = this.store.incidents.listRecent({ since, excludeDrills: true, limit: 10_000 });
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
    const times = real.map(responseTimes);
    return {
      incidents: real.length,
      mttaMs: mean(times.map((t) => t.mttaMs).filter((x): x is number => x !== null)),
      mttrMs: mean(times.map((t) => t.mttrMs).filter((x): x is number => x !== null)),
    };
  }

  /** Where the stakeholder notice of an incident was posted, once it has been. */
  stakeholderMessage(incidentId: string): { channel: string; ts: string } | null {
    const e = this.store.incidents.firstOfKind(incidentId, 'stakeholder_notice');
    return e ? { channel: e.detail.channel, ts: e.detail.ts } : null;
  }
}
