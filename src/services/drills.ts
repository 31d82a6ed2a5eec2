/**
 * Rollback drills (runbook ロールバック訓練): a scenario's fault is injected on the
 * service marked `drill: allowed`; the incident that results is marked as a drill and goes through
 * the same detection, decision and rollback paths as a real one; the bot measures detection,
 * decision and execution times from its own records and posts the scorecard.
 *
 * The fault is always removed: it is written to the drill row before it is applied, and taken away
 * as soon as the drill's rollback has switched traffic, at `maxDuration`, on abort, when applying
 * fails, and at start-up when a previous process died with a drill running. A removal that fails is
 * retried by a durable timer, a minute apart, until it succeeds.
 */
import { drillTargetProblem } from '../config/drill-target.ts';
import type { Config, DrillScenario } from '../config/schema.ts';
import { canTransition } from '../domain/lifecycle.ts';
import { busiestVersion } from '../domain/rollback-plan.ts';
import { scoreDrill, trend, type DrillTimes, type DrillTrend, type PreviousDrill, type Scorecard } from '../domain/drills.ts';
import type { Actor, Incident } from '../domain/types.ts';
import type { DrillList, DrillRecord, Store } from '../store/index.ts';
import type { Authorizer } from './authorization.ts';
import type { Clock } from '../clock.ts';
import type { DrillNotifier, FaultInjector, FaultSpec, InjectorKind, StoredFault } from './drill-ports.ts';
import type { IncidentService } from './incidents.ts';
import type { ClusterPort } from './ports.ts';
import { ok, refuse, type Outcome } from './refusals.ts';
import type { TimerService } from './timers.ts';

export const DRILL_TIMER = 'drill';
export type DrillStep = 'announce' | 'remind' | 'start' | 'watch' | 'deadline' | 'heal';
export interface DrillTimerPayload {
  drillId: string;
  step: DrillStep;
}

/** What the drill row keeps in `scores` once it is scored. */
export interface DrillScores {
  times: DrillTimes;
  expectedMs: number;
  scorecard: Scorecard;
}

export interface DrillPlan {
  scenario: DrillScenario;
  service: string;
  version: string;
  /** How the serving version was found: read from the router, or assumed (newest configured). */
  versionSource: 'router' | 'config';
  injector: InjectorKind;
  lines: string[];
  maxDurationMs: number;
}

export type RunResult = { kind: 'plan'; plan: DrillPlan } | { kind: 'started'; drill: DrillRecord };

/** Everything the drill messages and `/drill report` show. */
export interface DrillView {
  drill: DrillRecord;
  scenario: DrillScenario | null;
  roles: { approvers: string[]; escalation: string[] };
  injector: InjectorKind;
  maxDurationMs: number;
  prepChecked: string[];
  reviewChecked: string[];
  fault: StoredFault | null;
  scores: DrillScores | null;
  trend: DrillTrend | null;
}

export interface DrillServiceOptions {
  store: Store;
  clock: Clock;
  timers: TimerService;
  incidents: IncidentService;
  authorizer: Authorizer;
  cluster: ClusterPort | null;
  /** Null with the reason when the configured injector cannot work here (e.g. no Kubernetes access). */
  injector: FaultInjector | { unavailable: string };
  notifier: DrillNotifier;
  drills: Config['drills'];
  services: Config['services'];
  evaluationIntervalMs: number;
  roles: { approvers: string[]; escalation: string[] };
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };
}

const SYSTEM: Actor = { kind: 'system', id: 'drills' };
/** A removal that failed is tried again this much later (and again, by the timer's own retries). */
const HEAL_RETRY_MS = 60_000;
/**
 * How often a running drill looks at its incident. Short: a route-wide fault (istio-fault) also
 * hits the version rolled back to, so it must go soon after the switch or the verification would
 * measure the drill instead of the rollback.
 */
const WATCH_MAX_MS = 5_000;
const error = (message: string) => refuse({ kind: 'error', message });

export class DrillService {
  /** Set by the drill calendar: arms the next scheduled drill once one is cancelled. */
  rearm: (() => void) | null = null;

  constructor(private readonly o: DrillServiceOptions) {
    o.incidents.drillOn = (service) => this.runningOn(service)?.id ?? null;
  }

  scenario(name: string): DrillScenario | null {
    return this.o.drills.scenarios.find((s) => s.name === name) ?? null;
  }

  runningOn(service: string): DrillRecord | null {
    return this.o.store.drills.withStatus('running').find((d) => d.service === service) ?? null;
  }

  /** The plan of a run: what would be injected where. Reads the router; changes nothing. */
  plan(name: string): Promise<Outcome<DrillPlan>> {
    return planDrill(this.o, name);
  }

  /**
   * `/drill run`, or a scheduled drill at its time: checks, then the fault (recorded first, then
   * applied) and the watch. A dry run returns the plan and changes nothing.
   */
  async run(name: string, options: { actor: Actor; dryRun: boolean; scheduled?: DrillRecord }): Promise<Outcome<RunResult>> {
    const service = this.o.drills.service;
    if (options.actor.kind === 'user') {
      const auth = await this.o.authorizer.authorize(options.actor, 'drill.run', service, { scenario: name, dryRun: options.dryRun });
      if (!auth.ok) return refuse({ kind: 'not_approver', action: 'run a drill', approvers: auth.approvers });
    }
    const planned = await this.plan(name);
    if (!planned.ok) return planned;
    const plan = planned.value;
    if (options.dryRun) return ok({ kind: 'plan', plan });
    const open = this.o.incidents.openFor(plan.service);
    if (open) return error(`${open.id} is open on ${plan.service}: a drill now would be mixed up with it; run it once that incident is resolved`);
    const running = this.o.store.drills.withStatus('running')[0];
    if (running) return error(`${running.id} is running; one drill at a time (abort it with /drill abort)`);
    const rollback = this.o.store.rollbacks.activeForService(plan.service);
    if (rollback) return error(`rollback ${rollback.id} holds ${plan.service}; run the drill once it is over`);

    const now = this.o.clock.now();
    const claimed = options.scheduled
      ? this.o.store.drills.move(options.scheduled.id, ['scheduled', 'announced'], { status: 'running', startedAt: now, service: plan.service })
      : this.o.store.drills.update(this.o.store.drills.create({ scenario: name, scheduledFor: now, service: plan.service, status: 'running' }).id, { startedAt: now });
    if (!claimed) return error(`${options.scheduled?.id ?? 'the drill'} was already started or cancelled`);
    const injector = this.o.injector as FaultInjector;
    const spec = specOf(plan.scenario, plan.service, plan.version, claimed.id, this.o.drills.maxDuration);
    const recorded: StoredFault = { injector: injector.kind, spec, detail: null, appliedAt: null, removedAt: null, removal: null };
    this.o.store.drills.update(claimed.id, { faultApplied: recorded });
    try {
      const applied = await injector.apply(spec);
      // An abort may have come while apply was on its way: let its removal finish, then merge into
      // the row as it is now (that removal may have found nothing yet, so it does not count).
      await this.removing.get(claimed.id);
      const fresh = this.o.store.drills.get(claimed.id);
      const stored = (fresh?.faultApplied as StoredFault | null) ?? recorded;
      this.o.store.drills.update(claimed.id, { faultApplied: { ...stored, ...applied, appliedAt: this.o.clock.now(), removedAt: null, removal: null } });
      if (fresh?.status !== 'running') {
        // Ended meanwhile (aborted): its removal may have found nothing yet, so the fault goes again now.
        await this.removeFault(claimed.id, 'the drill ended while its fault was being applied');
        return error(`${claimed.id} ended while its fault was being applied; the fault was removed again`);
      }
      this.o.notifier.drill({ kind: 'started', drillId: claimed.id });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.o.log?.error({ drill: claimed.id, err: message }, 'drill fault could not be applied');
      await this.removeFault(claimed.id, 'applying it failed');
      this.end(claimed.id, 'failed', `the fault could not be applied: ${message}`);
      return error(`${claimed.id}: the fault could not be applied: ${message}`);
    }
    this.o.log?.info({ drill: claimed.id, scenario: name, service: plan.service, version: plan.version }, 'drill fault applied');
    this.watchAgain(claimed.id, now);
    this.o.timers.schedule({ kind: DRILL_TIMER, key: `drill:${claimed.id}:deadline`, dueAt: now + this.o.drills.maxDuration, payload: { drillId: claimed.id, step: 'deadline' } });
    return ok({ kind: 'started', drill: this.o.store.drills.get(claimed.id) ?? claimed });
  }

  /** `/drill abort [id]` and the Abort button: the fault goes, the drill ends as aborted. */
  async abort(drillId: string | null, actor: Actor): Promise<Outcome<DrillRecord>> {
    const auth = await this.o.authorizer.authorize(actor, 'drill.abort', this.o.drills.service, { drillId });
    if (!auth.ok) return refuse({ kind: 'not_approver', action: 'abort a drill', approvers: auth.approvers });
    const drill = drillId ? this.o.store.drills.get(drillId) : (this.o.store.drills.withStatus('running')[0] ?? null);
    if (!drill) return error(drillId ? `no drill ${drillId}` : 'no drill is running');
    if (drill.status === 'scheduled' || drill.status === 'announced') {
      const cancelled = this.o.store.drills.move(drill.id, ['scheduled', 'announced'], { status: 'aborted', finishedAt: this.o.clock.now(), note: `cancelled by ${actor.id}` });
      this.o.timers.cancelWhere(DRILL_TIMER, `drill:${drill.id}:`);
      if (!cancelled) return error(`${drill.id} started meanwhile; abort it again`);
      this.o.notifier.drill({ kind: 'ended', drillId: drill.id });
      this.rearm?.();
      return ok(cancelled);
    }
    if (drill.status !== 'running') return error(`${drill.id} is ${drill.status}, not running`);
    await this.removeFault(drill.id, `aborted by ${actor.id}`);
    const ended = this.end(drill.id, 'aborted', `aborted by ${actor.id}`);
    return ended ? ok(ended) : error(`${drill.id} ended meanwhile`);
  }

  /** At start-up: a drill that was running when the process died gets its fault removed and ends. */
  async heal(): Promise<void> {
    for (const drill of this.o.store.drills.withStatus('running')) {
      this.o.log?.warn({ drill: drill.id }, 'drill was running when Rewind stopped: removing its fault');
      await this.removeFault(drill.id, 'Rewind restarted during the drill');
      this.end(drill.id, 'aborted', 'Rewind stopped during the drill; the fault was removed at start-up');
    }
  }

  async onTimer(drillId: string, step: 'watch' | 'deadline' | 'heal'): Promise<void> {
    const drill = this.o.store.drills.get(drillId);
    if (!drill) return;
    // A failed removal schedules the next try itself: one chain of retries, never a growing tree.
    if (step === 'heal') {
      await this.removeFault(drillId, 'an earlier removal failed');
      return;
    }
    if (drill.status !== 'running') return;
    const incident = this.incidentOf(drill);
    if (incident && drill.incidentId !== incident.id) this.o.store.drills.update(drill.id, { incidentId: incident.id });
    if (step === 'deadline') {
      await this.removeFault(drill.id, 'maxDuration reached');
      this.end(drill.id, 'failed', `not recovered within ${Math.round(this.o.drills.maxDuration / 60_000)}m (drills.maxDuration)`);
      return;
    }
    // The rollback has switched traffic: the team did what the drill asked, the fault has done its job.
    if (incident && (incident.status === 'verifying' || incident.status === 'resolved')) await this.removeFault(drill.id, 'the rollback switched traffic');
    if (incident?.status === 'resolved') {
      this.end(drill.id, 'completed', null);
      return;
    }
    this.watchAgain(drill.id, this.o.clock.now());
  }

  private watchAgain(drillId: string, now: number): void {
    const dueAt = now + Math.min(this.o.evaluationIntervalMs, WATCH_MAX_MS);
    this.o.timers.schedule({ kind: DRILL_TIMER, key: `drill:${drillId}:watch:${now}`, dueAt, payload: { drillId, step: 'watch' } });
  }

  /** Ticks of the preparation (announcement) or review (scorecard) checklist. */
  tick(drillId: string, list: DrillList, selected: readonly string[], actor: Actor): Outcome<string[]> {
    if (!this.o.store.drills.get(drillId)) return error(`no drill ${drillId}`);
    this.o.store.drills.setChecked(drillId, list, selected, actor.id, this.o.clock.now());
    return ok(this.o.store.drills.checked(drillId, list));
  }

  /** A participant's communication rating (1–5); rating again replaces it. The scorecard follows. */
  rate(drillId: string, rating: number, actor: Actor): Outcome<DrillScores> {
    const drill = this.o.store.drills.get(drillId);
    if (!drill) return error(`no drill ${drillId}`);
    const scores = drill.scores as DrillScores | null;
    if (!scores) return error(`${drillId} has no scorecard yet: ratings come after the drill`);
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) return error(`a rating is 1 to 5; got ${rating}`);
    this.o.store.drills.rate(drillId, actor.id, rating, this.o.clock.now());
    const rescored = { ...scores, scorecard: scoreDrill(scores.times, scores.expectedMs, this.o.store.drills.ratings(drillId).map((r) => r.rating)) };
    this.o.store.drills.update(drillId, { scores: rescored });
    this.o.notifier.drill({ kind: 'scorecard', drillId });
    return ok(rescored);
  }

  view(drillId: string): DrillView | null {
    const drill = this.o.store.drills.get(drillId);
    if (!drill) return null;
    const scores = (drill.scores as DrillScores | null) ?? null;
    const previous: PreviousDrill[] = this.o.store.drills
      .scoredBefore(drill.scenario, drill.scheduledFor, 4)
      .reverse()
      .map((d) => ({ id: d.id, at: d.scheduledFor, scorecard: (d.scores as DrillScores).scorecard }));
    const injector = this.o.injector;
    return {
      drill,
      scenario: this.scenario(drill.scenario),
      roles: this.o.roles,
      injector: 'unavailable' in injector ? this.o.drills.injector.kind : injector.kind,
      maxDurationMs: this.o.drills.maxDuration,
      prepChecked: this.o.store.drills.checked(drillId, 'preparation'),
      reviewChecked: this.o.store.drills.checked(drillId, 'review'),
      fault: (drill.faultApplied as StoredFault | null) ?? null,
      scores,
      trend: scores ? trend(scores.scorecard, previous) : null,
    };
  }

  /** The drill's thread root in the drill channel (announcement, or the start message of a manual run). */
  attachMessage(drillId: string, channel: string, ts: string): void {
    this.o.store.drills.update(drillId, { slackChannel: channel, slackTs: ts });
  }

  attachScorecard(drillId: string, ts: string): void {
    this.o.store.drills.update(drillId, { scorecardTs: ts });
  }

  history(limit = 10): DrillRecord[] {
    return this.o.store.drills.list({ limit });
  }

  /** Ends a running drill once: scored when the fault was applied, then the scorecard or the reason. */
  private end(drillId: string, status: 'completed' | 'failed' | 'aborted', note: string | null): DrillRecord | null {
    const drill = this.o.store.drills.get(drillId);
    if (!drill) return null;
    const fault = drill.faultApplied as StoredFault | null;
    const scores = fault?.appliedAt ? this.score(drill, fault.appliedAt) : null;
    const ended = this.o.store.drills.move(drillId, ['running'], { status, finishedAt: this.o.clock.now(), note, ...(scores && status !== 'aborted' ? { scores } : {}) });
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
    this.o.incidents.resolve(incident.id, SYSTEM, { reason: `drill ${drill.id} over: ${drill.note ?? drill.status}` });
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
    return { times, expectedMs, scorecard: scoreDrill(times, expectedMs, this.o.store.drills.ratings(drill.id).map((r) => r.rating)) };
  }

  /** The drill's incident: the one linked, else the drill incident opened on the service since the drill started. */
  private incidentOf(drill: DrillRecord): Incident | null {
    if (drill.incidentId) return this.o.store.incidents.get(drill.incidentId);
    if (!drill.service || drill.startedAt === null) return null;
    return this.o.store.incidents.listRecent({ service: drill.service, since: drill.startedAt, limit: 10 }).filter((i) => i.drill).at(-1) ?? null;
  }

  /** One removal at a time per drill: an abort and a watch tick must not both remove and report. */
  private readonly removing = new Map<string, Promise<boolean>>();

  /** Takes the fault away once; a failure is logged and retried by a timer. True when it is gone. */
  private removeFault(drillId: string, why: string): Promise<boolean> {
    const running = this.removing.get(drillId);
    if (running) return running;
    const removal = this.removeFaultNow(drillId, why).finally(() => this.removing.delete(drillId));
    this.removing.set(drillId, removal);
    return removal;
  }

  private async removeFaultNow(drillId: string, why: string): Promise<boolean> {
    const drill = this.o.store.drills.get(drillId);
    const fault = drill?.faultApplied as StoredFault | null | undefined;
    if (!drill || !fault || fault.removedAt !== null) return true;
    const injector = this.o.injector;
    try {
      if ('unavailable' in injector) throw new Error(injector.unavailable);
      const removal = await injector.remove(fault);
      const now = (this.o.store.drills.get(drillId)?.faultApplied as StoredFault | null) ?? fault;
      this.o.store.drills.update(drillId, { faultApplied: { ...now, removedAt: this.o.clock.now(), removal } });
      this.o.log?.info({ drill: drillId, why, removal }, 'drill fault removed');
      this.o.notifier.drill({ kind: 'fault_removed', drillId, removed: removal.removed, note: removal.note, why });
      return true;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.o.log?.error({ drill: drillId, err: message }, 'drill fault could not be removed; retrying');
      const at = this.o.clock.now() + HEAL_RETRY_MS;
      this.o.timers.schedule({ kind: DRILL_TIMER, key: `drill:${drillId}:heal:${at}`, dueAt: at, payload: { drillId, step: 'heal' } });
      return false;
    }
  }
}

type PlanContext = Pick<DrillServiceOptions, 'drills' | 'services' | 'cluster' | 'injector' | 'log'>;

/** The plan of a drill run, shared by `/drill run --dry-run` and `rewind drill run --dry-run`. */
export async function planDrill(o: PlanContext, name: string): Promise<Outcome<DrillPlan>> {
  const scenario = o.drills.scenarios.find((s) => s.name === name);
  if (!scenario) return error(`unknown scenario "${name}"; configured: ${o.drills.scenarios.map((s) => s.name).join(', ')}`);
  const service = o.drills.service;
  if (!service) return error('no service is marked drill: allowed in rewind.yml, so no drill can run');
  const config = o.services[service];
  if (!config) return error(`drills.service names ${service}, which is not configured`);
  if (config.drill !== 'allowed') return error(`${service} is not marked drill: allowed; a drill injects real faults, so it only runs where that is allowed`);
  const injector = o.injector;
  if ('unavailable' in injector) return error(`the drill injector cannot run: ${injector.unavailable}`);
  // Judged again on every run, scheduled or not, and not only at start: the object the fault
  // would land on may have changed hands since the config was loaded.
  const configured = drillTargetProblem(o.services, service, o.drills.injector);
  if (configured) return refuse({ kind: 'drill_refused', service, reason: configured.message, reasonJa: configured.messageJa });
  const check = await injector.checkTarget(service);
  if (!check.ok) return refuse({ kind: 'drill_refused', service, reason: check.reason, reasonJa: check.reasonJa });
  const { version, source } = await servingVersion(o, service);
  const spec = specOf(scenario, service, version, 'DRILL-PLAN', o.drills.maxDuration);
  return ok({ scenario, service, version, versionSource: source, injector: injector.kind, lines: injector.describe(spec), maxDurationMs: o.drills.maxDuration });
}

/** The version taking most traffic (the fault is aimed at it); the newest configured one when routing cannot be read. */
async function servingVersion(o: PlanContext, service: string): Promise<{ version: string; source: 'router' | 'config' }> {
  const newest = o.services[service]?.versions[0]?.version ?? '?';
  if (!o.cluster) return { version: newest, source: 'config' };
  try {
    const serving = busiestVersion(await o.cluster.forService(service).router.read());
    return serving ? { version: serving, source: 'router' } : { version: newest, source: 'config' };
  } catch (err) {
    o.log?.warn({ service, err: (err as Error).message }, 'drill: routing could not be read; aiming at the newest configured version');
    return { version: newest, source: 'config' };
  }
}

function specOf(s: DrillScenario, service: string, version: string, drillId: string, maxDurationMs: number): FaultSpec {
  return {
    drillId,
    service,
    version,
    scenario: s.name,
    trigger: s.trigger,
    errorRate: s.trigger === 'inject_latency' ? null : s.errorRate,
    latencyMs: s.trigger === 'inject_latency' ? s.latency : null,
    share: s.trigger === 'partial_outage' ? s.share : null,
    maxDurationMs,
  };
}
