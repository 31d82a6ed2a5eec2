/**
 * The command line beside a running bot on one SQLite file: both run the rollback's durable timers
 * and each step is claimed by one of them only — one PATCH, one note per step in the thread. And
 * the real `rewind` in a process of its own: Ctrl-C stops waiting, not the rollback, whose next
 * step stays in the database for whichever process claims it next.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, spawnRewind, cleanEnv } from '../support/run-cli.ts';
import { LEAD, SERVICE_PATH, VS_PATH, startRig, type Rig } from './break-glass-rig.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

describe('the command line and the bot on one database', () => {
  it('runs each step of the rollback once, whichever process claims it', { timeout: 60_000 }, async () => {
    rig = await startRig();
    const bot = await rig.startBot();
    const r = await rig.run(['rollback', 'immediate', 'prompt-service', '--as', LEAD, '--yes']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const step of ['1/4 confirm', '2/4 switch', '3/4 verify', '4/4 post-actions'])
      expect(r.out.split('\n').filter((l) => l.startsWith(`  step ${step}: succeeded`))).toHaveLength(1);

    expect(rig.kube.writes().map((w) => [w.method, w.path])).toEqual([['PATCH', SERVICE_PATH]]);
    const [rollback] = rig.store.rollbacks.history();
    expect(rollback?.status).toBe('succeeded');
    expect(rig.store.rollbacks.steps(rollback?.id ?? '').map((s) => [s.seq, s.status])).toEqual([
      [1, 'succeeded'],
      [2, 'succeeded'],
      [3, 'succeeded'],
      [4, 'succeeded'],
    ]);
    const timers = rig.store.db
      .prepare(`SELECT key, status, attempts FROM timers WHERE key LIKE ?`)
      .all(`rollback:${rollback?.id}:%`) as Array<{ key: string; status: string; attempts: number }>;
    expect(timers.length).toBeGreaterThanOrEqual(4);
    expect(timers.filter((t) => t.status !== 'done' || t.attempts !== 1)).toEqual([]);

    // The running bot posts what the command line queued: one note per step in the incident's thread.
    const head = await eventually(() => bot.store.incidents.get(rollback?.incidentId ?? '')?.slackTs ?? undefined);
    const stepNotes = () =>
      rig!.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.thread_ts === head)
        .map((c) => String(c.args.text))
        .filter((t) => /Step \d\/4/.test(t));
    await eventually(() => (stepNotes().length >= 4 ? true : undefined));
    await bot.presenter.idle();
    for (const step of ['Step 1/4', 'Step 2/4', 'Step 3/4', 'Step 4/4'])
      expect(stepNotes().filter((t) => t.includes(step))).toHaveLength(1);
  });
});

describe('--detach beside a running bot', () => {
  it(
    'hands the rest of the rollback to the bot, which runs each remaining step once',
    { timeout: 60_000 },
    async () => {
      rig = await startRig({
        config: (c) => {
          c.services['prompt-service'].router = { kind: 'istio', virtualService: 'prompt-service', route: 0 };
          c.rollback.gradual.phases = [{ weight: 25, observe: '1s' }, { weight: 0 }];
        },
      });
      const bot = await rig.startBot();
      const r = await rig.run(['rollback', 'gradual', 'prompt-service', '--as', LEAD, '--yes', '--detach']);
      expect(r.code).toBe(0);
      expect(r.out).toContain('Detached after the first traffic change.');
      const [started] = rig.store.rollbacks.history();
      const id = started?.id ?? '';
      await eventually(() => (rig!.store.rollbacks.get(id)?.status === 'succeeded' ? true : undefined));
      const puts = rig.kube.writes().filter((w) => w.path === VS_PATH && w.method === 'PUT');
      expect(puts).toHaveLength(2);
      // The steps after the detach were claimed by the bot's process, none twice.
      const claims = rig.store.db
        .prepare(`SELECT claimed_by AS owner, status, attempts FROM timers WHERE key LIKE ? ORDER BY id`)
        .all(`rollback:${id}:%`) as Array<{ owner: string; status: string; attempts: number }>;
      expect(claims.filter((t) => t.status !== 'done' || t.attempts !== 1)).toEqual([]);
      expect(new Set(claims.map((t) => t.owner)).size).toBe(2);
      expect(claims.at(-1)?.owner).toBe(bot.services.timers.owner);
    },
  );
});

describe('Ctrl-C while a rollback runs from the command line', () => {
  it('stops waiting cleanly; the rollback goes on from the database', { timeout: 120_000 }, async () => {
    rig = await startRig({
      config: (c) => {
        c.services['prompt-service'].router = { kind: 'istio', virtualService: 'prompt-service', route: 0 };
        c.rollback.gradual.phases = [{ weight: 25, observe: '10m' }, { weight: 0 }];
      },
    });
    const store = rig.store;
    const child = spawnRewind(['rollback', 'gradual', 'prompt-service', '--as', LEAD, '--yes'], cleanEnv(rig.env));
    const closed = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    // Waiting in the 10-minute observation: the first traffic change has landed.
    const rollback = await eventually(() => {
      const r = store.rollbacks.history()[0];
      const observing =
        r && store.rollbacks.steps(r.id).some((s) => s.detail.kind === 'observe' && s.status === 'running');
      return observing && child.output().stdout.includes('observe 10m: running until') ? r : undefined;
    }, 60_000);
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    const { stdout, stderr } = child.output();
    expect(stderr).toBe('');
    expect(stdout).toContain(
      `Stopped waiting. ${rollback.id} goes on: its next step runs in whichever process claims its timers next (the ` +
        `bot, or another rewind command); rewind status prompt-service shows where it stands.`,
    );
    expect(store.rollbacks.get(rollback.id)?.status).toBe('running');
    const pending = store.db
      .prepare(`SELECT key FROM timers WHERE key LIKE ? AND status = 'pending'`)
      .all(`rollback:${rollback.id}:%`);
    expect(pending).toHaveLength(1);
    // Nothing of the stopped process is left holding work: its heartbeat row is gone.
    expect(store.db.prepare('SELECT owner FROM runners').all()).toEqual([]);
  });
});
