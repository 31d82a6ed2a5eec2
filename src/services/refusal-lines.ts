/**
 * Every refusal as one plain English line, for the command line and the logs (Slack writes its own,
 * per locale, with formatting). The switch is exhaustive: a new kind without a line does not compile.
 */
import { injectorProblemLine, type DrillRefusal } from '../domain/drill-refusals.ts';
import { startProblemLine } from '../domain/step-facts.ts';
import type { ApproverAction, EngineWork, PlanChange, Refusal } from './refusals.ts';

const list = (xs: readonly string[]): string => (xs.length > 0 ? xs.join(', ') : 'none');
const changed = (c: PlanChange): string => c.field;

/** What was refused, after "only approvers may" (the words the services once wrote into the refusal). */
function approverActionLine(a: ApproverAction): string {
  switch (a.kind) {
    case 'rollback':
      return `run ${a.strategy === 'immediate' ? 'an' : 'a'} ${a.strategy} rollback`;
    case 'approve_rollback':
      return 'approve a rollback';
    case 'control':
      return `${a.control} a rollback`;
    case 'canary':
      return 're-deploy a fix as a canary';
    case 'run_drill':
      return 'run a drill';
    case 'abort_drill':
      return 'abort a drill';
    case 'resolve_incident':
      return 'resolve an incident';
    case 'resume_gitops':
      return 'resume a GitOps sync';
    case 'reapply_drift':
      return "re-apply Rewind's routing";
    case 'accept_drift':
      return 'accept a routing change';
  }
}

function engineWorkLine(w: EngineWork): string {
  switch (w.kind) {
    case 'rollback':
      return `${w.strategy} rollback of ${w.service} ${w.from ?? '?'} → ${w.to}`;
    case 'canary':
      return `a canary of ${w.service}`;
    case 'control':
      return `${w.control} of ${w.rollbackId}`;
  }
}

export function refusalLine(r: Refusal): string {
  switch (r.kind) {
    case 'not_approver': {
      const action = approverActionLine(r.action);
      return r.approvers.length > 0
        ? `only approvers may ${action} (approvers: ${list(r.approvers)}); the attempt was recorded`
        : `only approvers may ${action}, and none are configured (slack.approvers); the attempt was recorded`;
    }
    case 'same_approver':
      return (
        `rollback ${r.rollbackId} was already approved or requested by you; the next approval must come from another ` +
        `approver`
      );
    case 'rollback_running':
      return `rollback ${r.rollbackId} is already in progress; one rollback per service runs at a time`;
    case 'incident_resolved':
      return `incident ${r.incidentId} is already resolved; nothing was changed`;
    case 'unknown_incident':
      return `there is no incident ${r.incidentId}`;
    case 'no_open_incident':
      return r.service === null ? 'there is no open incident' : `there is no open incident for ${r.service}`;
    case 'several_open_incidents':
      return `several incidents are open (${list(r.ids)}): name the one you mean`;
    case 'no_rollback':
      return `no rollback of ${r.service} is in progress`;
    case 'already_paused':
      return `${r.rollbackId} is already paused`;
    case 'not_paused':
      return `${r.rollbackId} is not paused`;
    case 'not_started':
      return `${r.rollbackId} has not started yet (it waits for approvals or its planned time): it can only be aborted`;
    case 'illegal_transition':
      return `incident ${r.incidentId} is ${r.from}; it cannot move to ${r.to} from there`;
    case 'no_target_version':
      return (
        `there is no version to roll ${r.service} back to from ${r.fromVersion ?? 'the current version'}; known ` +
        `versions: ${list(r.known)}`
      );
    case 'already_serving':
      return `${r.version} is already serving ${r.service}`;
    case 'engine_unavailable':
      return `the rollback engine is not installed in this build: ${engineWorkLine(r.what)} was recorded but not run`;
    case 'unknown_service':
      return r.service === null
        ? `no service was named; configured: ${list(r.known)}`
        : `${r.service} is not a configured service; configured: ${list(r.known)}`;
    case 'unknown_version':
      return `${r.version} is not a known version of ${r.service}; known versions: ${list(r.known)}`;
    case 'service_mismatch':
      return `the dialog names ${r.shown}, but incident ${r.incidentId} is about ${r.service}; nothing was started`;
    case 'plan_changed':
      return (
        `the ${r.strategy} rollback of ${r.service} changed while the dialog was open ` +
        `(${r.changes.map(changed).join(', ')}); nothing was started`
      );
    case 'dialog_unreadable':
      return `the ${r.dialog} dialog could not be read as Rewind wrote it; nothing was started`;
    case 'planned_time':
      return r.problem === 'passed'
        ? `the planned time for ${r.service} (${new Date(r.at).toISOString()}) has passed; nothing was scheduled`
        : `the planned time for ${r.service} (${new Date(r.at).toISOString()}) is more than ${r.maxDays} days ahead; ` +
            `nothing was scheduled`;
    case 'gradual_not_possible':
      return (
        `${r.service} is routed by ${r.router}, which moves all traffic at once: only an immediate rollback can ` +
        `run`
      );
    case 'canary_not_possible':
      return `${r.service} is routed by ${r.router}, which moves all traffic at once: a fix cannot come in as a canary`;
    case 'canary_too_early':
      return (
        `a fix comes in as a canary once ${r.incidentId} is resolved by a rollback, or while a fix is tried; it is ` +
        `${r.status} now`
      );
    case 'other_incident_open':
      return `${r.incidentId} is open on ${r.service}: settle it before bringing a fix in`;
    case 'serving_unknown':
      return `Rewind cannot tell which version of ${r.service} serves traffic now, so it cannot plan the canary`;
    case 'no_fix_version':
      return `no other version of ${r.service} is configured (services.${r.service}.versions)`;
    case 'fix_is_serving':
      return `${r.version} already serves all traffic of ${r.service}: choose the fixed version`;
    case 'fix_is_bad_version':
      return `${r.version} is the version ${r.incidentId} is about: choose the fixed version`;
    case 'unknown_rollback':
      return `there is no rollback ${r.rollbackId}`;
    case 'gitops_not_paused':
      if (r.confirming) return `a confirmation to resume the GitOps sync ${r.rollbackId} paused is open already`;
      if (r.resuming) return `the GitOps sync ${r.rollbackId} paused is already being resumed`;
      return `${r.rollbackId} left no GitOps sync paused, so there is nothing to resume`;
    case 'gitops_failed':
      return `${r.target}: ${r.message}`;
    case 'unknown_drift':
      return `there is no routing drift ${r.driftId}`;
    case 'drift_settled':
      return `routing drift ${r.driftId} was settled already`;
    case 'drift_superseded':
      return `routing drift ${r.driftId} was superseded by a later change; act on the latest note`;
    case 'drift_reapply_failed':
      return `Rewind's routing was not re-applied: ${r.message}`;
    case 'start_failed':
      return `the ${r.what} could not start: ${startProblemLine(r.problem)}`;
    case 'drill_button_unnamed':
      return 'this button names no drill; use /drill abort <id>';
    case 'not_an_answer':
      return `"${r.value}" is not an answer to the ${r.question} question`;
    case 'unknown_checklist':
      return 'this checklist does not belong to an incident Rewind knows';
    default:
      return drillRefusalLine(r);
  }
}

function drillRefusalLine(r: DrillRefusal): string {
  switch (r.kind) {
    case 'drill_incident_open':
      return (
        `${r.incidentId} is open on ${r.service}: a drill now would be mixed up with it; run it once that incident ` +
        `is resolved`
      );
    case 'drill_already_running':
      return `${r.drillId} is running; one drill at a time (abort it with /drill abort)`;
    case 'drill_rollback_active':
      return `rollback ${r.rollbackId} holds ${r.service}; run the drill once it is over`;
    case 'drill_not_startable':
      return `${r.drillId ?? 'the drill'} was already started or cancelled`;
    case 'drill_ended_while_applying':
      return `${r.drillId} ended while its fault was being applied; the fault was removed again`;
    case 'drill_fault_not_applied':
      return `${r.drillId}: the fault could not be applied: ${r.message}`;
    case 'drill_started_meanwhile':
      return `${r.drillId} started meanwhile; abort it again`;
    case 'drill_not_running':
      return `${r.drillId} is ${r.status}, not running`;
    case 'drill_ended_meanwhile':
      return `${r.drillId} ended on its own meanwhile; its fault is removed`;
    case 'unknown_drill':
      return r.drillId === null ? 'no drill is running' : `there is no drill ${r.drillId}`;
    case 'drill_not_scored':
      return `${r.drillId} has no scorecard yet: ratings come after the drill`;
    case 'rating_out_of_range':
      return `a rating is ${r.min} to ${r.max}; got ${r.rating}`;
    case 'unknown_scenario':
      return `unknown scenario "${r.scenario}"; configured: ${list(r.known)}`;
    case 'no_drill_service':
      return 'no service is marked drill: allowed in rewind.yml, so no drill can run';
    case 'drill_service_unconfigured':
      return `drills.service names ${r.service}, which is not configured`;
    case 'drill_not_allowed':
      return (
        `${r.service} is not marked drill: allowed; a drill injects real faults, so it only runs where that is ` +
        `allowed`
      );
    case 'injector_unavailable':
      return `the drill injector cannot run: ${injectorProblemLine(r.problem)}`;
    case 'drill_refused':
      return `the drill on ${r.service} is refused and nothing was changed: ${r.reason}`;
  }
}
