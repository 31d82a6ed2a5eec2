/**
 * kill -9 between the GitOps pause and the switch: prompt-service's Service is synced by an Argo CD
 * Application with self-heal on, so an immediate rollback first pauses that sync (a merge patch of
 * the Application) and then switches the Service's selector. The Kubernetes stand-in holds the
 * first PATCH of the Service; the bot is killed while it is held, and the PATCH is then dropped
 * (it never arrived) or carried out (its answer lost with the process). After the restart on the
 * same database the rollback finishes with exactly one pause of the Application and one switch of
 * the Service; its thread names the change to commit; and Resume GitOps sync writes back the
 * syncPolicy kept at the pause, once, after which the Application is as it was before the rollback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK } from '../../src/adapters/slack/ids.ts';
import type { RecordedRequest } from '../../src/demo/stand-ins/kube/requests.ts';
import { settleAndCheck } from './support/checks.ts';
import { format } from './support/invariants.ts';
import { IN_FAULT_SUITE, LEAD, MIN, Rig } from './support/rig.ts';
import { ANSWERS, answerMatrix, decideAndConfirm, openIncident, rollbacksOf } from './support/scenarios.ts';

const APP_PATH = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/prompt-service';
const SERVICE_PATH = '/api/v1/namespaces/prompts/services/prompt-service';
const SELF_HEAL = { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] };
const PAUSE = { spec: { syncPolicy: { automated: null } } };
const COMMITTED_REVISION = '3a7e5c1f9b2d4e6a8c0f1e3d5b7a9c2e4f6a8b0d';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const patchesOf = (r: Rig, path: string): RecordedRequest[] =>
  r.kube.appliedWrites().filter((w) => w.method === 'PATCH' && w.path === path);

describe.skipIf(!IN_FAULT_SUITE)('kill -9 between the GitOps pause and the switch', () => {
  it.each([
    { fate: 'drop', what: 'never arrived' },
    { fate: 'apply', what: 'carried out, its answer lost' },
  ] as const)('the held Service PATCH $what: one pause, one switch, the kept syncPolicy resumed', async ({ fate }) => {
    const r = await Rig.start({
      scale: 60,
      config: (doc) => {
        doc.services['prompt-service'].router = { kind: 'service-selector', service: 'prompt-service' };
        // The istio-fault injector needs an Istio-routed drill service; no drill runs here.
        doc.drills.injector = { kind: 'simulated' };
      },
    });
    rig = r;
    r.kube.seedArgoApplication({
      name: 'prompt-service',
      syncPolicy: SELF_HEAL,
      manages: [{ kind: 'Service', namespace: 'prompts', name: 'prompt-service' }],
    });

    // The Service PATCH is held while the bot is killed, then carried out or dropped; the bot starts again.
    let pausesAtKill = -1;
    let restarted: Promise<void> | undefined;
    r.kube.interceptNext({ method: 'PATCH', path: SERVICE_PATH }, async () => {
      pausesAtKill = patchesOf(r, APP_PATH).length;
      await r.bot.kill9();
      restarted = r.bot.start();
      return fate;
    });

    const incident = await openIncident(r);
    expect(await answerMatrix(r, incident, ANSWERS.immediate)).toEqual([]);
    await decideAndConfirm(r, incident, 'immediate');

    await r.until('the kill at the held Service PATCH', () => restarted !== undefined, r.real(10 * MIN));
    await restarted;
    expect(pausesAtKill, 'the Application was paused before the switch was sent').toBe(1);
    const rollback = await r.until(
      'the rollback succeeded after the restart',
      () => rollbacksOf(r).find((x) => x.status === 'succeeded'),
      r.real(10 * MIN) + 30_000,
    );

    // Exactly one pause and one switch reached the cluster.
    expect(patchesOf(r, APP_PATH).map((w) => w.body)).toEqual([PAUSE]);
    expect(patchesOf(r, SERVICE_PATH)).toHaveLength(1);
    expect(r.kube.mustGet('Service', 'prompts', 'prompt-service').spec?.selector).toMatchObject({
      version: 'v1.5.0',
    });
    expect(r.kube.mustGet('Application', 'argocd', 'prompt-service').spec?.syncPolicy).toEqual({
      syncOptions: ['CreateNamespace=true'],
    });

    // The thread says what to commit and offers Resume GitOps sync; git has the change, so it resumes at once.
    const note = await r.until('the still-paused note with Resume GitOps sync', () =>
      r.slack
        .callsTo('chat.postMessage')
        .find((c) => c.args.thread_ts === incident.slack_ts && JSON.stringify(c.args).includes('still paused')),
    );
    // A switch the killed process carried out is read back after the restart, not sent again; either
    // way the note names the field to commit to git.
    expect(JSON.stringify(note.args)).toContain('spec.selector.version: v1.5.0');
    expect(JSON.stringify(note.args)).toContain(`"action_id":"${ACTION.gitopsResume}"`);
    r.kube.setGitOpsRevision('Application', 'argocd', 'prompt-service', COMMITTED_REVISION);
    const click = await r.act({
      user: LEAD,
      actionId: ACTION.gitopsResume,
      value: rollback.id,
      blockId: BLOCK.rollbackControls,
      messageTs: incident.slack_ts,
    });
    expect(click.status).toBe(200);
    await r.until('the resume patch', () => patchesOf(r, APP_PATH).length === 2);
    expect(patchesOf(r, APP_PATH)[1]?.body).toEqual({ spec: { syncPolicy: SELF_HEAL } });
    expect(r.kube.mustGet('Application', 'argocd', 'prompt-service').spec?.syncPolicy).toEqual(SELF_HEAL);

    const { violations } = await settleAndCheck(r, { settleMs: 15_000 });
    expect(violations, `${format(violations)}\n--- bot log (tail):\n${r.bot.output(undefined, 4_000)}`).toEqual([]);
    // Nothing more reached the cluster after the resume, and it was resumed once.
    expect(patchesOf(r, APP_PATH)).toHaveLength(2);
    expect(patchesOf(r, SERVICE_PATH)).toHaveLength(1);
    const resumed = r.read(
      (db) =>
        db.prepare(`SELECT count(*) AS n FROM timeline_events WHERE kind = 'gitops_resumed'`).get() as { n: number },
    );
    expect(resumed.n).toBe(1);
  });
});
