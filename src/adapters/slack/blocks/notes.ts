/**
 * Thread replies under an incident's head message (everything about an incident goes in its thread),
 * the channel notices that belong to no incident and the escalation direct messages. The ephemeral
 * refusals are in refusals.ts; refusalText is re-exported here for the code that imports it from this module.
 */
import type { KnownBlock } from '@slack/types';
import type { Assessment } from '../../../domain/matrix.ts';
import { FIX_PREPARATION } from '../../../domain/checklists.ts';
import { CANARY_STRINGS } from '../i18n/canary.ts';
import { INCIDENT_STRINGS } from '../i18n/incident.ts';
import type { Locale } from '../i18n/locale.ts';
import { NOTE_STRINGS } from '../i18n/notes.ts';
import { TERMS, type Terms } from '../i18n/terms.ts';
import { ACTION, BLOCK } from '../ids.ts';
import { actions, button, section } from './elements.ts';
import { actorName, escapeMrkdwn, formatElapsed, link, mentionList, formatTimeInZone } from './format.ts';
import { SLACK_LIMITS, clip } from './limits.ts';
import { breachLine, recommendationText } from './incident.ts';
import { rollbackState, versionsText } from './rollback-summary.ts';
import { rollbackStepText } from './rollback-step.ts';
import { STEP_FACT_STRINGS } from '../i18n/step-facts.ts';
import { alertLine } from './alert-notes.ts';
import { gitopsNoteText, gitopsResumeButton } from './gitops.ts';
import { driftMessage, driftNoteText, driftSplitText } from './drift.ts';
import { DRIFT_ACTOR } from '../../../services/drift.ts';
import type { ActedBy, ChannelNotice } from '../../../services/ports.ts';
import type { Note } from './view-models.ts';

/** Escalations that fire less than this after their due time are on time (the timer tick's own jitter). */
const LATE_NOTICE_MS = 60_000;

/**
 * Outside text (alert labels and summaries) is cut to these before it is escaped and put in a
 * text-only message: such a message is a line to read, not a copy of the alert (which is stored).
 */
const SERVICE_SHOWN = 200;
const SUMMARY_SHOWN = 500;
const NAME_SHOWN = 60;

/** `timeZone`: the team's zone (drills.timezone), in which every time in a note is written and named. */
export function noteMessage(note: Note, locale: Locale, timeZone: string): { text: string; blocks: KnownBlock[] } {
  if (note.kind === 'routing_drift' || note.kind === 'routing_drift_settled')
    return driftMessage(note, locale, timeZone);
  const text = clip(noteText(note, locale, timeZone), SLACK_LIMITS.sectionText);
  const blocks: KnownBlock[] = [section(text)];
  if (note.kind === 'rollback_scheduled' || note.kind === 'rollback_reminder') {
    blocks.push(
      actions(BLOCK.rollbackControls, [
        button({
          actionId: ACTION.abort,
          text: INCIDENT_STRINGS[locale].button.cancelScheduled,
          value: note.rollback.id,
          style: 'danger',
        }),
      ]),
    );
  }
  if (note.kind === 'fix_prep') {
    blocks.push(...fixPrepBlocks(note.checked, locale));
    blocks.push(
      actions(BLOCK.decisions, [
        button({
          actionId: ACTION.canaryFix,
          text: CANARY_STRINGS[locale].button,
          value: note.incidentId,
          style: 'primary',
        }),
      ]),
    );
  }
  if (note.kind === 'resolved') {
    blocks.push(
      actions(BLOCK.decisions, [
        button({ actionId: ACTION.draftRca, text: NOTE_STRINGS[locale].draftRca, value: note.incidentId }),
      ]),
    );
  }
  if (note.kind === 'not_recovered') {
    blocks.push(
      actions(BLOCK.decisions, [
        button({
          actionId: ACTION.immediate,
          text: NOTE_STRINGS[locale].nextFallback,
          value: note.incidentId,
          style: 'danger',
        }),
      ]),
    );
  }
  if (note.kind === 'alerts_resolved') {
    blocks.push(
      actions(BLOCK.decisions, [
        button({
          actionId: ACTION.resolve,
          text: INCIDENT_STRINGS[locale].button.resolve,
          value: note.incidentId,
          style: 'primary',
        }),
      ]),
    );
  }
  if (note.kind === 'gitops_still_paused') blocks.push(gitopsResumeButton(note, locale));
  if (note.kind === 'approval_needed') {
    blocks.push(
      actions(BLOCK.rollbackControls, [
        button({
          actionId: ACTION.approve,
          text: INCIDENT_STRINGS[locale].button.approve,
          value: note.rollback.id,
          style: 'primary',
        }),
      ]),
    );
  }
  return { text, blocks };
}

/** Who acted, and where from when it was not Slack: `<@U0LEAD> (from the command line, as OS user alice)`. */
function who(note: ActedBy, locale: Locale): string {
  const name = actorName(note.by, locale);
  return note.via ? NOTE_STRINGS[locale].viaCommandLine(name, escapeMrkdwn(note.via.osUser)) : name;
}

function noteText(note: Note, locale: Locale, timeZone: string): string {
  const s = NOTE_STRINGS[locale];
  const terms = TERMS[locale];
  switch (note.kind) {
    case 'decision': {
      const lines = [s.decision(who(note, locale), terms.action[note.action])];
      if (note.recommended === note.action) lines.push(s.decisionAsRecommended);
      else if (note.recommended !== null) lines.push(s.decisionAgainstRecommendation(terms.action[note.recommended]));
      return lines.join(terms.sentenceSeparator);
    }
    case 'assessment': {
      const lines = [s.assessment(who(note, locale), assessmentText(note.assessment, terms))];
      if (note.recommendation) {
        lines.push(recommendationText(note.recommendation, locale));
      } else {
        lines.push(s.assessmentIncomplete);
      }
      return lines.join('\n');
    }
    case 'rollback_requested':
      return s.rollbackRequested(
        who(note, locale),
        terms.strategy[note.rollback.strategy],
        escapeMrkdwn(note.rollback.service),
        versionsText(note.rollback, locale),
      );
    case 'approval_needed': {
      const r = note.rollback;
      return s.approvalNeeded(
        who(note, locale),
        terms.strategy[r.strategy],
        escapeMrkdwn(r.service),
        versionsText(r, locale),
        r.approvals.have,
        r.approvals.need,
      );
    }
    case 'approved': {
      const r = note.rollback;
      const missing = r.approvals.need - r.approvals.have;
      const tail = missing > 0 ? s.approvalsMissing(missing) : s.approvedComplete;
      return [s.approved(who(note, locale), escapeMrkdwn(r.service), r.approvals.have, r.approvals.need), tail].join(
        terms.sentenceSeparator,
      );
    }
    case 'rollback_control': {
      const r = note.rollback;
      // Paused because someone else changed the routing: the plan's split is not what is live, so no "Now".
      if (note.control === 'pause' && note.by === DRIFT_ACTOR.id)
        return s.pausedOnDrift(terms.strategy[r.strategy], escapeMrkdwn(r.service));
      const line = s.control[note.control](who(note, locale), terms.strategy[r.strategy], escapeMrkdwn(r.service));
      // Another writer changed the routing since the plan: what is live, not what the plan would have set.
      const state = note.live ? driftSplitText(note.live) : rollbackState(r, locale);
      return state ? [line, s.controlState(state)].join(terms.sentenceSeparator) : line;
    }
    case 'acknowledged':
      return s.acknowledged(who(note, locale));
    case 'resolved':
      return s.resolved(who(note, locale));
    case 'escalation': {
      const label = escapeMrkdwn(note.label);
      const line =
        note.notify.length > 0
          ? s.escalation(note.level, label, mentionList(note.notify, locale))
          : s.escalationNobody(note.level, label);
      return note.lateMs >= LATE_NOTICE_MS
        ? [line, s.escalationLate(formatElapsed(note.lateMs, locale))].join(terms.sentenceSeparator)
        : line;
    }
    case 'rollback_step':
      return rollbackStepText(note, locale, timeZone);
    case 'rollback_scheduled':
    case 'rollback_reminder': {
      const r = note.rollback;
      const say = note.kind === 'rollback_scheduled' ? s.scheduled : s.reminder;
      return say(
        terms.strategy[r.strategy],
        escapeMrkdwn(r.service),
        versionsText(r, locale),
        formatTimeInZone(note.at, timeZone, locale),
      );
    }
    case 'alert':
      // The presenter sends alert notes with their links (alert-notes.ts); this is the line alone.
      return alertLine(note, locale);
    case 'alerts_resolved':
      return s.allAlertsResolved;
    case 'tier_fired':
      return s.tierFired(
        terms.severity[note.tier],
        escapeMrkdwn(note.version),
        note.breaches.map((b) => `\`${breachLine(b)}\``).join(', '),
      );
    case 'not_recovered':
      return s.notRecovered(
        escapeMrkdwn(note.rollback.service),
        escapeMrkdwn(note.rollback.toVersion),
        note.breaching.map((b) => `\`${escapeMrkdwn(b)}\``).join(', '),
      );
    case 'tier_cleared':
      return s.tierCleared(terms.severity[note.tier], escapeMrkdwn(note.version));
    case 'severity_raised':
      return s.severityRaised(terms.severity[note.from], terms.severity[note.to]);
    case 'automatic_rollback':
      return s.automaticRollback(escapeMrkdwn(note.reason));
    case 'automatic_rollback_held':
      return s.automaticRollbackHeld(
        escapeMrkdwn(note.reason),
        terms.strategy[note.rollback.strategy],
        escapeMrkdwn(note.rollback.id),
        escapeMrkdwn(note.rollback.service),
        terms.rollbackStatus[note.rollback.status],
      );
    case 'postmortem_scheduled':
      return s.postmortemScheduled(
        formatTimeInZone(note.at, timeZone, locale),
        note.participants.length ? mentionList(note.participants, locale) : '—',
      );
    case 'fix_prep':
      return s.fixPrep;
    case 'postmortem_reminder':
      return s.postmortemReminder(note.participants.length ? mentionList(note.participants, locale) : '—');
    case 'gitops_still_paused':
    case 'gitops_resumed':
    case 'gitops_owner_gone':
    case 'gitops_mark_unmatched':
    case 'gitops_pause_denied':
      return gitopsNoteText(note, locale);
    case 'routing_drift':
    case 'routing_drift_settled':
      return driftNoteText(note, locale, timeZone);
    case 'rollback_finished': {
      const r = note.rollback;
      const line = s.finished[note.outcome](
        terms.strategy[r.strategy],
        escapeMrkdwn(r.service),
        versionsText(r, locale),
      );
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

/** A message to the incident channel that belongs to no incident. */
export function channelNoticeText(notice: ChannelNotice, locale: Locale, timeZone: string): string {
  const s = NOTE_STRINGS[locale];
  if (notice.kind === 'routing_drift' || notice.kind === 'routing_drift_settled')
    return driftNoteText(notice, locale, timeZone);
  if (notice.kind === 'unknown_service') {
    const line = s.unknownService(
      escapeMrkdwn(clip(notice.service, SERVICE_SHOWN)),
      escapeMrkdwn(notice.source),
      escapeMrkdwn(clip(notice.summary, SUMMARY_SHOWN)),
    );
    return clip(line, SLACK_LIMITS.sectionText);
  }
  const names = notice.names.map((n) => escapeMrkdwn(clip(n, NAME_SHOWN)));
  if (notice.count > notice.names.length) names.push('…');
  return clip(
    s.unknownServicesMore(
      notice.count,
      names.join(TERMS[locale].listSeparator),
      notice.late ? formatTimeInZone(notice.since, timeZone, locale) : null,
    ),
    SLACK_LIMITS.sectionText,
  );
}

/** A drill's messages outside its thread say so first: nobody should take a rehearsal for an outage. */
export function drillPrefix(drill: boolean, locale: Locale): string {
  return drill ? `🧪 *${TERMS[locale].drill}* · ` : '';
}

/** The direct message to a person an escalation level names. */
export function escalationDmText(
  incidentId: string,
  service: string,
  label: string,
  permalink: string | null,
  locale: Locale,
  drill = false,
): string {
  const s = NOTE_STRINGS[locale];
  return clip(
    drillPrefix(drill, locale) +
      s.escalationDm(
        escapeMrkdwn(label),
        incidentId,
        escapeMrkdwn(service),
        permalink ? link(permalink, incidentId) : incidentId,
      ),
    SLACK_LIMITS.sectionText,
  );
}

/** The two halves of the fix-preparation checklist (Slack allows ten options per checkboxes element). */
export const FIX_PREP_PARTS: readonly (readonly string[])[] = [
  FIX_PREPARATION.slice(0, 6).map((i) => i.key),
  FIX_PREPARATION.slice(6).map((i) => i.key),
];

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
      elements: [
        {
          type: 'checkboxes' as const,
          action_id: ACTION.fixPrep,
          options,
          ...(initial.length ? { initial_options: initial } : {}),
        },
      ],
    };
  });
}
