/**
 * The team's own metrics end to end, on the real bot (the world: the Slack stand-in, the simulated
 * metrics provider, the Kubernetes stand-in where a rollback runs): a custom metric fires the
 * warning tier through the evaluator and the head message shows it in its unit; a gradual
 * rollback's abortIf on a custom metric sends traffic straight to 0; verification draws a custom
 * metric before → after. Each in English and Japanese, and as stored in the database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../src/adapters/slack/ids.ts';
import { METRIC_NAMES } from '../../src/domain/metrics.ts';
import { englishWords } from '../support/no-english.ts';
import { HEALTHY, LEAD, T0, startWorld, textOf, type ConfigDoc, type World } from '../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

const MIN = 60_000;

/** English words in a Japanese note, once the names it may carry as they are (metrics, the service) are taken out. */
function englishIn(text: string): string[] {
  const names = [...METRIC_NAMES, 'ttft_p95', 'cost_per_request', 'prompt-service'];
  return englishWords(names.reduce((t, name) => t.replaceAll(name, ' '), text));
}

/** The reference's two custom metrics on the simulated provider, and conditions on them. */
function withCustomMetrics(locale: 'en' | 'ja', more: (c: ConfigDoc) => void = () => {}) {
  return (c: ConfigDoc) => {
    c.locale = locale;
    c.metrics = { provider: 'simulated', custom: { ttft_p95: { unit: 'ms' }, cost_per_request: { unit: 'usd' } } };
    c.triggers.warning = [...(c.triggers.warning ?? []), 'cost_per_request > $0.02', 'ttft_p95 > 2000'];
    more(c);
  };
}

function simulated(w: World) {
  const s = w.rewind.metrics.simulated;
  if (!s) throw new Error('the world runs the simulated metrics provider');
  return s;
}

/** Every text the bot sent to Slack (messages posted and updated), as JSON of their arguments. */
const sent = (w: World) => [...w.slack.callsTo('chat.postMessage'), ...w.slack.callsTo('chat.update')].map(textOf);

/** The section texts of the incident's thread notes. */
function threadTexts(w: World, threadTs: string): string[] {
  return w.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.thread_ts === threadTs)
    .map((c) => (c.args.blocks as Array<{ text?: { text?: string } }>)[0]?.text?.text ?? '');
}

async function clickAndConfirm(w: World, action: 'immediate' | 'gradual') {
  const incident = await w.openIncident();
  await w.act({
    user: LEAD,
    actionId: ACTION[action],
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

describe('a custom metric as a trigger', () => {
  it.each([
    {
      locale: 'en',
      rising: { cost_per_request: 0.0315 },
      title: 'cost_per_request > $0.02',
      breach: { metric: 'cost_per_request', unit: 'usd', op: '>', threshold: 0.02, value: 0.0315 },
      line: /cost_per_request \$0\.0315 (>|&gt;) \$0\.02/,
      // A cost is not something users see: the stakeholder notice says there is a problem.
      saw: 'Users were affected by a problem',
    },
    {
      locale: 'ja',
      rising: { ttft_p95: 2600 },
      title: 'ttft_p95 > 2000',
      breach: { metric: 'ttft_p95', unit: 'ms', op: '>', threshold: 2000, value: 2600 },
      line: /ttft_p95 2600ms (>|&gt;) 2000ms/,
      // A custom latency is slowness, as the built-in latencies are.
      saw: 'ユーザーに応答の遅延が発生',
    },
  ] as const)(
    'fires the warning tier through the evaluator, shown in its unit on the head message ($locale, $title)',
    async ({ locale, rising, title, breach, line, saw }) => {
      world = await startWorld({ config: withCustomMetrics(locale) });
      simulated(world).script('prompt-service', 'v2.0.0', [
        { from: 0, values: { ...HEALTHY, ttft_p95: 900, cost_per_request: 0.004 } },
        { from: 3 * MIN, values: rising },
      ]);
      await world.runUntil(() => world.rewind.store.incidents.listOpen().length > 0, {
        stepMs: 15_000,
        maxMs: 15 * MIN,
      });

      const [incident] = world.rewind.store.incidents.listOpen();
      expect(incident).toMatchObject({ service: 'prompt-service', severity: 'warning', version: 'v2.0.0', title });
      // The value rose at +3m and had to hold for the two-minute confirmation window: fired at +5m, a round later
      // at most.
      expect((incident?.startedAt ?? 0) - T0).toBeGreaterThanOrEqual(5 * MIN);
      expect((incident?.startedAt ?? 0) - T0).toBeLessThan(5 * MIN + 30_000);
      // The opening breach is stored with the custom metric's unit, and loads back with it.
      const opened = world.rewind.store.incidents.timeline(incident?.id ?? '').find((e) => e.kind === 'detected');
      expect(opened?.kind === 'detected' ? opened.detail.breaches : []).toEqual([breach]);

      const head = sent(world).filter((t) => t.includes(world.rewind.config.slack.incidentChannel));
      expect(head.some((t) => line.test(t))).toBe(true);
      await world.runUntil(() => sent(world).some((t) => t.includes(saw)), { stepMs: 1_000, maxMs: MIN });
    },
  );
});

describe('abortIf on a custom metric during a gradual rollback', () => {
  it.each(['en', 'ja'] as const)(
    'holds on the watched version, and the rollback goes straight to 0, said in its unit (%s)',
    async (locale) => {
      world = await startWorld({
        kube: {},
        config: withCustomMetrics(locale, (c) => (c.rollback.gradual.abortIf = 'cost_per_request > $0.02')),
      });
      simulated(world).script('prompt-service', 'v2.0.0', [
        { from: 0, values: { ...HEALTHY, ttft_p95: 900, cost_per_request: 0.031 } },
      ]);
      for (const version of ['v1.5.0', 'v1.0.0'])
        simulated(world).script('prompt-service', version, [
          { from: 0, values: { ...HEALTHY, ttft_p95: 800, cost_per_request: 0.004 } },
        ]);
      const incident = await clickAndConfirm(world, 'gradual');
      await world.runUntil(rollbackDone(world), { stepMs: 10_000, maxMs: 30 * MIN });

      const [rollback] = world.rewind.store.rollbacks.history();
      expect(rollback?.status).toBe('succeeded');
      const vsPath = '/apis/networking.istio.io/v1/namespaces/prompts/virtualservices/prompt-service';
      const weights = world
        .kube!.writes()
        .filter((r) => r.path === vsPath && r.method === 'PUT' && r.status === 200)
        .map((r) => (r.body as { spec: { http: Array<{ route: Array<{ weight: number }> }> } }).spec.http[0]?.route[0]);
      // Phase 1 (25%), then abortIf held at its first observation: the 5% phase is skipped.
      expect(weights.map((w) => w?.weight)).toEqual([25, 0]);

      const steps = world.rewind.store.rollbacks.steps(rollback?.id ?? '');
      const observe = steps.find((s) => s.detail.kind === 'observe');
      expect(observe?.status).toBe('failed');
      expect(observe?.detail.kind === 'observe' ? observe.detail.abortIf : null).toBe(
        'cost_per_request of v2.0.0 $0.031 (abortIf: cost_per_request > $0.02)',
      );

      const thread = threadTexts(world, incident.slackTs ?? '');
      const held = thread.find((t) => t.includes('$0.031（abortIf') || t.includes('$0.031 (abortIf'));
      if (!held) throw new Error(`no abortIf note in the thread:\n${thread.join('\n---\n')}`);
      if (locale === 'ja') {
        expect(held).toContain('v2.0.0 の cost_per_request が $0.031（abortIf: ');
        expect(englishIn(held)).toEqual([]);
      } else {
        expect(held).toContain('cost_per_request of v2.0.0 $0.031 (abortIf: cost_per_request &gt; $0.02)');
      }
    },
  );
});

describe('verification of a custom metric', () => {
  it.each(['en', 'ja'] as const)(
    'reads it at the start and across the verify window, and draws it before → after in its unit (%s)',
    async (locale) => {
      world = await startWorld({
        kube: {},
        config: withCustomMetrics(locale, (c) => {
          c.services['prompt-service'].router = { kind: 'service-selector', service: 'prompt-service' };
        }),
      });
      simulated(world).script('prompt-service', 'v2.0.0', [
        { from: 0, values: { ...HEALTHY, ttft_p95: 2600, cost_per_request: 0.0042 } },
      ]);
      simulated(world).script('prompt-service', 'v1.5.0', [
        { from: 0, values: { ...HEALTHY, ttft_p95: 900, cost_per_request: 0.0042 } },
      ]);
      const incident = await clickAndConfirm(world, 'immediate');
      await world.runUntil(rollbackDone(world), { stepMs: 10_000, maxMs: 15 * MIN });

      const [rollback] = world.rewind.store.rollbacks.history();
      expect(rollback?.status).toBe('succeeded');
      const steps = world.rewind.store.rollbacks.steps(rollback?.id ?? '');
      const confirm = steps.find((s) => s.detail.kind === 'confirm')?.detail;
      expect(confirm?.kind === 'confirm' ? confirm.baseline : null).toMatchObject({
        ttft_p95: 2600,
        cost_per_request: 0.0042,
      });
      const verify = steps.find((s) => s.detail.kind === 'verify')?.detail;
      const series = verify?.kind === 'verify' ? (verify.series ?? {}) : {};
      expect(series.ttft_p95?.map(([, v]) => v)).toEqual(Array<number>(10).fill(900));

      const thread = threadTexts(world, incident.slackTs ?? '');
      const confirmed = thread.find((t) => t.includes('ttft_p95 2600ms'));
      if (!confirmed) throw new Error(`no confirm note in the thread:\n${thread.join('\n---\n')}`);
      // The built-ins in the runbook's order (user_complaints last of them), then the custom metrics as configured.
      const comma = locale === 'ja' ? '、' : ', ';
      expect(confirmed).toContain(['user_complaints 0', 'ttft_p95 2600ms', 'cost_per_request $0.0042'].join(comma));
      const note = thread.find((t) => t.includes('ttft_p95: 2600ms → 900ms'));
      if (!note) throw new Error(`no verify note in the thread:\n${thread.join('\n---\n')}`);
      const line = note.split('\n').find((l) => l.startsWith('• ttft_p95:'));
      if (locale === 'ja') {
        expect(line).toBe('• ttft_p95: 2600ms → 900ms  █▁▁▁▁▁▁▁▁▁▁  しきい値: &gt; 2000ms は ▆ の高さ');
        expect(englishIn(confirmed)).toEqual([]);
      } else {
        expect(line).toBe('• ttft_p95: 2600ms → 900ms  █▁▁▁▁▁▁▁▁▁▁  thresholds: &gt; 2000ms at ▆');
      }
      expect(note).toContain('• cost_per_request: $0.0042 → $0.0042');
    },
  );
});
