import { describe, expect, it } from 'vitest';
import {
  epochToZonedParts,
  formatZoned,
  isValidWallTime,
  nextWallClockTime,
  nextWorkingDayAt,
  zonedWallTimeInstants,
  zonedWallTimeToEpoch,
} from '../../src/domain/zoned-time.ts';

const TOKYO = 'Asia/Tokyo';
const NY = 'America/New_York';
const UTC = 'UTC';
const HOUR = 3_600_000;

const wall = (year: number, month: number, day: number, hour: number, minute: number) => ({
  year,
  month,
  day,
  hour,
  minute,
});

describe('epochToZonedParts', () => {
  it('reads the wall time, weekday and offset in Tokyo', () => {
    expect(epochToZonedParts(Date.UTC(2026, 0, 5, 5, 30, 15, 999), TOKYO)).toEqual({
      year: 2026,
      month: 1,
      day: 5,
      hour: 14,
      minute: 30,
      second: 15,
      weekday: 1,
      offsetMinutes: 540,
    });
  });

  it('crosses the date line into the next day', () => {
    const p = epochToZonedParts(Date.UTC(2026, 0, 5, 20, 0), TOKYO);
    expect([p.year, p.month, p.day, p.hour, p.weekday]).toEqual([2026, 1, 6, 5, 2]);
  });

  it('gives New York its winter and summer offsets', () => {
    expect(epochToZonedParts(Date.UTC(2026, 0, 5, 14, 0), NY)).toMatchObject({ hour: 9, offsetMinutes: -300 });
    expect(epochToZonedParts(Date.UTC(2026, 6, 1, 13, 0), NY)).toMatchObject({ hour: 9, offsetMinutes: -240 });
  });

  it('shows midnight as hour 0, not 24', () => {
    expect(epochToZonedParts(Date.UTC(2026, 0, 5, 0, 0), UTC)).toMatchObject({
      day: 5,
      hour: 0,
      minute: 0,
      offsetMinutes: 0,
    });
  });

  it('rejects an unknown zone and a non-finite instant', () => {
    expect(() => epochToZonedParts(0, 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => epochToZonedParts(Number.NaN, UTC)).toThrow(RangeError);
  });
});

describe('isValidWallTime', () => {
  it('knows month lengths and leap years', () => {
    expect(isValidWallTime(wall(2028, 2, 29, 0, 0))).toBe(true);
    expect(isValidWallTime(wall(2026, 2, 29, 0, 0))).toBe(false);
    expect(isValidWallTime(wall(2026, 4, 31, 0, 0))).toBe(false);
    expect(isValidWallTime(wall(2026, 12, 31, 23, 59))).toBe(true);
  });

  it('rejects clock times outside 00:00–23:59 and fractions', () => {
    expect(isValidWallTime(wall(2026, 1, 5, 24, 0))).toBe(false);
    expect(isValidWallTime(wall(2026, 1, 5, 12, 60))).toBe(false);
    expect(isValidWallTime(wall(2026, 13, 1, 0, 0))).toBe(false);
    expect(isValidWallTime(wall(2026, 1, 5, 1.5, 0))).toBe(false);
  });
});

describe('zonedWallTimeToEpoch', () => {
  it('reads Tokyo wall times at +09:00 and UTC as is', () => {
    expect(zonedWallTimeToEpoch(wall(2026, 1, 5, 14, 30), TOKYO)).toBe(Date.UTC(2026, 0, 5, 5, 30));
    expect(zonedWallTimeToEpoch(wall(2026, 1, 1, 3, 0), TOKYO)).toBe(Date.UTC(2025, 11, 31, 18, 0));
    expect(zonedWallTimeToEpoch(wall(2026, 1, 5, 14, 30), UTC)).toBe(Date.UTC(2026, 0, 5, 14, 30));
  });

  it('uses EST in winter and EDT in summer for New York', () => {
    expect(zonedWallTimeToEpoch(wall(2026, 1, 5, 9, 0), NY)).toBe(Date.UTC(2026, 0, 5, 14, 0));
    expect(zonedWallTimeToEpoch(wall(2026, 7, 1, 9, 0), NY)).toBe(Date.UTC(2026, 6, 1, 13, 0));
  });

  it('moves a time inside the spring-forward gap forward by the gap (02:30 → 03:30 EDT)', () => {
    const at = zonedWallTimeToEpoch(wall(2026, 3, 8, 2, 30), NY);
    expect(at).toBe(Date.UTC(2026, 2, 8, 7, 30));
    expect(epochToZonedParts(at, NY)).toMatchObject({ hour: 3, minute: 30, offsetMinutes: -240 });
    expect(zonedWallTimeInstants(wall(2026, 3, 8, 2, 30), NY)).toEqual([]);
  });

  it('picks the earlier of the two fall-back showings (01:30 EDT, not EST)', () => {
    expect(zonedWallTimeInstants(wall(2026, 11, 1, 1, 30), NY)).toEqual([
      Date.UTC(2026, 10, 1, 5, 30),
      Date.UTC(2026, 10, 1, 6, 30),
    ]);
    expect(zonedWallTimeToEpoch(wall(2026, 11, 1, 1, 30), NY)).toBe(Date.UTC(2026, 10, 1, 5, 30));
  });

  it('round-trips every hour of a DST day in New York', () => {
    for (let hour = 0; hour < 24; hour++) {
      if (hour === 2) continue; // in the gap
      const at = zonedWallTimeToEpoch(wall(2026, 3, 8, hour, 15), NY);
      expect(epochToZonedParts(at, NY)).toMatchObject({ day: 8, hour, minute: 15 });
    }
  });

  it('refuses an impossible date', () => {
    expect(() => zonedWallTimeToEpoch(wall(2026, 2, 30, 10, 0), TOKYO)).toThrow(/not a valid wall time/);
  });
});

describe('nextWallClockTime', () => {
  const noonTokyo = Date.UTC(2026, 0, 5, 3, 0); // Mon 2026-01-05 12:00 JST

  it('is today when the time is still ahead, else tomorrow', () => {
    expect(nextWallClockTime(noonTokyo, 14, 30, TOKYO)).toBe(Date.UTC(2026, 0, 5, 5, 30));
    expect(nextWallClockTime(noonTokyo, 11, 0, TOKYO)).toBe(Date.UTC(2026, 0, 6, 2, 0));
  });

  it('treats the current minute as passed (strictly after now)', () => {
    expect(nextWallClockTime(noonTokyo, 12, 0, TOKYO)).toBe(Date.UTC(2026, 0, 6, 3, 0));
    expect(nextWallClockTime(noonTokyo - 1, 12, 0, TOKYO)).toBe(noonTokyo);
  });

  it('rolls over month and year ends in the zone, not in UTC', () => {
    // 2026-01-31 23:00 JST is still January 31 in Tokyo but 14:00Z the same day.
    expect(nextWallClockTime(Date.UTC(2026, 0, 31, 14, 0), 8, 0, TOKYO)).toBe(Date.UTC(2026, 0, 31, 23, 0));
    expect(nextWallClockTime(Date.UTC(2026, 11, 31, 15, 30), 0, 15, TOKYO)).toBe(
      Date.UTC(2026, 11, 31, 15, 15) + 24 * HOUR,
    );
    expect(nextWallClockTime(Date.UTC(2026, 11, 31, 23, 59), 0, 0, UTC)).toBe(Date.UTC(2027, 0, 1, 0, 0));
  });

  it('across spring-forward the next 09:00 is 23 hours away', () => {
    const now = Date.UTC(2026, 2, 7, 14, 0); // Sat 09:00 EST
    expect(nextWallClockTime(now, 9, 0, NY)).toBe(Date.UTC(2026, 2, 8, 13, 0));
    expect(nextWallClockTime(now, 9, 0, NY) - now).toBe(23 * HOUR);
  });

  it('a gap time the night of spring-forward lands at 03:30 EDT', () => {
    expect(nextWallClockTime(Date.UTC(2026, 2, 8, 6, 0), 2, 30, NY)).toBe(Date.UTC(2026, 2, 8, 7, 30));
  });

  it('takes the second fall-back showing when the first has passed', () => {
    expect(nextWallClockTime(Date.UTC(2026, 10, 1, 4, 0), 1, 30, NY)).toBe(Date.UTC(2026, 10, 1, 5, 30));
    expect(nextWallClockTime(Date.UTC(2026, 10, 1, 5, 45), 1, 30, NY)).toBe(Date.UTC(2026, 10, 1, 6, 30));
    expect(nextWallClockTime(Date.UTC(2026, 10, 1, 6, 45), 1, 30, NY)).toBe(Date.UTC(2026, 10, 2, 6, 30));
  });

  it('rejects a clock time that does not exist', () => {
    expect(() => nextWallClockTime(noonTokyo, 24, 0, TOKYO)).toThrow(RangeError);
    expect(() => nextWallClockTime(noonTokyo, 9, 60, TOKYO)).toThrow(RangeError);
  });
});

describe('nextWorkingDayAt', () => {
  it('from Monday is Tuesday, even when the hour is still ahead today', () => {
    // Mon 08:00 JST
    expect(nextWorkingDayAt(Date.UTC(2026, 0, 4, 23, 0), 10, 0, TOKYO)).toBe(Date.UTC(2026, 0, 6, 1, 0));
  });

  it('from Friday, Saturday or Sunday is Monday', () => {
    const monday10 = Date.UTC(2026, 0, 12, 1, 0);
    expect(nextWorkingDayAt(Date.UTC(2026, 0, 9, 3, 0), 10, 0, TOKYO)).toBe(monday10); // Fri
    expect(nextWorkingDayAt(Date.UTC(2026, 0, 10, 3, 0), 10, 0, TOKYO)).toBe(monday10); // Sat
    expect(nextWorkingDayAt(Date.UTC(2026, 0, 11, 3, 0), 10, 0, TOKYO)).toBe(monday10); // Sun
  });

  it('counts the day in the zone: Sunday 20:00Z is already Monday in Tokyo', () => {
    expect(nextWorkingDayAt(Date.UTC(2026, 0, 11, 20, 0), 10, 0, TOKYO)).toBe(Date.UTC(2026, 0, 13, 1, 0));
    expect(nextWorkingDayAt(Date.UTC(2026, 0, 11, 20, 0), 10, 0, UTC)).toBe(Date.UTC(2026, 0, 12, 10, 0));
  });

  it('keeps 10:00 local across a DST weekend in New York', () => {
    // Fri 2026-03-06 (EST) → Mon 2026-03-09 10:00 EDT.
    expect(nextWorkingDayAt(Date.UTC(2026, 2, 6, 17, 0), 10, 0, NY)).toBe(Date.UTC(2026, 2, 9, 14, 0));
  });
});

describe('formatZoned', () => {
  const at = Date.UTC(2026, 0, 5, 5, 30);

  it('renders date, time and the zone by its IANA name', () => {
    expect(formatZoned(at, TOKYO)).toBe('2026-01-05 14:30 Asia/Tokyo');
    expect(formatZoned(at, UTC)).toBe('2026-01-05 05:30 UTC');
    expect(formatZoned(at, NY)).toBe('2026-01-05 00:30 America/New_York');
    expect(formatZoned(Date.UTC(2026, 6, 1, 4, 5), NY)).toBe('2026-07-01 00:05 America/New_York');
  });

  it('adds the weekday the way each language names it', () => {
    expect(formatZoned(at, TOKYO, 'en')).toBe('2026-01-05 (Mon) 14:30 Asia/Tokyo');
    expect(formatZoned(at, TOKYO, 'ja')).toBe('2026-01-05 (月) 14:30 Asia/Tokyo');
    expect(formatZoned(Date.UTC(2026, 0, 10, 0, 0), UTC, 'ja')).toBe('2026-01-10 (土) 00:00 UTC');
  });

  it('refuses a zone that does not exist', () => {
    expect(() => formatZoned(at, 'Mars/Olympus')).toThrow(RangeError);
  });
});
