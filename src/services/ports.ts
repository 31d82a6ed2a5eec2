/**
 * The ports the services talk through. Adapters implement them (Slack, Kubernetes, metrics);
 * tests implement them with recorders. Nothing here knows Slack or Kubernetes.
 */
import type { Action } from '../domain/types.ts';
import type { MetricName, MetricSample } from '../domain/metrics.ts';
import type { MetricMove } from '../domain/verification.ts';
import type { FinishReason, StepFact, StepTitle } from '../domain/step-facts.ts';
import type { KubeProblem } from '../domain/kube-problem.ts';
import type { AlertLinks } from '../domain/alert-links.ts';
import type { Tier } from '../domain/types.ts';
import type { BreachRecord } from './incident-snapshot.ts';
import type { Assessment, Recommendation } from '../domain/matrix.ts';
import type { RollbackRecord } from '../store/index.ts';
import type { Actor, ActorVia } from '../domain/types.ts';
import type { GitChange, GitOpsOnRollback, GitOpsOwner, SyncOwner, SyncState } from '../domain/gitops.ts';

export type RollbackControl = 'pause' | 'resume' | 'abort';

/**
 * The rollback engine (src/adapters/kube implements it on Kubernetes). The decision service has already
 * persisted the rollback row, gathered its approvals and claimed it as `running` exactly once
 * before `start` is called; the engine moves traffic and reports progress through the row:
 * `currentPhase` (index into `plan.phases`) and `plan.currentWeight` (share of traffic still on
 * the version being rolled back, 0–100), which the head message shows as split and progress bar.
 */
export interface RollbackEngine {
  /** False while no engine is installed: requests are then refused with a clear message. */
  readonly available: boolean;
  start(rollback: RollbackRecord): Promise<void>;
  control(rollback: RollbackRecord, control: RollbackControl, actor: Actor): Promise<void>;
}

/** Resolves Slack user groups (S…) to their member user IDs. */
export interface UserGroupDirectory {
  members(groupId: string): Promise<string[]>;
}

/** Who did it: a Slack user ID (or a part of Rewind), and where a person acted from when it was not Slack. */
export type ActedBy = { by: string; via?: ActorVia };

/** What happened to an incident, for its thread. The adapter decides how it reads. */
export type IncidentNotice =
  | ({ kind: 'assessment'; assessment: Assessment; recommendation: Recommendation | null } & ActedBy)
  | ({ kind: 'decision'; action: Action; recommended: Action | null } & ActedBy)
  | ({ kind: 'rollback_requested'; rollbackId: string } & ActedBy)
  | ({ kind: 'approval_needed'; rollbackId: string } & ActedBy)
  | ({ kind: 'approved'; rollbackId: string } & ActedBy)
  /** `live`: the routing as last seen when another writer changed it since the rollback's plan (drift). */
  | ({ kind: 'rollback_control'; control: RollbackControl; rollbackId: string; live?: Split } & ActedBy)
  | ({ kind: 'acknowledged' } & ActedBy)
  | ({ kind: 'resolved'; incidentId: string } & ActedBy)
  | { kind: 'escalation'; level: number; label: string; notify: string[]; lateMs: number }
  | {
      kind: 'rollback_step';
      rollbackId: string;
      seq: number;
      total: number;
      /** The step's stored (English) name; `title` says which step it is, for other languages. */
      name: string;
      title: StepTitle;
      status: 'succeeded' | 'failed' | 'skipped';
      elapsedMs: number;
      budgetMs: number | null;
      /** What the step found or did, as data (versions, splits, metrics); the adapter words them. */
      facts: StepFact[];
      /**
       * Verification: each trigger metric before → after, with its readings and thresholds (drawn before the facts).
       */
      moves?: MetricMove[];
    }
  /** `reason`: the English line the timeline keeps; `why`: the same as data, when the engine ended it. */
  | {
      kind: 'rollback_finished';
      rollbackId: string;
      outcome: 'succeeded' | 'failed' | 'aborted';
      reason: string | null;
      why?: FinishReason;
    }
  | { kind: 'rollback_scheduled'; rollbackId: string; at: number }
  | { kind: 'rollback_reminder'; rollbackId: string; at: number }
  /** `name`: the rule that fired (Alertmanager's alertname, Grafana's rule title); `links`: its http(s) links. */
  | {
      kind: 'alert';
      source: string;
      severity: Tier;
      summary: string;
      status: 'firing' | 'resolved';
      name: string | null;
      links: AlertLinks;
    }
  /** Every alert of the incident is resolved: offer to resolve it (a Resolve button). */
  | { kind: 'alerts_resolved'; incidentId: string }
  | { kind: 'severity_raised'; from: Tier; to: Tier }
  | { kind: 'tier_fired'; tier: Tier; version: string; breaches: BreachRecord[] }
  | { kind: 'tier_cleared'; tier: Tier; version: string }
  /** Verification failed: escalate, and offer the next version down the fallback chain. */
  | { kind: 'not_recovered'; rollbackId: string; incidentId: string; breaching: string[] }
  | { kind: 'automatic_rollback'; rollbackId: string; reason: string }
  /** The automatic rollback was not started: a person's rollback of the service (named) holds it. */
  | { kind: 'automatic_rollback_held'; rollbackId: string; reason: string }
  | { kind: 'postmortem_scheduled'; at: number; participants: string[] }
  | { kind: 'postmortem_reminder'; participants: string[] }
  | { kind: 'fix_prep'; incidentId: string; checked: string[] }
  /**
   * The rollback ended with its GitOps owner's sync still paused: the fields to commit to git (so the
   * revert is made where it belongs), and a Resume GitOps sync button (approvers only).
   */
  | {
      kind: 'gitops_still_paused';
      rollbackId: string;
      owner: SyncOwner;
      changes: GitChange[];
      /** The earlier rollback whose pause is still in force: this one found the sync paused and sent nothing. */
      heldBy?: string;
    }
  | ({ kind: 'gitops_resumed'; rollbackId: string; owner: SyncOwner } & ActedBy)
  /** Resume found the paused owner deleted since: nothing to resume, and the still-paused note is settled. */
  | { kind: 'gitops_owner_gone'; rollbackId: string; owner: SyncOwner }
  /** The routing carries the marks of a GitOps owner that does not exist: nobody was paused for the rollback. */
  | { kind: 'gitops_mark_unmatched'; rollbackId: string; owner: SyncOwner }
  /** The API server refused (403) Rewind's pause of the owner's sync: the rollback stopped before its switch. */
  | { kind: 'gitops_pause_denied'; rollbackId: string; owner: SyncOwner }
  /** Routing changed behind Rewind's back (src/services/drift.ts): who changed it, to what, and what Rewind set. */
  | { kind: 'routing_drift'; drift: DriftView }
  | DriftSettledNotice;

/** The team settled a drift: Rewind's routing written back, or the new routing accepted as expected. */
export type DriftSettledNotice = {
  kind: 'routing_drift_settled';
  drift: DriftView;
  settled: 'reapplied' | 'accepted';
  /** The rollback the drift paused is paused still: the note says how to go on. */
  rollbackStillPaused: boolean;
} & ActedBy;

/** A routing drift as the notes show it. */
export interface DriftView {
  id: number;
  service: string;
  /** `Kind namespace/name` of the object that changed. */
  object: string;
  /** The field manager that set the routing fields last (`kubectl-edit`, `argocd-controller`). */
  writer: string;
  live: Split;
  expected: Split;
  /** When Rewind set (or the team accepted) the expected split. */
  expectedAt: number;
  /** Who accepted the expected split, when it is a change a person accepted rather than one Rewind set. */
  acceptedBy: string | null;
  /** The expected split is the one a rollback was about to write when it met the change: Rewind had not set it. */
  intended: boolean;
  /** The rollback paused because of the drift (a gradual one that was moving traffic). */
  pausedRollbackId: string | null;
}

/**
 * Messages to the incident channel that belong to no incident: an unknown service that sent
 * alerts, or — once a minute's announcements are used up — one line for the rest of that minute
 * (`count` services starting at `since`, the first of them `names`; `late` when it is sent well
 * after that minute, e.g. after downtime).
 */
export type ChannelNotice =
  | { kind: 'unknown_service'; service: string; summary: string; source: string }
  | { kind: 'unknown_services'; count: number; names: string[]; since: number; late: boolean }
  /** A routing drift of a service with no open incident (the same notes as in a thread). */
  | { kind: 'routing_drift'; drift: DriftView }
  | DriftSettledNotice;

export interface IncidentAnnouncer {
  announce(notice: ChannelNotice): void;
}

/**
 * Tells people about incidents: the head message is re-rendered from the stored state after every
 * change (`changed`), and notices go to its thread. Implementations must not throw: a Slack outage
 * must never undo or block a decision already stored.
 */
export interface IncidentNotifier {
  changed(incidentId: string): void;
  notice(incidentId: string, notice: IncidentNotice): void;
  /**
   * Runs `fn`, whose notices may be joined before they are written — still within `fn`'s caller's
   * transaction, in their order: the alert intake stores thousands of alerts in one commit, and
   * writing the growing alert note once per alert made that commit block the event loop.
   */
  batch<T>(fn: () => T): T;
}

export const silentNotifier: IncidentNotifier = { changed: () => {}, notice: () => {}, batch: (fn) => fn() };

/**
 * The engine of a build without one (until the Kubernetes engine is wired in): every request is
 * refused up front by the services with a message saying so, and nothing is recorded.
 */
export const noRollbackEngine: RollbackEngine = {
  available: false,
  start: () => Promise.reject(new Error('no rollback engine is installed')),
  control: () => Promise.reject(new Error('no rollback engine is installed')),
};

/** Share of traffic per version, in percent (0–100); the versions of one service sum to 100. */
export type Split = Record<string, number>;

/** One change sent — or, in dry run, that would have been sent — to the Kubernetes API. */
export interface KubeChange {
  method: 'PATCH' | 'PUT';
  /** `Kind namespace/name`, e.g. `Service prompts/prompt-service`. */
  target: string;
  contentType: string;
  body: unknown;
  /** Writes refused with 409 Conflict before this one landed (another writer moved the object; re-read each time). */
  conflicts?: number;
}

/**
 * Moves traffic between the versions of one service: one implementation per router kind (the
 * Kubernetes adapter's router modules list the kinds).
 */
export interface Router {
  /** The router kind's name, for messages and logs; what it can do is in `allOrNothing`. */
  readonly kind: string;
  /** Only 0/100 splits can be expressed (a Service selector picks one version). */
  readonly allOrNothing: boolean;
  /** The split the cluster has now, for the service's configured versions. */
  read(): Promise<Split>;
  /** Sets the split and returns the changes sent; with dryRun, sends nothing and returns what it would send. */
  write(split: Split, options: { dryRun: boolean }): Promise<KubeChange[]>;
  /**
   * Whether the cluster is already in the state `write(split)` produces. Routers that cannot show
   * every percent exactly (replicas: 5% of 4 replicas) answer this themselves; for the others a
   * read() equal to the split is the answer.
   */
  isAt?(split: Split): Promise<boolean>;
}

/** What the engine checks around a switch (runbook step 2: verify routing, confirm traffic flow). */
export interface ClusterChecks {
  /** Ready and desired replicas of the version's Deployment. */
  readyReplicas(version: string): Promise<{ ready: number; desired: number }>;
  /** Ready endpoints of the version behind the Service(s) the router sends its traffic to. */
  readyEndpoints(version: string): Promise<number>;
}

/** The Kubernetes side of one configured service. */
export interface ServiceCluster {
  router: Router;
  checks: ClusterChecks;
  /** Who re-applies its routing from git; absent where GitOps is not read (test clusters). */
  gitops?: GitOpsControl;
}

/**
 * What an error thrown by a Router or ClusterChecks carries when the Kubernetes adapter made it: the
 * failure as data, so a service can say it in any language. Errors without it are said by message.
 */
export interface KubeProblemCarrier {
  readonly kubeProblem: KubeProblem;
}

/** Who re-applies a service's routing from git, and its sync now (src/adapters/kube/gitops reads them). */
export interface GitOpsReading {
  owner: GitOpsOwner;
  /** The owner's sync state; null when nobody pausable owns the routing (Argo Rollouts, nobody). */
  state: SyncState | null;
  onRollback: GitOpsOnRollback;
  /** The owner the routing object's marks name when no such object exists (`owner` is then nobody). */
  unmatched?: SyncOwner;
}

/** The GitOps controller of one configured service: read who owns its routing, pause and resume its sync. */
export interface GitOpsControl {
  /** The service's `gitops:` setting where it names the owner, else the routing object's marks. */
  read(): Promise<GitOpsReading>;
  /** The owner's object now. */
  state(owner: SyncOwner): Promise<SyncState>;
  /** The owner's object now; null when it does not exist (deleted since the pause). */
  find(owner: SyncOwner): Promise<SyncState | null>;
  /** Turns automated sync off (Argo CD) or suspends (Flux): one merge patch; the change sent. */
  pause(owner: SyncOwner): Promise<KubeChange>;
  /** Restores the kept sync policy (Argo CD) or un-suspends (Flux): one merge patch; the change sent. */
  resume(owner: SyncOwner, keptSyncPolicy: Record<string, unknown> | null): Promise<KubeChange>;
}

/**
 * A routing object of a service seen changed (or listed again): what drift detection decides on.
 * `ownWrite`: Rewind (its field manager) set the routing fields last.
 */
export interface RoutingChange {
  service: string;
  /** `Kind namespace/name`. */
  object: string;
  resourceVersion: string;
  /** The field manager that set the routing fields last; null when the object names none. */
  writer: string | null;
  ownWrite: boolean;
}

/**
 * A rollback step's write the router did not make: between its read and its write another field
 * manager changed the routing fields it was about to set (the router's 409, re-read).
 */
export interface RoutingMoved {
  rollbackId: string;
  service: string;
  /** `Kind namespace/name` of the object whose write was refused. */
  object: string;
  /** That other field manager; null when managedFields names none. */
  writer: string | null;
  /** The split the step was about to write: what Rewind intended when it had set nothing yet. */
  intended: Split;
}

/** Watches every configured service's routing objects (src/adapters/kube/drift-watch.ts). */
export interface RoutingWatch {
  start(onChange: (change: RoutingChange) => void): void;
  /** Ends every watch; resolves once none is left open. */
  stop(): Promise<void>;
}

/** Kubernetes access per configured service (each service names its kubeconfig context). */
export interface ClusterPort {
  forService(service: string): ServiceCluster;
}

/** Metric readings of one version of a service over a window (the providers are in src/adapters/metrics). */
export interface MetricsSource {
  /** Metrics that could not be read are absent from the sample: they never count as healthy. */
  sample(service: string, version: string, windowMs: number): Promise<MetricSample>;
}

/** A metric's values over time: [epoch ms, value] pairs, oldest first. */
export type Series = Array<[number, number]>;

/** Metric history, for backtests and verification sparklines (Prometheus `query_range`). */
export interface MetricsHistory {
  range(
    service: string,
    version: string,
    fromMs: number,
    toMs: number,
    stepMs: number,
  ): Promise<Record<MetricName, Series>>;
}

/** An alert from any source, normalised (severity and service from labels). */
export interface IncomingAlert {
  source: 'alertmanager' | 'grafana' | 'generic';
  /** Stable per alert across repeats: dedup key together with the source. */
  fingerprint: string;
  status: 'firing' | 'resolved';
  /** The `service` label, else `app`, else `job`; null when none is present. */
  service: string | null;
  /** The `version` label, when present. */
  version: string | null;
  /** `critical` | `warning` | `watch`; any other severity label is `warning`. */
  severity: Tier;
  summary: string;
  /**
   * The rule that fired: `labels.alertname` (Grafana's rule title), or the generic body's `name`.
   * The webhooks always set it and `links`; absent (an alert made in code) means none.
   */
  name?: string | null;
  /** The http(s) links the alert carries (runbook, source graph, dashboard, panel, silence); others are dropped. */
  links?: AlertLinks;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  endsAt: number | null;
}

/** Where the alert webhooks deliver normalised alerts (the incident service groups them). */
export interface AlertSink {
  receive(alerts: IncomingAlert[]): Promise<AlertAnswer>;
}

/**
 * What a webhook is answered. `unknownServices` lists the services of the delivery that Rewind is
 * not configured for, in the order they came — at most the first hundred; when there were more,
 * `unknownServiceCount` says how many (and is absent otherwise), so a webhook of thousands of
 * labels gets a short answer.
 */
export interface AlertAnswer {
  accepted: number;
  unknownServices: string[];
  unknownServiceCount?: number;
}
