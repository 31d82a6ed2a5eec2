/**
 * GET /metrics of a running bot never reads NaN: MTTA and MTTR are left out while no incident has
 * been acknowledged or resolved, and appear with their figures once one has, driven through an
 * alert webhook and the slash commands people use.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LEAD, T0, startWorld, type World } from '../support/world.ts';

const MIN = 60_000;
let world: World;
afterEach(async () => world?.stop());

async function scrape(w: World): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${w.rewind.port}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** Sample lines (not # HELP / # TYPE) whose name starts with `name`. */
const samples = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(name));

describe('GET /metrics', () => {
  it('has no NaN on a fresh bot, and MTTA then MTTR once an incident is acknowledged and resolved', async () => {
    world = await startWorld();
    let text = await scrape(world);
    expect(text).not.toMatch(/NaN/);
    expect(samples(text, 'rewind_mtta_seconds')).toEqual([]);
    expect(samples(text, 'rewind_mttr_seconds')).toEqual([]);
    expect(samples(text, 'rewind_incidents_last_30d')).toEqual(['rewind_incidents_last_30d 0']);
    // Still described, so a dashboard can see the metric exists before it has a value.
    expect(text).toContain('# TYPE rewind_mtta_seconds gauge');

    const alert = {
      version: '4',
      status: 'firing',
      externalURL: 'http://alertmanager:9093',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'PromptErrorRate', service: 'prompt-service', severity: 'warning' },
          annotations: { summary: 'error rate above 5%' },
          startsAt: new Date(T0).toISOString(),
        },
      ],
    };
    expect((await world.postAlert('alertmanager', alert)).status).toBe(202);
    text = await scrape(world);
    expect(text).not.toMatch(/NaN/);
    expect(samples(text, 'rewind_incidents_last_30d')).toEqual(['rewind_incidents_last_30d 1']);
    expect(samples(text, 'rewind_mtta_seconds')).toEqual([]); // open, not acknowledged yet

    await world.runUntil(() => world.clock.now() >= T0 + 4 * MIN, { stepMs: 30_000 });
    await world.command(LEAD, '/incident', 'ack');
    text = await scrape(world);
    expect(samples(text, 'rewind_mtta_seconds')).toEqual(['rewind_mtta_seconds 240']);
    expect(samples(text, 'rewind_mttr_seconds')).toEqual([]);

    await world.runUntil(() => world.clock.now() >= T0 + 20 * MIN, { stepMs: 30_000 });
    await world.command(LEAD, '/incident', 'resolve');
    text = await scrape(world);
    expect(text).not.toMatch(/NaN/);
    expect(samples(text, 'rewind_mtta_seconds')).toEqual(['rewind_mtta_seconds 240']);
    expect(samples(text, 'rewind_mttr_seconds')).toEqual(['rewind_mttr_seconds 1200']);
  });
});
