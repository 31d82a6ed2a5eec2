import { describe, expect, it } from 'vitest';
import {
  dueLevels,
  escalationKey,
  nextEscalation,
  planEscalation,
  shouldStopEscalation,
  type EscalationLevel,
} from '../../src/domain/escalation.ts';

const M = 60_000;
const START = Date.UTC(2026, 0, 5, 9, 0, 0);
/** ランブック エスカレーション: 15 分 → シニアエンジニア, 30 分 → マネージャー. */
const RUNBOOK_LEVELS: EscalationLevel[] = [
  { afterMs: 15 * M, label: 'Senior engineer', notify: ['S0SENIOR'] },
  { afterMs: 30 * M, label: 'Manager', notify: ['U0MANAGER'] },
];
const plan = planEscalation(START, RUNBOOK_LEVELS);

describe('planEscalation', () => {
  it('plans the runbook 15 / 30 minute levels from the incident start', () => {
    expect(plan).toEqual([
      { level: 1, dueAt: START + 15 * M, label: 'Senior engineer', notify: ['S0SENIOR'] },
      { level: 2, dueAt: START + 30 * M, label: 'Manager', notify: ['U0MANAGER'] },
    ]);
  });

  it('numbers levels by due time whatever the config order', () => {
    const reversed = planEscalation(START, [...RUNBOOK_LEVELS].reverse());
    expect(reversed.map((p) => [p.level, p.label])).toEqual([
      [1, 'Senior engineer'],
      [2, 'Manager'],
    ]);
  });

  it('does not share the notify arrays with the config', () => {
    const levels: EscalationLevel[] = [{ afterMs: M, label: 'x', notify: ['U1'] }];
    const p = planEscalation(START, levels);
    p[0]?.notify.push('U2');
    expect(levels[0]?.notify).toEqual(['U1']);
  });

  it('refuses a negative delay with the level named', () => {
    expect(() => planEscalation(START, [{ afterMs: -1, label: 'Manager', notify: [] }])).toThrow(
      'escalation level "Manager" (#1): afterMs must be 0 or more, got -1',
    );
  });
});

describe('dueLevels', () => {
  const at = (minutes: number) => dueLevels(plan, START + minutes * M, []).map((p) => p.level);

  it('is due at 15 and 30 minutes, not a millisecond before', () => {
    expect(at(14)).toEqual([]);
    expect(dueLevels(plan, START + 15 * M - 1, [])).toEqual([]);
    expect(at(15)).toEqual([1]);
    expect(at(29)).toEqual([1]);
    expect(at(30)).toEqual([1, 2]);
    expect(at(90)).toEqual([1, 2]);
  });

  it('leaves out the levels already fired, given as a set or an array', () => {
    expect(dueLevels(plan, START + 30 * M, new Set([1])).map((p) => p.level)).toEqual([2]);
    expect(dueLevels(plan, START + 30 * M, [1, 2])).toEqual([]);
    expect(dueLevels(plan, START + 15 * M, [1])).toEqual([]);
  });
});

describe('nextEscalation', () => {
  it('is the earliest level not fired yet', () => {
    expect(nextEscalation(plan, [])?.level).toBe(1);
    expect(nextEscalation(plan, new Set([1]))?.dueAt).toBe(START + 30 * M);
    expect(nextEscalation(plan, [1, 2])).toBeNull();
  });
});

describe('escalationKey', () => {
  it('is stable and unique per incident and level', () => {
    expect(escalationKey('INC-20260105-001', 1)).toBe('escalation:INC-20260105-001:1');
    expect(escalationKey('INC-20260105-001', 1)).toBe(escalationKey('INC-20260105-001', 1));
    expect(escalationKey('INC-20260105-001', 2)).not.toBe(escalationKey('INC-20260105-001', 1));
    expect(escalationKey('INC-20260105-002', 1)).not.toBe(escalationKey('INC-20260105-001', 1));
  });

  it('refuses an empty incident ID or a bad level', () => {
    expect(() => escalationKey('', 1)).toThrow('incident ID is empty');
    expect(() => escalationKey('INC-20260105-001', 0)).toThrow('level must be an integer from 1, got 0');
    expect(() => escalationKey('INC-20260105-001', 1.5)).toThrow('got 1.5');
  });
});

describe('shouldStopEscalation', () => {
  it('stops on resolve, and on acknowledgement only with stopOnAck', () => {
    const open = { status: 'awaiting_decision' as const, acknowledgedAt: null };
    const acked = { status: 'rolling_back' as const, acknowledgedAt: START + M };
    const resolved = { status: 'resolved' as const, acknowledgedAt: null };
    expect(shouldStopEscalation(open, false)).toBe(false);
    expect(shouldStopEscalation(open, true)).toBe(false);
    expect(shouldStopEscalation(acked, false)).toBe(false);
    expect(shouldStopEscalation(acked, true)).toBe(true);
    expect(shouldStopEscalation(resolved, false)).toBe(true);
    expect(shouldStopEscalation(resolved, true)).toBe(true);
  });
});
