/**
 * The `<time>` of `/rollback planned … at <time>` and the `<duration>` of `… in <duration>`.
 * Bare wall-clock forms are read in the configured time zone; ISO instants carry their own offset.
 * Every accepted time must lie ahead of `now` and at most PLANNED_MAX_AHEAD_DAYS after it.
 */
import { isValidWallTime, nextWallClockTime, zonedWallTimeToEpoch } from '../../../domain/zoned-time.ts';
import type { ParseError } from './types.ts';
import { PLANNED_MAX_AHEAD_MS } from './types.ts';

export type TimeParse = { ok: true; at: number; consumed: number } | { ok: false; error: ParseError };

const MINUTE = 60_000;
const CLOCK = /^(\d{1,2}):(\d{2})$/;
// `2026-01-05` or, as Japanese teams often write it, `2026/01/05`.
const DATE = /^(\d{4})[-/](\d{2})[-/](\d{2})$/;
// ISO 8601 date-time; without an offset it is a wall time in the configured zone.
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
// `30m`, `2h`, `1h30m`, `3d`, `45min`: at least one part, largest unit first.
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)(?:m|min))?$/i;

/** Milliseconds of `30m` / `2h` / `1h30m` / `3d`, or null when the word is not a duration. */
export function parseDuration(word: string): number | null {
  const m = DURATION.exec(word);
  if (!m || (m[1] === undefined && m[2] === undefined && m[3] === undefined)) return null;
  const [d, h, min] = [m[1], m[2], m[3]].map((x) => (x === undefined ? 0 : Number(x))) as [number, number, number];
  return ((d * 24 + h) * 60 + min) * MINUTE;
}

function checkRange(at: number, given: string, now: number, consumed: number): TimeParse {
  if (!(at > now)) return { ok: false, error: { code: 'time_not_in_future', given } };
  if (at - now > PLANNED_MAX_AHEAD_MS) return { ok: false, error: { code: 'time_too_far', given } };
  return { ok: true, at, consumed };
}

function badTime(given: string): TimeParse {
  return { ok: false, error: { code: 'bad_time', given } };
}

function parseIso(word: string, timeZone: string): number | null {
  const m = ISO.exec(word);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  const wall = { year, month, day, hour, minute };
  if (!isValidWallTime(wall) || second > 59) return null;
  const zone = m[8];
  if (zone === undefined) return zonedWallTimeToEpoch(wall, timeZone) + second * 1000 + millis;
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * MINUTE;
}

function clockOf(word: string): { hour: number; minute: number } | null {
  const m = CLOCK.exec(word);
  if (!m) return null;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  return hour <= 23 && minute <= 59 ? { hour, minute } : null;
}

/**
 * Reads the words after `at`: `14:30`, `2026-01-05 14:30` (two words), an ISO instant, or `+30m`.
 * `consumed` says how many words the time took.
 */
export function parseAtTime(words: readonly string[], now: number, timeZone: string): TimeParse {
  const first = words[0];
  if (first === undefined) return { ok: false, error: { code: 'missing_argument', name: 'time' } };

  if (first.startsWith('+')) {
    const ms = parseDuration(first.slice(1));
    return ms === null ? badTime(first) : checkRange(now + ms, first, now, 1);
  }

  const clock = clockOf(first);
  if (clock) return checkRange(nextWallClockTime(now, clock.hour, clock.minute, timeZone), first, now, 1);

  const date = DATE.exec(first);
  if (date) {
    const second = words[1];
    const time = second === undefined ? null : clockOf(second);
    if (second === undefined || !time) return badTime(first);
    const wall = { year: Number(date[1]), month: Number(date[2]), day: Number(date[3]), ...time };
    const given = `${first} ${second}`;
    if (!isValidWallTime(wall)) return badTime(given);
    return checkRange(zonedWallTimeToEpoch(wall, timeZone), given, now, 2);
  }

  if (ISO.test(first)) {
    const at = parseIso(first, timeZone);
    return at === null ? badTime(first) : checkRange(at, first, now, 1);
  }

  return badTime(first);
}

/** Reads the word after `in`: `30m`, `2h`, `1h30m`, `3d` (a leading `+` is tolerated). */
export function parseInDuration(words: readonly string[], now: number): TimeParse {
  const first = words[0];
  if (first === undefined) return { ok: false, error: { code: 'missing_argument', name: 'time' } };
  const ms = parseDuration(first.startsWith('+') ? first.slice(1) : first);
  return ms === null ? badTime(first) : checkRange(now + ms, first, now, 1);
}
