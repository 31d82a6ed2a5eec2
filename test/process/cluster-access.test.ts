/**
 * A kubeconfig that cannot serve every configured service refuses the start, naming each such
 * service, which kubeconfig was loaded and what to do; nothing is opened (no database file, no
 * port). The shipped config names no context, so any kubeconfig with a current context — a
 * laptop's, or a pod's service account — serves it as it is.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startRewind, StartupError, type Rewind } from '../../src/main.ts';
import { freePort } from '../e2e/support/daemon.ts';
import { shippedConfigDoc } from '../support/config-doc.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { REPO, cleanEnv, runRewind, tempDir } from '../support/run-cli.ts';
import { SlackApiStandIn } from '../support/slack-api.ts';

const IN_A_POD = existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token');
const WHAT_TO_DO =
  'Omit `context` on a service to use the current context (in a pod: its service account), or, for another ' +
  'cluster, mount a kubeconfig Secret, point KUBECONFIG at it and name its context (docs/cluster-access.md).';
const UNREADABLE_FIX =
  'Point KUBECONFIG at a kubeconfig Rewind can read, or run it in a pod, where its service account is used ' +
  '(docs/cluster-access.md).';
const NO_CURRENT_FIX =
  'Set a current context (kubectl config use-context NAME, on that kubeconfig), or name a context on each ' +
  'service (docs/cluster-access.md).';

let rewind: Rewind | undefined;
let slack: SlackApiStandIn | undefined;
afterEach(async () => {
  await rewind?.stop();
  await slack?.stop();
  rewind = slack = undefined;
});

/** The shipped config with `edit` applied, written to a new folder that also receives the database. */
function configIn(edit: (doc: ReturnType<typeof shippedConfigDoc>) => void = () => {}): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rewind-cluster-access-'));
  const doc = shippedConfigDoc();
  doc.metrics = { provider: 'simulated' };
  edit(doc);
  const file = join(dir, 'rewind.yml');
  writeFileSync(file, stringify(doc));
  return { dir, file };
}

/** startRewind's refusal, as the lines `rewind start` prints; fails the test when it starts instead. */
async function refusal(env: Record<string, string>): Promise<string[]> {
  try {
    rewind = await startRewind({ envSource: env, host: '127.0.0.1' });
  } catch (err) {
    if (err instanceof StartupError) return err.lines;
    throw err;
  }
  throw new Error('Rewind started');
}

const botEnv = (file: string, dir: string, kubeconfig: string) => ({
  SLACK_BOT_TOKEN: 'xoxb-cluster-access',
  SLACK_SIGNING_SECRET: 'signing-secret',
  SLACK_API_URL: 'http://127.0.0.1:9/api/',
  PORT: '0',
  REWIND_CONFIG: file,
  REWIND_DB: join(dir, 'rewind.db'),
  LOG_LEVEL: 'silent',
  KUBECONFIG: kubeconfig,
});

describe.skipIf(IN_A_POD)('rewind start without any kubeconfig', () => {
  it(
    'exits 1 naming every service, saying none was found and what to do; nothing is opened',
    { timeout: 120_000 },
    async () => {
      const dir = tempDir('rewind-no-kubeconfig-');
      const port = await freePort();
      const r = await runRewind(
        ['start'],
        cleanEnv({
          HOME: tempDir('rewind-empty-home-'),
          SLACK_BOT_TOKEN: 'xoxb-1',
          SLACK_SIGNING_SECRET: 'signing-secret',
          SLACK_API_URL: 'http://127.0.0.1:9/api/',
          PORT: String(port),
          REWIND_CONFIG: join(REPO, 'config/rewind.yml'),
          REWIND_DB: join(dir, 'rewind.db'),
        }),
      );
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toEqual([
        'Kubernetes: kubeconfig loaded: none (KUBECONFIG is unset, there is no ~/.kube/config and no in-cluster ' +
          'service account). No service can reach its cluster:',
        '  prompt-service (the current context)',
        '  prompt-service-staging (the current context)',
        UNREADABLE_FIX,
      ]);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toContain('loaded-context');
      expect(existsSync(join(dir, 'rewind.db'))).toBe(false);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    },
  );
});

describe('startRewind with a kubeconfig that cannot serve every service', () => {
  it('names only the services whose context it lacks, with its contexts and the current one', async () => {
    const { dir, file } = configIn((doc) => {
      doc.services['prompt-service'].context = 'prod';
    });
    const kubeconfig = writeKubeconfig(
      [
        { name: 'kind-rewind', server: 'http://127.0.0.1:9' },
        { name: 'staging', server: 'http://127.0.0.1:9' },
      ],
      'kind-rewind',
      join(dir, 'kubeconfig'),
    );
    expect(await refusal(botEnv(file, dir, kubeconfig))).toEqual([
      `Kubernetes: kubeconfig loaded: KUBECONFIG=${kubeconfig} (contexts: kind-rewind, staging; current: ` +
        'kind-rewind). It cannot serve 1 of the configured services:',
      '  prompt-service (context "prod": not in the kubeconfig)',
      WHAT_TO_DO,
    ]);
    expect(existsSync(join(dir, 'rewind.db'))).toBe(false);
  });

  it('names every service a kubeconfig without a current context leaves without one', async () => {
    const { dir, file } = configIn((doc) => {
      doc.services['prompt-service-staging'].context = 'staging';
    });
    const kubeconfig = writeKubeconfig(
      [{ name: 'staging', server: 'http://127.0.0.1:9' }],
      '',
      join(dir, 'kubeconfig'),
    );
    expect(await refusal(botEnv(file, dir, kubeconfig))).toEqual([
      `Kubernetes: kubeconfig loaded: KUBECONFIG=${kubeconfig} (contexts: staging; current: none). It cannot serve ` +
        '1 of the configured services:',
      '  prompt-service (the current context: the kubeconfig names none)',
      NO_CURRENT_FIX,
    ]);
  });

  it('names every service when the kubeconfig cannot be read, and why', async () => {
    const { dir, file } = configIn();
    expect(await refusal(botEnv(file, dir, dir))).toEqual([
      `Kubernetes: kubeconfig loaded: KUBECONFIG=${dir}, but cannot read the kubeconfig ${dir}: it is a directory. ` +
        'No service can reach its cluster:',
      '  prompt-service (the current context)',
      '  prompt-service-staging (the current context)',
      UNREADABLE_FIX,
    ]);
    expect(existsSync(join(dir, 'rewind.db'))).toBe(false);
  });

  it('skips, as kubectl does, a file KUBECONFIG lists that does not exist, and uses the others', async () => {
    slack = await new SlackApiStandIn().answerLikeSlack().start();
    const { dir, file } = configIn();
    const kubeconfig = writeKubeconfig([{ name: 'laptop', server: 'http://127.0.0.1:9' }], 'laptop', join(dir, 'kc'));
    const listed = [join(dir, 'no-such-kubeconfig'), kubeconfig].join(delimiter);
    rewind = await startRewind({
      envSource: { ...botEnv(file, dir, listed), SLACK_API_URL: slack.url },
      host: '127.0.0.1',
      slack: { botId: 'B0REWIND', botUserId: 'U0REWIND', retryConfig: { retries: 0 } },
    });
    expect((await fetch(`http://127.0.0.1:${rewind.port}/healthz`)).status).toBe(200);
  });

  it('refuses a KUBECONFIG list none of whose files exists, naming them', async () => {
    const { dir, file } = configIn();
    const listed = [join(dir, 'a'), join(dir, 'b')].join(delimiter);
    const lines = await refusal(botEnv(file, dir, listed));
    expect(lines[0]).toBe(
      `Kubernetes: kubeconfig loaded: KUBECONFIG=${listed}, but none of the files KUBECONFIG lists exists ` +
        `(${listed}). No service can reach its cluster:`,
    );
    expect(lines.at(-1)).toBe(UNREADABLE_FIX);
  });
});

describe('the shipped config with a kubeconfig that has a current context', () => {
  it('starts, and logs which kubeconfig and context its services use', async () => {
    slack = await new SlackApiStandIn().answerLikeSlack().start();
    const { dir, file } = configIn();
    const kubeconfig = writeKubeconfig([{ name: 'laptop', server: 'http://127.0.0.1:9' }], 'laptop', join(dir, 'kc'));
    const lines: string[] = [];
    rewind = await startRewind({
      envSource: { ...botEnv(file, dir, kubeconfig), SLACK_API_URL: slack.url, LOG_LEVEL: 'info' },
      host: '127.0.0.1',
      slack: { botId: 'B0REWIND', botUserId: 'U0REWIND', retryConfig: { retries: 0 } },
      logDestination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(...chunk.toString().split('\n').filter(Boolean));
          done();
        },
      }),
    });
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toContainEqual(
      expect.objectContaining({
        msg: 'Kubernetes: kubeconfig loaded',
        kubeconfig: `KUBECONFIG=${kubeconfig}`,
        current: 'laptop',
      }),
    );
  });
});
