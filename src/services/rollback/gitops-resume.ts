/**
 * After a rollback that paused its GitOps owner's sync: the thread says the sync is still paused,
 * names the fields to commit to git (the revert belongs in the repository, or the next sync undoes
 * it), and offers Resume GitOps sync to approvers. Resuming writes back the sync policy the pause
 * step kept (Argo CD) or un-suspends (Flux). While the owner's source still has the revision it
 * had at the pause, the rollback is not in git yet and syncing would re-deploy the bad version: the
 * person is asked to confirm first.
 */
import { actedBy } from '../../domain/actors.ts';
import { gitChangesOf, ownerTarget, type SyncOwner } from '../../domain/gitops.ts';
import type { GitOpsDetail, RollbackRecord, RollbackStep } from '../../domain/rollback-record.ts';
import type { Actor } from '../../domain/types.ts';
import type { Store } from '../../store/index.ts';
import type { Clock } from '../../clock.ts';
import type { Authorizer } from '../authorization.ts';
import type { IncidentService } from '../incidents.ts';
import type { ClusterPort, GitOpsControl, IncidentNotifier } from '../ports.ts';
import { notApprover, ok, refuse, type Outcome, type Refusal } from '../refusals.ts';

/**
 * How long a claimed resume keeps others out. Past it the claim is taken for abandoned (Rewind
 * stopped between the claim and its end) so the sync can still be resumed; a resume is two
 * Kubernetes calls, far shorter.
 */
const CLAIM_MS = 5 * 60_000;

type GitOpsStep = RollbackStep & { detail: GitOpsDetail };

/** The gitops step of a rollback whose pause is still in force (sent by the rollback, not resumed since). */
function pausedStep(steps: readonly RollbackStep[]): GitOpsStep | null {
  const step = steps.find((s) => s.detail.kind === 'gitops');
  const d = step?.detail;
  if (!step || d?.kind !== 'gitops' || step.status !== 'succeeded') return null;
  if (d.onRollback !== 'pause' || d.pausedBefore !== false || d.dryRun || d.resumedAt !== undefined) return null;
  return { ...step, detail: d };
}

/** How many of the service's latest rollbacks are looked through for one whose pause is still in force. */
const HOLDERS_LOOKED_AT = 50;

/**
 * The earlier rollback of the service whose pause of `owner` is still in force (its Resume was never
 * pressed): a later rollback finds that sync off, sends nothing, and points to it. Null when none.
 */
export function pauseHolder(
  store: { rollbacks: Pick<Store['rollbacks'], 'steps' | 'history'> },
  r: RollbackRecord,
  owner: SyncOwner,
): GitOpsStep | null {
  const target = ownerTarget(owner);
  for (const earlier of store.rollbacks.history({ service: r.service, limit: HOLDERS_LOOKED_AT })) {
    if (earlier.id === r.id) continue;
    const step = pausedStep(store.rollbacks.steps(earlier.id));
    if (step && ownerTarget(step.detail.owner) === target) return step;
  }
  return null;
}

/** The pause a rollback answers for: its own, or the earlier one it found in force and left so. */
function pauseOf(store: { rollbacks: Pick<Store['rollbacks'], 'steps' | 'history'> }, r: RollbackRecord) {
  const steps = store.rollbacks.steps(r.id);
  const own = pausedStep(steps);
  if (own) return { step: own, steps };
  const found = steps.find((s) => s.detail.kind === 'gitops')?.detail;
  if (found?.kind !== 'gitops' || found.onRollback !== 'pause' || found.pausedBefore !== true || found.dryRun)
    return { step: null, steps };
  return { step: pauseHolder(store, r, found.owner), steps };
}

/** What the end of a rollback reads and tells. */
export interface GitOpsOfferDeps {
  store: { rollbacks: Pick<Store['rollbacks'], 'steps' | 'history'> };
  notifier: IncidentNotifier;
}

/** The rollback ended: when it left its owner's sync paused, the thread says what to commit and offers Resume. */
export function offerGitOpsResume(o: GitOpsOfferDeps, r: RollbackRecord): void {
  if (!r.incidentId) return;
  // A sync an earlier rollback paused and nobody resumed is still paused after this one too: its
  // thread says so, and offers the Resume that restores the policy the first pause kept.
  const { step: paused, steps } = pauseOf(o.store, r);
  if (!paused) return;
  const heldBy = paused.rollbackId === r.id ? {} : { heldBy: paused.rollbackId };
  const written = r.dryRun
    ? []
    : steps.flatMap((s) =>
        s.detail.kind === 'set_weight' ? [...(s.detail.changes ?? []), ...(s.detail.inPlace ?? [])] : [],
      );
  o.notifier.notice(r.incidentId, {
    kind: 'gitops_still_paused',
    rollbackId: r.id,
    owner: paused.detail.owner,
    changes: gitChangesOf(written),
    ...heldBy,
  });
}

export interface GitOpsResumeOptions {
  store: {
    rollbacks: Pick<
      Store['rollbacks'],
      'get' | 'steps' | 'history' | 'updateStep' | 'updateStepIf' | 'activeForService'
    >;
  };
  clock: Clock;
  cluster: ClusterPort | null;
  authorizer: Authorizer;
  incidents: IncidentService;
  notifier: IncidentNotifier;
}

/** `confirm`: the source has the revision it had at the pause; resuming now would re-deploy the bad version. */
export type ResumeAnswer =
  | { kind: 'resumed' }
  | { kind: 'confirm'; owner: SyncOwner; revision: string }
  /** The owner was deleted since the pause: nothing to resume; the thread is told and the pause settled. */
  | { kind: 'owner_gone' };

export class GitOpsResumes {
  constructor(private readonly o: GitOpsResumeOptions) {}

  /**
   * Resume GitOps sync (approvers only). `confirmed`: the person saw the warning that the source
   * still has the revision of the pause and resumes anyway.
   */
  async resume(rollbackId: string, actor: Actor, confirmed: boolean): Promise<Outcome<ResumeAnswer>> {
    const r = this.o.store.rollbacks.get(rollbackId);
    if (!r) return refuse({ kind: 'unknown_rollback', rollbackId });
    const auth = await this.o.authorizer.authorize(actor, 'gitops.resume', r.service, { rollbackId, confirmed });
    if (!auth.ok) return refuse(notApprover({ kind: 'resume_gitops' }, auth.approvers));
    // From the thread of a later rollback that found the sync paused, the earlier pause is resumed.
    const { step } = pauseOf(this.o.store, r);
    if (!step) return refuse({ kind: 'gitops_not_paused', rollbackId });
    // A rollback of the service running now (this one, or a later one) needs the sync off until it ends.
    const active = this.o.store.rollbacks.activeForService(r.service);
    if (active) return refuse({ kind: 'rollback_running', rollbackId: active.id });
    const { owner, keptSyncPolicy, revision } = step.detail;
    const target = ownerTarget(owner);
    const control = this.o.cluster?.forService(r.service).gitops;
    if (!control) return refuse({ kind: 'gitops_failed', target, message: 'no Kubernetes access' });
    // Claimed in the database before anything is sent: of two clicks (or two dialog submits) one resumes.
    const claimedAt = this.o.clock.now();
    const claimed = this.claim(step, claimedAt);
    if (!claimed) return refuse(await this.claimRefused(step, control, rollbackId, confirmed));
    try {
      const state = await control.find(owner);
      if (!state) return ok(this.ownerGone(r, claimed, actor));
      if (!confirmed && revision && state.revision === revision) {
        this.release(claimed, claimedAt);
        return ok({ kind: 'confirm', owner, revision });
      }
      await control.resume(owner, keptSyncPolicy ?? null);
    } catch (err) {
      this.release(claimed, claimedAt);
      return refuse({ kind: 'gitops_failed', target, message: err instanceof Error ? err.message : String(err) });
    }
    const { resumingAt: _claim, ...detail } = claimed.detail;
    this.o.store.rollbacks.updateStep(step.rollbackId, step.seq, {
      detail: { ...detail, resumedBy: actor.id, resumedAt: this.o.clock.now() },
    });
    // Said where it was pressed, and in the thread of the rollback that paused it when that is another.
    const holder = step.rollbackId === r.id ? r : this.o.store.rollbacks.get(step.rollbackId);
    const told = new Set([r, holder].flatMap((x) => (x?.incidentId ? [x.incidentId] : [])));
    for (const incidentId of told) {
      const pausedBy = step.rollbackId;
      this.o.incidents.record(incidentId, 'gitops_resumed', actor, { rollbackId: pausedBy, target });
      this.o.notifier.notice(incidentId, { kind: 'gitops_resumed', rollbackId: pausedBy, owner, ...actedBy(actor) });
      this.o.notifier.changed(incidentId);
    }
    return ok({ kind: 'resumed' });
  }

  /**
   * The owner was deleted since the pause (its Application or Kustomization is gone, and with it the
   * sync): there is nothing to resume. The pause is settled, so Resume no longer acts, and the
   * thread says why.
   */
  private ownerGone(r: RollbackRecord, step: GitOpsStep, actor: Actor): ResumeAnswer {
    const { resumingAt: _claim, ...detail } = step.detail;
    this.o.store.rollbacks.updateStep(step.rollbackId, step.seq, {
      detail: { ...detail, resumedBy: actor.id, resumedAt: this.o.clock.now() },
    });
    if (r.incidentId)
      this.o.notifier.notice(r.incidentId, {
        kind: 'gitops_owner_gone',
        rollbackId: step.rollbackId,
        owner: step.detail.owner,
      });
    return { kind: 'owner_gone' };
  }

  /** Marks the step as being resumed, unless it was resumed or someone's claim is in force; null then. */
  private claim(step: GitOpsStep, at: number): GitOpsStep | null {
    const claimed = this.o.store.rollbacks.updateStepIf(step.rollbackId, step.seq, (current) => {
      const d = current.detail;
      if (d.kind !== 'gitops' || d.resumedAt !== undefined) return null;
      if (d.resumingAt !== undefined && at - d.resumingAt < CLAIM_MS) return null;
      return { detail: { ...d, resumingAt: at } };
    });
    return claimed && claimed.detail.kind === 'gitops' ? { ...claimed, detail: claimed.detail } : null;
  }

  /** Gives a claim back (nothing was resumed), unless another has taken it over since. */
  private release(step: GitOpsStep, at: number): void {
    this.o.store.rollbacks.updateStepIf(step.rollbackId, step.seq, (current) => {
      if (current.detail.kind !== 'gitops' || current.detail.resumingAt !== at) return null;
      const { resumingAt: _claim, ...detail } = current.detail;
      return { detail };
    });
  }

  /**
   * Why a click found another's claim: that click is resuming the sync, or — unconfirmed while the
   * source still has the paused revision — it is about to ask its confirmation, so a dialog is open
   * rather than a resume under way. Read like the other click reads it, and after its claim.
   */
  private async claimRefused(
    step: GitOpsStep,
    control: GitOpsControl,
    rollbackId: string,
    confirmed: boolean,
  ): Promise<Refusal> {
    const current = this.o.store.rollbacks.steps(step.rollbackId).find((s) => s.seq === step.seq)?.detail;
    if (current?.kind !== 'gitops' || current.resumedAt !== undefined) return { kind: 'gitops_not_paused', rollbackId };
    const { owner, revision } = step.detail;
    if (!confirmed && revision) {
      const state = await control.find(owner).catch(() => null);
      if (state?.revision === revision) return { kind: 'gitops_not_paused', rollbackId, confirming: true };
    }
    return { kind: 'gitops_not_paused', rollbackId, resuming: true };
  }
}
