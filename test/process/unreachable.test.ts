/**
 * The bot on a laptop with neither Slack nor a cluster in reach: it starts (HTTP mode needs no
 * connection to listen, and a kubeconfig is only dialled when a rollback needs it), and says what
 * is missing in the words of the missing thing — /readyz names the Slack URL it cannot reach and
 * why, not the client's "A request error occurred: fetch failed"; the log names the kubeconfig it
 * loaded. (Without any kubeconfig the start is refused: test/process/cluster-access.test.ts.)
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../e2e/support/daemon.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { REPO, cleanEnv, eventually, spawnRewind, tempDir } from '../support/run-cli.ts';

describe('rewind start with Slack and Kubernetes out of reach', () => {
  it(
    'is not ready, naming the Slack URL and the refused connection; the log names the kubeconfig loaded',
    { timeout: 120_000 },
    async () => {
      const [port, closedPort] = await Promise.all([freePort(), freePort()]);
      const slackUrl = `http://127.0.0.1:${closedPort}/api/`;
      // The cluster behind it refuses connections too: nothing at start dials it.
      const kubeconfig = join(tempDir('rewind-kube-out-of-reach-'), 'config');
      writeKubeconfig([{ name: 'laptop', server: `http://127.0.0.1:${closedPort}` }], 'laptop', kubeconfig);
      const child = spawnRewind(
        ['start'],
        cleanEnv({
          KUBECONFIG: kubeconfig,
          SLACK_BOT_TOKEN: 'xoxb-1',
          SLACK_SIGNING_SECRET: 'signing-secret',
          SLACK_API_URL: slackUrl,
          PORT: String(port),
          REWIND_CONFIG: join(REPO, 'config/rewind.yml'),
          REWIND_DB: ':memory:',
        }),
      );
      const closed = new Promise<number | null>((r) => child.on('close', r));
      try {
        // auth.test is retried (3 times, up to 5 s apart) before the failure is recorded.
        const answered = await eventually(async () => {
          const res = await fetch(`http://127.0.0.1:${port}/readyz`);
          const body = (await res.json()) as { checks: { name: string; ok: boolean; detail?: string }[] };
          const slack = body.checks.find((c) => c.name === 'slack');
          return slack && slack.detail !== 'auth.test not answered yet' ? { status: res.status, slack } : undefined;
        }, 90_000);
        expect(answered).toEqual({
          status: 503,
          slack: {
            name: 'slack',
            ok: false,
            detail: `cannot reach the Slack API at ${slackUrl} (connect ECONNREFUSED 127.0.0.1:${closedPort})`,
          },
        });
      } finally {
        child.kill('SIGTERM');
      }
      expect(await closed).toBe(0);
      const { stdout, stderr } = child.output();
      const logs = stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { level: number; msg: string });
      expect(logs).toContainEqual(
        expect.objectContaining({
          level: 30,
          msg: 'Kubernetes: kubeconfig loaded',
          kubeconfig: `KUBECONFIG=${kubeconfig}`,
          current: 'laptop',
        }),
      );
      expect(stdout + stderr).not.toContain('loaded-context');
      expect(stdout + stderr).not.toContain('localhost:8080');
    },
  );
});
