/**
 * A running Rewind for end-to-end tests of the Slack surface: the real composition root
 * (startRewind) on a temporary SQLite file and a manual clock, its Slack Web API pointed at the
 * stand-in, the recording rollback engine, and helpers that send what Slack would send — signed
 * HTTP requests in HTTP mode, envelopes over the WebSocket in Socket Mode.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startRewind, type Rewind } from '../../src/main.ts';
import { ManualClock, systemClock } from '../../src/clock.ts';
import { BOT_ACTOR, type Incident } from '../../src/domain/types.ts';
import type { SlackAck, WebhookAnswer } from './answers.ts';
import { shippedConfigDoc, type ConfigDoc } from './config-doc.ts';
import { RecordingEngine } from './recording-engine.ts';
import { SlackApiStandIn, type SlackCall } from './slack-api.ts';
import {
  BOT,
  blockActionsPayload,
  eventCallbackBody,
  appHomeOpenedEvent,
  interactionBody,
  postSigned,
  slashCommandBody,
  slashCommandPayload,
  viewSubmissionPayload,
  type BlockActionsOptions,
  type ViewSubmissionOptions,
} from './slack-signing.ts';
import { SocketModeStandIn } from './socket-mode.ts';
import { KubeApiStandIn, type SeedOptions } from './kube-api.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import type { Store } from '../../src/store/index.ts';
import type { Clock } from '../../src/clock.ts';
import { freshDatabase, type StoreKindName } from './stores.ts';

export type { ConfigDoc, ShippedService } from './config-doc.ts';

export const SECRET = 'world-signing-secret';
export const ALERT_TOKEN = 'world-alert-token';
export const HEALTHY = {
  error_rate: 0.004,
  availability: 0.999,
  p50_latency: 400,
  p95_latency: 1500,
  p99_latency: 2500,
  hallucination_rate: 0.02,
  user_complaints: 0,
};
export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
export const LEAD = 'U0LEAD'; // approver by user ID in the shipped config
export const ALICE = 'U0ALICE'; // approver through the S0SRE group
export const BOB = 'U0BOB'; // approver through the S0SRE group
export const MALLORY = 'U0MALLORY'; // not an approver

export interface WorldOptions {
  socketMode?: boolean;
  /** Changes to the shipped config/rewind.yml, as plain YAML data. */
  config?: (doc: ConfigDoc) => void;
  /** Default true (tests see the listener's work in the HTTP answer); benchmarks use production's false. */
  processBeforeResponse?: boolean;
  /** Spacing of head-message updates; default 0 here (production: 1000 ms). */
  minUpdateIntervalMs?: number;
  /**
   * Run on the system clock (end-to-end tests against real Prometheus, whose data arrives in real
   * time). `world.clock` and `runUntil` are then not to be used.
   */
  realTime?: boolean;
  /**
   * Run rollbacks with the real Kubernetes engine against an API stand-in seeded with the prompt
   * service (contexts prod and staging), instead of the recording engine.
   */
  kube?: Partial<SeedOptions>;
  /** Start without knowing the bot's ids, as production does: they come from auth.test. */
  learnIdentity?: boolean;
  /** The Web API timeout (production: 5 s). */
  slackTimeoutMs?: number;
  /** The store behind the bot (test/support/stores.ts); default a SQLite file in the world's folder. */
  store?: StoreKindName;
  /** How the bot reaches that store: its REWIND_DB made from the fresh database's (e.g. through a proxy). */
  databaseVia?: (target: string) => string;
  /**
   * Another replica of that world's bot (HTTP mode): the same config, database, clock and stand-ins
   * (Slack, Kubernetes), so the options that shape those are that world's. stop() stops only this
   * bot: stop it before that world.
   */
  replicaOf?: World;
}

export interface World {
  rewind: Rewind;
  /** What REWIND_DB says: a SQLite file, or a postgres:// URL. */
  database: string;
  /** The config file and kubeconfig (null without the Kubernetes stand-in) the bot starts with. */
  files: { config: string; kubeconfig: string | null };
  /**
   * Stops the bot and starts it again on the same database, config and stand-ins (a deploy, a crash), optionally after
   * some downtime.
   */
  restart(options?: { downForMs?: number }): Promise<void>;
  /** The Kubernetes API stand-in, when the world runs the real engine. */
  kube: KubeApiStandIn | null;
  /** Moves the clock in steps until `done()` holds, letting real I/O (HTTP to the stand-ins) finish between steps. */
  runUntil(done: () => boolean, options?: { stepMs?: number; maxMs?: number }): Promise<void>;
  slack: SlackApiStandIn;
  socket: SocketModeStandIn | null;
  clock: ManualClock;
  engine: RecordingEngine;
  url: string;
  /** A slash command; resolves with what the ack carried (HTTP response body or socket ack payload). */
  command(
    user: string,
    command: string,
    text: string,
    responseUrl?: string,
  ): Promise<{ status: number; body: SlackAck }>;
  /** A block_actions click or select on a message. */
  act(o: Omit<BlockActionsOptions, 'channel'> & { channel?: string }): Promise<{ status: number }>;
  /** A view_submission. */
  submit(
    user: string,
    callbackId: string,
    privateMetadata: string,
    values?: ViewSubmissionOptions['values'],
  ): Promise<{ status: number; body: SlackAck }>;
  homeOpened(user: string): Promise<{ status: number }>;
  /** Opens an incident the way alerts and the evaluator will, and waits for its head message. */
  openIncident(): Promise<Incident>;
  settle(): Promise<void>;
  /**
   * Stops everything; then throws if Slack would have refused anything the test did not expect (slack.expectRefusals).
   */
  stop(): Promise<void>;
  /** POSTs a webhook body to /alerts/<source> with the bearer token (or the given headers). */
  postAlert(
    source: 'alertmanager' | 'grafana' | 'generic',
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: WebhookAnswer }>;
}

/** A new world's config file, stand-ins, clock and database (a replica takes another world's). */
async function newParts(options: WorldOptions, dir: string) {
  const doc = shippedConfigDoc();
  // The shipped prompt-service is blue-green (service-selector), which only switches all at once;
  // most tests also exercise gradual rollbacks, so by default it is routed by weight through Istio.
  doc.services['prompt-service'].router = { kind: 'istio', virtualService: 'prompt-service', route: 0 };
  // Metrics come from the simulated provider, driven by the test (rewind.metrics.simulated).
  if (!options.realTime) doc.metrics = { provider: 'simulated' };
  options.config?.(doc);
  const configFile = join(dir, 'rewind.yml');
  writeFileSync(configFile, stringify(doc));

  const slack = await new SlackApiStandIn().answerLikeSlack().start();
  slack.handle('usergroups.users.list', (args) => ({
    body: {
      ok: true,
      users:
        args.usergroup === 'S0SRE' ? [ALICE, BOB] : args.usergroup === 'S0SENIOR' ? ['U0SENIOR1', 'U0SENIOR2'] : [],
    },
  }));
  slack.handle('chat.getPermalink', (args) => ({
    body: {
      ok: true,
      channel: args.channel,
      permalink: `https://rewind-test.slack.com/archives/${String(args.channel)}/p${String(args.message_ts).replace('.', '')}`,
    },
  }));
  const socket = options.socketMode ? await new SocketModeStandIn(slack).start() : null;
  const kube = options.kube ? await KubeApiStandIn.start({ token: 'token-world' }) : null;
  let kubeconfig: string | null = null;
  if (kube) {
    kube.seedPromptService({
      versions: ['v2.0.0', 'v1.5.0', 'v1.0.0'],
      namespace: 'prompts',
      context: 'prod',
      ...options.kube,
    });
    kubeconfig = writeKubeconfig([
      { name: 'prod', server: kube.url, token: 'token-world' },
      { name: 'staging', server: kube.url, token: 'token-world' },
    ]);
    kube.clearRequests();
  }
  const clock = options.realTime ? (systemClock as unknown as ManualClock) : new ManualClock(T0);
  const fresh =
    options.store && options.store !== 'sqlite' ? freshDatabase(options.store).target : join(dir, 'rewind.db');
  const dbTarget = options.databaseVia ? options.databaseVia(fresh) : fresh;
  return { configFile, slack, socket, kube, kubeconfig, clock, dbTarget };
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'rewind-world-'));
  const replicaOf = options.replicaOf;
  if (replicaOf?.socket) throw new Error('startWorld: a replica joins an HTTP-mode world only');
  const { configFile, slack, socket, kube, kubeconfig, clock, dbTarget } = replicaOf
    ? {
        configFile: replicaOf.files.config,
        slack: replicaOf.slack,
        socket: null,
        kube: replicaOf.kube,
        kubeconfig: replicaOf.files.kubeconfig,
        clock: replicaOf.clock,
        dbTarget: replicaOf.database,
      }
    : await newParts(options, dir);
  let engine: RecordingEngine | undefined;
  const boot = () =>
    startRewind({
      envSource: {
        SLACK_BOT_TOKEN: 'xoxb-world-token',
        ...(socket ? { SLACK_APP_TOKEN: 'xapp-1-A0REWIND-world' } : { SLACK_SIGNING_SECRET: SECRET }),
        SLACK_API_URL: slack.url,
        PORT: '0',
        REWIND_CONFIG: configFile,
        REWIND_DB: dbTarget,
        LOG_LEVEL: process.env['REWIND_TEST_LOG'] ?? 'silent',
        ALERT_WEBHOOK_TOKEN: ALERT_TOKEN,
        ...(kubeconfig ? { KUBECONFIG: kubeconfig } : {}),
      },
      clock,
      host: '127.0.0.1',
      ...(kube ? {} : { engine: (store: Store, c: Clock) => (engine = new RecordingEngine(store, c)) }),
      slack: {
        ...(options.learnIdentity ? {} : { botId: BOT.botId, botUserId: BOT.userId }),
        retryConfig: { retries: 0 },
        ...(options.slackTimeoutMs ? { timeoutMs: options.slackTimeoutMs } : {}),
        processBeforeResponse: options.processBeforeResponse ?? true,
        minUpdateIntervalMs: options.minUpdateIntervalMs ?? 0,
      },
    });
  /** Every version of every service starts healthy; tests make one misbehave through rewind.metrics.simulated. */
  const healthy = (r: Rewind) => {
    for (const [name, svc] of Object.entries(r.config.services)) {
      for (const v of svc.versions) r.metrics.simulated?.script(name, v.version, [{ from: 0, values: HEALTHY }]);
    }
  };
  let rewind = await boot();
  if (rewind.metrics.simulated) healthy(rewind);
  if (socket) await socket.connected();
  let url = `http://127.0.0.1:${rewind.port}/slack/events`;
  const channel = rewind.config.slack.incidentChannel;

  const settle = async () => {
    await new Promise((r) => setImmediate(r));
    await rewind.presenter.idle();
  };

  const world: World = {
    get rewind() {
      return rewind;
    },
    database: dbTarget,
    files: { config: configFile, kubeconfig },
    get url() {
      return url;
    },
    async restart(options = {}) {
      const connections = socket?.appTokens.length ?? 0;
      await rewind.stop();
      // Time passes while the bot is down: timers due meanwhile fire late at the next start.
      if (options.downForMs) clock.jumpTo(clock.now() + options.downForMs);
      rewind = await boot();
      if (rewind.metrics.simulated) healthy(rewind);
      url = `http://127.0.0.1:${rewind.port}/slack/events`;
      if (socket) await socket.connected({ count: connections + 1 });
    },
    kube,
    async runUntil(done, { stepMs = 1_000, maxMs = 30 * 60_000 } = {}) {
      const end = clock.now() + maxMs;
      while (!done()) {
        if (clock.now() >= end) throw new Error(`runUntil: condition not met within ${maxMs / 1000}s of clock time`);
        await clock.advance(stepMs);
        // A yield, not a bet on timing: the stand-ins run in this process, so what the bot sent them
        // is answered within turns of the event loop, not after some wall-clock time; a busy machine
        // only makes this pause longer.
        await new Promise((r) => setTimeout(r, 2));
        await settle();
      }
    },
    slack,
    socket,
    clock,
    engine: engine as unknown as RecordingEngine,
    async command(user, command, text, responseUrl = slack.responseUrl()) {
      const fields = { command, text, user_id: user, channel_id: channel, response_url: responseUrl };
      if (socket) {
        const ack = await socket.send('slash_commands', slashCommandPayload(fields), { acceptsResponsePayload: true });
        await settle();
        return { status: 200, body: (ack.payload ?? {}) as SlackAck };
      }
      const res = await postSigned(url, slashCommandBody(fields), { secret: SECRET });
      const raw = await res.text();
      await settle();
      return { status: res.status, body: (raw ? JSON.parse(raw) : {}) as SlackAck };
    },
    async act(o) {
      const payload = blockActionsPayload({ channel, responseUrl: slack.responseUrl(), ...o });
      if (socket) {
        await socket.send('interactive', payload);
        await settle();
        return { status: 200 };
      }
      const res = await postSigned(url, interactionBody(payload), { secret: SECRET });
      await res.text();
      await settle();
      return { status: res.status };
    },
    async submit(user, callbackId, privateMetadata, values) {
      const payload = viewSubmissionPayload({ user, callbackId, privateMetadata, ...(values ? { values } : {}) });
      if (socket) {
        const ack = await socket.send('interactive', payload, { acceptsResponsePayload: true });
        await settle();
        return { status: 200, body: (ack.payload ?? {}) as SlackAck };
      }
      const res = await postSigned(url, interactionBody(payload), { secret: SECRET });
      const raw = await res.text();
      await settle();
      return { status: res.status, body: (raw ? JSON.parse(raw) : {}) as SlackAck };
    },
    async homeOpened(user) {
      const body = eventCallbackBody({ event: appHomeOpenedEvent(user) });
      if (socket) {
        await socket.send('events_api', JSON.parse(body));
        await settle();
        return { status: 200 };
      }
      const res = await postSigned(url, body, { secret: SECRET });
      await res.text();
      await settle();
      return { status: res.status };
    },
    async openIncident() {
      const { incident } = rewind.services.incidents.open(
        {
          service: 'prompt-service',
          version: 'v2.0.0',
          severity: 'warning',
          title: 'error_rate 7.2% > 5%',
          drill: false,
          breaches: [{ metric: 'error_rate', op: '>', threshold: 0.05, value: 0.072 }],
        },
        BOT_ACTOR,
      );
      rewind.services.incidents.transition(incident.id, 'awaiting_decision', BOT_ACTOR);
      await settle();
      return rewind.services.incidents.get(incident.id);
    },
    settle,
    async postAlert(source, body, headers = { authorization: `Bearer ${ALERT_TOKEN}` }) {
      const res = await fetch(`http://127.0.0.1:${rewind.port}/alerts/${source}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      await settle();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as WebhookAnswer };
    },
    async stop() {
      await rewind.stop();
      // A replica's stand-ins are the other world's, closed with it.
      if (replicaOf) return rmSync(dir, { recursive: true, force: true });
      await socket?.close();
      await kube?.close();
      await slack.stop();
      rmSync(dir, { recursive: true, force: true });
      // Last, once everything is down: a message Slack would refuse fails the test that sent it.
      slack.assertNoUnexpectedRefusals();
    },
  };
  return world;
}

/** Every block of a Slack call, flattened to the elements with an action_id. */
export function actionIds(call: SlackCall | undefined): string[] {
  const blocks = (call?.args.blocks ?? (call?.args.view as { blocks?: unknown[] } | undefined)?.blocks ?? []) as Array<{
    elements?: Array<{ action_id?: string }>;
    accessory?: { action_id?: string };
  }>;
  return blocks
    .flatMap((b) => [...(b.elements ?? []).map((e) => e.action_id), b.accessory?.action_id])
    .filter((x): x is string => typeof x === 'string');
}

/** All text of a Slack call's blocks and fallback text, for "does it say X" assertions. */
export function textOf(call: SlackCall | { args: Record<string, unknown> } | undefined): string {
  return JSON.stringify(call?.args ?? {});
}
