/**
 * The head message's recommendation comes from what the service can run and what its numbers say,
 * end to end: an incident (opened by the evaluator on the simulated metrics, or as alerts open
 * one), the matrix answered by signed select clicks, and the head message as it reached the Slack
 * stand-in — its recommendation section, word for word, and the decision buttons it offers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK } from '../../../src/adapters/slack/ids.ts';
import type { Incident } from '../../../src/domain/types.ts';
import type { SlackCall } from '../../support/slack-api.ts';
import { HEALTHY, LEAD, startWorld, type ConfigDoc, type World } from '../../support/world.ts';

const MIN = 60_000;
let world: World;
afterEach(async () => world?.stop());

/** The shipped routing of prompt-service: a Service selector (blue-green). */
const blueGreen = (c: ConfigDoc) =>
  (c.services['prompt-service'].router = { kind: 'service-selector', service: 'prompt-service' });
const japanese = (c: ConfigDoc) => (c.locale = 'ja');

/** 一部 / 高 / 長: the runbook's rule 3, a gradual rollback. */
async function answerRule3(w: World, incident: Incident) {
  for (const [actionId, value] of [
    [ACTION.userImpact, 'partial'],
    [ACTION.businessImpact, 'high'],
    [ACTION.fixTime, 'long'],
  ] as const) {
    await w.act({
      user: LEAD,
      actionId,
      selectedOption: { text: value, value },
      blockId: BLOCK.matrix,
      messageTs: incident.slackTs ?? '',
    });
  }
}

/** The head message as Slack shows it now: its last update, or the post when it was never updated. */
function head(w: World, incident: Incident): SlackCall {
  const updates = w.slack.callsTo('chat.update').filter((c) => c.args.ts === incident.slackTs);
  const post = w.slack
    .callsTo('chat.postMessage')
    .find((c) => c.args.channel === 'C0INCIDENT' && c.args.thread_ts === undefined);
  const call = updates.at(-1) ?? post;
  if (!call) throw new Error('no head message reached Slack');
  return call;
}

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: Array<{ action_id?: string; text?: { text: string } }>;
};
const blocksOf = (call: SlackCall) => (call.args.blocks ?? []) as Block[];
const recommendation = (call: SlackCall) =>
  blocksOf(call).find((b) => b.type === 'section' && b.text?.text.startsWith('⭐'))?.text?.text;
const decisions = (call: SlackCall) =>
  (blocksOf(call).find((b) => b.block_id === BLOCK.decisions)?.elements ?? []).map(
    (e) => [e.action_id, e.text?.text] as const,
  );
const thread = (w: World, incident: Incident) =>
  w.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.thread_ts === incident.slackTs)
    .map((c) => String(c.args.text ?? ''));

/**
 * A warning incident as the evaluator opens it: p95 latency over 3 s; the error rate (3%) below the abort condition.
 */
async function latencyIncident(w: World): Promise<Incident> {
  w.rewind.metrics.simulated!.set('prompt-service', 'v2.0.0', { ...HEALTHY, error_rate: 0.03, p95_latency: 3400 });
  const opened = () => w.rewind.store.incidents.findOpenByService('prompt-service');
  await w.runUntil(() => opened()?.status === 'awaiting_decision' && opened()?.slackTs != null, {
    stepMs: 10_000,
    maxMs: 10 * MIN,
  });
  return opened()!;
}

describe('a blue-green service: Immediate is recommended, and no Gradual button is offered', () => {
  it('says the matrix said gradual and that traffic moves at once (English)', async () => {
    world = await startWorld({ config: blueGreen });
    const incident = await latencyIncident(world);
    // Before any answer, Gradual is already absent: pressing it could only be refused.
    expect(decisions(head(world, incident)).map(([id]) => id)).toEqual([
      ACTION.immediate,
      ACTION.fix,
      ACTION.nextRelease,
      ACTION.acknowledge,
      ACTION.resolve,
    ]);

    await answerRule3(world, incident);
    const message = head(world, incident);
    expect(recommendation(message)).toBe(
      '⭐ Recommended: *Immediate rollback* (rule 3 of the matrix says *Gradual rollback*)\n' +
        'Blue-green: traffic moves at once. *prompt-service* is routed by `service-selector`, which sends all ' +
        'traffic to one version, so a gradual rollback cannot run on it.',
    );
    expect(decisions(message)).toEqual([
      [ACTION.immediate, '⭐ Immediate rollback'],
      [ACTION.fix, 'Try a fix'],
      [ACTION.nextRelease, 'Fix in next release'],
      [ACTION.acknowledge, 'Acknowledge'],
      [ACTION.resolve, 'Resolve'],
    ]);
    // The thread's assessment note and the timeline say the same.
    expect(
      thread(world, incident).some(
        (t) =>
          t.includes('rule 3 of the matrix says *Gradual rollback*') &&
          t.includes('Blue-green: traffic moves at once.'),
      ),
    ).toBe(true);
    expect(
      world.rewind.services.queries.timeline(incident.id).find((e) => e.kind === 'assessment')?.detail,
    ).toMatchObject({
      recommended: 'immediate',
      rule: 2,
      matrixRecommended: 'gradual',
      insteadBecause: 'moves_at_once',
    });
  });

  it('in Japanese, and the router comes first even when the error rate also meets abortIf', async () => {
    world = await startWorld({ config: (c) => (blueGreen(c), japanese(c)) });
    const incident = await world.openIncident(); // error_rate 7.2%
    await answerRule3(world, incident);
    const message = head(world, incident);
    expect(recommendation(message)).toBe(
      '⭐ 推奨: *即座ロールバック*（マトリックスのルール 3 は *段階的ロールバック*）\n' +
        'ブルーグリーン構成: トラフィックは一度に切り替わります。*prompt-service* のルーター `service-selector` は全トラフィックを 1 つのバージョンへ送るため、' +
        '段階的ロールバックは実行できません。',
    );
    expect(decisions(message).slice(0, 3)).toEqual([
      [ACTION.immediate, '⭐ 即座ロールバック'],
      [ACTION.fix, '修正を試みる'],
      [ACTION.nextRelease, '次回リリースで修正'],
    ]);
    expect(decisions(message).map(([id]) => id)).not.toContain(ACTION.gradual);
  });
});

describe('the live numbers: a gradual rollback whose first phase would abort is not recommended', () => {
  it(
    'error_rate 7.2% already meets abortIf `error_rate > 5%`: Immediate, saying so; Gradual is still offered ' +
      '(English)',
    async () => {
      world = await startWorld(); // prompt-service routed by weight (Istio)
      const incident = await world.openIncident();
      await answerRule3(world, incident);
      const message = head(world, incident);
      expect(recommendation(message)).toBe(
        '⭐ Recommended: *Immediate rollback* (rule 3 of the matrix says *Gradual rollback*)\n' +
          'A gradual rollback would abort at once: error_rate is 7.2% now, which already meets its abort condition ' +
          '`error_rate &gt; 5%`, so its first phase would go straight to 0%.',
      );
      expect(decisions(message).slice(0, 4)).toEqual([
        [ACTION.immediate, '⭐ Immediate rollback'],
        [ACTION.gradual, 'Gradual rollback'],
        [ACTION.fix, 'Try a fix'],
        [ACTION.nextRelease, 'Fix in next release'],
      ]);
    },
  );

  it('in Japanese', async () => {
    world = await startWorld({ config: japanese });
    const incident = await world.openIncident();
    await answerRule3(world, incident);
    expect(recommendation(head(world, incident))).toBe(
      '⭐ 推奨: *即座ロールバック*（マトリックスのルール 3 は *段階的ロールバック*）\n' +
        '段階的ロールバックは直ちに中止されます: 現在の error_rate は 7.2% で、中止条件 `error_rate &gt; 5%` を既に満たしているため、最初のフェーズでそのまま 0% になります。',
    );
  });

  it('a reading whose tier has cleared since is not "now": the matrix’s gradual rollback stands again', async () => {
    world = await startWorld();
    const metrics = world.rewind.metrics.simulated!;
    metrics.set('prompt-service', 'v2.0.0', { ...HEALTHY, error_rate: 0.072 });
    const opened = () => world.rewind.store.incidents.findOpenByService('prompt-service');
    await world.runUntil(() => opened()?.status === 'awaiting_decision' && opened()?.slackTs != null, {
      stepMs: 10_000,
      maxMs: 10 * MIN,
    });
    const incident = opened()!;
    await answerRule3(world, incident);
    expect(recommendation(head(world, incident))).toContain('error_rate is 7.2% now');

    metrics.set('prompt-service', 'v2.0.0', HEALTHY);
    const cleared = () =>
      world.rewind.services.queries
        .timeline(incident.id)
        .filter((e) => e.kind === 'tier_cleared')
        .map((e) => e.detail.tier);
    await world.runUntil(() => cleared().includes('warning'), { stepMs: 10_000, maxMs: 10 * MIN });
    // The head message is drawn again on the next change; answering the same again changes nothing, so acknowledge.
    await world.act({
      user: LEAD,
      actionId: ACTION.acknowledge,
      value: incident.id,
      blockId: BLOCK.decisions,
      messageTs: incident.slackTs ?? '',
    });
    expect(recommendation(head(world, incident))).toBe('⭐ Recommended: *Gradual rollback* (rule 3)');
  });

  it('below the abort condition on a weighted router, the matrix’s gradual rollback stands', async () => {
    world = await startWorld();
    const incident = await latencyIncident(world);
    await answerRule3(world, incident);
    const message = head(world, incident);
    expect(recommendation(message)).toBe('⭐ Recommended: *Gradual rollback* (rule 3)');
    expect(decisions(message).slice(0, 2)).toEqual([
      [ACTION.immediate, 'Immediate rollback'],
      [ACTION.gradual, '⭐ Gradual rollback'],
    ]);
  });
});
