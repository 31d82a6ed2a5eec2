/**
 * The database's disk fills up under the running bot, then space comes back: on a real small
 * tmpfs (mounting one needs root, as CI runs; elsewhere the file is skipped with the reason).
 * The bot must not crash or spin, must say it is not ready, and must recover by itself: no alert
 * it answered 202 lost, no timer fired twice, the escalation that came due meanwhile sent once.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { settleAndCheck } from './support/checks.ts';
import { escalationViolations, format } from './support/invariants.ts';
import { ESCALATED, IN_FAULT_SUITE, MIN, Rig } from './support/rig.ts';
import { openIncident, resolveIncident } from './support/scenarios.ts';

let rig: Rig | undefined;
let mountPoint: string | null = null;
let unavailable = '';

beforeAll(() => {
  if (!IN_FAULT_SUITE) return;
  const dir = mkdtempSync(join(tmpdir(), 'rewind-full-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], { stdio: 'pipe' });
    mountPoint = dir;
  } catch (err) {
    unavailable = `cannot mount a tmpfs (${(err as Error).message.split('\n')[0]}): run as root to test a real full disk`;
    rmSync(dir, { recursive: true, force: true });
  }
});
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});
afterAll(() => {
  if (!mountPoint) return;
  execFileSync('umount', [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

const BALLAST = () => join(mountPoint ?? '', 'ballast');

/** Fills the filesystem to its last byte. */
function fill(): void {
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) appendFileSync(BALLAST(), chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
  try {
    for (;;) appendFileSync(BALLAST(), Buffer.alloc(512));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
}

async function readyz(r: Rig): Promise<{ status: number; database: { ok: boolean; detail?: string } | undefined }> {
  const res = await fetch(`${r.bot.url}/readyz`);
  const body = (await res.json()) as { checks: Array<{ name: string; ok: boolean; detail?: string }> };
  return { status: res.status, database: body.checks.find((c) => c.name === 'database') };
}

describe.skipIf(!IN_FAULT_SUITE)('the database disk fills up', () => {
  it('no crash, no spin, not ready while full; recovers by itself: nothing answered 202 lost, the escalation sent once', async (ctx) => {
    if (!mountPoint) return ctx.skip(unavailable);
    rig = await Rig.start({ scale: 60, dbDir: mountPoint });
    const incident = await openIncident(rig);
    fill();

    // Alerts while the disk is full: each answered 202 (stored) or 500 (not stored, to be sent again).
    const accepted: string[] = [];
    const refused: string[] = [];
    for (let i = 0; i < 10; i++) {
      const summary = `while full ${i}`;
      const a = await rig.alert({ summary, labels: { version: 'v2.0.0', alertname: `Full${i}` } });
      (a.status === 202 ? accepted : refused).push(summary);
      expect([202, 500]).toContain(a.status);
    }
    const notReady = await rig.until('/readyz reports the database', async () => {
      const r = await readyz(rig!);
      return r.status === 503 && r.database?.ok === false ? r : undefined;
    }, 30_000);
    expect(notReady.database?.detail).toMatch(/does not take writes/);
    expect(await (await fetch(`${rig.bot.url}/metrics`)).text()).toMatch(/^rewind_store_writable 0$/m);

    // Escalation level 1 (15 minutes) comes due while the disk is full.
    await rig.until('past escalation level 1', () => rig!.clock.now() >= incident.started_at + 17 * MIN, rig.real(20 * MIN) + 10_000);
    expect(rig.bot.alive()).toBe(true);
    const errorLines = rig.bot.lines.filter((l) => l.level !== undefined && Number(l.level) >= 50).length;
    expect(errorLines, 'error lines while full (a spinning loop writes thousands)').toBeLessThan(60);

    rmSync(BALLAST()); // space comes back
    await rig.until('/readyz ready again', async () => ((await readyz(rig!)).status === 200 ? true : undefined), 60_000);
    for (const summary of refused) expect((await rig.alert({ summary, labels: { version: 'v2.0.0', alertname: summary } })).status).toBe(202);
    const stored = () => new Set(rig!.read((db) => db.prepare('SELECT summary FROM alerts').all() as Array<{ summary: string }>).map((r) => r.summary));
    await rig.until('every alert stored', () => [...accepted, ...refused].every((s) => stored().has(s)), 30_000);
    await rig.until('level 1 sent', () => ESCALATED[1].every((u) => rig!.slack.callsTo('chat.postMessage').some((c) => c.args.channel === `D0${u}`)), 60_000);
    await resolveIncident(rig, incident);
    const { violations, snapshot } = await settleAndCheck(rig);
    const v = [...violations, ...escalationViolations(snapshot, incident.id, [1])];
    expect(v, format(v)).toEqual([]);
    expect(rig.bot.unhandled()).toEqual([]);
  });
});
