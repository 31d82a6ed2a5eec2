/**
 * Small formatting helpers shared by every surface: elapsed times, the text progress bar, traffic
 * splits, mentions and times. Pure: the caller passes every instant in.
 */
import { systemActorName } from '../../../domain/actors.ts';
import type { Tier } from '../../../domain/types.ts';
import { formatZoned } from '../../../domain/zoned-time.ts';
import type { Locale } from '../i18n/locale.ts';
import { TERMS } from '../i18n/terms.ts';

export const SEVERITY_MARKER: Record<Tier, string> = { critical: '🔴', warning: '🟠', watch: '🟡' };
/** A resolved incident reads as resolved at a glance, wherever it is listed; its severity is then the peak. */
export const RESOLVED_MARK = '✅';

/** Cells of the rollback progress bar. */
export const PROGRESS_CELLS = 10;
const FILLED = '▓';
const EMPTY = '░';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * `45s`, `12m 30s`, `1h 05m`, `2d 03h` (ja: `45秒`, `12分30秒`, `1時間05分`, `2日03時間`): two
 * units at most, because a person reading an incident clock wants its size, not its seconds once it
 * runs past an hour. A negative span (clock skew between writers) reads as zero.
 */
export function formatElapsed(ms: number, locale: Locale): string {
  const u = TERMS[locale].duration;
  const total = Math.max(0, Math.floor(ms / SECOND)) * SECOND;
  if (total < MINUTE) return `${total / SECOND}${u.second}`;
  if (total < HOUR) {
    const m = Math.floor(total / MINUTE);
    const s = (total % MINUTE) / SECOND;
    return `${m}${u.minute}${u.separator}${pad2(s)}${u.second}`;
  }
  if (total < DAY) {
    const h = Math.floor(total / HOUR);
    const m = Math.floor((total % HOUR) / MINUTE);
    return `${h}${u.hour}${u.separator}${pad2(m)}${u.minute}`;
  }
  const d = Math.floor(total / DAY);
  const h = Math.floor((total % DAY) / HOUR);
  return `${d}${u.day}${u.separator}${pad2(h)}${u.hour}`;
}

/**
 * `▓▓▓░░░░░░░` for 0.3. Cells are floored so the bar is full only when the work is done: a bar that
 * looks complete while 5% of traffic is still on the bad version would mislead.
 */
export function progressBar(fraction: number, cells: number = PROGRESS_CELLS): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.floor(f * cells + 1e-9);
  return FILLED.repeat(filled) + EMPTY.repeat(cells - filled);
}

/**
 * How far a rollback has come, 0–1: from the start split (all traffic on the version being rolled
 * back, 100) to none of it (0). Null when the current weight is unknown.
 */
export function rollbackProgress(newVersionWeight: number | null): number | null {
  if (newVersionWeight === null || !Number.isFinite(newVersionWeight)) return null;
  const w = Math.min(100, Math.max(0, newVersionWeight));
  return (100 - w) / 100;
}

/** `25%`, `12.5%`: whole numbers stay whole, fractions keep one decimal. */
export function formatPercent(weight: number): string {
  const rounded = Math.round(weight * 10) / 10;
  return `${rounded}%`;
}

/**
 * `v2.0.0 25% / v1.5.0 75%`: the version being rolled back first, then the target. Null when the
 * weight is unknown, so callers show nothing rather than a made-up split.
 */
export function splitText(
  fromVersion: string | null,
  toVersion: string,
  newVersionWeight: number | null,
  locale: Locale,
): string | null {
  if (newVersionWeight === null || !Number.isFinite(newVersionWeight)) return null;
  const w = Math.min(100, Math.max(0, newVersionWeight));
  const from = fromVersion ?? TERMS[locale].unknownVersion;
  return `${from} ${formatPercent(w)} / ${toVersion} ${formatPercent(100 - w)}`;
}

/** Escapes the three characters mrkdwn treats as control characters, for text that came from outside. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const GROUP_ID = /^S[A-Z0-9]{2,}$/;

/**
 * A Slack mention for a user (`U…`/`W…` → `<@U…>`) or a user group (`S…` → `<!subteam^S…>`).
 * Anything else (the bot's own actor id `rewind`, a subsystem name) is shown as escaped plain text,
 * since Slack would render a fake mention as a broken link.
 */
export function mention(id: string): string {
  if (USER_ID.test(id)) return `<@${id}>`;
  if (GROUP_ID.test(id)) return `<!subteam^${id}>`;
  return escapeMrkdwn(id);
}

/**
 * Who did something: a person or group as a mention; a part of Rewind (the bot, the rollback engine,
 * the drill schedule) by its name in the reader's language.
 */
export function actorName(id: string, locale: Locale): string {
  if (USER_ID.test(id) || GROUP_ID.test(id)) return mention(id);
  return escapeMrkdwn(systemActorName(id, locale));
}

export function mentionList(ids: readonly string[], locale: Locale): string {
  return ids.map(mention).join(TERMS[locale].listSeparator);
}

/** A `<url|text>` link when the URL is a plain http(s) address, else the text alone. */
export function link(url: string | null, text: string): string {
  if (url === null || !/^https?:\/\/[^\s|<>]+$/.test(url)) return text;
  return `<${url}|${text}>`;
}

/**
 * How long ago `at` was, kept current by the Slack client itself (`{ago}`: "12 minutes ago"): a
 * head message is only re-rendered when something changes, and a stored "12m" would go stale.
 * Only the age, never a clock time, which Slack would show in each reader's own zone.
 * `fallback` (the age at render time) is what notifications and older clients show.
 */
export function slackAgo(at: number, fallback: string): string {
  return `<!date^${Math.floor(at / SECOND)}^{ago}|${fallback}>`;
}

/**
 * `2026-04-01 (Wed) 10:00 Asia/Tokyo` (ja: `2026-04-01 (水) 10:00 Asia/Tokyo`): every time Rewind
 * writes for people is in the team's configured zone (drills.timezone) and names it, so a thread
 * note, the timeline, a drill date and the CLI all read the same — not each reader's own zone,
 * which Slack's date tokens would give.
 */
export function formatTimeInZone(at: number, timeZone: string, locale: Locale): string {
  try {
    return formatZoned(at, timeZone, locale);
  } catch (err) {
    if (err instanceof RangeError && !Number.isFinite(at)) throw err;
    if (err instanceof RangeError)
      throw new Error(`unknown time zone "${timeZone}" (expected an IANA name such as Asia/Tokyo)`, { cause: err });
    throw err;
  }
}
