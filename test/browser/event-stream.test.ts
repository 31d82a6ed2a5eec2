/**
 * The page's event stream and its ephemerals, read without a browser: a page loaded now gets none of
 * those that arrived before it (as a reloaded Slack client), a page reconnecting with the cut it was
 * given keeps its own, and after a reset every page sees the new world's from the start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startPlayground, type Playground } from '../../src/playground/server.ts';
import { CEILING_MS } from './support.ts';

const inBrowserSuite = process.env.REWIND_BROWSER === '1';

interface Snapshot {
  incidentChannel: string;
  bot: { state: string };
  ephemerals: Array<{ ephemeralFor: string; text: string }>;
  cut: { world: number; since: number };
}

/** One page's stream: the newest snapshot, read on until a condition holds (a ceiling, not a budget). */
async function stream(url: string) {
  const res = await fetch(url);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let latest: Snapshot | undefined;
  const until = async (holds: (s: Snapshot) => boolean): Promise<Snapshot> => {
    const deadline = Date.now() + CEILING_MS;
    while (!latest || !holds(latest)) {
      if (Date.now() > deadline) throw new Error(`the stream never showed it; last: ${JSON.stringify(latest?.cut)}`);
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended');
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        latest = JSON.parse(buffer.slice('data: '.length, end)) as Snapshot;
        buffer = buffer.slice(end + 2);
      }
    }
    return latest;
  };
  return { until, first: () => until(() => true), close: () => reader.cancel() };
}

describe.skipIf(!inBrowserSuite)('the playground event stream', () => {
  let playground: Playground | undefined;
  afterEach(async () => {
    await playground?.stop();
    playground = undefined;
  });

  it('does not replay ephemerals to a page loaded after them, and keeps a reconnecting page its own', async () => {
    playground = await startPlayground({ speed: 60 });
    const events = `${playground.url}events`;
    const status = async (channel: string) => {
      const res = await fetch(`${playground!.url}api/gesture`, {
        method: 'POST',
        body: JSON.stringify({ kind: 'command', user: 'U0LEAD', channel, command: '/rollback', text: 'status' }),
      });
      expect(res.status).toBe(200);
    };
    const first = await stream(events);
    const loaded = await first.first();
    expect(loaded.ephemerals).toEqual([]);
    expect(loaded.cut.world).toBe(1);
    await status(loaded.incidentChannel);
    const seen = await first.until((s) => s.ephemerals.length === 1);
    expect(seen.ephemerals[0]!.ephemeralFor).toBe('U0LEAD');

    // A page loaded now (a reload) starts after it.
    const reloaded = await stream(events);
    const fresh = await reloaded.first();
    expect(fresh.ephemerals).toEqual([]);
    expect(fresh.cut.since).toBeGreaterThan(loaded.cut.since);
    // The first page, reconnecting with the cut it was given, still has it.
    const reconnected = await stream(`${events}?world=${loaded.cut.world}&since=${loaded.cut.since}`);
    expect((await reconnected.first()).ephemerals).toHaveLength(1);
    await reconnected.close();

    // After a reset the feed counts from 0 again: both pages see the new world's ephemerals, none of the old.
    const reset = await fetch(`${playground.url}api/scenario`, { method: 'POST', body: '{"kind":"reset"}' });
    expect(reset.status).toBe(200);
    const next = await reloaded.until((s) => s.cut.world === 2 && s.bot.state === 'running');
    expect(next.cut.since).toBe(0);
    expect(next.ephemerals).toEqual([]);
    await status(next.incidentChannel);
    await reloaded.until((s) => s.ephemerals.length === 1);
    await first.until((s) => s.cut.world === 2 && s.ephemerals.length === 1);
    await first.close();
    await reloaded.close();
  });
});
