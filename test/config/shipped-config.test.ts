import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadConfigFile } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';

function loadShipped(): Config {
  const r = loadConfigFile('config/rewind.yml');
  if (!r.ok) throw new Error(`config/rewind.yml should be valid:\n${JSON.stringify(r.problems, null, 2)}`);
  return r.config;
}

describe('config/rewind.yml (the shipped config)', () => {
  it('validates, with a one-line summary', () => {
    const r = loadConfigFile('config/rewind.yml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.summary).toBe(
      'config/rewind.yml is valid: 2 services, 9 trigger conditions in 3 tiers, 5 matrix rules, 3 drill scenarios, 2 ' +
        'escalation levels',
    );
  });

  it('points editors at the generated JSON Schema on its first line', () => {
    expect(readFileSync('config/rewind.yml', 'utf8').split('\n')[0]).toBe(
      '# yaml-language-server: $schema=./rewind.schema.json',
    );
  });

  it('carries the runbook trigger tiers, parsed into conditions', () => {
    const { triggers } = loadShipped();
    expect(triggers.critical).toEqual([
      { metric: 'error_rate', unit: 'ratio', op: '>', threshold: 0.1, text: 'error_rate > 10%' },
      { metric: 'availability', unit: 'ratio', op: '<', threshold: 0.95, text: 'availability < 95%' },
      { metric: 'p99_latency', unit: 'ms', op: '>', threshold: 10000, text: 'p99_latency > 10000' },
    ]);
    expect(triggers.warning).toEqual([
      { metric: 'error_rate', unit: 'ratio', op: '>', threshold: 0.05, text: 'error_rate > 5%' },
      { metric: 'p95_latency', unit: 'ms', op: '>', threshold: 3000, text: 'p95_latency > 3000' },
      { metric: 'hallucination_rate', unit: 'ratio', op: '>', threshold: 0.15, text: 'hallucination_rate > 15%' },
    ]);
    expect(triggers.watch).toEqual([
      { metric: 'error_rate', unit: 'ratio', op: '>', threshold: 0.02, text: 'error_rate > 2%' },
      { metric: 'p50_latency', unit: 'ms', op: '>', threshold: 1000, text: 'p50_latency > 1000' },
      { metric: 'user_complaints', unit: 'count', op: '>', threshold: 5, text: 'user_complaints > 5' },
    ]);
    expect(triggers.observationWindow).toBe(5 * 60_000);
    expect(triggers.confirmationWindow).toBe(2 * 60_000);
    expect(triggers.evaluationInterval).toBe(30_000);
    expect(triggers.autoRollback).toBe('critical');
  });

  it("carries the reference's two custom metrics, a latency and a cost, each with its query", () => {
    const { metrics } = loadShipped();
    expect(Object.keys(metrics.custom)).toEqual(['ttft_p95', 'cost_per_request']);
    expect(metrics.custom.ttft_p95?.unit).toBe('ms');
    expect(metrics.custom.ttft_p95?.query).toContain(
      'prompt_ttft_seconds_bucket{service="$service",version="$version"}',
    );
    expect(metrics.custom.cost_per_request?.unit).toBe('usd');
    expect(metrics.custom.cost_per_request?.query).toMatch(/^sum\(rate\(prompt_cost_usd_total\{/);
  });

  it('carries the judgment matrix', () => {
    const { matrix } = loadShipped();
    expect(matrix.rules).toEqual([
      { userImpact: 'all', businessImpact: 'high', fixTime: '-', action: 'immediate' },
      { userImpact: 'all', businessImpact: 'medium', fixTime: 'long', action: 'immediate' },
      { userImpact: 'partial', businessImpact: 'high', fixTime: 'long', action: 'gradual' },
      { userImpact: 'partial', businessImpact: 'medium', fixTime: 'short', action: 'fix' },
      { userImpact: 'minor', businessImpact: 'low', fixTime: '-', action: 'next_release' },
    ]);
    expect(matrix.default).toBe('gradual');
  });

  it('carries the gradual rollback, canary and post-mortem settings', () => {
    const { rollback } = loadShipped();
    expect(rollback.gradual.phases).toEqual([
      { weight: 25, observe: 600_000 },
      { weight: 5, observe: 600_000 },
      { weight: 0 },
    ]);
    expect(rollback.gradual.abortIf).toEqual({
      metric: 'error_rate',
      unit: 'ratio',
      op: '>',
      threshold: 0.05,
      text: 'error_rate > 5%',
    });
    expect(rollback.verifyWindow).toBe(5 * 60_000);
    expect(rollback.dryRun).toBe(false);
    expect(rollback.cautiousCanary).toEqual({ steps: [1, 5, 25, 50, 100], observe: 20 * 60_000 });
    expect(rollback.postMortemAt).toEqual({
      kind: 'next_working_day',
      hour: 10,
      minute: 0,
      text: 'next working day 10:00',
    });
  });

  it('carries the fallback chain and final message', () => {
    const { services } = loadShipped();
    const prod = services['prompt-service'];
    expect(prod?.versions.map((v) => [v.version, v.timeout])).toEqual([
      ['v2.0.0', 3000],
      ['v1.5.0', 5000],
      ['v1.0.0', 10000],
    ]);
    expect(prod?.finalMessage).toBe('サービスが一時的に利用できません');
    expect(prod?.router).toEqual({ kind: 'service-selector', service: 'prompt-service' });
    expect(prod?.drill).toBe('denied');
    expect(services['prompt-service-staging']?.router).toEqual({
      kind: 'istio',
      virtualService: 'prompt-service-staging',
      route: 0,
    });
    expect(services['prompt-service-staging']?.drill).toBe('allowed');
  });

  it('carries escalation at 15m and 30m', () => {
    const { escalation } = loadShipped();
    expect(escalation.levels).toEqual([
      { after: 15 * 60_000, label: 'Senior engineer', notify: ['S0SENIOR'] },
      { after: 30 * 60_000, label: 'Manager', notify: ['U0MANAGER'] },
    ]);
    expect(escalation.stopOnAck).toBe(false);
  });

  it('carries the quarterly drill and its scenarios', () => {
    const { drills } = loadShipped();
    expect(drills.schedule).toBe('0 10 1 1,4,7,10 *');
    expect(drills.timezone).toBe('Asia/Tokyo');
    expect(drills.announceBefore).toBe(7 * 86_400_000);
    expect(drills.service).toBe('prompt-service-staging');
    expect(drills.maxDuration).toBe(30 * 60_000);
    expect(drills.injector).toEqual({ kind: 'istio-fault', virtualService: 'prompt-service-staging' });
    expect(drills.scenarios).toEqual([
      {
        name: 'high-error-rate',
        title: 'High error rate',
        trigger: 'inject_errors',
        errorRate: 0.2,
        expectedResponse: 5 * 60_000,
      },
      {
        name: 'latency-spike',
        title: 'Latency spike',
        trigger: 'inject_latency',
        latency: 12000,
        expectedResponse: 10 * 60_000,
      },
      {
        name: 'partial-outage',
        title: 'Partial outage',
        trigger: 'partial_outage',
        errorRate: 1,
        share: 0.3,
        expectedResponse: 15 * 60_000,
      },
    ]);
  });
});

describe('a minimal config (only slack and one service)', () => {
  it('is complete: every other key takes the runbook default', () => {
    const r = loadConfigFile('test/fixtures/config/minimal.yml');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const shipped = loadShipped();
    const c = r.config;
    expect(c.locale).toBe('en');
    expect(c.slack.requiredApprovals).toBe(1);
    expect(c.triggers).toEqual(shipped.triggers);
    expect(c.matrix).toEqual(shipped.matrix);
    expect(c.rollback).toEqual(shipped.rollback);
    expect(c.escalation).toEqual(shipped.escalation);
    // The file keeps httpJson too; the parsed config carries only the chosen provider's settings.
    expect(c.metrics).toEqual({
      provider: 'prometheus',
      prometheus: { url: 'http://prometheus.monitoring:9090' },
      queries: shipped.metrics.queries,
      custom: {},
    });
    expect(c.drills.schedule).toBe('0 10 1 1,4,7,10 *');
    expect(c.drills.scenarios).toEqual(shipped.drills.scenarios);
    expect(c.drills.injector).toEqual({ kind: 'simulated' });
    // No service is marked drill: allowed, so there is nothing to run drills on.
    expect(c.drills.service).toBeNull();
    const svc = c.services['checkout-prompts'];
    expect(svc).toMatchObject({
      namespace: 'default',
      versionLabel: 'version',
      drill: 'denied',
      finalMessage: 'サービスが一時的に利用できません',
    });
    expect(svc?.context).toBeUndefined();
    // The runbook's fallback timeouts by position in the chain: 3000, 5000, then 10000 ms.
    expect(svc?.versions.map((v) => v.timeout)).toEqual([3000, 5000, 10000, 10000]);
    expect(r.summary).toBe(
      'test/fixtures/config/minimal.yml is valid: 1 service, 9 trigger conditions in 3 tiers, 5 matrix rules, 3 ' +
        'drill scenarios, 2 escalation levels',
    );
  });
});
