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
import type { AppliedFault, FaultSpec, InjectorKind, RemoveResult } from '../domain/drill-records.ts';

export type {
  AppliedFault,
  FaultSpec,
  FaultTrigger,
  InjectorKind,
  RemoveResult,
  StoredFault,
} from '../domain/drill-records.ts';

/** One number of a spec that its trigger needs; a clear error when the scenario left it out. */
export function faultAmount(spec: FaultSpec, field: 'errorRate' | 'latencyMs' | 'share'): number {
  const value = spec[field];
  if (value === null || !Number.isFinite(value) || value < 0) {
    throw new Error(
      `drill ${spec.drillId}: scenario ${spec.scenario} (${spec.trigger}) needs ${field}, got ${String(value)}; ` +
        `check the scenario in drills.scenarios`,
    );
  }
  return value;
}

/**
 * Whether a drill's fault may go where the injector would put it; `reason` and `reasonJa` say why
 * not, in English and in Japanese.
 */
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
  /** The drill row's fault says what the target answered and why it was removed. */
  | { kind: 'fault_removed'; drillId: string }
  /** Aborted, failed, or not run: the drill's `note` says why. */
  | { kind: 'ended'; drillId: string }
  /** Posted once the drill is scored, and updated as ratings come in. */
  | { kind: 'scorecard'; drillId: string };

export interface DrillNotifier {
  drill(notice: DrillNotice): void;
}

export const silentDrillNotifier: DrillNotifier = { drill: () => {} };
