import { describe, expect, it } from 'vitest';
import { parseDrill } from '../../../src/adapters/slack/commands/drill.ts';
import type { DrillCommand, ParseContext, ParseError } from '../../../src/adapters/slack/commands/types.ts';
import { DRILL_SUBCOMMANDS } from '../../../src/adapters/slack/commands/types.ts';

const SCENARIOS = ['high-error-rate', 'latency-spike', 'partial-outage'];
const ctx: ParseContext = {
  services: { 'prompt-service-staging': { versions: ['v2.0.0'] } },
  scenarios: SCENARIOS,
  now: Date.UTC(2026, 0, 5, 3, 0),
  timezone: 'Asia/Tokyo',
};

function ok(text: string, context: ParseContext = ctx): DrillCommand {
  const r = parseDrill(text, context);
  if (!r.ok) throw new Error(`expected "${text}" to parse, got ${JSON.stringify(r.error)}`);
  return r.command;
}

function err(text: string, context: ParseContext = ctx): ParseError {
  const r = parseDrill(text, context);
  if (r.ok) throw new Error(`expected "${text}" to fail, got ${JSON.stringify(r.command)}`);
  return r.error;
}

describe('parseDrill', () => {
  it('run a scenario, for real or as a dry run', () => {
    expect(ok('run high-error-rate')).toEqual({ sub: 'run', scenario: 'high-error-rate', dryRun: false });
    expect(ok('run latency-spike --dry-run')).toEqual({ sub: 'run', scenario: 'latency-spike', dryRun: true });
    expect(ok('run --dry-run partial-outage')).toEqual({ sub: 'run', scenario: 'partial-outage', dryRun: true });
  });

  it('reads the flag in any case and after a client turned -- into a dash', () => {
    expect(ok('RUN high-error-rate --DRY-RUN')).toEqual({ sub: 'run', scenario: 'high-error-rate', dryRun: true });
    expect(ok('run high-error-rate —dry-run')).toEqual({ sub: 'run', scenario: 'high-error-rate', dryRun: true });
    expect(ok('run high-error-rate –dry-run')).toEqual({ sub: 'run', scenario: 'high-error-rate', dryRun: true });
  });

  it('abort the running drill, or one by id; a malformed id is refused', () => {
    expect(ok('abort')).toEqual({ sub: 'abort', id: null });
    expect(ok('abort drill-20260401-001')).toEqual({ sub: 'abort', id: 'DRILL-20260401-001' });
    expect(err('abort tomorrow')).toMatchObject({ code: 'bad_id', given: 'tomorrow' });
    expect(err('abort DRILL-20260401-001 now')).toMatchObject({ code: 'unexpected_argument' });
  });

  it('schedule, history, report and help', () => {
    expect(ok('schedule')).toEqual({ sub: 'schedule' });
    expect(ok('History')).toEqual({ sub: 'history' });
    expect(ok('report DRILL-20260105-001')).toEqual({ sub: 'report', id: 'DRILL-20260105-001' });
    expect(ok('report drill-20260105-002')).toEqual({ sub: 'report', id: 'DRILL-20260105-002' });
    expect(ok('help')).toEqual({ sub: 'help' });
    expect(ok('')).toEqual({ sub: 'help' });
  });

  it('run without a scenario names the configured ones', () => {
    expect(err('run')).toEqual({ code: 'missing_argument', name: 'scenario', known: SCENARIOS });
    expect(err('run --dry-run')).toEqual({ code: 'missing_argument', name: 'scenario', known: SCENARIOS });
  });

  it('unknown scenarios, with a suggestion when one is near', () => {
    expect(err('run hgh-error-rate')).toEqual({
      code: 'unknown_scenario',
      given: 'hgh-error-rate',
      known: SCENARIOS,
      suggestion: 'high-error-rate',
    });
    expect(err('run High-Error-Rate')).toEqual({
      code: 'unknown_scenario',
      given: 'High-Error-Rate',
      known: SCENARIOS,
      suggestion: 'high-error-rate',
    });
    expect(err('run outage')).toEqual({ code: 'unknown_scenario', given: 'outage', known: SCENARIOS });
    expect(err('run high-error-rate', { ...ctx, scenarios: [] })).toEqual({
      code: 'unknown_scenario',
      given: 'high-error-rate',
      known: [],
    });
  });

  it('report needs a drill id', () => {
    expect(err('report')).toEqual({ code: 'missing_argument', name: 'id' });
    expect(err('report INC-20260105-001')).toEqual({
      code: 'bad_id',
      given: 'INC-20260105-001',
      expected: 'DRILL-YYYYMMDD-NNN',
    });
    expect(err('report 3')).toEqual({ code: 'bad_id', given: '3', expected: 'DRILL-YYYYMMDD-NNN' });
  });

  it('unknown subcommands', () => {
    expect(err('histroy')).toEqual({
      code: 'unknown_subcommand',
      given: 'histroy',
      known: [...DRILL_SUBCOMMANDS],
      suggestion: 'history',
    });
    expect(err('start high-error-rate')).toEqual({
      code: 'unknown_subcommand',
      given: 'start',
      known: [...DRILL_SUBCOMMANDS],
    });
  });

  it('extra arguments and unknown flags', () => {
    expect(err('run high-error-rate --dry-run --dry-run')).toEqual({ code: 'unexpected_argument', given: '--dry-run' });
    expect(err('run high-error-rate --force')).toEqual({ code: 'unexpected_argument', given: '--force' });
    expect(err('run high-error-rate latency-spike')).toEqual({ code: 'unexpected_argument', given: 'latency-spike' });
    expect(err('schedule next')).toEqual({ code: 'unexpected_argument', given: 'next' });
    expect(err('history 5')).toEqual({ code: 'unexpected_argument', given: '5' });
    expect(err('report DRILL-20260105-001 full')).toEqual({ code: 'unexpected_argument', given: 'full' });
  });
});
