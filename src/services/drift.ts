/**
 * Routing changed behind Rewind's back. After each of its routing steps Rewind expects the split it
 * set (the latest finished switch or phase of the service's latest rollback — or, later, a split
 * the team accepted). When a routing object is seen changed, its live split differs from that, and
 * the routing fields were last set by another field manager than Rewind's, the thread of the open
 * incident (or the incident channel) is told once who changed what, with Re-apply and Accept
 * (approvers only). A gradual rollback moving traffic pauses itself instead of fighting the other writer.
 */
import { actedBy } from '../domain/actors.ts';
import { sameSplit } from '../domain/rollback-plan.ts';
import type { Actor } from '../domain/types.ts';
import { splitKey, type RollbackRecord, type RoutingDrift, type Store } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import type { Authorizer } from './authorization.ts';
import { notApprover, ok, refuse, type Outcome, type Refusal } from './refusals.ts';
import type { RollbackRequests } from './rollback-requests.ts';
import type {
  ClusterPort,
  DriftView,
  IncidentAnnouncer,
  IncidentNotifier,
  KubeChange,
  RoutingChange,
  RoutingMoved,
  Split,
} from './ports.ts';

/** The actor drift detection acts as: Rewind itself (a pause it makes, the audit of what it saw). */
export const DRIFT_ACTOR: Actor = { kind: 'system', id: 'drift-watch' };

/** The slice of the store drift detection uses. */
export type DriftStore = {
  drifts: Store['drifts'];
  rollbacks: Pick<Store['rollbacks'], 'history' | 'steps' | 'activeForService'>;
  incidents: Pick<Store['incidents'], 'findOpenByService'>;
  audit: Pick<Store['audit'], 'record'>;
};

export interface DriftOptions {
  store: DriftStore;
  clock: Clock;
  cluster: ClusterPort | null;
  authorizer: Authorizer;
  rollbacks: Pick<RollbackRequests, 'control'>;
  notifier: IncidentNotifier & IncidentAnnouncer;
  /** Each configured service's versions, in chain order. */
  versions: Readonly<Record<string, readonly string[]>>;
  log?: { warn(obj: object, msg: string): void };
}

/** Why a click on a settled drift's note does nothing: the team settled it, or a later change superseded it. */
const settledRefusal = (d: RoutingDrift): Refusal =>
  d.settled === 'superseded' ? { kind: 'drift_superseded', driftId: d.id } : { kind: 'drift_settled', driftId: d.id };

/** What Re-apply and Accept did: the drift as settled, and what was written (nothing for Accept). */
export interface DriftSettled {
  drift: DriftView;
  changes: KubeChange[];
}

/** The split Rewind expects a service to have, and since when. */
export interface ExpectedRouting {
  split: Split;
  at: number;
}

const GRADUAL_STRATEGIES: readonly string[] = ['gradual', 'canary'];

/** The writer of routing moved underneath a write whose managedFields name nobody. */
const UNNAMED_WRITER = 'unknown';

/**
 * `acceptedBy`: who accepted the split the drift was measured against, when a person did;
 * `intended`: that split is the one a rollback was about to write, not one Rewind had set.
 */
export const driftView = (d: RoutingDrift, acceptedBy: string | null = null, intended = false): DriftView => ({
  id: d.id,
  service: d.service,
  object: d.object,
  writer: d.writer,
  live: d.live,
  expected: d.expected,
  expectedAt: d.expectedAt,
  acceptedBy,
  intended,
  pausedRollbackId: d.pausedRollbackId,
});

/** How many of a service's latest rollbacks are searched for the step that set a drift's expected split. */
const SET_SEARCH_DEPTH = 20;

export class DriftService {
  /** Changes are decided one at a time: two events of one edit must not both pass the "noted already" check. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly o: DriftOptions) {}

  /** Decides on a change seen; never throws (a Kubernetes read that fails is logged and the change skipped). */
  observe(change: RoutingChange): Promise<void> {
    const run = this.queue.then(() =>
      this.decide(change).catch((err: unknown) =>
        this.o.log?.warn({ err: (err as Error).message, object: change.object }, 'drift check failed'),
      ),
    );
    this.queue = run;
    return run;
  }

  /**
   * A rollback's write met routing another writer had just changed (the router refused to overwrite
   * it): noted like a change the watch saw, and that rollback pauses instead of fighting it.
   */
  routingMoved(moved: RoutingMoved): Promise<void> {
    const change: RoutingChange = {
      service: moved.service,
      object: moved.object,
      resourceVersion: '',
      writer: moved.writer ?? UNNAMED_WRITER,
      ownWrite: false,
    };
    const run = this.queue.then(() =>
      this.decide(change, moved).catch((err: unknown) =>
        this.o.log?.warn({ err: (err as Error).message, object: moved.object }, 'drift check failed'),
      ),
    );
    this.queue = run;
    return run;
  }

  /** Resolves once every change seen so far is decided (shutdown waits for it before the database closes). */
  idle(): Promise<void> {
    return this.queue;
  }

  /** The split Rewind set last (or the team accepted since); null when Rewind has not routed the service. */
  expected(service: string): ExpectedRouting | null {
    const { rollbacks, drifts } = this.o.store;
    const [latest] = rollbacks.history({ service, limit: 1 });
    const set = latest ? this.lastSet(latest) : null;
    const accepted = drifts.lastAccepted(service);
    if (accepted?.settledAt != null && (!set || accepted.settledAt >= set.at))
      return { split: accepted.live, at: accepted.settledAt };
    return set;
  }

  /**
   * The routing live since a drift paused the rollback (the service's latest drift's live split, or
   * Rewind's written back by Re-apply); null when no drift paused it, or Rewind has written the
   * routing since. Read from the database: a restarted bot, or another replica, says the same.
   */
  routingAfter(rollbackId: string): Split | null {
    const { drifts } = this.o.store;
    const pausing = drifts.lastPausing(rollbackId);
    const drift = pausing ? drifts.latestOf(pausing.service) : null;
    if (!drift || this.outdated(drift)) return null;
    return drift.settled === 'reapplied' ? drift.expected : drift.live;
  }

  /** A noted drift as its note shows it; null when there is none of that id. */
  view(id: number): DriftView | null {
    const drift = this.o.store.drifts.get(id);
    return drift ? this.viewOf(drift) : null;
  }

  /** Writes the expected split back through the router (approvers only). */
  async reapply(id: number, actor: Actor): Promise<Outcome<DriftSettled>> {
    const drift = this.o.store.drifts.get(id);
    if (!drift) return refuse({ kind: 'unknown_drift', driftId: id });
    const auth = await this.o.authorizer.authorize(actor, 'drift.reapply', drift.service, {
      driftId: id,
      split: drift.expected,
    });
    if (!auth.ok) return refuse(notApprover({ kind: 'reapply_drift' }, auth.approvers));
    if (drift.settled) return refuse(settledRefusal(drift));
    if (this.outdated(drift)) return refuse({ kind: 'drift_superseded', driftId: id });
    if (!this.o.cluster) return refuse({ kind: 'drift_reapply_failed', message: 'no Kubernetes access' });
    let changes: KubeChange[];
    try {
      changes = await this.o.cluster.forService(drift.service).router.write(drift.expected, { dryRun: false });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // The allowed line above says who asked; this one says the write did not happen, and why.
      this.o.store.audit.record({
        at: this.o.clock.now(),
        actor,
        action: 'drift.reapply',
        target: drift.service,
        outcome: 'error',
        detail: { driftId: id, split: drift.expected, reason: message },
      });
      return refuse({ kind: 'drift_reapply_failed', message });
    }
    return this.settle(drift, 'reapplied', actor, changes);
  }

  /**
   * Records that the team accepts the live routing as what Rewind expects from now on (approvers
   * only: it silences the drift and changes what Re-apply restores).
   */
  async accept(id: number, actor: Actor): Promise<Outcome<DriftSettled>> {
    const drift = this.o.store.drifts.get(id);
    if (!drift) return refuse({ kind: 'unknown_drift', driftId: id });
    const auth = await this.o.authorizer.authorize(actor, 'drift.accept', drift.service, {
      driftId: id,
      split: drift.live,
    });
    if (!auth.ok) return refuse(notApprover({ kind: 'accept_drift' }, auth.approvers));
    if (drift.settled) return refuse(settledRefusal(drift));
    if (this.outdated(drift)) return refuse({ kind: 'drift_superseded', driftId: id });
    return this.settle(drift, 'accepted', actor, []);
  }

  /**
   * Rewind wrote the routing since the drift was noted (a resumed rollback went on), or the split it
   * expects changed otherwise (another note was accepted): the note's splits are no longer current,
   * and acting on them would undo that later write — Re-apply could put the bad version back, and
   * Accept would make a routing long gone the one Rewind expects.
   */
  private outdated(drift: RoutingDrift): boolean {
    const current = this.expected(drift.service);
    if (!current) return false;
    return current.at > drift.notedAt || splitKey(current.split) !== splitKey(drift.expected);
  }

  private settle(
    drift: RoutingDrift,
    settled: 'reapplied' | 'accepted',
    actor: Actor,
    changes: KubeChange[],
  ): Outcome<DriftSettled> {
    const { store, clock } = this.o;
    if (!store.drifts.settle(drift.id, settled, actor.id, clock.now()))
      return refuse(settledRefusal(store.drifts.get(drift.id) ?? drift));
    const view = this.viewOf(store.drifts.get(drift.id) ?? drift);
    const active = drift.pausedRollbackId ? store.rollbacks.activeForService(drift.service) : null;
    const rollbackStillPaused = active?.id === drift.pausedRollbackId && active.status === 'paused';
    const notice = {
      kind: 'routing_drift_settled' as const,
      drift: view,
      settled,
      rollbackStillPaused,
      ...actedBy(actor),
    };
    if (drift.incidentId) this.o.notifier.notice(drift.incidentId, notice);
    else this.o.notifier.announce(notice);
    return ok({ drift: view, changes });
  }

  /** The drift as its notes show it: its expected split named as accepted when a person accepted it. */
  private viewOf(d: RoutingDrift): DriftView {
    const accepted = this.o.store.drifts.acceptedAt(d.service, d.expectedAt);
    const acceptedBy = accepted && splitKey(accepted.live) === splitKey(d.expected) ? accepted.settledBy : null;
    return driftView(d, acceptedBy, acceptedBy === null && !this.rewindSetAt(d.service, d.expectedAt));
  }

  /** Whether one of the service's rollbacks finished setting the routing at that time. */
  private rewindSetAt(service: string, at: number): boolean {
    const { rollbacks } = this.o.store;
    return rollbacks
      .history({ service, limit: SET_SEARCH_DEPTH })
      .some((r) =>
        rollbacks
          .steps(r.id)
          .some((s) => s.detail.kind === 'set_weight' && s.status === 'succeeded' && s.finishedAt === at),
      );
  }

  private async decide(change: RoutingChange, moved: RoutingMoved | null = null): Promise<void> {
    // Rewind's own writes never raise drift, nor does a change nobody is named for.
    if (change.ownWrite || change.writer === null || !this.o.cluster) return;
    const { store, clock } = this.o;
    // Before Rewind set anything, a rollback whose write met the change expected the split it was
    // about to write — never what it read before, which is the very routing the rollback undoes.
    const expected = this.expected(change.service) ?? (moved ? { split: moved.intended, at: clock.now() } : null);
    if (!expected) return;
    const { router } = this.o.cluster.forService(change.service);
    const live = await router.read();
    const atExpected = router.isAt ? await router.isAt(expected.split) : sameSplit(live, expected.split);
    // The same change seen through another event (a relist, another object of the router): noted already.
    // A rollback whose write met it stops all the same: its step was left unfinished for the resume.
    const open = atExpected ? null : store.drifts.openWith(change.service, live, expected.split);
    if (atExpected || open) {
      const paused = moved ? await this.pauseRollback(moved.rollbackId) : null;
      // The drift noted already is what paused this rollback: its note and the controls' notes say so.
      if (paused && open) store.drifts.markPaused(open.id, paused);
      return;
    }
    const incident = store.incidents.findOpenByService(change.service);
    const drift = store.drifts.record({
      service: change.service,
      object: change.object,
      resourceVersion: change.resourceVersion,
      writer: change.writer,
      live,
      expected: expected.split,
      expectedAt: expected.at,
      incidentId: incident?.id ?? null,
      pausedRollbackId: null,
      notedAt: clock.now(),
    });
    if (!drift) {
      if (moved) await this.pauseRollback(moved.rollbackId);
      return;
    }
    store.audit.record({
      at: clock.now(),
      actor: DRIFT_ACTOR,
      action: 'routing.drift',
      target: change.service,
      outcome: 'allowed',
      detail: { driftId: drift.id, object: change.object, writer: change.writer, live, expected: expected.split },
    });
    const paused = moved ? await this.pauseRollback(moved.rollbackId) : await this.pauseGradual(change.service);
    if (paused) store.drifts.markPaused(drift.id, paused);
    // The pause's own note (with its reason) is in this thread already when the rollback is this incident's:
    // the drift note says it only where that note is not.
    const pauseSaid =
      paused !== null &&
      incident !== null &&
      store.rollbacks.activeForService(change.service)?.incidentId === incident.id;
    const notice = {
      kind: 'routing_drift' as const,
      drift: { ...this.viewOf(drift), pausedRollbackId: pauseSaid ? null : paused },
    };
    if (incident) this.o.notifier.notice(incident.id, notice);
    else this.o.notifier.announce(notice);
  }

  /** A gradual rollback moving traffic pauses (as /rollback pause would) instead of fighting the other writer. */
  private async pauseGradual(service: string): Promise<string | null> {
    const active = this.o.store.rollbacks.activeForService(service);
    if (!active || active.status !== 'running' || !GRADUAL_STRATEGIES.includes(active.strategy)) return null;
    return this.pauseRollback(active.id);
  }

  /** Pauses the rollback (as /rollback pause would) while it runs; its id when it was paused here. */
  private async pauseRollback(rollbackId: string): Promise<string | null> {
    const paused = await this.o.rollbacks.control({ rollbackId }, 'pause', DRIFT_ACTOR);
    return paused.ok ? rollbackId : null;
  }

  /** The split the rollback's latest finished switch or phase set; null when none did (or it was a dry run). */
  private lastSet(r: RollbackRecord): ExpectedRouting | null {
    if (r.dryRun) return null;
    const steps = this.o.store.rollbacks.steps(r.id);
    const set = steps
      .filter((s) => s.detail.kind === 'set_weight' && s.status === 'succeeded' && s.finishedAt !== null)
      .at(-1);
    if (!set || set.detail.kind !== 'set_weight' || set.finishedAt === null) return null;
    const confirm = steps.find((s) => s.detail.kind === 'confirm')?.detail;
    const from = (confirm?.kind === 'confirm' ? confirm.from : undefined) ?? r.fromVersion;
    const split: Split = Object.fromEntries((this.o.versions[r.service] ?? []).map((v) => [v, 0]));
    if (from) split[from] = set.detail.weight;
    split[r.toVersion] = 100 - (from ? set.detail.weight : 0);
    return { split, at: set.finishedAt };
  }
}
