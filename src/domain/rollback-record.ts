/**
 * A rollback as it is stored: the row, its plan, and its steps with what each step kind keeps in
 * its detail. The store parses these from JSON columns with schemas of the same shape, so a field
 * read or written under a wrong name fails the type check, and a row of another shape is refused.
 *
 * Field names are the ones rows already carry: rows written before these types existed still load.
 */
import type { GitOpsOnRollback, SyncOwner } from './gitops.ts';
import type { MetricSample } from './metrics.ts';
import type { AbortCause } from './step-facts.ts';

export const ROLLBACK_STRATEGIES = ['immediate', 'gradual', 'planned', 'canary'] as const;
export type RollbackStrategy = (typeof ROLLBACK_STRATEGIES)[number];

/** Each strategy's name, as the messages say it. */
export const STRATEGY_NAMES: Record<'en' | 'ja', Record<RollbackStrategy, string>> = {
  en: {
    immediate: 'Immediate rollback',
    gradual: 'Gradual rollback',
    planned: 'Planned rollback',
    canary: 'Canary re-deploy',
  },
  ja: {
    immediate: '即座ロールバック',
    gradual: '段階的ロールバック',
    planned: '計画的ロールバック',
    canary: 'カナリア再デプロイ',
  },
};

/**
 * The title of an incident opened for a rollback asked for without one: stored, so written in the
 * install's language (the head message and the RCA draft show it as it is).
 */
export function manualRollbackTitle(strategy: RollbackStrategy, locale: 'en' | 'ja'): string {
  return locale === 'ja'
    ? `${STRATEGY_NAMES.ja[strategy]}が手動で要求されました`
    : `manual ${strategy} rollback requested`;
}

export const ROLLBACK_STATUSES = [
  'pending',
  'scheduled',
  'running',
  'paused',
  'succeeded',
  'failed',
  'aborted',
  'cancelled',
] as const;
export type RollbackStatus = (typeof ROLLBACK_STATUSES)[number];

/** Statuses that hold the service's one rollback slot (mirrors the partial unique index). */
export const ACTIVE_ROLLBACK_STATUSES = [
  'pending',
  'scheduled',
  'running',
  'paused',
] as const satisfies readonly RollbackStatus[];

export function isActiveRollbackStatus(status: RollbackStatus): boolean {
  return (ACTIVE_ROLLBACK_STATUSES as readonly string[]).includes(status);
}

export const STEP_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** Share of traffic per version, in percent (0–100). */
export type TrafficSplit = Record<string, number>;

/** One Kubernetes write as the router reported it (sent, or only logged in a dry run). */
export interface SentChange {
  method: 'PATCH' | 'PUT';
  /** `Kind namespace/name`, e.g. `Service prompts/prompt-service`. */
  target: string;
  contentType: string;
  /** The patch as sent: Kubernetes' own shape, kept as it was. */
  body: unknown;
  /** Writes refused with 409 Conflict before this one landed. */
  conflicts?: number;
}

/**
 * The plan the engine follows and the progress it reports. Every field is optional: the column's
 * default is `{}`, and each writer adds what it knows (the request its phases and approvals, the
 * confirm step the share it found, each switch the share left).
 */
export interface RollbackPlanRecord {
  /** Share left on the version being rolled back after each phase, e.g. [25, 5, 0]. */
  phases?: number[];
  /** A cautious canary: percent of traffic on the fix at each step, e.g. [1, 5, 25, 50, 100]. */
  canarySteps?: number[];
  requiredApprovals?: number;
  /** Share of traffic still on the version being rolled back (0–100), as the engine last set it. */
  currentWeight?: number;
  /** The share that version had when the rollback started. */
  startWeight?: number;
}

export interface RollbackRecord {
  /** `RB-YYYYMMDD-NNN`, from the UTC day of startedAt. */
  id: string;
  incidentId: string | null;
  service: string;
  strategy: RollbackStrategy;
  fromVersion: string | null;
  toVersion: string;
  status: RollbackStatus;
  /** Index into the plan's phases of the phase in progress (gradual, canary); null before the first. */
  currentPhase: number | null;
  /** Slack user ID, or `rewind` for an automatic rollback. */
  startedBy: string;
  /** For planned rollbacks: when it is to run. */
  scheduledFor: number | null;
  startedAt: number;
  finishedAt: number | null;
  error: string | null;
  plan: RollbackPlanRecord;
  dryRun: boolean;
}

/** A verify step's readings: per metric, [epoch ms, value] at each evaluation (null: not read). */
export type MetricSeries = Record<string, Array<[number, number | null]>>;

/** What every step row may carry, whatever its kind. */
interface StepDetailBase {
  /** 0-based phase the step belongs to (gradual, canary); null for the framing steps. */
  phase: number | null;
  /** The last evaluation tick scheduled (observe, verify; any step resumed while running). */
  tick?: number;
  /** The step failed for good: the line also stored as the rollback's error. */
  error?: string;
  /** A canary was stopped while this step ran: why, as a line. */
  stoppedBecause?: string;
}

export interface ConfirmDetail extends StepDetailBase {
  kind: 'confirm';
  /** The version found serving (a rollback's affected version, a canary's stable one). */
  from?: string;
  split?: TrafficSplit;
  /** Its metrics when the rollback started; null without a metrics provider. */
  baseline?: MetricSample | null;
}

export interface SetWeightDetail extends StepDetailBase {
  kind: 'set_weight';
  /** Share of traffic left on the version being moved away from. */
  weight: number;
  changes?: SentChange[];
  /**
   * The split was set already when the step ran (a write that landed before a restart lost its
   * answer): what the router's write would be, sent nowhere, so the change to commit to git while
   * GitOps sync is paused still names it.
   */
  inPlace?: SentChange[];
  /** A canary going back to its stable version: this switch must not itself be reverted. */
  revert?: boolean;
  /** Why the canary goes back (the steps added when it was stopped). */
  reason?: string;
  cause?: AbortCause;
}

export interface ObserveDetail extends StepDetailBase {
  kind: 'observe';
  observeMs: number;
  observeUntil?: number;
  lastSample?: MetricSample | null;
  /** Paused: what was left of the window, for when it resumes. */
  remainingMs?: number | null;
  /** abortIf held: why, as a line. */
  abortIf?: string;
}

export interface VerifyDetail extends StepDetailBase {
  kind: 'verify';
  /** How long to verify; null takes the configured window (the canary watches twice as long). */
  verifyMs: number | null;
  verifyUntil?: number;
  series?: MetricSeries;
  after?: MetricSample;
  recovered?: boolean;
  remainingMs?: number | null;
}

export interface PostActionsDetail extends StepDetailBase {
  kind: 'post_actions';
}

export interface StopDetail extends StepDetailBase {
  kind: 'stop';
  revert?: boolean;
  /** Why the canary was stopped, as a line (stored as the rollback's error too). */
  reason?: string;
  /** The same as data, for the thread in the reader's language; absent on rows of earlier builds. */
  cause?: AbortCause;
}

/**
 * The GitOps step before the switch: who re-applies the routing from git, read before the first
 * step, and (onRollback pause) its sync turned off. What it keeps is written once, before the
 * patch, and never overwritten: a re-run after a restart reads the owner and sends nothing.
 */
export interface GitOpsDetail extends StepDetailBase {
  kind: 'gitops';
  owner: SyncOwner;
  onRollback: GitOpsOnRollback;
  /** Argo CD automated sync with self-heal on, as read before the first step. */
  selfHeal: boolean;
  /** The source revision when the step read the owner (Argo CD status.sync.revision, Flux lastAppliedRevision). */
  revision?: string | null;
  /** Argo CD: spec.syncPolicy before the pause (null: none), restored on resume. */
  keptSyncPolicy?: Record<string, unknown> | null;
  /** The owner was paused already when the step first read it: the step sent nothing and resume leaves it so. */
  pausedBefore?: boolean;
  /** The pause as sent. */
  changes?: SentChange[];
  /** The rollback ran as a dry run: the pause was only shown, nothing is paused. */
  dryRun?: boolean;
  /** A resume was claimed then and is being sent: a second click is told so, and sends nothing. */
  resumingAt?: number;
  /** Sync resumed after the rollback: by whom and when. */
  resumedBy?: string;
  resumedAt?: number;
}

export type RollbackStepDetail =
  ConfirmDetail | SetWeightDetail | ObserveDetail | VerifyDetail | PostActionsDetail | StopDetail | GitOpsDetail;
export type StepKind = RollbackStepDetail['kind'];

export interface RollbackStep {
  rollbackId: string;
  /** 1, 2, 3, … within the rollback. */
  seq: number;
  name: string;
  status: StepStatus;
  startedAt: number | null;
  finishedAt: number | null;
  /** The runbook's time budget for the step, when it has one. */
  budgetMs: number | null;
  detail: RollbackStepDetail;
}

type FieldsOf<D> = D extends unknown ? Omit<D, 'kind'> : never;
type Intersect<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** Fields to change on a step's detail, whatever its kind; a name no kind has fails the type check. */
export type StepDetailPatch = Partial<Intersect<FieldsOf<RollbackStepDetail>>>;

/** The detail with `patch` applied; the kind stays what it was. */
export function withDetail(detail: RollbackStepDetail, patch: StepDetailPatch): RollbackStepDetail {
  return Object.assign({}, detail, patch);
}
