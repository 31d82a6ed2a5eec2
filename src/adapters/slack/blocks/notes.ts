/**
 * Thread replies under an incident's head message (everything about an incident goes in its thread)
 * and the ephemeral refusals a person sees when the bot will not do what they asked. A refusal
 * always says what was wrong and what to do instead.
 */
import type { KnownBlock } from '@slack/types';
import type { Assessment } from '../../../domain/matrix.ts';
import { FIX_PREPARATION } from '../../../domain/checklists.ts';
import { CANARY_STRINGS } from '../i18n/canary.ts';
import { INCIDENT_STRINGS } from '../i18n/incident.ts';
import type { Locale } from '../i18n/locale.ts';
import { NOTE_STRINGS, REFUSAL_STRINGS } from '../i18n/notes.ts';
import { TERMS, type Terms } from '../i18n/terms.ts';
import { ACTION, BLOCK } from '../ids.ts';
import { actions, button, section } from './elements.ts';
import { escapeMrkdwn, formatElapsed, link, mention, mentionList, formatTimeInZone } from './format.ts';
import { SLACK_LIMITS, clip } from './limits.ts';
import { breachLine, recommendationText } from './incident.ts';
import { planRefusalLine } from './plan-refusals.ts';
import { drillRefusalLine } from './drill-refusals.ts';
import { DRILL_REFUSAL_STRINGS } from '../i18n/drill-refusals.ts';
import { progressLine, rollbackSplit, versionsText } from './rollback-summary.ts';
import { rollbackStepText } from './rollback-step.ts';
import { STEP_FACT_STRINGS } from '../i18n/step-facts.ts';
import { alertLine } from './alert-notes.ts';
import type { ChannelNotice } from '../../../services/ports.ts';
import type { ApproverAction, EngineWork } from '../../../services/refusals.ts';
import type { Note, Refusal, RollbackView } from './view-models.ts';

/** Escalations that fire less than this after their due time are on time (the timer tick's own jitter). */
const LATE_NOTICE_MS = 60_000;
/** Incident ids listed in a refusal before the rest is cut off. */
const MAX_LISTED_IDS = 10;
/**
 * Outside text (alert labels and summaries) is cut to these before it is escaped and put in a
 * text-only message: such a message is a line to read, not a copy of the alert (which is stored).
 */
const SERVICE_SHOWN = 200;
const SUMMARY_SHOWN = 500;
const NAME_SHOWN = 60;

/** `timeZone`: the team's zone (drills.timezone), in which every time in a note is written and named. */
export function noteMessage(note: Note, locale: Locale, timeZone: string): { text: string; blocks: KnownBlock[] } {
  const text = clip(noteText(note, locale, timeZone), SLACK_LIMITS.sectionText);
  const blocks: KnownBlock[] = [section(text)];
  if (note.kind === 'rollback_scheduled' || note.kind === 'rollback_reminder') {
    blocks.push(
      actions(BLOCK.rollbackControls, [
        button({ actionId: ACTION.abort, text: INCIDENT_STRINGS[locale].button.cancelScheduled, value: note.rollback.id, style: 'danger' }),
      ]),
    );
  }
  if (note.kind === 'fix_prep') {
    blocks.push(...fixPrepBlocks(note.checked, locale));
    blocks.push(actions(BLOCK.decisions, [button({ actionId: ACTION.canaryFix, text: CANARY_STRINGS[locale].button, value: note.incidentId, style: 'primary' })]));
  }
  if (note.kind === 'resolved') {
    blocks.push(actions(BLOCK.decisions, [button({ actionId: ACTION.draftRca, text: NOTE_STRINGS[locale].draftRca, value: note.incidentId })]));
  }
  if (note.kind === 'not_recovered') {
    blocks.push(
      actions(BLOCK.decisions, [button({ actionId: ACTION.immediate, text: NOTE_STRINGS[locale].nextFallback, value: note.incidentId, style: 'danger' })]),
    );
  }
  if (note.kind === 'alerts_resolved') {
    blocks.push(
      actions(BLOCK.decisions, [button({ actionId: ACTION.resolve, text: INCIDENT_STRINGS[locale].button.resolve, value: note.incidentId, style: 'primary' })]),
    );
  }
  if (note.kind === 'approval_needed') {
    blocks.push(
      actions(BLOCK.rollbackControls, [
        button({ actionId: ACTION.approve, text: INCIDENT_STRINGS[locale].button.approve, value: note.rollback.id, style: 'primary' }),
      ]),
    );
  }
  return { text, blocks };
}

function noteText(note: Note, locale: Locale, timeZone: string): string {
  const s = NOTE_STRINGS[locale];
  const terms = TERMS[locale];
  switch (note.kind) {
    case 'decision': {
      const lines = [s.decision(mention(note.by), terms.action[note.action])];
      if (note.recommended === note.action) lines.push(s.decisionAsRecommended);
      else if (note.recommended !== null) lines.push(s.decisionAgainstRecommendation(terms.action[note.recommended]));
      return lines.join(terms.sentenceSeparator);
    }
    case 'assessment': {
      const lines = [s.assessment(mention(note.by), assessmentText(note.assessment, terms))];
      if (note.recommendation) {
        lines.push(recommendationText(note.recommendation, locale));
      } else {
        lines.push(s.assessmentIncomplete);
      }
      return lines.join('\n');
    }
    case 'rollback_requested':
      return s.rollbackRequested(mention(note.by), terms.strategy[note.rollback.strategy], escapeMrkdwn(note.rollback.service), versionsText(note.rollback, locale));
    case 'approval_needed': {
      const r = note.rollback;
      return s.approvalNeeded(mention(note.by), terms.strategy[r.strategy], escapeMrkdwn(r.service), versionsText(r, locale), r.approvals.have, r.approvals.need);
    }
    case 'approved': {
      const r = note.rollback;
      const missing = r.approvals.need - r.approvals.have;
      const tail = missing > 0 ? s.approvalsMissing(missing) : s.approvedComplete;
      return [s.approved(mention(note.by), escapeMrkdwn(r.service), r.approvals.have, r.approvals.need), tail].join(terms.sentenceSeparator);
    }
    case 'rollback_control': {
      const r = note.rollback;
      const line = s.control[note.control](mention(note.by), terms.strategy[r.strategy], escapeMrkdwn(r.service));
      const state = rollbackState(r, locale);
      return state ? [line, s.controlState(state)].join(terms.sentenceSeparator) : line;
    }
    case 'acknowledged':
      return s.acknowledged(mention(note.by));
    case 'resolved':
      return s.resolved(mention(note.by));
    case 'escalation': {
      const label = escapeMrkdwn(note.label);
      const line =
        note.notify.length > 0 ? s.escalation(note.level, label, mentionList(note.notify, locale)) : s.escalationNobody(note.level, label);
      return note.lateMs >= LATE_NOTICE_MS ? [line, s.escalationLate(formatElapsed(note.lateMs, locale))].join(terms.sentenceSeparator) : line;
    }
    case 'rollback_step':
      return rollbackStepText(note, locale, timeZone);
    case 'rollback_scheduled':
    case 'rollback_reminder': {
      const r = note.rollback;
      const say = note.kind === 'rollback_scheduled' ? s.scheduled : s.reminder;
      return say(terms.strategy[r.strategy], escapeMrkdwn(r.service), versionsText(r, locale), formatTimeInZone(note.at, timeZone, locale));
    }
    case 'alert':
      // The presenter sends alert notes with their links (alert-notes.ts); this is the line alone.
      return alertLine(note, locale);
    case 'alerts_resolved':
      return s.allAlertsResolved;
    case 'tier_fired':
      return s.tierFired(terms.severity[note.tier], escapeMrkdwn(note.version), note.breaches.map((b) => `\`${breachLine(b)}\``).join(', '));
    case 'not_recovered':
      return s.notRecovered(escapeMrkdwn(note.rollback.service), escapeMrkdwn(note.rollback.toVersion), note.breaching.map((b) => `\`${escapeMrkdwn(b)}\``).join(', '));
    case 'tier_cleared':
      return s.tierCleared(terms.severity[note.tier], escapeMrkdwn(note.version));
    case 'severity_raised':
      return s.severityRaised(terms.severity[note.from], terms.severity[note.to]);
    case 'automatic_rollback':
      return s.automaticRollback(escapeMrkdwn(note.reason));
    case 'postmortem_scheduled':
      return s.postmortemScheduled(formatTimeInZone(note.at, timeZone, locale), note.participants.length ? mentionList(note.participants, locale) : '—');
    case 'fix_prep':
      return s.fixPrep;
    case 'postmortem_reminder':
      return s.postmortemReminder(note.participants.length ? mentionList(note.participants, locale) : '—');
    case 'rollback_finished': {
      const r = note.rollback;
      const line = s.finished[note.outcome](terms.strategy[r.strategy], escapeMrkdwn(r.service), versionsText(r, locale));
      const reason = note.why ? STEP_FACT_STRINGS[locale].finishReason(note.why) : note.reason;
      return reason ? [line, s.finishedReason(escapeMrkdwn(reason))].join('\n') : line;
    }
  }
}

function assessmentText(a: Assessment, terms: Terms): string {
  const q = terms.question;
  const answer = (v: string | undefined): string => (v === undefined ? terms.unanswered : `*${v}*`);
  return [
    `${q.userImpact} ${answer(a.userImpact && terms.userImpact[a.userImpact])}`,
    `${q.businessImpact} ${answer(a.businessImpact && terms.businessImpact[a.businessImpact])}`,
    `${q.fixTime} ${answer(a.fixTime && terms.fixTime[a.fixTime])}`,
  ].join(' · ');
}

/** `v2.0.0 25% / v1.5.0 75%, `▓▓▓▓▓▓▓░░░` Phase 2/3`, or null when nothing is known. */
function rollbackState(r: RollbackView, locale: Locale): string | null {
  const parts = [rollbackSplit(r, locale), progressLine(r, locale)].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(TERMS[locale].listSeparator) : null;
}

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
      return refusal.approvers.length > 0 ? s.notApprover(action, mentionList(refusal.approvers, locale)) : s.noApprovers(action);
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
    case 'illegal_transition':
      return s.illegalTransition(escapeMrkdwn(refusal.incidentId), terms.incidentStatus[refusal.from], terms.incidentStatus[refusal.to]);
    case 'no_target_version': {
      const service = escapeMrkdwn(refusal.service);
      const from = refusal.fromVersion === null ? terms.unknownVersion : `\`${escapeMrkdwn(refusal.fromVersion)}\``;
      if (refusal.known.length === 0) return s.noKnownVersions(service, from);
      return s.noTargetVersion(service, from, refusal.known.map((v) => `\`${escapeMrkdwn(v)}\``).join(terms.listSeparator));
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
    case 'start_failed':
      return s.startFailed(refusal.what, escapeMrkdwn(clip(refusal.reason.trim().replace(/[.。]+$/, ''), 500)));
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

/** A message to the incident channel that belongs to no incident. */
export function channelNoticeText(notice: ChannelNotice, locale: Locale, timeZone: string): string {
  const s = NOTE_STRINGS[locale];
  if (notice.kind === 'unknown_service') {
    const line = s.unknownService(escapeMrkdwn(clip(notice.service, SERVICE_SHOWN)), escapeMrkdwn(notice.source), escapeMrkdwn(clip(notice.summary, SUMMARY_SHOWN)));
    return clip(line, SLACK_LIMITS.sectionText);
  }
  const names = notice.names.map((n) => escapeMrkdwn(clip(n, NAME_SHOWN)));
  if (notice.count > notice.names.length) names.push('…');
  return clip(s.unknownServicesMore(notice.count, names.join(TERMS[locale].listSeparator), notice.late ? formatTimeInZone(notice.since, timeZone, locale) : null), SLACK_LIMITS.sectionText);
}

/** A drill's messages outside its thread say so first: nobody should take a rehearsal for an outage. */
export function drillPrefix(drill: boolean, locale: Locale): string {
  return drill ? `🧪 *${TERMS[locale].drill}* · ` : '';
}

/** The direct message to a person an escalation level names. */
export function escalationDmText(incidentId: string, service: string, label: string, permalink: string | null, locale: Locale, drill = false): string {
  const s = NOTE_STRINGS[locale];
  return clip(drillPrefix(drill, locale) + s.escalationDm(escapeMrkdwn(label), incidentId, escapeMrkdwn(service), permalink ? link(permalink, incidentId) : incidentId), SLACK_LIMITS.sectionText);
}

/** The two halves of the fix-preparation checklist (Slack allows ten options per checkboxes element). */
export const FIX_PREP_PARTS: readonly (readonly string[])[] = [FIX_PREPARATION.slice(0, 6).map((i) => i.key), FIX_PREPARATION.slice(6).map((i) => i.key)];

function fixPrepBlocks(checked: readonly string[], locale: Locale): KnownBlock[] {
  return FIX_PREP_PARTS.map((keys, part) => {
    const options = keys.map((key) => {
      const item = FIX_PREPARATION.find((i) => i.key === key);
      return { text: { type: 'plain_text' as const, text: item ? item[locale] : key }, value: key };
    });
    const initial = options.filter((o) => checked.includes(o.value));
    return {
      type: 'actions' as const,
      block_id: `${BLOCK.fixPrep}:${part}`,
      elements: [{ type: 'checkboxes' as const, action_id: ACTION.fixPrep, options, ...(initial.length ? { initial_options: initial } : {}) }],
    };
  });
}
