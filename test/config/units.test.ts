import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseLatencyMs, parseRatio } from '../../src/config/units.ts';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1_500],
    [' 10m ', 600_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('refuses a bare number and says which unit to add', () => {
    expect(() => parseDuration(300)).toThrow(
      'expected a duration such as 30s, 5m, 2h, 7d; got the bare number 300: add a unit, e.g. "300s" for seconds or ' +
        '"300ms" for milliseconds',
    );
    expect(() => parseDuration('300')).toThrow('got "300" without a unit: write e.g. "300s"');
  });

  it.each(['5 minutes', '5min', '', 'm5', '-5m', '5w', '10%'])('refuses %j with the expected form', (text) => {
    expect(() => parseDuration(text)).toThrow(
      `expected a duration such as 30s, 5m, 2h, 7d; got ${JSON.stringify(text)}`,
    );
  });
});

describe('parseRatio', () => {
  it.each<[string | number, number]>([
    ['10%', 0.1],
    [0.1, 0.1],
    ['0.10', 0.1],
    ['100%', 1],
    [0, 0],
    [1, 1],
    ['12.5%', 0.125],
  ])('reads %j as %d', (input, ratio) => {
    expect(parseRatio(input)).toBeCloseTo(ratio, 12);
  });

  it('refuses a ratio above 1 and suggests the percentage', () => {
    expect(() => parseRatio(10)).toThrow(
      'expected a ratio between 0 and 1 such as 0.10 or 10%; got 10, which is above 1 (did you mean "10%"?)',
    );
    expect(() => parseRatio('150%')).toThrow('got "150%", which is above 100%');
  });

  it('refuses negatives and non-numbers', () => {
    expect(() => parseRatio(-0.1)).toThrow('which is negative');
    expect(() => parseRatio('-5%')).toThrow('which is negative');
    expect(() => parseRatio('ten percent')).toThrow(
      'expected a ratio between 0 and 1 such as 0.10 or 10%; got "ten percent"',
    );
  });
});

describe('parseLatencyMs', () => {
  it.each<[string | number, number]>([
    [10000, 10000],
    ['10000ms', 10000],
    ['10s', 10000],
    ['3000', 3000],
    ['1.5s', 1500],
  ])('reads %j as %d ms', (input, ms) => {
    expect(parseLatencyMs(input)).toBe(ms);
  });

  it.each<string | number>(['10 seconds', '5m', -1, '10%'])('refuses %j', (input) => {
    expect(() => parseLatencyMs(input)).toThrow(
      `expected a latency in milliseconds such as 10000, 10000ms or 10s; got ` +
        `${typeof input === 'string' ? JSON.stringify(input) : input}`,
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [300_000, '5m'],
    [90_000, '90s'],
    [5_400_000, '1h30m'],
    [7_200_000, '2h'],
    [604_800_000, '7d'],
    [1_500, '1500ms'],
    [0, '0s'],
    [30_000, '30s'],
  ])('writes %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips through parseDuration', () => {
    for (const ms of [500, 30_000, 90_000, 300_000, 5_400_000, 86_400_000, 90_061_000]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });
});
