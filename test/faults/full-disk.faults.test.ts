/**
 * The database's disk fills up under the running bot, then space comes back: on a real small
 * tmpfs (mounting one needs root, as CI runs; elsewhere the file is skipped with the reason).
 * The bot must not crash or spin, must say it is not ready, and must recover by itself: no alert
 * it answered 202 lost, no timer fired twice, the escalation that came due meanwhile sent once.
 * People keep being answered: read commands from what is stored, anything that must be saved with
 * a plain "nothing was changed" — and a Pause, held until it can be recorded, lands before the
 * rollback's next step. A bot killed and started again while the disk is still full starts, says
 * it is not ready, and recovers the same way.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { settleAndCheck } from './support/checks.ts';
import { escalationViolations, format } from './support/invariants.ts';
import { ACTION, BLOCK, COMMAND } from '../../src/adapters/slack/ids.ts';
import { ackText, ESCALATED, IN_FAULT_SUITE, LEAD, MIN, Rig } from './support/rig.ts';
import {
  ANSWERS,
  answerMatrix,
  decideAndConfirm,
  fastRunbook,
  openIncident,
  resolveIncident,
  rollbacksOf,
} from './support/scenarios.ts';

const CANNOT_SAVE =
  '⚠️ Rewind cannot save anything right now: its disk is full; nothing was changed. Try again in a minute.';

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
    const reason = (err as Error).message.split('\n')[0];
    unavailable = `cannot mount a tmpfs (${reason}): run as root to test a real full disk`;
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
/** A folder of its own on the small disk for each test's database. */
const dbDir = (name: string) => {
  const dir = join(mountPoint ?? '', name);
  mkdirSync(dir);
  return dir;
};

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

const unsent = (r: Rig) =>
  r.read((db) => (db.prepare('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL').get() as { n: number }).n);

async function readyz(r: Rig): Promise<{ status: number; database: { ok: boolean; detail?: string } | undefined }> {
  const res = await fetch(`${r.bot.url}/readyz`);
  const body = (await res.json()) as { checks: Array<{ name: string; ok: boolean; detail?: string }> };
  return { status: res.status, database: body.checks.find((c) => c.name === 'database') };
}

describe.skipIf(!IN_FAULT_SUITE)('the database disk fills up', () => {
  it(
    'no crash, no spin, not ready while full; recovers by itself: nothing answered 202 lost, the escalation sent ' +
      'once',
    async (ctx) => {
      if (!mountPoint) return ctx.skip(unavailable);
      rig = await Rig.start({ scale: 60, dbDir: dbDir('running') });
      const incident = await openIncident(rig);
      // What is queued goes out first: where the stakeholder notice was posted is written after
      // Slack took it, and a disk that fills in between has it posted again (not what this tests).
      await rig.until('the outbox sent', () => unsent(rig!) === 0, 30_000);
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
      const notReady = await rig.until(
        '/readyz reports the database',
        async () => {
          const r = await readyz(rig!);
          return r.status === 503 && r.database?.ok === false ? r : undefined;
        },
        30_000,
      );
      expect(notReady.database?.detail).toMatch(/does not take writes/);
      expect(await (await fetch(`${rig.bot.url}/metrics`)).text()).toMatch(/^rewind_store_writable 0$/m);

      // Read commands answer from what is stored; a command or a click that must save something is
      // told so plainly through its response_url, and nothing changes.
      const list = await rig.command(LEAD, COMMAND.incident, 'list');
      expect(list.status).toBe(200);
      expect(String(ackText(list))).toContain(incident.id);
      const timeline = await rig.command(LEAD, COMMAND.incident, `timeline ${incident.id}`);
      expect(String(ackText(timeline))).toContain(incident.id);
      const ack = await rig.command(LEAD, COMMAND.incident, `ack ${incident.id}`);
      expect(ack.status).toBe(200);
      expect(
        (await rig.until('/incident ack answered', () => rig!.slack.responsesTo(ack.responseUrl)[0])).body.text,
      ).toBe(CANNOT_SAVE);
      const click = await rig.act({
        user: LEAD,
        actionId: ACTION.acknowledge,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: incident.slack_ts,
      });
      expect(click.status).toBe(200);
      const clickTold = await rig.until(
        'the Acknowledge click answered',
        () => rig!.slack.responsesTo(click.responseUrl)[0],
      );
      expect(clickTold.body).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: CANNOT_SAVE });
      expect(
        rig.read((db) => db.prepare('SELECT acknowledged_at FROM incidents WHERE id = ?').get(incident.id)),
      ).toEqual({ acknowledged_at: null });
      expect(rig.bot.lines.filter((l) => l.msg === 'Slack listener failed')).toEqual([]);

      // Escalation level 1 (15 minutes) comes due while the disk is full.
      await rig.until(
        'past escalation level 1',
        () => rig!.clock.now() >= incident.started_at + 17 * MIN,
        rig.real(20 * MIN) + 10_000,
      );
      expect(rig.bot.alive()).toBe(true);
      const errorLines = rig.bot.lines.filter((l) => l.level !== undefined && Number(l.level) >= 50).length;
      expect(errorLines, 'error lines while full (a spinning loop writes thousands)').toBeLessThan(60);

      rmSync(BALLAST()); // space comes back
      await rig.until(
        '/readyz ready again',
        async () => ((await readyz(rig!)).status === 200 ? true : undefined),
        60_000,
      );
      for (const summary of refused)
        expect((await rig.alert({ summary, labels: { version: 'v2.0.0', alertname: summary } })).status).toBe(202);
      const stored = () =>
        new Set(
          rig!
            .read((db) => db.prepare('SELECT summary FROM alerts').all() as Array<{ summary: string }>)
            .map((r) => r.summary),
        );
      await rig.until('every alert stored', () => [...accepted, ...refused].every((s) => stored().has(s)), 30_000);
      await rig.until(
        'level 1 sent',
        () =>
          ESCALATED[1].every((u) => rig!.slack.callsTo('chat.postMessage').some((c) => c.args.channel === `D0${u}`)),
        60_000,
      );
      await resolveIncident(rig, incident);
      const { violations, snapshot } = await settleAndCheck(rig);
      const v = [...violations, ...escalationViolations(snapshot, incident.id, [1])];
      expect(v, format(v)).toEqual([]);
      expect(rig.bot.unhandled()).toEqual([]);
    },
  );

  it(
    'a Pause while full is held and recorded before the next step; a restart while full starts not ready and ' +
      'recovers, nothing lost',
    async (ctx) => {
      if (!mountPoint) return ctx.skip(unavailable);
      rig = await Rig.start({ scale: 60, config: fastRunbook, dbDir: dbDir('held-and-restarted') });
      const incident = await openIncident(rig);
      await answerMatrix(rig, incident, ANSWERS.gradual);
      const rb = await decideAndConfirm(rig, incident, 'gradual');
      await rig.until('the first phase written', () => rig!.kube.writes().length >= 1, 20_000);
      const statusOf = () => rollbacksOf(rig!).find((r) => r.id === rb.id)?.status;
      await rig.until('the outbox sent', () => unsent(rig!) === 0, 30_000);
      fill();
      await rig.until('/readyz reports the database', async () => (await readyz(rig!)).status === 503, 30_000);

      const pause = await rig.act({
        user: LEAD,
        actionId: ACTION.pause,
        value: rb.id,
        blockId: BLOCK.rollbackControls,
        messageTs: incident.slack_ts,
      });
      const told = await rig.until('the Pause answered', () => rig!.slack.responsesTo(pause.responseUrl)[0]);
      expect(String(told.body.text)).toContain(`so ${rb.id} is *not paused yet*`);
      expect(statusOf()).toBe('running');
      // Longer than the phase's observation: no step runs while nothing can be recorded.
      const writes = rig.kube.writes().length;
      const heldAt = rig.clock.now();
      await rig.until(
        "6 minutes of the bot's time",
        () => rig!.clock.now() >= heldAt + 6 * MIN,
        rig.real(6 * MIN) + 5_000,
      );
      expect(rig.kube.writes().length).toBe(writes);

      rmSync(BALLAST()); // space comes back: the Pause lands before anything moves
      await rig.until('the held Pause recorded', () => statusOf() === 'paused', 60_000);
      expect(rig.kube.writes().length).toBe(writes);
      const paused = rig.read((db) =>
        db
          .prepare(`SELECT actor_id FROM timeline_events WHERE incident_id = ? AND kind = 'rollback_pause'`)
          .all(incident.id),
      );
      expect(paused).toEqual([{ actor_id: LEAD }]);
      await rig.act({
        user: LEAD,
        actionId: ACTION.resume,
        value: rb.id,
        blockId: BLOCK.rollbackControls,
        messageTs: incident.slack_ts,
      });
      await rig.until('resumed', () => statusOf() === 'running');

      // kill -9 while the disk is full, and start again: it starts, not ready, and reads answer. (The
      // notes are sent first: one Slack took but whose sent mark the full disk refused would be sent
      // again after a kill, the at-least-once of a message whose outcome could not be recorded.)
      // The Resume's note is queued just after the status changes: wait for Slack to have it.
      await rig.until(
        'the notes sent',
        () =>
          unsent(rig!) === 0 &&
          rig!.slack.callsTo('chat.postMessage').some((c) => String(c.args.text ?? '').includes('resumed the')),
        30_000,
      );
      fill();
      await rig.bot.kill9();
      await rig.bot.start();
      const down = await readyz(rig);
      expect(down.status).toBe(503);
      expect(down.database?.detail).toMatch(
        /does not take writes since .* \(SQLITE_FULL: database or disk is full\); Rewind backs off and recovers by itself/,
      );
      expect(await (await fetch(`${rig.bot.url}/metrics`)).text()).toMatch(/^rewind_store_writable 0$/m);
      const status = await rig.command(LEAD, COMMAND.rollback, 'status');
      expect(String(ackText(status))).toContain('Gradual rollback');

      rmSync(BALLAST());
      await rig.until(
        '/readyz ready again',
        async () => ((await readyz(rig!)).status === 200 ? true : undefined),
        60_000,
      );
      await rig.until(
        'the rollback over',
        () => ['succeeded', 'failed', 'aborted'].includes(statusOf() ?? ''),
        120_000,
      );
      expect(statusOf()).toBe('succeeded');
      const { violations } = await settleAndCheck(rig);
      expect(violations, format(violations)).toEqual([]);
    },
  );
});
