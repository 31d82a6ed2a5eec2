/**
 * The drill messages of a run (runbook ロールバック訓練): the announcement with the preparation
 * checklist, the start notice, the missed-drill notice, and the text of `/drill run --dry-run`. The
 * scorecard, `/drill report` and `/drill history` are in drill-scorecard.ts.
 * Pure: every instant and every measured value is passed in.
 */
import type { KnownBlock } from '@slack/types';
import { DRILL_EXECUTION, DRILL_PREPARATION } from '../../../domain/drill-checklists.ts';
import { DRILL_STRINGS } from '../i18n/drills.ts';
import type { Locale } from '../i18n/locale.ts';
import { ACTION, BLOCK } from '../ids.ts';
import {
  checklistBlock,
  faultText,
  fitLines,
  versionText,
  type DrillMessage,
  type DrillScenarioView,
} from './drill-common.ts';
import { actions, button, context, section } from './elements.ts';
import { escapeMrkdwn, formatElapsed, mentionList, formatTimeInZone } from './format.ts';
import { SLACK_LIMITS, clip } from './limits.ts';

/** The block of the start notice's Abort button; listeners find the button by its action id. */
const DRILL_CONTROLS = 'drill_controls';

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

export interface DrillPlanView {
  scenario: DrillScenarioView;
  service: string;
  version: string | null;
  injector: string;
  /** What the injector would do, one line per request or change (FaultInjector.describe). */
  lines: readonly string[];
  maxDurationMs: number;
}

export function drillAnnouncement(v: DrillAnnouncementView, locale: Locale, timeZone: string): DrillMessage {
  const s = DRILL_STRINGS[locale];
  const title = escapeMrkdwn(v.scenario.title);
  const service = escapeMrkdwn(v.service);
  const heading = (v.reminder ? s.announcementToday : s.announcement)(
    title,
    service,
    formatTimeInZone(v.at, timeZone, locale),
  );
  const who = (ids: readonly string[]): string => (ids.length > 0 ? mentionList(ids, locale) : s.nobody);
  const blocks: KnownBlock[] = [
    section(
      [
        heading,
        s.injected(faultText(v.scenario, locale)),
        s.expected(formatElapsed(v.scenario.expectedResponseMs, locale)),
        s.howItRuns,
      ].join('\n'),
    ),
    section([s.approvers(who(v.roles.approvers)), s.escalation(who(v.roles.escalation))].join('\n')),
    section(s.preparationHeading),
    checklistBlock(DRILL_PREPARATION, v.checked, ACTION.drillPrep, BLOCK.drillPrep, v.drillId, locale),
    context([s.drillId(escapeMrkdwn(v.drillId))]),
  ];
  return { text: clip(heading, SLACK_LIMITS.sectionText), blocks };
}

export function drillStarted(v: DrillStartedView, locale: Locale): DrillMessage {
  const s = DRILL_STRINGS[locale];
  const head = s.started(
    escapeMrkdwn(v.drillId),
    escapeMrkdwn(v.scenario.title),
    escapeMrkdwn(v.service),
    versionText(v.version, locale),
  );
  const body = [
    head,
    s.startedFault(escapeMrkdwn(v.injector), faultText(v.scenario, locale)),
    s.respond,
    s.removal(formatElapsed(v.maxDurationMs, locale)),
  ].join('\n');
  const recording = [s.recordingHeading, ...DRILL_EXECUTION.map((i) => `• ${i[locale]}`)].join('\n');
  const blocks: KnownBlock[] = [
    section(body),
    section(recording),
    actions(`${DRILL_CONTROLS}:${v.drillId}`, [
      button({
        actionId: ACTION.drillAbort,
        text: s.abortButton,
        value: v.drillId,
        style: 'danger',
        confirm: { ...s.confirmAbort, style: 'danger' },
      }),
    ]),
  ];
  return { text: clip(head, SLACK_LIMITS.sectionText), blocks };
}

export function drillMissed(v: DrillMissedView, locale: Locale, timeZone: string): DrillMessage {
  const text = clip(
    DRILL_STRINGS[locale].missed(
      escapeMrkdwn(v.drillId),
      escapeMrkdwn(v.scenario.title),
      formatTimeInZone(v.at, timeZone, locale),
      escapeMrkdwn(v.scenario.name),
    ),
    SLACK_LIMITS.sectionText,
  );
  return { text, blocks: [section(text)] };
}

/** `/drill run <scenario> --dry-run`: what would happen, with nothing changed. */
export function drillPlanText(v: DrillPlanView, locale: Locale): string {
  const s = DRILL_STRINGS[locale];
  const head = s.plan(
    escapeMrkdwn(v.scenario.title),
    escapeMrkdwn(v.scenario.name),
    escapeMrkdwn(v.service),
    versionText(v.version, locale),
    escapeMrkdwn(v.injector),
  );
  const lines = v.lines.length > 0 ? v.lines.map((l) => `• ${escapeMrkdwn(l)}`) : [s.planNoLines];
  const tail = [
    s.planFault(faultText(v.scenario, locale)),
    s.planExpected(formatElapsed(v.scenario.expectedResponseMs, locale)),
    s.planRemoval(formatElapsed(v.maxDurationMs, locale)),
  ];
  return fitLines([head], lines, tail, s.more);
}
