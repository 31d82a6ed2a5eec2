/**
 * `metrics.custom`: the team's own metrics, each a query and a unit, usable in every condition of
 * the file. Every condition on a metric the file does not define is a problem at its path and
 * line, with the closest defined name; so is a custom name that clashes with a built-in, a unit
 * Rewind does not know, and a threshold the metric's unit cannot take.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { parseConfigText, type ConfigProblem } from '../../src/config/load.ts';
import { catalogueOf, metricQueries } from '../../src/config/metrics-schema.ts';
import type { Config } from '../../src/config/schema.ts';
import { tempDir } from '../support/run-cli.ts';

const HEAD = `slack:
  incidentChannel: C0INCIDENT
  stakeholderChannel: C0STAKEHOLDERS
  drillChannel: C0DRILLS
  approvers: [U0LEAD]
services:
  prompt-service:
    router: { kind: istio, virtualService: prompt-service }
    versions:
      - { version: v2.0.0, subset: v2-0-0 }
      - { version: v1.5.0, subset: v1-5-0 }
metrics:
  prometheus: { url: "http://prom:9090" }
  custom:
    ttft_p95: { query: 'ttft{service="$service"}', unit: ms }
    cost_per_request: { query: 'cost{service="$service"}', unit: usd }
    eval_score: { query: 'eval{service="$service"}', unit: score }
`;
// Line 15 is `ttft_p95`, 16 `cost_per_request`, 17 `eval_score`; what a test appends starts on line 18.

function valid(text: string): Config {
  const r = parseConfigText(text, 'rewind.yml');
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.line} ${p.path}: ${p.message}`).join('\n'));
  return r.config;
}

function problemsOf(text: string): ConfigProblem[] {
  const r = parseConfigText(text, 'rewind.yml');
  if (r.ok) throw new Error('expected problems, but the config is valid');
  return r.problems;
}

const lines = (ps: ConfigProblem[]) => ps.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`);
const KNOWN =
  'known metrics: error_rate, availability, p50_latency, p95_latency, p99_latency, hallucination_rate, ' +
  'user_complaints, ttft_p95, cost_per_request, eval_score';

describe('custom metrics in conditions', () => {
  it('are usable in every trigger tier and in abortIf, each threshold in its own unit', () => {
    const c = valid(
      `${HEAD}triggers:
  critical: ["error_rate > 10%", "ttft_p95 > 5s"]
  warning: ["cost_per_request > $0.02"]
  watch: ["eval_score < 0.8"]
rollback:
  gradual:
    abortIf: "cost_per_request > 0.05"
`,
    );
    expect(c.triggers.critical[1]).toEqual({
      metric: 'ttft_p95',
      unit: 'ms',
      op: '>',
      threshold: 5000,
      text: 'ttft_p95 > 5s',
    });
    expect(c.triggers.warning).toEqual([
      { metric: 'cost_per_request', unit: 'usd', op: '>', threshold: 0.02, text: 'cost_per_request > $0.02' },
    ]);
    expect(c.triggers.watch[0]).toMatchObject({ metric: 'eval_score', unit: 'score', op: '<', threshold: 0.8 });
    expect(c.rollback.gradual.abortIf).toMatchObject({ metric: 'cost_per_request', unit: 'usd', threshold: 0.05 });
    expect(catalogueOf(c.metrics).names.slice(-3)).toEqual(['ttft_p95', 'cost_per_request', 'eval_score']);
    expect(metricQueries(c.metrics)).toMatchObject({
      error_rate: expect.stringContaining('prompt_requests_total'),
      ttft_p95: 'ttft{service="$service"}',
      cost_per_request: 'cost{service="$service"}',
    });
  });

  it('an undefined metric is a problem in each place, at its line, naming the closest defined metric', () => {
    const ps = problemsOf(
      `${HEAD}triggers:
  critical: ["error_rate > 10%", "ttft_p59 > 5000"]
  warning:
    - "cost_per_reqest > 0.02"
  watch: ["eval > 1"]
rollback:
  gradual:
    abortIf: "cost_per_requests > 0.05"
`,
    );
    expect(lines(ps)).toEqual([
      `19:34 triggers.critical[1]: unknown metric "ttft_p59" (did you mean "ttft_p95"?); ${KNOWN}`,
      `21:7 triggers.warning[0]: unknown metric "cost_per_reqest" (did you mean "cost_per_request"?); ${KNOWN}`,
      `22:11 triggers.watch[0]: unknown metric "eval"; ${KNOWN}`,
      `25:14 rollback.gradual.abortIf: unknown metric "cost_per_requests" (did you mean "cost_per_request"?); ` + KNOWN,
    ]);
  });

  it('a threshold the unit cannot take is a problem at its line', () => {
    const ps = problemsOf(`${HEAD}triggers:\n  warning: ["cost_per_request > 2%", "eval_score < 80%"]\n`);
    expect(lines(ps)).toEqual([
      '19:13 triggers.warning[0]: cost_per_request is in US dollars: write 0.02 or $0.02, not "2%"',
      '19:38 triggers.warning[1]: eval_score is a score: write a plain number, not "80%"',
    ]);
  });

  it('come with every other problem of the file at once', () => {
    const ps = problemsOf(`${HEAD}triggers:\n  observationWindow: 5 minutes\n  warning: ["ttft_p59 > 1"]\n`);
    expect(ps.map((p) => p.path)).toEqual(['triggers.observationWindow', 'triggers.warning[0]']);
  });

  it('a condition on a custom metric of another file is unknown here', () => {
    const ps = problemsOf(`${HEAD.replace(/ {2}custom:[\s\S]*$/, '')}triggers:\n  warning: ["ttft_p95 > 2000"]\n`);
    expect(ps.map((p) => [p.path, p.message.split(';')[0]])).toEqual([
      ['triggers.warning[0]', 'unknown metric "ttft_p95"'],
    ]);
  });
});

describe('metrics.custom itself', () => {
  it('a name that clashes with a built-in is a problem at its line', () => {
    const ps = problemsOf(`${HEAD}    p99_latency: { query: up, unit: ms }\n`);
    expect(lines(ps)).toEqual([
      '18:5 metrics.custom.p99_latency: "p99_latency" is a built-in metric: a custom metric needs a name of its own ' +
        '(its query goes under metrics.queries)',
    ]);
  });

  it('a name that is not lower-case letters, digits and "_" is a problem at its line', () => {
    const ps = problemsOf(`${HEAD}    TTFT-p99: { query: up, unit: ms }\n`);
    expect(lines(ps)).toEqual([
      '18:5 metrics.custom.TTFT-p99: expected a metric name of lower-case letters, digits and "_", starting with a ' +
        'letter (it is typed in conditions); got "TTFT-p99"',
    ]);
  });

  it('an unknown unit is a problem naming the units', () => {
    const ps = problemsOf(`${HEAD}    tokens: { query: up, unit: tokens }\n`);
    expect(lines(ps)).toEqual([
      '18:32 metrics.custom.tokens.unit: expected a unit: one of ratio | ms | count | usd | score; got "tokens"',
    ]);
  });

  it('with Prometheus a custom metric needs its query; an unknown key is named', () => {
    const ps = problemsOf(`${HEAD}    tokens: { unit: count, querry: up }\n`);
    expect(lines(ps)).toEqual([
      '18:28 metrics.custom.tokens.querry: unknown key "querry" (did you mean "query"?); allowed keys: query, unit',
    ]);
    expect(lines(problemsOf(`${HEAD}    tokens: { unit: count }\n`))).toEqual([
      '18:5 metrics.custom.tokens.query: provider is prometheus, so custom metric tokens needs a query: the PromQL ' +
        'that reads it',
    ]);
  });

  it('http-json asks for a custom metric by its name, so it needs no query there', () => {
    const text = HEAD.replace(
      '  prometheus: { url: "http://prom:9090" }',
      '  provider: http-json\n  httpJson: { url: "http://m/api/$metric" }',
    );
    const c = valid(`${text}    tokens: { unit: count }\ntriggers:\n  watch: ["tokens > 100"]\n`);
    expect(catalogueOf(c.metrics).units.tokens).toBe('count');
    expect(c.triggers.watch[0]).toMatchObject({ metric: 'tokens', threshold: 100 });
  });
});

describe('rewind validate-config', () => {
  it('prints each condition on an undefined metric with file, line and suggestion, and exits 1', async () => {
    const file = join(tempDir('rewind-custom-metrics-'), 'rewind.yml');
    writeFileSync(file, `${HEAD}triggers:\n  warning: ["cost_per_reqest > 0.02"]\n`);
    const logs: string[] = [];
    const errors: string[] = [];
    const code = await runCli(['validate-config', file], {
      log: (l: string) => logs.push(l),
      error: (l: string) => errors.push(l),
    });
    expect(code).toBe(1);
    expect(errors).toEqual([
      `${file}:19:13 triggers.warning[0]: unknown metric "cost_per_reqest" (did you mean "cost_per_request"?); ` +
        KNOWN,
    ]);
    expect(logs).toEqual([]);
  });
});
