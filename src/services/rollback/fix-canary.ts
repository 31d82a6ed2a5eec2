/**
 * The fix re-deployed as a cautious canary (修正版の準備 → より慎重なカナリア): from all traffic on
 * the stable version, the fix gets the configured shares in turn (1% first), each observed on the
 * fix's own metrics, then verified for twice the window. On trouble — abortIf, a verdict of not
 * healthy, a failed step, Abort — it goes back: all traffic on the stable version, then it ends as
 * aborted. Argo Rollouts keeps its canary apart from its blue-green for the same reason: the way
 * back is its own.
 */
import { canarySteps, revertSteps } from '../../domain/rollback-plan.ts';
import { withDetail, type RollbackRecord, type RollbackStep } from '../../domain/rollback-record.ts';
import { abortCauseLine, type AbortCause } from '../../domain/step-facts.ts';
import type { MetricMove } from '../../domain/verification.ts';
import { begin, finished, finishStep, stepTitle } from './bookkeeping.ts';
import {
  addPlannedStep,
  confirmedFrom,
  isRevertStep,
  ROLLBACK_TIMER,
  SYSTEM,
  type StepContext,
  type StepDeps,
} from './context.ts';
import { dryRunReason } from './post-actions.ts';
import { unitsOf, type StrategySteps } from './strategy.ts';

/**
 * Stops a canary: the step that saw the problem fails, the remaining steps are skipped, and two
 * steps are added — all traffic back on the stable version, then the end as aborted. Called from
 * a watch (abortIf, verdict), a failed step, or Abort; a second call while one is queued does nothing.
 */
export async function revertCanary(
  d: StepDeps,
  r: RollbackRecord,
  failing: RollbackStep | null,
  cause: AbortCause,
  moves?: MetricMove[],
): Promise<void> {
  const { store, clock, timers, notifier } = d.o;
  const now = clock.now();
  const steps = store.rollbacks.steps(r.id);
  if (steps.some((x) => x.detail.kind === 'stop')) {
    // Already on its way back; if someone paused that, Abort means "go back now".
    if (store.rollbacks.update(r.id, { status: 'running' }, 'paused')) {
      const next = steps.find((x) => x.status === 'pending' || x.status === 'running');
      if (next) d.schedule(r.id, next.seq, now);
    }
    return;
  }
  const why = abortCauseLine(cause);
  const stable = confirmedFrom(steps) ?? r.fromVersion;
  const queued = store.transaction(() => {
    const fresh = store.rollbacks.get(r.id);
    if (!fresh || !['running', 'paused'].includes(fresh.status)) return false;
    if (fresh.status === 'paused') store.rollbacks.update(r.id, { status: 'running' }, 'paused');
    timers.cancelWhere(ROLLBACK_TIMER, `rollback:${r.id}:`);
    for (const x of steps) {
      if (failing && x.seq === failing.seq) {
        store.rollbacks.updateStep(r.id, x.seq, {
          status: 'failed',
          finishedAt: now,
          detail: withDetail(x.detail, { stoppedBecause: why }),
        });
      } else if (x.status === 'pending' || x.status === 'running') {
        store.rollbacks.updateStep(r.id, x.seq, { status: 'skipped', finishedAt: now });
      }
    }
    const [back] = revertSteps().map((step) => addPlannedStep(store, r.id, step, { revert: true, reason: why, cause }));
    if (back) d.schedule(r.id, back.seq, now);
    return true;
  });
  if (!queued || !r.incidentId) return;
  const step = failing ?? steps.find((x) => x.status === 'running') ?? null;
  const total = store.rollbacks.steps(r.id).length;
  notifier.notice(r.incidentId, {
    kind: 'rollback_step',
    rollbackId: r.id,
    seq: step?.seq ?? total - 1,
    total,
    name: step?.name ?? 'canary',
    title: stepTitle(r, step),
    status: 'failed',
    elapsedMs: now - (step?.startedAt ?? now),
    budgetMs: step?.budgetMs ?? null,
    facts: [cause, { kind: 'next', next: { kind: 'canary_back', stable: stable ?? null } }],
    ...(moves ? { moves } : {}),
  });
  notifier.changed(r.incidentId);
}

/** The canary is back on the stable version: it ends as aborted, with the reason it was stopped. */
export async function stopStep(d: StepDeps, ctx: StepContext): Promise<void> {
  begin(d, ctx);
  const detail = ctx.step.detail;
  const cause = detail.kind === 'stop' ? detail.cause : undefined;
  const reason = (detail.kind === 'stop' ? detail.reason : undefined) ?? 'stopped';
  const { store, clock } = d.o;
  const stopped = store.rollbacks.update(
    ctx.rollback.id,
    { status: 'aborted', finishedAt: clock.now(), error: reason },
    'running',
  );
  finishStep(d, ctx, 'succeeded', [cause ? { kind: 'stop_reason', cause } : { kind: 'recorded_reason', line: reason }]);
  if (stopped)
    await finished(d, stopped, 'aborted', {
      kind: 'canary_back',
      cause: cause ?? null,
      line: reason,
      stable: stopped.fromVersion,
    });
}

/** The fix serves all traffic and held up: the canary is done; a 修正を試みる incident is resolved by it. */
async function canaryDone(d: StepDeps, ctx: StepContext, healthy: boolean): Promise<void> {
  const r = ctx.rollback;
  const { store, clock, incidents } = d.o;
  finishStep(d, ctx, 'succeeded', [
    { kind: 'fix_serves_all', version: r.toVersion },
    { kind: 'health', confirmedByMetrics: healthy },
  ]);
  const done = store.rollbacks.update(r.id, { status: 'succeeded', finishedAt: clock.now() }, 'running');
  if (!done) return;
  await finished(d, done, 'succeeded', dryRunReason(d, done.dryRun));
  if (healthy && r.incidentId && store.incidents.get(r.incidentId)?.status === 'fixing') {
    incidents.resolve(r.incidentId, SYSTEM, {
      rollbackId: r.id,
      reason: { kind: 'fix_deployed_as_canary', version: r.toVersion },
    });
  }
}

export const fixCanary: StrategySteps = {
  plan(d, r) {
    const s = d.o.settings;
    return canarySteps(r.plan.canarySteps ?? s.canary.steps, s.canary.observeMs, s.verifyWindowMs);
  },
  // A canary starts from all traffic on the stable version; anything else is not what was planned.
  refuseStart: (_r, split, from) =>
    (split[from] ?? 0) < 99 ? { kind: 'canary_not_from_stable', split, stable: from } : null,
  // A canary confirms the stable version it starts from (a rollback, the version that misbehaves).
  confirmed: (_d, ctx, found) => [
    { kind: 'stable', version: found.from },
    { kind: 'fix', version: ctx.rollback.toVersion },
    { kind: 'traffic_now', split: found.split },
    { kind: 'metrics', sample: found.baseline, ...unitsOf(found), version: found.from, now: true },
  ],
  // A canary watches the fix it is bringing in.
  watched: (ctx) => ({ version: ctx.rollback.toVersion, named: true }),
  abortIfHeld: (d, ctx, cause) => revertCanary(d, ctx.rollback, ctx.step, cause),
  notHealthy: (d, ctx, { windowMs, breaching, moves }) =>
    revertCanary(
      d,
      ctx.rollback,
      ctx.step,
      { kind: 'not_healthy', windowMs, version: ctx.rollback.toVersion, breaching },
      moves,
    ),
  // A canary that cannot go on goes back, unless going back is what failed, or no traffic moved yet.
  async failed(d, ctx, failure) {
    const moved = ctx.steps.some(
      (x) => x.detail.kind === 'set_weight' && x.status !== 'pending' && x.status !== 'skipped',
    );
    if (isRevertStep(ctx.step) || !moved) return false;
    await revertCanary(d, ctx.rollback, ctx.step, { kind: 'error', failure });
    return true;
  },
  end: canaryDone,
  // A canary that is stopped goes back: the fix leaves the traffic, the stable version keeps it.
  abort: (d, r, actor) => revertCanary(d, r, null, { kind: 'stopped_by', by: actor.id }),
};
