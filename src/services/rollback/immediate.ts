/**
 * 即座ロールバック (immediate, the blue-green switch): confirm → switch all traffic at once →
 * verify → post-actions.
 */
import { immediateSteps } from '../../domain/rollback-plan.ts';
import { affectedFacts, rollbackSteps } from './rollback-common.ts';
import type { StrategySteps } from './strategy.ts';

export const immediate: StrategySteps = {
  ...rollbackSteps,
  plan: (d) => immediateSteps(d.o.settings.verifyWindowMs),
  confirmed: (_d, _ctx, found) => affectedFacts(found, []),
};
