/**
 * What the drill messages share (drills.ts: the run and its notices; drill-scorecard.ts: the
 * scorecard, `/drill report` and `/drill history`): the scenario as shown, the fault in words, the
 * checklists, and fitting whole lines into one section.
 */
import type { Checkboxes, KnownBlock, PlainTextOption } from '@slack/types';
import type { ChecklistItem } from '../../../domain/checklists.ts';
import { DRILL_STRINGS, type DrillStrings } from '../i18n/drills.ts';
import type { Locale } from '../i18n/locale.ts';
import { TERMS } from '../i18n/terms.ts';
import { option } from './elements.ts';
import { escapeMrkdwn, formatPercent } from './format.ts';
import { SLACK_LIMITS, clip } from './limits.ts';

/** Slack allows ten options per checkboxes element; every drill checklist fits in one (tested). */
export const MAX_CHECKBOX_OPTIONS = 10;

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

export interface DrillMessage {
  text: string;
  blocks: KnownBlock[];
}

const ratio = (r: number | null | undefined): string | null =>
  r === null || r === undefined ? null : formatPercent(r * 100);

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

export const versionText = (version: string | null, locale: Locale): string =>
  version === null ? TERMS[locale].unknownVersion : `\`${escapeMrkdwn(version)}\``;

/** One checkboxes element in an actions block `<base>:<drill id>`, its options the items' keys. */
export function checklistBlock(
  items: readonly ChecklistItem[],
  checked: readonly string[],
  actionId: string,
  blockBase: string,
  drillId: string,
  locale: Locale,
): KnownBlock {
  const options: PlainTextOption[] = items.map((i) => option(i[locale], i.key));
  // The very option objects: Slack requires initial_options to match options exactly.
  const initial = options.filter((_, n) => checked.includes(items[n]?.key ?? ''));
  const element: Checkboxes = { type: 'checkboxes', action_id: actionId, options };
  if (initial.length > 0) element.initial_options = initial;
  return { type: 'actions', block_id: `${blockBase}:${drillId}`, elements: [element] };
}

/** `✅ item` / `⬜ item` lines, for surfaces that show a checklist's state without letting anyone tick it. */
export function checklistState(items: readonly ChecklistItem[], done: readonly string[], locale: Locale): string {
  return items.map((i) => `${done.includes(i.key) ? '✅' : '⬜'} ${i[locale]}`).join('\n');
}

/** A drill's status in words; one the strings do not know is shown as given. */
export function statusText(status: string, s: DrillStrings): string {
  return Object.hasOwn(s.status, status) ? s.status[status as keyof DrillStrings['status']] : escapeMrkdwn(status);
}

/**
 * head, as many whole lines as fit in one section, a "…and N more" line for the rest, then tail.
 * Whole lines only: a history row or a planned patch cut in half would say something false.
 */
export function fitLines(
  head: readonly string[],
  lines: readonly string[],
  tail: readonly string[],
  more: (count: number) => string,
): string {
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
