/**
 * The drill's scorecard with rating buttons and the review checklist, and what reads scorecards
 * afterwards: `/drill report` and `/drill history`. Pure: every instant and every measured value is
 * passed in.
 */
import type { Button, KnownBlock } from '@slack/types';
import type { RemoveNote } from '../../../domain/drill-records.ts';
import { DRILL_EXECUTION, DRILL_REVIEW } from '../../../domain/drill-checklists.ts';
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
import { ACTION, BLOCK, drillRateActionId } from '../ids.ts';
import {
  checklistBlock,
  checklistState,
  fitLines,
  statusText,
  type DrillMessage,
  type DrillScenarioView,
} from './drill-common.ts';
import { actions, button, divider, section } from './elements.ts';
import { escapeMrkdwn, formatElapsed, formatTimeInZone } from './format.ts';
import { SLACK_LIMITS, clip } from './limits.ts';

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
  const chain = [
    ...t.previous.map((p) => valueText(measure, p.value, locale)),
    valueText(measure, current, locale),
  ].join(' → ');
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
  const missed = TIME_MEASURES.filter((m) => card[m].pass !== true).map(
    (m) => `${s.measure[m].name} ${markOf(card[m], s)}`,
  );
  return s.notPassed(target, missed.join(', '));
}

/** The measure sections shared by the scorecard and `/drill report`. */
function scoreSections(card: Scorecard, trend: DrillTrend | null, locale: Locale): KnownBlock[] {
  const s = DRILL_STRINGS[locale];
  const blocks: KnownBlock[] = TIME_MEASURES.map((m) => {
    const measure = card[m];
    const lines = [
      s.measureHeading(s.measure[m].name, s.measure[m].span),
      s.timeLine(
        measure.ms === null ? '—' : formatElapsed(measure.ms, locale),
        formatElapsed(measure.targetMs, locale),
        markOf(measure, s),
      ),
    ];
    const t = trend && trendText(m, measure.ms, trend[m], locale);
    if (t) lines.push(t);
    return section(lines.join('\n'));
  });
  const c = card.communication;
  const comm = [
    `${s.communicationName}: ` +
      `${c.average === null ? s.communicationNone : s.communicationAverage(c.average.toFixed(1), c.count)}`,
  ];
  const t = trend && trendText('communication', measureValue(card, 'communication'), trend.communication, locale);
  if (t) comm.push(t);
  blocks.push(section(comm.join('\n')));
  return blocks;
}

function headingLines(
  v: { scorecard: Scorecard; trend: DrillTrend | null; incidentId: string | null; scenario: DrillScenarioView },
  locale: Locale,
): string[] {
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
  for (let n = RATING_MIN; n <= RATING_MAX; n++)
    ratings.push(button({ actionId: drillRateActionId(n), text: `${n} ⭐`, value: `${v.drillId}:${n}` }));
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

/** `/drill report <id>`: the scorecard as it stands, with nothing to press. */
export function drillReportBlocks(v: DrillReportView, locale: Locale, timeZone: string): DrillMessage {
  const s = DRILL_STRINGS[locale];
  const service = v.service === null ? s.noService : escapeMrkdwn(v.service);
  const head = s.reportHeading(
    escapeMrkdwn(v.drillId),
    escapeMrkdwn(v.scenario.title),
    service,
    statusText(v.status, s),
    formatTimeInZone(v.at, timeZone, locale),
  );
  if (v.scorecard === null) {
    const text = clip([head, s.noScorecard(statusText(v.status, s))].join('\n'), SLACK_LIMITS.sectionText);
    return { text, blocks: [section(text)] };
  }
  const card = v.scorecard;
  const blocks: KnownBlock[] = [
    section(
      [
        head,
        ...headingLines({ scorecard: card, trend: v.trend, incidentId: v.incidentId, scenario: v.scenario }, locale),
      ].join('\n'),
    ),
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
      const row = s.historyRow(
        escapeMrkdwn(r.id),
        formatTimeInZone(r.at, timeZone, locale),
        escapeMrkdwn(r.scenario),
        r.service === null ? s.noService : escapeMrkdwn(r.service),
        statusText(r.status, s),
      );
      if (r.scorecard === null) return row;
      const verdict = r.scorecard.passed ? `✅ ${s.verdictPassed}` : `❌ ${s.verdictNotPassed}`;
      const total = r.scorecard.total;
      const result =
        total.ms === null
          ? s.historyNotReached(verdict)
          : s.historyTotal(verdict, formatElapsed(total.ms, locale), formatElapsed(total.targetMs, locale));
      return `${row} · ${result}`;
    });
  return fitLines([s.historyHeading(rows.length)], lines, [], s.more);
}
