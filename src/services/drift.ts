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
import type { RollbackRecord, RoutingDrift, Store } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import type { Authorizer } from './authorization.ts';
import type { RollbackRequests } from './rollback-requests.ts';
import type {
  ClusterPort,
  DriftView,
  IncidentAnnouncer,
  IncidentNotifier,
  KubeChange,
  RoutingChange,
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

/** What Re-apply and Accept answer; the Slack adapter words each. */
export type DriftAnswer =
  | { ok: true; drift: DriftView; changes: KubeChange[] }
  | { ok: false; why: 'unknown'; id: number }
  | { ok: false; why: 'settled'; id: number }
  /** `action`: what was refused; Re-apply when not given. */
  | { ok: false; why: 'not_approver'; approvers: string[]; action?: 'reapply' | 'accept' }
  | { ok: false; why: 'failed'; message: string };

/** The split Rewind expects a service to have, and since when. */
export interface ExpectedRouting {
  split: Split;
  at: number;
}

const GRADUAL_STRATEGIES: readonly string[] = ['gradual', 'canary'];

export const driftView = (d: RoutingDrift): DriftView => ({
  id: d.id,
  service: d.service,
  object: d.object,
  writer: d.writer,
  live: d.live,
  expected: d.expected,
  expectedAt: d.expectedAt,
  pausedRollbackId: d.pausedRollbackId,
});

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

  /** Writes the expected split back through the router (approvers only). */
  async reapply(id: number, actor: Actor): Promise<DriftAnswer> {
    const drift = this.o.store.drifts.get(id);
    if (!drift) return { ok: false, why: 'unknown', id };
    const auth = await this.o.authorizer.authorize(actor, 'drift.reapply', drift.service, {
      driftId: id,
      split: drift.expected,
    });
    if (!auth.ok) return { ok: false, why: 'not_approver', approvers: auth.approvers };
    if (drift.settled) return { ok: false, why: 'settled', id };
    if (!this.o.cluster) return { ok: false, why: 'failed', message: 'no Kubernetes access' };
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
      return { ok: false, why: 'failed', message };
    }
    return this.settle(drift, 'reapplied', actor, changes);
  }

  /**
   * Records that the team accepts the live routing as what Rewind expects from now on (approvers
   * only: it silences the drift and changes what Re-apply restores).
   */
  async accept(id: number, actor: Actor): Promise<DriftAnswer> {
    const drift = this.o.store.drifts.get(id);
    if (!drift) return { ok: false, why: 'unknown', id };
    const auth = await this.o.authorizer.authorize(actor, 'drift.accept', drift.service, {
      driftId: id,
      split: drift.live,
    });
    if (!auth.ok) return { ok: false, why: 'not_approver', approvers: auth.approvers, action: 'accept' };
    if (drift.settled) return { ok: false, why: 'settled', id };
    return this.settle(drift, 'accepted', actor, []);
  }

  private settle(drift: RoutingDrift, settled: 'reapplied' | 'accepted', actor: Actor, changes: KubeChange[]) {
    const { store, clock } = this.o;
    if (!store.drifts.settle(drift.id, settled, actor.id, clock.now()))
      return { ok: false as const, why: 'settled' as const, id: drift.id };
    const view = driftView(store.drifts.get(drift.id) ?? drift);
    const notice = { kind: 'routing_drift_settled' as const, drift: view, settled, ...actedBy(actor) };
    if (drift.incidentId) this.o.notifier.notice(drift.incidentId, notice);
    else this.o.notifier.announce(notice);
    return { ok: true as const, drift: view, changes };
  }

  private async decide(change: RoutingChange): Promise<void> {
    // Rewind's own writes never raise drift, nor does a change nobody is named for.
    if (change.ownWrite || change.writer === null || !this.o.cluster) return;
    const expected = this.expected(change.service);
    if (!expected) return;
    const { router } = this.o.cluster.forService(change.service);
    const live = await router.read();
    const atExpected = router.isAt ? await router.isAt(expected.split) : sameSplit(live, expected.split);
    if (atExpected) return;
    const { store, clock } = this.o;
    // The same change seen through another event (a relist, another object of the router): noted already.
    if (store.drifts.openWith(change.service, live, expected.split)) return;
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
    if (!drift) return;
    store.audit.record({
      at: clock.now(),
      actor: DRIFT_ACTOR,
      action: 'routing.drift',
      target: change.service,
      outcome: 'allowed',
      detail: { driftId: drift.id, object: change.object, writer: change.writer, live, expected: expected.split },
    });
    const paused = await this.pauseGradual(change.service);
    if (paused) store.drifts.markPaused(drift.id, paused);
    const notice = { kind: 'routing_drift' as const, drift: { ...driftView(drift), pausedRollbackId: paused } };
    if (incident) this.o.notifier.notice(incident.id, notice);
    else this.o.notifier.announce(notice);
  }

  /** A gradual rollback moving traffic pauses (as /rollback pause would) instead of fighting the other writer. */
  private async pauseGradual(service: string): Promise<string | null> {
    const active = this.o.store.rollbacks.activeForService(service);
    if (!active || active.status !== 'running' || !GRADUAL_STRATEGIES.includes(active.strategy)) return null;
    const paused = await this.o.rollbacks.control({ rollbackId: active.id }, 'pause', DRIFT_ACTOR);
    return paused.ok ? active.id : null;
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
