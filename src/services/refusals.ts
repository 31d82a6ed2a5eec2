/**
 * Why a request was refused, as data. Services return these instead of throwing for everything a
 * person can cause (not an approver, wrong incident, rollback already running); the Slack adapter
 * turns each into a clear ephemeral message. Nothing is changed when a refusal is returned.
 */
import type { IncidentStatus } from '../domain/types.ts';

export type Refusal =
  | { kind: 'not_approver'; action: string; approvers: string[] }
  | { kind: 'same_approver'; rollbackId: string }
  | { kind: 'rollback_running'; rollbackId: string }
  | { kind: 'incident_resolved'; incidentId: string }
  | { kind: 'unknown_incident'; incidentId: string }
  | { kind: 'no_open_incident'; service: string | null }
  | { kind: 'several_open_incidents'; ids: string[] }
  | { kind: 'no_rollback'; service: string }
  | { kind: 'illegal_transition'; incidentId: string; from: IncidentStatus; to: IncidentStatus }
  | { kind: 'no_target_version'; service: string; fromVersion: string | null; known: string[] }
  | { kind: 'engine_unavailable'; what: string }
  | { kind: 'error'; message: string };

export type Outcome<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const refuse = <T = never>(refusal: Refusal): Outcome<T> => ({ ok: false, refusal });
