/**
 * The runbook's steps as durable, timer-driven rows (即座ロールバック / 段階的ロールバック / the fix
 * canary), each reported in the incident thread with its time against the runbook's budget. The
 * runner sends a step to its building block (confirm, switch, observe, verify, post-actions, the
 * canary's stop) with the strategy of its rollback, which decides what differs between them.
 */
import type { PlannedStep } from '../../domain/rollback-plan.ts';
import type { RollbackRecord, RollbackStrategy } from '../../domain/rollback-record.ts';
import type { Actor } from '../../domain/types.ts';
import type { RollbackEngineOptions } from '../rollback-engine.ts';
import { failStep } from './bookkeeping.ts';
import { confirmStep } from './confirm.ts';
import { failureOf, type Schedule, type StepContext, type StepDeps } from './context.ts';
import { fixCanary, stopStep } from './fix-canary.ts';
import { gitopsStep } from './gitops-pause.ts';
import { gradual } from './gradual.ts';
import { immediate } from './immediate.ts';
import { observeStep } from './observe.ts';
import { postActionsStep } from './post-actions.ts';
import type { StrategySteps } from './strategy.ts';
import { switchStep } from './switch.ts';
import { verifyStep } from './verify.ts';

export { ROLLBACK_TIMER, StartRefusedError, addPlannedStep, type StepContext } from './context.ts';

const STRATEGIES: Record<RollbackStrategy, StrategySteps> = {
  immediate,
  gradual,
  canary: fixCanary,
  // A planned rollback (計画的ロールバック) has no steps of its own: it is an immediate or a gradual
  // rollback held until its time (planned-rollbacks keeps the timer), and its row carries that
  // strategy. No row is written as `planned`; one that were would run as an immediate rollback.
  planned: immediate,
};

export function strategyOf(r: RollbackRecord): StrategySteps {
  return STRATEGIES[r.strategy];
}

export class StepRunner {
  private readonly d: StepDeps;

  constructor(o: RollbackEngineOptions, schedule: Schedule) {
    this.d = { o, schedule };
  }

  /** The steps a new rollback is planned with. */
  plan(r: RollbackRecord): PlannedStep[] {
    return strategyOf(r).plan(this.d, r);
  }

  async run(ctx: StepContext): Promise<void> {
    const strategy = strategyOf(ctx.rollback);
    const detail = ctx.step.detail;
    try {
      switch (detail.kind) {
        case 'confirm':
          return await confirmStep(this.d, ctx, strategy);
        case 'set_weight':
          return await switchStep(this.d, ctx, detail);
        case 'observe':
          return await observeStep(this.d, ctx, detail, strategy);
        case 'verify':
          return await verifyStep(this.d, ctx, detail, strategy);
        case 'post_actions':
          return await postActionsStep(this.d, ctx, strategy);
        case 'stop':
          return await stopStep(this.d, ctx);
        case 'gitops':
          return await gitopsStep(this.d, ctx, detail);
      }
    } catch (err) {
      const failure = failureOf(err);
      this.d.o.log?.error(
        { rollback: ctx.rollback.id, step: ctx.step.name, err: err instanceof Error ? err.message : String(err) },
        'rollback step failed',
      );
      if (await strategy.failed(this.d, ctx, failure)) return;
      await failStep(this.d, ctx, failure);
    }
  }

  /** A person pressed Abort: the strategy stops the rollback its way. */
  abort(r: RollbackRecord, actor: Actor): Promise<void> {
    return strategyOf(r).abort(this.d, r, actor);
  }
}
