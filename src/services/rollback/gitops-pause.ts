/**
 * The GitOps step (before the switch): Argo CD with self-heal re-applies git within seconds, and
 * Flux on its interval, so a switch of a routing object they manage would be silently undone.
 * Who owns the routing is read before the rollback's first step; when someone does, a step is
 * planned right after the confirm step. With `onRollback: pause` it turns the owner's sync off
 * (Argo CD: automated sync removed, the policy before kept in the step row; Flux: suspended);
 * with `warn` it only says plainly that sync may undo the rollback.
 *
 * Durable: the policy before the pause is written to the row before the patch is sent and never
 * overwritten, and a re-run after a restart reads the owner first and sends nothing when its sync
 * is already off — one pause, and the policy it replaced, whatever restarts happen in between.
 */
import { isSyncOwner, ownerLine, ownerTarget, pausePatch, type SyncOwner } from '../../domain/gitops.ts';
import type { PlannedStep } from '../../domain/rollback-plan.ts';
import type { GitOpsDetail, RollbackRecord } from '../../domain/rollback-record.ts';
import { stepFailureLine, type StepFact, type StepFailure } from '../../domain/step-facts.ts';
import { withKubeRetry, withKubeWrite } from '../kube-retry.ts';
import type { GitOpsControl, GitOpsReading, KubeChange } from '../ports.ts';
import type { RollbackEngineOptions } from '../rollback-engine.ts';
import { begin, clusterOf, finishStep, kube } from './bookkeeping.ts';
import { pauseHolder } from './gitops-resume.ts';
import { failureOf, StepFailedError, SYSTEM, type StepContext, type StepDeps } from './context.ts';

/** Who owns the service's routing, read before the first step; null where GitOps is not read. */
export async function readGitOps(o: RollbackEngineOptions, r: RollbackRecord): Promise<GitOpsReading | null> {
  const control = o.cluster.forService(r.service).gitops;
  if (!control) return null;
  const reading = await withKubeRetry({ op: 'read_gitops', service: r.service }, () => control.read(), o.clock);
  o.log?.info({ rollback: r.id, gitops: ownerLine(reading.owner, reading.state?.selfHeal ?? null) }, 'gitops read');
  // Marks of an owner that is gone pause nothing: the thread says so rather than leave it unexplained.
  if (reading.unmatched && r.incidentId)
    o.notifier.notice(r.incidentId, { kind: 'gitops_mark_unmatched', rollbackId: r.id, owner: reading.unmatched });
  return reading;
}

/** The plan with the GitOps step right after the confirm step, when a GitOps controller owns the routing. */
export function withGitOpsStep(steps: PlannedStep[], reading: GitOpsReading | null): PlannedStep[] {
  if (!reading || !isSyncOwner(reading.owner)) return steps;
  const { owner, onRollback } = reading;
  const step: PlannedStep = {
    kind: 'gitops',
    name: onRollback === 'pause' ? 'pause gitops sync' : 'gitops warning',
    budgetMs: null,
    phase: null,
    gitops: { owner, onRollback, selfHeal: reading.state?.selfHeal ?? false },
  };
  const at = steps.findIndex((s) => s.kind === 'confirm') + 1;
  return [...steps.slice(0, at), step, ...steps.slice(at)];
}

/**
 * A pause the API server did not take is audited (what was tried, and why it failed); a 403 also
 * tells the thread the way forward, since the rollback cannot go on without the pause or `warn`.
 */
function refusedPause(d: StepDeps, r: RollbackRecord, owner: SyncOwner, failure: StepFailure): void {
  const target = ownerTarget(owner);
  d.o.store.audit.record({
    at: d.o.clock.now(),
    actor: SYSTEM,
    action: 'gitops.pause',
    target,
    outcome: 'error',
    detail: { rollbackId: r.id, reason: stepFailureLine(failure) },
  });
  const denied =
    failure.kind === 'kube_call_failed' && failure.problem.kind === 'http' && failure.problem.status === 403;
  if (denied && r.incidentId)
    d.o.notifier.notice(r.incidentId, { kind: 'gitops_pause_denied', rollbackId: r.id, owner });
}

function controlOf(d: StepDeps, r: RollbackRecord): GitOpsControl {
  const control = clusterOf(d, r).gitops;
  if (control) return control;
  throw new StepFailedError({ kind: 'unexpected', message: `no GitOps access for ${r.service}` });
}

export async function gitopsStep(d: StepDeps, ctx: StepContext, detail: GitOpsDetail): Promise<void> {
  const r = ctx.rollback;
  const { owner } = detail;
  begin(d, ctx); // persisted before the owner is read or patched
  const facts: StepFact[] = [{ kind: 'gitops_owner', owner, selfHeal: detail.selfHeal }];
  if (detail.onRollback === 'warn') {
    facts.push({ kind: 'gitops_left_on', owner });
    return finishStep(d, ctx, 'succeeded', facts);
  }
  const target = ownerTarget(owner);
  if (r.dryRun || d.o.settings.dryRun) {
    // A dry run sends nothing: the pause it would send is shown, and nothing is left to resume after it.
    facts.push({ kind: 'dry_run_change', method: 'PATCH', target, body: pausePatch(owner) });
    return finishStep(d, ctx, 'succeeded', facts, { dryRun: true });
  }
  const control = controlOf(d, r);
  const state = await kube(d, { op: 'read_gitops', service: r.service }, () => control.state(owner));
  // What the pause replaces is kept once, before anything is sent; a re-run finds it and keeps it.
  const kept = d.o.store.rollbacks.steps(r.id).find((s) => s.seq === ctx.step.seq)?.detail;
  const first = kept?.kind === 'gitops' && kept.pausedBefore === undefined;
  if (first) {
    begin(d, ctx, {
      keptSyncPolicy: state.syncPolicy ?? null,
      pausedBefore: state.paused,
      revision: state.revision,
    });
  }
  const pausedBefore = first ? state.paused : kept?.kind === 'gitops' && kept.pausedBefore === true;
  const changes: KubeChange[] = [];
  if (!state.paused) {
    const call = { op: 'pause_gitops' as const, target };
    // A pause that landed but whose answer was lost is read back before any retry, not sent again.
    const landed = async () => (await control.state(owner)).paused;
    const wrote = await withKubeWrite(call, () => control.pause(owner), landed, d.o.clock).catch((err: unknown) => {
      const failure = failureOf(err);
      refusedPause(d, r, owner, failure);
      throw new StepFailedError(failure);
    });
    if (wrote.result) changes.push(wrote.result);
    d.o.log?.info({ rollback: r.id, target: call.target }, 'gitops sync paused');
  }
  // Paused by an earlier rollback whose Resume was never pressed: this one records no pause of its own.
  const holder = pausedBefore ? pauseHolder(d.o.store, r, owner) : null;
  facts.push({ kind: 'gitops_paused', owner, already: pausedBefore, ...(holder ? { heldBy: holder.rollbackId } : {}) });
  if (changes.length)
    facts.push({ kind: 'changes_sent', changes: changes.map((c) => ({ method: c.method, target: c.target })) });
  const sent = !pausedBefore;
  d.o.store.audit.record({
    at: d.o.clock.now(),
    actor: SYSTEM,
    action: 'gitops.pause',
    target,
    outcome: 'allowed',
    detail: { rollbackId: r.id, sent, pausedBefore, ...(holder ? { heldBy: holder.rollbackId } : {}) },
  });
  if (r.incidentId) d.o.incidents.record(r.incidentId, 'gitops_paused', SYSTEM, { rollbackId: r.id, target, sent });
  finishStep(d, ctx, 'succeeded', facts, changes.length ? { changes } : {});
}
