/**
 * The outbox sender on its own: queues delivered in order, and two processes on one database
 * (an operator's mistake, or a replica) never send one queue at once or a message twice; a
 * message claimed by a process that is gone is taken over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxSender } from '../../src/adapters/slack/outbox-sender.ts';
import { ManualClock } from '../../src/clock.ts';
import { openStore, type OutboxMessage, type Store } from '../../src/store/index.ts';

const T0 = Date.UTC(2026, 0, 5, 9);
const silent = { error: () => {}, warn: () => {}, info: () => {} };
let dir: string;
let stores: Store[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rewind-outbox-'));
  stores = [];
});
afterEach(() => {
  for (const s of stores) s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function open(clock: ManualClock): Store {
  const s = openStore(path.join(dir, 'rewind.db'), { clock });
  stores.push(s);
  return s;
}

/** A sender whose deliveries take a few turns of the event loop and are recorded. */
function sender(
  store: Store,
  clock: ManualClock,
  owner: string,
  delivered: Array<[string, number]>,
  gone: (o: string) => boolean = () => false,
) {
  return new OutboxSender({
    outbox: store.outbox,
    clock,
    log: silent,
    runner: { owner, isGone: gone },
    deliver: async (m: OutboxMessage) => {
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
      delivered.push([owner, m.id]);
    },
  });
}

describe('OutboxSender', () => {
  it('two processes on one database deliver every message once, each queue in order', async () => {
    const clock = new ManualClock(T0);
    const a = open(clock);
    const b = open(clock);
    const ids: Record<string, number[]> = {};
    for (let i = 0; i < 30; i++) {
      const queue = `incident:INC-${i % 3}`;
      (ids[queue] ??= []).push(a.outbox.enqueue({ queue, kind: 'thread', payload: { i } }, T0) as number);
    }
    const delivered: Array<[string, number]> = [];
    const senders = [sender(a, clock, 'A', delivered), sender(b, clock, 'B', delivered)];
    for (let round = 0; round < 50 && a.outbox.unsentCount() > 0; round++) {
      for (const s of senders) s.sweep();
      await Promise.all(senders.map((s) => s.idle()));
    }
    expect(a.outbox.unsentCount()).toBe(0);
    expect(delivered.map(([, id]) => id).sort((x, y) => x - y)).toEqual(
      Object.values(ids)
        .flat()
        .sort((x, y) => x - y),
    ); // each once
    for (const queueIds of Object.values(ids)) {
      expect(delivered.map(([, id]) => id).filter((id) => queueIds.includes(id))).toEqual(queueIds); // in order
    }
  });

  it('leaves a queue to the live process sending it, and takes over the claim of one that is gone', async () => {
    const clock = new ManualClock(T0);
    const store = open(clock);
    const id = store.outbox.enqueue({ queue: 'dm:U1', kind: 'dm', payload: {} }, T0) as number;
    expect(store.outbox.claim(id, 'killed', null, T0)).toBe(true); // claimed, then its process died
    const delivered: Array<[string, number]> = [];
    let killedIsGone = false;
    const s = sender(store, clock, 'me', delivered, (o) => o === 'killed' && killedIsGone);
    s.sweep();
    await s.idle();
    expect(delivered).toEqual([]); // still alive as far as anyone knows
    killedIsGone = true;
    s.sweep();
    await s.idle();
    expect(delivered).toEqual([['me', id]]);
    expect(store.outbox.get(id)).toMatchObject({ claimedBy: null });
    expect(store.outbox.get(id)?.sentAt).not.toBeNull();
  });
});
