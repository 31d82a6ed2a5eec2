/**
 * The incident head message: one message per incident, updated in place as it moves. It
 * shows where the incident stands and offers exactly the controls that make sense in that state,
 * so a stale button can never start a second rollback or approve a finished one.
 */
import type { ActionsBlockElement, Button, KnownBlock, PlainTextOption } from '@slack/types';
import type { Assessment, Recommendation } from '../../../domain/matrix.ts';
import { formatValue } from '../../../domain/conditions.ts';
import { ACTIONS, BUSINESS_IMPACTS, FIX_TIMES, USER_IMPACTS, type Action } from '../../../domain/types.ts';
import { CANARY_STRINGS } from '../i18n/canary.ts';
import { INCIDENT_STRINGS, type IncidentStrings } from '../i18n/incident.ts';
import type { Locale } from '../i18n/locale.ts';
import { TERMS, type Terms } from '../i18n/terms.ts';
import { ACTION, BLOCK } from '../ids.ts';
import { actions, button, context, divider, header, option, section, staticSelect } from './elements.ts';
import {
  RESOLVED_MARK,
  SEVERITY_MARKER,
  actorName,
  escapeMrkdwn,
  formatElapsed,
  formatPercent,
  mentionList,
  slackAgo,
  formatTimeInZone,
} from './format.ts';
import { SLACK_LIMITS, clip } from './limits.ts';
import { isActiveRollback, progressLine, rollbackSplit, versionsText } from './rollback-summary.ts';
import { gitopsLine } from './gitops.ts';
import type { BreachView, IncidentView, RollbackView } from './view-models.ts';

export const RECOMMENDED_MARK = '⭐';
const DRILL_MARK = '🧪';
const CANARY_MARK = '🐤';
/** Breach lines shown before the rest is summarised as "…and N more". */
const MAX_BREACH_LINES = 10;
/** Length of the one-line fallback text that notifications show. */
const FALLBACK_MAX = 500;

const DECISION_ACTION_IDS: Record<Action, string> = {
  immediate: ACTION.immediate,
  gradual: ACTION.gradual,
  fix: ACTION.fix,
  next_release: ACTION.nextRelease,
};

export function isAssessmentComplete(a: Assessment): boolean {
  return a.userImpact !== undefined && a.businessImpact !== undefined && a.fixTime !== undefined;
}

export function breachLine(b: BreachView): string {
  return `${b.metric} ${formatValue(b.metric, b.value, b.unit)} ${b.op} ${formatValue(b.metric, b.threshold, b.unit)}`;
}

/** `timeZone`: the team's zone (drills.timezone), in which the decision and a planned time are written. */
export function incidentMessage(
  view: IncidentView,
  locale: Locale,
  timeZone: string,
): { text: string; blocks: KnownBlock[] } {
  const t = INCIDENT_STRINGS[locale];
  const terms = TERMS[locale];
  const resolved = view.incident.status === 'resolved';
  const blocks: KnownBlock[] = [header(headerText(view, t, terms))];

  if (resolved) {
    blocks.push(...resolvedBlocks(view, t, terms, locale, timeZone));
  } else {
    blocks.push(...openBlocks(view, t, terms, locale, timeZone));
  }
  return { text: fallbackText(view, t, terms, locale), blocks: blocks.slice(0, SLACK_LIMITS.blocksPerMessage) };
}

/**
 * The fix coming in as a canary after the resolution, while it runs: the head then reads as that,
 * not as a resolved incident with traffic moving under it.
 */
function fixCanaryInFlight(view: IncidentView): RollbackView | null {
  const r = view.rollback;
  return view.incident.status === 'resolved' && r !== null && r.strategy === 'canary' && isActiveRollback(r) ? r : null;
}

/** `Fix canary: v2.0.1 at 5%`: the share on the fix (the rollback's weight is the stable version's). */
function fixCanaryState(r: RollbackView, t: IncidentStrings): string {
  const share = formatPercent(r.newVersionWeight === null ? 0 : 100 - Math.min(100, Math.max(0, r.newVersionWeight)));
  if (r.status === 'paused') return t.fixCanary.paused(r.toVersion, share);
  if (r.status === 'running') return t.fixCanary.at(r.toVersion, share);
  return t.fixCanary.waiting(r.toVersion);
}

/** A resolved incident leads with ✅ (its colour would say it is still burning); a fix canary with 🐤. */
function headerText(view: IncidentView, t: IncidentStrings, terms: Terms): string {
  const { incident } = view;
  const drill = incident.drill ? `${DRILL_MARK} ${terms.drill} · ` : '';
  const version = incident.version ? ` ${incident.version}` : '';
  const canary = fixCanaryInFlight(view);
  const mark = canary
    ? CANARY_MARK
    : incident.status === 'resolved'
      ? RESOLVED_MARK
      : SEVERITY_MARKER[incident.severity];
  const state = canary ? fixCanaryState(canary, t) : terms.incidentStatus[incident.status];
  return `${mark} ${drill}${incident.id} · ${incident.service}${version} · ${state}`;
}

function elapsedMs(view: IncidentView): number {
  const end = view.incident.resolvedAt ?? view.now;
  return end - view.incident.startedAt;
}

function fallbackText(view: IncidentView, t: IncidentStrings, terms: Terms, locale: Locale): string {
  const { incident } = view;
  const parts = [headerText(view, t, terms)];
  if (incident.status === 'resolved' && !fixCanaryInFlight(view))
    parts.push(t.peakSeverity(terms.severity[incident.severity]));
  parts.push(formatElapsed(elapsedMs(view), locale));
  if (view.escalation && incident.status !== 'resolved') parts.push(`⏫ ${view.escalation.label}`);
  const line = parts.join(' · ') + (incident.title ? ` — ${incident.title}` : '');
  // Clipped before escaping, so the cut can never fall inside an entity (`&l…`).
  return escapeMrkdwn(clip(line, FALLBACK_MAX));
}

function factsLine(view: IncidentView, t: IncidentStrings, terms: Terms, locale: Locale, timeZone: string): string[] {
  const { incident } = view;
  const facts = [
    t.severity(terms.severity[incident.severity]),
    t.started(
      `${formatTimeInZone(incident.startedAt, timeZone, locale)} ` +
        `(${slackAgo(incident.startedAt, t.ago(formatElapsed(elapsedMs(view), locale)))})`,
    ),
  ];
  if (view.escalation) facts.push(t.escalated(escapeMrkdwn(view.escalation.label)));
  if (incident.acknowledgedBy) facts.push(t.acknowledgedBy(actorName(incident.acknowledgedBy, locale)));
  else if (incident.acknowledgedAt !== null) facts.push(t.acknowledged);
  return facts;
}

function breachesText(breaches: readonly BreachView[], t: IncidentStrings): string | null {
  if (breaches.length === 0) return null;
  const lines = breaches.slice(0, MAX_BREACH_LINES).map((b) => `• \`${breachLine(b)}\``);
  if (breaches.length > MAX_BREACH_LINES) lines.push(t.moreBreaches(breaches.length - MAX_BREACH_LINES));
  return `${t.breachesHeading}\n${lines.join('\n')}`;
}

function openBlocks(
  view: IncidentView,
  t: IncidentStrings,
  terms: Terms,
  locale: Locale,
  timeZone: string,
): KnownBlock[] {
  const { incident } = view;
  const blocks: KnownBlock[] = [];
  if (incident.title) blocks.push(section(`*${escapeMrkdwn(incident.title)}*`));
  blocks.push(context(factsLine(view, t, terms, locale, timeZone)));
  const breaches = breachesText(view.breaches, t);
  if (breaches) blocks.push(section(breaches));

  blocks.push(divider(), section(t.matrixHeading), matrixBlock(view.assessment, terms));
  const recommended = view.recommendation && isAssessmentComplete(view.assessment) ? view.recommendation : null;
  if (recommended) blocks.push(section(recommendationText(recommended, locale)));
  if (view.decision) {
    blocks.push(
      section(
        t.decision(
          actorName(view.decision.by, locale),
          terms.action[view.decision.action],
          formatTimeInZone(view.decision.at, timeZone, locale),
        ),
      ),
    );
  }

  const rollback = view.rollback;
  if (rollback) {
    blocks.push(divider(), section(rollbackText(rollback, t, terms, locale, timeZone)));
    const controls = rollbackControls(rollback, t);
    if (controls.length > 0) blocks.push(actions(BLOCK.rollbackControls, controls));
  }

  const rollbackHoldsService = rollback !== null && isActiveRollback(rollback);
  blocks.push(
    actions(
      BLOCK.decisions,
      decisionButtons(view, recommended?.action ?? null, rollbackHoldsService, t, terms, locale),
    ),
  );
  return blocks;
}

/**
 * `⭐ Recommended: *Immediate rollback* (rule 1)`; when the service or the latest readings rule out
 * the matrix's action, what the matrix said and why on the next line (head message and thread).
 */
export function recommendationText(r: Recommendation, locale: Locale): string {
  const t = INCIDENT_STRINGS[locale];
  const terms = TERMS[locale];
  if (!r.instead)
    return t.recommended(terms.action[r.action], r.rule === null ? t.defaultBasis : t.ruleBasis(r.rule + 1));
  const said = t.matrixSaid(terms.action[r.instead.matrixAction], r.rule === null ? null : r.rule + 1);
  const why = r.instead.reason;
  const because =
    why.kind === 'moves_at_once'
      ? t.insteadBecause.movesAtOnce(escapeMrkdwn(why.service), escapeMrkdwn(why.router))
      : t.insteadBecause.abortIfHolds(
          why.metric,
          formatValue(why.metric, why.value, why.unit),
          escapeMrkdwn(why.abortIf),
        );
  return `${t.recommended(terms.action[r.action], said)}\n${because}`;
}

function matrixBlock(assessment: Assessment, terms: Terms): KnownBlock {
  const q = terms.question;
  const opts = <V extends string>(
    question: string,
    values: readonly V[],
    labels: Record<V, string>,
  ): PlainTextOption[] => values.map((v) => option(`${question}: ${labels[v]}`, v));
  return actions(BLOCK.matrix, [
    staticSelect(
      ACTION.userImpact,
      q.userImpact,
      opts(q.userImpact, USER_IMPACTS, terms.userImpact),
      assessment.userImpact,
    ),
    staticSelect(
      ACTION.businessImpact,
      q.businessImpact,
      opts(q.businessImpact, BUSINESS_IMPACTS, terms.businessImpact),
      assessment.businessImpact,
    ),
    staticSelect(ACTION.fixTime, q.fixTime, opts(q.fixTime, FIX_TIMES, terms.fixTime), assessment.fixTime),
  ]);
}

function rollbackText(r: RollbackView, t: IncidentStrings, terms: Terms, locale: Locale, timeZone: string): string {
  const lines = [
    t.rollbackHeading(terms.strategy[r.strategy], terms.rollbackStatus[r.status], actorName(r.startedBy, locale)),
    versionsText(r, locale),
  ];
  const split = rollbackSplit(r, locale);
  if (split) lines.push(t.traffic(split));
  const progress = progressLine(r, locale);
  if (progress) lines.push(progress);
  if (r.status === 'pending') {
    const by = r.approvals.by.length > 0 ? t.approvedBy(mentionList(r.approvals.by, locale)) : '';
    lines.push(t.waitingApproval(r.approvals.have, r.approvals.need) + by);
  }
  if (r.status === 'scheduled' && r.scheduledFor !== null)
    lines.push(t.scheduledFor(formatTimeInZone(r.scheduledFor, timeZone, locale)));
  if (r.error) lines.push(t.rollbackError(escapeMrkdwn(clip(r.error, 500))));
  if (r.gitops) lines.push(gitopsLine(r.gitops, locale));
  return lines.join('\n');
}

/**
 * The controls a rollback offers in its state: Approve while it waits for approval, Cancel while it
 * waits for its time, Pause/Resume and Abort while it runs. Pause only for strategies with phases:
 * an immediate switch has nothing to pause between.
 */
function rollbackControls(r: RollbackView, t: IncidentStrings): Button[] {
  const abort = (label: string, confirm: IncidentStrings['confirmAbort']): Button =>
    button({
      actionId: ACTION.abort,
      text: label,
      value: r.id,
      style: 'danger',
      confirm: {
        title: confirm.title,
        text: confirm.text(r.service),
        confirm: confirm.confirm,
        deny: confirm.deny,
        style: 'danger',
      },
    });
  const abortConfirm = r.strategy === 'canary' ? t.confirmAbortCanary : t.confirmAbort;
  switch (r.status) {
    case 'pending':
      return [button({ actionId: ACTION.approve, text: t.button.approve, value: r.id, style: 'primary' })];
    case 'scheduled':
      return [abort(t.button.cancelScheduled, t.confirmCancelScheduled)];
    case 'running': {
      const controls: Button[] = [];
      if (r.strategy !== 'immediate')
        controls.push(button({ actionId: ACTION.pause, text: t.button.pause, value: r.id }));
      controls.push(abort(t.button.abort, abortConfirm));
      return controls;
    }
    case 'paused':
      return [
        button({ actionId: ACTION.resume, text: t.button.resume, value: r.id, style: 'primary' }),
        abort(t.button.abort, abortConfirm),
      ];
    case 'succeeded':
    case 'failed':
    case 'aborted':
    case 'cancelled':
      return [];
  }
}

/**
 * The decision buttons are left out while a rollback holds the service (one rollback per service,
 * and choosing another course mid-rollback would contradict it); Acknowledge goes once someone has.
 */
function decisionButtons(
  view: IncidentView,
  recommended: Action | null,
  rollbackHoldsService: boolean,
  t: IncidentStrings,
  terms: Terms,
  locale: Locale,
): ActionsBlockElement[] {
  const { incident } = view;
  const elements: ActionsBlockElement[] = [];
  if (!rollbackHoldsService) {
    // Only what the service can run: a button that could only be refused is not offered.
    for (const action of ACTIONS.filter((a) => view.actions.includes(a))) {
      const label = terms.action[action];
      const style = action === 'immediate' ? 'danger' : action === 'gradual' ? 'primary' : undefined;
      elements.push(
        button({
          actionId: DECISION_ACTION_IDS[action],
          text: action === recommended ? `${RECOMMENDED_MARK} ${label}` : label,
          value: incident.id,
          ...(style ? { style } : {}),
        }),
      );
    }
  }
  // 修正を試みる: once the fix is built, it comes in as a cautious canary, which resolves the incident.
  if (incident.status === 'fixing' && !rollbackHoldsService) {
    elements.push(
      button({ actionId: ACTION.canaryFix, text: CANARY_STRINGS[locale].button, value: incident.id, style: 'primary' }),
    );
  }
  if (incident.acknowledgedAt === null && incident.acknowledgedBy === null) {
    elements.push(button({ actionId: ACTION.acknowledge, text: t.button.acknowledge, value: incident.id }));
  }
  const c = t.confirmResolve;
  elements.push(
    button({
      actionId: ACTION.resolve,
      text: t.button.resolve,
      value: incident.id,
      confirm: { title: c.title, text: c.text(incident.id), confirm: c.confirm, deny: c.deny, style: 'primary' },
    }),
  );
  return elements;
}

function resolvedBlocks(
  view: IncidentView,
  t: IncidentStrings,
  terms: Terms,
  locale: Locale,
  timeZone: string,
): KnownBlock[] {
  const { incident } = view;
  // A fix coming in as a canary after the resolution shows its progress and controls like any rollback.
  const canary = fixCanaryInFlight(view);
  const lines: string[] = [];
  if (incident.title) lines.push(`*${escapeMrkdwn(incident.title)}*`);
  const duration = formatElapsed(elapsedMs(view), locale);
  lines.push(canary ? t.fixCanarySummary(duration) : t.resolvedSummary(duration));
  const blocks: KnownBlock[] = [section(lines.join('\n'))];

  const facts: string[] = [t.peakSeverity(terms.severity[incident.severity])];
  if (view.decision)
    facts.push(t.resolvedDecision(terms.action[view.decision.action], actorName(view.decision.by, locale)));
  const r = view.rollback;
  const earlier = view.earlierRollback ?? null;
  if (earlier)
    facts.push(
      t.resolvedRollback(
        terms.strategy[earlier.strategy],
        versionsText(earlier, locale),
        terms.rollbackStatus[earlier.status],
      ),
    );
  if (r && !canary) {
    const line = r.strategy === 'canary' ? t.resolvedFix : t.resolvedRollback;
    facts.push(line(terms.strategy[r.strategy], versionsText(r, locale), terms.rollbackStatus[r.status]));
  }
  if (view.escalation) facts.push(t.escalated(escapeMrkdwn(view.escalation.label)));
  if (view.breaches.length > 0) {
    const shown = view.breaches.slice(0, MAX_BREACH_LINES).map((b) => `\`${breachLine(b)}\``);
    if (view.breaches.length > MAX_BREACH_LINES) shown.push(t.moreBreaches(view.breaches.length - MAX_BREACH_LINES));
    facts.push(shown.join(' '));
  }
  blocks.push(context(facts));
  if (canary) {
    blocks.push(divider(), section(rollbackText(canary, t, terms, locale, timeZone)));
    const controls = rollbackControls(canary, t);
    if (controls.length > 0) blocks.push(actions(BLOCK.rollbackControls, controls));
  }
  return blocks;
}
