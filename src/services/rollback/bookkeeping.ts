/**
 * The bookkeeping every step does: mark it running, mark it done and schedule the next pending
 * step, tell the thread, fail it for good, and record the end of the rollback. Kubernetes calls go
 * through `kube`, which retries what is worth retrying and fails the step with the call named.
 */
import {
  withDetail,
  type RollbackRecord,
  type RollbackStep,
  type StepDetailPatch,
} from '../../domain/rollback-record.ts';
import { finishReasonLine, stepFailureLine } from '../../domain/step-facts.ts';
import type { FinishReason, KubeCall, StepFact, StepFailure, StepTitle } from '../../domain/step-facts.ts';
import type { EscalationReason } from '../../domain/timeline-reasons.ts';
import type { MetricMove } from '../../domain/verification.ts';
import { withKubeRetry } from '../kube-retry.ts';
import type { ServiceCluster } from '../ports.ts';
import { failureOf, isRevertStep, StepFailedError, SYSTEM, type StepContext, type StepDeps } from './context.ts';
import { offerGitOpsResume } from './gitops-resume.ts';

export type Outcome = 'succeeded' | 'failed' | 'aborted';

export function clusterOf(d: StepDeps, r: RollbackRecord): ServiceCluster {
  return d.o.cluster.forService(r.service);
}

/** A Kubernetes call, retried; a failure that outlasts the retries fails the step naming the call. */
export async function kube<T>(d: StepDeps, call: KubeCall, fn: () => Promise<T>): Promise<T> {
  try {
    return await withKubeRetry(call, fn, d.o.clock);
  } catch (err) {
    throw new StepFailedError(failureOf(err));
  }
}

/** The step as running, its start kept from an earlier run (a resumed step keeps its first start). */
export function begin(d: StepDeps, ctx: StepContext, patch: StepDetailPatch = {}): RollbackStep {
  const startedAt = typeof ctx.step.startedAt === 'number' ? ctx.step.startedAt : d.o.clock.now();
  return d.o.store.rollbacks.updateStep(ctx.rollback.id, ctx.step.seq, {
    status: 'running',
    startedAt,
    detail: withDetail(ctx.step.detail, patch),
  });
}

/** Which step this is, for the thread in any language; the row keeps its English name. */
export function stepTitle(r: RollbackRecord, step: RollbackStep | null): StepTitle {
  if (!step) return { kind: 'canary' };
  const d = step.detail;
  switch (d.kind) {
    case 'confirm':
      return { kind: 'confirm' };
    case 'set_weight':
      if (d.revert === true) return { kind: 'back_to_stable' };
      if (r.strategy === 'canary') return { kind: 'canary_weight', percent: 100 - d.weight };
      return d.phase === null ? { kind: 'switch' } : { kind: 'set_weight', weight: d.weight };
    case 'observe':
      return { kind: 'observe', observeMs: d.observeMs };
    case 'verify':
      return { kind: 'verify' };
    case 'post_actions':
      return { kind: 'post_actions' };
    case 'stop':
      return { kind: 'canary_stopped' };
    case 'gitops':
      return { kind: 'gitops', onRollback: d.onRollback };
  }
}

/** Marks the step done, tells the thread, and schedules the next pending step now. */
export function finishStep(
  d: StepDeps,
  ctx: StepContext,
  status: 'succeeded' | 'skipped',
  facts: StepFact[],
  patch: StepDetailPatch = {},
  moves?: MetricMove[],
): void {
  const { store, clock } = d.o;
  const now = clock.now();
  const fresh = store.rollbacks.steps(ctx.rollback.id).find((s) => s.seq === ctx.step.seq) ?? ctx.step;
  const startedAt = fresh.startedAt ?? now;
  store.transaction(() => {
    store.rollbacks.updateStep(ctx.rollback.id, ctx.step.seq, {
      status,
      finishedAt: now,
      startedAt,
      detail: withDetail(fresh.detail, patch),
    });
    const next = store.rollbacks.steps(ctx.rollback.id).find((s) => s.status === 'pending');
    if (next) d.schedule(ctx.rollback.id, next.seq, now);
  });
  notice(d, ctx, status, now - startedAt, facts, moves);
}

export function notice(
  d: StepDeps,
  ctx: StepContext,
  status: 'succeeded' | 'failed' | 'skipped',
  elapsedMs: number,
  facts: StepFact[],
  moves?: MetricMove[],
): void {
  const incidentId = ctx.rollback.incidentId;
  if (!incidentId) return;
  d.o.notifier.notice(incidentId, {
    kind: 'rollback_step',
    rollbackId: ctx.rollback.id,
    seq: ctx.step.seq,
    total: ctx.steps.length,
    name: ctx.step.name,
    title: stepTitle(ctx.rollback, ctx.step),
    status,
    elapsedMs,
    budgetMs: ctx.step.budgetMs,
    facts,
    ...(moves ? { moves } : {}),
  });
  d.o.notifier.changed(incidentId);
}

/** A rollback is `rollback_…` on the timeline and in escalations; a canary bringing a fix in, `canary_…`. */
export function nounOf(r: RollbackRecord): 'rollback' | 'canary' {
  return r.strategy === 'canary' ? 'canary' : 'rollback';
}

/** The end of a rollback: on the timeline, the decision back to people unless it succeeded, and the thread. */
export async function finished(
  d: StepDeps,
  r: RollbackRecord,
  outcome: Outcome,
  why: FinishReason | null,
): Promise<void> {
  if (!r.incidentId) return;
  const reason = why ? finishReasonLine(why) : null;
  const { incidents, store, notifier } = d.o;
  incidents.record(r.incidentId, `${nounOf(r)}_${outcome}`, SYSTEM, { rollbackId: r.id, reason: why });
  if (outcome !== 'succeeded') {
    const incident = store.incidents.get(r.incidentId);
    if (incident && (incident.status === 'rolling_back' || incident.status === 'verifying')) {
      incidents.transition(r.incidentId, 'awaiting_decision', SYSTEM, {
        rollbackId: r.id,
        reason: why ? { kind: 'rollback_ended', why } : null,
      });
    }
  }
  notifier.notice(r.incidentId, {
    kind: 'rollback_finished',
    rollbackId: r.id,
    outcome,
    reason,
    ...(why ? { why } : {}),
  });
  offerGitOpsResume(d.o, r);
  notifier.changed(r.incidentId);
}

/** The step failed for good: say plainly what failed, escalate, and give the decision back. */
export async function failStep(d: StepDeps, ctx: StepContext, failure: StepFailure): Promise<void> {
  const { store, clock, escalations } = d.o;
  const now = clock.now();
  const r = ctx.rollback;
  const message = stepFailureLine(failure);
  // The step as stored now: `begin` set its start after the context was read.
  const startedAt =
    store.rollbacks.steps(r.id).find((x) => x.seq === ctx.step.seq)?.startedAt ?? ctx.step.startedAt ?? now;
  store.rollbacks.updateStep(r.id, ctx.step.seq, {
    status: 'failed',
    finishedAt: now,
    detail: withDetail(ctx.step.detail, { error: message }),
  });
  const failed = store.rollbacks.update(r.id, { status: 'failed', finishedAt: now, error: message });
  notice(d, ctx, 'failed', now - startedAt, [{ kind: 'error', failure }]);
  if (failed) await finished(d, failed, 'failed', { kind: 'failed', failure });
  // A canary runs after its incident was resolved: traffic stuck half-way back still needs a person.
  if (r.incidentId) {
    const reason: EscalationReason = { kind: 'engine_failed', noun: nounOf(r), rollbackId: r.id, failure };
    await escalations.escalateNow(r.incidentId, reason, now, {
      evenIfResolved: isRevertStep(ctx.step),
    });
  }
}
