import { describe, expect, it } from 'vitest';
import { parseIncident } from '../../../src/adapters/slack/commands/incident.ts';
import type { IncidentCommand, ParseContext, ParseError } from '../../../src/adapters/slack/commands/types.ts';
import { DECLARE_SUMMARY_MAX, INCIDENT_SUBCOMMANDS } from '../../../src/adapters/slack/commands/types.ts';

const CTX: ParseContext = {
  services: {
    'prompt-service': { versions: ['v2.0.0', 'v1.5.0'] },
    'prompt-service-staging': { versions: ['v2.0.0'] },
  },
  scenarios: [],
  now: Date.UTC(2026, 0, 5, 9, 0),
  timezone: 'Asia/Tokyo',
};

function ok(text: string): IncidentCommand {
  const r = parseIncident(text, CTX);
  if (!r.ok) throw new Error(`expected "${text}" to parse, got ${JSON.stringify(r.error)}`);
  return r.command;
}

function err(text: string): ParseError {
  const r = parseIncident(text, CTX);
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
    expect(err('resolv')).toEqual({
      code: 'unknown_subcommand',
      given: 'resolv',
      known: [...INCIDENT_SUBCOMMANDS],
      suggestion: 'resolve',
    });
    expect(err('Lst')).toEqual({
      code: 'unknown_subcommand',
      given: 'Lst',
      known: [...INCIDENT_SUBCOMMANDS],
      suggestion: 'list',
    });
    expect(err('open INC-20260105-001')).toEqual({
      code: 'unknown_subcommand',
      given: 'open',
      known: [...INCIDENT_SUBCOMMANDS],
    });
  });

  it('extra arguments', () => {
    expect(err('list all')).toEqual({ code: 'unexpected_argument', given: 'all' });
    expect(err('ack INC-20260105-001 INC-20260105-002')).toEqual({
      code: 'unexpected_argument',
      given: 'INC-20260105-002',
    });
    expect(err('help ack')).toEqual({ code: 'unexpected_argument', given: 'ack' });
  });

  describe('declare', () => {
    const declared = (service: string, summary: string, severity = 'warning', clipped = false) => ({
      sub: 'declare',
      service,
      severity,
      summary,
      clipped,
    });

    it('the service, then the summary as typed on one line; warning by default', () => {
      expect(ok('declare prompt-service answers come back in English')).toEqual(
        declared('prompt-service', 'answers come back in English'),
      );
      expect(ok('DECLARE prompt-service-staging  two\n lines,  “quoted”')).toEqual(
        declared('prompt-service-staging', 'two lines, "quoted"'),
      );
      // Slack sends &, < and > as entities; the summary is stored as the person typed it.
      expect(ok('declare prompt-service p99 &gt; 10s &amp; rising &lt;!channel&gt;')).toEqual(
        declared('prompt-service', 'p99 > 10s & rising <!channel>'),
      );
    });

    it('a severity flag right after the service or as the last word; elsewhere it is summary text', () => {
      expect(ok('declare prompt-service --critical all answers fail')).toEqual(
        declared('prompt-service', 'all answers fail', 'critical'),
      );
      expect(ok('declare prompt-service all answers slow --watch')).toEqual(
        declared('prompt-service', 'all answers slow', 'watch'),
      );
      expect(ok('declare prompt-service —Critical all answers fail')).toEqual(
        declared('prompt-service', 'all answers fail', 'critical'),
      );
      expect(ok('declare prompt-service --warning the --critical path is slow')).toEqual(
        declared('prompt-service', 'the --critical path is slow', 'warning'),
      );
      expect(err('declare prompt-service --critical fails --watch')).toEqual({
        code: 'unexpected_argument',
        given: '--watch',
      });
      // A flag that is not one of ours is refused where a flag may stand, not taken into the title.
      expect(err('declare prompt-service --critcal all answers fail')).toEqual({
        code: 'unexpected_argument',
        given: '--critcal',
      });
      expect(err('declare prompt-service all answers fail --bogus')).toEqual({
        code: 'unexpected_argument',
        given: '--bogus',
      });
      expect(err('declare --critical prompt-service all answers fail')).toEqual({
        code: 'unexpected_argument',
        given: '--critical',
      });
      expect(ok('declare prompt-service the --verbose flag hangs')).toEqual(
        declared('prompt-service', 'the --verbose flag hangs'),
      );
    });

    it('a long summary is cut, and says so', () => {
      const c = ok(`declare prompt-service ${'x'.repeat(DECLARE_SUMMARY_MAX + 50)}`) as {
        summary: string;
        clipped: boolean;
      };
      expect(c.clipped).toBe(true);
      expect(c.summary).toHaveLength(DECLARE_SUMMARY_MAX);
      expect(c.summary.endsWith('…')).toBe(true);
      expect(ok(`declare prompt-service ${'x'.repeat(DECLARE_SUMMARY_MAX)}`)).toMatchObject({ clipped: false });
    });

    it('the service must be configured; the summary must be there', () => {
      const known = ['prompt-service', 'prompt-service-staging'];
      expect(err('declare')).toEqual({ code: 'missing_argument', name: 'service', known });
      expect(err('declare promt-service broken')).toEqual({
        code: 'unknown_service',
        given: 'promt-service',
        known,
        suggestion: 'prompt-service',
      });
      expect(err('declare prompt-service')).toEqual({ code: 'missing_argument', name: 'summary' });
      expect(err('declare prompt-service --critical')).toEqual({ code: 'missing_argument', name: 'summary' });
      expect(err('declare prompt-service   ')).toEqual({ code: 'missing_argument', name: 'summary' });
    });
  });
});
