/**
 * The example files under docs/examples and what they are checked against: the shipped config/rewind.yml read
 * as plain YAML (its queries, custom metrics and trigger conditions), the tools that check them (Debian's amtool
 * and promtool), and the rule expression each trigger condition becomes. The unit tests in test/docs and the
 * end-to-end suite both use it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { findOnPath } from '../e2e/support/daemon.ts';
import { parseMatchers, type Matcher } from './promql.ts';

export const REPO = resolve(import.meta.dirname, '../..');
export const EXAMPLES = join(REPO, 'docs/examples');

export function examplePath(name: string): string {
  return join(EXAMPLES, name);
}

export function readExample(name: string): string {
  return readFileSync(examplePath(name), 'utf8');
}

export function exampleYaml<T>(name: string): T {
  return parse(readExample(name)) as T;
}

export function exampleJson<T>(name: string): T {
  return JSON.parse(readExample(name)) as T;
}

/** config/rewind.yml as the file says it: read without Rewind's loader, so these tests see the text as shipped. */
export interface ShippedConfigText {
  metrics: { queries?: Record<string, string>; custom?: Record<string, { query: string; unit: string }> };
  triggers: Record<'critical' | 'warning' | 'watch', string[]> & {
    observationWindow: string;
    confirmationWindow: string;
  };
  services: Record<string, unknown>;
}

export function shippedConfigText(): ShippedConfigText {
  return parse(readFileSync(join(REPO, 'config/rewind.yml'), 'utf8')) as ShippedConfigText;
}

/** Every named PromQL query of the config: the built-in metrics' and the team's custom ones. */
export function configQueries(config: ShippedConfigText = shippedConfigText()): Map<string, string> {
  const queries = new Map(Object.entries(config.metrics.queries ?? {}));
  for (const [name, metric] of Object.entries(config.metrics.custom ?? {})) queries.set(name, metric.query);
  return queries;
}

export type Tier = 'critical' | 'warning' | 'watch';
export const TIERS: readonly Tier[] = ['critical', 'warning', 'watch'];

export interface Condition {
  tier: Tier;
  text: string;
  metric: string;
  op: string;
  threshold: number;
}

/**
 * A trigger condition such as `error_rate > 10%`, `p99_latency > 10000`, `cost_per_request > $0.02`: the number as
 * the metric's query answers it (a ratio as 0–1; milliseconds without their unit).
 */
export function parseCondition(tier: Tier, text: string): Condition {
  const m = /^\s*([a-z][a-z0-9_]*)\s*(>=|<=|>|<)\s*\$?([0-9.]+)\s*(%|ms)?\s*$/.exec(text);
  if (!m) throw new Error(`cannot read the ${tier} condition ${JSON.stringify(text)}`);
  const value = Number(m[3]);
  return { tier, text, metric: m[1]!, op: m[2]!, threshold: m[4] === '%' ? value / 100 : value };
}

export function triggerConditions(config: ShippedConfigText = shippedConfigText()): Condition[] {
  return TIERS.flatMap((tier) => (config.triggers[tier] ?? []).map((text) => parseCondition(tier, text)));
}

/**
 * The alert rule expression (without its comparison) that measures a config query for every service and version
 * at once: the `$service`/`$version` matchers dropped, each aggregation kept per `service` and `version`, `$window`
 * filled in. Whitespace is removed, so the result compares with a rule's expression however that is laid out.
 */
export function ruleExpressionFor(query: string, window: string): string {
  const perSeries = query
    .replace(/\{([^}]*)\}/g, (_, body: string) => {
      const kept = parseMatchers(body).filter((m) => m.value !== '$service' && m.value !== '$version');
      return kept.length === 0 ? '' : `{${kept.map(matcherText).join(',')}}`;
    })
    .replaceAll('$window', window);
  return withoutSpaces(perSeries)
    .replace(/\b(sum|avg|min|max|count)by\(([^)]*)\)/g, '$1by($2,service,version)')
    .replace(/\b(sum|avg|min|max|count)\(/g, '$1by(service,version)(');
}

function matcherText(m: Matcher): string {
  return `${m.label}${m.op}${JSON.stringify(m.value)}`;
}

export function withoutSpaces(text: string): string {
  return text.replace(/\s+/g, '');
}

/** A rule expression split at its last comparison: `… > 0.10` → head, `>`, 0.1. */
export function splitComparison(expr: string): { head: string; op: string; threshold: number } {
  const m = /^(.*?)(>=|<=|>|<)(-?[0-9.]+(?:e[+-]?[0-9]+)?)$/.exec(withoutSpaces(expr));
  if (!m) throw new Error(`the rule expression does not end in a comparison with a number: ${expr}`);
  return { head: m[1]!, op: m[2]!, threshold: Number(m[3]) };
}

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface PrometheusRuleObject {
  apiVersion: string;
  kind: string;
  spec: { groups: Array<{ name: string; rules: AlertRule[] }> };
}

export const RULES_EXAMPLE = 'prometheus-rules.yml';

export function exampleRules(): PrometheusRuleObject {
  return exampleYaml<PrometheusRuleObject>(RULES_EXAMPLE);
}

/** The PrometheusRule's `spec` as the rule file Prometheus (and promtool) reads without the Operator. */
export function writeRuleFile(spec: PrometheusRuleObject['spec']): string {
  const file = join(mkdtempSync(join(tmpdir(), 'rewind-rules-')), 'rules.yml');
  writeFileSync(file, stringify(spec));
  return file;
}

export interface ToolRun {
  status: number | null;
  output: string;
}

/** Runs a checking tool (amtool, promtool) found on the PATH, or says it is not there (undefined). */
export function runTool(name: string, args: string[]): ToolRun | undefined {
  const binary = findOnPath(name);
  if (!binary) return undefined;
  const run = spawnSync(binary, args, { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

export const hasTool = (name: string): boolean => findOnPath(name) !== undefined;
