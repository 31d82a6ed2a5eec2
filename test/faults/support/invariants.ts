/**
 * The invariants the fault suite checks after every run, as data: each broken one is a Violation
 * naming the invariant and the evidence (what the database, the Slack stand-in or the Kubernetes
 * stand-in recorded), so a failing test says exactly what went wrong and where to look.
 *
 * What "should have reached Slack" is derived from the database, which is the record of what
 * happened: every rollback step that ran has one note in the incident thread, in order; a finished
 * rollback has one closing note; every escalation level on the timeline has one thread mention and
 * one DM per person it names; every incident has one head message and at most one stakeholder post
 * (exactly one once it reached the stakeholder severity or was handed on after a rollback).
 */
import type { ReadDatabase } from './rig.ts';
import type { SlackCall } from '../../../src/demo/stand-ins/slack-api.ts';
import type { KubeApiStandIn } from '../../support/kube-api.ts';
import type { SlackApiStandIn } from '../../support/slack-api.ts';
import { ESCALATED, INCIDENT_CHANNEL, STAKEHOLDER_CHANNEL, VS } from './rig.ts';

export interface Violation {
  invariant: string;
  evidence: string;
}

export interface IncidentRow {
  id: string;
  status: string;
  slack_ts: string | null;
  started_at: number;
  drill: number;
  severity: string;
}
export interface RollbackRow {
  id: string;
  incident_id: string | null;
  status: string;
  strategy: string;
  error: string | null;
}
export interface StepRow {
  rollback_id: string;
  seq: number;
  name: string;
  status: string;
  started_at: number | null;
  finished_at: number | null;
}
export interface EventRow {
  incident_id: string;
  kind: string;
  at: number;
  detail: string;
}
export interface TimerRow {
  key: string;
  kind: string;
  status: string;
  claimed_by: string | null;
  attempts: number;
}
export interface DrillRow {
  id: string;
  status: string;
  note: string | null;
  fault_applied: string | null;
}

export interface Snapshot {
  incidents: IncidentRow[];
  rollbacks: RollbackRow[];
  steps: StepRow[];
  events: EventRow[];
  drills: DrillRow[];
  unsentOutbox: Array<{ id: number; kind: string; attempts: number; last_error: string | null }>;
}

export function snapshot(db: ReadDatabase): Snapshot {
  return {
    incidents: db
      .prepare('SELECT id, status, slack_ts, started_at, drill, severity FROM incidents ORDER BY id')
      .all() as IncidentRow[],
    rollbacks: db
      .prepare('SELECT id, incident_id, status, strategy, error FROM rollbacks ORDER BY created_at')
      .all() as RollbackRow[],
    steps: db
      .prepare(
        'SELECT rollback_id, seq, name, status, started_at, finished_at FROM rollback_steps ORDER BY rollback_id, seq',
      )
      .all() as StepRow[],
    events: db.prepare('SELECT incident_id, kind, at, detail FROM timeline_events ORDER BY id').all() as EventRow[],
    drills: db.prepare('SELECT id, status, note, fault_applied FROM drills ORDER BY created_at').all() as DrillRow[],
    unsentOutbox: db
      .prepare('SELECT id, kind, attempts, last_error FROM outbox WHERE sent_at IS NULL ORDER BY id')
      .all() as Snapshot['unsentOutbox'],
  };
}

export const firingTimers = (db: ReadDatabase): TimerRow[] =>
  db
    .prepare(`SELECT key, kind, status, claimed_by, attempts FROM timers WHERE status = 'firing' ORDER BY id`)
    .all() as TimerRow[];

export const timerByKey = (db: ReadDatabase, key: string): TimerRow | undefined =>
  db.prepare('SELECT key, kind, status, claimed_by, attempts FROM timers WHERE key = ?').get(key) as
    TimerRow | undefined;

const text = (c: SlackCall) => String(c.args.text ?? '');
const short = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n)}…` : s);
const TERMINAL = ['succeeded', 'failed', 'aborted', 'cancelled'];
/** The rig keeps the shipped slack.stakeholderSeverity: stakeholders are told from warning up. */
const TOLD_FROM = ['warning', 'critical'];

/** Escalation levels on an incident's timeline, with how many times each was recorded. */
export function escalationLevels(s: Snapshot, incidentId: string): Map<number, number> {
  const levels = new Map<number, number>();
  for (const e of s.events) {
    if (e.incident_id !== incidentId || e.kind !== 'escalation') continue;
    const level = (JSON.parse(e.detail) as { level?: number }).level;
    if (typeof level === 'number') levels.set(level, (levels.get(level) ?? 0) + 1);
  }
  return levels;
}

/** One expected message and the calls that match it. */
interface Expectation {
  what: string;
  calls: SlackCall[];
  /** Exactly one (default) or at most one. */
  atMostOne?: boolean;
}

/** Thread notes, DMs, head messages and stakeholder posts the database says should exist. */
export function expectedSlack(s: Snapshot, slack: SlackApiStandIn): Expectation[] {
  const posts = slack.callsTo('chat.postMessage');
  const out: Expectation[] = [];
  for (const incident of s.incidents) {
    const top = posts.filter(
      (c) =>
        c.args.channel === INCIDENT_CHANNEL &&
        c.args.thread_ts === undefined &&
        JSON.stringify(c.args).includes(incident.id),
    );
    out.push({ what: `${incident.id}: one head message in ${INCIDENT_CHANNEL}`, calls: top });
    const thread = incident.slack_ts
      ? posts.filter((c) => c.args.channel === INCIDENT_CHANNEL && c.args.thread_ts === incident.slack_ts)
      : [];
    for (const r of s.rollbacks.filter((x) => x.incident_id === incident.id)) {
      const steps = s.steps.filter((x) => x.rollback_id === r.id);
      for (const step of steps) {
        const ran =
          step.status === 'succeeded' ||
          step.status === 'failed' ||
          (step.status === 'skipped' && step.started_at !== null);
        if (!ran) continue;
        const marker = `Step ${step.seq}/${steps.length} `;
        out.push({
          what:
            `${incident.id}: one thread note for ${r.id} step ${step.seq}/${steps.length} "${step.name}" ` +
            `(${step.status})`,
          calls: thread.filter((c) => text(c).includes(marker)),
        });
      }
      if (['succeeded', 'failed', 'aborted'].includes(r.status)) {
        const closing = r.status === 'succeeded' ? /^🏁 / : r.status === 'failed' ? /^🛑 / : /^⏹ .* stopped\./;
        out.push({
          what: `${incident.id}: one closing note for ${r.id} (${r.status})`,
          calls: thread.filter((c) => closing.test(text(c))),
        });
      }
    }
    for (const [level] of escalationLevels(s, incident.id)) {
      out.push({
        what: `${incident.id}: one thread mention of escalation level ${level}`,
        calls: thread.filter((c) => text(c).includes(`Escalation level ${level} `)),
      });
      for (const user of ESCALATED[level as 1 | 2] ?? []) {
        const dms = posts.filter((c) => c.args.channel === `D0${user}` && text(c).includes(incident.id));
        out.push({ what: `${incident.id}: one escalation DM (level ${level}) to ${user}`, calls: dms });
      }
    }
    const stakeholder = posts.filter((c) => c.args.channel === STAKEHOLDER_CHANNEL && text(c).includes(incident.id));
    const handedOn = s.steps.some(
      (x) =>
        x.name === 'post-actions' &&
        x.status === 'succeeded' &&
        s.rollbacks.find((r) => r.id === x.rollback_id)?.incident_id === incident.id,
    );
    // Posted once the incident reached the stakeholder severity, or at the hand-off below it; updated after that, never
    // posted again.
    const due = handedOn || TOLD_FROM.includes(incident.severity);
    out.push({
      what: `${incident.id}: ${due ? 'one' : 'at most one'} stakeholder notice`,
      calls: stakeholder,
      atMostOne: !due,
    });
  }
  return out;
}

/** Expectations not (yet) met: missing messages. Duplicates are judged by `slackViolations`. */
export function missingSlack(s: Snapshot, slack: SlackApiStandIn): string[] {
  return expectedSlack(s, slack)
    .filter((e) => !e.atMostOne && e.calls.length === 0)
    .map((e) => e.what);
}

/**
 * Every expected message arrived exactly once, thread notes of a rollback in step order, and no
 * thread note twice. `mayRepeat` holds calls Slack carried out whose answer the bot never saw
 * (a kill -9 or a hung call right after them): repeating those is allowed.
 */
export function slackViolations(
  s: Snapshot,
  slack: SlackApiStandIn,
  mayRepeat: ReadonlySet<SlackCall> = new Set(),
): Violation[] {
  const v: Violation[] = [];
  const excused = (calls: SlackCall[]) => calls.slice(0, -1).some((c) => mayRepeat.has(c));
  for (const e of expectedSlack(s, slack)) {
    if (e.calls.length === 0 && !e.atMostOne)
      v.push({ invariant: 'every message intended reaches Slack', evidence: `missing: ${e.what}` });
    if (e.calls.length > 1 && !excused(e.calls)) {
      v.push({
        invariant: 'no message reaches Slack twice',
        evidence: `${e.calls.length}× ${e.what}: ${e.calls.map((c) => JSON.stringify(short(text(c), 90))).join(' | ')}`,
      });
    }
  }
  for (const incident of s.incidents) {
    if (!incident.slack_ts) continue;
    const thread = slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === INCIDENT_CHANNEL && c.args.thread_ts === incident.slack_ts);
    const seen = new Map<string, SlackCall>();
    for (const c of thread) {
      const first = seen.get(text(c));
      if (first && !mayRepeat.has(first))
        v.push({
          invariant: 'no message reaches Slack twice',
          evidence: `${incident.id}: thread note posted twice: ${JSON.stringify(short(text(c)))}`,
        });
      seen.set(text(c), c);
    }
    const order = thread
      .map((c) => /Step (\d+)\/\d+ /.exec(text(c))?.[1])
      .filter((x): x is string => x !== undefined)
      .map(Number);
    if (order.some((seq, i) => i > 0 && seq < (order[i - 1] ?? 0))) {
      v.push({
        invariant: 'thread notes arrive in order',
        evidence: `${incident.id}: step notes arrived as ${order.join(', ')}`,
      });
    }
  }
  return v;
}

export function outboxViolations(s: Snapshot): Violation[] {
  return s.unsentOutbox.map((m) => ({
    invariant: 'no outbox message is lost',
    evidence:
      `outbox row ${m.id} (${m.kind}) still unsent after ${m.attempts} attempts; last error: ` +
      `${m.last_error ?? 'none'}`,
  }));
}

/** The state a write leaves: what a second identical write would set again. */
function writtenState(body: unknown): string {
  const b = body as { spec?: unknown } | undefined;
  return JSON.stringify(b && typeof b === 'object' && 'spec' in b ? b.spec : body);
}

/** No object was written twice to the same state (PUT/PATCH carried out by the stand-in). */
export function kubeWriteViolations(kube: KubeApiStandIn): Violation[] {
  const v: Violation[] = [];
  const seen = new Map<string, number>();
  kube.appliedWrites().forEach((r, i) => {
    const key = `${r.method} ${r.path} ${writtenState(r.body)}`;
    const first = seen.get(key);
    if (first !== undefined)
      v.push({
        invariant: 'no Kubernetes write is repeated',
        evidence:
          `write #${i + 1} ${r.method} ${r.path} sets the same state as write #${first + 1}: ` +
          `${short(writtenState(r.body), 200)}`,
      });
    else seen.set(key, i);
  });
  return v;
}

/** Route 0 of the VirtualService as `subset=weight` and whether it holds a fault. */
export function routing(kube: KubeApiStandIn): { weights: Record<string, number>; fault: unknown } {
  const vs = kube.mustGet(VS.kind, VS.namespace, VS.name) as {
    spec: { http: Array<{ route: Array<{ destination: { subset: string }; weight?: number }>; fault?: unknown }> };
  };
  const route = vs.spec.http[0];
  return {
    weights: Object.fromEntries((route?.route ?? []).map((d) => [d.destination.subset, d.weight ?? 0])),
    fault: route?.fault,
  };
}

/** Each rollback ended, and one that did not succeed says so in its thread. */
export function rollbackViolations(s: Snapshot, slack: SlackApiStandIn): Violation[] {
  const v: Violation[] = [];
  for (const r of s.rollbacks) {
    if (!TERMINAL.includes(r.status)) {
      const steps = s.steps
        .filter((x) => x.rollback_id === r.id)
        .map((x) => `${x.seq} ${x.name} ${x.status}`)
        .join('; ');
      v.push({
        invariant: 'each rollback finishes or is reported',
        evidence: `${r.id} (${r.strategy}) is still ${r.status}; steps: ${steps || 'none'}`,
      });
      continue;
    }
    if (r.status === 'succeeded' || !r.incident_id) continue;
    const head = s.incidents.find((i) => i.id === r.incident_id)?.slack_ts;
    const thread = slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === head);
    if (!thread.some((c) => /^🛑 |^⏹ |failed|could not/.test(text(c)))) {
      v.push({
        invariant: 'each rollback finishes or is reported',
        evidence: `${r.id} ended ${r.status} (${r.error ?? 'no error recorded'}) and its thread does not say so`,
      });
    }
  }
  return v;
}

export function escalationViolations(s: Snapshot, incidentId: string, expectedLevels: number[]): Violation[] {
  const levels = escalationLevels(s, incidentId);
  const v: Violation[] = [];
  for (const level of expectedLevels) {
    const n = levels.get(level) ?? 0;
    if (n !== 1)
      v.push({
        invariant: 'each escalation level fires exactly once',
        evidence: `${incidentId}: level ${level} is on the timeline ${n} times`,
      });
  }
  for (const [level, n] of levels) {
    if (n > 1 && !expectedLevels.includes(level))
      v.push({
        invariant: 'each escalation level fires exactly once',
        evidence: `${incidentId}: level ${level} is on the timeline ${n} times`,
      });
  }
  return v;
}

export function format(violations: Violation[]): string {
  return violations.map((x) => `  ✗ ${x.invariant}: ${x.evidence}`).join('\n');
}
