/**
 * The metric contract of docs/prometheus.md, held to the shipped config: the instrumentation example is run and
 * scraped over HTTP, and every series and label that a query of config/rewind.yml selects (built-in and custom)
 * must be in the scrape; the PrometheusRule example must say the runbook's tiers with the config's thresholds,
 * windows and severities, and promtool must accept it.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DURATION_BUCKETS_SECONDS,
  createPromptMetrics,
  metricsHandler,
  type PromptMetrics,
} from '../../docs/examples/instrumentation.ts';
import {
  RULES_EXAMPLE,
  configQueries,
  exampleRules,
  hasTool,
  ruleExpressionFor,
  runTool,
  shippedConfigText,
  splitComparison,
  triggerConditions,
  withoutSpaces,
  writeRuleFile,
} from './examples.ts';
import { parseExposition, readsOf, selected, type Series } from './promql.ts';

const VARS = { service: 'prompt-service', version: 'v2.0.0' };
let server: Server | undefined;
afterEach(async () => {
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  server = undefined;
});

/** Serves the example's registry the way the example says to, and scrapes it once. */
async function scrape(metrics: PromptMetrics): Promise<{ contentType: string | null; series: Series[] }> {
  const running = createServer(metricsHandler(metrics.registry));
  server = running;
  await new Promise<void>((listening) => running.listen(0, '127.0.0.1', listening));
  const address = running.address();
  if (typeof address !== 'object' || !address) throw new Error('the metrics server has no port');
  const res = await fetch(`http://127.0.0.1:${address.port}/metrics`);
  expect(res.status).toBe(200);
  return { contentType: res.headers.get('content-type'), series: parseExposition(await res.text()) };
}

describe('the instrumentation example serves what the shipped queries read', () => {
  it('every series and label of every query in config/rewind.yml, built-in and custom, is in its scrape', async () => {
    const metrics = createPromptMetrics(VARS);
    metrics.record({ status: 200, durationSeconds: 0.8, firstTokenSeconds: 0.3, costUsd: 0.004 });
    metrics.record({ status: 200, durationSeconds: 2.4, firstTokenSeconds: 0.6, costUsd: 0.012, hallucinated: true });
    metrics.record({ status: 503, durationSeconds: 10.2 });
    const { contentType, series } = await scrape(metrics);
    expect(contentType).toBe(metrics.registry.contentType);

    const queries = configQueries();
    expect([...queries.keys()]).toEqual(
      expect.arrayContaining(['error_rate', 'p99_latency', 'hallucination_rate', 'ttft_p95', 'cost_per_request']),
    );
    const missing: string[] = [];
    for (const [metric, query] of queries) {
      const reads = readsOf(query);
      expect(reads.selectors.length, `metrics.queries.${metric} selects no series: ${query}`).toBeGreaterThan(0);
      for (const selector of reads.selectors) {
        const found = selected(series, selector, VARS);
        const text = `${selector.metric}{${selector.matchers.map((m) => `${m.label}${m.op}"${m.value}"`).join(',')}}`;
        if (found.length === 0) missing.push(`${metric}: no series ${text}`);
        for (const label of reads.groupingLabels)
          if (found.length > 0 && !found.every((s) => label in s.labels))
            missing.push(`${metric}: ${text} has no label ${label} to group by`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('counts what it is told: requests by code, durations, hallucinations, first tokens and cost', async () => {
    const metrics = createPromptMetrics(VARS);
    metrics.record({ status: 200, durationSeconds: 0.8, firstTokenSeconds: 0.3, costUsd: 0.004 });
    metrics.record({ status: 200, durationSeconds: 2.4, hallucinated: true });
    metrics.record({ status: 503, durationSeconds: 10.2 });
    const { series } = await scrape(metrics);
    const value = (name: string, labels: Record<string, string> = {}) =>
      series.find((s) => s.name === name && Object.entries({ ...VARS, ...labels }).every(([k, v]) => s.labels[k] === v))
        ?.value;
    expect(value('prompt_requests_total', { code: '200' })).toBe(2);
    expect(value('prompt_requests_total', { code: '503' })).toBe(1);
    expect(value('prompt_requests_total', { code: '500' })).toBe(0); // present before the first error
    expect(value('prompt_request_duration_seconds_count')).toBe(3);
    expect(value('prompt_request_duration_seconds_bucket', { le: '1' })).toBe(1);
    expect(value('prompt_request_duration_seconds_bucket', { le: '3' })).toBe(2);
    expect(value('prompt_request_duration_seconds_bucket', { le: '15' })).toBe(3);
    expect(value('prompt_hallucinations_total')).toBe(1);
    expect(value('prompt_ttft_seconds_count')).toBe(1);
    expect(value('prompt_cost_usd_total')).toBeCloseTo(0.004, 10);
  });

  it('before any request, error_rate reads 0 rather than no data: the 5xx series starts at zero', async () => {
    const { series } = await scrape(createPromptMetrics(VARS));
    const errorRate = readsOf(configQueries().get('error_rate') ?? '');
    for (const selector of errorRate.selectors) expect(selected(series, selector, VARS).length).toBeGreaterThan(0);
  });

  it("puts a bucket bound at each latency trigger's threshold, so histogram_quantile() is exact there", () => {
    const latency = triggerConditions().filter((c) => /^p\d+_latency$/.test(c.metric));
    expect(latency.map((c) => c.metric).sort()).toEqual(['p50_latency', 'p95_latency', 'p99_latency']);
    for (const c of latency) expect(DURATION_BUCKETS_SECONDS, c.text).toContain(c.threshold / 1000);
  });
});

describe(`the PrometheusRule example (docs/examples/${RULES_EXAMPLE})`, () => {
  const config = shippedConfigText();
  const doc = exampleRules();
  const rules = doc.spec.groups.flatMap((g) => g.rules);
  const queries = configQueries(config);

  it('is a monitoring.coreos.com/v1 PrometheusRule whose every rule has a tier as its severity label', () => {
    expect([doc.apiVersion, doc.kind]).toEqual(['monitoring.coreos.com/v1', 'PrometheusRule']);
    for (const rule of rules) expect(['critical', 'warning', 'watch'], rule.alert).toContain(rule.labels?.severity);
  });

  it("has one rule per trigger condition that Prometheus can measure, with the config's threshold and windows", () => {
    const measurable = triggerConditions(config).filter((c) => queries.has(c.metric));
    const matched = new Set<string>();
    for (const c of measurable) {
      const head = ruleExpressionFor(queries.get(c.metric)!, config.triggers.observationWindow);
      const found = rules.filter((r) => r.labels?.severity === c.tier && splitComparison(r.expr).head === head);
      expect(
        found.map((r) => r.alert),
        `${c.tier}: ${c.text} → a rule measuring ${head}`,
      ).toHaveLength(1);
      const rule = found[0]!;
      const { op, threshold } = splitComparison(rule.expr);
      expect({ op, threshold }, `${rule.alert} against ${c.tier}: ${c.text}`).toEqual({
        op: c.op,
        threshold: expect.closeTo(c.threshold, 9),
      });
      expect(rule.for, rule.alert).toBe(config.triggers.confirmationWindow);
      matched.add(rule.alert);
    }
    expect(rules.map((r) => r.alert).filter((name) => !matched.has(name))).toEqual([]);
    // What Prometheus cannot measure (user_complaints is Rewind's own count) is the one thing left out.
    const left = triggerConditions(config).filter((c) => !queries.has(c.metric));
    expect(left.map((c) => c.metric)).toEqual(['user_complaints']);
  });

  it('keeps service and version on every alert: each aggregation is by service and version', () => {
    for (const rule of rules) {
      const aggregations = withoutSpaces(rule.expr).match(/\b(sum|avg|min|max|count)(by\([^)]*\))?\(/g) ?? [];
      expect(aggregations.length, rule.alert).toBeGreaterThan(0);
      for (const a of aggregations) expect(a, rule.alert).toMatch(/by\((?:[a-z_]+,)*service,version\)/);
    }
  });

  it.skipIf(!hasTool('promtool'))(
    'passes promtool check rules (skipped when Debian’s prometheus package is absent; npm run test:e2e runs it)',
    () => {
      const run = runTool('promtool', ['check', 'rules', writeRuleFile(doc.spec)]);
      expect(run?.output).toContain(`SUCCESS: ${rules.length} rules found`);
      expect(run?.status, run?.output).toBe(0);
    },
  );
});
