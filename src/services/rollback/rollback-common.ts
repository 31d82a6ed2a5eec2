/**
 * What an immediate and a gradual rollback share: the confirm facts about the version affected,
 * a verification that fails the rollback and offers the next version down, the hand-off at the
 * end, and an Abort that stops traffic where it is.
 */
import { withDetail, type RollbackRecord } from '../../domain/rollback-record.ts';
import { abortCauseLine, type AbortCause, type StepFact } from '../../domain/step-facts.ts';
import type { Actor } from '../../domain/types.ts';
import { finished, notice } from './bookkeeping.ts';
import { fromVersion, ROLLBACK_TIMER, StepFailedError, type StepContext, type StepDeps } from './context.ts';
import { rollbackEnd } from './post-actions.ts';
import { unitsOf, type Found, type StrategySteps } from './strategy.ts';

export function affectedFacts(found: Found, skipped: readonly number[]): StepFact[] {
  const facts: StepFact[] = [
    { kind: 'version_affected', version: found.from },
    { kind: 'traffic_now', split: found.split },
    { kind: 'metrics', sample: found.baseline, ...unitsOf(found), version: null, now: true },
  ];
  if (found.fired.length) facts.push({ kind: 'fired', metrics: found.fired });
  if (skipped.length)
    facts.push({ kind: 'phases_skipped', weights: [...skipped], from: found.from, startWeight: found.startWeight });
  return facts;
}

/** abortIf held: the observing step fails, the remaining phases are skipped, and the final switch to 0 runs now. */
export async function straightToZero(
  d: StepDeps,
  ctx: StepContext,
  cause: Extract<AbortCause, { kind: 'abort_if_held' }>,
): Promise<void> {
  const { store, clock } = d.o;
  const now = clock.now();
  const r = ctx.rollback;
  const steps = store.rollbacks.steps(r.id);
  const final = steps.find((s) => s.detail.kind === 'set_weight' && s.detail.weight === 0);
  store.transaction(() => {
    const detail = withDetail(ctx.step.detail, { abortIf: abortCauseLine(cause) });
    store.rollbacks.updateStep(r.id, ctx.step.seq, { status: 'failed', finishedAt: now, detail });
    for (const s of steps) {
      if (s.status === 'pending' && final && s.seq < final.seq)
        store.rollbacks.updateStep(r.id, s.seq, { status: 'skipped', finishedAt: now });
    }
    if (final) d.schedule(r.id, final.seq, now);
  });
  notice(d, ctx, 'failed', now - (ctx.step.startedAt ?? now), [
    cause,
    { kind: 'next', next: { kind: 'straight_to_zero' } },
  ]);
}

/** Abort on a rollback: traffic stays where it is now, and the decision goes back to people. */
async function stopInPlace(d: StepDeps, rollback: RollbackRecord, actor: Actor): Promise<void> {
  const { store, timers, clock } = d.o;
  const now = clock.now();
  const aborted = store.rollbacks.update(rollback.id, { status: 'aborted', finishedAt: now }, rollback.status);
  if (!aborted) return;
  timers.cancelWhere(ROLLBACK_TIMER, `rollback:${rollback.id}:`);
  for (const step of store.rollbacks.steps(rollback.id)) {
    if (step.status === 'pending' || step.status === 'running')
      store.rollbacks.updateStep(rollback.id, step.seq, { status: 'skipped', finishedAt: now });
  }
  await finished(d, aborted, 'aborted', { kind: 'stopped_in_place', by: actor.id });
}

/** The parts of StrategySteps an immediate and a gradual rollback answer alike. */
export const rollbackSteps: Omit<StrategySteps, 'plan' | 'confirmed'> = {
  refuseStart: () => null,
  // A rollback watches the version it drains.
  watched: (ctx) => ({ version: fromVersion(ctx), named: false }),
  abortIfHeld: straightToZero,
  async notHealthy(d, ctx, { windowMs, breaching }) {
    const r = ctx.rollback;
    if (r.incidentId)
      d.o.notifier.notice(r.incidentId, {
        kind: 'not_recovered',
        rollbackId: r.id,
        incidentId: r.incidentId,
        breaching,
      });
    throw new StepFailedError({ kind: 'not_recovered', windowMs, version: r.toVersion, breaching });
  },
  failed: async () => false,
  end: rollbackEnd,
  abort: stopInPlace,
};
