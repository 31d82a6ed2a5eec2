/**
 * Why a timeline line happened, as data: the reasons Rewind itself gives (a rollback recovered the
 * service, a drill ended, the engine could not go on) are kinds with their facts, so each reader says
 * them in its own language. Text from outside (a Kubernetes error, words a person typed) stays a
 * string field. Lines written by earlier builds kept an English sentence: the store reads it as the
 * `recorded` kind, shown as it was written.
 */
import type { DrillEnding, DrillStatus } from './drill-records.ts';
import type { FinishReason, StepFailure } from './step-facts.ts';

/** A reason kept as a sentence: what an earlier build stored, shown as written. */
export interface RecordedReason {
  kind: 'recorded';
  text: string;
}

/** Why an incident's status changed, when whoever moved it said why. */
export type StatusReason =
  /** The metrics confirmed recovery after the rollback named on the line. */
  | { kind: 'recovered_after_rollback' }
  /** A 修正を試みる incident resolved by its fix, brought in as a cautious canary. */
  | { kind: 'fix_deployed_as_canary'; version: string }
  /** The drill behind a drill incident is over; `status` says how when no ending was recorded. */
  | { kind: 'drill_over'; drillId: string; ending: DrillEnding | null; status: DrillStatus }
  /** A rollback was started by hand for an incident that was only watched. */
  | { kind: 'manual_rollback' }
  /** The rollback or canary did not succeed: the decision goes back to people, and why. */
  | { kind: 'rollback_ended'; why: FinishReason }
  | RecordedReason;

/** Why a rollback or canary ended as it did, as the engine found it. */
export type RollbackEndReason = FinishReason | RecordedReason;

/** Why a pending canary was cancelled. */
export type CanaryCancelReason =
  /** A newer incident needs a rollback of the same service, which comes first. */
  { kind: 'superseded'; incidentId: string; service: string } | RecordedReason;

/** Why a level was told before its time. */
export type EscalationReason =
  /** The rollback engine could not go on: a step failed for good. */
  { kind: 'engine_failed'; noun: 'rollback' | 'canary'; rollbackId: string; failure: StepFailure } | RecordedReason;
