/**
 * End to end: after an immediate rollback resolves the incident, the fix-prep note's "Re-deploy fix
 * as cautious canary" button → the version modal → the real engine moving the fix in through the
 * VirtualService on the Kubernetes API stand-in (client-node): 1% first, then the configured steps;
 * an abortIf trip on the fix's metrics sends it back to 0%.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import { selectState } from '../../../src/demo/stand-ins/slack-signing.ts';
import { rolledBackAndResolved, withFix } from '../../support/canary-flow.ts';
import { HEALTHY, LEAD, MALLORY, actionIds, startWorld, textOf, type World } from '../../support/world.ts';

const MIN = 60_000;
const VS = '/apis/networking.istio.io/v1/namespaces/prompts/virtualservices/prompt-service';
let world: World;
afterEach(async () => world?.stop());

/** `v2-0-1=1 v2-0-0=0 v1-5-0=99 v1-0-0=0` for every successful PUT of the VirtualService. */
const weights = (w: World) =>
  w
    .kube!.writes()
    .filter((r) => r.path === VS && r.method === 'PUT' && r.status === 200)
    .map((r) =>
      (
        r.body as { spec: { http: { route: { destination: { subset: string }; weight: number }[] }[] } }
      ).spec.http[0]?.route
        .map((d) => `${d.destination.subset}=${d.weight}`)
        .join(' '),
    );
const fixShare = (line: string | undefined) => Number(/v2-0-1=(\d+)/.exec(line ?? '')?.[1] ?? 'NaN');

/** A block of the canary modal, as far as these tests look into it (the version select's options). */
interface ModalBlock {
  block_id?: string;
  element?: { options?: Array<{ value: string }> };
}

/** The fix-prep note in the thread, and the canary modal opened from its button. */
async function openCanaryModal(w: World, incident: { id: string; slackTs: string | null }, user = LEAD) {
  const note = w.slack
    .callsTo('chat.postMessage')
    .find((c) => c.args.thread_ts === incident.slackTs && actionIds(c).includes(ACTION.canaryFix));
  expect(note, 'the fix-prep note carries the canary button').toBeDefined();
  const opened = w.slack.callsTo('views.open').length;
  await w.act({
    user,
    actionId: ACTION.canaryFix,
    value: incident.id,
    blockId: BLOCK.decisions,
    messageTs: '1767603600.000900',
    threadTs: incident.slackTs ?? '',
  });
  // Over HTTP the answer to the click carries the listener's work; over Socket Mode the listener
  // opens the modal after it has acked, so the modal is waited for there.
  if (w.socket) await w.slack.waitForCall('views.open', { count: opened + 1 });
  return w.slack.callsTo('views.open').slice(opened)[0]?.args.view as
    { callback_id: string; private_metadata: string; blocks: ModalBlock[] } | undefined;
}

const canary = (w: World) => w.rewind.store.rollbacks.history().find((r) => r.strategy === 'canary');
const lastHead = (w: World, ts: string | null) =>
  w.slack
    .callsTo('chat.update')
    .filter((c) => c.args.ts === ts)
    .at(-1);
const headerOf = (call: ReturnType<typeof lastHead>) =>
  (call?.args.blocks as Array<{ type: string; text?: { text: string } }> | undefined)?.find((b) => b.type === 'header')
    ?.text?.text;

describe('re-deploying the fix as a cautious canary, from Slack', () => {
  it('the button asks for the version; the stand-in sees 1% first, then 5, 25, 50 and 100%', async () => {
    world = await startWorld({
      kube: { versions: ['v2.0.1', 'v2.0.0', 'v1.5.0', 'v1.0.0'], split: { 'v2.0.0': 100 } },
      config: withFix,
    });
    const incident = await rolledBackAndResolved(world);
    expect(weights(world)).toEqual(['v2-0-1=0 v2-0-0=0 v1-5-0=100 v1-0-0=0']);

    const modal = await openCanaryModal(world, incident);
    expect(modal?.callback_id).toBe(VIEW.canaryFix);
    const select = modal?.blocks.find((b) => b.block_id === BLOCK.canaryVersion)?.element;
    // not the stable one, not the bad one
    expect(select?.options?.map((o) => o.value)).toEqual(['v2.0.1', 'v1.0.0']);
    expect(JSON.stringify(modal?.blocks)).toContain('1% → 5% → 25% → 50% → 100%');

    const answer = await world.submit(LEAD, VIEW.canaryFix, modal?.private_metadata ?? '', {
      [BLOCK.canaryVersion]: { version: selectState('v2.0.1') },
    });
    expect(answer.body.response_action).toBeUndefined(); // the modal closes
    expect(textOf(world.slack.callsTo('chat.postEphemeral').at(-1))).toContain(
      'Cautious canary of *prompt-service* `v2.0.1` started at 1%',
    );

    await world.runUntil(() => weights(world).length === 2, { maxMs: 2 * MIN });
    expect(weights(world)[1]).toBe('v2-0-1=1 v2-0-0=0 v1-5-0=99 v1-0-0=0');
    // The write reaches the stand-in before the step reads it back and records the share: wait for the head to follow.
    await world.runUntil(() => String(headerOf(lastHead(world, incident.slackTs))).includes(' at 1%'), {
      maxMs: 2 * MIN,
    });
    // While it runs, the head message reads as the canary — its own state, progress and controls — not as resolved.
    const head = lastHead(world, incident.slackTs);
    expect(headerOf(head)).toBe(`🐤 ${incident.id} · prompt-service v2.0.0 · Fix canary: v2.0.1 at 1%`);
    expect(String(head?.args.text)).toMatch(
      new RegExp(`^🐤 ${incident.id} · prompt-service v2\\.0\\.0 · Fix canary: v2\\.0\\.1 at 1% · `),
    );
    expect(textOf(head)).not.toContain('Resolved');
    expect(textOf(head)).toContain('Canary re-deploy');
    expect(actionIds(head)).toEqual(expect.arrayContaining([ACTION.pause, ACTION.abort]));

    await world.runUntil(() => ['succeeded', 'aborted', 'failed'].includes(canary(world)?.status ?? ''), {
      stepMs: 30_000,
      maxMs: 120 * MIN,
    });
    expect(canary(world)?.status).toBe('succeeded');
    expect(weights(world).slice(1).map(fixShare)).toEqual([1, 5, 25, 50, 100]);
    // Each step is a GET then a PUT with the resourceVersion it read: nothing else was written.
    expect(
      world
        .kube!.writes()
        .filter((r) => r.method !== 'GET')
        .every((r) => r.path === VS && r.method === 'PUT'),
    ).toBe(true);
    const thread = world.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.thread_ts === incident.slackTs)
      .map(textOf);
    expect(thread.some((t) => t.includes('*canary 1%*'))).toBe(true);
    expect(thread.some((t) => t.includes('Canary re-deploy of *prompt-service* `v1.5.0` → `v2.0.1` finished'))).toBe(
      true,
    );
    expect(world.rewind.store.incidents.get(incident.id)?.status).toBe('resolved');
    // Done: resolved again at a glance, with the fix among the facts.
    await world.settle();
    expect(headerOf(lastHead(world, incident.slackTs))).toBe(`✅ ${incident.id} · prompt-service v2.0.0 · Resolved`);
    expect(textOf(lastHead(world, incident.slackTs))).toContain('Fix: Canary re-deploy `v1.5.0` → `v2.0.1`, Succeeded');
  });

  it('an abortIf trip on the fix sends it back to 0% on the stand-in and says why in the thread', async () => {
    world = await startWorld({
      kube: { versions: ['v2.0.1', 'v2.0.0', 'v1.5.0', 'v1.0.0'], split: { 'v2.0.0': 100 } },
      config: withFix,
    });
    const incident = await rolledBackAndResolved(world);
    world.rewind.metrics.simulated?.set('prompt-service', 'v2.0.1', {
      ...HEALTHY,
      error_rate: 0.09,
      availability: 0.91,
    });
    const modal = await openCanaryModal(world, incident);
    await world.submit(LEAD, VIEW.canaryFix, modal?.private_metadata ?? '', {
      [BLOCK.canaryVersion]: { version: selectState('v2.0.1') },
    });
    await world.runUntil(() => canary(world)?.status === 'aborted', { maxMs: 10 * MIN });

    expect(weights(world).slice(1).map(fixShare)).toEqual([1, 0]);
    expect(weights(world).at(-1)).toBe('v2-0-1=0 v2-0-0=0 v1-5-0=100 v1-0-0=0');
    const thread = world.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.thread_ts === incident.slackTs)
      .map(textOf);
    expect(thread.some((t) => t.includes('abortIf held') && t.includes('error_rate of v2.0.1 9%'))).toBe(true);
    expect(thread.some((t) => t.includes('all traffic is back on v1.5.0'))).toBe(true);
    // Sent back: the head message reads resolved again, the canary among its facts.
    await world.settle();
    expect(headerOf(lastHead(world, incident.slackTs))).toBe(`✅ ${incident.id} · prompt-service v2.0.0 · Resolved`);
    expect(textOf(lastHead(world, incident.slackTs))).toContain('Fix: Canary re-deploy `v1.5.0` → `v2.0.1`, Aborted');
  });

  it('a forged version is refused on the modal itself, a non-approver is told privately, nothing moves', async () => {
    world = await startWorld({
      kube: { versions: ['v2.0.1', 'v2.0.0', 'v1.5.0', 'v1.0.0'], split: { 'v2.0.0': 100 } },
      config: withFix,
    });
    const incident = await rolledBackAndResolved(world);
    const before = weights(world).length;

    expect(await openCanaryModal(world, incident, MALLORY)).toBeUndefined();
    expect(String(world.slack.responses.at(-1)?.body.text)).toContain('approver');

    const modal = await openCanaryModal(world, incident);
    const stable = await world.submit(LEAD, VIEW.canaryFix, modal?.private_metadata ?? '', {
      [BLOCK.canaryVersion]: { version: selectState('v1.5.0') },
    });
    expect(stable.body).toMatchObject({
      response_action: 'errors',
      errors: { [BLOCK.canaryVersion]: expect.stringContaining('v1.5.0 already serves all traffic') },
    });
    const none = await world.submit(LEAD, VIEW.canaryFix, modal?.private_metadata ?? '', {});
    expect(none.body).toMatchObject({
      response_action: 'errors',
      errors: { [BLOCK.canaryVersion]: 'Choose the fixed version to bring in.' },
    });
    await world.runUntil(() => false, { maxMs: 2 * MIN }).catch(() => undefined);
    expect(weights(world)).toHaveLength(before);
    expect(canary(world)).toBeUndefined();
  });

  it('over Socket Mode too: the refusal comes back on the modal through the socket acknowledgement', async () => {
    world = await startWorld({
      socketMode: true,
      kube: { versions: ['v2.0.1', 'v2.0.0', 'v1.5.0', 'v1.0.0'], split: { 'v2.0.0': 100 } },
      config: withFix,
    });
    const incident = await rolledBackAndResolved(world);
    const modal = await openCanaryModal(world, incident);
    const stable = await world.submit(LEAD, VIEW.canaryFix, modal?.private_metadata ?? '', {
      [BLOCK.canaryVersion]: { version: selectState('v1.5.0') },
    });
    expect(stable.body).toMatchObject({
      response_action: 'errors',
      errors: { [BLOCK.canaryVersion]: expect.stringContaining('already serves all traffic') },
    });
    const ok = await world.submit(LEAD, VIEW.canaryFix, modal?.private_metadata ?? '', {
      [BLOCK.canaryVersion]: { version: selectState('v2.0.1') },
    });
    expect(ok.body.response_action).toBeUndefined();
    await world.runUntil(() => weights(world).length === 2, { maxMs: 2 * MIN });
    expect(fixShare(weights(world)[1])).toBe(1);
  });
});
