/**
 * The break-glass commands act through the bot's own parts: the same config, database, services,
 * approvals policy, audit and Kubernetes clients that `rewind start` wires (main.ts), built here
 * without the Slack app, the HTTP server or any background work. What the services tell people is
 * written to the outbox and never sent from here: the running bot's sender posts it to the
 * incident's thread when it next reaches Slack. Slack is asked one thing only, and only when an
 * approver group needs it: who is in the group.
 */
import { existsSync } from 'node:fs';
import { WebClient } from '@slack/web-api';
import type { Output } from '../../cli.ts';
import { readEnv, secretsOf, type Env } from '../../config/env.ts';
import { formatProblem, loadConfigFile } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { didYouMean } from '../../config/suggest.ts';
import { DEFAULT_CONFIG_FILE } from '../../config/validate-command.ts';
import { judgment } from '../../config/derive.ts';
import { systemClock, type Clock } from '../../clock.ts';
import { createLogger, type Logger } from '../../logger.ts';
import { createServices, type Services } from '../../services/index.ts';
import type { ClusterPort, UserGroupDirectory } from '../../services/ports.ts';
import { Queries } from '../../services/queries.ts';
import { Runner } from '../../services/runners.ts';
import { isPostgresUrl, openStore, storeName, type Store } from '../../store/index.ts';
import { createMetrics } from '../../adapters/metrics/index.ts';
import { RequestActivity } from '../../adapters/http/activity.ts';
import { boltLogger } from '../../adapters/slack/bolt-logger.ts';
import { SlackUserGroups } from '../../adapters/slack/directory.ts';
import { slackErrorCode } from '../../adapters/slack/outbox-sender.ts';
import { clusterAccess, openKubeClients } from '../../startup/cluster-access.ts';
import type { KubeClients } from '../../adapters/kube/clients.ts';
import { rootCause, StartupError } from '../../startup/failures.ts';
import { buildPresenter, presenterPorts } from '../../startup/slack-side.ts';

/** What a break-glass command runs in: the process, replaceable by tests. */
export interface BreakGlassDeps {
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** Where "Proceed? [y/N]" is read; default the process's stdin. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Aborted when the person presses Ctrl-C (default: SIGINT). */
  interrupt?: AbortSignal;
}

/** A user-group lookup (`usergroups.users.list`) gives up after this long: Slack may be the thing that is down. */
const GROUP_LOOKUP_TIMEOUT_MS = 5_000;

/**
 * Approver groups listed through Slack, remembering every group it could not list and why, so a
 * refusal can say that the group could not be checked rather than that the person is no approver.
 */
export class GroupLookups implements UserGroupDirectory {
  readonly unreachable = new Map<string, string>();

  constructor(private readonly slack: UserGroupDirectory | null) {}

  async members(group: string): Promise<string[]> {
    // Asked again in one command (an approver checked before the question, then by the service): not waited for twice.
    const known = this.unreachable.get(group);
    if (known) throw new Error(known);
    if (!this.slack) {
      this.unreachable.set(group, 'SLACK_BOT_TOKEN is not set, so Slack cannot be asked');
      throw new Error('SLACK_BOT_TOKEN is not set');
    }
    try {
      return await this.slack.members(group);
    } catch (err) {
      const code = slackErrorCode(err);
      const why = ['request_failed', 'error'].includes(code)
        ? `Slack is unreachable (${rootCause(err)})`
        : `Slack answered ${code}`;
      this.unreachable.set(group, why);
      throw err;
    }
  }
}

export interface BreakGlass {
  env: Env;
  config: Config;
  configFile: string;
  store: Store;
  services: Services;
  runner: Runner;
  groups: GroupLookups;
  /** Where the services' routers are read; null without Kubernetes clients. */
  cluster: ClusterPort | null;
  clock: Clock;
  log: Logger;
  /** Stops the timer loop and the heartbeat if they were started, and closes the database. */
  close(): Promise<void>;
}

/** The config the command names (--config), else REWIND_CONFIG, else the default; its problems are printed. */
export function loadConfig(
  given: string | undefined,
  env: NodeJS.ProcessEnv,
  out: Output,
): { config: Config; file: string } | { exit: number } {
  const file = given ?? (env.REWIND_CONFIG?.trim() || DEFAULT_CONFIG_FILE);
  const loaded = loadConfigFile(file);
  if (loaded.ok) return { config: loaded.config, file };
  for (const p of loaded.problems) out.error(formatProblem(p));
  return { exit: loaded.unreadable ? 2 : 1 };
}

/** Whether the config has the service; if not, says which it has, and the closest name. */
export function knownService(command: string, service: string, loaded: { config: Config; file: string }, out: Output) {
  const names = Object.keys(loaded.config.services);
  if (names.includes(service)) return true;
  out.error(
    `rewind ${command}: unknown service "${service}"${didYouMean(service, names)}; services in ${loaded.file}: ` +
      names.join(', '),
  );
  return false;
}

/**
 * Opens the bot's database and builds the services on it, or prints why not and gives the exit
 * code. A database file that does not exist is refused rather than created: an empty database
 * would answer every question with "nothing", and its rollbacks would never reach the bot.
 */
export function openBreakGlass(
  command: string,
  loaded: { config: Config; file: string },
  deps: BreakGlassDeps,
  out: Output,
  /** required: refuse up front, as `rewind start` does, a kubeconfig that cannot serve every service. */
  cluster: 'required' | 'optional',
): BreakGlass | { exit: number } {
  const source = deps.env ?? process.env;
  const clock = deps.clock ?? systemClock;
  const { env } = readEnv(source);
  const { config } = loaded;
  if (env.dbFile !== ':memory:' && !isPostgresUrl(env.dbFile) && !existsSync(env.dbFile)) {
    out.error(
      `rewind ${command}: the database ${env.dbFile} does not exist; set REWIND_DB to the database the bot uses`,
    );
    return { exit: 1 };
  }
  // The command's own words go to stdout and stderr, each failure said once in words; log lines only when asked.
  const log = createLogger({
    level: source.LOG_LEVEL?.trim() ? env.logLevel : 'silent',
    secrets: secretsOf(env),
    destination: process.stderr,
  });
  let kubeClients: KubeClients | null | undefined;
  if (cluster === 'required') {
    try {
      kubeClients = openKubeClients(config, env, undefined, log);
    } catch (err) {
      if (!(err instanceof StartupError)) throw err;
      out.error(`rewind ${command}: nothing was changed; Kubernetes cannot be reached as configured:`);
      for (const line of err.lines) out.error(line);
      return { exit: 1 };
    }
  }
  let store: Store;
  try {
    store = openStore(env.dbFile, { clock });
  } catch (err) {
    out.error(`rewind ${command}: cannot open the database ${storeName(env.dbFile)}: ${(err as Error).message}`);
    return { exit: 1 };
  }
  const runner = new Runner({ repo: store.timers, clock, log });
  const queries = new Queries(store, judgment(config), config.slack.requiredApprovals);
  const client = new WebClient(env.slackBotToken, {
    slackApiUrl: env.slackApiUrl,
    retryConfig: { retries: 0 },
    timeout: GROUP_LOOKUP_TIMEOUT_MS,
    logger: boltLogger(log),
  });
  const groups = new GroupLookups(env.slackBotToken ? new SlackUserGroups(client) : null);
  const metrics = createMetrics(config, {
    clock,
    log,
    complaints: (service, windowMs) => store.complaints.count(service, clock.now() - windowMs, clock.now()),
  });
  const { rollbacks, injector } = clusterAccess({ config, env, store, metrics, clock, log, kubeClients });
  const presenter = buildPresenter({
    config,
    store,
    slack: { client },
    directory: groups,
    queries,
    injector,
    activity: new RequestActivity(),
    runner,
    clock,
    log,
    queueOnly: true,
  });
  const services = createServices(
    config,
    store,
    clock,
    {
      ...presenterPorts(presenter),
      injector,
      ...rollbacks,
      directory: groups,
      metrics: metrics.source,
      runner,
    },
    log,
  );
  let closed = false;
  return {
    env,
    config,
    configFile: loaded.file,
    store,
    services,
    runner,
    groups,
    cluster: rollbacks.cluster ?? null,
    clock,
    log,
    async close() {
      if (closed) return;
      closed = true;
      await services.timers.stop();
      await services.rollbacks.idle();
      await runner.stop();
      store.close();
    },
  };
}
