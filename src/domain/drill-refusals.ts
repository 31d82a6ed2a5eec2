/**
 * Why a drill request was refused, as data: the services return these, a drill that could not
 * start at its time keeps one as its ending, and the Slack adapter writes each as a sentence in
 * the team's language. Outside text (what an injector or Kubernetes said) is a field of its own.
 */
import type { DrillStatus } from './drill-records.ts';

export type DrillRefusal =
  /** A real incident is open on the drill service: a drill now would be mixed up with it. */
  | { kind: 'drill_incident_open'; incidentId: string; service: string }
  /** One drill at a time. */
  | { kind: 'drill_already_running'; drillId: string }
  | { kind: 'drill_rollback_active'; rollbackId: string; service: string }
  /** A scheduled drill claimed by someone else first (started, or cancelled); null: a manual run. */
  | { kind: 'drill_not_startable'; drillId: string | null }
  /** Aborted while its fault was on its way; the fault was removed again. */
  | { kind: 'drill_ended_while_applying'; drillId: string }
  /** `message`: what the injector or Kubernetes said (outside text). */
  | { kind: 'drill_fault_not_applied'; drillId: string; message: string }
  /** A scheduled drill that started while it was being cancelled. */
  | { kind: 'drill_started_meanwhile'; drillId: string }
  | { kind: 'drill_not_running'; drillId: string; status: DrillStatus }
  | { kind: 'drill_ended_meanwhile'; drillId: string }
  /** `drillId` null: the request named none and none is running. */
  | { kind: 'unknown_drill'; drillId: string | null }
  /** Ratings come once the drill is scored. */
  | { kind: 'drill_not_scored'; drillId: string }
  | { kind: 'rating_out_of_range'; rating: number; min: number; max: number }
  | { kind: 'unknown_scenario'; scenario: string; known: string[] }
  /** No service is marked `drill: allowed`. */
  | { kind: 'no_drill_service' }
  /** drills.service names a service that is not configured. */
  | { kind: 'drill_service_unconfigured'; service: string }
  | { kind: 'drill_not_allowed'; service: string }
  /** `reason`: why the configured injector cannot work here (outside text). */
  | { kind: 'injector_unavailable'; reason: string }
  /**
   * A drill that would fault something it must not (a route that is not the drill service's own):
   * a safety refusal, not a failure. `reason` and `reasonJa` say the same in English and Japanese.
   */
  | { kind: 'drill_refused'; service: string; reason: string; reasonJa: string };

export type DrillRefusalKind = DrillRefusal['kind'];

/** Every kind, once: a kind added to the union and not here does not compile. */
const KINDS: Record<DrillRefusalKind, true> = {
  drill_incident_open: true,
  drill_already_running: true,
  drill_rollback_active: true,
  drill_not_startable: true,
  drill_ended_while_applying: true,
  drill_fault_not_applied: true,
  drill_started_meanwhile: true,
  drill_not_running: true,
  drill_ended_meanwhile: true,
  unknown_drill: true,
  drill_not_scored: true,
  rating_out_of_range: true,
  unknown_scenario: true,
  no_drill_service: true,
  drill_service_unconfigured: true,
  drill_not_allowed: true,
  injector_unavailable: true,
  drill_refused: true,
};

export function isDrillRefusal(r: { kind: string }): r is DrillRefusal {
  return Object.hasOwn(KINDS, r.kind);
}
