/**
 * A rollback drill as Rewind keeps it: its status, the fault it injected (recorded before it is
 * applied, so a restart can remove it), its scores, and why it ended. Everything here is data; the
 * Slack adapter writes the sentences, in the team's language. Pure: no I/O.
 */
import type { DrillTimes, Scorecard } from './drills.ts';
import type { DrillRefusal } from './drill-refusals.ts';

export const DRILL_STATUSES = [
  'scheduled',
  'announced',
  'running',
  'completed',
  'aborted',
  'failed',
  'missed',
] as const;
export type DrillStatus = (typeof DRILL_STATUSES)[number];

export const INJECTOR_KINDS = ['istio-fault', 'http', 'simulated'] as const;
export type InjectorKind = (typeof INJECTOR_KINDS)[number];
export const FAULT_TRIGGERS = ['inject_errors', 'inject_latency', 'partial_outage'] as const;
export type FaultTrigger = (typeof FAULT_TRIGGERS)[number];

/** What one run of a scenario asks for, resolved to numbers. */
export interface FaultSpec {
  drillId: string;
  /** The configured service (`services.<name>`) the fault is injected on. */
  service: string;
  /** The version serving traffic when the drill starts: the fault is aimed at it. */
  version: string;
  scenario: string;
  trigger: FaultTrigger;
  /** inject_errors, partial_outage: share of the affected requests that fail, 0–1. */
  errorRate: number | null;
  /** inject_latency: delay added to each request, ms. */
  latencyMs: number | null;
  /** partial_outage: share of the traffic that is affected, 0–1. */
  share: number | null;
  /** The fault must be gone after this even if Rewind is not there to remove it. */
  maxDurationMs: number;
}

export interface AppliedFault {
  injector: InjectorKind;
  spec: FaultSpec;
  /** What apply changed, as the injector needs it for remove; null when apply has not reported back. */
  detail: Record<string, unknown> | null;
}

/**
 * What removing a fault found, as data, so the drill thread says it in the team's language. Names
 * (a URL, a Kubernetes object, a field path) and the faults as found are outside text, kept whole.
 */
export type RemoveNote =
  | { kind: 'http_removed'; drillId: string; url: string }
  /** The target answered 404 or 410: the fault is not there. */
  | { kind: 'http_gone'; drillId: string; url: string; status: number }
  | { kind: 'route_missing'; target: string; routeIndex: number }
  | { kind: 'fault_gone'; target: string; field: string }
  /** Someone else's fault is in place: left alone. `found` and `ours` are the faults as JSON. */
  | { kind: 'fault_changed'; target: string; field: string; found: string; ours: string }
  | { kind: 'fault_removed'; target: string; field: string }
  | { kind: 'fault_restored'; target: string; field: string }
  /** Nothing of the drill was active in this process; the metrics were cleared anyway. */
  | { kind: 'simulated_inactive'; drillId: string; metrics: string[]; service: string; version: string }
  | { kind: 'simulated_cleared'; metrics: string[]; service: string; version: string }
  /** A note written by an earlier Rewind, as text. */
  | { kind: 'recorded'; text: string };

export interface RemoveResult {
  /** false: there was nothing of ours to remove (already gone, or changed by someone else). */
  removed: boolean;
  /** What removing it found, for the drill thread and the log. */
  note: RemoveNote;
}

/** The English line of a removal's note: the log, the command line, the English drill thread. */
export function removeNoteLine(n: RemoveNote): string {
  const simulated = (x: { metrics: string[]; service: string; version: string }) =>
    `${x.metrics.join(', ')} of ${x.service} ${x.version}`;
  switch (n.kind) {
    case 'http_removed':
      return `removed the fault of drill ${n.drillId} through ${n.url}`;
    case 'http_gone':
      return `${n.url} answered ${n.status}: no fault of drill ${n.drillId} there, already gone`;
    case 'route_missing':
      return `${n.target} has no spec.http[${n.routeIndex}] any more: there is no drill fault to remove`;
    case 'fault_gone':
      return `${n.target} ${n.field} has no fault: already gone, nothing to remove`;
    case 'fault_changed':
      return (
        `${n.target} ${n.field} holds ${n.found}, not the drill's ${n.ours}: ` +
        'someone changed it, so it was left in place; check it by hand'
      );
    case 'fault_removed':
      return `removed the drill's fault from ${n.target} ${n.field}`;
    case 'fault_restored':
      return `restored the fault ${n.target} ${n.field} had before the drill`;
    case 'simulated_inactive':
      return (
        `no simulated fault of drill ${n.drillId} was active in this process ` +
        `(already removed, or lost with a restart); cleared ${simulated(n)} anyway`
      );
    case 'simulated_cleared':
      return `the simulated metrics script speaks again for ${simulated(n)}`;
    case 'recorded':
      return n.text;
  }
}

/** Why Rewind took a drill's fault away. */
export type FaultRemovalCause =
  | { kind: 'aborted'; by: string }
  /** An abort came while the fault was on its way: it is removed again once it has landed. */
  | { kind: 'ended_while_applying' }
  | { kind: 'apply_failed' }
  | { kind: 'restarted' }
  /** A removal that failed earlier, tried again. */
  | { kind: 'retry' }
  | { kind: 'max_duration' }
  /** The drill's rollback switched traffic: the fault has done its job. */
  | { kind: 'traffic_switched' };

export interface FaultRemoval extends RemoveResult {
  /** Null in rows written before the cause was recorded. */
  cause: FaultRemovalCause | null;
}

/** The fault as the drill row keeps it: recorded before apply, completed after, and how it was removed. */
export interface StoredFault extends AppliedFault {
  appliedAt: number | null;
  removedAt: number | null;
  removal: FaultRemoval | null;
}

/** What the drill row keeps in `scores` once it is scored. */
export interface DrillScores {
  times: DrillTimes;
  expectedMs: number;
  scorecard: Scorecard;
}

/** Why a drill ended the way it did (or was never run), for the drill thread, history and report. */
export type DrillEnding =
  /** A scheduled drill called off before its time with /drill abort. */
  | { kind: 'cancelled'; by: string }
  | { kind: 'aborted'; by: string }
  /** `message`: what the injector or Kubernetes said (outside text, kept whole). */
  | { kind: 'apply_failed'; message: string }
  /** The Rewind process running the drill stopped; another (or the next start) removed the fault. */
  | { kind: 'restarted' }
  | { kind: 'not_recovered'; maxDurationMs: number }
  /** drills.schedule changed and no longer has this drill's time; `nextAt` is the next drill's. */
  | { kind: 'rescheduled'; nextAt: number }
  /** Its time passed while Rewind was not running; a drill is never run late. */
  | { kind: 'missed'; dueAt: number }
  /** Its time came but the drill could not start. */
  | { kind: 'not_run'; refusal: DrillRefusal }
  /** A note written by an earlier Rewind, as text. */
  | { kind: 'recorded'; text: string };

export interface DrillRecord {
  /** `DRILL-YYYYMMDD-NNN`, from the UTC day of scheduledFor. */
  id: string;
  /** `inject_errors`, `inject_latency`, `partial_outage`, … */
  scenario: string;
  /** The service the fault is injected on, once chosen. */
  service: string | null;
  status: DrillStatus;
  scheduledFor: number;
  startedAt: number | null;
  finishedAt: number | null;
  incidentId: string | null;
  dryRun: boolean;
  /** The scorecard, as the drill service computed it. */
  scores: DrillScores | null;
  /** What the injector applied, so an abort or a restart can remove exactly that. */
  faultApplied: StoredFault | null;
  /** The drill's thread root in the drill channel (announcement, or the start message of a manual run). */
  slackChannel: string | null;
  slackTs: string | null;
  /** The scorecard message, updated as ratings come in. */
  scorecardTs: string | null;
  /** Why it ended the way it did (aborted by whom, missed, failed); null while it has not ended. */
  ending: DrillEnding | null;
  /**
   * The Rewind process (its runner name, src/services/runners.ts) that started the running drill or
   * took it over; when that process is gone, another heals the drill. Null before it started.
   */
  runner: string | null;
}
