/**
 * What the break-glass tests run on: the bot's database (a temporary SQLite file), a config file,
 * the Kubernetes API stand-in seeded with the prompt service, the Slack Web API stand-in (user
 * groups, and the bot's posts once it runs), and a metrics endpoint (http-json) that reads healthy.
 * Commands run through runCli, with the environment a person would have set; the bot, when a test
 * needs it, through startRewind on the same database.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli.ts';
import { systemClock } from '../../src/clock.ts';
import { startRewind, type Rewind } from '../../src/main.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { shippedConfigDoc, type ConfigDoc } from '../support/config-doc.ts';
import { KubeApiStandIn, type SeedOptions } from '../support/kube-api.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { SlackApiStandIn } from '../support/slack-api.ts';
import { BOT } from '../support/slack-signing.ts';

export const LEAD = 'U0LEAD'; // an approver by user ID in the shipped config
export const ALICE = 'U0ALICE'; // an approver through the S0SRE group
export const BOB = 'U0BOB'; // an approver through the S0SRE group
export const MALLORY = 'U0MALLORY'; // not an approver
export const SERVICE_PATH = '/api/v1/namespaces/prompts/services/prompt-service';
export const VS_PATH = '/apis/networking.istio.io/v1/namespaces/prompts/virtualservices/prompt-service';

/** Healthy readings of every metric the triggers name, so verification finds the service recovered. */
const HEALTHY: Record<string, number> = {
  error_rate: 0.004,
  availability: 0.999,
  p50_latency: 400,
  p95_latency: 1500,
  p99_latency: 2500,
  hallucination_rate: 0.02,
};

export interface RigOptions {
  config?: (doc: ConfigDoc) => void;
  kube?: Partial<SeedOptions>;
}

export interface Ran {
  code: number;
  out: string;
  err: string;
  /** What reached the process's own stderr during the call, beside the command's words (log lines). */
  logged: string;
}

export interface Rig {
  dir: string;
  configFile: string;
  dbFile: string;
  kube: KubeApiStandIn;
  slack: SlackApiStandIn;
  /** The environment of a person's shell on the bot's host. */
  env: Record<string, string>;
  /** `rewind <args>` through runCli, with `env` (and `extra`) set for the call. */
  run(args: string[], extra?: Record<string, string>): Promise<Ran>;
  /** The bot's database, opened for the assertions; closed by stop(). */
  store: Store;
  /** The bot (`rewind start`) on the same database, config, cluster and Slack. */
  startBot(): Promise<Rewind>;
  stop(): Promise<void>;
}

/** A Slack Web API URL where nothing answers: a port that was free a moment ago. */
export async function unreachableSlackUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  await new Promise((closed) => server.close(closed));
  return `http://127.0.0.1:${port}/api/`;
}

async function healthyMetrics(): Promise<Server> {
  const server = createServer((req, res) => {
    const metric = decodeURIComponent(/\/metrics\/([^?]+)/.exec(req.url ?? '')?.[1] ?? '');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ value: HEALTHY[metric] ?? 0 }));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return server;
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'rewind-break-glass-'));
  const slack = await new SlackApiStandIn().answerLikeSlack().start();
  slack.handle('usergroups.users.list', (args) => ({
    body: { ok: true, users: args.usergroup === 'S0SRE' ? [ALICE, BOB] : [] },
  }));
  const kube = await KubeApiStandIn.start({ token: 'token-cli' });
  kube.seedPromptService({
    versions: ['v2.0.0', 'v1.5.0', 'v1.0.0'],
    namespace: 'prompts',
    context: 'prod',
    ...options.kube,
  });
  const kubeconfig = writeKubeconfig(
    [{ name: 'prod', server: kube.url, token: 'token-cli' }],
    'prod',
    join(dir, 'kube'),
  );
  kube.clearRequests();
  const metrics = await healthyMetrics();

  const doc = shippedConfigDoc();
  doc.metrics = {
    provider: 'http-json',
    httpJson: {
      url: `http://127.0.0.1:${(metrics.address() as AddressInfo).port}/metrics/$metric?version=$version`,
      path: 'value',
    },
  };
  // The built-in conditions only, whatever custom metrics the shipped file adds; short windows so a
  // rollback runs in seconds of real time.
  doc.triggers = {
    ...doc.triggers,
    evaluationInterval: '250ms',
    critical: ['error_rate > 10%', 'availability < 95%', 'p99_latency > 10000'],
    warning: ['error_rate > 5%', 'p95_latency > 3000', 'hallucination_rate > 15%'],
    watch: ['error_rate > 2%', 'p50_latency > 1000'],
  };
  doc.rollback.verifyWindow = '1s';
  doc.rollback.gradual = { ...doc.rollback.gradual, abortIf: 'error_rate > 5%' };
  options.config?.(doc);
  const configFile = join(dir, 'rewind.yml');
  writeFileSync(configFile, stringify(doc));
  const dbFile = join(dir, 'rewind.db');
  const store = openStore(dbFile);

  const env: Record<string, string> = {
    REWIND_CONFIG: configFile,
    REWIND_DB: dbFile,
    KUBECONFIG: kubeconfig,
    SLACK_BOT_TOKEN: 'xoxb-cli-token',
    SLACK_API_URL: slack.url,
  };
  const bots: Rewind[] = [];
  return {
    dir,
    configFile,
    dbFile,
    kube,
    slack,
    env,
    store,
    async run(args, extra = {}) {
      const set = { ...env, ...extra };
      const before = Object.fromEntries(Object.keys(set).map((k) => [k, process.env[k]]));
      Object.assign(process.env, set);
      const out: string[] = [];
      const err: string[] = [];
      const logged: string[] = [];
      const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        logged.push(String(chunk));
        return true;
      });
      try {
        const code = await runCli(args, { log: (l) => out.push(l), error: (l) => err.push(l) });
        return { code, out: out.join('\n'), err: err.join('\n'), logged: logged.join('') };
      } finally {
        write.mockRestore();
        for (const [k, v] of Object.entries(before)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    },
    async startBot() {
      const bot = await startRewind({
        envSource: {
          ...env,
          SLACK_SIGNING_SECRET: 'cli-signing-secret',
          PORT: '0',
          LOG_LEVEL: 'silent',
        },
        clock: systemClock,
        host: '127.0.0.1',
        slack: { botId: BOT.botId, botUserId: BOT.userId, retryConfig: { retries: 0 }, minUpdateIntervalMs: 0 },
      });
      bots.push(bot);
      return bot;
    },
    async stop() {
      for (const bot of bots) await bot.stop();
      store.close();
      await kube.close();
      await new Promise((closed) => metrics.close(closed));
      await slack.stop();
      rmSync(dir, { recursive: true, force: true });
      slack.assertNoUnexpectedRefusals();
    },
  };
}
