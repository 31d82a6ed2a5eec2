/**
 * After a rollback that paused its GitOps owner's sync: the thread names the change to commit to
 * git and offers Resume GitOps sync to approvers; resuming restores the kept sync policy (Argo CD)
 * or un-suspends (Flux); while the source still has the revision of the pause it asks first, in a
 * dialog, because syncing would re-deploy the bad version.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import { englishWords } from '../../support/no-english.ts';
import { LEAD, MALLORY, startWorld, textOf, type ConfigDoc, type World } from '../../support/world.ts';
import { NAMES } from '../i18n/step-note.ts';

let world: World;
afterEach(async () => world?.stop());

const APP_PATH = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/prompt-service';
const KUSTOMIZATION_PATH = '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps';
const SELF_HEAL = { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] };
const MANAGED = [{ kind: 'Service', namespace: 'prompts', name: 'prompt-service' }];

const blueGreen = (c: ConfigDoc) => {
  c.services['prompt-service'].router = { kind: 'service-selector', service: 'prompt-service' };
};

/** An incident rolled back immediately, through the dialog, to its end. */
async function rolledBack(w: World) {
  const incident = await w.openIncident();
  const messageTs = incident.slackTs ?? '';
  await w.act({ user: LEAD, actionId: ACTION.immediate, value: incident.id, blockId: BLOCK.decisions, messageTs });
  const metadata = (w.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string }).private_metadata;
  await w.submit(LEAD, VIEW.confirmRollback, metadata);
  await w.runUntil(() => w.rewind.store.rollbacks.history()[0]?.status === 'succeeded', { maxMs: 10 * 60_000 });
  const rollbackId = w.rewind.store.rollbacks.history()[0]!.id;
  const click = (user: string) =>
    w.act({ user, actionId: ACTION.gitopsResume, value: rollbackId, blockId: BLOCK.rollbackControls, messageTs });
  return { incident, rollbackId, click };
}

const thread = (w: World, ts: string | null) =>
  w.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.thread_ts === ts)
    .map(textOf);

const gitopsWrites = (w: World, path: string) =>
  w
    .kube!.appliedWrites()
    .filter((r) => r.path === path)
    .map((r) => r.body);

const told = (w: World) => w.slack.responses.map((r) => String(r.body.text));

describe('Resume GitOps sync after a rollback that paused Argo CD', () => {
  it('names the change to commit; asks first while git has the old revision; then restores the policy', async () => {
    world = await startWorld({ kube: {}, config: blueGreen });
    world.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: MANAGED });
    const { incident, rollbackId, click } = await rolledBack(world);

    const note = world.slack
      .callsTo('chat.postMessage')
      .find((c) => c.args.thread_ts === incident.slackTs && textOf(c).includes('still paused'));
    expect(textOf(note)).toContain(
      'the sync of Argo CD application `prompt-service` is still paused. Commit the rollback to git',
    );
    expect(textOf(note)).toContain('• `Service prompts/prompt-service`: `spec.selector.version: v1.5.0`');
    expect(textOf(note)).toContain(`"action_id":"${ACTION.gitopsResume}"`);

    // Not an approver: refused, nothing sent.
    await click(MALLORY);
    expect(told(world).at(-1)).toContain('Resuming a GitOps sync');
    expect(gitopsWrites(world, APP_PATH)).toHaveLength(1);

    // The Application still has the revision of the pause: a dialog asks, and nothing is sent yet.
    await click(LEAD);
    const dialog = world.slack.callsTo('views.open').at(-1);
    expect(dialog?.args.view).toMatchObject({ callback_id: VIEW.confirmGitOpsResume, private_metadata: rollbackId });
    expect(textOf(dialog)).toContain('Resuming the sync now would re-deploy the bad version');
    expect(gitopsWrites(world, APP_PATH)).toHaveLength(1);

    await world.submit(LEAD, VIEW.confirmGitOpsResume, rollbackId);
    await world.runUntil(() => gitopsWrites(world, APP_PATH).length === 2, { maxMs: 60_000 });
    expect(gitopsWrites(world, APP_PATH)).toEqual([
      { spec: { syncPolicy: { automated: null } } },
      { spec: { syncPolicy: SELF_HEAL } },
    ]);
    expect(world.kube!.mustGet('Application', 'argocd', 'prompt-service').spec.syncPolicy).toEqual(SELF_HEAL);
    await world.settle();
    expect(thread(world, incident.slackTs).some((t) => t.includes('<@U0LEAD> resumed the sync of Argo CD'))).toBe(true);
    const resumed = world.rewind.store.incidents.timeline(incident.id).filter((e) => e.kind === 'gitops_resumed');
    expect(resumed.map((e) => [e.actor.id, e.detail])).toEqual([
      [LEAD, { rollbackId, target: 'Application argocd/prompt-service' }],
    ]);

    // Once resumed there is nothing left to resume.
    await click(LEAD);
    expect(told(world).at(-1)).toContain('nothing to resume');
    expect(gitopsWrites(world, APP_PATH)).toHaveLength(2);
  });

  it('resumes at once when git has moved on since the pause', async () => {
    world = await startWorld({ kube: {}, config: blueGreen });
    world.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: MANAGED });
    const { click } = await rolledBack(world);
    world.kube!.setGitOpsRevision('Application', 'argocd', 'prompt-service', 'c0ffee1');
    const dialogs = world.slack.callsTo('views.open').length;
    await click(LEAD);
    await world.runUntil(() => gitopsWrites(world, APP_PATH).length === 2, { maxMs: 60_000 });
    expect(world.slack.callsTo('views.open')).toHaveLength(dialogs);
    expect(gitopsWrites(world, APP_PATH).at(-1)).toEqual({ spec: { syncPolicy: SELF_HEAL } });
  });
});

describe('Resume GitOps sync pressed twice at once', () => {
  const resumedNotes = (w: World, ts: string | null) =>
    thread(w, ts).filter((t) => t.includes('<@U0LEAD> resumed the sync of Argo CD'));

  it('two clicks: one PATCH, one note; the other click is told it is already being resumed', async () => {
    world = await startWorld({ kube: {}, config: blueGreen });
    world.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: MANAGED });
    const { incident, click } = await rolledBack(world);
    world.kube!.setGitOpsRevision('Application', 'argocd', 'prompt-service', 'c0ffee1');
    // The resume write takes a while, so the second click arrives while the first one is sending it.
    world.kube!.delayNext({ method: 'PATCH', path: APP_PATH }, { ms: 300 });
    await Promise.all([click(LEAD), click(LEAD)]);
    await world.runUntil(() => gitopsWrites(world, APP_PATH).length >= 2, { maxMs: 60_000 });
    await vi.waitFor(() => expect(resumedNotes(world, incident.slackTs)).toHaveLength(1), { timeout: 15_000 });
    await vi.waitFor(() => expect(told(world).join('\n')).toContain('is already being resumed'), { timeout: 15_000 });
    await world.settle();
    expect(gitopsWrites(world, APP_PATH)).toEqual([
      { spec: { syncPolicy: { automated: null } } },
      { spec: { syncPolicy: SELF_HEAL } },
    ]);
    expect(resumedNotes(world, incident.slackTs)).toHaveLength(1);
    const timeline = world.rewind.store.incidents.timeline(incident.id);
    expect(timeline.filter((e) => e.kind === 'gitops_resumed')).toHaveLength(1);
    const gitops = world.rewind.store.rollbacks.history()[0]!.id;
    const detail = world.rewind.store.rollbacks.steps(gitops).find((s) => s.detail.kind === 'gitops')?.detail;
    expect(detail).toMatchObject({ resumedBy: LEAD });
    expect(detail).not.toHaveProperty('resumingAt');
  });

  it('two dialog submits: one PATCH; the other is told it is already being resumed', async () => {
    world = await startWorld({ kube: {}, config: blueGreen });
    world.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: MANAGED });
    const { incident, rollbackId, click } = await rolledBack(world);
    await click(LEAD);
    expect(world.slack.callsTo('views.open').at(-1)?.args.view).toMatchObject({
      callback_id: VIEW.confirmGitOpsResume,
    });
    world.kube!.delayNext({ method: 'PATCH', path: APP_PATH }, { ms: 300 });
    await Promise.all([
      world.submit(LEAD, VIEW.confirmGitOpsResume, rollbackId),
      world.submit(LEAD, VIEW.confirmGitOpsResume, rollbackId),
    ]);
    await world.runUntil(() => gitopsWrites(world, APP_PATH).length >= 2, { maxMs: 60_000 });
    const ephemerals = () => world.slack.callsTo('chat.postEphemeral').map(textOf).join('\n');
    await vi.waitFor(() => expect(ephemerals()).toContain('is already being resumed'), { timeout: 15_000 });
    await vi.waitFor(() => expect(resumedNotes(world, incident.slackTs)).toHaveLength(1), { timeout: 15_000 });
    await world.settle();
    expect(gitopsWrites(world, APP_PATH)).toHaveLength(2);
    expect(resumedNotes(world, incident.slackTs)).toHaveLength(1);
  });
});

describe('Resume GitOps sync pressed twice at once while git still has the paused revision', () => {
  const dialogs = (w: World) =>
    w.slack
      .callsTo('views.open')
      .filter((c) => (c.args.view as { callback_id?: string }).callback_id === VIEW.confirmGitOpsResume);

  for (const locale of ['en', 'ja'] as const) {
    it(`one dialog opens; the other click is told a confirmation is open, not "resuming" (${locale})`, async () => {
      world = await startWorld({
        kube: {},
        config: (c) => {
          blueGreen(c);
          c.locale = locale;
        },
      });
      world.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: MANAGED });
      const { rollbackId, click } = await rolledBack(world);
      // The owner's read takes a while, so the second click arrives while the first one holds the claim.
      world.kube!.delayNext({ method: 'GET', path: APP_PATH }, { ms: 300 });
      await Promise.all([click(LEAD), click(LEAD)]);
      await world.settle();
      expect(dialogs(world)).toHaveLength(1);
      const lines = told(world).join('\n');
      if (locale === 'en') {
        expect(lines).toContain(
          `🚫 A confirmation to resume the GitOps sync rollback ${rollbackId} paused is open already: answer it ` +
            'there (or cancel it and press Resume again). Nothing was resumed.',
        );
      } else {
        const line = told(world).find((t) => t.includes('確認がすでに開いています')) ?? '';
        expect(line).toContain(
          `ロールバック ${rollbackId} が一時停止した GitOps の同期を再開する確認がすでに開いています`,
        );
        expect(englishWords(line, [...NAMES, 'GitOps'])).toEqual([]);
      }
      expect(lines).not.toContain('already being resumed');
      expect(lines).not.toContain('すでに再開中');
      expect(gitopsWrites(world, APP_PATH)).toHaveLength(1); // the pause only
      // The dialog is answered: the sync is resumed once.
      await world.submit(LEAD, VIEW.confirmGitOpsResume, rollbackId);
      await world.runUntil(() => gitopsWrites(world, APP_PATH).length === 2, { maxMs: 60_000 });
      expect(gitopsWrites(world, APP_PATH).at(-1)).toEqual({ spec: { syncPolicy: SELF_HEAL } });
    });
  }
});

describe('Resume GitOps sync while a rollback runs', () => {
  it('is refused: the sync stays off until the rollback ends', async () => {
    world = await startWorld({ kube: { split: { 'v2.0.0': 50, 'v1.5.0': 50, 'v1.0.0': 0 } } });
    const vs = { kind: 'VirtualService', namespace: 'prompts', name: 'prompt-service' };
    world.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: [vs] });
    const incident = await world.openIncident();
    const messageTs = incident.slackTs ?? '';
    await world.act({ user: LEAD, actionId: ACTION.gradual, value: incident.id, blockId: BLOCK.decisions, messageTs });
    const metadata = (world.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string }).private_metadata;
    await world.submit(LEAD, VIEW.confirmRollback, metadata);
    // Phase 1 is being observed: the pause is in force and the rollback runs.
    const observing = () =>
      world.rewind.store.rollbacks
        .steps(world.rewind.store.rollbacks.history()[0]?.id ?? '')
        .some((s) => s.detail.kind === 'observe' && s.status === 'running');
    await world.runUntil(observing, { maxMs: 10 * 60_000 });
    const rollbackId = world.rewind.store.rollbacks.history()[0]!.id;
    await world.act({
      user: LEAD,
      actionId: ACTION.gitopsResume,
      value: rollbackId,
      blockId: BLOCK.rollbackControls,
      messageTs,
    });
    expect(told(world).at(-1)).toContain('A gradual rollback of *prompt-service* is already in progress');
    expect(gitopsWrites(world, APP_PATH)).toEqual([{ spec: { syncPolicy: { automated: null } } }]);
  });
});

describe('Resume GitOps sync after a rollback that suspended Flux', () => {
  it('suspend true for the rollback, false on resume; said in Japanese', async () => {
    world = await startWorld({
      kube: {},
      config: (c) => {
        blueGreen(c);
        c.locale = 'ja';
      },
    });
    world.kube!.seedFluxKustomization({ name: 'apps', manages: MANAGED });
    const { incident, click } = await rolledBack(world);
    const note = thread(world, incident.slackTs).find((t) => t.includes('一時停止したままです'));
    expect(note).toContain('`Service prompts/prompt-service`: `spec.selector.version: v1.5.0`');
    expect(englishWords(JSON.parse(note!).text as string, NAMES)).toEqual([]);

    world.kube!.setGitOpsRevision('Kustomization', 'flux-system', 'apps', 'main@sha1:c0ffee1');
    await click(LEAD);
    await world.runUntil(() => gitopsWrites(world, KUSTOMIZATION_PATH).length === 2, { maxMs: 60_000 });
    expect(gitopsWrites(world, KUSTOMIZATION_PATH)).toEqual([
      { spec: { suspend: true } },
      { spec: { suspend: false } },
    ]);
    await world.settle();
    const resumed = thread(world, incident.slackTs).find((t) => t.includes('同期を再開しました'));
    expect(englishWords(JSON.parse(resumed!).text as string, [...NAMES, 'U0LEAD'])).toEqual([]);
  });
});

describe('Resume GitOps sync after the Application was deleted', () => {
  it('says the Application no longer exists, settles the pause, sends nothing, and does not crash', async () => {
    world = await startWorld({ kube: {}, config: blueGreen });
    world.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: MANAGED });
    const { incident, rollbackId, click } = await rolledBack(world);
    // `kubectl delete application prompt-service -n argocd`, through the API server.
    const deleted = await fetch(`${world.kube!.url}${APP_PATH}`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer token-world' },
    });
    expect(deleted.status).toBe(200);
    expect(world.kube!.object('Application', 'argocd', 'prompt-service')).toBeUndefined();

    await click(LEAD);
    await world.settle();
    const gone = thread(world, incident.slackTs).filter((t) => t.includes('no longer exists'));
    expect(gone).toHaveLength(1);
    expect(gone[0]).toContain(
      'Argo CD application `prompt-service` no longer exists, so there is no sync left to resume.',
    );
    expect(world.slack.callsTo('views.open').filter((c) => textOf(c).includes('re-deploy the bad version'))).toEqual(
      [],
    );
    const patches = world.kube!.appliedWrites().filter((r) => r.path === APP_PATH && r.method === 'PATCH');
    expect(patches.map((r) => r.body)).toEqual([{ spec: { syncPolicy: { automated: null } } }]);
    const step = world.rewind.store.rollbacks.steps(rollbackId).find((s) => s.detail.kind === 'gitops');
    expect(step?.detail).toMatchObject({ resumedBy: LEAD });
    // Settled: Resume pressed again has nothing to resume, and says so.
    await click(LEAD);
    expect(told(world).at(-1)).toContain('nothing to resume');
    await world.settle();
    expect(thread(world, incident.slackTs).filter((t) => t.includes('no longer exists'))).toHaveLength(1);
  });
});

describe('Resume GitOps sync: the confirmation dialog cancelled, then Resume pressed again', () => {
  it('asks again, and the confirmed resume restores the policy once', async () => {
    world = await startWorld({ kube: {}, config: blueGreen });
    world.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: MANAGED });
    const { rollbackId, click } = await rolledBack(world);
    const dialogs = () =>
      world.slack
        .callsTo('views.open')
        .filter((c) => (c.args.view as { callback_id?: string }).callback_id === VIEW.confirmGitOpsResume);
    await click(LEAD);
    expect(dialogs()).toHaveLength(1);
    // Cancel sends Rewind nothing (the dialog does not ask to be told when it closes): the claim was given back.
    await click(LEAD);
    expect(dialogs()).toHaveLength(2);
    expect(gitopsWrites(world, APP_PATH)).toHaveLength(1);
    await world.submit(LEAD, VIEW.confirmGitOpsResume, rollbackId);
    await world.runUntil(() => gitopsWrites(world, APP_PATH).length === 2, { maxMs: 60_000 });
    expect(gitopsWrites(world, APP_PATH).at(-1)).toEqual({ spec: { syncPolicy: SELF_HEAL } });
    // The first dialog, submitted late, resumes nothing more.
    await world.submit(LEAD, VIEW.confirmGitOpsResume, rollbackId);
    await world.settle();
    expect(gitopsWrites(world, APP_PATH)).toHaveLength(2);
    expect(world.slack.callsTo('chat.postEphemeral').map(textOf).join('\n')).toContain('nothing to resume');
  });
});
