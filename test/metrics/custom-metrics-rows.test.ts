/**
 * Stored rows that name metrics — a timeline breach, a rollback step's readings and its abortIf
 * cause — load whether they name a built-in (as every earlier build wrote them, without a unit) or
 * a custom metric (with its unit), and read the way they were written.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { openIncident } from '../../src/domain/lifecycle.ts';
import { BOT_ACTOR } from '../../src/domain/types.ts';
import { openStore, type Store } from '../../src/store/index.ts';

const T0 = Date.UTC(2026, 0, 5, 9);
let store: Store;
let incidentId: string;

beforeEach(() => {
  store = openStore(':memory:', { clock: new ManualClock(T0) });
  const { incident, event } = openIncident(
    {
      service: 'prompt-service',
      version: 'v2.0.0',
      severity: 'warning',
      title: 'cost_per_request > $0.02',
      drill: false,
      startedAt: T0,
    },
    BOT_ACTOR,
  );
  // The opening breach as the evaluator writes it for a custom metric: with its unit.
  const breaches = [
    { metric: 'cost_per_request', unit: 'usd' as const, op: '>' as const, threshold: 0.02, value: 0.031 },
  ];
  incidentId = store.incidents.create(incident, [{ ...event, detail: { ...event.detail, breaches } }]).id;
});
afterEach(() => store.close());

const raw = (detail: object) => JSON.stringify(detail);

describe('timeline breaches', () => {
  it('a custom metric written with its unit reads back with it; a built-in row of an earlier build as it was', () => {
    store.db
      .prepare(
        `INSERT INTO timeline_events (incident_id, at, kind, actor_kind, actor_id, from_status, to_status, detail)
         VALUES (?, ?, 'trigger', 'system', 'evaluator', NULL, NULL, ?)`,
      )
      .run(
        incidentId,
        T0 + 1000,
        raw({
          tier: 'critical',
          version: 'v2.0.0',
          breaches: [
            { metric: 'p99_latency', op: '>', threshold: 10_000, value: 12_000 },
            { metric: 'ttft_p95', unit: 'ms', op: '>', threshold: 2000, value: 2600 },
            { metric: 'Not A Name', op: '>', threshold: 1, value: 2 },
          ],
        }),
      );
    const timeline = store.incidents.timeline(incidentId);
    const opened = timeline.find((e) => e.kind === 'detected');
    expect(opened?.kind === 'detected' && opened.detail.breaches).toEqual([
      { metric: 'cost_per_request', unit: 'usd', op: '>', threshold: 0.02, value: 0.031 },
    ]);
    const trigger = timeline.find((e) => e.kind === 'trigger');
    // A key that cannot be a metric's name is no breach: left out, like a value that cannot be read.
    expect(trigger?.kind === 'trigger' && trigger.detail.breaches).toEqual([
      { metric: 'p99_latency', op: '>', threshold: 10_000, value: 12_000 },
      { metric: 'ttft_p95', unit: 'ms', op: '>', threshold: 2000, value: 2600 },
    ]);
  });
});

describe('rollback step details', () => {
  it('keep the readings of custom metrics and an abortIf cause on one, beside rows of earlier builds', () => {
    const rb = store.rollbacks.create({
      incidentId,
      service: 'prompt-service',
      strategy: 'canary',
      fromVersion: 'v1.5.0',
      toVersion: 'v2.0.1',
      status: 'running',
      startedBy: 'U0LEAD',
      scheduledFor: null,
      startedAt: T0,
      plan: { canarySteps: [1, 100] },
      dryRun: false,
    });
    const insert = store.db.prepare(
      `INSERT INTO rollback_steps (rollback_id, seq, name, status, budget_ms, detail)
       VALUES (?, ?, ?, 'succeeded', NULL, ?)`,
    );
    insert.run(
      rb.id,
      1,
      'confirm',
      raw({ kind: 'confirm', phase: null, baseline: { error_rate: 0.004, cost_per_request: 0.0042, ttft_p95: null } }),
    );
    insert.run(
      rb.id,
      2,
      'stop',
      raw({
        kind: 'stop',
        phase: null,
        cause: {
          kind: 'abort_if_held',
          metric: 'cost_per_request',
          unit: 'usd',
          version: 'v2.0.1',
          value: 0.031,
          condition: 'cost_per_request > $0.02',
        },
      }),
    );
    insert.run(
      rb.id,
      3,
      'stop',
      raw({
        kind: 'stop',
        phase: null,
        cause: {
          kind: 'abort_if_held',
          metric: 'error_rate',
          version: 'v2.0.1',
          value: 0.07,
          condition: 'error_rate > 5%',
        },
      }),
    );
    const [confirm, custom, builtin] = store.rollbacks.steps(rb.id).map((s) => s.detail);
    // A reading stored as null (NaN) is not a reading; the custom metric's value is kept.
    expect(confirm?.kind === 'confirm' && confirm.baseline).toEqual({ error_rate: 0.004, cost_per_request: 0.0042 });
    expect(custom?.kind === 'stop' && custom.cause).toMatchObject({ metric: 'cost_per_request', unit: 'usd' });
    expect(builtin?.kind === 'stop' && builtin.cause).toEqual({
      kind: 'abort_if_held',
      metric: 'error_rate',
      version: 'v2.0.1',
      value: 0.07,
      condition: 'error_rate > 5%',
    });
  });
});
