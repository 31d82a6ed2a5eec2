/**
 * Why a request was refused, as data. Services return these instead of throwing for everything a
 * person can cause (not an approver, wrong incident, rollback already running); the Slack adapter
 * turns each into a clear ephemeral message. Nothing is changed when a refusal is returned.
 */
import type { DrillRefusal } from '../domain/drill-refusals.ts';
import type { RollbackStrategy } from '../domain/rollback-record.ts';
import type { StartProblem } from '../domain/step-facts.ts';
import type { IncidentStatus } from '../domain/types.ts';
import type { RollbackControl } from './ports.ts';

export type { DrillRefusal } from '../domain/drill-refusals.ts';

/** The three questions of the judgment matrix (the selects on the head message). */
export type MatrixQuestion = 'userImpact' | 'businessImpact' | 'fixTime';

/** What a person who is not an approver tried to do; each locale names it in its own words. */
export type ApproverAction =
  | { kind: 'rollback'; strategy: RollbackStrategy }
  | { kind: 'approve_rollback' }
  | { kind: 'control'; control: RollbackControl }
  /** Re-deploying a fix as a canary. */
  | { kind: 'canary' }
  | { kind: 'run_drill' }
  | { kind: 'abort_drill' }
  | { kind: 'resolve_incident' }
  /** Turning a GitOps owner's sync back on after a rollback paused it. */
  | { kind: 'resume_gitops' }
  /** Writing Rewind's routing back over a change made behind its back. */
  | { kind: 'reapply_drift' }
  /** Accepting a change made behind Rewind's back as the routing it expects. */
  | { kind: 'accept_drift' };

/** What would have run had the rollback engine been installed in this build. */
export type EngineWork =
  /** `from` null: the version serving was not known. */
  | { kind: 'rollback'; strategy: RollbackStrategy; service: string; from: string | null; to: string }
  /** A fix re-deployed as a canary. */
  | { kind: 'canary'; service: string }
  | { kind: 'control'; control: RollbackControl; rollbackId: string };

export type Refusal =
  | { kind: 'not_approver'; action: ApproverAction; approvers: string[] }
  | { kind: 'same_approver'; rollbackId: string }
  | { kind: 'rollback_running'; rollbackId: string }
  | { kind: 'incident_resolved'; incidentId: string }
  | { kind: 'unknown_incident'; incidentId: string }
  | { kind: 'no_open_incident'; service: string | null }
  | {
      kind: 'several_open_incidents';
      ids: string[];
      /** The subcommand typed, for the example (`/incident resolve INC-…`). */ sub?: string;
    }
  | { kind: 'no_rollback'; service: string }
  /** Pause of a rollback that is paused already. */
  | { kind: 'already_paused'; rollbackId: string }
  /** Resume of a rollback that is running, not paused. */
  | { kind: 'not_paused'; rollbackId: string }
  /** Pause or resume of a rollback still waiting for its approvals or its planned time: only abort applies. */
  | { kind: 'not_started'; rollbackId: string }
  | { kind: 'illegal_transition'; incidentId: string; from: IncidentStatus; to: IncidentStatus }
  | { kind: 'no_target_version'; service: string; fromVersion: string | null; known: string[] }
  /** The version asked for (`to`) is the one serving now: there is nothing to move. */
  | { kind: 'already_serving'; service: string; version: string }
  | { kind: 'engine_unavailable'; what: EngineWork }
  /** `service` is null when the request named none. */
  | { kind: 'unknown_service'; service: string | null; known: string[] }
  | { kind: 'unknown_version'; service: string; version: string; known: string[] }
  /** A dialog names another service than the incident it was opened for (forged, or not Rewind's). */
  | { kind: 'service_mismatch'; incidentId: string; service: string; shown: string }
  /** What a dialog showed is not what would run now: the state moved on while it was open. */
  | { kind: 'plan_changed'; service: string; strategy: 'immediate' | 'gradual' | 'canary'; changes: PlanChange[] }
  /** A dialog's metadata is not what Rewind wrote (forged, corrupted, or from an older Rewind). */
  | { kind: 'dialog_unreadable'; dialog: 'confirm' | 'canary' }
  /**
   * A planned rollback's time that cannot run as planned: `passed` (it came while the dialog was
   * open, or was never ahead), or `too_far` (more than `maxDays` ahead, which `/rollback planned` refuses too).
   */
  | { kind: 'planned_time'; service: string; at: number; problem: 'passed' | 'too_far'; maxDays: number }
  | DrillRefusal
  /**
   * A gradual rollback of a service whose router moves all traffic at once (blue-green): only an
   * immediate one can run.
   */
  | { kind: 'gradual_not_possible'; service: string; router: string }
  /** A fix cannot come in as a canary on a router that moves all traffic at once. */
  | { kind: 'canary_not_possible'; service: string; router: string }
  /** The fix canary comes after the rollback: the incident is resolved, or a fix is being tried. */
  | { kind: 'canary_too_early'; incidentId: string; status: IncidentStatus }
  | { kind: 'other_incident_open'; incidentId: string; service: string }
  | { kind: 'serving_unknown'; service: string }
  | { kind: 'no_fix_version'; service: string }
  | { kind: 'fix_is_serving'; service: string; version: string }
  | { kind: 'fix_is_bad_version'; incidentId: string; version: string }
  | { kind: 'unknown_rollback'; rollbackId: string }
  /** The engine would not start it; `reason` is what Kubernetes or the engine said (outside text). */
  | { kind: 'start_failed'; what: 'rollback' | 'canary'; problem: StartProblem }
  /** An Abort button that names no drill (forged or damaged): it must not abort whichever runs. */
  | { kind: 'drill_button_unnamed' }
  /** A matrix select whose value is none of the question's answers (forged or from an older Rewind). */
  | { kind: 'not_an_answer'; question: MatrixQuestion; value: string }
  /** A fix-preparation checklist on a message of no incident Rewind knows. */
  | { kind: 'unknown_checklist' }
  /**
   * The rollback left no GitOps sync paused: none was, it was paused already before, or it was
   * resumed; `resuming`: another click is resuming it right now; `confirming`: another click is
   * asking its confirmation (the source still has the paused revision), so a dialog is open.
   */
  | { kind: 'gitops_not_paused'; rollbackId: string; resuming?: boolean; confirming?: boolean }
  /** The GitOps owner could not be read or resumed; `message`: what Kubernetes said (outside text). */
  | { kind: 'gitops_failed'; target: string; message: string }
  /** A drift button naming no routing drift Rewind noted (forged, or from another database). */
  | { kind: 'unknown_drift'; driftId: number }
  /** The routing drift was re-applied or accepted already. */
  | { kind: 'drift_settled'; driftId: number }
  /** A later change of the same routing was noted since: this note's splits are no longer live. */
  | { kind: 'drift_superseded'; driftId: number }
  /** Re-apply's write failed; `message`: what Kubernetes said (outside text). */
  | { kind: 'drift_reapply_failed'; message: string };

/**
 * One difference between a dialog and the plan as it stands when it is submitted. `from` is the
 * version serving (a canary's stable version); `phases` the share left on it after each phase of a
 * gradual rollback, `steps` the share on the fix at each step of a canary.
 */
export type PlanChange =
  | { field: 'from' | 'to'; shown: string | null; now: string | null }
  /** The incident the rollback belongs to (null: none, a new one is opened for it). */
  | { field: 'incident'; shown: string | null; now: string | null }
  /** `shownFrom` / `nowFrom`: the share the version had when the dialog opened, and has now (null: not read). */
  | { field: 'phases'; shown: number[]; now: number[]; shownFrom: number | null; nowFrom: number | null }
  | { field: 'steps'; shown: number[]; now: number[] }
  | { field: 'dry_run'; shown: boolean; now: boolean }
  | { field: 'approvals'; shown: number; now: number };

export type Outcome<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const refuse = <T = never>(refusal: Refusal): Outcome<T> => ({ ok: false, refusal });
export const notApprover = (action: ApproverAction, approvers: string[]): Refusal => ({
  kind: 'not_approver',
  action,
  approvers,
});

/** A refusal as one plain English line, for logs and the command line (Slack renders its own, per locale). */
export { refusalLine } from './refusal-lines.ts';
