/**
 * The services wired together on one store and clock. Ports (Slack notifier, rollback engine,
 * user-group directory, escalation notifier) come from the caller: main.ts passes the real
 * adapters, the demo and the tests pass stand-ins and recorders.
 */
import type { InjectorProblem } from '../domain/drill-refusals.ts';
import { metricCatalogue } from '../domain/metrics.ts';
import { escalationLevels, judgment } from '../config/derive.ts';
import type { Config } from '../config/schema.ts';
import type { Store } from '../store/index.ts';
import { AlertIntake } from './alert-intake.ts';
import { Evaluator } from './evaluator.ts';
import { Authorizer } from './authorization.ts';
import type { Clock } from '../clock.ts';
import { ComplaintService } from './complaints.ts';
import { DecisionService } from './decisions.ts';
import { IncidentDeclarations } from './declarations.ts';
import { EscalationService, type EscalationNotifier } from './escalations.ts';
import { IncidentService } from './incidents.ts';
import { triggerRules } from '../config/derive.ts';
import {
  noRollbackEngine,
  type ClusterPort,
  type IncidentAnnouncer,
  type IncidentNotifier,
  type MetricsSource,
  type RollbackEngine,
  type UserGroupDirectory,
} from './ports.ts';
import { KubeRollbackEngine } from './rollback-engine.ts';
import { Queries } from './queries.ts';
import { PostActions, type StakeholderPort } from './post-actions.ts';
import { RcaService, type RcaPublisher } from './rca.ts';
import { silentDrillNotifier, type DrillNotifier, type FaultInjector } from './drill-ports.ts';
import { DrillCalendar } from './drill-calendar.ts';
import { DrillSchedule } from './drill-schedule.ts';
import { DrillService } from './drills.ts';
import { drillRoles } from './drill-views.ts';
import { FixCanary } from './fix-canary.ts';
import { RollbackRequests } from './rollback-requests.ts';
import { TimerService, type TimerLog } from './timers.ts';
import type { Runner } from './runners.ts';
import { GitOpsResumes } from './rollback/gitops-resume.ts';
import { DriftService } from './drift.ts';
import { LiveReadings } from './live-readings.ts';

export interface ServicePorts {
  notifier: IncidentNotifier & IncidentAnnouncer & RcaPublisher & StakeholderPort;
  directory: UserGroupDirectory;
  escalationNotifier: EscalationNotifier;
  /** Kubernetes access; with it the Kubernetes rollback engine runs rollbacks. */
  cluster?: ClusterPort;
  metrics?: MetricsSource | null;
  /** Replaces the engine (tests record instead of moving traffic); without cluster or engine, none. */
  engine?: RollbackEngine;
  /** The drill channel's messages; silent without. */
  drillNotifier?: DrillNotifier;
  /** The configured fault injector, or why it cannot run here. */
  injector?: FaultInjector | { unavailable: InjectorProblem };
  /** Resolves when background work may run (incoming requests are answered first). */
  yieldToRequests?: () => Promise<void>;
  /** This process's liveness, shared with the presenter's outbox; the timer service keeps its own without. */
  runner?: Runner;
}

export interface Services {
  timers: TimerService;
  authorizer: Authorizer;
  incidents: IncidentService;
  /** Incidents declared by a person (`/incident declare`). */
  declarations: IncidentDeclarations;
  escalations: EscalationService;
  decisions: DecisionService;
  rollbacks: RollbackRequests;
  /** Re-deploying the fix as a cautious canary (修正版の準備). */
  canary: FixCanary;
  engine: RollbackEngine;
  queries: Queries;
  complaints: ComplaintService;
  alerts: AlertIntake;
  rca: RcaService;
  postActions: PostActions;
  /** Present when a metrics provider is configured. */
  evaluator: Evaluator | null;
  /** What the metrics read now (`/rollback status`); present when a metrics provider is configured. */
  readings: LiveReadings | null;
  /** Rollback drills: runs, aborts, scoring; and their calendar. */
  drills: DrillService;
  drillSchedule: DrillSchedule;
  /** Resume GitOps sync after a rollback that paused it. */
  gitops: GitOpsResumes;
  /** Routing changed behind Rewind's back: noticed, re-applied or accepted. */
  drift: DriftService;
}

export function createServices(
  config: Config,
  store: Store,
  clock: Clock,
  ports: ServicePorts,
  log?: TimerLog,
): Services {
  const chains = Object.fromEntries(
    Object.entries(config.services).map(([name, s]) => [name, s.versions.map((v) => v.version)]),
  );
  const timers = new TimerService({
    repo: store.timers,
    clock,
    ...(log ? { log } : {}),
    ...(ports.yieldToRequests ? { yieldToRequests: ports.yieldToRequests } : {}),
    ...(ports.runner ? { runner: ports.runner } : {}),
  });
  const authorizer = new Authorizer({
    approvers: config.slack.approvers,
    directory: ports.directory,
    clock,
    audit: store.audit,
    ...(log ? { log } : {}),
  });
  const escalations = new EscalationService(store, timers, ports.escalationNotifier, {
    levels: escalationLevels(config),
    stopOnAck: config.escalation.stopOnAck,
  });
  const incidents = new IncidentService({
    store,
    clock,
    escalations,
    notifier: ports.notifier,
    stakeholders: { port: ports.notifier, from: config.slack.stakeholderSeverity },
    drillOn: (service) => store.drills.runningOn(service)?.id ?? null,
  });
  const decisions = new DecisionService({
    store,
    clock,
    incidents,
    notifier: ports.notifier,
    judgment: judgment(config),
    authorizer,
  });
  const postActions = new PostActions({
    store,
    clock,
    timers,
    notifier: ports.notifier,
    postMortemAt: config.rollback.postMortemAt,
    timezone: config.drills.timezone,
  });
  const engine =
    ports.engine ??
    (ports.cluster
      ? new KubeRollbackEngine({
          store,
          clock,
          timers,
          cluster: ports.cluster,
          metrics: ports.metrics ?? null,
          incidents,
          escalations,
          notifier: ports.notifier,
          postActions,
          // The drift service is made below, with the requests this engine serves; called only later.
          onRoutingMoved: (moved): Promise<void> => drift.routingMoved(moved),
          settings: {
            verifyWindowMs: config.rollback.verifyWindow,
            evaluationIntervalMs: config.triggers.evaluationInterval,
            observationWindowMs: config.triggers.observationWindow,
            phases: config.rollback.gradual.phases.map((p) => ({ weight: p.weight, observeMs: p.observe ?? null })),
            abortIf: config.rollback.gradual.abortIf,
            canary: { steps: config.rollback.cautiousCanary.steps, observeMs: config.rollback.cautiousCanary.observe },
            tiers: triggerRules(config).tiers,
            catalogue: metricCatalogue(config.metrics.custom),
            dryRun: config.rollback.dryRun,
            timezone: config.drills.timezone,
          },
          ...(log ? { log } : {}),
        })
      : noRollbackEngine);
  const rollbacks = new RollbackRequests({
    store,
    clock,
    incidents,
    decisions,
    authorizer,
    engine,
    notifier: ports.notifier,
    chains,
    routers: judgment(config).routers,
    cluster: ports.cluster ?? null,
    phases: config.rollback.gradual.phases.map((p) => p.weight),
    requiredApprovals: config.slack.requiredApprovals,
    locale: config.locale,
    dryRun: config.rollback.dryRun,
    timers,
    // The drift service is built below, and asked only when a control is used, after that.
    routingAfterDrift: (rollback) => drift.routingAfter(rollback.id),
    ...(log ? { log } : {}),
    ...(ports.yieldToRequests ? { yieldToRequests: ports.yieldToRequests } : {}),
  });
  const canary = new FixCanary({
    store,
    clock,
    incidents,
    authorizer,
    engine,
    notifier: ports.notifier,
    requests: rollbacks,
    services: Object.fromEntries(
      Object.entries(judgment(config).routers).map(([name, router]) => {
        const versions = config.services[name]?.versions.map((v) => v.version) ?? [];
        return [name, { versions, router }];
      }),
    ),
    steps: config.rollback.cautiousCanary.steps,
    observeMs: config.rollback.cautiousCanary.observe,
    abortIf: config.rollback.gradual.abortIf.text,
    requiredApprovals: config.slack.requiredApprovals,
    dryRun: config.rollback.dryRun,
  });
  const drift: DriftService = new DriftService({
    store,
    clock,
    cluster: ports.cluster ?? null,
    authorizer,
    rollbacks,
    notifier: ports.notifier,
    versions: chains,
    ...(log ? { log } : {}),
  });
  const queries = new Queries(store, judgment(config), config.slack.requiredApprovals);
  const declarations = new IncidentDeclarations({
    store,
    incidents,
    cluster: ports.cluster ?? null,
    chains,
    recordedVersion: (service) => rollbacks.servingVersion(service, null, null),
    ...(log ? { log } : {}),
  });
  const complaints = new ComplaintService(store, clock, incidents, config.triggers.observationWindow);
  const alerts = new AlertIntake({
    store,
    clock,
    incidents,
    notifier: ports.notifier,
    rollbacks,
    timers,
    services: Object.keys(config.services),
    autoRollback: config.triggers.autoRollback,
    ...(log ? { log } : {}),
  });
  const evaluator = ports.metrics
    ? new Evaluator({
        store,
        clock,
        timers,
        metrics: ports.metrics,
        cluster: ports.cluster ?? null,
        incidents,
        notifier: ports.notifier,
        rollbacks,
        chains,
        rules: triggerRules(config),
        observationWindowMs: config.triggers.observationWindow,
        evaluationIntervalMs: config.triggers.evaluationInterval,
        autoRollback: config.triggers.autoRollback,
        ...(log ? { log } : {}),
      })
    : null;
  const drillCalendar = new DrillCalendar({ store, clock, timers, drills: config.drills, ...(log ? { log } : {}) });
  const drills = new DrillService({
    store,
    clock,
    timers,
    incidents,
    authorizer,
    cluster: ports.cluster ?? null,
    injector: ports.injector ?? { unavailable: { kind: 'not_set_up' } },
    notifier: ports.drillNotifier ?? silentDrillNotifier,
    calendar: drillCalendar,
    drills: config.drills,
    services: config.services,
    evaluationIntervalMs: config.triggers.evaluationInterval,
    roles: drillRoles(config),
    ...(log ? { log } : {}),
  });
  const drillSchedule = new DrillSchedule({
    store,
    clock,
    timers,
    notifier: ports.drillNotifier ?? silentDrillNotifier,
    calendar: drillCalendar,
    service: drills,
    ...(log ? { log } : {}),
  });
  const rca = new RcaService(store, clock, {
    timezone: config.drills.timezone,
    locale: config.locale,
    publisher: ports.notifier,
  });
  return {
    timers,
    authorizer,
    incidents,
    declarations,
    escalations,
    decisions,
    rollbacks,
    canary,
    engine,
    queries,
    complaints,
    alerts,
    evaluator,
    readings: ports.metrics
      ? new LiveReadings({
          metrics: ports.metrics,
          cluster: ports.cluster ?? null,
          chains,
          catalogue: metricCatalogue(config.metrics.custom),
          observationWindowMs: config.triggers.observationWindow,
        })
      : null,
    rca,
    postActions,
    drills,
    drillSchedule,
    gitops: new GitOpsResumes({
      store,
      clock,
      cluster: ports.cluster ?? null,
      authorizer,
      incidents,
      notifier: ports.notifier,
    }),
    drift,
  };
}
