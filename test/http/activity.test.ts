/**
 * Background work gives way to incoming requests: it waits while a burst is being answered, never
 * longer than its ceiling (and then goes one piece at a time), and not at all for a lone request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RequestActivity } from '../../src/adapters/http/activity.ts';

let server: Server | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A server whose answers are held until `release()`; `url` to call it. */
async function heldServer(activity: RequestActivity) {
  const held: Array<() => void> = [];
  server = createServer((_req, res) => held.push(() => res.end('ok')));
  activity.watch(server);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, held, release: () => held.splice(0).forEach((f) => f()) };
}

describe('RequestActivity', () => {
  it('resolves at once when nothing is going on', async () => {
    const activity = new RequestActivity({ quietMs: 5, maxWaitMs: 60_000 });
    await heldServer(activity);
    const t = performance.now();
    await activity.quiet();
    expect(performance.now() - t).toBeLessThan(30_000); // ceiling only: it does not wait for anything
  });

  it('waits while requests are being answered, and goes on once they are', async () => {
    const activity = new RequestActivity({ quietMs: 5, maxWaitMs: 60_000 });
    const s = await heldServer(activity);
    const answers = [fetch(s.url), fetch(s.url)];
    while (s.held.length < 2) await new Promise((r) => setTimeout(r, 5));
    let done = false;
    const waiting = activity.quiet().then(() => (done = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false); // two requests in flight: background work waits
    s.release();
    await Promise.all(answers);
    await waiting;
    expect(done).toBe(true);
  });

  it('goes on the moment a lone request ends: woken by its end, not by a timer', async () => {
    const activity = new RequestActivity({ quietMs: 5, maxWaitMs: 60_000 });
    const s = await heldServer(activity);
    const answer = fetch(s.url);
    while (s.held.length < 1) await new Promise((r) => setTimeout(r, 5));
    // From here no timer fires: only the request's end can let background work go on.
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    let done = false;
    const waiting = activity.quiet().then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false); // the request is still being answered
    s.release();
    await (await answer).text();
    await waiting;
    expect(done).toBe(true);
  });

  it('in a long burst: the oldest goes at its ceiling, the next one at a time, the rest once quiet', async () => {
    const activity = new RequestActivity({ quietMs: 5, maxWaitMs: 100, spacingMs: 300 });
    const s = await heldServer(activity);
    const answers = [fetch(s.url), fetch(s.url)];
    while (s.held.length < 2) await new Promise((r) => setTimeout(r, 5));
    const went: Array<[number, number]> = [];
    const start = performance.now();
    const waits = [1, 2, 3].map((n) => activity.quiet().then(() => went.push([n, performance.now() - start])));
    await waits[0];
    await new Promise((r) => setImmediate(r));
    expect(went.map(([n]) => n)).toEqual([1]); // never all at once at the ceiling
    await waits[1];
    expect(went.map(([n]) => n)).toEqual([1, 2]);
    // The second went a spacing after the first (less the moments between a piece going and this test hearing of it).
    expect(went[1]![1] - went[0]![1]).toBeGreaterThanOrEqual(250);
    s.release();
    await Promise.all(answers);
    await waits[2];
    expect(went.map(([n]) => n)).toEqual([1, 2, 3]);
  });

  it('one at a time, what waits ahead goes before what waits in turn, whenever it came', async () => {
    const activity = new RequestActivity({ quietMs: 5, maxWaitMs: 100, spacingMs: 100, holdMs: 60_000 });
    const s = await heldServer(activity);
    const answers = [fetch(s.url), fetch(s.url)];
    while (s.held.length < 2) await new Promise((r) => setTimeout(r, 5));
    const went: string[] = [];
    const note = activity.quiet().then(() => went.push('note'));
    const rollback = activity.quiet('ahead').then(() => went.push('rollback'));
    const escalation = activity.quiet('ahead').then(() => went.push('escalation'));
    await Promise.all([rollback, escalation]);
    expect(went).toEqual(['rollback', 'escalation']);
    await note;
    expect(went).toEqual(['rollback', 'escalation', 'note']);
    s.release();
    await Promise.all(answers);
  });

  it('a request running longer than holdMs (a body trickling in) holds nothing back any more', async () => {
    const activity = new RequestActivity({ quietMs: 5, maxWaitMs: 60_000, holdMs: 200 });
    const s = await heldServer(activity);
    const answer = fetch(s.url);
    while (s.held.length < 1) await new Promise((r) => setTimeout(r, 5));
    const started = performance.now();
    await activity.quiet(); // the ceiling is a minute: only the hold's end lets it go
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(s.held).toHaveLength(1);
    s.release();
    await answer;
  });

  it('once released (the bot stops), nothing waits: neither what waited nor what comes later', async () => {
    const activity = new RequestActivity({ quietMs: 5, maxWaitMs: 60_000, holdMs: 60_000 });
    const s = await heldServer(activity);
    const answers = [fetch(s.url), fetch(s.url)];
    while (s.held.length < 2) await new Promise((r) => setTimeout(r, 5));
    let went = 0;
    const waiting = [activity.quiet(), activity.quiet()].map((p) => p.then(() => went++));
    await new Promise((r) => setTimeout(r, 50));
    expect(went).toBe(0);
    activity.release();
    await Promise.all(waiting);
    await activity.quiet();
    expect(s.held).toHaveLength(2); // the requests are still being answered
    s.release();
    await Promise.all(answers);
  });

  it('never waits longer than its ceiling', async () => {
    const activity = new RequestActivity({ quietMs: 5, maxWaitMs: 100 });
    const s = await heldServer(activity);
    const answer = fetch(s.url);
    while (s.held.length < 1) await new Promise((r) => setTimeout(r, 5));
    await activity.quiet(); // resolves although the request is still held
    expect(s.held).toHaveLength(1);
    s.release();
    await answer;
  });
});
