import { describe, expect, it } from 'vitest';
import { parseIncident } from '../../../src/adapters/slack/commands/incident.ts';
import type { IncidentCommand, ParseError } from '../../../src/adapters/slack/commands/types.ts';
import { INCIDENT_SUBCOMMANDS } from '../../../src/adapters/slack/commands/types.ts';

function ok(text: string): IncidentCommand {
  const r = parseIncident(text);
  if (!r.ok) throw new Error(`expected "${text}" to parse, got ${JSON.stringify(r.error)}`);
  return r.command;
}

function err(text: string): ParseError {
  const r = parseIncident(text);
  if (r.ok) throw new Error(`expected "${text}" to fail, got ${JSON.stringify(r.command)}`);
  return r.error;
}

describe('parseIncident', () => {
  it('list', () => {
    expect(ok('list')).toEqual({ sub: 'list' });
    expect(ok('LIST')).toEqual({ sub: 'list' });
  });

  it('ack, resolve, rca and timeline without an id mean the open incident', () => {
    for (const sub of ['ack', 'resolve', 'rca', 'timeline'] as const) expect(ok(sub)).toEqual({ sub, id: null });
  });

  it('ack, resolve, rca and timeline with an id, normalised to upper case', () => {
    expect(ok('ack INC-20260105-001')).toEqual({ sub: 'ack', id: 'INC-20260105-001' });
    expect(ok('Resolve inc-20260105-002')).toEqual({ sub: 'resolve', id: 'INC-20260105-002' });
    expect(ok('RCA Inc-20260105-003')).toEqual({ sub: 'rca', id: 'INC-20260105-003' });
    expect(ok('timeline\u00A0INC-20260105-1234')).toEqual({ sub: 'timeline', id: 'INC-20260105-1234' });
  });

  it('an id in smart quotes is still an id', () => {
    expect(ok('ack “INC-20260105-001”')).toEqual({ sub: 'ack', id: 'INC-20260105-001' });
  });

  it('help and empty text', () => {
    expect(ok('help')).toEqual({ sub: 'help' });
    expect(ok('')).toEqual({ sub: 'help' });
    expect(ok('  ')).toEqual({ sub: 'help' });
  });

  it('bad ids name the expected shape', () => {
    const bad = (given: string) => ({ code: 'bad_id', given, expected: 'INC-YYYYMMDD-NNN' });
    expect(err('ack INC-1')).toEqual(bad('INC-1'));
    expect(err('resolve 42')).toEqual(bad('42'));
    expect(err('rca DRILL-20260105-001')).toEqual(bad('DRILL-20260105-001'));
    expect(err('timeline INC-2026015-001')).toEqual(bad('INC-2026015-001'));
    expect(err('ack INC-20260105-01')).toEqual(bad('INC-20260105-01'));
  });

  it('unknown subcommands, with a suggestion when one is near', () => {
    expect(err('resolv')).toEqual({ code: 'unknown_subcommand', given: 'resolv', known: [...INCIDENT_SUBCOMMANDS], suggestion: 'resolve' });
    expect(err('Lst')).toEqual({ code: 'unknown_subcommand', given: 'Lst', known: [...INCIDENT_SUBCOMMANDS], suggestion: 'list' });
    expect(err('open INC-20260105-001')).toEqual({ code: 'unknown_subcommand', given: 'open', known: [...INCIDENT_SUBCOMMANDS] });
  });

  it('extra arguments', () => {
    expect(err('list all')).toEqual({ code: 'unexpected_argument', given: 'all' });
    expect(err('ack INC-20260105-001 INC-20260105-002')).toEqual({ code: 'unexpected_argument', given: 'INC-20260105-002' });
    expect(err('help ack')).toEqual({ code: 'unexpected_argument', given: 'ack' });
  });
});
