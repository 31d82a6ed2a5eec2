/**
 * The ephemeral refusals a person sees when the bot will not do what they asked. A refusal always
 * says what was wrong and what to do instead. The refusals about what a request or a dialog names
 * are worded in plan-refusals.ts, those about drills in drill-refusals.ts.
 */
import type { Locale } from '../i18n/locale.ts';
import { REFUSAL_STRINGS } from '../i18n/refusals.ts';
import { STEP_FACT_STRINGS } from '../i18n/step-facts.ts';
import { TERMS } from '../i18n/terms.ts';
import { DRILL_REFUSAL_STRINGS } from '../i18n/drill-refusals.ts';
import type { ApproverAction, EngineWork } from '../../../services/refusals.ts';
import { escapeMrkdwn, mentionList } from './format.ts';
import { SLACK_LIMITS, clip } from './limits.ts';
import { planRefusalLine } from './plan-refusals.ts';
import { drillRefusalLine } from './drill-refusals.ts';
import { driftNotApproverLine, driftRefusalLine } from './drift.ts';
import { DRIFT_STRINGS } from '../i18n/drift.ts';
import { rollbackState } from './rollback-summary.ts';
import type { Refusal } from './view-models.ts';

/** Incident ids listed in a refusal before the rest is cut off. */
const MAX_LISTED_IDS = 10;

/** Names what a person who is not an approver tried, in the reader's language. */
function approverActionLabel(action: ApproverAction, locale: Locale): string {
  const words = REFUSAL_STRINGS[locale].approverAction;
  switch (action.kind) {
    case 'rollback':
      return TERMS[locale].strategy[action.strategy];
    case 'approve_rollback':
      return words.approveRollback;
    case 'control':
      return words.control[action.control];
    case 'canary':
      return words.canary;
    case 'run_drill':
      return words.runDrill;
    case 'abort_drill':
      return words.abortDrill;
    case 'resolve_incident':
      return words.resolveIncident;
    case 'resume_gitops':
      return words.resumeGitOps;
    case 'reapply_drift':
      return DRIFT_STRINGS[locale].action.reapply;
    case 'accept_drift':
      return DRIFT_STRINGS[locale].action.accept;
  }
}

/** Names what the engine would have run, in the reader's language. */
function engineWorkText(work: EngineWork, locale: Locale): string {
  const words = REFUSAL_STRINGS[locale].engineWork;
  const terms = TERMS[locale];
  switch (work.kind) {
    case 'rollback': {
      const from = work.from === null ? terms.unknownVersion : `\`${escapeMrkdwn(work.from)}\``;
      const versions = `${from} → \`${escapeMrkdwn(work.to)}\``;
      return words.rollback(terms.strategy[work.strategy], escapeMrkdwn(work.service), versions);
    }
    case 'canary':
      return words.canary(escapeMrkdwn(work.service));
    case 'control':
      return words.control[work.control](escapeMrkdwn(work.rollbackId));
  }
}

/** `timeZone`: the team's zone (drills.timezone), for the refusals that name a time. */
export function refusalText(refusal: Refusal, locale: Locale, timeZone = 'UTC'): string {
  return clip(refusalLine(refusal, locale, timeZone), SLACK_LIMITS.sectionText);
}

function refusalLine(refusal: Refusal, locale: Locale, timeZone: string): string {
  const s = REFUSAL_STRINGS[locale];
  const terms = TERMS[locale];
  switch (refusal.kind) {
    case 'not_approver': {
      const action = approverActionLabel(refusal.action, locale);
      const kind = refusal.action.kind;
      // The drift buttons keep the words their notes always had.
      if ((kind === 'reapply_drift' || kind === 'accept_drift') && refusal.approvers.length > 0)
        return driftNotApproverLine(kind, mentionList(refusal.approvers, locale), locale);
      return refusal.approvers.length > 0
        ? s.notApprover(action, mentionList(refusal.approvers, locale))
        : s.noApprovers(action);
    }
    case 'same_approver':
      return s.sameApprover(escapeMrkdwn(refusal.rollbackId));
    case 'rollback_running': {
      const r = refusal.rollback;
      const state = [terms.rollbackStatus[r.status], rollbackState(r, locale)].filter((p): p is string => p !== null);
      return s.rollbackRunning(escapeMrkdwn(r.service), terms.strategy[r.strategy], state.join(terms.listSeparator));
    }
    case 'incident_resolved':
      return s.incidentResolved(escapeMrkdwn(refusal.incidentId));
    case 'unknown_incident':
      return s.unknownIncident(escapeMrkdwn(refusal.incidentId));
    case 'no_open_incident':
      return refusal.service === null ? s.noOpenIncident : s.noOpenIncidentFor(escapeMrkdwn(refusal.service));
    case 'several_open_incidents': {
      const ids = refusal.ids.map(escapeMrkdwn);
      const listed = ids.slice(0, MAX_LISTED_IDS).join(terms.listSeparator) + (ids.length > MAX_LISTED_IDS ? ' …' : '');
      return s.severalOpenIncidents(listed, `${refusal.sub ?? 'ack'} ${ids[0] ?? 'INC-…'}`);
    }
    case 'no_rollback':
      return s.noRollback(escapeMrkdwn(refusal.service));
    case 'already_paused':
      return s.alreadyPaused(escapeMrkdwn(refusal.rollbackId));
    case 'not_paused':
      return s.notPaused(escapeMrkdwn(refusal.rollbackId));
    case 'not_started':
      return s.notStarted(escapeMrkdwn(refusal.rollbackId));
    case 'already_serving':
      return s.alreadyServing(escapeMrkdwn(refusal.service), escapeMrkdwn(refusal.version));
    case 'illegal_transition':
      return s.illegalTransition(
        escapeMrkdwn(refusal.incidentId),
        terms.incidentStatus[refusal.from],
        terms.incidentStatus[refusal.to],
      );
    case 'no_target_version': {
      const service = escapeMrkdwn(refusal.service);
      const from = refusal.fromVersion === null ? terms.unknownVersion : `\`${escapeMrkdwn(refusal.fromVersion)}\``;
      if (refusal.known.length === 0) return s.noKnownVersions(service, from);
      return s.noTargetVersion(
        service,
        from,
        refusal.known.map((v) => `\`${escapeMrkdwn(v)}\``).join(terms.listSeparator),
      );
    }
    case 'engine_unavailable':
      return s.engineUnavailable(engineWorkText(refusal.what, locale));
    case 'canary_too_early':
      return s.canaryTooEarly(escapeMrkdwn(refusal.incidentId), terms.incidentStatus[refusal.status]);
    case 'other_incident_open':
      return s.otherIncidentOpen(escapeMrkdwn(refusal.incidentId), escapeMrkdwn(refusal.service));
    case 'serving_unknown':
      return s.servingUnknown(escapeMrkdwn(refusal.service));
    case 'no_fix_version':
      return s.noFixVersion(escapeMrkdwn(refusal.service));
    case 'fix_is_serving':
      return s.fixIsServing(escapeMrkdwn(refusal.service), escapeMrkdwn(refusal.version));
    case 'fix_is_bad_version':
      return s.fixIsBadVersion(escapeMrkdwn(refusal.incidentId), escapeMrkdwn(refusal.version));
    case 'unknown_rollback':
      return s.unknownRollback(escapeMrkdwn(refusal.rollbackId));
    case 'gitops_not_paused':
      if (refusal.confirming) return s.gitopsConfirming(escapeMrkdwn(refusal.rollbackId));
      return (refusal.resuming ? s.gitopsResuming : s.gitopsNotPaused)(escapeMrkdwn(refusal.rollbackId));
    case 'gitops_failed':
      return s.gitopsFailed(escapeMrkdwn(refusal.target), escapeMrkdwn(clip(refusal.message, 500)));
    case 'unknown_drift':
    case 'drift_settled':
    case 'drift_superseded':
    case 'drift_reapply_failed':
      return driftRefusalLine(refusal, locale);
    case 'start_failed': {
      // What Kubernetes or the engine said is shown as it said it; a problem of Rewind's own, in the reader's words.
      const p = refusal.problem;
      const why = p.kind === 'error' ? p.message : STEP_FACT_STRINGS[locale].startProblem(p);
      return s.startFailed(refusal.what, escapeMrkdwn(clip(why.trim().replace(/[.。]+$/, ''), 500)));
    }
    case 'gradual_not_possible':
      return s.gradualNotPossible(escapeMrkdwn(refusal.service), escapeMrkdwn(refusal.router));
    case 'canary_not_possible':
      return s.canaryNotPossible(escapeMrkdwn(refusal.service), escapeMrkdwn(refusal.router));
    case 'drill_button_unnamed':
      return DRILL_REFUSAL_STRINGS[locale].buttonUnnamed;
    case 'not_an_answer':
      return s.notAnAnswer(escapeMrkdwn(refusal.value), terms.question[refusal.question]);
    case 'unknown_checklist':
      return s.unknownChecklist;
    case 'unknown_service':
    case 'unknown_version':
    case 'service_mismatch':
    case 'plan_changed':
    case 'dialog_unreadable':
    case 'planned_time':
      return planRefusalLine(refusal, locale, timeZone);
    default:
      return drillRefusalLine(refusal, locale);
  }
}
