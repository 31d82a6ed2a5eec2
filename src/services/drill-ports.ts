/**
 * The drill injector port: one implementation per injector kind in
 * `src/adapters/drills/`, each able to apply a scenario's fault and to remove it again.
 *
 * The drill service stores `{ injector, spec, detail: null }` in the drill row BEFORE it calls
 * apply, and the returned AppliedFault after. So a process that dies at any point leaves a record
 * from which `remove` alone (after a restart, in a new process) takes the fault away: remove must
 * work with `detail: null` too (apply may or may not have reached its target), and must be
 * idempotent (removing a fault that is already gone is a success, not an error).
 */

export type InjectorKind = 'istio-fault' | 'http' | 'simulated';
export type FaultTrigger = 'inject_errors' | 'inject_latency' | 'partial_outage';

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

/** One number of a spec that its trigger needs; a clear error when the scenario left it out. */
export function faultAmount(spec: FaultSpec, field: 'errorRate' | 'latencyMs' | 'share'): number {
  const value = spec[field];
  if (value === null || !Number.isFinite(value) || value < 0) {
    throw new Error(`drill ${spec.drillId}: scenario ${spec.scenario} (${spec.trigger}) needs ${field}, got ${String(value)}; check the scenario in drills.scenarios`);
  }
  return value;
}

export interface AppliedFault {
  injector: InjectorKind;
  spec: FaultSpec;
  /** What apply changed, as the injector needs it for remove; null when apply has not reported back. */
  detail: Record<string, unknown> | null;
}

export interface RemoveResult {
  /** false: there was nothing of ours to remove (already gone, or changed by someone else). */
  removed: boolean;
  /** One sentence for the drill thread and the log. */
  note: string;
}

/** Whether a drill's fault may go where the injector would put it; `reason` (and `reasonJa`, the same in Japanese) says why not. */
export type TargetCheck = { ok: true } | { ok: false; reason: string; reasonJa: string };

export interface FaultInjector {
  readonly kind: InjectorKind;
  /**
   * Before every injection (and in every plan): is the target the drill service's own, as it is
   * now? An injector with a live object to look at reads it; nothing is changed.
   */
  checkTarget(service: string): Promise<TargetCheck>;
  /** What apply would do, one line per request or change, for `--dry-run`. Sends nothing. */
  describe(spec: FaultSpec): string[];
  apply(spec: FaultSpec): Promise<AppliedFault>;
  remove(fault: AppliedFault): Promise<RemoveResult>;
}

/** What the drill channel is told; the notifier reads the drill's state when it renders. */
export type DrillNotice =
  | { kind: 'announcement'; drillId: string; reminder: boolean }
  | { kind: 'started'; drillId: string }
  | { kind: 'missed'; drillId: string }
  | { kind: 'fault_removed'; drillId: string; removed: boolean; note: string; why: string }
  /** Aborted, failed, or not run: the drill's `note` says why. */
  | { kind: 'ended'; drillId: string }
  /** Posted once the drill is scored, and updated as ratings come in. */
  | { kind: 'scorecard'; drillId: string };

export interface DrillNotifier {
  drill(notice: DrillNotice): void;
}

export const silentDrillNotifier: DrillNotifier = { drill: () => {} };

/** The fault as the drill row keeps it: recorded before apply, completed after, and how it was removed. */
export interface StoredFault extends AppliedFault {
  appliedAt: number | null;
  removedAt: number | null;
  removal: RemoveResult | null;
}
