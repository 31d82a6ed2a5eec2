/**
 * The verification step as the thread shows it, end to end: a critical alert makes Rewind roll
 * prompt-service back by itself on the Kubernetes stand-in, the simulated metrics of v1.5.0 are read across the verify
 * window (one reading fails), and the step's note draws each metric from the bad version's baseline down
 * to the healthy readings, with the thresholds placed on that chart — in English and Japanese.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HEALTHY, startWorld, type World } from '../../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

const MIN = 60_000;

/** The readings the verify step has stored so far for a metric. */
function readings(w: World, metric: string): number {
  const [rollback] = w.rewind.store.rollbacks.history();
  const verify = w.rewind.store.rollbacks.steps(rollback?.id ?? '').find((s) => s.name === 'verify');
  return verify?.detail.kind === 'verify' ? (verify.detail.series?.[metric] ?? []).length : 0;
}

/**
 * Rolls back from v2.0.0 (error rate 4.5%) to v1.5.0, whose fourth reading cannot be taken; answers the verify note's
 * section text.
 */
async function verifyNote(locale: 'en' | 'ja'): Promise<string> {
  world = await startWorld({
    kube: {},
    config: (c) => {
      c.locale = locale;
      c.services['prompt-service'].router = { kind: 'service-selector', service: 'prompt-service' };
    },
  });
  const simulated = world.rewind.metrics.simulated;
  if (!simulated) throw new Error('the world runs the simulated metrics provider');
  simulated.script('prompt-service', 'v2.0.0', [{ from: 0, values: { ...HEALTHY, error_rate: 0.045 } }]);
  const alert = {
    version: '4',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'PromptErrorRate', service: 'prompt-service', version: 'v2.0.0', severity: 'critical' },
        annotations: { summary: 'error rate 4.5%' },
        startsAt: '2026-01-05T09:00:00Z',
      },
    ],
  };
  expect((await world.postAlert('alertmanager', alert)).status).toBe(202);
  const [incident] = world.rewind.store.incidents.listOpen();

  await world.runUntil(() => readings(world, 'error_rate') === 3, { stepMs: 10_000, maxMs: 10 * MIN });
  simulated.set('prompt-service', 'v1.5.0', { error_rate: Number.NaN });
  await world.runUntil(() => readings(world, 'error_rate') === 4, { stepMs: 10_000, maxMs: 2 * MIN });
  simulated.clear('prompt-service', 'v1.5.0');
  await world.runUntil(() => world.rewind.store.rollbacks.history()[0]?.status === 'succeeded', {
    stepMs: 10_000,
    maxMs: 10 * MIN,
  });

  const note = world.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.thread_ts === world.rewind.store.incidents.get(incident?.id ?? '')?.slackTs)
    .map((c) => (c.args.blocks as Array<{ text?: { text?: string } }>)[0]?.text?.text ?? '')
    .find((t) => t.includes('error_rate: 4.5% → 0.4%'));
  if (!note) throw new Error('no verify note in the thread');
  return note;
}

describe('verification in the thread', () => {
  it('draws the drop from the baseline to the healthy readings and places each threshold (English)', async () => {
    const note = await verifyNote('en');
    expect(note.split('\n')).toContain(
      '• error_rate: 4.5% → 0.4%  █▁▁▁·▁▁▁▁▁▁  thresholds: &gt; 10% above the chart, &gt; 5% above the chart, &gt; ' +
        '2% at ▄ (· no reading)',
    );
    // A metric that did not move is drawn flat, its thresholds off the chart.
    expect(note.split('\n')).toContain(
      '• p99_latency: 2500ms → 2500ms  ▁▁▁▁▁▁▁▁▁▁▁  thresholds: &gt; 10000ms above the chart',
    );
    expect(note).toContain('• verdict: recovered');
  });

  it('says the same in Japanese', async () => {
    const note = await verifyNote('ja');
    expect(note.split('\n')).toContain(
      '• error_rate: 4.5% → 0.4%  █▁▁▁·▁▁▁▁▁▁  しきい値: &gt; 10% はグラフより上、&gt; 5% はグラフより上、&gt; 2% は ▄ の高さ（· は読み取れなかった点）',
    );
  });
});
