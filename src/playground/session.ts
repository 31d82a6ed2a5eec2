/**
 * One playground world: a temporary folder (config, SQLite, kubeconfig), the Slack Web API stand-in
 * answering like a small workspace, the Kubernetes API stand-in holding prompt-service (Istio,
 * v2.0.0 and v1.5.0 sharing traffic 50/50) and its staging twin, the scenario (sliders and the
 * timeline) and the bot in its own process. Reset closes one and opens the next.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { systemClock, type Clock } from '../clock.ts';
import { loadConfigFile, formatProblem } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { KubeApiStandIn } from '../demo/stand-ins/kube-api.ts';
import { writeKubeconfig } from '../demo/stand-ins/kubeconfig.ts';
import { slackLikeAnswers } from '../demo/stand-ins/slack-api-answers.ts';
import { SlackApiStandIn, type SlackCall } from '../demo/stand-ins/slack-api.ts';
import { BOT } from '../demo/stand-ins/slack-signing.ts';
import { BotProcess } from './bot-process.ts';
import { PEOPLE, workspaceOf } from './people.ts';
import { Scenario, type Misbehaviour } from './scenario.ts';
import { changeSpeed, virtualNow, type TimeSegment } from './timeline.ts';
import { FIX, type ShippedConfig } from '../demo/fix-version.ts';

/** Monday 5 January 2026, 09:00 in Tokyo: a working morning in the team's zone. */
export const PLAYGROUND_START = Date.UTC(2026, 0, 5, 0, 0);
export const SIGNING_SECRET = 'playground-signing-secret';
const KUBE_TOKEN = 'playground-token';

export class Session {
  /** What the stand-in answered each messaging call with (message ts, view id), by call. */
  readonly answers = new WeakMap<SlackCall, Record<string, unknown>>();
  readonly scenario: Scenario;
  readonly bot: BotProcess;
  /** The session's clock on the playground's side (the Kubernetes stand-in's, the page's). */
  readonly clock: Clock;
  private constructor(
    readonly dir: string,
    readonly config: Config,
    readonly slack: SlackApiStandIn,
    readonly kube: KubeApiStandIn,
    env: Record<string, string>,
    private readonly time: { segment: TimeSegment },
    onChange: () => void,
  ) {
    this.scenario = new Scenario(config.services, PLAYGROUND_START - 86_400_000);
    this.bot = new BotProcess(env, onChange);
    this.clock = {
      now: () => virtualNow(this.time.segment),
      sleep: () => Promise.reject(new Error('the playground server does not sleep on the session clock')),
    };
  }

  /** Starts the stand-ins and the bot; `onChange` is told whenever the bot's state changes. */
  static async open(configFile: string, onChange: () => void, speed = 60): Promise<Session> {
    const dir = mkdtempSync(join(tmpdir(), 'rewind-playground-'));
    const time = { segment: { realAt: Date.now(), virtualAt: PLAYGROUND_START, scale: speed } };
    const slack = new SlackApiStandIn();
    let kube: KubeApiStandIn | undefined;
    try {
      const config = writeConfig(configFile, join(dir, 'rewind.yml'));
      await slack.start();
      const kubeClock: Clock = {
        now: () => virtualNow(time.segment),
        sleep: (ms, signal) => systemClock.sleep(ms, signal),
      };
      kube = await KubeApiStandIn.start({ token: KUBE_TOKEN, clock: kubeClock });
      seedCluster(kube, config);
      const kubeconfig = writeKubeconfig(
        [{ name: 'playground', server: kube.url, token: KUBE_TOKEN }],
        'playground',
        join(dir, 'kubeconfig'),
      );
      const env = {
        SLACK_BOT_TOKEN: 'xoxb-playground',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.url,
        PORT: '0',
        REWIND_CONFIG: join(dir, 'rewind.yml'),
        REWIND_DB: join(dir, 'rewind.db'),
        KUBECONFIG: kubeconfig,
        LOG_LEVEL: 'warn',
      };
      const session: Session = new Session(dir, config, slack, kube, env, time, onChange);
      session.answerLikeAWorkspace();
      await session.startBot();
      return session;
    } catch (err) {
      await kube?.close();
      await slack.stop();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  get speed(): number {
    return this.time.segment.scale;
  }

  get now(): number {
    return virtualNow(this.time.segment);
  }

  /** Where the bot takes Slack's deliveries. */
  get eventsUrl(): string {
    return `http://127.0.0.1:${this.bot.port}/slack/events`;
  }

  setSpeed(scale: number): void {
    this.time.segment = changeSpeed(this.time.segment, scale);
    this.bot.send({ type: 'timeline', segment: this.time.segment });
  }

  setBehaviour(service: string, version: string, m: Misbehaviour): void {
    this.scenario.set(service, version, m, this.now);
    this.bot.send({ type: 'scripts', scripts: this.scenario.scripts() });
  }

  startBot(): Promise<void> {
    return this.bot.start(this.time.segment, this.scenario.scripts());
  }

  async close(): Promise<void> {
    await this.bot.stop();
    await this.kube.close();
    await this.slack.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * The stand-in answers like Slack (a fresh ts per message, a view id per view) and keeps each
   * answer beside its call, so the page can follow chat.update to the message it changes; and it
   * knows the playground's people and user groups, so escalation DMs reach them.
   */
  private answerLikeAWorkspace(): void {
    let counter = 0;
    const answers = slackLikeAnswers({
      next: () => ++counter,
      uploadUrl: (fileId) => `http://127.0.0.1:${this.slack.port}/upload/${fileId}`,
    });
    for (const [method, handler] of answers)
      this.slack.handle(method, (args, call) => {
        const answer = handler(args, call);
        this.answers.set(call, answer.body);
        return answer;
      });
    this.slack.likeWorkspace(workspaceOf(this.config, BOT.userId));
    this.slack.handle('chat.getPermalink', (args) => ({
      body: {
        ok: true,
        channel: args.channel,
        permalink: `http://playground.invalid/${String(args.channel)}/p${String(args.message_ts).replace('.', '')}`,
      },
    }));
    this.slack.handle('conversations.members', () => ({
      body: { ok: true, members: PEOPLE.map((p) => p.id), response_metadata: { next_cursor: '' } },
    }));
  }
}

/** The shipped config, with what a laptop has instead of a cluster and Prometheus; checked as the bot will check it. */
function writeConfig(from: string, to: string): Config {
  const doc = parse(readFileSync(from, 'utf8')) as ShippedConfig;
  doc.metrics = { provider: 'simulated' };
  const promptService = doc.services['prompt-service'];
  if (!promptService) throw new Error(`${from} has no service prompt-service, the one the playground plays`);
  // Weighted routing, so a gradual rollback can step traffic down.
  promptService.router = { kind: 'istio', virtualService: 'prompt-service', route: 0 };
  // The fix, deployed and taking no traffic yet: "Re-deploy fix as cautious canary" after a rollback has it to offer.
  if (!promptService.versions.some((v) => (v as { version?: string }).version === FIX.version))
    promptService.versions.unshift(FIX);
  writeFileSync(to, stringify(doc));
  const loaded = loadConfigFile(to);
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  return loaded.config;
}

/**
 * Each service as its config names it (Deployments, backends, subsets), in its own namespace behind
 * its own VirtualService. prompt-service's newest configured version shares traffic 50/50 with the
 * one before it; the fix (when the config has one ahead of them) is deployed at 0%.
 */
function seedCluster(kube: KubeApiStandIn, config: Config): void {
  for (const [name, s] of Object.entries(config.services)) {
    const router = s.router as { kind: string; virtualService?: string };
    const configured = s.versions.filter((v) => v.version !== FIX.version);
    const [newest, previous] = configured;
    kube.seedPromptService({
      name: router.virtualService ?? name,
      app: name,
      namespace: s.namespace,
      versionLabel: s.versionLabel,
      versions: s.versions.map((v) => ({
        version: v.version,
        deployment: v.deployment,
        ...(v.backend ? { backend: v.backend } : {}),
        ...(v.subset ? { subset: v.subset } : {}),
      })),
      split:
        name === 'prompt-service' && newest && previous
          ? { [newest.version]: 50, [previous.version]: 50 }
          : { [(newest ?? s.versions[0])?.version ?? '']: 100 },
    });
  }
}
