/**
 * Alert notes in an incident's thread: which rule fired (the alert's own name) and what it says,
 * then the links it carries — runbook, source graph, dashboard, panel, silence — in a context
 * line under it, one element per link so no link is ever cut by a clip. A burst is one message:
 * counted, the first few listed the same way, the rest summed up.
 *
 * Everything here is outside text. Names and summaries are clipped, then escaped; links are
 * http(s) only (checked again here: an outbox row may be older than the check at intake) and
 * written so that `|` and `>` cannot end the `<url|label>` early.
 */
import type { KnownBlock } from '@slack/types';
import { ALERT_LINK_KINDS, httpUrl, type AlertLinkKind, type AlertLinks } from '../../../domain/alert-links.ts';
import type { Tier } from '../../../domain/types.ts';
import { ALERT_NOTE_STRINGS } from '../i18n/alert-notes.ts';
import type { Locale } from '../i18n/locale.ts';
import { TERMS } from '../i18n/terms.ts';
import { context, section } from './elements.ts';
import { escapeMrkdwn } from './format.ts';
import { SLACK_LIMITS, clip } from './limits.ts';

/** An alert as a note shows it (the `alert` notice of the incident notifier). */
export interface AlertNoteView {
  source: string;
  severity: Tier;
  status: 'firing' | 'resolved';
  summary: string;
  name?: string | null;
  links?: AlertLinks;
}

/** Alerts listed in a batched note, each with its links, before the rest is counted. */
export const ALERTS_LISTED = 10;
/**
 * Outside text is cut to these before it is escaped: a note is a line to read, not a copy of the alert (which is
 * stored).
 */
export const NAME_SHOWN = 200;
export const SUMMARY_SHOWN = 500;

const LINK_ICON: Record<AlertLinkKind, string> = {
  runbook: '📖',
  graph: '📈',
  dashboard: '📊',
  panel: '🔲',
  silence: '🔕',
};

/** `<url|label>` for Slack mrkdwn, or null when the URL is not one Rewind links. */
export function slackLink(url: string, label: string): string | null {
  const safe = httpUrl(url);
  if (safe === null) return null;
  // WHATWG serialising already encodes `<`, `>` and spaces in most parts; `|` it leaves alone.
  const href = safe.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E');
  return `<${href}|${escapeMrkdwn(label)}>`;
}

/**
 * The alert's line: severity and source, its name in bold, its summary (once, when they are the
 * same). Name and summary are clipped before they are escaped, and the summary then to what is left
 * of a section (less a bullet), counted after escaping: the line always fits and no cut ever
 * splits an entity such as `&amp;`.
 */
export function alertLine(a: AlertNoteView, locale: Locale): string {
  const s = ALERT_NOTE_STRINGS[locale];
  const summary = clip(a.summary.trim(), SUMMARY_SHOWN);
  const rawName = a.name?.trim() ? clip(a.name.trim(), NAME_SHOWN) : null;
  const name = rawName === null ? null : escapeMrkdwn(rawName);
  const source = escapeMrkdwn(a.source);
  const line = (what: string) =>
    a.status === 'firing' ? s.firing(source, TERMS[locale].severity[a.severity], what) : s.resolved(source, what);
  if (name !== null && rawName === summary) return line(`*${name}*`);
  const what = (text: string) => (name === null ? text : s.named(name, text));
  return line(what(escapedWithin(summary, LINE_MAX - line(what('')).length)));
}

/** A line of an alert note at most: a section, less the bullet of a batch. */
const LINE_MAX = SLACK_LIMITS.sectionText - 2;

/** `text` escaped for mrkdwn in at most `max` characters, cut between whole characters and entities. */
function escapedWithin(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  let out = '';
  for (const ch of text) {
    const e = escapeMrkdwn(ch);
    if (out.length + e.length > max - 1) break;
    out += e;
  }
  return `${out}…`;
}

/**
 * The context block of an alert's links, in ALERT_LINK_KINDS order; none when it has none.
 * A resolved alert is not offered a silence: there is nothing left to quiet.
 */
export function alertLinkBlocks(a: AlertNoteView, locale: Locale): KnownBlock[] {
  const s = ALERT_NOTE_STRINGS[locale];
  const links = a.links ?? {};
  const shown = ALERT_LINK_KINDS.filter((k) => !(k === 'silence' && a.status === 'resolved')).flatMap((k) => {
    const url = links[k];
    const linked = url === undefined ? null : slackLink(url, s.link[k]);
    return linked === null ? [] : [`${LINK_ICON[k]} ${linked}`];
  });
  return shown.length > 0 ? [context(shown)] : [];
}

/** One alert's note. */
export function alertNoteMessage(a: AlertNoteView, locale: Locale): { text: string; blocks: KnownBlock[] } {
  const text = clip(alertLine(a, locale), SLACK_LIMITS.sectionText);
  return { text, blocks: [section(text), ...alertLinkBlocks(a, locale)] };
}

/**
 * Alerts that arrived together: counted, the first ALERTS_LISTED each with their line and links,
 * the rest summed up. `more`: alerts of the burst beyond those in `alerts`, counted only. At most
 * 2 + 2 × ALERTS_LISTED blocks, each within its own limit; the fallback text carries the lines
 * without links (a notification has no room for them).
 */
export function alertBatchMessage(
  alerts: readonly AlertNoteView[],
  locale: Locale,
  more: { firing: number; resolved: number } = { firing: 0, resolved: 0 },
): { text: string; blocks: KnownBlock[] } {
  const s = ALERT_NOTE_STRINGS[locale];
  const firing = alerts.filter((a) => a.status === 'firing').length + more.firing;
  const total = alerts.length + more.firing + more.resolved;
  const listed = alerts.slice(0, ALERTS_LISTED);
  const head = s.batch(total, firing, total - firing);
  const rest = total > listed.length ? s.more(total - listed.length) : null;
  const lines = listed.map((a) => `• ${alertLine(a, locale)}`);
  const blocks: KnownBlock[] = [
    section(head),
    ...listed.flatMap((a, i) => [section(lines[i] ?? ''), ...alertLinkBlocks(a, locale)]),
  ];
  if (rest !== null) blocks.push(section(rest));
  const text = clip([head, ...lines, ...(rest === null ? [] : [rest])].join('\n'), SLACK_LIMITS.sectionText);
  return { text, blocks };
}
