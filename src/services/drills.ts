/**
 * Rollback drills (runbook ロールバック訓練): a scenario's fault is injected on the
 * service marked `drill: allowed`; the incident that results is marked as a drill and goes through
 * the same detection, decision and rollback paths as a real one; the bot measures detection,
 * decision and execution times from its own records and posts the scorecard.
 *
 * The fault is always removed: it is written to the drill row, with the drill's watch and deadline
 * timers, before it is applied (drill-claim.ts), and taken away as soon as the drill's rollback has
 * switched traffic, at `maxDuration`, on abort, when applying fails, and when the process running
 * the drill is gone (its runner's heartbeat, runners.ts): the next watch tick on any replica heals
 * it, and so does a start-up. A single SQLite process heals every running drill at its start (it
 * was the previous process's). A removal that fails is retried by a durable timer, a minute apart,
 * until it succeeds.
 */
import type { InjectorProblem } from '../domain/drill-refusals.ts';
import type { Config, DrillScenario } from '../config/schema.ts';
import type { DrillEnding, DrillRecord, DrillScores } from '../domain/drill-records.ts';
import { RATING_MAX, RATING_MIN, isRating, scoreDrill, type DrillTimes } from '../domain/drills.ts';
import { canTransition } from '../domain/lifecycle.ts';
import type { Actor, Incident } from '../domain/types.ts';
import type { DrillList, Store } from '../store/index.ts';
import type { Authorizer } from './authorization.ts';
import type { Clock } from '../clock.ts';
import type { DrillCalendar } from './drill-calendar.ts';
import { DrillViews, type DrillView, type DrillViewStore } from './drill-views.ts';
import { claimDrill, watchDrill, type DrillClaimStore } from './drill-claim.ts';
import { DRILL_TIMER, FaultRemover, SWEEP_AFTER_MS, drillTimer, type FaultRemoverStore } from './drill-faults.ts';
import { planDrill, type DrillPlan } from './drill-plan.ts';
import type { DrillNotifier, FaultInjector } from './drill-ports.ts';
import type { IncidentService } from './incidents.ts';
import type { ClusterPort } from './ports.ts';
import { notApprover, ok, refuse, type Outcome } from './refusals.ts';
import type { TimerService } from './timers.ts';

export { DRILL_TIMER, type DrillStep, type DrillTimerPayload } from './drill-faults.ts';
export { planDrill, type DrillPlan } from './drill-plan.ts';
export type { DrillScores } from '../domain/drill-records.ts';

export type RunResult = { kind: 'plan'; plan: DrillPlan } | { kind: 'started'; drill: DrillRecord };

export type { DrillView } from './drill-views.ts';

/**
 * What running, aborting and scoring a drill read and write, with what its views and its fault
 * removal need (they are given the same options).
 */
export type DrillStore = DrillViewStore &
  FaultRemoverStore &
  DrillClaimStore &
  Pick<Store, 'dialect'> & {
    drills: Pick<
      Store['drills'],
      | 'runningOn'
      | 'withStatus'
      | 'move'
      | 'create'
      | 'get'
      | 'update'
      | 'setChecked'
      | 'checked'
      | 'rate'
      | 'ratings'
      | 'list'
      | 'takeOver'
    >;
    incidents: Pick<Store['incidents'], 'get' | 'timeline' | 'listRecent'>;
    rollbacks: Pick<Store['rollbacks'], 'activeForService'>;
  };

export interface DrillServiceOptions {
  store: DrillStore;
  clock: Clock;
  timers: TimerService;
  incidents: IncidentService;
  authorizer: Authorizer;
  cluster: ClusterPort | null;
  /** Null with the reason when the configured injector cannot work here (e.g. no Kubernetes access). */
  injector: FaultInjector | { unavailable: InjectorProblem };
  notifier: DrillNotifier;
  /** Arms the next scheduled drill once one is cancelled. */
  calendar: Pick<DrillCalendar, 'arm'>;
  drills: Config['drills'];
  services: Config['services'];
  evaluationIntervalMs: number;
  roles: { approvers: string[]; escalation: string[] };
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };
}

const SYSTEM: Actor = { kind: 'system', id: 'drills' };

export class DrillService {
  private readonly faults: FaultRemover;

  /** The same reading of a drill the drill channel's messages use (drill-views.ts). */
  private readonly views: DrillViews;

  constructor(private readonly o: DrillServiceOptions) {
    this.views = new DrillViews(o);
    this.faults = new FaultRemover(o);
  }

  scenario(name: string): DrillScenario | null {
    return this.o.drills.scenarios.find((s) => s.name === name) ?? null;
  }

  runningOn(service: string): DrillRecord | null {
    return this.o.store.drills.runningOn(service);
  }

  /** The plan of a run: what would be injected where. Reads the router; changes nothing. */
  plan(name: string): Promise<Outcome<DrillPlan>> {
    return planDrill(this.o, name);
  }

  /**
   * `/drill run`, or a scheduled drill at its time: checks, then the fault (recorded first, then
   * applied) and the watch. A dry run returns the plan and changes nothing.
   */
  async run(
    name: string,
    options: { actor: Actor; dryRun: boolean; scheduled?: DrillRecord },
  ): Promise<Outcome<RunResult>> {
    const service = this.o.drills.service;
    if (options.actor.kind === 'user') {
      const auth = await this.o.authorizer.authorize(options.actor, 'drill.run', service, {
        scenario: name,
        dryRun: options.dryRun,
      });
      if (!auth.ok) return refuse(notApprover({ kind: 'run_drill' }, auth.approvers));
    }
    const planned = await this.plan(name);
    if (!planned.ok) return planned;
    const plan = planned.value;
    if (options.dryRun) return ok({ kind: 'plan', plan });
    // The plan has refused an unavailable injector already; this only tells the type so.
    const injector = this.o.injector;
    if ('unavailable' in injector) return refuse({ kind: 'injector_unavailable', problem: injector.unavailable });
    const claim = claimDrill(this.o, {
      scenario: plan.scenario,
      plan,
      injector: injector.kind,
      maxDurationMs: this.o.drills.maxDuration,
      ...(options.scheduled ? { scheduled: options.scheduled } : {}),
    });
    if (!claim.ok) return claim;
    const { drill: claimed, fault: recorded } = claim.value;
    try {
      const applied = await injector.apply(recorded.spec);
      // An abort may have come while apply was on its way: let its removal finish, then merge into
      // the row as it is now (that removal may have found nothing yet, so it does not count).
      await this.faults.inProgress(claimed.id);
      const fresh = this.o.store.drills.get(claimed.id);
      const stored = fresh?.faultApplied ?? recorded;
      this.o.store.drills.update(claimed.id, {
        faultApplied: { ...stored, ...applied, appliedAt: this.o.clock.now(), removedAt: null, removal: null },
      });
      if (fresh?.status !== 'running') {
        // Ended meanwhile (aborted): its removal may have found nothing yet, so the fault goes again now.
        await this.faults.remove(claimed.id, { kind: 'ended_while_applying' });
        return refuse({ kind: 'drill_ended_while_applying', drillId: claimed.id });
      }
      this.o.notifier.drill({ kind: 'started', drillId: claimed.id });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.o.log?.error({ drill: claimed.id, err: message }, 'drill fault could not be applied');
      await this.faults.remove(claimed.id, { kind: 'apply_failed' });
      this.end(claimed.id, 'failed', { kind: 'apply_failed', message });
      return refuse({ kind: 'drill_fault_not_applied', drillId: claimed.id, message });
    }
    this.o.log?.info(
      { drill: claimed.id, scenario: name, service: plan.service, version: plan.version },
      'drill fault applied',
    );
    return ok({ kind: 'started', drill: this.o.store.drills.get(claimed.id) ?? claimed });
  }

  /** `/drill abort [id]` and the Abort button: the fault goes, the drill ends as aborted. */
  async abort(drillId: string | null, actor: Actor): Promise<Outcome<DrillRecord>> {
    const auth = await this.o.authorizer.authorize(actor, 'drill.abort', this.o.drills.service, { drillId });
    if (!auth.ok) return refuse(notApprover({ kind: 'abort_drill' }, auth.approvers));
    const drill = drillId ? this.o.store.drills.get(drillId) : (this.o.store.drills.withStatus('running')[0] ?? null);
    if (!drill) return refuse({ kind: 'unknown_drill', drillId });
    if (drill.status === 'scheduled' || drill.status === 'announced') {
      const cancelled = this.o.store.drills.move(drill.id, ['scheduled', 'announced'], {
        status: 'aborted',
        finishedAt: this.o.clock.now(),
        ending: { kind: 'cancelled', by: actor.id },
      });
      this.o.timers.cancelWhere(DRILL_TIMER, `drill:${drill.id}:`);
      if (!cancelled) return refuse({ kind: 'drill_started_meanwhile', drillId: drill.id });
      this.o.notifier.drill({ kind: 'ended', drillId: drill.id });
      this.o.calendar.arm();
      return ok(cancelled);
    }
    if (drill.status !== 'running')
      return refuse({ kind: 'drill_not_running', drillId: drill.id, status: drill.status });
    await this.faults.remove(drill.id, { kind: 'aborted', by: actor.id });
    const ended = this.end(drill.id, 'aborted', { kind: 'aborted', by: actor.id });
    return ended ? ok(ended) : refuse({ kind: 'drill_ended_meanwhile', drillId: drill.id });
  }

  /**
   * At start-up: a drill whose process is gone gets its fault removed and ends. On PostgreSQL the
   * drills of live replicas are theirs; one SQLite file has one process, so a drill running there
   * at start was the previous process's, whatever its heartbeat row says.
   */
  async heal(): Promise<void> {
    const shared = this.o.store.dialect === 'postgres';
    for (const drill of this.o.store.drills.withStatus('running')) {
      if (shared && !this.runnerGone(drill)) continue;
      await this.healOrphan(drill);
    }
  }

  async onTimer(drillId: string, step: 'watch' | 'deadline' | 'heal' | 'sweep'): Promise<void> {
    const drill = this.o.store.drills.get(drillId);
    if (!drill) return;
    // A failed removal schedules the next try itself: one chain of retries, never a growing tree.
    if (step === 'heal') {
      await this.faults.remove(drillId, { kind: 'retry' });
      return;
    }
    if (step === 'sweep') return this.faults.sweep(drillId);
    if (drill.status !== 'running') return;
    if (this.runnerGone(drill)) return this.healOrphan(drill);
    const incident = this.incidentOf(drill);
    if (incident && drill.incidentId !== incident.id) this.o.store.drills.update(drill.id, { incidentId: incident.id });
    if (step === 'deadline') {
      await this.faults.remove(drill.id, { kind: 'max_duration' });
      this.end(drill.id, 'failed', { kind: 'not_recovered', maxDurationMs: this.o.drills.maxDuration });
      return;
    }
    // The rollback has switched traffic: the team did what the drill asked, the fault has done its job.
    if (incident && (incident.status === 'verifying' || incident.status === 'resolved'))
      await this.faults.remove(drill.id, { kind: 'traffic_switched' });
    if (incident?.status === 'resolved') {
      this.end(drill.id, 'completed', null);
      return;
    }
    watchDrill(this.o, drill.id, this.o.clock.now());
  }

  /** Whether the process running the drill is gone (a drill of an earlier Rewind names none). */
  private runnerGone(drill: DrillRecord): boolean {
    return drill.runner === null || this.o.timers.isGone(drill.runner);
  }

  /**
   * The drill of a process that is gone: taken over once (replicas noticing together heal it once),
   * its fault removed, and ended. A fault that process may still have been writing is swept again
   * once its write must have landed; the sweep is armed with the take-over, so it holds even if
   * this process dies too.
   */
  private async healOrphan(drill: DrillRecord): Promise<void> {
    const taken = this.o.store.transaction(() => {
      const row = this.o.store.drills.takeOver(drill.id, drill.runner, this.o.timers.owner);
      if (row?.faultApplied && row.faultApplied.appliedAt === null) {
        const dueAt = this.o.clock.now() + SWEEP_AFTER_MS;
        this.o.timers.schedule({
          kind: drillTimer,
          key: `drill:${drill.id}:sweep`,
          dueAt,
          payload: { drillId: drill.id, step: 'sweep' },
        });
      }
      return row;
    });
    if (!taken) return;
    this.o.log?.warn(
      { drill: drill.id, runner: drill.runner },
      'the process running the drill is gone: removing its fault',
    );
    await this.faults.remove(drill.id, { kind: 'restarted' });
    this.end(drill.id, 'aborted', { kind: 'restarted' });
  }

  /** Ticks of the preparation (announcement) or review (scorecard) checklist. */
  tick(drillId: string, list: DrillList, selected: readonly string[], actor: Actor): Outcome<string[]> {
    if (!this.o.store.drills.get(drillId)) return refuse({ kind: 'unknown_drill', drillId });
    this.o.store.drills.setChecked(drillId, list, selected, actor.id, this.o.clock.now());
    return ok(this.o.store.drills.checked(drillId, list));
  }

  /** A participant's communication rating (1–5); rating again replaces it. The scorecard follows. */
  rate(drillId: string, rating: number, actor: Actor): Outcome<DrillScores> {
    const drill = this.o.store.drills.get(drillId);
    if (!drill) return refuse({ kind: 'unknown_drill', drillId });
    const scores = drill.scores;
    if (!scores) return refuse({ kind: 'drill_not_scored', drillId });
    if (!isRating(rating)) return refuse({ kind: 'rating_out_of_range', rating, min: RATING_MIN, max: RATING_MAX });
    this.o.store.drills.rate(drillId, actor.id, rating, this.o.clock.now());
    const rescored = {
      ...scores,
      scorecard: scoreDrill(
        scores.times,
        scores.expectedMs,
        this.o.store.drills.ratings(drillId).map((r) => r.rating),
      ),
    };
    this.o.store.drills.update(drillId, { scores: rescored });
    this.o.notifier.drill({ kind: 'scorecard', drillId });
    return ok(rescored);
  }

  view(drillId: string): DrillView | null {
    return this.views.view(drillId);
  }

  history(limit = 10): DrillRecord[] {
    return this.o.store.drills.list({ limit });
  }

  /** Ends a running drill once: scored when the fault was applied, then the scorecard or the reason. */
  private end(
    drillId: string,
    status: 'completed' | 'failed' | 'aborted',
    ending: DrillEnding | null,
  ): DrillRecord | null {
    const drill = this.o.store.drills.get(drillId);
    if (!drill) return null;
    const fault = drill.faultApplied;
    const scores = fault?.appliedAt ? this.score(drill, fault.appliedAt) : null;
    const ended = this.o.store.drills.move(drillId, ['running'], {
      status,
      finishedAt: this.o.clock.now(),
      ending,
      ...(scores && status !== 'aborted' ? { scores } : {}),
    });
    if (!ended) return null;
    if (status !== 'completed') this.closeIncident(ended);
    this.o.timers.cancelWhere(DRILL_TIMER, `drill:${drillId}:watch`);
    this.o.timers.cancel(`drill:${drillId}:deadline`);
    this.o.notifier.drill({ kind: ended.scores ? 'scorecard' : 'ended', drillId });
    return ended;
  }

  /**
   * The drill is over and its fault gone: its incident is closed too, or the next real alert on the
   * service would join it and be taken for a drill. One mid-rollback is left to finish (it resolves
   * itself once verified; a rollback's status cannot jump to resolved).
   */
  private closeIncident(drill: DrillRecord): void {
    const incident = this.incidentOf(drill);
    if (!incident || !canTransition(incident.status, 'resolved')) return;
    this.o.incidents.resolve(incident.id, SYSTEM, {
      reason: { kind: 'drill_over', drillId: drill.id, ending: drill.ending, status: drill.status },
    });
  }

  private score(drill: DrillRecord, injectedAt: number): DrillScores {
    const incident = this.incidentOf(drill);
    const events = incident ? this.o.store.incidents.timeline(incident.id) : [];
    const first = (kinds: string[]) => events.find((e) => kinds.includes(e.kind))?.at ?? null;
    const times: DrillTimes = {
      injectedAt,
      detectedAt: incident?.startedAt ?? null,
      postedAt: first(['posted']) ?? incident?.startedAt ?? null,
      decidedAt: first(['decision', 'rollback_requested']),
      verifiedAt: incident?.resolvedAt ?? null,
    };
    const expectedMs = this.scenario(drill.scenario)?.expectedResponse ?? 0;
    return {
      times,
      expectedMs,
      scorecard: scoreDrill(
        times,
        expectedMs,
        this.o.store.drills.ratings(drill.id).map((r) => r.rating),
      ),
    };
  }

  /** The drill's incident: the one linked, else the drill incident opened on the service since the drill started. */
  private incidentOf(drill: DrillRecord): Incident | null {
    if (drill.incidentId) return this.o.store.incidents.get(drill.incidentId);
    if (!drill.service || drill.startedAt === null) return null;
    return (
      this.o.store.incidents
        .listRecent({ service: drill.service, since: drill.startedAt, limit: 10 })
        .filter((i) => i.drill)
        .at(-1) ?? null
    );
  }
}
