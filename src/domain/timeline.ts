/**
 * The incident timeline: one variant per kind of line, each with its own typed details. Writers name
 * the kind and give exactly the details of that kind; readers narrow on `kind` and read typed fields.
 * The store parses every stored line against its kind (src/store/timeline-schemas.ts).
 */
import type { Operator } from './conditions.ts';
import type { InsteadReason } from './matrix.ts';
import type { MetricName, MetricUnit } from './metrics.ts';
import type { RollbackStrategy } from './rollback-record.ts';
import type { CanaryCancelReason, EscalationReason, RollbackEndReason, StatusReason } from './timeline-reasons.ts';
import type { Action, Actor, BusinessImpact, FixTime, IncidentStatus, Tier, UserImpact } from './types.ts';

/** A condition that held, with the value measured: `error_rate 12.5% > 10%`. */
export interface BreachRecord {
  metric: MetricName;
  /** A custom metric's unit (recordedUnit: a built-in's goes without saying). */
  unit?: MetricUnit;
  op: Operator;
  threshold: number;
  value: number;
}

/** The ways a rollback row runs; a canary brings a fix in rather than taking a version out. */
export type TimelineStrategy = RollbackStrategy;

export const ALERT_STATUSES = ['firing', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Why a status changed, as far as the one who changed it said; every field is optional. */
export interface StatusDetail {
  /** The rollback that moved it (started, switched routing, recovered, failed). */
  rollbackId?: string;
  strategy?: TimelineStrategy;
  /** The tier that brought it to a decision. */
  tier?: Tier;
  /** Opened by a person with `/incident declare`. */
  declared?: boolean;
  /** The non-rollback decision taken (try a fix, fix in the next release). */
  action?: Action;
  /** Why, as data (a rollback recovered it, a drill ended, the rollback did not succeed). */
  reason?: StatusReason | null;
  /** Outside text: the error that made a rollback give the decision back. */
  error?: string;
}

interface RollbackRef {
  rollbackId: string;
}

/** A rollback or canary ended: `reason` from the engine, `error` when it could not start at all. */
export interface RollbackEndDetail extends RollbackRef {
  reason?: RollbackEndReason | null;
  error?: string;
}

interface SlackMessageRef {
  channel: string;
  ts: string;
}

/** The details of every kind of timeline line. A new kind is added here and nowhere else is it optional. */
export interface TimelineDetails {
  /** The incident opened: what it was opened for, and the conditions that held. */
  detected: {
    service: string;
    version: string | null;
    severity: Tier;
    title: string;
    drill: boolean;
    breaches: BreachRecord[];
    declared?: boolean;
    drillId?: string;
  };
  status: StatusDetail;
  /** The first acknowledgement, and the status the incident had then. */
  ack: { status: IncidentStatus };
  /** A higher tier fired for the open incident. */
  severity: { from: Tier; to: Tier };
  /** The head message is in Slack. */
  posted: SlackMessageRef;
  /** The stakeholder notice is in Slack (one per incident, updated in place). */
  stakeholder_notice: SlackMessageRef;
  alert: { fingerprint: string; severity: Tier; summary: string; status: AlertStatus };
  /** A tier fired again on the open incident. */
  trigger: { tier: Tier; version: string | null; breaches: BreachRecord[] };
  /** A tier stopped firing. */
  tier_cleared: { tier: Tier; version: string | null };
  /** The matrix's answers and what it recommended (and, when the service rules that out, what instead). */
  assessment: {
    userImpact?: UserImpact;
    businessImpact?: BusinessImpact;
    fixTime?: FixTime;
    recommended: Action;
    /** Index of the matching rule; null when the default applied. */
    rule: number | null;
    matrixRecommended?: Action;
    insteadBecause?: InsteadReason['kind'];
  };
  decision: { action: Action; recommended: Action | null };
  rollback_requested: RollbackRef & { strategy: TimelineStrategy; from: string | null; to: string };
  /** The fix asked for as a cautious canary, with the share of traffic at each step. */
  canary_requested: RollbackRef & { from: string | null; to: string; steps: number[] };
  /** A pending canary gave way to a newer incident's rollback. */
  canary_cancelled: RollbackRef & { reason: CanaryCancelReason };
  approval: RollbackRef & { have: number; need: number };
  rollback_scheduled: RollbackRef & { at: number };
  rollback_started: RollbackRef & { from: string | null; to: string; strategy: TimelineStrategy };
  canary_started: RollbackRef & { from: string | null; to: string; strategy: TimelineStrategy };
  rollback_succeeded: RollbackEndDetail;
  rollback_failed: RollbackEndDetail;
  rollback_aborted: RollbackEndDetail;
  canary_succeeded: RollbackEndDetail;
  canary_failed: RollbackEndDetail;
  canary_aborted: RollbackEndDetail;
  /** Pause, Resume, Abort pressed on a rollback. */
  rollback_pause: RollbackRef;
  rollback_resume: RollbackRef;
  rollback_abort: RollbackRef;
  /**
   * The GitOps owner of the routing (`Application argocd/prompt-service`) had its sync turned off for
   * a rollback (`sent`: false when it was off already), or turned back on after it.
   */
  gitops_paused: RollbackRef & { target: string; sent: boolean };
  gitops_resumed: RollbackRef & { target: string };
  /** A user complaint filed while the incident was open; the text is the person's own. */
  complaint: { text: string; complaintId: number };
  /** A level was told; `early` when the rollback engine could not go on (with its reason). */
  escalation: {
    level: number;
    label: string;
    notify: string[];
    lateMs: number;
    early?: boolean;
    reason?: EscalationReason;
  };
  postmortem_scheduled: { at: number };
  /** A checklist was ticked: how many of its items are done. */
  checklist: { list: string; checked: number; of: number };
  rca_drafted: Record<string, never>;
}

export type TimelineKind = keyof TimelineDetails;
export type TimelineDetail<K extends TimelineKind> = TimelineDetails[K];
/** Every kind but `status`, which also carries the transition and is written through the lifecycle. */
export type RecordedKind = Exclude<TimelineKind, 'status'>;

/** Every kind, for the store's check of a stored kind and for walks over all kinds. */
export const TIMELINE_KINDS = [
  'detected',
  'status',
  'ack',
  'severity',
  'posted',
  'stakeholder_notice',
  'alert',
  'trigger',
  'tier_cleared',
  'assessment',
  'decision',
  'rollback_requested',
  'canary_requested',
  'canary_cancelled',
  'approval',
  'rollback_scheduled',
  'rollback_started',
  'canary_started',
  'rollback_succeeded',
  'rollback_failed',
  'rollback_aborted',
  'canary_succeeded',
  'canary_failed',
  'canary_aborted',
  'rollback_pause',
  'rollback_resume',
  'rollback_abort',
  'gitops_paused',
  'gitops_resumed',
  'complaint',
  'escalation',
  'postmortem_scheduled',
  'checklist',
  'rca_drafted',
] as const satisfies readonly TimelineKind[];

// Fails to compile when a kind of TimelineDetails is missing from TIMELINE_KINDS.
const everyKindListed: Record<Exclude<TimelineKind, (typeof TIMELINE_KINDS)[number]>, never> = {};
void everyKindListed;

interface TimelineBase {
  incidentId: string;
  at: number;
  actor: Actor;
}

/**
 * A line of one kind (or of one of the kinds `K`), as a writer gives it: the details are checked
 * against the kind, so a misspelt field fails to compile.
 */
export interface RecordedLine<K extends RecordedKind> extends TimelineBase {
  kind: K;
  detail: TimelineDetails[K];
}

type RecordedEvents = { [P in RecordedKind]: RecordedLine<P> };

/** A line of any kind but `status`: narrowing on `kind` gives its details. */
export type RecordedEvent = RecordedEvents[RecordedKind];

/** A status change: the transition, and why. */
export interface StatusEvent extends TimelineBase {
  kind: 'status';
  from: IncidentStatus;
  to: IncidentStatus;
  detail: StatusDetail;
}

/** One line of an incident's timeline: what happened, when, who did it, and its details. */
export type TimelineEvent = StatusEvent | RecordedEvent;

/** The event of one kind. */
export type TimelineEventOf<K extends TimelineKind> = Extract<TimelineEvent, { kind: K }>;

/** Omit over each variant of a union (a plain Omit would merge the variants). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A line for an incident that has no id yet (written with it when it is created). */
export type NewTimelineEvent = DistributiveOmit<TimelineEvent, 'incidentId'>;

/** The conditions that held on a line that carries them (the opening line and later triggers). */
export function breachesOf(event: TimelineEvent): BreachRecord[] {
  return event.kind === 'detected' || event.kind === 'trigger' ? event.detail.breaches : [];
}
