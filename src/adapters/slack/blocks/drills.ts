/**
 * The drill messages (runbook ロールバック訓練): the announcement with the preparation
 * checklist, the start notice, the missed-drill notice, the scorecard with rating buttons and the
 * review checklist, and the texts of `/drill history`, `/drill report` and `/drill run --dry-run`.
 * Pure: every instant and every measured value is passed in.
 */
import type { Button, Checkboxes, KnownBlock, PlainTextOption } from '@slack/types';
import type { ChecklistItem } from '../../../domain/checklists.ts';
import type { RemoveNote } from '../../../domain/drill-records.ts';
import { DRILL_EXECUTION, DRILL_PREPARATION, DRILL_REVIEW } from '../../../domain/drill-checklists.ts';
import {
  RATING_MAX,
  RATING_MIN,
  TIME_MEASURES,
  executionRecorded,
  measureValue,
  type DrillTrend,
  type Measure,
  type MeasureTrend,
  type MeasuredTime,
  type Scorecard,
} from '../../../domain/drills.ts';
import { DRILL_STRINGS, type DrillStrings } from '../i18n/drills.ts';
import { removeNoteText } from '../i18n/fault-notes.ts';
import type { Locale } from '../i18n/locale.ts';
import { TERMS } from '../i18n/terms.ts';
import { ACTION, BLOCK, drillRateActionId } from '../ids.ts';
import { actions, button, context, divider, option, section } from './elements.ts';
import { escapeMrkdwn, formatElapsed, formatPercent, mentionList, formatTimeInZone } from './format.ts';
import { SLACK_LIMITS, clip } from './limits.ts';

/** Slack allows ten options per checkboxes element; every drill checklist fits in one (tested). */
export const MAX_CHECKBOX_OPTIONS = 10;
/** The block of the start notice's Abort button; listeners find the button by its action id. */
const DRILL_CONTROLS = 'drill_controls';

export interface DrillScenarioView {
  /** The name typed in `/drill run`. */
  name: string;
  title: string;
  /** `inject_errors`, `inject_latency`, `partial_outage`; anything else is shown as given. */
  trigger: string;
  expectedResponseMs: number;
  /** 0–1 */
  errorRate?: number | null;
  latencyMs?: number | null;
  /** 0–1 */
  share?: number | null;
}

export interface DrillRoles {
  /** Slack user or group ids allowed to decide and run the rollback. */
  approvers: readonly string[];
  /** Who the escalation levels notify. */
  escalation: readonly string[];
}

export interface DrillAnnouncementView {
  drillId: string;
  scenario: DrillScenarioView;
  service: string;
  at: number;
  roles: DrillRoles;
  /** Preparation item keys already ticked. */
  checked: readonly string[];
  /** The drill-day reminder rather than the announcement ahead of time. */
  reminder: boolean;
}

export interface DrillStartedView {
  drillId: string;
  scenario: DrillScenarioView;
  service: string;
  version: string | null;
  injector: string;
  maxDurationMs: number;
}

export interface DrillMissedView {
  drillId: string;
  scenario: { name: string; title: string };
  at: number;
}

export interface DrillScorecardView {
  drillId: string;
  scenario: DrillScenarioView;
  service: string;
  incidentId: string | null;
  scorecard: Scorecard;
  trend: DrillTrend;
  /** Review item keys already ticked. */
  reviewChecked: readonly string[];
  /** Null while the fault is not removed yet (a removal that failed is retried). */
  faultRemoved: { removed: boolean; note: RemoveNote } | null;
}

export interface DrillReportView {
  drillId: string;
  scenario: DrillScenarioView;
  service: string | null;
  status: string;
  at: number;
  incidentId: string | null;
  /** Null when the drill never got scored (not run yet, aborted, failed, missed). */
  scorecard: Scorecard | null;
  trend: DrillTrend | null;
  reviewChecked: readonly string[];
  faultRemoved: { removed: boolean; note: RemoveNote } | null;
}

export interface DrillHistoryRow {
  id: string;
  /** The scenario's title (or name), as shown. */
  scenario: string;
  service: string | null;
  status: string;
  at: number;
  scorecard: Scorecard | null;
}

export interface DrillPlanView {
  scenario: DrillScenarioView;
  service: string;
  version: string | null;
  injector: string;
  /** What the injector would do, one line per request or change (FaultInjector.describe). */
  lines: readonly string[];
  maxDurationMs: number;
}

export interface DrillMessage {
  text: string;
  blocks: KnownBlock[];
}

const ratio = (r: number | null | undefined): string | null => (r === null || r === undefined ? null : formatPercent(r * 100));

function latencyText(ms: number | null | undefined, locale: Locale): string | null {
  if (ms === null || ms === undefined) return null;
  if (ms < 1000) return `${ms}${DRILL_STRINGS[locale].millisecond}`;
  return `${Math.round(ms / 100) / 10}${TERMS[locale].duration.second}`;
}

/** What a scenario injects, in words: `20% of requests fail with HTTP 5xx errors`. */
export function faultText(scenario: DrillScenarioView, locale: Locale): string {
  const f = DRILL_STRINGS[locale].fault;
  switch (scenario.trigger) {
    case 'inject_errors':
      return f.errors(ratio(scenario.errorRate));
    case 'inject_latency':
      return f.latency(latencyText(scenario.latencyMs, locale));
    case 'partial_outage':
      return f.partial(ratio(scenario.share), ratio(scenario.errorRate));
    default:
      return f.other(escapeMrkdwn(scenario.trigger));
  }
}

const versionText = (version: string | null, locale: Locale): string => (version === null ? TERMS[locale].unknownVersion : `\`${escapeMrkdwn(version)}\``);

/** One checkboxes element in an actions block `<base>:<drill id>`, its options the items' keys. */
function checklistBlock(items: readonly ChecklistItem[], checked: readonly string[], actionId: string, blockBase: string, drillId: string, locale: Locale): KnownBlock {
  const options: PlainTextOption[] = items.map((i) => option(i[locale], i.key));
  // The very option objects: Slack requires initial_options to match options exactly.
  const initial = options.filter((_, n) => checked.includes(items[n]?.key ?? ''));
  const element: Checkboxes = { type: 'checkboxes', action_id: actionId, options };
  if (initial.length > 0) element.initial_options = initial;
  return { type: 'actions', block_id: `${blockBase}:${drillId}`, elements: [element] };
}

/** `✅ item` / `⬜ item` lines, for surfaces that show a checklist's state without letting anyone tick it. */
function checklistState(items: readonly ChecklistItem[], done: readonly string[], locale: Locale): string {
  return items.map((i) => `${done.includes(i.key) ? '✅' : '⬜'} ${i[locale]}`).join('\n');
}

export function drillAnnouncement(v: DrillAnnouncementView, locale: Locale, timeZone: string): DrillMessage {
  const s = DRILL_STRINGS[locale];
  const title = escapeMrkdwn(v.scenario.title);
  const service = escapeMrkdwn(v.service);
  const heading = (v.reminder ? s.announcementToday : s.announcement)(title, service, formatTimeInZone(v.at, timeZone, locale));
  const who = (ids: readonly string[]): string => (ids.length > 0 ? mentionList(ids, locale) : s.nobody);
  const blocks: KnownBlock[] = [
    section([heading, s.injected(faultText(v.scenario, locale)), s.expected(formatElapsed(v.scenario.expectedResponseMs, locale)), s.howItRuns].join('\n')),
    section([s.approvers(who(v.roles.approvers)), s.escalation(who(v.roles.escalation))].join('\n')),
    section(s.preparationHeading),
    checklistBlock(DRILL_PREPARATION, v.checked, ACTION.drillPrep, BLOCK.drillPrep, v.drillId, locale),
    context([s.drillId(escapeMrkdwn(v.drillId))]),
  ];
  return { text: clip(heading, SLACK_LIMITS.sectionText), blocks };
}

export function drillStarted(v: DrillStartedView, locale: Locale): DrillMessage {
  const s = DRILL_STRINGS[locale];
  const head = s.started(escapeMrkdwn(v.drillId), escapeMrkdwn(v.scenario.title), escapeMrkdwn(v.service), versionText(v.version, locale));
  const body = [head, s.startedFault(escapeMrkdwn(v.injector), faultText(v.scenario, locale)), s.respond, s.removal(formatElapsed(v.maxDurationMs, locale))].join('\n');
  const recording = [s.recordingHeading, ...DRILL_EXECUTION.map((i) => `• ${i[locale]}`)].join('\n');
  const blocks: KnownBlock[] = [
    section(body),
    section(recording),
    actions(`${DRILL_CONTROLS}:${v.drillId}`, [
      button({ actionId: ACTION.drillAbort, text: s.abortButton, value: v.drillId, style: 'danger', confirm: { ...s.confirmAbort, style: 'danger' } }),
    ]),
  ];
  return { text: clip(head, SLACK_LIMITS.sectionText), blocks };
}

export function drillMissed(v: DrillMissedView, locale: Locale, timeZone: string): DrillMessage {
  const text = clip(
    DRILL_STRINGS[locale].missed(escapeMrkdwn(v.drillId), escapeMrkdwn(v.scenario.title), formatTimeInZone(v.at, timeZone, locale), escapeMrkdwn(v.scenario.name)),
    SLACK_LIMITS.sectionText,
  );
  return { text, blocks: [section(text)] };
}

const isTime = (m: Measure): boolean => m !== 'communication';

function valueText(measure: Measure, value: number | null, locale: Locale): string {
  if (value === null) return '—';
  return isTime(measure) ? formatElapsed(value, locale) : value.toFixed(1);
}

/**
 * `4m 10s → 3m 05s ↓ better`: earlier values, this drill's, then the direction. Times go down
 * when they get better, communication goes up. Null when there is no earlier drill at all.
 */
export function trendText(measure: Measure, current: number | null, t: MeasureTrend, locale: Locale): string | null {
  if (t.previous.length === 0) return null;
  const s = DRILL_STRINGS[locale];
  const chain = [...t.previous.map((p) => valueText(measure, p.value, locale)), valueText(measure, current, locale)].join(' → ');
  if (t.direction === 'first') return s.trend(`${chain} (${s.direction.first})`);
  // Nobody has rated yet: the ratings come in after the scorecard is posted, so no verdict yet.
  if (current === null && measure === 'communication') return s.trend(chain);
  const up = isTime(measure) ? t.direction === 'worse' : t.direction === 'better';
  const arrow = t.direction === 'same' ? '=' : current === null ? null : up ? '↑' : '↓';
  return s.trend(`${chain} ${arrow === null ? '' : `${arrow} `}${s.direction[t.direction]}`);
}

function markOf(m: MeasuredTime, s: DrillStrings): string {
  return m.pass === null ? s.mark.notReached : m.pass ? s.mark.pass : s.mark.miss;
}

function verdictLine(card: Scorecard, target: string, s: DrillStrings): string {
  if (card.passed) return s.passed(target);
  const missed = TIME_MEASURES.filter((m) => card[m].pass !== true).map((m) => `${s.measure[m].name} ${markOf(card[m], s)}`);
  return s.notPassed(target, missed.join(', '));
}

/** The measure sections shared by the scorecard and `/drill report`. */
function scoreSections(card: Scorecard, trend: DrillTrend | null, locale: Locale): KnownBlock[] {
  const s = DRILL_STRINGS[locale];
  const blocks: KnownBlock[] = TIME_MEASURES.map((m) => {
    const measure = card[m];
    const lines = [
      s.measureHeading(s.measure[m].name, s.measure[m].span),
      s.timeLine(measure.ms === null ? '—' : formatElapsed(measure.ms, locale), formatElapsed(measure.targetMs, locale), markOf(measure, s)),
    ];
    const t = trend && trendText(m, measure.ms, trend[m], locale);
    if (t) lines.push(t);
    return section(lines.join('\n'));
  });
  const c = card.communication;
  const comm = [`${s.communicationName}: ${c.average === null ? s.communicationNone : s.communicationAverage(c.average.toFixed(1), c.count)}`];
  const t = trend && trendText('communication', measureValue(card, 'communication'), trend.communication, locale);
  if (t) comm.push(t);
  blocks.push(section(comm.join('\n')));
  return blocks;
}

function headingLines(v: { scorecard: Scorecard; trend: DrillTrend | null; incidentId: string | null; scenario: DrillScenarioView }, locale: Locale): string[] {
  const s = DRILL_STRINGS[locale];
  const lines = [
    v.incidentId === null ? s.noIncident : s.incident(escapeMrkdwn(v.incidentId)),
    verdictLine(v.scorecard, formatElapsed(v.scenario.expectedResponseMs, locale), s),
  ];
  if (v.trend !== null && v.trend.total.previous.length === 0) lines.push(s.firstDrill);
  return lines;
}

function faultLine(f: { removed: boolean; note: RemoveNote }, s: DrillStrings, locale: Locale): string {
  return (f.removed ? s.faultRemoved : s.faultGone)(escapeMrkdwn(removeNoteText(f.note, locale)));
}

export function drillScorecard(v: DrillScorecardView, locale: Locale): DrillMessage {
  const s = DRILL_STRINGS[locale];
  const title = escapeMrkdwn(v.scenario.title);
  const head = s.scorecardHeading(escapeMrkdwn(v.drillId), title, escapeMrkdwn(v.service));
  const ratings: Button[] = [];
  for (let n = RATING_MIN; n <= RATING_MAX; n++) ratings.push(button({ actionId: drillRateActionId(n), text: `${n} ⭐`, value: `${v.drillId}:${n}` }));
  const blocks: KnownBlock[] = [
    section([head, ...headingLines(v, locale)].join('\n')),
    divider(),
    ...scoreSections(v.scorecard, v.trend, locale),
    section(s.ratePrompt),
    actions(`${BLOCK.drillRate}:${v.drillId}`, ratings),
    section([s.executionHeading, checklistState(DRILL_EXECUTION, executionRecorded(v.scorecard), locale)].join('\n')),
    section(v.faultRemoved ? faultLine(v.faultRemoved, s, locale) : s.faultPending),
    divider(),
    section(s.reviewHeading),
    checklistBlock(DRILL_REVIEW, v.reviewChecked, ACTION.drillReview, BLOCK.drillReview, v.drillId, locale),
  ];
  const verdict = v.scorecard.passed ? s.verdictPassed : s.verdictNotPassed;
  return { text: clip(s.scorecardText(escapeMrkdwn(v.drillId), title, verdict), SLACK_LIMITS.sectionText), blocks };
}

function statusText(status: string, s: DrillStrings): string {
  return Object.hasOwn(s.status, status) ? s.status[status as keyof DrillStrings['status']] : escapeMrkdwn(status);
}

/** `/drill report <id>`: the scorecard as it stands, with nothing to press. */
export function drillReportBlocks(v: DrillReportView, locale: Locale, timeZone: string): DrillMessage {
  const s = DRILL_STRINGS[locale];
  const service = v.service === null ? s.noService : escapeMrkdwn(v.service);
  const head = s.reportHeading(escapeMrkdwn(v.drillId), escapeMrkdwn(v.scenario.title), service, statusText(v.status, s), formatTimeInZone(v.at, timeZone, locale));
  if (v.scorecard === null) {
    const text = clip([head, s.noScorecard(statusText(v.status, s))].join('\n'), SLACK_LIMITS.sectionText);
    return { text, blocks: [section(text)] };
  }
  const card = v.scorecard;
  const blocks: KnownBlock[] = [
    section([head, ...headingLines({ scorecard: card, trend: v.trend, incidentId: v.incidentId, scenario: v.scenario }, locale)].join('\n')),
    divider(),
    ...scoreSections(card, v.trend, locale),
    section([s.executionHeading, checklistState(DRILL_EXECUTION, executionRecorded(card), locale)].join('\n')),
  ];
  if (v.faultRemoved !== null) blocks.push(section(faultLine(v.faultRemoved, s, locale)));
  blocks.push(section([s.reviewState, checklistState(DRILL_REVIEW, v.reviewChecked, locale)].join('\n')));
  return { text: clip(head, SLACK_LIMITS.sectionText), blocks };
}

/** `/drill history`: one line per drill, newest first, within one section's length. */
export function drillHistoryText(rows: readonly DrillHistoryRow[], locale: Locale, timeZone: string): string {
  const s = DRILL_STRINGS[locale];
  if (rows.length === 0) return s.noDrills;
  const lines = [...rows]
    .sort((a, b) => b.at - a.at)
    .map((r) => {
      const row = s.historyRow(escapeMrkdwn(r.id), formatTimeInZone(r.at, timeZone, locale), escapeMrkdwn(r.scenario), r.service === null ? s.noService : escapeMrkdwn(r.service), statusText(r.status, s));
      if (r.scorecard === null) return row;
      const verdict = r.scorecard.passed ? `✅ ${s.verdictPassed}` : `❌ ${s.verdictNotPassed}`;
      const total = r.scorecard.total;
      const result = total.ms === null ? s.historyNotReached(verdict) : s.historyTotal(verdict, formatElapsed(total.ms, locale), formatElapsed(total.targetMs, locale));
      return `${row} · ${result}`;
    });
  return fitLines([s.historyHeading(rows.length)], lines, [], s.more);
}

/** `/drill run <scenario> --dry-run`: what would happen, with nothing changed. */
export function drillPlanText(v: DrillPlanView, locale: Locale): string {
  const s = DRILL_STRINGS[locale];
  const head = s.plan(escapeMrkdwn(v.scenario.title), escapeMrkdwn(v.scenario.name), escapeMrkdwn(v.service), versionText(v.version, locale), escapeMrkdwn(v.injector));
  const lines = v.lines.length > 0 ? v.lines.map((l) => `• ${escapeMrkdwn(l)}`) : [s.planNoLines];
  const tail = [
    s.planFault(faultText(v.scenario, locale)),
    s.planExpected(formatElapsed(v.scenario.expectedResponseMs, locale)),
    s.planRemoval(formatElapsed(v.maxDurationMs, locale)),
  ];
  return fitLines([head], lines, tail, s.more);
}

/**
 * head, as many whole lines as fit in one section, a "…and N more" line for the rest, then tail.
 * Whole lines only: a history row or a planned patch cut in half would say something false.
 */
function fitLines(head: readonly string[], lines: readonly string[], tail: readonly string[], more: (count: number) => string): string {
  const size = (parts: readonly string[]): number => parts.reduce((n, p) => n + p.length + 1, 0);
  const room = SLACK_LIMITS.sectionText - size(head) - size(tail) - size([more(lines.length)]);
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > room) break;
    kept.push(line);
    used += line.length + 1;
  }
  const rest = kept.length < lines.length ? [more(lines.length - kept.length)] : [];
  return clip([...head, ...kept, ...rest, ...tail].join('\n'), SLACK_LIMITS.sectionText);
}
