/**
 * End to end: a second rollback of routing whose Argo CD sync an earlier rollback paused and nobody
 * resumed. The second one sends no pause and records none of its own; its step and its thread say
 * the sync is still paused by the earlier rollback, and its thread carries the change to commit and
 * Resume, so resuming is reachable from the incident at hand. Resume, from either thread, restores
 * the sync policy the first pause kept, once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import { englishWords } from '../../support/no-english.ts';
import { LEAD, startWorld, textOf, type ConfigDoc, type World } from '../../support/world.ts';
import { NAMES } from '../i18n/step-note.ts';

let world: World;
afterEach(async () => world?.stop());

const APP_PATH = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/prompt-service';
const SELF_HEAL = { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] };
const MANAGED = [{ kind: 'Service', namespace: 'prompts', name: 'prompt-service' }];

const blueGreen = (c: ConfigDoc) => {
  c.services['prompt-service'].router = { kind: 'service-selector', service: 'prompt-service' };
};

/** An incident on v2.0.0 rolled back immediately, through the dialog, to its end. */
async function rolledBack(w: World) {
  const incident = await w.openIncident();
  const messageTs = incident.slackTs ?? '';
  await w.act({ user: LEAD, actionId: ACTION.immediate, value: incident.id, blockId: BLOCK.decisions, messageTs });
  const metadata = (w.slack.callsTo('views.open').at(-1)?.args.view as { private_metadata: string }).private_metadata;
  await w.submit(LEAD, VIEW.confirmRollback, metadata);
  await w.runUntil(
    () =>
      ['succeeded', 'failed'].includes(
        w.rewind.store.rollbacks.history().find((r) => r.incidentId === incident.id)?.status ?? '',
      ),
    { maxMs: 10 * 60_000 },
  );
  const rollback = w.rewind.store.rollbacks.history().find((r) => r.incidentId === incident.id)!;
  const resume = () =>
    w.act({
      user: LEAD,
      actionId: ACTION.gitopsResume,
      value: rollback.id,
      blockId: BLOCK.rollbackControls,
      messageTs,
    });
  return { incident, rollback, resume };
}

const thread = (w: World, ts: string | null) =>
  w.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.thread_ts === ts)
    .map(textOf);

const appWrites = (w: World) =>
  w
    .kube!.appliedWrites()
    .filter((r) => r.path === APP_PATH)
    .map((r) => r.body);

/** The version git deploys again after the first incident (the bad version comes back: a second incident). */
const redeployed = (w: World) =>
  w.kube!.editAs('kubectl-edit', 'Service', 'prompts', 'prompt-service', (o) => {
    (o.spec!.selector as Record<string, string>).version = 'v2.0.0';
  });

describe('a second rollback while an earlier rollback’s pause is in force', () => {
  it('says it is still paused by the earlier one; Resume from the new thread restores the policy once', async () => {
    world = await startWorld({ kube: {}, config: blueGreen });
    world.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: MANAGED });
    const first = await rolledBack(world);
    expect(first.rollback.status).toBe('succeeded');
    redeployed(world);
    const second = await rolledBack(world);
    expect(second.rollback.status).toBe('succeeded');
    await world.settle();

    // One pause on the Application, from the first rollback; the second sent none and recorded none.
    expect(appWrites(world)).toEqual([{ spec: { syncPolicy: { automated: null } } }]);
    const pauses = world.rewind.store.audit.list({ action: 'gitops.pause' }).map((a) => a.detail);
    expect(pauses).toContainEqual({
      rollbackId: second.rollback.id,
      sent: false,
      pausedBefore: true,
      heldBy: first.rollback.id,
    });
    const step = thread(world, second.incident.slackTs).find((t) => t.includes('Step 2/5'));
    expect(step).toContain(
      `its sync is still paused by rollback ${first.rollback.id}, which was never resumed: nothing sent`,
    );

    // The new thread carries the still-paused note, the change to commit and Resume.
    const note = world.slack
      .callsTo('chat.postMessage')
      .find((c) => c.args.thread_ts === second.incident.slackTs && textOf(c).includes('is over, and the sync'));
    expect(String(note?.args.text)).toContain(
      `Rollback ${second.rollback.id} is over, and the sync of Argo CD application \`prompt-service\` is still ` +
        `paused by rollback ${first.rollback.id}, which paused it and was never resumed.`,
    );
    expect(String(note?.args.text)).toContain('• `Service prompts/prompt-service`: `spec.selector.version: v1.5.0`');
    expect(textOf(note)).toContain(`"action_id":"${ACTION.gitopsResume}"`);

    world.kube!.setGitOpsRevision('Application', 'argocd', 'prompt-service', 'c0ffee1');
    await second.resume();
    await world.runUntil(() => appWrites(world).length === 2, { maxMs: 60_000 });
    expect(appWrites(world).at(-1)).toEqual({ spec: { syncPolicy: SELF_HEAL } });
    expect(world.kube!.mustGet('Application', 'argocd', 'prompt-service').spec!.syncPolicy).toEqual(SELF_HEAL);
    await world.settle();
    for (const ts of [first.incident.slackTs, second.incident.slackTs])
      expect(thread(world, ts).filter((t) => t.includes(`<@${LEAD}> resumed the sync of Argo CD`))).toHaveLength(1);
    const firstStep = world.rewind.store.rollbacks.steps(first.rollback.id).find((s) => s.detail.kind === 'gitops');
    expect(firstStep?.detail).toMatchObject({ resumedBy: LEAD });

    // From the first thread, or the second again: nothing left to resume, nothing sent.
    await first.resume();
    expect(String(world.slack.responses.at(-1)?.body.text)).toContain('nothing to resume');
    await second.resume();
    expect(String(world.slack.responses.at(-1)?.body.text)).toContain('nothing to resume');
    expect(appWrites(world)).toHaveLength(2);
  });

  it('Resume from the earlier thread works too, and the notes say it in Japanese', async () => {
    world = await startWorld({ kube: {}, config: (c) => (blueGreen(c), (c.locale = 'ja')) });
    world.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: MANAGED });
    const first = await rolledBack(world);
    redeployed(world);
    const second = await rolledBack(world);
    await world.settle();
    const note = thread(world, second.incident.slackTs).find((t) => t.includes('再開されていません'));
    expect(note).toContain(`以前のロールバック ${first.rollback.id} が一時停止したまま`);
    expect(englishWords(JSON.parse(note!).text as string, NAMES)).toEqual([]);
    const step = thread(world, second.incident.slackTs).find((t) => t.includes('何も送信していません'));
    expect(englishWords(JSON.parse(step!).text as string, NAMES)).toEqual([]);

    world.kube!.setGitOpsRevision('Application', 'argocd', 'prompt-service', 'c0ffee1');
    await first.resume();
    await world.runUntil(() => appWrites(world).length === 2, { maxMs: 60_000 });
    expect(appWrites(world).at(-1)).toEqual({ spec: { syncPolicy: SELF_HEAL } });
    await second.resume();
    expect(appWrites(world)).toHaveLength(2);
  });
});
