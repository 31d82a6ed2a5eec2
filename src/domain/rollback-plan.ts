/**
 * The steps of a rollback, as the runbook lays them out.
 *
 * 即座ロールバック (immediate): 問題の確認 < 1 minute → ルーティング切り替え < 30 seconds →
 * 検証 < 5 minutes → 事後対応. 段階的ロールバック (gradual): confirm, then for each phase set the
 * new version's share and observe it (10 minutes by default, abortIf checked throughout), the last
 * phase taking it to 0; then verify and post-actions. Each step is a row before it runs, so a
 * restart knows exactly where the rollback stood.
 */
import type { GitOpsDetail, StepKind } from './rollback-record.ts';

export type { StepKind };

export interface PlannedStep {
  kind: StepKind;
  /** Readable and stable: `confirm`, `set 25%`, `observe 10m`, `verify`, `post-actions`. */
  name: string;
  /** The runbook's time budget, when it gives one. */
  budgetMs: number | null;
  /** set_weight: share of traffic left on the version being rolled back; observe: how long. */
  weight?: number;
  observeMs?: number;
  /** verify: how long (the cautious canary watches twice as long as a rollback). */
  verifyMs?: number;
  /** 0-based phase the step belongs to (gradual); null for immediate and the framing steps. */
  phase: number | null;
  /** gitops: who owns the routing, as read before the first step, and what to do about it. */
  gitops?: Pick<GitOpsDetail, 'owner' | 'onRollback' | 'selfHeal'>;
}

export const BUDGET = {
  confirm: 60_000, // 問題の確認 < 1 minute
  switch: 30_000, // ルーティング切り替え < 30 seconds
  verify: 5 * 60_000, // 検証 < 5 minutes
} as const;

export interface GradualPhaseInput {
  weight: number;
  observeMs: number | null;
}

function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.round(ms / 1000)}s`;
}

export function immediateSteps(verifyWindowMs: number): PlannedStep[] {
  return [
    { kind: 'confirm', name: 'confirm', budgetMs: BUDGET.confirm, phase: null },
    { kind: 'set_weight', name: 'switch', budgetMs: BUDGET.switch, weight: 0, phase: null },
    { kind: 'verify', name: 'verify', budgetMs: Math.max(BUDGET.verify, verifyWindowMs), phase: null },
    { kind: 'post_actions', name: 'post-actions', budgetMs: null, phase: null },
  ];
}

export function gradualSteps(phases: readonly GradualPhaseInput[], verifyWindowMs: number): PlannedStep[] {
  if (phases.length === 0 || phases.at(-1)?.weight !== 0)
    throw new Error('a gradual rollback must end with a phase at weight 0');
  const steps: PlannedStep[] = [{ kind: 'confirm', name: 'confirm', budgetMs: BUDGET.confirm, phase: null }];
  phases.forEach((p, i) => {
    steps.push({ kind: 'set_weight', name: `set ${p.weight}%`, budgetMs: BUDGET.switch, weight: p.weight, phase: i });
    if (p.observeMs && p.weight > 0)
      steps.push({
        kind: 'observe',
        name: `observe ${minutes(p.observeMs)}`,
        budgetMs: null,
        observeMs: p.observeMs,
        phase: i,
      });
  });
  steps.push({ kind: 'verify', name: 'verify', budgetMs: Math.max(BUDGET.verify, verifyWindowMs), phase: null });
  steps.push({ kind: 'post_actions', name: 'post-actions', budgetMs: null, phase: null });
  return steps;
}

/**
 * 修正版の準備 → より慎重なカナリア（1%開始）: the fix goes forward in the configured steps (1, 5, 25,
 * 50, 100 by default), each watched for `observeMs` (twice a rollback phase's window), then verified
 * for twice the verify window. `weight` stays the share left on the version being moved away from —
 * here the stable one — so the router code is the same as a rollback's: step 1% is weight 99.
 */
export function canarySteps(percents: readonly number[], observeMs: number, verifyWindowMs: number): PlannedStep[] {
  if (percents.length === 0 || percents.at(-1) !== 100) throw new Error('a cautious canary must end at 100%');
  const steps: PlannedStep[] = [{ kind: 'confirm', name: 'confirm', budgetMs: BUDGET.confirm, phase: null }];
  percents.forEach((p, i) => {
    steps.push({ kind: 'set_weight', name: `canary ${p}%`, budgetMs: BUDGET.switch, weight: 100 - p, phase: i });
    if (p < 100 && observeMs > 0)
      steps.push({ kind: 'observe', name: `observe ${minutes(observeMs)}`, budgetMs: null, observeMs, phase: i });
  });
  const verifyMs = 2 * verifyWindowMs;
  steps.push({ kind: 'verify', name: 'verify', budgetMs: Math.max(BUDGET.verify, verifyMs), verifyMs, phase: null });
  steps.push({ kind: 'post_actions', name: 'post-actions', budgetMs: null, phase: null });
  return steps;
}

/**
 * The steps added when a canary is stopped (abortIf held, not healthy at 100%, a failed step, or a
 * person pressed Abort): all traffic back on the stable version, then the canary ends as aborted.
 * Two rows, so a restart between them neither repeats the switch nor leaves the canary running.
 */
export function revertSteps(): PlannedStep[] {
  return [
    { kind: 'set_weight', name: 'back to stable', budgetMs: BUDGET.switch, weight: 100, phase: null },
    { kind: 'stop', name: 'canary stopped', budgetMs: null, phase: null },
  ];
}

/**
 * Whether a gradual phase runs when the version being rolled back has `current` percent now (null:
 * not read). A phase at or above it is skipped — going there would send traffic back to the
 * version, or change nothing and only wait — so the rollback starts at the first phase below it.
 * The last phase (0) always runs: it is the rollback.
 */
function phaseRuns(weight: number, isLast: boolean, current: number | null): boolean {
  return current === null || isLast || weight < current;
}

/** The configured phases split into those that run from `current` and those skipped (see phaseRuns). */
export function phasesFrom(phases: readonly number[], current: number | null): { run: number[]; skipped: number[] } {
  const runs = phases.map((w, i) => phaseRuns(w, i === phases.length - 1, current));
  return { run: phases.filter((_, i) => runs[i]), skipped: phases.filter((_, i) => !runs[i]) };
}

/** The 0-based gradual phases among planned steps that do not run from `current` (the engine's side of phasesFrom). */
export function phasesToSkip(
  steps: ReadonlyArray<Pick<PlannedStep, 'kind' | 'weight' | 'phase'>>,
  current: number,
): number[] {
  const phases = steps.filter((s): s is typeof s & { phase: number } => s.kind === 'set_weight' && s.phase !== null);
  return phases.filter((s, i) => !phaseRuns(s.weight ?? 0, i === phases.length - 1, current)).map((s) => s.phase);
}

/** The version taking the most traffic; undefined when the split sends traffic nowhere. */
export function busiestVersion(split: Record<string, number>): string | undefined {
  const top = Object.entries(split).sort((a, b) => b[1] - a[1])[0];
  return top && top[1] > 0 ? top[0] : undefined;
}

/** True when the split already is the wanted one (a resumed step must not patch twice). */
export function sameSplit(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (Math.round(a[k] ?? 0) !== Math.round(b[k] ?? 0)) return false;
  return true;
}
