import { describe, expect, it } from 'vitest';
import {
  IllegalTransitionError,
  TRANSITIONS,
  acknowledge,
  allowedFrom,
  canTransition,
  openIncident,
  transition,
} from '../../src/domain/lifecycle.ts';
import type { StatusDetail } from '../../src/domain/timeline.ts';
import {
  BOT_ACTOR,
  INCIDENT_STATUSES,
  type Actor,
  type Incident,
  type IncidentStatus,
} from '../../src/domain/types.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const ALICE: Actor = { kind: 'user', id: 'U0ALICE' };
const BOB: Actor = { kind: 'user', id: 'U0BOB' };
const TIMERS: Actor = { kind: 'system', id: 'escalations' };

function incidentIn(status: IncidentStatus): Incident {
  const { incident } = openIncident(
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
  return { ...incident, id: 'INC-20260105-001', status };
}

const LEGAL: Array<[IncidentStatus, IncidentStatus]> = INCIDENT_STATUSES.flatMap((from) =>
  TRANSITIONS[from].map((to): [IncidentStatus, IncidentStatus] => [from, to]),
);
const ILLEGAL: Array<[IncidentStatus, IncidentStatus]> = INCIDENT_STATUSES.flatMap((from) =>
  INCIDENT_STATUSES.filter((to) => !TRANSITIONS[from].includes(to)).map((to): [IncidentStatus, IncidentStatus] => [
    from,
    to,
  ]),
);

describe('transition table', () => {
  it('covers every status, lists only known statuses, and has no self-transitions', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...INCIDENT_STATUSES].sort());
    for (const [from, to] of LEGAL) {
      expect(INCIDENT_STATUSES).toContain(to);
      expect(to).not.toBe(from);
    }
    expect(LEGAL.length + ILLEGAL.length).toBe(INCIDENT_STATUSES.length ** 2);
  });

  it('has the edges the runbook flow needs', () => {
    const path: IncidentStatus[] = ['detected', 'awaiting_decision', 'rolling_back', 'verifying', 'resolved'];
    for (let i = 1; i < path.length; i++)
      expect(canTransition(path[i - 1] as IncidentStatus, path[i] as IncidentStatus)).toBe(true);
    expect(canTransition('detected', 'rolling_back')).toBe(true); // automatic critical rollback
    expect(canTransition('rolling_back', 'awaiting_decision')).toBe(true); // rollback aborted
    expect(canTransition('verifying', 'awaiting_decision')).toBe(true); // not recovered: next fallback
    expect(allowedFrom('resolved')).toEqual([]);
  });

  it('every status but resolved can still reach resolved', () => {
    for (const from of INCIDENT_STATUSES.filter((s) => s !== 'resolved')) {
      const seen = new Set<IncidentStatus>([from]);
      const queue: IncidentStatus[] = [from];
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        for (const to of allowedFrom(next)) {
          if (!seen.has(to)) {
            seen.add(to);
            queue.push(to);
          }
        }
      }
      expect(seen.has('resolved'), `${from} cannot reach resolved`).toBe(true);
    }
  });
});

describe('transition', () => {
  it.each(LEGAL)('%s → %s gives the new status and a status event', (from, to) => {
    const before = incidentIn(from);
    const snapshot = structuredClone(before);
    const at = T0 + 60_000;
    const { incident, event } = transition(before, to, ALICE, at, { reason: { kind: 'recorded', text: 'test' } });
    expect(incident).not.toBe(before);
    expect(before).toEqual(snapshot);
    expect(incident).toEqual({ ...snapshot, status: to, resolvedAt: to === 'resolved' ? at : null });
    expect(event).toEqual({
      incidentId: 'INC-20260105-001',
      at,
      kind: 'status',
      actor: ALICE,
      from,
      to,
      detail: { reason: { kind: 'recorded', text: 'test' } },
    });
  });

  it.each(ILLEGAL)('%s → %s throws IllegalTransitionError and changes nothing', (from, to) => {
    const before = incidentIn(from);
    const snapshot = structuredClone(before);
    let thrown: unknown;
    try {
      transition(before, to, ALICE, T0 + 1);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(IllegalTransitionError);
    const err = thrown as IllegalTransitionError;
    expect(err.from).toBe(from);
    expect(err.to).toBe(to);
    expect(err.incidentId).toBe('INC-20260105-001');
    const allowed = TRANSITIONS[from].length ? TRANSITIONS[from].join(', ') : 'none';
    expect(err.message).toBe(`INC-20260105-001: cannot go from ${from} to ${to}; allowed from ${from}: ${allowed}`);
    expect(before).toEqual(snapshot);
  });

  it('names the illegal move from resolved precisely', () => {
    expect(() => transition(incidentIn('resolved'), 'rolling_back', ALICE, T0)).toThrow(
      'INC-20260105-001: cannot go from resolved to rolling_back; allowed from resolved: none',
    );
  });

  it('sets resolvedAt on resolve and keeps it on no other move', () => {
    const a = transition(incidentIn('awaiting_decision'), 'rolling_back', BOT_ACTOR, T0 + 1000).incident;
    expect(a.resolvedAt).toBeNull();
    const b = transition(a, 'verifying', BOT_ACTOR, T0 + 2000).incident;
    const c = transition(b, 'resolved', BOT_ACTOR, T0 + 300_000).incident;
    expect(c.resolvedAt).toBe(T0 + 300_000);
    expect(c.status).toBe('resolved');
  });

  it('does not share the detail object or actor with the caller', () => {
    const detail: StatusDetail = { action: 'gradual' };
    const actor = { ...ALICE };
    const { event } = transition(incidentIn('awaiting_decision'), 'rolling_back', actor, T0, detail);
    detail.action = 'immediate';
    actor.id = 'U0MALLORY';
    expect(event.detail).toEqual({ action: 'gradual' });
    expect(event.actor).toEqual(ALICE);
  });
});

describe('acknowledge', () => {
  it('stamps the first acknowledgement with an ack event', () => {
    const before = incidentIn('awaiting_decision');
    const r = acknowledge(before, ALICE, T0 + 90_000);
    expect(r.outcome).toBe('acknowledged');
    expect(r.incident).toEqual({ ...before, acknowledgedAt: T0 + 90_000, acknowledgedBy: 'U0ALICE' });
    expect(r.event).toEqual({
      incidentId: before.id,
      at: T0 + 90_000,
      kind: 'ack',
      actor: ALICE,
      detail: { status: 'awaiting_decision' },
    });
    expect(before.acknowledgedAt).toBeNull();
  });

  it('keeps the first acknowledgement: a second one changes nothing and records nothing', () => {
    const first = acknowledge(incidentIn('rolling_back'), ALICE, T0 + 90_000).incident;
    const second = acknowledge(first, BOB, T0 + 120_000);
    expect(second).toEqual({ incident: first, event: null, outcome: 'already_acknowledged' });
    expect(second.incident.acknowledgedBy).toBe('U0ALICE');
    expect(second.incident.acknowledgedAt).toBe(T0 + 90_000);
  });

  it('does not acknowledge a resolved incident', () => {
    const resolved = incidentIn('resolved');
    expect(acknowledge(resolved, ALICE, T0 + 1)).toEqual({
      incident: resolved,
      event: null,
      outcome: 'already_resolved',
    });
  });

  it('does not change the status', () => {
    expect(acknowledge(incidentIn('escalated'), TIMERS, T0).incident.status).toBe('escalated');
  });
});

describe('openIncident', () => {
  it('opens in detected with a detected event at the start time', () => {
    const { incident, event } = openIncident(
      {
        service: 'prompt-service',
        version: null,
        severity: 'critical',
        title: 'availability 94% < 95%',
        drill: true,
        startedAt: T0,
      },
      BOT_ACTOR,
    );
    expect(incident).toEqual({
      service: 'prompt-service',
      version: null,
      severity: 'critical',
      status: 'detected',
      title: 'availability 94% < 95%',
      drill: true,
      startedAt: T0,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      slackChannel: null,
      slackTs: null,
    });
    expect(event).toEqual({
      at: T0,
      kind: 'detected',
      actor: BOT_ACTOR,
      detail: {
        service: 'prompt-service',
        version: null,
        severity: 'critical',
        title: 'availability 94% < 95%',
        drill: true,
        breaches: [],
      },
    });
  });

  it('refuses an empty service and a non-finite start', () => {
    const base = {
      service: 'prompt-service',
      version: null,
      severity: 'watch' as const,
      title: 't',
      drill: false,
      startedAt: T0,
    };
    expect(() => openIncident({ ...base, service: '' }, BOT_ACTOR)).toThrow('openIncident: service is empty');
    expect(() => openIncident({ ...base, startedAt: Number.NaN }, BOT_ACTOR)).toThrow(
      'startedAt must be epoch milliseconds, got NaN',
    );
  });
});
