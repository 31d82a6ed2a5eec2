/**
 * What a rollback step reports, as data: the facts it found or did, why it failed, and which step
 * it was. The Slack adapter says each one in the reader's language; the rollback's `error` column,
 * the timeline and the logs keep one English line per failure, made here (stepFailureLine), so the
 * escalation text and the RCA read as they always did.
 *
 * Text that comes from outside (a Kubernetes error, a failure the API server answered) stays a
 * string field inside its variant.
 */
import { formatValue } from './conditions.ts';
import type { SyncOwner } from './gitops.ts';
import { absorbedProblemLine, kubeCallFailureLine, type KubeCallFailure, type KubeProblem } from './kube-problem.ts';
import { sampleOrder, type MetricName, type MetricSample, type MetricUnit } from './metrics.ts';

type Split = Record<string, number>;

/** A canary's stable version when no row names it. */
const STABLE = 'the stable version';

/** A Kubernetes call a step makes, named so a failure of it can be said in any language. */
export type KubeCall =
  | { op: 'read_routing'; service: string }
  | { op: 'write_routing'; service: string; split: Split }
  | { op: 'read_back'; service: string }
  | { op: 'read_endpoints'; version: string }
  /** The engine's preflight: the ready replicas of the version's Deployment. */
  | { op: 'read_deployment'; version: string }
  /** Who re-applies the service's routing from git; pausing and resuming its object (`Application argocd/x`). */
  | { op: 'read_gitops'; service: string }
  | { op: 'pause_gitops'; target: string }
  | { op: 'resume_gitops'; target: string };

/** Why a step failed for good. */
export type StepFailure =
  | { kind: 'read_back_mismatch'; back: Split; wanted: Split }
  | { kind: 'no_ready_endpoints'; version: string; service: string }
  | { kind: 'not_recovered'; windowMs: number; version: string; breaching: string[] }
  /** A canary starts from all traffic on the stable version; the routing showed otherwise. */
  | { kind: 'canary_not_from_stable'; split: Split; stable: string }
  | { kind: 'serving_unknown'; service: string }
  /** No confirm step recorded the version, and the rollback row names none. */
  | { kind: 'from_unknown' }
  /** A Kubernetes call failed for good, as data. */
  | ({ kind: 'kube_call_failed'; call: KubeCall } & KubeCallFailure)
  /** The same, stored by an earlier build as one English line. */
  | { kind: 'kube_error'; call: KubeCall; message: string }
  /** Anything else that threw (the store, a bug): its message as it was. */
  | { kind: 'unexpected'; message: string };

/** Where the step goes next after a watch tripped. */
export type NextMove = { kind: 'straight_to_zero' } | { kind: 'canary_back'; stable: string | null };

/** The trouble a Kubernetes write got through: worth knowing about even when the step succeeded. */
export interface KubeTrouble {
  /** The failures absorbed before an attempt that was answered. */
  retriedAfter: KubeProblem[];
  /** An attempt got no answer, yet its change was found in place; `after` is that attempt's failure. */
  landedUnanswered: { after: KubeProblem | null } | null;
  /** Writes refused with 409 Conflict, re-read and applied on top of the other writer's change. */
  conflicts: number;
}

export type StepFact =
  | { kind: 'version_affected'; version: string }
  | { kind: 'stable'; version: string }
  | { kind: 'fix'; version: string }
  | { kind: 'traffic_now'; split: Split }
  | { kind: 'traffic_set'; split: Split }
  | { kind: 'read_back'; split: Split }
  /** `version`: whose metrics (a canary names them); `now`: read when the step started. */
  | {
      kind: 'metrics';
      sample: MetricSample | null;
      /** The units of the custom metrics in the sample (sampleUnits); a built-in's is its own. */
      units?: Readonly<Record<MetricName, MetricUnit>>;
      version: string | null;
      now: boolean;
    }
  | { kind: 'fired'; metrics: string[] }
  | { kind: 'phases_skipped'; weights: number[]; from: string; startWeight: number }
  | ({ kind: 'kube_trouble' } & KubeTrouble)
  | { kind: 'dry_run_change'; method: string; target: string; body: unknown }
  | { kind: 'changes_sent'; changes: Array<{ method: string; target: string }> }
  /** Who re-applies the routing from git (Argo CD with self-heal re-applies it within seconds). */
  | { kind: 'gitops_owner'; owner: SyncOwner; selfHeal: boolean }
  /**
   * Its sync is off for this rollback; `already`: it was off before, nothing was sent; `heldBy`: the
   * earlier rollback that paused it and was never resumed.
   */
  | { kind: 'gitops_paused'; owner: SyncOwner; already: boolean; heldBy?: string }
  /** onRollback warn: its sync is left on, and may put the bad version back. */
  | { kind: 'gitops_left_on'; owner: SyncOwner }
  | { kind: 'ready_endpoints'; count: number; version: string }
  | { kind: 'abort_if_unchecked' }
  /** abortIf held on the watched version (`value` null: the metric could not be read). */
  | {
      kind: 'abort_if_held';
      metric: MetricName;
      /** A custom metric's unit (recordedUnit). */
      unit?: MetricUnit;
      version: string;
      value: number | null;
      condition: string;
    }
  /** A canary's verification found the fix not healthy. */
  | { kind: 'not_healthy'; windowMs: number; version: string; breaching: string[] }
  | { kind: 'stopped_by'; by: string }
  | { kind: 'error'; failure: StepFailure }
  | { kind: 'next'; next: NextMove }
  | { kind: 'verification_skipped' }
  | { kind: 'verdict'; recovered: boolean }
  | { kind: 'incident'; id: string | null }
  | { kind: 'recovery'; confirmedByMetrics: boolean }
  | { kind: 'stakeholders_notified' }
  | { kind: 'post_mortem'; at: number }
  | { kind: 'fix_serves_all'; version: string }
  | { kind: 'health'; confirmedByMetrics: boolean }
  /** Why a canary stopped, as data. */
  | { kind: 'stop_reason'; cause: AbortCause }
  /** A reason stored as a line by an earlier build, shown as it was stored. */
  | { kind: 'recorded_reason'; line: string };

/** Why a canary is stopped or a gradual rollback jumps to 0: the facts that say so. */
export type AbortCause = Extract<StepFact, { kind: 'abort_if_held' | 'not_healthy' | 'stopped_by' | 'error' }>;

/** Which step a notice is about, so its name can be said in any language (the row keeps the English name). */
export type StepTitle =
  | { kind: 'confirm' }
  | { kind: 'switch' }
  | { kind: 'set_weight'; weight: number }
  | { kind: 'canary_weight'; percent: number }
  | { kind: 'back_to_stable' }
  | { kind: 'observe'; observeMs: number }
  | { kind: 'verify' }
  | { kind: 'post_actions' }
  | { kind: 'gitops'; onRollback: 'pause' | 'warn' }
  | { kind: 'canary_stopped' }
  /** A canary stopped when no step of it was running. */
  | { kind: 'canary' };

/** `v1 100%` / `v2 25% / v1 75%`; `no traffic` when every share is 0. */
export function splitText(split: Split): string {
  const parts = Object.entries(split).filter(([, w]) => w > 0);
  return parts.length ? parts.map(([v, w]) => `${v} ${Math.round(w)}%`).join(' / ') : 'no traffic';
}

/**
 * The metrics read, the built-ins in the order the runbook lists them, then the custom ones as read,
 * each in its unit; none of them when nothing could be read.
 */
export function sampleParts(
  sample: MetricSample,
  units: Readonly<Record<MetricName, MetricUnit>> = {},
): Array<[MetricName, string]> {
  return sampleOrder(sample).map((m) => [m, formatValue(m, sample[m] ?? 0, units[m])]);
}

/** The English words for a Kubernetes call, as the retry helper names it in its errors and logs. */
export function kubeCallText(call: KubeCall): string {
  switch (call.op) {
    case 'read_routing':
      return `read ${call.service} routing`;
    case 'write_routing':
      return `set ${call.service} routing to ${splitText(call.split)}`;
    case 'read_back':
      return `read back ${call.service} routing`;
    case 'read_endpoints':
      return `read endpoints of ${call.version}`;
    case 'read_deployment':
      return `read Deployment of ${call.version}`;
    case 'read_gitops':
      return `read who manages ${call.service} routing from git`;
    case 'pause_gitops':
      return `pause the sync of ${call.target}`;
    case 'resume_gitops':
      return `resume the sync of ${call.target}`;
  }
}

/** The English words of a Kubernetes call's trouble, as the thread and the logs say it. */
export function kubeTroubleLine(t: KubeTrouble): string {
  const parts = t.retriedAfter.map((a) => `retried after ${absorbedProblemLine(a)}`);
  if (t.landedUnanswered) {
    const after = t.landedUnanswered.after ? absorbedProblemLine(t.landedUnanswered.after) : 'no answer';
    parts.push(`${after}, yet the change had landed: read back, not sent again`);
  }
  if (t.conflicts > 0)
    parts.push(
      `${t.conflicts} × 409 Conflict (another writer changed the object): re-read and applied on top of its change`,
    );
  return parts.join('; ');
}

function breachingText(breaching: readonly string[]): string {
  return breaching.join(', ') || 'metrics could not be read';
}

/** The one English line of a failure: the rollback's `error`, the timeline's reason, the logs, the escalation. */
export function stepFailureLine(f: StepFailure): string {
  switch (f.kind) {
    case 'read_back_mismatch':
      return `routing read back as ${splitText(f.back)}, expected ${splitText(f.wanted)}`;
    case 'no_ready_endpoints':
      return `no ready endpoints of ${f.version} behind ${f.service} after the switch`;
    case 'not_recovered':
      return `not recovered after ${Math.round(f.windowMs / 60_000)}m on ${f.version}: ${breachingText(f.breaching)}`;
    case 'canary_not_from_stable':
      return (
        `routing shows ${splitText(f.split)}, not all traffic on ${f.stable}: ` +
        'a canary starts from the stable version. ' +
        `Nothing was changed; settle the routing (a rollback to ${f.stable}) first`
      );
    case 'serving_unknown':
      return `cannot tell which version of ${f.service} is serving`;
    case 'from_unknown':
      return 'the version being rolled back is not known';
    case 'kube_call_failed':
      return kubeCallFailureLine(kubeCallText(f.call), f);
    case 'kube_error':
    case 'unexpected':
      return f.message;
  }
}

/** The English line of why a canary stopped (its `error`, the stop step's reason, the timeline). */
export function abortCauseLine(c: AbortCause): string {
  switch (c.kind) {
    case 'abort_if_held':
      return c.value === null
        ? `${c.metric} of ${c.version} could not be read`
        : `${c.metric} of ${c.version} ${formatValue(c.metric, c.value, c.unit)} (abortIf: ${c.condition})`;
    case 'not_healthy':
      return `not healthy after ${Math.round(c.windowMs / 60_000)}m on ${c.version}: ${breachingText(c.breaching)}`;
    case 'stopped_by':
      return `stopped by ${c.by}`;
    case 'error':
      return stepFailureLine(c.failure);
  }
}

/** Why the engine would not start a rollback: its preflight, before any step ran or traffic moved. */
export type StartProblem =
  | { kind: 'no_ready_replicas'; service: string; version: string; desired: number }
  /** A Kubernetes call of the preflight failed for good. */
  | ({ kind: 'kube_call_failed'; call: KubeCall } & KubeCallFailure)
  /** What the engine said, as it said it. */
  | { kind: 'error'; message: string };

/** The English line of a start the engine refused: the rollback's `error`, the logs. */
export function startProblemLine(p: StartProblem): string {
  switch (p.kind) {
    case 'no_ready_replicas':
      return (
        `${p.service} ${p.version} has no ready replicas (0 of ${p.desired}): ` +
        'switching traffic to it would be an outage. Scale it up first.'
      );
    case 'kube_call_failed':
      return kubeCallFailureLine(kubeCallText(p.call), p);
    case 'error':
      return p.message;
  }
}

/** Why a rollback ended the way it did, as the engine says it (the thread words it; the timeline keeps the line). */
export type FinishReason =
  | { kind: 'dry_run' }
  /** Abort on a rollback: traffic stays where it is. */
  | { kind: 'stopped_in_place'; by: string }
  /** A canary went back; `cause` is absent for a stop step of an earlier build, which kept only `line`. */
  | { kind: 'canary_back'; cause: AbortCause | null; line: string; stable: string | null }
  | { kind: 'failed'; failure: StepFailure }
  /** A canary still waiting for its approval gave way to the rollback a newer incident needs. */
  | { kind: 'superseded'; incidentId: string; service: string }
  /** The engine would not start it (RollbackRequests reports the problem). */
  | { kind: 'not_started'; problem: StartProblem };

/** The English line of an end: the timeline's reason and the transition's. */
export function finishReasonLine(r: FinishReason): string {
  switch (r.kind) {
    case 'dry_run':
      return 'dry run: no change was sent to the cluster, traffic did not move';
    case 'stopped_in_place':
      return `stopped by ${r.by}; traffic stays as it is now`;
    case 'canary_back':
      return `${r.cause ? abortCauseLine(r.cause) : r.line}; all traffic is back on ${r.stable ?? STABLE}`;
    case 'failed':
      return stepFailureLine(r.failure);
    case 'superseded':
      return `cancelled before it started: ${r.incidentId} needs a rollback of ${r.service}`;
    case 'not_started':
      return startProblemLine(r.problem);
  }
}
