/**
 * docs/high-availability.md says only what is so: the heartbeat, the Lease and the watchdog numbers
 * it gives are the code's own (the heartbeat and the "gone" rule run on a manual clock), the metrics
 * it tells you to read are on /metrics of a running Rewind, the `rewind` commands it runs exist, and
 * its links lead to files and headings that exist. Its overlays are rendered in
 * test/deploy/replicated.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEASE_TIMINGS, LEADER_LEASE } from '../../src/adapters/kube/lease.ts';
import { COMMAND_NAMES, type CommandName } from '../../src/cli/help.ts';
import { ManualClock } from '../../src/clock.ts';
import { Runner, type RunnerRepository } from '../../src/services/runners.ts';
import { START_WATCHDOG_MS } from '../../src/services/rollback-start.ts';
import { startWorld, type World } from '../support/world.ts';
import { REPO } from './examples.ts';

const PAGE_FILE = 'docs/high-availability.md';
const PAGE = readFileSync(join(REPO, PAGE_FILE), 'utf8');
/** The page's prose, one line: its tables and sentences, code blocks left out. */
const PROSE = PAGE.replace(/```[\s\S]*?```/g, '').replace(/\s+/g, ' ');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
const anchorsOf = (file: string) =>
  new Set(
    [
      ...readFileSync(file, 'utf8')
        .replace(/```[\s\S]*?```/g, '')
        .matchAll(/^#{1,6}\s+(.+)$/gm),
    ].map((m) => anchorOf(m[1]!)),
  );

/** The `runners` rows in memory: what the heartbeat writes and the "gone" rule reads. */
function memoryRunners(): RunnerRepository & { beats: Map<string, number[]> } {
  const rows = new Map<string, { startedAt: number; beatAt: number }>();
  const beats = new Map<string, number[]>();
  return {
    beats,
    beat(owner, now) {
      rows.set(owner, { startedAt: rows.get(owner)?.startedAt ?? now, beatAt: now });
      beats.set(owner, [...(beats.get(owner) ?? []), now]);
    },
    removeRunner: (owner) => void rows.delete(owner),
    runner: (owner) => rows.get(owner) ?? null,
    pruneRunners: () => 0,
  };
}

describe(PAGE_FILE, () => {
  it('gives the heartbeat the code beats: every 5 s, and a replica gone once its row is older than 20 s', async () => {
    expect(PROSE).toContain('beats a heartbeat row (`runners`) every 5 s');
    expect(PROSE).toContain('missing (it stopped cleanly and removed it) or older than 20 s');
    const clock = new ManualClock(0);
    const repo = memoryRunners();
    const live = new Runner({ repo, clock, owner: 'node-a:7:aaaaaaaa' });
    live.start();
    await clock.advance(20_000);
    expect(repo.beats.get(live.owner)).toEqual([0, 5_000, 10_000, 15_000, 20_000]);
    // A replica on another node that beat once and died.
    repo.beat('node-b:7:bbbbbbbb', clock.now());
    await clock.advance(20_000);
    expect(live.isGone('node-b:7:bbbbbbbb')).toBe(false);
    await clock.advance(1);
    expect(live.isGone('node-b:7:bbbbbbbb')).toBe(true);
    // One that stopped cleanly removed its row: gone at once.
    const stopped = new Runner({ repo, clock, owner: 'node-c:7:cccccccc' });
    stopped.start();
    await stopped.stop();
    expect(live.isGone(stopped.owner)).toBe(true);
    await live.stop();
  });

  it('gives the Lease and the start watchdog the code uses', () => {
    expect(LEASE_TIMINGS).toEqual({ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 });
    expect(PROSE).toContain(`the Kubernetes Lease \`${LEADER_LEASE}\``);
    expect(PROSE).toContain('the Lease is held 15 s after its last renew (every 2 s)');
    expect(PROSE).toContain('no renew has succeeded for 10 s, before its Lease can run out at 15 s');
    // Held 15 s after a renew at most 2 s before the death, found by a read at most 2 s after that.
    const first = (LEASE_TIMINGS.leaseDurationMs - LEASE_TIMINGS.retryPeriodMs) / 1000;
    const last = (LEASE_TIMINGS.leaseDurationMs + LEASE_TIMINGS.retryPeriodMs) / 1000;
    expect(PROSE).toContain(`another replica watches ${first}–${last} s after the death`);
    expect(START_WATCHDOG_MS).toBe(60_000);
    expect(PROSE).toContain('the watchdog timer fires 60 s after the claim');
  });

  it('runs only rewind commands that exist', () => {
    const lines = [...PAGE.matchAll(/node dist\/bin\.js ([a-z-]+)/g)].map((m) => m[1]!);
    expect(lines).toContain('doctor');
    for (const command of lines) expect(COMMAND_NAMES, command).toContain(command as CommandName);
  });

  it('leads only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const m of PAGE.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/.test(target)) continue;
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path === '' ? join(REPO, PAGE_FILE) : resolve(REPO, dirname(PAGE_FILE), path);
      if (!existsSync(file)) broken.push(`${target}: no such file`);
      else if (anchor && file.endsWith('.md') && !anchorsOf(file).has(anchor))
        broken.push(`${target}: no such heading`);
    }
    expect(broken).toEqual([]);
  });

  describe('the metrics it tells you to read', () => {
    let world: World | undefined;
    let served: string;
    beforeAll(async () => {
      world = await startWorld({ kube: {} });
      served = await (await fetch(`http://127.0.0.1:${world.rewind.port}/metrics`)).text();
    });
    afterAll(async () => world?.stop());

    it('are on /metrics of a running Rewind, rewind_leader labelled with the Lease', () => {
      const named = new Set([...PROSE.matchAll(/\brewind_[a-z_]+/g)].map((m) => m[0]));
      expect(named).toContain('rewind_leader');
      for (const metric of named) expect(served, metric).toMatch(new RegExp(`^# TYPE ${metric} `, 'm'));
      expect(served).toContain(`rewind_leader{name="${LEADER_LEASE}"} 1`);
    });
  });
});
