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
  | { kind: 'injector_unavailable'; problem: InjectorProblem }
  /**
   * A drill that would fault something it must not (a route that is not the drill service's own):
   * a safety refusal, not a failure. `reason` and `reasonJa` say the same in English and Japanese.
   */
  | { kind: 'drill_refused'; service: string; reason: string; reasonJa: string };

/** Why the configured fault injector cannot work in this process; found once, at start. */
export type InjectorProblem =
  /** `istio-fault` writes VirtualServices, and Rewind has no Kubernetes access here. */
  | { kind: 'needs_kubernetes' }
  /** `simulated` drives the simulated metrics provider, and another provider is configured. */
  | { kind: 'needs_simulated_metrics' }
  /** The process was started without an injector (a test or embedding that gave none). */
  | { kind: 'not_set_up' }
  /** What building the injector threw, as it said it. */
  | { kind: 'other'; message: string };

/** The English line of an injector problem: logs, the command line, the drill's stored error. */
export function injectorProblemLine(p: InjectorProblem): string {
  switch (p.kind) {
    case 'needs_kubernetes':
      return (
        'drills.injector.kind is istio-fault, but Rewind runs without Kubernetes access here; give it a kubeconfig ' +
        '(KUBECONFIG or the in-cluster service account), or set drills.injector to kind: http (with url) or ' +
        'kind: simulated'
      );
    case 'needs_simulated_metrics':
      return (
        'drills.injector.kind is simulated, which drives the simulated metrics provider, but metrics.provider is ' +
        'not simulated; set metrics.provider: simulated, or use drills.injector kind: istio-fault (with ' +
        'virtualService) or kind: http (with url)'
      );
    case 'not_set_up':
      return 'no fault injector was set up';
    case 'other':
      return p.message;
  }
}

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
