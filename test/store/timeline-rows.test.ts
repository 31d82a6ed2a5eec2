/**
 * Timeline rows are parsed against their kind: a line this build cannot read is refused with an
 * error naming the table and the row, while lines written by earlier builds keep loading.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openIncident } from '../../src/domain/lifecycle.ts';
import { BOT_ACTOR } from '../../src/domain/types.ts';
import { ManualClock } from '../../src/clock.ts';
import { UnreadableRowError } from '../../src/store/json.ts';
import { openStore, sqliteHandle, type Store } from '../../src/store/index.ts';

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
      title: 'error_rate 7% > 5%',
      drill: false,
      startedAt: T0,
    },
    BOT_ACTOR,
  );
  incidentId = store.incidents.create(incident, [event]).id;
});
afterEach(() => store.close());

/** Writes a row as an older (or broken) build might have, bypassing the typed writers. */
function insertRaw(kind: string, detail: string, status: { from: string; to: string } | null = null): number {
  const result = store.db
    .prepare(
      `INSERT INTO timeline_events (incident_id, at, kind, actor_kind, actor_id, from_status, to_status, detail)
       VALUES (?, ?, ?, 'system', 'escalations', ?, ?, ?)`,
    )
    .run(incidentId, T0 + 1000, kind, status?.from ?? null, status?.to ?? null, detail);
  return Number(result.lastInsertRowid);
}

function refusal(): UnreadableRowError {
  try {
    store.incidents.timeline(incidentId);
  } catch (err) {
    if (err instanceof UnreadableRowError) return err;
    throw err;
  }
  throw new Error('the timeline was read');
}

describe('unreadable timeline rows', () => {
  it('refuses a detail with a misspelt field, naming timeline_events, the row and the field', () => {
    const id = insertRaw('escalation', JSON.stringify({ levle: 1, label: 'Senior engineer', notify: [], lateMs: 0 }));
    const error = refusal();
    expect(error.table).toBe('timeline_events');
    expect(error.id).toBe(id);
    expect(error.message).toMatch(new RegExp(`^timeline_events row ${id}: column detail cannot be read: level: `));
  });

  it('refuses a detail missing a field of its kind', () => {
    const id = insertRaw('decision', JSON.stringify({ recommended: 'immediate' }));
    expect(refusal().message).toMatch(new RegExp(`timeline_events row ${id}: column detail cannot be read: action: `));
  });

  it('refuses a detail with a value outside its kind’s words', () => {
    const id = insertRaw('severity', JSON.stringify({ from: 'warning', to: 'sev1' }));
    expect(refusal().message).toContain(`timeline_events row ${id}: column detail cannot be read: to: `);
  });

  it('refuses a detail that is not JSON (its CHECK set aside, as on a damaged file)', () => {
    sqliteHandle(store.db).pragma('ignore_check_constraints = ON');
    const id = insertRaw('posted', '{"channel": "C1", "ts":');
    expect(refusal().message).toMatch(
      new RegExp(`timeline_events row ${id}: column detail cannot be read: invalid JSON`),
    );
  });

  it('refuses a kind this build does not know', () => {
    const id = insertRaw('note', '{}');
    expect(refusal().message).toBe(`timeline_events row ${id}: column kind cannot be read: unknown kind "note"`);
  });

  it('refuses a status line without its transition', () => {
    const id = insertRaw('status', '{}');
    expect(refusal().message).toContain(`timeline_events row ${id}: column from_status cannot be read`);
  });

  it('refuses an incident row with a severity outside the tiers', () => {
    sqliteHandle(store.db).pragma('ignore_check_constraints = ON');
    store.db.prepare(`UPDATE incidents SET severity = 'sev2' WHERE id = ?`).run(incidentId);
    expect(() => store.incidents.get(incidentId)).toThrow(
      `incidents row ${incidentId}: column severity cannot be read`,
    );
  });
});

describe('lines written by earlier builds', () => {
  it('load with their defaults: an opening line without breaches, a decision without its recommendation', () => {
    store.db
      .prepare(`UPDATE timeline_events SET detail = ? WHERE kind = 'detected'`)
      .run(
        JSON.stringify({ service: 'prompt-service', version: 'v2.0.0', severity: 'warning', title: 't', drill: false }),
      );
    insertRaw('decision', JSON.stringify({ action: 'fix' }));
    insertRaw('assessment', JSON.stringify({ userImpact: 'all', recommended: 'immediate', rule: 0 }));
    insertRaw('rollback_failed', JSON.stringify({ rollbackId: 'RB-20260105-001', error: 'kube down' }));
    insertRaw('status', JSON.stringify({ tier: 'warning' }), { from: 'detected', to: 'awaiting_decision' });
    const timeline = store.incidents.timeline(incidentId);
    expect(timeline.map((e) => [e.kind, e.detail])).toEqual([
      [
        'detected',
        { service: 'prompt-service', version: 'v2.0.0', severity: 'warning', title: 't', drill: false, breaches: [] },
      ],
      ['decision', { action: 'fix', recommended: null }],
      ['assessment', { userImpact: 'all', recommended: 'immediate', rule: 0 }],
      ['rollback_failed', { rollbackId: 'RB-20260105-001', error: 'kube down' }],
      ['status', { tier: 'warning' }],
    ]);
    expect(timeline.at(-1)).toMatchObject({ from: 'detected', to: 'awaiting_decision' });
  });

  it('read a reason kept as an English sentence as the recorded kind, shown as written', () => {
    const rollbackId = 'RB-20260105-001';
    insertRaw('status', JSON.stringify({ rollbackId, reason: 'recovered after rollback' }), {
      from: 'verifying',
      to: 'resolved',
    });
    insertRaw(
      'rollback_aborted',
      JSON.stringify({ rollbackId, reason: 'stopped by U0LEAD; traffic stays as it is now' }),
    );
    insertRaw('canary_cancelled', JSON.stringify({ rollbackId, reason: 'cancelled before it started' }));
    insertRaw(
      'escalation',
      JSON.stringify({ level: 2, label: 'Manager', notify: [], lateMs: 0, early: true, reason: 'x' }),
    );
    const reasons = store.incidents
      .timeline(incidentId)
      .flatMap((e) => ('reason' in e.detail ? [e.detail.reason] : []));
    expect(reasons).toEqual([
      { kind: 'recorded', text: 'recovered after rollback' },
      { kind: 'recorded', text: 'stopped by U0LEAD; traffic stays as it is now' },
      { kind: 'recorded', text: 'cancelled before it started' },
      { kind: 'recorded', text: 'x' },
    ]);
  });

  it('keep readable breaches and leave out one whose value JSON turned into null', () => {
    insertRaw(
      'trigger',
      JSON.stringify({
        tier: 'critical',
        version: 'v2.0.0',
        breaches: [
          { metric: 'error_rate', op: '>', threshold: 0.1, value: 0.12 },
          { metric: 'p99_latency', op: '>', threshold: 10_000, value: null },
        ],
      }),
    );
    const trigger = store.incidents.timeline(incidentId).find((e) => e.kind === 'trigger');
    expect(trigger?.kind === 'trigger' && trigger.detail.breaches).toEqual([
      { metric: 'error_rate', op: '>', threshold: 0.1, value: 0.12 },
    ]);
  });
});
