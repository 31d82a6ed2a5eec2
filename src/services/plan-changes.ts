/**
 * What a dialog showed against the plan as it stands when the dialog is submitted. A dialog can stay
 * open for an hour, and its metadata comes back from Slack, so neither is trusted: the plan is made
 * again from the state then, and every difference that would make the run other than what the
 * person confirmed is listed, to be refused and told.
 */
import type { CanaryPlan } from './fix-canary.ts';
import type { PlanChange } from './refusals.ts';
import type { RollbackPlan } from './rollback-planner.ts';

/** What the cautious-canary dialog showed: the incident's service, the stable version, the steps and settings. */
export interface CanaryShown {
  incidentId: string;
  service: string;
  fromVersion: string;
  steps: number[];
  requiredApprovals: number;
  dryRun: boolean;
}

const sameNumbers = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

function settings(
  shown: { requiredApprovals: number; dryRun: boolean },
  now: { requiredApprovals: number; dryRun: boolean },
): PlanChange[] {
  const changes: PlanChange[] = [];
  // A dry run that is not one any more would send what the person was told would only be logged.
  if (shown.dryRun !== now.dryRun) changes.push({ field: 'dry_run', shown: shown.dryRun, now: now.dryRun });
  if (shown.requiredApprovals !== now.requiredApprovals)
    changes.push({ field: 'approvals', shown: shown.requiredApprovals, now: now.requiredApprovals });
  return changes;
}

export function rollbackPlanChanges(shown: RollbackPlan, now: RollbackPlan): PlanChange[] {
  const changes: PlanChange[] = [];
  // A dialog that named no incident (none was open) would now be filed under the service's open
  // incident — its thread, its timeline, its escalation — which the person never saw.
  if (shown.incidentId !== now.incidentId)
    changes.push({ field: 'incident', shown: shown.incidentId, now: now.incidentId });
  if (shown.fromVersion !== now.fromVersion)
    changes.push({ field: 'from', shown: shown.fromVersion, now: now.fromVersion });
  if (shown.toVersion !== now.toVersion) changes.push({ field: 'to', shown: shown.toVersion, now: now.toVersion });
  // Only a gradual rollback shows its phases; an immediate one always switches in one step.
  // The share it starts from is shown, but only the phases that run are compared: a share that moved
  // without crossing a phase runs the same rollback (the engine reads it again at the start).
  if (now.strategy === 'gradual' && !sameNumbers(shown.phases, now.phases)) {
    changes.push({
      field: 'phases',
      shown: [...shown.phases],
      now: [...now.phases],
      shownFrom: shown.currentWeight,
      nowFrom: now.currentWeight,
    });
  }
  return [...changes, ...settings(shown, now)];
}

export function canaryPlanChanges(shown: CanaryShown, now: CanaryPlan): PlanChange[] {
  const changes: PlanChange[] = [];
  if (shown.fromVersion !== now.fromVersion)
    changes.push({ field: 'from', shown: shown.fromVersion, now: now.fromVersion });
  if (!sameNumbers(shown.steps, now.steps))
    changes.push({ field: 'steps', shown: [...shown.steps], now: [...now.steps] });
  return [...changes, ...settings(shown, now)];
}
