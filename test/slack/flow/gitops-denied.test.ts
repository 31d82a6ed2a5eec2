/**
 * End to end: Kubernetes refuses (403) Rewind's pause of the Argo CD Application's sync. The
 * rollback stops before its switch, the refused pause is audited as an error, and the thread says
 * the way forward (grant patch on applications, or `onRollback: warn`), in English and Japanese.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import { englishWords } from '../../support/no-english.ts';
import { LEAD, startWorld, type ConfigDoc, type World } from '../../support/world.ts';
import { NAMES } from '../i18n/step-note.ts';

let world: World;
afterEach(async () => world?.stop());

const SERVICE_PATH = '/api/v1/namespaces/prompts/services/prompt-service';
const APP_PATH = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/prompt-service';
const SELF_HEAL = { automated: { prune: true, selfHeal: true } };
const MANAGED = [{ kind: 'Service', namespace: 'prompts', name: 'prompt-service' }];

const blueGreen = (c: ConfigDoc) => {
  c.services['prompt-service']!.router = { kind: 'service-selector', service: 'prompt-service' };
};

async function rollbackWithPauseDenied(w: World) {
  w.kube!.seedArgoApplication({ name: 'prompt-service', syncPolicy: SELF_HEAL, manages: MANAGED });
  w.kube!.failNext(
    { method: 'PATCH', path: APP_PATH },
    { status: 403, times: 10, message: 'applications.argoproj.io "prompt-service" is forbidden' },
  );
  const incident = await w.openIncident();
  const messageTs = incident.slackTs ?? '';
  await w.act({ user: LEAD, actionId: ACTION.immediate, value: incident.id, blockId: BLOCK.decisions, messageTs });
  const metadata = (w.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string }).private_metadata;
  await w.submit(LEAD, VIEW.confirmRollback, metadata);
  await w.runUntil(() => w.rewind.store.rollbacks.history()[0]?.status === 'failed', { maxMs: 10 * 60_000 });
  await w.settle();
  return w.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.thread_ts === messageTs)
    .map((c) => String(c.args.text));
}

describe('a GitOps pause Kubernetes refuses with 403', () => {
  it('is audited as an error, and the thread names the fix; the routing is not switched', async () => {
    world = await startWorld({ kube: {}, config: blueGreen });
    const thread = await rollbackWithPauseDenied(world);
    const denied = thread.filter((t) => t.startsWith('🚫 Kubernetes refused'));
    expect(denied).toEqual([
      "🚫 Kubernetes refused (403 Forbidden) Rewind's pause of the sync of Argo CD application `prompt-service`, " +
        'so the rollback stopped before switching the routing. To go on, grant Rewind ' +
        '`{apiGroups: ["argoproj.io"], resources: ["applications"], verbs: ["patch"]}` in namespace `argocd` ' +
        '(the Role in `deploy/rbac/`), or set `gitops: { onRollback: warn }` for this service to roll back without ' +
        'pausing; then start the rollback again.',
    ]);
    const audit = world.rewind.store.audit.list({ action: 'gitops.pause' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      outcome: 'error',
      target: 'Application argocd/prompt-service',
      detail: { rollbackId: world.rewind.store.rollbacks.history()[0]!.id },
    });
    expect(String((audit[0]!.detail as { reason: string }).reason)).toContain('403');
    expect(world.kube!.appliedWrites().filter((r) => r.path === SERVICE_PATH)).toEqual([]);
  });

  it('says the fix in Japanese too', async () => {
    world = await startWorld({
      kube: {},
      config: (c) => {
        blueGreen(c);
        c.locale = 'ja';
      },
    });
    const thread = await rollbackWithPauseDenied(world);
    const denied = thread.filter((t) => t.startsWith('🚫 Kubernetes が'));
    expect(denied).toHaveLength(1);
    expect(denied[0]).toContain('`gitops: { onRollback: warn }`');
    expect(englishWords(denied[0]!, [...NAMES, 'Forbidden', 'Kubernetes', 'Rewind', 'Argo', 'CD'])).toEqual([]);
  });
});
