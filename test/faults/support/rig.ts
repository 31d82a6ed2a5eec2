/**
 * One fault-suite world: the Slack Web API and Kubernetes API stand-ins running in the test
 * process, a temporary SQLite file, a config derived from config/rewind.yml, and the real bot as a
 * separate OS process (BotProcess) on a ScaledClock. Tests reach the bot only through its real
 * entry points — the alert webhook and signed Slack requests — and look at what it did through
 * the stand-ins' records and, read-only, the SQLite file.
 *
 * The config differs from the shipped one as test/support/world.ts's does: prompt-service is routed
 * by weight through Istio and metrics come from the simulated provider (healthy throughout, see
 * bot-main.ts). Drills run on prompt-service itself with the istio-fault injector, so a drill's
 * fault lands on the VirtualService the rollback moves.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { ScaledClock } from '../../../src/clock.ts';
import type { SlackAck, WebhookAnswer } from '../../support/answers.ts';
import { shippedConfigDoc, type ConfigDoc } from '../../support/config-doc.ts';
import { KubeApiStandIn, type SeedOptions } from '../../support/kube-api.ts';
import { writeKubeconfig } from '../../support/kubeconfig.ts';
import { SlackApiStandIn } from '../../support/slack-api.ts';
import {
  blockActionsPayload,
  interactionBody,
  postSigned,
  slashCommandBody,
  slashCommandPayload,
  viewSubmissionPayload,
  type BlockActionsOptions,
  type ViewSubmissionOptions,
} from '../../support/slack-signing.ts';
import { BotProcess } from './bot-process.ts';
import { SocketModeStandIn } from '../../support/socket-mode.ts';
import { PostgresDatabase } from '../../../src/store/postgres/database.ts';
import { isPostgresUrl } from '../../../src/store/postgres/sync-connection.ts';
import { freshDatabase, type StoreKindName } from '../../support/stores.ts';

/** What tests read the database through: a statement's get and all, on either store. */
export interface ReadDatabase {
  prepare(sql: string): { get(...params: unknown[]): unknown; all(...params: unknown[]): unknown[] };
}

export const SECRET = 'faults-signing-secret';
export const ALERT_TOKEN = 'faults-alert-token';
export const LEAD = 'U0LEAD';
export const ALICE = 'U0ALICE';
export const BOB = 'U0BOB';
export const MALLORY = 'U0MALLORY';
/** Who each escalation level of the shipped config reaches once user groups are expanded. */
export const ESCALATED = { 1: ['U0SENIOR1', 'U0SENIOR2'], 2: ['U0MANAGER'] } as const;
export const INCIDENT_CHANNEL = 'C0INCIDENT';
export const STAKEHOLDER_CHANNEL = 'C0STAKEHOLDERS';
export const VS = { kind: 'VirtualService', namespace: 'prompts', name: 'prompt-service' } as const;
export const VS_PATH = '/apis/networking.istio.io/v1/namespaces/prompts/virtualservices/prompt-service';
export const MIN = 60_000;
/**
 * True under vitest.faults.config.ts (`npm run test:faults`). The default config's `*.test.ts`
 * also matches these files; there the suite is skipped rather than run alongside the unit tests.
 */
/** The name the Slack stand-in records a replica's calls under (`SlackCall.via.client`), by its index in `bots`. */
export const replicaName = (index: number): string => `replica-${index}`;

export const IN_FAULT_SUITE = process.env.REWIND_FAULTS === '1';

export interface RigOptions {
  /** Scaled milliseconds per real millisecond. */
  scale: number;
  /** Changes to the derived config, as plain YAML data (prompt-service-staging is removed from it). */
  config?: (doc: RigConfigDoc) => void;
  /** The initial traffic split of prompt-service (default: all on v2.0.0). */
  kube?: Partial<SeedOptions>;
  processBeforeResponse?: boolean;
  /** Start the bot (default true); false for tests that script the stand-ins first. */
  startBot?: boolean;
  /** Where the SQLite file lives (default: the rig's temporary folder), e.g. a small tmpfs. */
  dbDir?: string;
  /**
   * Equal bot processes on one database (default 1). More than one needs `store: 'postgres'`;
   * the entry points then go to the live bots in turn (round robin), as a load balancer sends them.
   */
  replicas?: number;
  /** The store: a SQLite file (default), or an empty PostgreSQL schema (REWIND_TEST_POSTGRES). */
  store?: StoreKindName;
  /**
   * Socket Mode: every bot holds a connection to a Socket Mode stand-in, and each slash command,
   * click and dialog goes to one of the open connections picked with `spread` (as Slack does).
   */
  socketMode?: { spread: () => number };
  /** Clock ms after which a replica whose heartbeat is silent counts as dead (default the bot's 20 s). */
  runnerDeadAfterMs?: number;
}

/** The rig's config: the shipped one without prompt-service-staging, which the stand-in cluster does not serve. */
export type RigConfigDoc = ConfigDoc<'prompt-service'>;

export interface Answer {
  status: number;
  /** The ack's JSON, or its text when Bolt answered with plain text. */
  body: SlackAck | string;
  /** The response_url handed to the bot with the request. */
  responseUrl: string;
}

/** The `text` of an ack's message (undefined for an ack without one, or one in plain text). */
export const ackText = (a: Pick<Answer, 'body'>): string | undefined =>
  typeof a.body === 'string' ? undefined : a.body.text;

export class Rig {
  readonly clock: ScaledClock;
  readonly dbFile: string;
  /** The first bot; `bots` holds every replica. */
  readonly bot: BotProcess;
  private turn = 0;
  private postgres: PostgresDatabase | null = null;
  private constructor(
    readonly dir: string,
    readonly slack: SlackApiStandIn,
    readonly kube: KubeApiStandIn,
    readonly bots: BotProcess[],
    readonly socket: SocketModeStandIn | null = null,
  ) {
    this.bot = bots[0]!;
    this.clock = new ScaledClock(this.bot.options.origin, this.bot.options.scale);
    this.dbFile = this.bot.options.env.REWIND_DB ?? '';
  }

  /** The bot the next request goes to: the live ones in turn. */
  private target(): BotProcess {
    const live = this.bots.filter((b) => b.alive());
    const bot = live[this.turn++ % Math.max(live.length, 1)];
    return bot ?? this.bot;
  }

  static async start(o: RigOptions): Promise<Rig> {
    const dir = mkdtempSync(join(tmpdir(), 'rewind-faults-'));
    const doc: RigConfigDoc = shippedConfigDoc();
    doc.services['prompt-service'].router = { kind: 'istio', virtualService: 'prompt-service', route: 0 };
    doc.metrics = { provider: 'simulated' };
    doc.services['prompt-service'].drill = 'allowed';
    doc.drills.service = 'prompt-service';
    doc.drills.injector = { kind: 'istio-fault', virtualService: 'prompt-service' };
    // The stand-in cluster serves prompt-service only; a staging service it cannot read would only add warnings.
    delete doc.services['prompt-service-staging'];
    o.config?.(doc);
    const configFile = join(dir, 'rewind.yml');
    writeFileSync(configFile, stringify(doc));

    const slack = await new SlackApiStandIn().answerLikeSlack().start();
    slack.handle('usergroups.users.list', (args) => ({
      body: {
        ok: true,
        users: args.usergroup === 'S0SRE' ? [ALICE, BOB] : args.usergroup === 'S0SENIOR' ? [...ESCALATED[1]] : [],
      },
    }));
    slack.handle('chat.getPermalink', (args) => ({
      body: {
        ok: true,
        channel: args.channel,
        permalink: `https://rewind-test.slack.com/archives/${String(args.channel)}/p${String(args.message_ts).replace('.', '')}`,
      },
    }));
    const kube = await KubeApiStandIn.start({ token: 'token-faults' });
    kube.seedPromptService({
      versions: ['v2.0.0', 'v1.5.0', 'v1.0.0'],
      namespace: 'prompts',
      context: 'prod',
      ...o.kube,
    });
    const kubeconfig = writeKubeconfig(
      [
        { name: 'prod', server: kube.url, token: 'token-faults' },
        { name: 'staging', server: kube.url, token: 'token-faults' },
      ],
      'prod',
      join(dir, 'kubeconfig'),
    );
    kube.clearRequests();
    const replicas = o.replicas ?? 1;
    const socket = o.socketMode
      ? await new SocketModeStandIn(slack, { spread: o.socketMode.spread, pingIntervalMs: 2_000 }).start()
      : null;
    if (replicas > 1 && o.store !== 'postgres') throw new Error('several replicas need the PostgreSQL store');
    const db = o.store === 'postgres' ? freshDatabase('postgres').target : join(o.dbDir ?? dir, 'rewind.db');
    const origin = Date.now();
    const bots = Array.from(
      { length: replicas },
      (_, i) =>
        new BotProcess({
          origin,
          ...(o.runnerDeadAfterMs ? { runnerDeadAfterMs: o.runnerDeadAfterMs } : {}),
          scale: o.scale,
          processBeforeResponse: o.processBeforeResponse ?? false,
          env: {
            SLACK_BOT_TOKEN: 'xoxb-faults-token',
            SLACK_SIGNING_SECRET: SECRET,
            // Replicas share one token: the stand-in tells their calls apart by URL (SlackCall.via).
            SLACK_API_URL: replicas > 1 ? slack.urlFor(replicaName(i)) : slack.url,
            PORT: '0',
            REWIND_CONFIG: configFile,
            REWIND_DB: db,
            LOG_LEVEL: 'info',
            ALERT_WEBHOOK_TOKEN: ALERT_TOKEN,
            KUBECONFIG: kubeconfig,
            ...(socket ? { SLACK_APP_TOKEN: 'xapp-1-A0REWIND-faults' } : {}),
          },
        }),
    );
    const rig = new Rig(dir, slack, kube, bots, socket);
    if (o.startBot ?? true) {
      await Promise.all(bots.map((b) => b.start()));
      await socket?.connected({ count: replicas });
    }
    return rig;
  }

  /**
   * Stops the bot (SIGTERM, then SIGKILL), the stand-ins, and removes the folder; then throws if
   * Slack would have refused anything the test did not expect (slack.expectRefusals).
   */
  async stop(): Promise<void> {
    await Promise.all(this.bots.map((b) => b.stop()));
    this.postgres?.close();
    await this.socket?.close();
    await this.slack.stop();
    await this.kube.close();
    rmSync(this.dir, { recursive: true, force: true });
    this.slack.assertNoUnexpectedRefusals();
  }

  // --- entry points ------------------------------------------------------------------------

  /** POSTs to the generic alert webhook; the default body is v2.0.0's error rate breaking the warning tier. */
  async alert(
    body: Record<string, unknown> = {},
    headers: Record<string, string> = { authorization: `Bearer ${ALERT_TOKEN}` },
  ): Promise<{ status: number; body: WebhookAnswer }> {
    const res = await fetch(`${this.target().url}/alerts/generic`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        service: 'prompt-service',
        severity: 'warning',
        summary: 'error_rate 7.2% > 5%',
        labels: { version: 'v2.0.0' },
        ...body,
      }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as WebhookAnswer };
  }

  async command(user: string, command: string, text: string): Promise<Answer> {
    const responseUrl = this.slack.responseUrl();
    const fields = { command, text, user_id: user, channel_id: INCIDENT_CHANNEL, response_url: responseUrl };
    if (this.socket) {
      const ack = await this.socket.send('slash_commands', slashCommandPayload(fields), {
        acceptsResponsePayload: true,
      });
      return { status: 200, body: (ack.payload ?? {}) as SlackAck, responseUrl };
    }
    const res = await postSigned(`${this.target().url}/slack/events`, slashCommandBody(fields), { secret: SECRET });
    return { ...(await answerOf(res)), responseUrl };
  }

  /** An interaction payload, over HTTP to the next bot or over Socket Mode to a connection Slack picks. */
  private async interact(payload: object): Promise<{ status: number; body: SlackAck | string }> {
    if (this.socket) {
      const ack = await this.socket.send('interactive', payload, { acceptsResponsePayload: true });
      return { status: 200, body: (ack.payload ?? {}) as SlackAck };
    }
    const res = await postSigned(`${this.target().url}/slack/events`, interactionBody(payload), { secret: SECRET });
    return answerOf(res);
  }

  async act(o: Omit<BlockActionsOptions, 'channel' | 'responseUrl'> & { channel?: string }): Promise<Answer> {
    const responseUrl = this.slack.responseUrl();
    const payload = blockActionsPayload({ channel: INCIDENT_CHANNEL, responseUrl, ...o });
    return { ...(await this.interact(payload)), responseUrl };
  }

  async submit(
    user: string,
    callbackId: string,
    privateMetadata: string,
    values?: ViewSubmissionOptions['values'],
  ): Promise<Answer> {
    const payload = viewSubmissionPayload({ user, callbackId, privateMetadata, ...(values ? { values } : {}) });
    return { ...(await this.interact(payload)), responseUrl: '' };
  }

  // --- looking -----------------------------------------------------------------------------

  /**
   * Runs `fn` on a connection to the bots' database: read-only on SQLite (safe while it runs: WAL);
   * on PostgreSQL a connection of the test's own. Statements use `?` parameters, in SQL both read.
   */
  read<T>(fn: (db: ReadDatabase) => T): T {
    if (isPostgresUrl(this.dbFile)) return fn((this.postgres ??= new PostgresDatabase({ url: this.dbFile })));
    for (let attempt = 1; ; attempt++) {
      let db: Database.Database | undefined;
      try {
        db = new Database(this.dbFile, { readonly: true, fileMustExist: true });
        return fn(db);
      } catch (err) {
        // The writer may hold a lock for a moment; anything else is a real failure.
        if (attempt >= 20 || !/SQLITE_BUSY|database is locked/i.test(String((err as Error).message))) throw err;
      } finally {
        db?.close();
      }
    }
  }

  /**
   * Polls `probe` every 25 ms until it returns a value other than undefined/null/false, or throws after
   * `ceilingMs` of real time naming what was awaited. Ceilings are generous: they catch a stuck
   * bot, not a slow one.
   */
  async until<T>(
    what: string,
    probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
    ceilingMs = 60_000,
  ): Promise<T> {
    const end = Date.now() + ceilingMs;
    let last: unknown;
    for (;;) {
      try {
        const v = await probe();
        // null is "not yet" too: a column still NULL must never read as the thing awaited.
        if (v !== undefined && v !== null && v !== false) return v as T;
      } catch (err) {
        last = err;
      }
      if (Date.now() > end) {
        throw new Error(
          `waited ${ceilingMs} ms (${Math.round((this.clock.scale * ceilingMs) / MIN)} scaled minutes) for ` +
            `${what}${last ? ` (last error: ${String(last)})` : ''}\n--- bot log:\n` +
            `${this.bots.map((b) => b.output(undefined, 6_000 / this.bots.length)).join('\n--- next bot:\n')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Real milliseconds that `scaledMs` of the bot's time take. */
  real(scaledMs: number): number {
    return scaledMs / this.clock.scale;
  }
}

async function answerOf(res: Response): Promise<{ status: number; body: SlackAck | string }> {
  const raw = await res.text();
  try {
    return { status: res.status, body: (raw ? JSON.parse(raw) : {}) as SlackAck };
  } catch {
    // Bolt answers some acks with plain text.
    return { status: res.status, body: raw };
  }
}
