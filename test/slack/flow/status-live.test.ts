/**
 * `/rollback status` shows what the metrics read now, through the running app: each version taking
 * traffic with its share (read from the cluster) and its readings over the observation window, in
 * the reader's language; nothing about a provider "once connected" when one is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND } from '../../../src/adapters/slack/ids.ts';
import { HEALTHY, LEAD, startWorld, type World } from '../../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

async function status(w: World, text = 'status prompt-service'): Promise<string> {
  const answer = await w.command(LEAD, COMMAND.rollback, text);
  expect(answer.body.response_type).toBe('ephemeral');
  return answer.body.text ?? '';
}

describe('/rollback status with a metrics provider', () => {
  it('shows each live version’s readings and share of traffic, read from the cluster', async () => {
    world = await startWorld({ kube: {} });
    world.rewind.metrics.simulated?.script('prompt-service', 'v2.0.0', [
      { from: 0, values: { ...HEALTHY, error_rate: 0.045, availability: 0.955 } },
    ]);
    const text = await status(world);
    expect(text).toContain('Now (over the last 5m 00s):');
    expect(text).toMatch(
      /• `v2\.0\.0` \(100% of traffic\): error_rate 4\.5%, availability 95\.5%, p50_latency 400ms, p95_latency 1500ms/,
    );
    expect(text).not.toContain('once a metrics provider is connected');
  });

  it('without a cluster, reads the newest version of the chain; in Japanese when the team writes it', async () => {
    world = await startWorld({ config: (c) => void (c.locale = 'ja') });
    const text = await status(world);
    expect(text).toContain('現在値（直近 5分00秒）:\n• `v2.0.0`: error_rate 0.4%、availability 99.9%');
    expect(text).not.toContain('メトリクスプロバイダを接続すると');
  });

  it('a metric the backend cannot read is left out, never shown as a value', async () => {
    world = await startWorld();
    world.rewind.metrics.simulated?.set('prompt-service', 'v2.0.0', { error_rate: Number.NaN });
    const text = await status(world);
    expect(text).toMatch(/• `v2\.0\.0`: availability 99\.9%/);
    expect(text).not.toMatch(/• `v2\.0\.0`:.*error_rate/);
  });
});
