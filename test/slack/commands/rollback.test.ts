import { describe, expect, it } from 'vitest';
import { parseRollback } from '../../../src/adapters/slack/commands/rollback.ts';
import type { ParseContext, ParseError, RollbackCommand } from '../../../src/adapters/slack/commands/types.ts';
import { ROLLBACK_SUBCOMMANDS } from '../../../src/adapters/slack/commands/types.ts';

const MINUTE = 60_000;
const NOW = Date.UTC(2026, 0, 5, 3, 0); // Mon 2026-01-05 12:00 JST
const SERVICES = ['prompt-service', 'prompt-service-staging'];
const VERSIONS = ['v2.0.0', 'v1.5.0', 'v1.0.0'];

const ctx: ParseContext = {
  services: { 'prompt-service': { versions: VERSIONS }, 'prompt-service-staging': { versions: ['v2.0.0', 'v1.0.0'] } },
  scenarios: ['high-error-rate'],
  now: NOW,
  timezone: 'Asia/Tokyo',
};

function ok(text: string, context: ParseContext = ctx): RollbackCommand {
  const r = parseRollback(text, context);
  if (!r.ok) throw new Error(`expected "${text}" to parse, got ${JSON.stringify(r.error)}`);
  return r.command;
}

function err(text: string, context: ParseContext = ctx): ParseError {
  const r = parseRollback(text, context);
  if (r.ok) throw new Error(`expected "${text}" to fail, got ${JSON.stringify(r.command)}`);
  return r.error;
}

describe('parseRollback: every subcommand', () => {
  it('immediate and gradual, with and without a target version', () => {
    expect(ok('immediate prompt-service')).toEqual({ sub: 'immediate', service: 'prompt-service', to: null });
    expect(ok('immediate prompt-service to v1.0.0')).toEqual({
      sub: 'immediate',
      service: 'prompt-service',
      to: 'v1.0.0',
    });
    expect(ok('gradual prompt-service')).toEqual({ sub: 'gradual', service: 'prompt-service', to: null });
    expect(ok('gradual prompt-service-staging to v1.0.0')).toEqual({
      sub: 'gradual',
      service: 'prompt-service-staging',
      to: 'v1.0.0',
    });
  });

  it('planned at a clock time: today when still ahead, gradual by default', () => {
    expect(ok('planned prompt-service at 14:30')).toEqual({
      sub: 'planned',
      service: 'prompt-service',
      to: null,
      at: Date.UTC(2026, 0, 5, 5, 30),
      strategy: 'gradual',
    });
  });

  it('planned at a clock time already passed today is tomorrow', () => {
    expect(ok('planned prompt-service at 9:05')).toMatchObject({ at: Date.UTC(2026, 0, 6, 0, 5) });
  });

  it('planned with every clause', () => {
    expect(ok('planned prompt-service to v1.5.0 at 2026-01-06 09:15 immediate')).toEqual({
      sub: 'planned',
      service: 'prompt-service',
      to: 'v1.5.0',
      at: Date.UTC(2026, 0, 6, 0, 15),
      strategy: 'immediate',
    });
  });

  it('planned clauses in another order', () => {
    expect(ok('planned prompt-service immediate at 14:30 to v1.5.0')).toEqual({
      sub: 'planned',
      service: 'prompt-service',
      to: 'v1.5.0',
      at: Date.UTC(2026, 0, 5, 5, 30),
      strategy: 'immediate',
    });
  });

  it('planned at ISO instants with Z, with an offset, and without one (read in the zone)', () => {
    expect(ok('planned prompt-service at 2026-01-05T05:30:00Z')).toMatchObject({ at: Date.UTC(2026, 0, 5, 5, 30) });
    expect(ok('planned prompt-service at 2026-01-05T15:00:00+09:00')).toMatchObject({ at: Date.UTC(2026, 0, 5, 6, 0) });
    expect(ok('planned prompt-service at 2026-01-05T10:00-0500')).toMatchObject({ at: Date.UTC(2026, 0, 5, 15, 0) });
    expect(ok('planned prompt-service at 2026-01-05T14:30')).toMatchObject({ at: Date.UTC(2026, 0, 5, 5, 30) });
    expect(ok('planned prompt-service at 2026-01-05t05:30:00.5z')).toMatchObject({
      at: Date.UTC(2026, 0, 5, 5, 30, 0, 500),
    });
  });

  it('planned at a date written with slashes', () => {
    expect(ok('planned prompt-service at 2026/01/06 09:15')).toMatchObject({ at: Date.UTC(2026, 0, 6, 0, 15) });
  });

  it('planned at relative times, and "in" as an alternative to "at"', () => {
    expect(ok('planned prompt-service at +30m')).toMatchObject({ at: NOW + 30 * MINUTE });
    expect(ok('planned prompt-service at +2h')).toMatchObject({ at: NOW + 120 * MINUTE });
    expect(ok('planned prompt-service at +1h30m')).toMatchObject({ at: NOW + 90 * MINUTE });
    expect(ok('planned prompt-service at +3d')).toMatchObject({ at: NOW + 3 * 1440 * MINUTE });
    expect(ok('planned prompt-service in 30m')).toEqual({
      sub: 'planned',
      service: 'prompt-service',
      to: null,
      at: NOW + 30 * MINUTE,
      strategy: 'gradual',
    });
    expect(ok('planned prompt-service in 45min gradual')).toMatchObject({ at: NOW + 45 * MINUTE, strategy: 'gradual' });
    expect(ok('planned prompt-service at in 2h')).toMatchObject({ at: NOW + 120 * MINUTE });
  });

  it('accepts exactly 30 days ahead', () => {
    expect(ok('planned prompt-service at +30d')).toMatchObject({ at: NOW + 30 * 1440 * MINUTE });
    expect(ok('planned prompt-service in 720h')).toMatchObject({ at: NOW + 30 * 1440 * MINUTE });
  });

  it('reads wall times in the configured zone, across a DST gap', () => {
    const ny = { ...ctx, timezone: 'America/New_York', now: Date.UTC(2026, 2, 7, 12, 0) };
    expect(ok('planned prompt-service at 2026-03-08 02:30', ny)).toMatchObject({ at: Date.UTC(2026, 2, 8, 7, 30) });
    expect(ok('planned prompt-service at 2026-03-09 09:00', ny)).toMatchObject({ at: Date.UTC(2026, 2, 9, 13, 0) });
    expect(ok('planned prompt-service at 2026-03-07 09:00', { ...ny, now: Date.UTC(2026, 2, 7, 13, 0) })).toMatchObject(
      { at: Date.UTC(2026, 2, 7, 14, 0) },
    );
  });

  it('status and history, with and without a service', () => {
    expect(ok('status')).toEqual({ sub: 'status', service: null });
    expect(ok('status prompt-service')).toEqual({ sub: 'status', service: 'prompt-service' });
    expect(ok('history')).toEqual({ sub: 'history', service: null });
    expect(ok('history prompt-service-staging')).toEqual({ sub: 'history', service: 'prompt-service-staging' });
  });

  it('pause, resume and abort', () => {
    expect(ok('pause prompt-service')).toEqual({ sub: 'pause', service: 'prompt-service' });
    expect(ok('resume prompt-service')).toEqual({ sub: 'resume', service: 'prompt-service' });
    expect(ok('abort prompt-service')).toEqual({ sub: 'abort', service: 'prompt-service' });
  });

  it('complaint keeps the rest of the line as typed, inner spacing and line breaks included', () => {
    expect(ok('complaint prompt-service Answers   are in English\nsince 10:00')).toEqual({
      sub: 'complaint',
      service: 'prompt-service',
      text: 'Answers   are in English\nsince 10:00',
    });
    expect(ok('complaint prompt-service 回答が英語で返ってくる')).toEqual({
      sub: 'complaint',
      service: 'prompt-service',
      text: '回答が英語で返ってくる',
    });
  });

  it('complaint decodes the entities Slack escapes', () => {
    expect(ok('complaint prompt-service Q&amp;A shows &lt;b&gt; tags')).toMatchObject({ text: 'Q&A shows <b> tags' });
  });

  it('complaint of exactly 1000 characters, counted as characters not UTF-16 units', () => {
    expect(ok(`complaint prompt-service ${'x'.repeat(1000)}`)).toMatchObject({ text: 'x'.repeat(1000) });
    expect(ok(`complaint prompt-service ${'😡'.repeat(1000)}`)).toMatchObject({ text: '😡'.repeat(1000) });
  });

  it('help, empty text and blank text are help', () => {
    expect(ok('help')).toEqual({ sub: 'help' });
    expect(ok('')).toEqual({ sub: 'help' });
    expect(ok(' \u00A0 \t')).toEqual({ sub: 'help' });
  });
});

describe('parseRollback: keywords are case-insensitive, names are exact', () => {
  it('reads subcommands and keywords in any case', () => {
    expect(ok('IMMEDIATE prompt-service TO v1.5.0')).toEqual({
      sub: 'immediate',
      service: 'prompt-service',
      to: 'v1.5.0',
    });
    expect(ok('Planned prompt-service AT 14:30 Immediate')).toMatchObject({ sub: 'planned', strategy: 'immediate' });
    expect(ok('planned prompt-service IN 30M')).toMatchObject({ at: NOW + 30 * MINUTE });
    expect(ok('Status')).toEqual({ sub: 'status', service: null });
    expect(ok('HELP')).toEqual({ sub: 'help' });
  });

  it('does not fold the case of service names or versions, but suggests the right one', () => {
    expect(err('immediate Prompt-Service')).toEqual({
      code: 'unknown_service',
      given: 'Prompt-Service',
      known: SERVICES,
      suggestion: 'prompt-service',
    });
    expect(err('immediate prompt-service to V1.5.0')).toEqual({
      code: 'unknown_version',
      service: 'prompt-service',
      given: 'V1.5.0',
      known: VERSIONS,
      suggestion: 'v1.5.0',
    });
  });
});

describe('parseRollback: what Slack clients send', () => {
  it('non-breaking, ideographic and zero-width spaces', () => {
    expect(ok('immediate\u00A0prompt-service\u3000to\u200B v1.5.0')).toEqual({
      sub: 'immediate',
      service: 'prompt-service',
      to: 'v1.5.0',
    });
  });

  it('smart and straight quotes around a name', () => {
    expect(ok('gradual “prompt-service” to ‘v1.5.0’')).toEqual({
      sub: 'gradual',
      service: 'prompt-service',
      to: 'v1.5.0',
    });
    expect(ok('gradual "prompt-service"')).toEqual({ sub: 'gradual', service: 'prompt-service', to: null });
  });

  it('full-width digits and colon from a Japanese IME', () => {
    expect(ok('planned prompt-service at １４：３０')).toMatchObject({ at: Date.UTC(2026, 0, 5, 5, 30) });
  });
});

describe('parseRollback: errors', () => {
  it('unknown subcommand, with a suggestion when one is near', () => {
    expect(err('stauts')).toEqual({
      code: 'unknown_subcommand',
      given: 'stauts',
      known: [...ROLLBACK_SUBCOMMANDS],
      suggestion: 'status',
    });
    expect(err('Imediate prompt-service')).toEqual({
      code: 'unknown_subcommand',
      given: 'Imediate',
      known: [...ROLLBACK_SUBCOMMANDS],
      suggestion: 'immediate',
    });
    expect(err('deploy prompt-service')).toEqual({
      code: 'unknown_subcommand',
      given: 'deploy',
      known: [...ROLLBACK_SUBCOMMANDS],
    });
  });

  it('missing service, naming the configured ones', () => {
    const missing = { code: 'missing_argument', name: 'service', known: SERVICES };
    expect(err('immediate')).toEqual(missing);
    expect(err('gradual to v1.5.0')).toEqual(missing);
    expect(err('planned at 14:30')).toEqual(missing);
    expect(err('pause')).toEqual(missing);
    expect(err('resume')).toEqual(missing);
    expect(err('abort')).toEqual(missing);
    expect(err('complaint')).toEqual(missing);
  });

  it('unknown service, with a suggestion only when one name is near', () => {
    expect(err('immediate prompt-servce')).toEqual({
      code: 'unknown_service',
      given: 'prompt-servce',
      known: SERVICES,
      suggestion: 'prompt-service',
    });
    expect(err('status promtp-service')).toEqual({
      code: 'unknown_service',
      given: 'promtp-service',
      known: SERVICES,
      suggestion: 'prompt-service',
    });
    expect(err('abort billing')).toEqual({ code: 'unknown_service', given: 'billing', known: SERVICES });
    expect(err('history billing')).toEqual({ code: 'unknown_service', given: 'billing', known: SERVICES });
    expect(err('complaint billing it is slow')).toEqual({ code: 'unknown_service', given: 'billing', known: SERVICES });
  });

  it("unknown version, listing that service's versions", () => {
    expect(err('immediate prompt-service to v9.9.9')).toEqual({
      code: 'unknown_version',
      service: 'prompt-service',
      given: 'v9.9.9',
      known: VERSIONS,
    });
    expect(err('gradual prompt-service to 1.5.0')).toEqual({
      code: 'unknown_version',
      service: 'prompt-service',
      given: '1.5.0',
      known: VERSIONS,
      suggestion: 'v1.5.0',
    });
    // v1.5.0 exists on prompt-service but not on the staging service.
    expect(err('gradual prompt-service-staging to v1.5.0')).toEqual({
      code: 'unknown_version',
      service: 'prompt-service-staging',
      given: 'v1.5.0',
      known: ['v2.0.0', 'v1.0.0'],
      suggestion: 'v1.0.0',
    });
    expect(err('planned prompt-service to v3 at 14:30')).toEqual({
      code: 'unknown_version',
      service: 'prompt-service',
      given: 'v3',
      known: VERSIONS,
    });
  });

  it('"to" without a version', () => {
    const missing = { code: 'missing_argument', name: 'version', known: VERSIONS };
    expect(err('immediate prompt-service to')).toEqual(missing);
    expect(err('planned prompt-service to at 14:30')).toEqual(missing);
  });

  it('planned without a time', () => {
    const missing = { code: 'missing_argument', name: 'time' };
    expect(err('planned prompt-service')).toEqual(missing);
    expect(err('planned prompt-service to v1.5.0 immediate')).toEqual(missing);
    expect(err('planned prompt-service at')).toEqual(missing);
    expect(err('planned prompt-service in')).toEqual(missing);
  });

  it('times that cannot be read', () => {
    expect(err('planned prompt-service at noon')).toEqual({ code: 'bad_time', given: 'noon' });
    expect(err('planned prompt-service at 25:00')).toEqual({ code: 'bad_time', given: '25:00' });
    expect(err('planned prompt-service at 14:60')).toEqual({ code: 'bad_time', given: '14:60' });
    expect(err('planned prompt-service at 2026-02-30 10:00')).toEqual({ code: 'bad_time', given: '2026-02-30 10:00' });
    expect(err('planned prompt-service at 2026-01-06')).toEqual({ code: 'bad_time', given: '2026-01-06' });
    expect(err('planned prompt-service at 2026-01-06 gradual')).toEqual({ code: 'bad_time', given: '2026-01-06' });
    expect(err('planned prompt-service at 2026-01-05T25:00:00Z')).toEqual({
      code: 'bad_time',
      given: '2026-01-05T25:00:00Z',
    });
    expect(err('planned prompt-service at 2026-01-05T10:00:00+24:00')).toEqual({
      code: 'bad_time',
      given: '2026-01-05T10:00:00+24:00',
    });
    expect(err('planned prompt-service at +30')).toEqual({ code: 'bad_time', given: '+30' });
    expect(err('planned prompt-service at 30m')).toEqual({ code: 'bad_time', given: '30m' });
    expect(err('planned prompt-service in soon')).toEqual({ code: 'bad_time', given: 'soon' });
  });

  it('times not in the future', () => {
    expect(err('planned prompt-service at 2026-01-04 10:00')).toEqual({
      code: 'time_not_in_future',
      given: '2026-01-04 10:00',
    });
    expect(err('planned prompt-service at 2026-01-05 12:00')).toEqual({
      code: 'time_not_in_future',
      given: '2026-01-05 12:00',
    });
    expect(err('planned prompt-service at 2026-01-05T02:59:00Z')).toEqual({
      code: 'time_not_in_future',
      given: '2026-01-05T02:59:00Z',
    });
    expect(err('planned prompt-service at +0m')).toEqual({ code: 'time_not_in_future', given: '+0m' });
    expect(err('planned prompt-service in 0h')).toEqual({ code: 'time_not_in_future', given: '0h' });
  });

  it('times more than 30 days ahead', () => {
    expect(err('planned prompt-service at +31d')).toEqual({ code: 'time_too_far', given: '+31d' });
    expect(err('planned prompt-service in 43201m')).toEqual({ code: 'time_too_far', given: '43201m' });
    expect(err('planned prompt-service at 2026-02-04 12:01')).toEqual({
      code: 'time_too_far',
      given: '2026-02-04 12:01',
    });
    expect(err('planned prompt-service at 2027-01-05T00:00:00Z')).toEqual({
      code: 'time_too_far',
      given: '2027-01-05T00:00:00Z',
    });
  });

  it('complaint empty or too long', () => {
    expect(err('complaint prompt-service')).toEqual({ code: 'empty_complaint' });
    expect(err('complaint prompt-service \u00A0 ')).toEqual({ code: 'empty_complaint' });
    expect(err(`complaint prompt-service ${'x'.repeat(1001)}`)).toEqual({
      code: 'complaint_too_long',
      length: 1001,
      max: 1000,
    });
    expect(err(`complaint prompt-service ${'あ'.repeat(1500)}`)).toEqual({
      code: 'complaint_too_long',
      length: 1500,
      max: 1000,
    });
  });

  it('extra arguments', () => {
    expect(err('immediate prompt-service v1.5.0')).toEqual({ code: 'unexpected_argument', given: 'v1.5.0' });
    expect(err('immediate prompt-service to v1.5.0 now')).toEqual({ code: 'unexpected_argument', given: 'now' });
    expect(err('gradual prompt-service at 14:30')).toEqual({ code: 'unexpected_argument', given: 'at' });
    expect(err('status prompt-service v1.5.0')).toEqual({ code: 'unexpected_argument', given: 'v1.5.0' });
    expect(err('history prompt-service all')).toEqual({ code: 'unexpected_argument', given: 'all' });
    expect(err('pause prompt-service now')).toEqual({ code: 'unexpected_argument', given: 'now' });
    expect(err('help planned')).toEqual({ code: 'unexpected_argument', given: 'planned' });
    expect(err('planned prompt-service 14:30')).toEqual({ code: 'unexpected_argument', given: '14:30' });
  });

  it('a planned clause given twice', () => {
    expect(err('planned prompt-service at 14:30 at 15:00')).toEqual({ code: 'unexpected_argument', given: 'at' });
    expect(err('planned prompt-service at 14:30 in 1h')).toEqual({ code: 'unexpected_argument', given: 'in' });
    expect(err('planned prompt-service to v1.5.0 at 14:30 to v1.0.0')).toEqual({
      code: 'unexpected_argument',
      given: 'to',
    });
    expect(err('planned prompt-service at 14:30 immediate gradual')).toEqual({
      code: 'unexpected_argument',
      given: 'gradual',
    });
  });

  it('reports no services when none are configured', () => {
    expect(err('immediate prompt-service', { ...ctx, services: {} })).toEqual({
      code: 'unknown_service',
      given: 'prompt-service',
      known: [],
    });
  });
});
