/**
 * The stakeholder notice end to end: metrics through the evaluator and alerts through the webhook
 * open incidents, signed clicks answer the matrix, roll back and resolve, and the stakeholder
 * channel of the Slack stand-in gets one message per incident — posted once the incident reaches
 * slack.stakeholderSeverity (or is rolled back below it), then updated in place — written for
 * people outside the team, in English and Japanese.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import { HEALTHY, LEAD, startWorld, type ConfigDoc, type World } from '../../support/world.ts';

const MIN = 60_000;
const STAKEHOLDERS = 'C0STAKEHOLDERS';
let world: World;
afterEach(async () => world?.stop());

const posts = (w: World) => w.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === STAKEHOLDERS);
const updates = (w: World) => w.slack.callsTo('chat.update').filter((c) => c.args.channel === STAKEHOLDERS);
const noticeTexts = (w: World) => [...posts(w), ...updates(w)].map((c) => String(c.args.text));
const open = (w: World) => w.rewind.store.incidents.listOpen()[0];
const bad = (w: World, values: Partial<typeof HEALTHY>) =>
  w.rewind.metrics.simulated?.set('prompt-service', 'v2.0.0', { ...HEALTHY, ...values });
/** The head message's header and its context line, as the incident channel last saw them. */
function head(w: World, ts: string | null) {
  const call = w.slack
    .callsTo('chat.update')
    .filter((c) => c.args.ts === ts)
    .at(-1);
  const blocks = (call?.args.blocks ?? []) as Array<{
    type: string;
    text?: { text: string };
    elements?: Array<{ text: string }>;
  }>;
  return {
    text: String(call?.args.text),
    header: blocks.find((b) => b.type === 'header')?.text?.text,
    context: blocks.find((b) => b.type === 'context')?.elements?.map((e) => e.text),
  };
}

/** An immediate rollback from the head message's button and its confirmation dialog. */
async function rollBackImmediately(w: World, incident: { id: string; slackTs: string | null }) {
  await w.act({
    user: LEAD,
    actionId: ACTION.immediate,
    value: incident.id,
    blockId: BLOCK.decisions,
    messageTs: incident.slackTs ?? '',
  });
  const metadata = (w.slack.callsTo('views.open').at(-1)?.args.view as { private_metadata: string }).private_metadata;
  await w.submit(LEAD, VIEW.confirmRollback, metadata);
}

async function answerMatrix(w: World, ts: string | null, answers: Record<string, string>) {
  for (const [actionId, value] of Object.entries(answers))
    await w.act({
      user: LEAD,
      actionId,
      selectedOption: { text: value, value },
      blockId: BLOCK.matrix,
      messageTs: ts ?? '',
    });
}

const blueGreen = (c: ConfigDoc) =>
  (c.services['prompt-service'].router = { kind: 'service-selector', service: 'prompt-service' });

describe('the stakeholder notice', () => {
  it(
    'waits through the watch tier, is posted at warning in plain words, and is updated — never posted again — until ' +
      'the resolution',
    async () => {
      world = await startWorld({ kube: {}, config: blueGreen });
      bad(world, { error_rate: 0.03 });
      await world.runUntil(() => open(world) !== undefined, { maxMs: 10 * MIN });
      expect(open(world)?.severity).toBe('watch');
      // Watch is the team's business: minutes of it, and nothing for the stakeholders.
      await world.runUntil(() => world.clock.now() >= open(world)!.startedAt + 5 * MIN);
      expect(noticeTexts(world)).toEqual([]);

      bad(world, { error_rate: 0.072 });
      await world.runUntil(() => posts(world).length > 0, { maxMs: 10 * MIN });
      const incident = open(world)!;
      expect(incident.severity).toBe('warning');
      expect(String(posts(world)[0]?.args.text)).toBe(
        [
          `📣 *${incident.id}* · prompt-service`,
          '*What users saw*: Users received errors (how many is still being assessed).',
          '*Since*: 2026-01-05 (Mon) 18:02 Asia/Tokyo',
          '*What we are doing*: The team is investigating and deciding how to restore the service.',
          '*Next update*: When the service is restored, or sooner if the plan changes.',
        ].join('\n'),
      );

      // The judgment matrix's user-impact answer says how many users: the notice says so too.
      await answerMatrix(world, incident.slackTs, {
        [ACTION.userImpact]: 'partial',
        [ACTION.businessImpact]: 'high',
        [ACTION.fixTime]: 'long',
      });
      expect(posts(world)).toHaveLength(1);
      // Where it was posted is on the incident's timeline; every later change updates that message.
      const posted = world.rewind.services.queries.stakeholderMessage(incident.id);
      expect(posted?.channel).toBe(STAKEHOLDERS);
      expect(updates(world).at(-1)?.args).toMatchObject({ channel: STAKEHOLDERS, ts: posted?.ts });
      expect(String(updates(world).at(-1)?.args.text)).toContain('*What users saw*: Some users received errors.\n');

      bad(world, {});
      await rollBackImmediately(world, incident);
      await world.runUntil(() => world.rewind.store.incidents.get(incident.id)?.status === 'resolved', {
        maxMs: 20 * MIN,
      });
      await world.settle();
      const resolved = world.rewind.store.incidents.get(incident.id)!;
      // One message, updated; the rollback's hand-off did not post a second one.
      expect(posts(world)).toHaveLength(1);
      expect(updates(world).every((c) => c.args.ts === posted?.ts)).toBe(true);
      // How long it took depends on the rollback's steps; the rest of the text is fixed.
      const took = (resolved.resolvedAt ?? 0) - resolved.startedAt;
      expect(took).toBeGreaterThan(5 * MIN);
      expect(String(updates(world).at(-1)?.args.text)).toBe(
        [
          `✅ *${incident.id}* · prompt-service · resolved`,
          '*What users saw*: Some users received errors.',
          `*When*: 2026-01-05 (Mon) 18:02 Asia/Tokyo, resolved after ${Math.floor(took / MIN)}m ` +
            `${String(Math.floor((took % MIN) / 1000)).padStart(2, '0')}s`,
          '*What we did*: The service was switched back to its previous version and works normally again.',
          '*Next update*: None: this is the final update.',
        ].join('\n'),
      );
      // Along the way it said what was being done (the update that merely confirms may be absorbed by the
      // resolution's).
      const doing = noticeTexts(world).map((t) => /\*What we are doing\*: (.*)/.exec(t)?.[1]);
      expect(doing.slice(0, 3)).toEqual([
        'The team is investigating and deciding how to restore the service.',
        'The team is investigating and deciding how to restore the service.',
        'The service is being switched back to its previous version.',
      ]);
      // Nothing the readers outside the team cannot read: no thresholds, tiers or versions.
      expect(noticeTexts(world).join('\n')).not.toMatch(/error_rate|%|v2\.0\.0|v1\.5\.0|Warning|Watch/);
    },
  );

  it(
    'in Japanese, from alerts, at a configured critical: not at warning, posted at critical, updated on resolution; ' +
      'the head reads resolved',
    async () => {
      world = await startWorld({
        config: (c) => {
          c.locale = 'ja';
          c.slack.stakeholderSeverity = 'critical';
          c.triggers.autoRollback = 'off';
        },
      });
      await world.postAlert('generic', {
        service: 'prompt-service',
        severity: 'warning',
        summary: 'p95_latency 3400 > 3000',
      });
      const incident = open(world)!;
      expect(incident.severity).toBe('warning');
      expect(noticeTexts(world)).toEqual([]);

      await world.postAlert('generic', {
        service: 'prompt-service',
        severity: 'critical',
        summary: 'p99_latency 12000 > 10000',
      });
      expect(open(world)?.severity).toBe('critical');
      expect(posts(world).map((c) => String(c.args.text))).toEqual([
        [
          `📣 *${incident.id}* · prompt-service`,
          '*ユーザーへの影響*: ユーザーに応答の遅延が発生（影響範囲を確認中）',
          '*発生時刻*: 2026-01-05 (月) 18:00 Asia/Tokyo',
          '*対応状況*: 担当チームが原因を調査し、復旧方法を判断しています。',
          '*次回の更新*: サービスの復旧時（対応方針が変わった場合はその時点）',
        ].join('\n'),
      ]);

      await world.runUntil(() => world.clock.now() >= incident.startedAt + 20 * MIN, { stepMs: 30_000 });
      await world.act({
        user: LEAD,
        actionId: ACTION.resolve,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: incident.slackTs ?? '',
      });
      expect(world.rewind.store.incidents.get(incident.id)?.status).toBe('resolved');
      expect(posts(world)).toHaveLength(1);
      expect(String(updates(world).at(-1)?.args.text)).toBe(
        [
          `✅ *${incident.id}* · prompt-service · 解決済み`,
          '*ユーザーへの影響*: ユーザーに応答の遅延が発生（影響範囲を確認中）',
          '*発生時刻*: 2026-01-05 (月) 18:00 Asia/Tokyo（20分00秒後に解決）',
          '*対応内容*: サービスは正常な状態に戻りました。',
          '*次回の更新*: ありません（これが最終報告です）',
        ].join('\n'),
      );

      // The head message: ✅ rather than the 🔴 it carried, and the severity as the peak it reached.
      const h = head(world, incident.slackTs);
      expect(h.header).toBe(`✅ ${incident.id} · prompt-service · 解決済み`);
      expect(h.context?.[0]).toBe('最大重大度: 重大');
      expect(h.text).toBe(
        `✅ ${incident.id} · prompt-service · 解決済み · 最大重大度: 重大 · 20分00秒 — p95_latency 3400 &gt; 3000`,
      );
    },
  );

  it(
    'with the default (warning): a watch alert tells nobody outside; the resolved head reads "Resolved · Peak ' +
      'severity: Watch"',
    async () => {
      world = await startWorld();
      await world.postAlert('generic', {
        service: 'prompt-service',
        severity: 'watch',
        summary: 'complaints are piling up',
        labels: { version: 'v2.0.0' },
      });
      const incident = open(world)!;
      await world.act({
        user: LEAD,
        actionId: ACTION.resolve,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: incident.slackTs ?? '',
      });
      expect(world.rewind.store.incidents.get(incident.id)?.status).toBe('resolved');
      expect(noticeTexts(world)).toEqual([]);
      const h = head(world, incident.slackTs);
      expect(h.header).toBe(`✅ ${incident.id} · prompt-service v2.0.0 · Resolved`);
      expect(h.context?.[0]).toBe('Peak severity: Watch');
      expect(h.text).toMatch(
        new RegExp(`^✅ ${incident.id} · prompt-service v2\\.0\\.0 · Resolved · Peak severity: Watch · `),
      );
      expect(JSON.stringify(h)).not.toMatch(/🟡|Severity: Watch/);
    },
  );

  it(
    'stakeholderSeverity: watch tells them at the first watch alert, in words from the summary when no metric is ' +
      'named',
    async () => {
      world = await startWorld({ config: (c) => (c.slack.stakeholderSeverity = 'watch') });
      await world.postAlert('generic', {
        service: 'prompt-service',
        severity: 'watch',
        summary: 'complaints are piling up',
      });
      expect(noticeTexts(world)).toHaveLength(1);
      expect(String(posts(world)[0]?.args.text)).toContain(
        '\n*What users saw*: Users were affected by a problem (how many is still being assessed).\n',
      );
    },
  );

  it('below the configured severity a rollback still hands the incident on: one notice, at the hand-off', async () => {
    world = await startWorld({ kube: {}, config: (c) => (blueGreen(c), (c.slack.stakeholderSeverity = 'critical')) });
    await world.postAlert('generic', {
      service: 'prompt-service',
      severity: 'warning',
      summary: 'error_rate 7.2% > 5%',
      labels: { version: 'v2.0.0' },
    });
    const incident = open(world)!;
    expect(noticeTexts(world)).toEqual([]);
    await rollBackImmediately(world, incident);
    await world.runUntil(() => world.rewind.store.incidents.get(incident.id)?.status === 'resolved', {
      maxMs: 20 * MIN,
    });
    await world.settle();
    expect(posts(world)).toHaveLength(1);
    const last = noticeTexts(world).at(-1) ?? '';
    expect(last).toMatch(
      new RegExp(
        `^✅ \\*${incident.id}\\* · prompt-service · resolved\n\\*What users saw\\*: Users received errors \\(how ` +
          `many is still being assessed\\)\\.\n`,
      ),
    );
    expect(last).toContain(
      '\n*What we did*: The service was switched back to its previous version and works normally again.\n',
    );
  });
});
