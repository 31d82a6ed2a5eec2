/**
 * Wall-clock arithmetic in an IANA time zone, using only `Intl.DateTimeFormat` (the tz database
 * that ships with Node's ICU). Pure: every function takes the instant it works from.
 *
 * DST policy (the same as Temporal's `disambiguation: 'compatible'` and RFC 5545):
 * - a wall time that occurs twice (clocks go back) resolves to the EARLIER instant, the first
 *   time the clock shows it;
 * - a wall time that never occurs (clocks go forward) is moved FORWARD by the length of the gap,
 *   so 02:30 on New York's spring-forward night becomes 03:30 EDT.
 * Both are deterministic and never move a time earlier than the person asked for.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A civil date and clock time as a person in some time zone reads it; month and day from 1. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export interface ZonedParts extends WallTime {
  second: number;
  /** 0 = Sunday … 6 = Saturday, in the zone. */
  weekday: number;
  /** Offset from UTC at that instant, in minutes (Tokyo +540, New York −300 or −240). */
  offsetMinutes: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone, which is the message a caller wants to see.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
      era: 'short',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Epoch ms of a wall time read as if it were UTC; handles years below 100 (Date.UTC does not). */
function utcOf(w: WallTime, second = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, second, 0);
  return d.getTime();
}

function assertFinite(epoch: number): void {
  if (!Number.isFinite(epoch)) throw new RangeError(`not a valid time: ${epoch}`);
}

/** The wall time, weekday and UTC offset that `timeZone` shows at `epoch`. */
export function epochToZonedParts(epoch: number, timeZone: string): ZonedParts {
  assertFinite(epoch);
  const values: Record<string, string> = {};
  for (const p of partsFormatter(timeZone).formatToParts(new Date(epoch))) values[p.type] = p.value;
  const num = (k: string): number => Number(values[k]);
  const year = values.era === 'BC' ? 1 - num('year') : num('year');
  const wall = { year, month: num('month'), day: num('day'), hour: num('hour'), minute: num('minute') };
  const second = num('second');
  const weekday = WEEKDAYS.indexOf(values.weekday ?? '');
  // The formatter drops milliseconds, so compare against the instant floored to the second.
  const flooredEpoch = Math.floor(epoch / 1000) * 1000;
  const offsetMinutes = Math.round((utcOf(wall, second) - flooredEpoch) / MINUTE);
  return { ...wall, second, weekday, offsetMinutes };
}

/** True when the fields name a real calendar date and a clock time 00:00–23:59. */
export function isValidWallTime(w: WallTime): boolean {
  const ints = [w.year, w.month, w.day, w.hour, w.minute].every(Number.isInteger);
  if (!ints || w.month < 1 || w.month > 12 || w.day < 1 || w.hour < 0 || w.hour > 23 || w.minute < 0 || w.minute > 59)
    return false;
  return w.day <= daysInMonth(w.year, w.month);
}

function daysInMonth(year: number, month: number): number {
  // Day 0 of the following month is the last day of this one.
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

function sameWall(a: WallTime, b: WallTime): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute;
}

/**
 * Every instant at which `timeZone` shows `wall` (seconds 0), earliest first: one normally, two in
 * a fall-back overlap, none in a spring-forward gap.
 */
export function zonedWallTimeInstants(wall: WallTime, timeZone: string): number[] {
  if (!isValidWallTime(wall)) throw new RangeError(`not a valid wall time: ${JSON.stringify(wall)}`);
  const asUtc = utcOf(wall);
  // Offsets a day either side bracket any single transition near this wall time.
  const offsets = new Set([
    epochToZonedParts(asUtc - DAY, timeZone).offsetMinutes,
    epochToZonedParts(asUtc, timeZone).offsetMinutes,
    epochToZonedParts(asUtc + DAY, timeZone).offsetMinutes,
  ]);
  const found = new Set<number>();
  for (const offset of offsets) {
    const candidate = asUtc - offset * MINUTE;
    if (sameWall(epochToZonedParts(candidate, timeZone), wall)) found.add(candidate);
  }
  return [...found].sort((a, b) => a - b);
}

/** The instant `timeZone` shows `wall`, resolving overlaps and gaps as the file header says. */
export function zonedWallTimeToEpoch(wall: WallTime, timeZone: string): number {
  const instants = zonedWallTimeInstants(wall, timeZone);
  const first = instants[0];
  if (first !== undefined) return first;
  // In a gap: read the wall time with the offset in force BEFORE the jump, which lands the same
  // distance past the transition as the wall time was past its start.
  const asUtc = utcOf(wall);
  const before = epochToZonedParts(asUtc - DAY, timeZone).offsetMinutes;
  return asUtc - before * MINUTE;
}

/** The civil date `days` after the given one (negative goes back). */
function addDays(
  date: { year: number; month: number; day: number },
  days: number,
): { year: number; month: number; day: number } {
  const d = new Date(utcOf({ ...date, hour: 12, minute: 0 }) + days * DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function checkClock(hour: number, minute: number): void {
  if (!Number.isInteger(hour) || !Number.isInteger(minute) || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    throw new RangeError(`not a clock time: ${hour}:${minute}`);
  }
}

/**
 * The first instant strictly after `now` at which `timeZone` shows hour:minute: today if that is
 * still ahead, else tomorrow. In a fall-back overlap the second showing still counts when the first
 * has passed; in a spring-forward gap the time is moved forward as `zonedWallTimeToEpoch` does.
 */
export function nextWallClockTime(now: number, hour: number, minute: number, timeZone: string): number {
  checkClock(hour, minute);
  const today = epochToZonedParts(now, timeZone);
  for (let days = 0; days <= 2; days++) {
    const date = addDays(today, days);
    const wall = { ...date, hour, minute };
    const instants = zonedWallTimeInstants(wall, timeZone);
    const ahead = (instants.length > 0 ? instants : [zonedWallTimeToEpoch(wall, timeZone)]).find((t) => t > now);
    if (ahead !== undefined) return ahead;
  }
  // Unreachable for real zones: two consecutive days cannot both lack a future showing.
  throw new RangeError(`no future ${hour}:${minute} found in ${timeZone}`);
}

/**
 * hour:minute on the first Monday–Friday AFTER the calendar day `now` falls on in `timeZone`
 * ("the next working day at 10:00" of a post-mortem reminder): from Friday or the weekend that is
 * Monday, from Monday it is Tuesday. Public holidays are not known here.
 */
export function nextWorkingDayAt(now: number, hour: number, minute: number, timeZone: string): number {
  checkClock(hour, minute);
  const today = epochToZonedParts(now, timeZone);
  for (let days = 1; days <= 7; days++) {
    const date = addDays(today, days);
    const weekday = (today.weekday + days) % 7;
    if (weekday !== 0 && weekday !== 6) return zonedWallTimeToEpoch({ ...date, hour, minute }, timeZone);
  }
  throw new RangeError('unreachable: every week has a working day');
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const WEEKDAY_NAMES = {
  en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
  ja: ['日', '月', '火', '水', '木', '金', '土'],
} as const;

/**
 * `2026-04-01 (Wed) 10:00 Asia/Tokyo` (ja `2026-04-01 (水) 10:00 Asia/Tokyo`; without a locale no
 * weekday; seconds on request): every time a person reads is in the team's one zone, and names it by its IANA name,
 * which — unlike JST or CET — cannot be mistaken for another zone. The weekday is there because a
 * planned time a few days out is easier to check with it.
 */
export function formatZoned(
  epoch: number,
  timeZone: string,
  locale?: 'en' | 'ja',
  o: { seconds?: boolean } = {},
): string {
  const p = epochToZonedParts(epoch, timeZone);
  const date = `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
  const weekday = locale ? ` (${WEEKDAY_NAMES[locale][p.weekday]})` : '';
  const clock = `${pad(p.hour)}:${pad(p.minute)}${o.seconds ? `:${pad(p.second)}` : ''}`;
  return `${date}${weekday} ${clock} ${timeZone}`;
}
