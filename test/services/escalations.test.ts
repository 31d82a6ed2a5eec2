import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlannedEscalation } from '../../src/domain/escalation.ts';
import { BOT_ACTOR, type Actor, type Incident } from '../../src/domain/types.ts';
import { ManualClock } from '../../src/clock.ts';
import { EscalationService } from '../../src/services/escalations.ts';
import { IncidentService } from '../../src/services/incidents.ts';
import { silentNotifier } from '../../src/services/ports.ts';
import { TimerService } from '../../src/services/timers.ts';
import { openStore, type Store } from '../../src/store/index.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MIN = 60_000;
const LEAD: Actor = { kind: 'user', id: 'U0LEAD' };
const LEVELS = [
  { afterMs: 15 * MIN, label: 'Senior engineer', notify: ['S0SENIOR'] },
  { afterMs: 30 * MIN, label: 'Manager', notify: ['U0MANAGER'] },
];

interface Sent {
  incident: string;
  level: number;
  at: number;
  lateMs: number;
}

let dir: string;
let clock: ManualClock;
let sent: Sent[];
let proc: { store: Store; timers: TimerService; incidents: IncidentService } | null;

/** One lifetime of the bot: open the database, wire the services, start the timer loop. */
function boot(stopOnAck = false) {
  const store = openStore(path.join(dir, 'rewind.db'), { clock });
  const timers = new TimerService({ repo: store.timers, clock });
  const notifier = {
    escalate: (incident: Incident, level: PlannedEscalation, lateMs: number) => {
      sent.push({ incident: incident.id, level: level.level, at: clock.now(), lateMs });
    },
  };
  const escalations = new EscalationService(store, timers, notifier, { levels: LEVELS, stopOnAck });
  const stakeholders = { port: { stakeholderNotice: () => {} }, from: 'critical' as const };
  const incidents = new IncidentService({
    store,
    clock,
    escalations,
    notifier: silentNotifier,
    stakeholders,
    drillOn: () => null,
  });
  timers.start();
  proc = { store, timers, incidents };
  return proc;
}

async function shutdown() {
  if (!proc) return;
  await proc.timers.stop();
  proc.store.close();
  proc = null;
}

function openOne(incidents: IncidentService) {
  return incidents.open(
    { service: 'prompt-service', version: 'v2.0.0', severity: 'warning', title: 'error_rate 7% > 5%', drill: false },
    BOT_ACTOR,
  ).incident;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rewind-esc-'));
  clock = new ManualClock(T0);
  sent = [];
  proc = null;
});
afterEach(async () => {
  await shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('escalation on a compressed clock', () => {
  it('escalates an unresolved incident at 15 and 30 minutes exactly once each', async () => {
    const { incidents } = boot();
    const incident = openOne(incidents);
    await clock.advance(14 * MIN + 59_000);
    expect(sent).toEqual([]);
    await clock.advance(1_000);
    expect(sent).toEqual([{ incident: incident.id, level: 1, at: T0 + 15 * MIN, lateMs: 0 }]);
    await clock.advance(60 * MIN);
    expect(sent.map((s) => [s.level, s.at])).toEqual([
      [1, T0 + 15 * MIN],
      [2, T0 + 30 * MIN],
    ]);
    const lines = incidents.timeline(incident.id).filter((e) => e.kind === 'escalation');
    expect(lines.map((e) => [e.at, e.detail])).toEqual([
      [T0 + 15 * MIN, { level: 1, label: 'Senior engineer', notify: ['S0SENIOR'], lateMs: 0 }],
      [T0 + 30 * MIN, { level: 2, label: 'Manager', notify: ['U0MANAGER'], lateMs: 0 }],
    ]);
  });

  it('resolved at minute 20: the 30-minute level never fires and its timer is cancelled', async () => {
    const { incidents, store } = boot();
    const incident = openOne(incidents);
    incidents.transition(incident.id, 'awaiting_decision', BOT_ACTOR);
    await clock.advance(20 * MIN);
    incidents.resolve(incident.id, LEAD);
    await clock.advance(60 * MIN);
    expect(sent.map((s) => s.level)).toEqual([1]);
    expect(store.timers.list({ kind: 'escalation' }).map((t) => [t.key, t.status])).toEqual([
      [`escalation:${incident.id}:1`, 'done'],
      [`escalation:${incident.id}:2`, 'cancelled'],
    ]);
  });

  it('restart at minute 14 and again at minute 16: the 15-minute level fired exactly once', async () => {
    const first = boot();
    const incident = openOne(first.incidents);
    await clock.advance(14 * MIN);
    await shutdown();
    // Down for a minute and a half: the level comes due while nobody is running.
    clock.jumpTo(T0 + 15 * MIN + 30_000);
    boot();
    await clock.advance(30_000);
    expect(sent).toEqual([{ incident: incident.id, level: 1, at: T0 + 15 * MIN + 30_000, lateMs: 30_000 }]);
    await shutdown();
    boot();
    await clock.advance(10 * MIN);
    expect(sent.map((s) => s.level)).toEqual([1]);
    await clock.advance(10 * MIN);
    expect(sent.map((s) => s.level)).toEqual([1, 2]);
  });

  it('an acknowledgement does not stop escalation unless stopOnAck is set', async () => {
    let { incidents } = boot(false);
    const a = openOne(incidents);
    incidents.acknowledge(a.id, LEAD);
    await clock.advance(16 * MIN);
    expect(sent.map((s) => s.level)).toEqual([1]);
    incidents.resolve(a.id, LEAD);
    await shutdown();

    ({ incidents } = boot(true));
    const b = openOne(incidents);
    expect(b.id).not.toBe(a.id);
    incidents.acknowledge(b.id, LEAD);
    await clock.advance(40 * MIN);
    expect(sent.filter((s) => s.incident === b.id)).toEqual([]);
  });
});

describe('incident service', () => {
  it('keeps one open incident per service and records every transition with its actor', async () => {
    const { incidents } = boot();
    const first = openOne(incidents);
    const again = incidents.open(
      { service: 'prompt-service', version: 'v2.0.0', severity: 'critical', title: 'x', drill: false },
      BOT_ACTOR,
    );
    expect(again).toEqual({ incident: first, created: false });
    await clock.advance(MIN);
    incidents.transition(first.id, 'awaiting_decision', BOT_ACTOR);
    incidents.record(first.id, 'decision', LEAD, { action: 'fix', recommended: null });
    incidents.transition(first.id, 'fixing', LEAD, { action: 'fix' });
    await clock.advance(MIN);
    expect(incidents.acknowledge(first.id, LEAD).outcome).toBe('acknowledged');
    expect(incidents.acknowledge(first.id, LEAD).outcome).toBe('already_acknowledged');
    const resolved = incidents.resolve(first.id, LEAD);
    expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: T0 + 2 * MIN, acknowledgedBy: 'U0LEAD' });
    expect(
      incidents.timeline(first.id).map((e) => [e.kind, e.kind === 'status' ? e.to : null, e.actor.id, e.at - T0]),
    ).toEqual([
      ['detected', null, 'rewind', 0],
      ['status', 'awaiting_decision', 'rewind', MIN],
      ['decision', null, 'U0LEAD', MIN],
      ['status', 'fixing', 'U0LEAD', MIN],
      ['ack', null, 'U0LEAD', 2 * MIN],
      ['status', 'resolved', 'U0LEAD', 2 * MIN],
    ]);
  });

  it('an illegal transition throws a clear error and writes nothing', () => {
    const { incidents } = boot();
    const incident = openOne(incidents);
    incidents.resolve(incident.id, LEAD);
    const before = incidents.timeline(incident.id);
    expect(() => incidents.transition(incident.id, 'rolling_back', LEAD)).toThrow(
      `${incident.id}: cannot go from resolved to rolling_back; allowed from resolved: none`,
    );
    expect(incidents.timeline(incident.id)).toEqual(before);
    expect(incidents.get(incident.id).status).toBe('resolved');
  });

  it('an unknown incident is a clear NotFoundError', () => {
    const { incidents } = boot();
    expect(() => incidents.transition('INC-20990101-001', 'resolved', LEAD)).toThrow(
      'incident INC-20990101-001 not found',
    );
  });
});
