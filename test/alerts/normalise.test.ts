import { describe, expect, it } from 'vitest';
import {
  GO_ZERO_TIME_MS,
  fingerprintOf,
  parseRfc3339,
  readEndsAt,
  readStringMap,
  serviceOf,
  summaryOf,
  tierOf,
  versionOf,
} from '../../src/adapters/alerts/normalise.ts';

describe('RFC 3339 times', () => {
  it.each([
    ['2026-01-05T09:00:00Z', Date.UTC(2026, 0, 5, 9, 0, 0)],
    ['2026-01-05t09:00:00z', Date.UTC(2026, 0, 5, 9, 0, 0)],
    ['2026-01-05T09:00:00.5Z', Date.UTC(2026, 0, 5, 9, 0, 0, 500)],
    // Go writes nanoseconds; milliseconds are kept, the rest dropped.
    ['2026-01-05T09:00:00.123456789Z', Date.UTC(2026, 0, 5, 9, 0, 0, 123)],
    ['2021-10-12T09:51:03.157076+02:00', Date.UTC(2021, 9, 12, 7, 51, 3, 157)],
    ['2026-01-04T22:30:00-10:30', Date.UTC(2026, 0, 5, 9, 0, 0)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('%s', (text, expected) => {
    expect(parseRfc3339(text)).toBe(expected);
  });

  it('reads Go zero time as year 1, not 1901', () => {
    expect(GO_ZERO_TIME_MS).toBe(-62135596800000);
    expect(new Date(GO_ZERO_TIME_MS).toISOString()).toBe('0001-01-01T00:00:00.000Z');
  });

  it.each([
    'yesterday',
    '2026-01-05',
    '2026-01-05 09:00:00Z',
    '2026-01-05T09:00:00',
    '2026-01-05T09:00Z',
    '2026-13-01T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-01-05T24:00:00Z',
    '2026-01-05T09:60:00Z',
    '2026-01-05T09:00:00+24:00',
    'Mon, 05 Jan 2026 09:00:00 GMT',
  ])('refuses %s', (text) => {
    expect(parseRfc3339(text)).toBeNull();
  });

  it('endsAt: absent and Go zero time are "not ended"; a bad one names its field', () => {
    expect(readEndsAt(undefined, 'endsAt')).toBeNull();
    expect(readEndsAt('0001-01-01T00:00:00Z', 'endsAt')).toBeNull();
    expect(readEndsAt('2026-01-05T09:05:00Z', 'endsAt')).toBe(Date.UTC(2026, 0, 5, 9, 5));
    expect(() => readEndsAt('soon', 'alerts[3].endsAt')).toThrow(
      'alerts[3].endsAt must be an RFC 3339 time such as 2026-01-05T09:00:00Z, got "soon"',
    );
    expect(() => readEndsAt(1767603600000, 'alerts[3].endsAt')).toThrow(
      'alerts[3].endsAt must be a string, got the number 1767603600000',
    );
  });
});

describe('labels to service, version, tier and summary', () => {
  it('service is the service label, else app, else job, else null; an empty label counts as absent', () => {
    expect(serviceOf({ service: 'prompt-service', app: 'a', job: 'j' })).toBe('prompt-service');
    expect(serviceOf({ app: 'a', job: 'j' })).toBe('a');
    expect(serviceOf({ job: 'j' })).toBe('j');
    expect(serviceOf({ service: '', app: ' ', job: 'j' })).toBe('j');
    expect(serviceOf({ alertname: 'X' })).toBeNull();
  });

  it('version is the version label when present', () => {
    expect(versionOf({ version: 'v2.0.0' })).toBe('v2.0.0');
    expect(versionOf({ service: 's' })).toBeNull();
  });

  it('severity critical/warning/watch in any case; anything else or none is warning', () => {
    expect(tierOf('critical')).toBe('critical');
    expect(tierOf('CRITICAL')).toBe('critical');
    expect(tierOf(' Watch ')).toBe('watch');
    expect(tierOf('warning')).toBe('warning');
    expect(tierOf('page')).toBe('warning');
    expect(tierOf('info')).toBe('warning');
    expect(tierOf('')).toBe('warning');
    expect(tierOf(undefined)).toBe('warning');
  });

  it('summary: annotations.summary, then the fallback, then description, then alertname, then the labels', () => {
    const labels = { alertname: 'PromptErrorRateHigh', service: 's' };
    expect(summaryOf({ summary: 'S', description: 'D' }, labels, 'T')).toBe('S');
    expect(summaryOf({ summary: '  ', description: 'D' }, labels, 'T')).toBe('T');
    expect(summaryOf({ description: 'D' }, labels)).toBe('D');
    expect(summaryOf({}, labels)).toBe('PromptErrorRateHigh');
    expect(summaryOf({}, { zone: 'eu-1', service: 's' })).toBe('alert {service="s", zone="eu-1"}');
  });

  it('labels must be an object of strings, and the offending key is named', () => {
    expect(() => readStringMap({ a: 'x', team: 3 }, 'alerts[2].labels')).toThrow(
      'alerts[2].labels must be an object of strings (alerts[2].labels.team is the number 3)',
    );
    expect(() => readStringMap(['a'], 'labels')).toThrow('labels must be an object of strings, got an array');
    expect(readStringMap(JSON.parse('{"__proto__":"p","a":"b"}'), 'labels')).toEqual(
      JSON.parse('{"__proto__":"p","a":"b"}'),
    );
    expect(Object.keys(readStringMap(JSON.parse('{"__proto__":"p"}'), 'labels'))).toEqual(['__proto__']);
  });
});

describe('fingerprints', () => {
  it('do not depend on label order', () => {
    const a = fingerprintOf({ alertname: 'X', service: 's', version: 'v1' });
    const b = fingerprintOf({ version: 'v1', service: 's', alertname: 'X' });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
  });

  it('differ when a label value, a label name or a part differs', () => {
    const base = fingerprintOf('s', { a: '1' }, 'summary');
    expect(fingerprintOf('s', { a: '2' }, 'summary')).not.toBe(base);
    expect(fingerprintOf('s', { b: '1' }, 'summary')).not.toBe(base);
    expect(fingerprintOf('t', { a: '1' }, 'summary')).not.toBe(base);
    expect(fingerprintOf('s', { a: '1' }, 'other')).not.toBe(base);
    // Parts are delimited, so moving text between them changes the fingerprint.
    expect(fingerprintOf('ab', 'c')).not.toBe(fingerprintOf('a', 'bc'));
  });
});
