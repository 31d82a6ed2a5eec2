/**
 * The start both canary flow suites share: the team has added the fixed version to the config,
 * and an incident has been rolled back immediately and resolved through signed clicks, so its
 * fix-prep note offers "Re-deploy fix as cautious canary".
 */
import { ACTION, BLOCK, VIEW } from '../../src/adapters/slack/ids.ts';
import type { Incident } from '../../src/domain/types.ts';
import { LEAD, type ConfigDoc, type World } from './world.ts';

const MIN = 60_000;

/** The team adds the fixed version to the config (newest first) before re-deploying it. */
export const withFix = (c: ConfigDoc): void => {
  c.services['prompt-service'].versions.unshift({
    version: 'v2.0.1',
    deployment: 'prompt-service-v2-0-1',
    backend: 'prompt-service-v2-0-1',
    subset: 'v2-0-1',
    timeout: '3000ms',
  });
};

/** Opens an incident, rolls it back immediately (button, confirmation) and waits until it is resolved. */
export async function rolledBackAndResolved(w: World): Promise<Incident> {
  const incident = await w.openIncident();
  await w.act({
    user: LEAD,
    actionId: ACTION.immediate,
    value: incident.id,
    blockId: BLOCK.decisions,
    messageTs: incident.slackTs ?? '',
  });
  // Waited for: over Socket Mode the listener opens the dialog after it has acked the click.
  const metadata = ((await w.slack.waitForCall('views.open')).args.view as { private_metadata: string })
    .private_metadata;
  await w.submit(LEAD, VIEW.confirmRollback, metadata);
  await w.runUntil(() => w.rewind.store.incidents.get(incident.id)?.status === 'resolved', { maxMs: 10 * MIN });
  return incident;
}
