/**
 * The bot on a laptop with neither Slack nor a cluster in reach: it starts (HTTP mode needs no
 * connection to listen), and says what is missing in the words of the missing thing — /readyz names
 * the Slack URL it cannot reach and why, not the client's "A request error occurred: fetch failed";
 * the log names the absent kubeconfig, not the client library's made-up "loaded-context".
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../e2e/support/daemon.ts';
import { REPO, cleanEnv, eventually, spawnRewind, tempDir } from '../support/run-cli.ts';

// Inside a pod the service account is found, rightly; the kubeconfig half has nothing to test there.
const IN_A_POD = existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token');

describe.skipIf(IN_A_POD)('rewind start with Slack and Kubernetes out of reach', () => {
  it(
    'is not ready, naming the Slack URL and the refused connection; the log says no kubeconfig was found',
    { timeout: 120_000 },
    async () => {
      const [port, closedPort] = await Promise.all([freePort(), freePort()]);
      const slackUrl = `http://127.0.0.1:${closedPort}/api/`;
      const child = spawnRewind(
        ['start'],
        cleanEnv({
          // An empty home and no KUBECONFIG: no ~/.kube/config to find.
          HOME: tempDir('rewind-no-kube-home-'),
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
          level: 40,
          msg:
            'Kubernetes: no kubeconfig found: set KUBECONFIG or run inside the cluster; rollbacks and drills that ' +
            'need the cluster fail until Rewind restarts with one',
        }),
      );
      expect(stdout + stderr).not.toContain('loaded-context');
      expect(stdout + stderr).not.toContain('localhost:8080');
    },
  );
});
