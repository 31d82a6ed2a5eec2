import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SlackApiStandIn } from '../support/slack-api.ts';
import { REPO, cleanEnv, eventually, freePort, runRewind, spawnRewind, tempDir } from '../support/run-cli.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';

const CONFIG = join(REPO, 'config/rewind.yml');
/** A kubeconfig whose current context serves the shipped services; no test here calls the cluster behind it. */
const kubeconfig = () => writeKubeconfig([{ name: 'cluster', server: 'http://127.0.0.1:9' }]);
const BROKEN = join(REPO, 'test/fixtures/config/three-mistakes.yml');

let slack: SlackApiStandIn | undefined;
afterEach(async () => {
  await slack?.stop();
  slack = undefined;
});

// Each test starts Node and tsx in a child process (rewind start from the sources; `npm start`, which
// runs the compiled build, is tested in compiled-start.test.ts): about a second on an idle machine,
// many times that when other work holds the cores. The ceiling is set for the slow case; the waits
// inside end as soon as their condition holds.
const CHILD_PROCESS_CEILING_MS = 120_000;

describe('rewind start', { timeout: CHILD_PROCESS_CEILING_MS }, () => {
  it('without Slack credentials exits 1 naming each missing variable and pointing at the demo', async () => {
    const cwd = tempDir();
    const { code, stderr } = await runRewind(
      ['start'],
      cleanEnv({ REWIND_CONFIG: CONFIG, REWIND_DB: join(cwd, 'r.db') }),
      cwd,
    );
    expect(code).toBe(1);
    expect(stderr).toContain('Missing environment variables: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET');
    expect(stderr).toContain('npm run demo');
    expect(stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(existsSync(join(cwd, 'r.db'))).toBe(false); // nothing was created
  });

  it('in Socket Mode only the bot token is required', async () => {
    const r = await runRewind(['start'], cleanEnv({ SLACK_APP_TOKEN: 'xapp-1-A', REWIND_CONFIG: CONFIG }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Missing environment variables: SLACK_BOT_TOKEN\n');
  });

  it('with a broken config prints every validation problem with its line and exits 1', async () => {
    const r = await runRewind(
      ['start'],
      cleanEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret', REWIND_CONFIG: BROKEN }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`The config file ${BROKEN} has 3 problem(s):`);
    const lines = r.stderr.split('\n').filter((l) => l.includes('three-mistakes.yml:'));
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).toMatch(/three-mistakes\.yml:7:\d+ triggers\.observationWindow: /);
    expect(lines.join('\n')).toMatch(/three-mistakes\.yml:10:\d+ triggers\.critical\[1\]: .*eror_rate/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('with credentials serves health, readiness after auth.test, metrics, and stops cleanly on SIGTERM', async () => {
    slack = await new SlackApiStandIn().start();
    const dir = tempDir();
    const port = await freePort();
    const token = 'xoxb-0000-secret-token';
    const child = spawnRewind(
      ['start'],
      cleanEnv({
        SLACK_BOT_TOKEN: token,
        SLACK_SIGNING_SECRET: 'signing-secret-xyz',
        SLACK_API_URL: slack.url,
        PORT: String(port),
        REWIND_CONFIG: CONFIG,
        REWIND_DB: join(dir, 'data/rewind.db'),
        LOG_LEVEL: 'debug',
        KUBECONFIG: kubeconfig(),
      }),
      dir,
    );
    // Listened for from the start: 'close' (stdout and stderr drained) may come before the test awaits it.
    const closed = new Promise<number | null>((r) => child.on('close', r));
    try {
      const base = `http://127.0.0.1:${port}`;
      const health = await eventually(() => fetch(`${base}/healthz`).then((r) => r.json()));
      expect(health).toEqual({ status: 'ok' });
      const ready = await eventually(async () => {
        const r = await fetch(`${base}/readyz`);
        return r.status === 200 ? ((await r.json()) as { checks: { name: string; ok: boolean }[] }) : undefined;
      });
      expect(ready.checks.map((c) => [c.name, c.ok])).toEqual([
        ['database', true],
        ['config', true],
        ['slack', true],
      ]);
      expect(slack.callsTo('auth.test').map((c) => c.token)).toEqual([token]);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/^rewind_open_incidents 0$/m);
      // The next drill of the quarterly schedule is armed: its announcement, reminder and start.
      expect(metrics).toMatch(/^rewind_pending_timers 3$/m);
      expect(metrics).toContain('rewind_process_resident_memory_bytes');

      // The database was created with the schema, in WAL mode.
      expect(existsSync(join(dir, 'data/rewind.db'))).toBe(true);
      expect(existsSync(join(dir, 'data/rewind.db-wal'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await closed;
    const out = child.output();
    expect(code).toBe(0);
    const logs = out.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg: string });
    expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining([`Slack auth.test passed`, 'Rewind stopped']));
    expect(out.stdout + out.stderr).not.toContain(token);
    expect(out.stdout + out.stderr).not.toContain('signing-secret-xyz');
  });

  it('when Slack rejects the token it keeps running but is not ready, and says why', async () => {
    slack = await new SlackApiStandIn().start();
    slack.handle('auth.test', () => ({ body: { ok: false, error: 'invalid_auth' } }));
    const dir = tempDir();
    const port = await freePort();
    const child = spawnRewind(
      ['start'],
      cleanEnv({
        SLACK_BOT_TOKEN: 'xoxb-revoked',
        SLACK_APP_TOKEN: 'xapp-1-socket',
        SLACK_API_URL: slack.url,
        PORT: String(port),
        REWIND_CONFIG: CONFIG,
        REWIND_DB: ':memory:',
        KUBECONFIG: kubeconfig(),
      }),
      dir,
    );
    // Listened for from the start: 'close' (stdout and stderr drained) may come before the test awaits it.
    const closed = new Promise<number | null>((r) => child.on('close', r));
    try {
      const body = await eventually(async () => {
        const r = await fetch(`http://127.0.0.1:${port}/readyz`);
        const json = (await r.json()) as { checks: { name: string; ok: boolean; detail?: string }[] };
        const s = json.checks.find((c) => c.name === 'slack');
        return r.status === 503 && s?.detail?.includes('invalid_auth') ? json : undefined;
      });
      expect(body.checks.find((c) => c.name === 'slack')).toEqual({
        name: 'slack',
        ok: false,
        detail: 'auth.test failed: invalid_auth',
      });
    } finally {
      child.kill('SIGTERM');
      await closed;
    }
  });
});
