/** Registers every listener; each file registers its own. */
import type { App } from '@slack/bolt';
import { registerDecisionActions } from './actions/decisions.ts';
import { registerDrillActions } from './actions/drills.ts';
import { registerDriftActions } from './actions/drift.ts';
import { registerGitOpsResume } from './actions/gitops-resume.ts';
import { registerMatrixActions } from './actions/matrix.ts';
import { registerRollbackControlActions } from './actions/rollback-controls.ts';
import { registerDrillCommand } from './commands/drill.ts';
import { registerIncidentCommand } from './commands/incident.ts';
import { registerRollbackCommand } from './commands/rollback.ts';
import type { ListenerDeps } from './context.ts';
import { registerAppHome } from './events/app-home.ts';
import { ReadScope } from './read-scope.ts';
import { registerCanaryFixView } from './views/canary-fix.ts';
import { registerConfirmRollbackView } from './views/confirm-rollback.ts';

export function registerListeners(app: App, deps: ListenerDeps): void {
  const { incidentChannel, stakeholderChannel, drillChannel } = deps.config.slack;
  // One for all three commands, reads and writes: they share what Slack said about the incident channel's members.
  const scope = new ReadScope({
    incidentChannel,
    drillChannel,
    channels: [incidentChannel, stakeholderChannel, drillChannel],
    clock: deps.clock,
    log: deps.log,
  });
  registerRollbackCommand(app, deps, scope);
  registerIncidentCommand(app, deps, scope);
  registerDrillCommand(app, deps, scope);
  registerMatrixActions(app, deps);
  registerDecisionActions(app, deps);
  registerRollbackControlActions(app, deps);
  registerDrillActions(app, deps);
  registerConfirmRollbackView(app, deps);
  registerCanaryFixView(app, deps);
  registerGitOpsResume(app, deps);
  registerDriftActions(app, deps);
  registerAppHome(app, deps);
}
