/**
 * What the Block Kit builders render. The listeners build these from the store; the builders turn
 * them into JSON without reading anything else, so a view model is the whole input of a render.
 */
import type { Operator } from '../../../domain/conditions.ts';
import type { Assessment, Recommendation } from '../../../domain/matrix.ts';
import type { MetricName, MetricUnit } from '../../../domain/metrics.ts';
import type { Action, Incident } from '../../../domain/types.ts';
import type { GitOpsSnapshot } from '../../../services/incident-snapshot.ts';
import type { IncidentNotice } from '../../../services/ports.ts';
import type { Refusal as ServiceRefusal } from '../../../services/refusals.ts';

export interface BreachView {
  metric: MetricName;
  /** A custom metric's unit (a built-in's goes without saying). */
  unit?: MetricUnit;
  op: Operator;
  value: number;
  threshold: number;
}
export type RollbackStrategy = 'immediate' | 'gradual' | 'planned' | 'canary';
export type RollbackStatus =
  'pending' | 'scheduled' | 'running' | 'paused' | 'succeeded' | 'failed' | 'aborted' | 'cancelled';
export interface RollbackView {
  id: string;
  service: string;
  strategy: RollbackStrategy;
  status: RollbackStatus;
  fromVersion: string | null;
  toVersion: string;
  /** Share of traffic (0–100) still on the version being rolled back; null when unknown. */
  newVersionWeight: number | null;
  phase: number | null;
  phaseCount: number | null; // 1-based phase of a gradual rollback
  approvals: { have: number; need: number; by: string[] };
  startedBy: string;
  scheduledFor: number | null;
  error: string | null;
  /** Who re-applies the routing from git, and what the rollback did about its sync. */
  gitops?: GitOpsSnapshot;
}
export interface DecisionView {
  action: Action;
  by: string;
  at: number;
}
export interface IncidentView {
  incident: Incident;
  now: number;
  breaches: BreachView[]; // the metrics that fired, vs thresholds
  assessment: Assessment; // matrix answers so far
  recommendation: Recommendation | null;
  /** The decisions the service can run: the head message offers no other (a blue-green service has no Gradual). */
  actions: readonly Action[];
  decision: DecisionView | null;
  rollback: RollbackView | null; // the incident's current/last rollback
  earlierRollback?: RollbackView | null; // the rollback before a canary that brings the fix in
  escalation: { level: number; label: string } | null; // highest level fired so far
}
/**
 * A thread notice as the services report it (`IncidentNotice`), with the rollback it names resolved
 * to its view: the builders draw from the view, never from an id.
 */
type WithRollback<N> = N extends { rollbackId: string } ? Omit<N, 'rollbackId'> & { rollback: RollbackView } : N;
/** approval_needed carries an Approve button; rollback_scheduled and rollback_reminder a Cancel button. */
export type Note = WithRollback<IncidentNotice>;
/** A service refusal, with the running rollback resolved to its view for the message. */
export type Refusal =
  Exclude<ServiceRefusal, { kind: 'rollback_running' }> | { kind: 'rollback_running'; rollback: RollbackView };
export interface HomeData {
  now: number;
  openIncidents: Array<{ incident: Incident; permalink: string | null }>;
  rollbacks: RollbackView[]; // in progress (pending/scheduled/running/paused)
  nextDrill: { at: number; scenario: string | null; service: string | null } | null;
  timezone: string; // for rendering times (config drills.timezone)
}
