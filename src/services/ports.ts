/**
 * The ports the services talk through. Adapters implement them (Slack, Kubernetes, metrics);
 * tests implement them with recorders. Nothing here knows Slack or Kubernetes.
 */
import type { Action } from '../domain/types.ts';
import type { Assessment, Recommendation } from '../domain/matrix.ts';
import type { RollbackRecord } from '../store/index.ts';
import type { Actor } from '../domain/types.ts';

export type RollbackControl = 'pause' | 'resume' | 'abort';

/**
 * The rollback engine (issue 4 implements it on Kubernetes). The decision service has already
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

/** What happened to an incident, for its thread. The adapter decides how it reads. */
export type IncidentNotice =
  | { kind: 'assessment'; by: string; assessment: Assessment; recommendation: Recommendation | null }
  | { kind: 'decision'; action: Action; by: string; recommended: Action | null }
  | { kind: 'rollback_requested'; rollbackId: string; by: string }
  | { kind: 'approval_needed'; rollbackId: string; by: string }
  | { kind: 'approved'; rollbackId: string; by: string }
  | { kind: 'rollback_control'; control: RollbackControl; rollbackId: string; by: string }
  | { kind: 'acknowledged'; by: string }
  | { kind: 'resolved'; by: string }
  | { kind: 'escalation'; level: number; label: string; notify: string[]; lateMs: number };

/**
 * Tells people about incidents: the head message is re-rendered from the stored state after every
 * change (`changed`), and notices go to its thread. Implementations must not throw: a Slack outage
 * must never undo or block a decision already stored.
 */
export interface IncidentNotifier {
  changed(incidentId: string): void;
  notice(incidentId: string, notice: IncidentNotice): void;
}

export const silentNotifier: IncidentNotifier = { changed: () => {}, notice: () => {} };

/**
 * The engine of a build without one (until the Kubernetes engine is wired in): every request is
 * refused up front by the services with a message saying so, and nothing is recorded.
 */
export const noRollbackEngine: RollbackEngine = {
  available: false,
  start: () => Promise.reject(new Error('no rollback engine is installed')),
  control: () => Promise.reject(new Error('no rollback engine is installed')),
};
