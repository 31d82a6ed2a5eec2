/**
 * A start that cannot succeed leaves nothing half-alive: the process releases what it took and
 * exits 1 with one line naming the real cause — never a port that answers /healthz for a bot whose
 * database is closed. And /healthz fails whenever the store cannot be used.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SlackApiStandIn } from '../support/slack-api.ts';
import { SocketModeStandIn } from '../support/socket-mode.ts';
import { REPO, cleanEnv, spawnRewind, tempDir } from '../support/run-cli.ts';
import { freePort } from '../e2e/support/daemon.ts';
import { startWorld, type World } from '../support/world.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';

const CONFIG = join(REPO, 'config/rewind.yml');
let slack: SlackApiStandIn | undefined;
let socket: SocketModeStandIn | undefined;
let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  await socket?.close();
  await slack?.stop();
  world = undefined;
  socket = undefined;
  slack = undefined;
});

/** Runs `rewind start` to its end (generous ceiling: a busy machine is slow, never wrong). */
async function startToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string; port: number }> {
  const port = await freePort();
  // A kubeconfig the start accepts, so what fails is what the test breaks; its cluster is never called.
  const KUBECONFIG = writeKubeconfig([{ name: 'cluster', server: 'http://127.0.0.1:9' }]);
  const child = spawnRewind(
    ['start'],
    cleanEnv({
      PORT: String(port),
      REWIND_CONFIG: CONFIG,
      REWIND_DB: join(tempDir(), 'rewind.db'),
      KUBECONFIG,
      ...env,
    }),
  );
  const closed = new Promise<number | null>((r) => child.on('close', r));
  const ceiling = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const code = await closed;
  clearTimeout(ceiling);
  return { code, stdout: child.output().stdout, stderr: child.output().stderr, port };
}

describe('start-up failures', () => {
  it('Socket Mode with an app token Slack refuses: exits 1 naming the token and what to do', async () => {
    slack = await new SlackApiStandIn().answerLikeSlack().start();
    socket = await new SocketModeStandIn(slack).start();
    slack.handle('apps.connections.open', () => ({ body: { ok: false, error: 'invalid_auth' } }));
    const r = await startToExit({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1-revoked',
      SLACK_API_URL: slack.url,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Slack refused the app-level token (SLACK_APP_TOKEN): invalid_auth.');
    expect(r.stderr).toContain('connections:write');
    expect(r.stderr).not.toContain('Cannot listen on port');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    await expect(fetch(`http://127.0.0.1:${r.port}/healthz`)).rejects.toThrow(); // nothing listens any more
  }, 120_000);

  it('Socket Mode with Slack unreachable: exits 1 saying it cannot reach Slack at that URL', async () => {
    const closedPort = await freePort();
    const url = `http://127.0.0.1:${closedPort}/api/`;
    const r = await startToExit({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-A', SLACK_API_URL: url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `Cannot open the Socket Mode connection: cannot reach the Slack API at ${url} (connect ECONNREFUSED ` +
        `127.0.0.1:${closedPort}).`,
    );
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }, 120_000);

  it('the port is taken: exits 1 naming the port', async () => {
    slack = await new SlackApiStandIn().answerLikeSlack().start();
    const r = await startToExit({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      SLACK_API_URL: slack.url,
      PORT: String(slack.port),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Cannot listen on port ${slack.port}: `);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }, 120_000);

  it('the failure is the last thing said: an auth.test that passes after it logs nothing', async () => {
    // Slack answers auth.test 3 s late, and its port is the one Rewind is told to listen on.
    const late = createServer((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            ok: true,
            team: 'Rewind Test',
            user: 'rewind',
            team_id: 'T0TEST',
            user_id: 'U0REWIND',
            bot_id: 'B0REWIND',
          }),
        );
      }, 3_000);
    });
    await new Promise<void>((r) => late.listen(0, '127.0.0.1', r));
    const port = (late.address() as AddressInfo).port;
    try {
      const r = await startToExit({
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_SIGNING_SECRET: 's',
        SLACK_API_URL: `http://127.0.0.1:${port}/api/`,
        PORT: String(port),
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`Cannot listen on port ${port}: `);
      expect(r.stdout).not.toContain('auth.test passed');
    } finally {
      late.closeAllConnections();
      late.close();
    }
  }, 120_000);

  it('/healthz fails once the store cannot be used', async () => {
    world = await startWorld();
    const base = `http://127.0.0.1:${world.rewind.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    world.rewind.store.close();
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'unhealthy',
      checks: [{ name: 'database', ok: false, detail: 'The database connection is not open' }],
    });
  });
});
