/**
 * End to end: a rollback of routing that Argo CD or Flux re-applies from git. A signed button click
 * and confirmation start the real engine on the Kubernetes stand-in; the owner is read before the
 * first step, its sync is turned off before the switch (and the policy before kept in the step
 * row), the thread says so in the reader's language, and a restart between the pause and the
 * switch neither pauses twice nor loses the kept policy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import { gitopsLine } from '../../../src/adapters/slack/blocks/gitops.ts';
import type { GitOpsSnapshot } from '../../../src/services/incident-snapshot.ts';
import { englishWords } from '../../support/no-english.ts';
import { LEAD, startWorld, textOf, type ConfigDoc, type World } from '../../support/world.ts';
import { NAMES } from '../i18n/step-note.ts';

let world: World;
afterEach(async () => world?.stop());

const SERVICE_PATH = '/api/v1/namespaces/prompts/services/prompt-service';
const APP_PATH = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/prompt-service';
const KUSTOMIZATION_PATH = '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps';
const SELF_HEAL = { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] };
const MANAGED = [{ kind: 'Service', namespace: 'prompts', name: 'prompt-service' }];
const TEAM_APP_PATH = '/apis/argoproj.io/v1alpha1/namespaces/team/applications/prompt-service';
const STALE_TRACKING = 'old-app:/Service:prompts/prompt-service';

const blueGreen =
  (extra: (c: ConfigDoc) => void = () => undefined) =>
  (c: ConfigDoc) => {
    c.services['prompt-service'].router = { kind: 'service-selector', service: 'prompt-service' };
    extra(c);
  };

async function clickAndConfirm(w: World) {
  const incident = await w.openIncident();
  await w.act({
    user: LEAD,
    actionId: ACTION.immediate,
    value: incident.id,
    blockId: BLOCK.decisions,
    messageTs: incident.slackTs ?? '',
  });
  const metadata = (w.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string }).private_metadata;
  await w.submit(LEAD, VIEW.confirmRollback, metadata);
  return incident;
}

const rollbackDone = (w: World) => () =>
  ['succeeded', 'failed', 'aborted'].includes(w.rewind.store.rollbacks.history()[0]?.status ?? '');

const threadOf = (w: World, ts: string | null) =>
  w.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.thread_ts === ts)
    .map(textOf);

/** The head message as it was updated while the rollback ran (a resolved incident's is shorter). */
const headsOf = (w: World, ts: string | null) =>
  w.slack
    .callsTo('chat.update')
    .filter((c) => c.args.ts === ts)
    .map(textOf);

/** The switch of the selector, guarded by the resourceVersion it read. */
const GUARDED_SWITCH = { metadata: { resourceVersion: expect.any(String) }, spec: { selector: { version: 'v1.5.0' } } };

const writesOf = (w: World) => w.kube!.appliedWrites().map((r) => [r.method, r.path, r.query.fieldManager, r.body]);

const stepsOf = (w: World) => {
  const [rollback] = w.rewind.store.rollbacks.history();
  return w.rewind.store.rollbacks.steps(rollback?.id ?? '');
};

describe('a rollback of routing Argo CD syncs with self-heal', () => {
  it('pauses the Application before the Service patch, keeps its policy, and says so in the thread', async () => {
    world = await startWorld({ kube: {}, config: blueGreen() });
    world.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: MANAGED });
    world.kube!.clearRequests();
    const incident = await clickAndConfirm(world);
    await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });

    expect(writesOf(world)).toEqual([
      ['PATCH', APP_PATH, 'rewind', { spec: { syncPolicy: { automated: null } } }],
      ['PATCH', SERVICE_PATH, expect.anything(), GUARDED_SWITCH],
    ]);
    expect(world.kube!.mustGet('Application', 'argocd', 'prompt-service').spec.syncPolicy).toEqual({
      syncOptions: ['CreateNamespace=true'],
    });
    const steps = stepsOf(world);
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ['confirm', 'succeeded'],
      ['pause gitops sync', 'succeeded'],
      ['switch', 'succeeded'],
      ['verify', 'succeeded'],
      ['post-actions', 'succeeded'],
    ]);
    expect(steps[1]?.detail).toMatchObject({
      kind: 'gitops',
      owner: { tool: 'argocd', application: 'prompt-service', namespace: 'argocd' },
      selfHeal: true,
      keptSyncPolicy: SELF_HEAL,
      pausedBefore: false,
      revision: expect.any(String),
    });

    const said =
      'GitOps: routing managed by Argo CD application `prompt-service` with self-heal on: ' +
      'its sync is paused for this rollback';
    expect(textOf(world.slack.callsTo('views.open')[0])).toContain(said);
    expect(headsOf(world, incident.slackTs).some((h) => h.includes(said))).toBe(true);
    const thread = threadOf(world, incident.slackTs);
    const pauseNote = thread.find((t) => t.includes('Step 2/5'));
    expect(pauseNote).toContain('routing managed by Argo CD application `prompt-service` with self-heal on');
    expect(pauseNote).toContain('its sync is paused for this rollback');
    expect(pauseNote).toContain('PATCH Application argocd/prompt-service');

    const timeline = world.rewind.store.incidents.timeline(incident.id);
    expect(timeline.filter((e) => e.kind === 'gitops_paused').map((e) => e.detail)).toEqual([
      { rollbackId: steps[0]?.rollbackId, target: 'Application argocd/prompt-service', sent: true },
    ]);
    expect(world.rewind.store.audit.list({ action: 'gitops.pause' }).map((a) => [a.target, a.outcome])).toEqual([
      ['Application argocd/prompt-service', 'allowed'],
    ]);
  });

  it('a restart after the pause landed unanswered: one pause, one switch, the policy before kept', async () => {
    world = await startWorld({ kube: {}, config: blueGreen() });
    world.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: MANAGED });
    world.kube!.clearRequests();
    // The pause is carried out but its answer never comes: the bot goes down waiting for it.
    world.kube!.applyThenHang({ method: 'PATCH', path: APP_PATH });
    await clickAndConfirm(world);
    await world.runUntil(() => world.kube!.appliedWrites().length === 1, { maxMs: 60_000 });
    // The bot stops while it waits for that answer; the wait runs out on its clock as it stops.
    let restarted = false;
    const restart = world.restart().then(() => (restarted = true));
    while (!restarted) {
      await world.clock.advance(1_000);
      await new Promise((r) => setTimeout(r, 2));
    }
    await restart;
    await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });

    expect(world.rewind.store.rollbacks.history()[0]?.status).toBe('succeeded');
    expect(writesOf(world).map(([method, path]) => `${String(method)} ${String(path)}`)).toEqual([
      `PATCH ${APP_PATH}`,
      `PATCH ${SERVICE_PATH}`,
    ]);
    expect(stepsOf(world)[1]?.detail).toMatchObject({ keptSyncPolicy: SELF_HEAL, pausedBefore: false });
  });

  it('says it all in Japanese: the dialog, the head message and the thread', async () => {
    world = await startWorld({ kube: {}, config: blueGreen((c) => (c.locale = 'ja')) });
    world.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: MANAGED });
    const incident = await clickAndConfirm(world);
    await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
    const said =
      'GitOps: ルーティングは Argo CD のアプリケーション `prompt-service` が管理しています（セルフヒール有効）。' +
      'このロールバックのあいだ同期を一時停止しています';
    expect(textOf(world.slack.callsTo('views.open')[0])).toContain(said);
    expect(headsOf(world, incident.slackTs).some((h) => h.includes(said))).toBe(true);
    const note = threadOf(world, incident.slackTs).find((t) => t.includes('GitOps の同期の一時停止'));
    expect(note).toContain('このロールバックのあいだ同期を一時停止しています');
    expect(englishWords(JSON.parse(note!).text as string, NAMES)).toEqual([]);
  });

  it('a dry run shows the pause it would send, sends nothing, and leaves nothing to resume', async () => {
    const dryRun = (c: ConfigDoc) => {
      (c.rollback as Record<string, unknown>).dryRun = true;
    };
    world = await startWorld({ kube: {}, config: blueGreen(dryRun) });
    world.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: MANAGED });
    world.kube!.clearRequests();
    const incident = await clickAndConfirm(world);
    await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
    expect(world.kube!.writes()).toEqual([]);
    const thread = threadOf(world, incident.slackTs);
    const note = thread.find((t) => t.includes('Step 2/5'));
    expect(note).toContain('dry run, not sent: PATCH Application argocd/prompt-service');
    expect(thread.some((t) => t.includes('still paused'))).toBe(false);
    expect(headsOf(world, incident.slackTs).some((h) => h.includes('dry run: its sync is not paused'))).toBe(true);
  });

  it('an Application already without automated sync is not patched', async () => {
    world = await startWorld({ kube: {}, config: blueGreen() });
    world.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: { syncOptions: [] }, manages: MANAGED });
    world.kube!.clearRequests();
    const incident = await clickAndConfirm(world);
    await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
    expect(writesOf(world).map(([, path]) => path)).toEqual([SERVICE_PATH]);
    const note = threadOf(world, incident.slackTs).find((t) => t.includes('Step 2/5'));
    expect(note).toContain('with self-heal off');
    expect(note).toContain('its sync was already paused: nothing sent');
  });
});

describe('a rollback of routing Flux reconciles', () => {
  it('suspends the Kustomization before the Service patch', async () => {
    world = await startWorld({ kube: {}, config: blueGreen() });
    world.kube!.seedFluxKustomization({ name: 'apps', manages: MANAGED });
    world.kube!.clearRequests();
    await clickAndConfirm(world);
    await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
    expect(writesOf(world)).toEqual([
      ['PATCH', KUSTOMIZATION_PATH, 'rewind', { spec: { suspend: true } }],
      ['PATCH', SERVICE_PATH, expect.anything(), GUARDED_SWITCH],
    ]);
    expect(world.kube!.mustGet('Kustomization', 'flux-system', 'apps').spec.suspend).toBe(true);
  });

  it('onRollback warn: nothing is paused, and the thread says plainly that sync may undo the rollback', async () => {
    const warn = (c: ConfigDoc) => {
      (c.services['prompt-service'] as Record<string, unknown>).gitops = {
        tool: 'flux',
        application: 'apps',
        onRollback: 'warn',
      };
    };
    world = await startWorld({ kube: {}, config: blueGreen(warn) });
    world.kube!.seedFluxKustomization({ name: 'apps', manages: MANAGED });
    world.kube!.clearRequests();
    const incident = await clickAndConfirm(world);
    await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
    expect(writesOf(world).map(([, path]) => path)).toEqual([SERVICE_PATH]);
    expect(stepsOf(world).map((s) => s.name)).toContain('gitops warning');
    const note = threadOf(world, incident.slackTs).find((t) => t.includes('Step 2/5'));
    expect(note).toContain('routing managed by Flux Kustomization `flux-system/apps`');
    expect(note).toContain('it may undo this rollback');
  });
});

describe('an Argo CD Application outside the argocd namespace', () => {
  const setLabel = (w: World, instance: string) =>
    w.kube!.editAs('argocd-controller', 'Service', 'prompts', 'prompt-service', (o) => {
      o.metadata.labels = { ...o.metadata.labels, 'app.kubernetes.io/instance': instance };
    });

  it('is found from its `<namespace>_<app>` instance label and paused before the Service patch', async () => {
    world = await startWorld({ kube: {}, config: blueGreen() });
    world.kube!.seedArgoApplication({
      name: 'prompt-service',
      namespace: 'team',
      syncPolicy: SELF_HEAL,
      manages: MANAGED,
    });
    setLabel(world, 'team_prompt-service');
    world.kube!.clearRequests();
    await clickAndConfirm(world);
    await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
    expect(writesOf(world)).toEqual([
      ['PATCH', TEAM_APP_PATH, 'rewind', { spec: { syncPolicy: { automated: null } } }],
      ['PATCH', SERVICE_PATH, expect.anything(), GUARDED_SWITCH],
    ]);
    expect(stepsOf(world)[1]?.detail).toMatchObject({
      owner: { tool: 'argocd', application: 'prompt-service', namespace: 'team', source: 'label' },
    });
    expect(world.kube!.mustGet('Application', 'team', 'prompt-service').spec.syncPolicy).toEqual({
      syncOptions: ['CreateNamespace=true'],
    });
  });

  it('is looked for in the appNamespace of a setting that names no application', async () => {
    const inTeam = (c: ConfigDoc) => {
      (c.services['prompt-service'] as Record<string, unknown>).gitops = { tool: 'argocd', appNamespace: 'team' };
    };
    world = await startWorld({ kube: {}, config: blueGreen(inTeam) });
    world.kube!.seedArgoApplication({
      name: 'prompt-service',
      namespace: 'team',
      syncPolicy: SELF_HEAL,
      manages: MANAGED,
    });
    setLabel(world, 'prompt-service');
    world.kube!.clearRequests();
    await clickAndConfirm(world);
    await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
    expect(writesOf(world).map(([method, path]) => `${String(method)} ${String(path)}`)).toEqual([
      `PATCH ${TEAM_APP_PATH}`,
      `PATCH ${SERVICE_PATH}`,
    ]);
  });
});

describe('a tracking annotation left behind by an Application that no longer exists', () => {
  const leftBehind = (w: World) =>
    w.kube!.editAs('argocd-controller', 'Service', 'prompts', 'prompt-service', (o) => {
      o.metadata.annotations = { ...o.metadata.annotations, 'argocd.argoproj.io/tracking-id': STALE_TRACKING };
    });

  it('counts as nobody: the rollback moves traffic, and the thread says the mark names no Application', async () => {
    world = await startWorld({ kube: {}, config: blueGreen() });
    leftBehind(world);
    world.kube!.clearRequests();
    const incident = await clickAndConfirm(world);
    await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
    expect(world.rewind.store.rollbacks.history()[0]?.status).toBe('succeeded');
    expect(stepsOf(world).map((s) => s.name)).toEqual(['confirm', 'switch', 'verify', 'post-actions']);
    expect(writesOf(world).map(([, path]) => path)).toEqual([SERVICE_PATH]);
    expect(world.slack.callsTo('chat.postEphemeral').map(textOf).join('\n')).not.toContain('could not start');
    const told = threadOf(world, incident.slackTs).filter((t) => t.includes('old-app'));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(
      "GitOps: the routing carries Argo CD's mark for `old-app`, but no such Application exists in `argocd`, " +
        'so nothing was paused for this rollback.',
    );
  });

  it('says so in Japanese', async () => {
    world = await startWorld({ kube: {}, config: blueGreen((c) => (c.locale = 'ja')) });
    leftBehind(world);
    const incident = await clickAndConfirm(world);
    await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
    expect(world.rewind.store.rollbacks.history()[0]?.status).toBe('succeeded');
    const note = threadOf(world, incident.slackTs).find((t) => t.includes('old-app'));
    expect(note).toContain(
      'ルーティングには Argo CD の `old-app` の印がありますが、`argocd` にそのアプリケーションは存在しない',
    );
    expect(englishWords(JSON.parse(note!).text as string, NAMES)).toEqual([]);
  });
});

describe('a GitOps owner named in config that does not exist', () => {
  it('stops the rollback before anything is changed, and says why', async () => {
    const gone = (c: ConfigDoc) => {
      (c.services['prompt-service'] as Record<string, unknown>).gitops = { tool: 'argocd', application: 'gone' };
    };
    world = await startWorld({ kube: {}, config: blueGreen(gone) });
    await clickAndConfirm(world);
    await world.runUntil(() => world.slack.callsTo('chat.postEphemeral').length > 0, { maxMs: 60_000 });
    const told = textOf(world.slack.callsTo('chat.postEphemeral').at(-1));
    expect(told).toContain('Argo CD Application argocd/gone does not exist');
    // The refusal is told here alone, so it sends nobody to the thread for it.
    expect(told).not.toContain('thread');
    expect(world.kube!.writes()).toEqual([]);
    expect(stepsOf(world)).toEqual([]);
  });
});

describe('an owner Rewind may not read', () => {
  it('stops the rollback before anything is changed, naming the call that was refused', async () => {
    world = await startWorld({ kube: {}, config: blueGreen() });
    world.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: MANAGED });
    world.kube!.failNext(
      { method: 'GET', path: APP_PATH },
      { status: 403, times: 10, message: 'applications.argoproj.io "prompt-service" is forbidden' },
    );
    world.kube!.clearRequests();
    await clickAndConfirm(world);
    await world.runUntil(() => world.slack.callsTo('chat.postEphemeral').length > 0, { maxMs: 60_000 });
    const told = textOf(world.slack.callsTo('chat.postEphemeral').at(-1));
    expect(told).toContain('read who manages prompt-service routing from git failed');
    expect(told).toContain('is forbidden');
    expect(world.kube!.writes()).toEqual([]);
  });
});

describe('a rollback of routing no GitOps controller manages', () => {
  it('has no GitOps step and sends nothing but the switch', async () => {
    world = await startWorld({ kube: {}, config: blueGreen() });
    await clickAndConfirm(world);
    await world.runUntil(rollbackDone(world), { maxMs: 10 * 60_000 });
    expect(stepsOf(world).map((s) => s.name)).toEqual(['confirm', 'switch', 'verify', 'post-actions']);
    expect(writesOf(world).map(([, path]) => path)).toEqual([SERVICE_PATH]);
  });
});

describe('the head message line, in every state and both languages', () => {
  const STATES: Record<GitOpsSnapshot['state'], string> = {
    to_pause: 'its sync is paused before the switch',
    paused: 'its sync is paused for this rollback',
    was_paused: 'its sync was already paused',
    left_on: 'its sync is left on (onRollback: warn) and may undo this rollback',
    not_paused: 'its sync could not be paused, so it may undo this rollback',
    resumed: 'its sync is resumed',
    dry_run: 'dry run: its sync is not paused',
  };
  const owners: GitOpsSnapshot['owner'][] = [
    { tool: 'argocd', application: 'prompt-service', namespace: 'argocd', source: 'label' },
    { tool: 'flux', kind: 'HelmRelease', name: 'prompt-service', namespace: 'prompts', source: 'config' },
  ];
  it.each(Object.entries(STATES))('%s', (state, english) => {
    for (const owner of owners) {
      const g = { owner, selfHeal: true, state: state as GitOpsSnapshot['state'] };
      expect(gitopsLine(g, 'en')).toMatch(
        new RegExp(`^GitOps: routing managed by .*: ${english.replace(/[()]/g, '\\$&')}$`),
      );
      const ja = gitopsLine(g, 'ja');
      expect(englishWords(ja, NAMES), ja).toEqual([]);
    }
  });
});
