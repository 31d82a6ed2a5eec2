import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, loadConfigFile, parseConfigText, type ConfigProblem } from '../../src/config/load.ts';

const BASE = `slack:
  incidentChannel: C0INCIDENT
  stakeholderChannel: C0STAKEHOLDERS
  drillChannel: C0DRILLS
  approvers: [U0LEAD]
services:
  prompt-service:
    router: { kind: service-selector, service: prompt-service }
    versions:
      - { version: v2.0.0 }
`;

function problemsOf(text: string): ConfigProblem[] {
  const r = parseConfigText(text, 'rewind.yml');
  if (r.ok) throw new Error('expected problems, but the config is valid');
  return r.problems;
}

/** Path, line and column of each problem, for compact assertions. */
const where = (ps: ConfigProblem[]) => ps.map((p) => `${p.line}:${p.column} ${p.path}`);

describe('a file with three different mistakes', () => {
  it('yields exactly three problems, each with its path, line and message', () => {
    const r = loadConfigFile('test/fixtures/config/three-mistakes.yml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      {
        file: 'test/fixtures/config/three-mistakes.yml',
        path: 'triggers.observationWindow',
        line: 7,
        column: 22,
        message: 'expected a duration such as 30s, 5m, 2h, 7d; got "5 minutes"',
      },
      {
        file: 'test/fixtures/config/three-mistakes.yml',
        path: 'triggers.critical[1]',
        line: 10,
        column: 7,
        message:
          'unknown metric "eror_rate" (did you mean "error_rate"?); known metrics: error_rate, availability, ' +
          'p50_latency, p95_latency, p99_latency, hallucination_rate, user_complaints',
      },
      {
        file: 'test/fixtures/config/three-mistakes.yml',
        path: 'services.prompt-service.router.weight',
        line: 16,
        column: 7,
        message: 'unknown key "weight" for router kind service-selector; allowed keys: kind, service',
      },
    ]);
  });
});

describe('unknown keys', () => {
  it('are errors at the top level, naming the key and the allowed keys', () => {
    const ps = problemsOf(`${BASE}colour: blue\n`);
    expect(ps).toEqual([
      {
        file: 'rewind.yml',
        path: 'colour',
        line: 11,
        column: 1,
        message:
          'unknown key "colour"; allowed keys: locale, slack, escalation, metrics, triggers, matrix, rollback, ' +
          'services, drills',
      },
    ]);
  });

  it('name the closest allowed key when one is near, ignoring case', () => {
    const ps = problemsOf(
      BASE.replace('  approvers: [U0LEAD]\n', '  approvers: [U0LEAD]\n  incidentChanel: C1\n  RequiredApprovals: 2\n'),
    );
    expect(ps.map((p) => p.message.replace(/; allowed keys: .*$/, ''))).toEqual([
      'unknown key "incidentChanel" (did you mean "incidentChannel"?)',
      'unknown key "RequiredApprovals" (did you mean "requiredApprovals"?)',
    ]);
  });

  it('a misspelt required key is one problem, not also a missing key', () => {
    const ps = problemsOf(BASE.replace('  incidentChannel: C0INCIDENT', '  incidentChanel: C0INCIDENT'));
    expect(ps.map((p) => [p.path, p.line, p.message.replace(/; allowed keys: .*$/, '')])).toEqual([
      ['slack.incidentChanel', 2, 'unknown key "incidentChanel" (did you mean "incidentChannel"?)'],
    ]);
    const far = problemsOf(BASE.replace('  incidentChannel: C0INCIDENT', '  channel: C0INCIDENT'));
    expect(far.map((p) => p.path)).toEqual(['slack.incidentChannel', 'slack.channel']);
  });

  it('give one problem per key, each pointing at the key itself', () => {
    const ps = problemsOf(
      BASE.replace('  approvers: [U0LEAD]\n', '  approvers: [U0LEAD]\n  channel: C1\n  token: xoxb\n'),
    );
    expect(where(ps)).toEqual(['6:3 slack.channel', '7:3 slack.token']);
    expect(ps[0]?.message).toBe(
      'unknown key "channel"; allowed keys: incidentChannel, stakeholderChannel, stakeholderSeverity, drillChannel, ' +
        'approvers, requiredApprovals',
    );
    expect(ps[1]?.message).toMatch(/^unknown key "token"; allowed keys: incidentChannel,/);
  });

  it('are errors inside flow mappings of list items', () => {
    const ps = problemsOf(BASE.replace('{ version: v2.0.0 }', '{ version: v2.0.0, weight: 3 }'));
    expect(where(ps)).toEqual(['10:28 services.prompt-service.versions[0].weight']);
    expect(ps[0]?.message).toBe('unknown key "weight"; allowed keys: version, deployment, backend, subset, timeout');
  });

  it('include keys that only belong to another kind (rule is for gateway-api, not istio)', () => {
    const ps = problemsOf(
      BASE.replace(
        '{ kind: service-selector, service: prompt-service }',
        '{ kind: istio, virtualService: vs, rule: 1 }',
      ).replace('{ version: v2.0.0 }', '{ version: v2.0.0, subset: v2 }'),
    );
    expect(where(ps)).toEqual(['8:48 services.prompt-service.router.rule']);
    expect(ps[0]?.message).toBe('unknown key "rule" for router kind istio; allowed keys: kind, virtualService, route');
  });
});

describe('bad durations', () => {
  it.each([
    ['triggers:\n  confirmationWindow: 2 minutes\n', 'triggers.confirmationWindow', 'got "2 minutes"'],
    [
      'triggers:\n  evaluationInterval: 30\n',
      'triggers.evaluationInterval',
      'got the bare number 30: add a unit, e.g. "30s" for seconds or "30ms" for milliseconds',
    ],
    ['rollback:\n  verifyWindow: 5mins\n', 'rollback.verifyWindow', 'got "5mins"'],
    [
      'escalation:\n  levels:\n    - { after: soon, label: SRE, notify: [U0SRE] }\n',
      'escalation.levels[0].after',
      'got "soon"',
    ],
    ['triggers:\n  observationWindow: 0s\n', 'triggers.observationWindow', 'greater than 0; got "0s"'],
  ])('%j is refused at its path', (extra, path, found) => {
    const ps = problemsOf(BASE + extra);
    expect(ps.map((p) => p.path)).toEqual([path]);
    expect(ps[0]?.message).toContain('expected a duration such as 30s, 5m, 2h, 7d');
    expect(ps[0]?.message).toContain(found);
    expect(ps[0]?.line).toBe(BASE.split('\n').length + extra.split('\n').length - 2);
  });
});

describe('unknown metric names', () => {
  it('are errors in trigger conditions', () => {
    const ps = problemsOf(`${BASE}triggers:\n  warning: ["error_rate > 5%", "latency_p99 > 3000"]\n`);
    expect(where(ps)).toEqual(['12:32 triggers.warning[1]']);
    expect(ps[0]?.message).toMatch(/^unknown metric "latency_p99"; known metrics: error_rate, /);
  });

  it('are errors in abortIf', () => {
    const ps = problemsOf(`${BASE}rollback:\n  gradual:\n    abortIf: "errors > 5%"\n`);
    expect(where(ps)).toEqual(['13:14 rollback.gradual.abortIf']);
    expect(ps[0]?.message).toMatch(/^unknown metric "errors"/);
  });

  it('are errors as metrics.queries keys', () => {
    const ps = problemsOf(
      `${BASE}metrics:\n  prometheus: { url: "http://prom:9090" }\n  queries:\n    error_rate: up\n    p999_latency: up\n`,
    );
    expect(where(ps)).toEqual(['15:5 metrics.queries.p999_latency']);
    expect(ps[0]?.message).toBe(
      'unknown metric "p999_latency" in metrics.queries (did you mean "p99_latency"?); allowed metrics: error_rate, ' +
        'availability, p50_latency, p95_latency, p99_latency, hallucination_rate, user_complaints',
    );
  });

  it('a ratio metric compared with a plain number above 1 is refused', () => {
    const ps = problemsOf(`${BASE}triggers:\n  critical: ["error_rate > 10"]\n`);
    expect(ps[0]?.message).toBe('error_rate is a ratio between 0 and 1: "10" is out of range (did you mean "10%"?)');
  });
});

describe('missing keys and wrong types', () => {
  it('a missing key points at the line of the map that should hold it', () => {
    const ps = problemsOf(BASE.replace('  drillChannel: C0DRILLS\n', ''));
    expect(ps).toEqual([
      {
        file: 'rewind.yml',
        path: 'slack.drillChannel',
        line: 1,
        column: 1,
        message: 'missing required key "drillChannel": expected text',
      },
    ]);
  });

  it('a missing section points at the top of the file', () => {
    const ps = problemsOf(
      '# config\nslack:\n  incidentChannel: C0INCIDENT\n  stakeholderChannel: C0S\n  drillChannel: C0D\n  approvers: ' +
        '[U0A]\n',
    );
    expect(ps).toEqual([
      {
        file: 'rewind.yml',
        path: 'services',
        line: 2,
        column: 1,
        message: 'missing required key "services": expected services: a map of service name to its settings',
      },
    ]);
  });

  it('wrong types say what was expected and what was found', () => {
    const ps = problemsOf(`${BASE}rollback:\n  dryRun: maybe\nlocale: fr\n`);
    expect(ps.map((p) => [p.path, p.line, p.message])).toEqual([
      ['rollback.dryRun', 12, 'expected true or false; got "maybe"'],
      ['locale', 13, 'expected locale: one of en | ja; got "fr"'],
    ]);
  });

  it('slack.stakeholderSeverity names the tiers it takes, at its line', () => {
    const ps = problemsOf(
      BASE.replace('  approvers: [U0LEAD]\n', '  approvers: [U0LEAD]\n  stakeholderSeverity: high\n'),
    );
    expect(ps.map((p) => [p.path, p.line, p.message])).toEqual([
      [
        'slack.stakeholderSeverity',
        6,
        'expected the severity at which stakeholders are first told of an incident: one of watch | warning | ' +
          'critical; got "high"',
      ],
    ]);
    const ok = parseConfigText(
      BASE.replace('  approvers: [U0LEAD]\n', '  approvers: [U0LEAD]\n  stakeholderSeverity: critical\n'),
      'rewind.yml',
    );
    expect(ok.ok && ok.config.slack.stakeholderSeverity).toBe('critical');
    const byDefault = parseConfigText(BASE, 'rewind.yml');
    expect(byDefault.ok && byDefault.config.slack.stakeholderSeverity).toBe('warning');
  });

  it('a version written as a number is refused with advice to quote it', () => {
    const ps = problemsOf(BASE.replace('{ version: v2.0.0 }', '{ version: 2.0 }'));
    expect(ps.map((p) => [p.path, p.message])).toEqual([
      [
        'services.prompt-service.versions[0].version',
        'expected the version as text, e.g. v1.5.0; got 2 (quote it so YAML keeps it as written)',
      ],
    ]);
  });

  it('an empty file is one problem', () => {
    expect(problemsOf('# nothing yet\n')).toEqual([
      {
        file: 'rewind.yml',
        path: '',
        line: 1,
        column: 1,
        message: 'the file is empty; expected a mapping with at least slack and services',
      },
    ]);
  });
});

describe('YAML syntax errors', () => {
  it('report the line of the unclosed bracket', () => {
    const r = loadConfigFile('test/fixtures/config/syntax-error.yml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      {
        file: 'test/fixtures/config/syntax-error.yml',
        path: '',
        line: 3,
        column: 14,
        message:
          'YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ] ' +
          '(opened here, still open at line 4)',
      },
    ]);
  });

  it('report tabs used as indentation on their line', () => {
    const ps = problemsOf('slack:\n  approvers: [U0A]\nservices:\n\tprompt-service: {}\n');
    expect(ps.map((p) => [p.line, p.message])).toEqual([[4, 'YAML syntax error: Tabs are not allowed as indentation']]);
  });

  it('report a duplicate key on its second occurrence', () => {
    const r = loadConfigFile('test/fixtures/config/duplicate-key.yml');
    expect(r.ok ? [] : r.problems.map((p) => [p.line, p.column, p.message])).toEqual([
      [6, 3, 'YAML syntax error: Map keys must be unique'],
    ]);
  });
});

describe('files', () => {
  it('a missing file is one problem saying it does not exist', () => {
    const r = loadConfigFile('test/fixtures/config/no-such-file.yml');
    expect(r).toEqual({
      ok: false,
      problems: [
        {
          file: 'test/fixtures/config/no-such-file.yml',
          path: '',
          line: 0,
          column: 0,
          message: 'the file does not exist; check the path (the default is config/rewind.yml)',
        },
      ],
      unreadable: true,
    });
  });

  it('a binary file is one problem, not its bytes quoted back', () => {
    const r = loadConfigFile(process.execPath);
    expect(r).toEqual({
      ok: false,
      problems: [
        {
          file: process.execPath,
          path: '',
          line: 0,
          column: 0,
          message: 'this is a binary file, not YAML text; check the path (the default is config/rewind.yml)',
        },
      ],
      unreadable: true,
    });
  });

  it('a file saved in another encoding than UTF-8 names the first line that is not UTF-8', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rewind-config-')), 'latin1.yml');
    writeFileSync(file, Buffer.from('slack:\n  # Équipe SRE\n  incidentChannel: C0INCIDENT\n', 'latin1'));
    const r = loadConfigFile(file);
    expect(r.ok ? [] : r.problems).toEqual([
      { file, path: '', line: 2, column: 1, message: 'this line is not UTF-8 text; save the file as UTF-8' },
    ]);
  });

  it('formatProblem writes file:line:column path: message', () => {
    expect(
      formatProblem({
        file: 'config/rewind.yml',
        path: 'triggers.critical[1]',
        line: 12,
        column: 5,
        message: 'unknown metric "x"',
      }),
    ).toBe('config/rewind.yml:12:5 triggers.critical[1]: unknown metric "x"');
    expect(
      formatProblem({ file: 'config/rewind.yml', path: '', line: 3, column: 14, message: 'YAML syntax error: x' }),
    ).toBe('config/rewind.yml:3:14: YAML syntax error: x');
    expect(
      formatProblem({ file: 'missing.yml', path: '', line: 0, column: 0, message: 'the file does not exist' }),
    ).toBe('missing.yml: the file does not exist');
  });
});
