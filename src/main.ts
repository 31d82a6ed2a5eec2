/**
 * The composition root: environment and config in, store, clock, timers and HTTP routes wired, the
 * process started. The only file that knows every room of the house.
 */
import type { RetryOptions } from '@slack/web-api';
import { VERSION } from './version.ts';
import { readEnv, secretsOf, type Env } from './config/env.ts';
import { loadConfigFile, formatProblem } from './config/load.ts';
import type { Config } from './config/schema.ts';
import { createLogger, type Logger } from './logger.ts';
import { systemClock, type Clock } from './clock.ts';
import { createServices, type Services } from './services/index.ts';
import { Runner } from './services/runners.ts';
import type { AlertSink, RollbackEngine } from './services/ports.ts';
import { alertRoutes } from './adapters/alerts/routes.ts';
import { createMetrics, type Metrics } from './adapters/metrics/index.ts';
import { KubeCluster } from './adapters/kube/cluster.ts';
import { KubeClients } from './adapters/kube/clients.ts';
import { createInjector } from './adapters/drills/index.ts';
import { DrillMessages } from './adapters/slack/drill-messages.ts';
import type { FaultInjector } from './services/drill-ports.ts';
import { Queries } from './services/queries.ts';
import { openStore, storeRefusal, type Store } from './store/index.ts';
import { healthRoutes, type Route } from './adapters/http/routes.ts';
import { createMetricsRegistry } from './adapters/http/metrics.ts';
import { RequestActivity } from './adapters/http/activity.ts';
import { createSlackApp, SlackStartError, type SlackSurface } from './adapters/slack/app.ts';
import { slackErrorCode } from './adapters/slack/outbox-sender.ts';
import { SlackUserGroups } from './adapters/slack/directory.ts';
import { registerListeners } from './adapters/slack/listeners/index.ts';
import { SlackPresenter } from './adapters/slack/presenter.ts';
import { tellStoreRefusals } from './adapters/slack/store-outage.ts';
import { judgment } from './config/derive.ts';

export { VERSION };

/** Startup refused: each line says what is wrong and what to do. Printed without a stack trace. */
export class StartupError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'StartupError';
  }
}

export interface StartOptions {
  envSource?: NodeJS.ProcessEnv;
  clock?: Clock;
  logDestination?: NodeJS.WritableStream;
  /** Host to bind; tests use 127.0.0.1. */
  host?: string;
  /** Replaces the Kubernetes rollback engine (tests record instead of moving traffic). */
  engine?: (store: Store, clock: Clock) => RollbackEngine;
  /** Tests and the demo: the stand-in's bot identity, retries off, listeners finished before the HTTP answer. */
  slack?: { botId?: string; botUserId?: string; retryConfig?: RetryOptions; timeoutMs?: number; processBeforeResponse?: boolean; minUpdateIntervalMs?: number };
}

export interface Rewind {
  env: Env;
  config: Config;
  store: Store;
  services: Services;
  /** The metrics provider; `simulated` is set when config says `provider: simulated` (demo, drills). */
  metrics: Metrics;
  presenter: SlackPresenter;
  slack: SlackSurface;
  port: number;
  log: Logger;
  stop(): Promise<void>;
}

/** Checks environment and config together so a newcomer sees every problem in one go. */
export function preflight(envSource: NodeJS.ProcessEnv): { env: Env; config: Config } {
  const { env, problems } = readEnv(envSource);
  const lines: string[] = [];
  if (problems.length > 0) {
    const missing = problems.filter((p) => !envSource[p.variable]?.trim()).map((p) => p.variable);
    if (missing.length > 0) lines.push(`Missing environment variables: ${missing.join(', ')}`);
    for (const p of problems) lines.push(`  ${p.variable}: ${p.message}`);
    lines.push('Set them in your environment or in a .env file (see .env.example).');
    lines.push('To try Rewind without a Slack workspace or a cluster, run: npm run demo');
  }
  const loaded = loadConfigFile(env.configFile);
  if (!loaded.ok) {
    lines.push(`The config file ${env.configFile} has ${loaded.problems.length} problem(s):`);
    for (const p of loaded.problems) lines.push(`  ${formatProblem(p)}`);
    lines.push('Check it with: npx rewind validate-config ' + env.configFile);
  }
  if (lines.length > 0 || !loaded.ok) throw new StartupError(lines);
  return { env, config: loaded.config };
}

/**
 * Calls auth.test until it passes — once, not per request — and hands the bot's identity to the
 * Slack surface; readiness reports the last answer.
 */
function watchSlackAuth(slack: SlackSurface, slackApiUrl: string, clock: Clock, log: Logger, signal: AbortSignal, state: { ok: boolean; detail: string }): void {
  void (async () => {
    while (!signal.aborted) {
      try {
        const r = await slack.client.auth.test();
        // A start that failed meanwhile has said its last line: nothing is logged after it.
        if (signal.aborted) return;
        slack.identify({ botId: r.bot_id, botUserId: r.user_id, teamId: r.team_id });
        state.ok = true;
        state.detail = `team ${r.team ?? '?'} as ${r.user ?? '?'}`;
        log.info({ team: r.team, user: r.user }, 'Slack auth.test passed');
        return;
      } catch (err) {
        if (signal.aborted) return;
        const code = slackErrorCode(err);
        state.ok = false;
        state.detail =
          code === 'request_failed'
            ? `cannot reach the Slack API at ${slackApiUrl} (${rootCause(err)})`
            : code === 'error'
              ? `auth.test failed: ${(err as Error).message}`
              : `auth.test failed: ${code}`;
        log.error({ err }, `Slack ${state.detail}; retrying in 30s`);
      }
      await clock.sleep(30_000, signal).catch(() => undefined);
    }
  })();
}

/** The innermost reason of a failed request (`connect ECONNREFUSED 127.0.0.1:9`), not the wrappers' "fetch failed". */
function rootCause(err: unknown): string {
  let at = err as { original?: unknown; cause?: unknown; message?: unknown } | null;
  for (let depth = 0; depth < 5 && at; depth++) {
    const next = (at.original ?? at.cause) as typeof at | undefined;
    if (!next || typeof next !== 'object') break;
    at = next;
  }
  return typeof at?.message === 'string' ? at.message : String(at);
}

/** Runs `work` at the next heartbeat that could write, and at each one after until it has succeeded once. */
function whenWritable(work: () => Promise<void>, runner: Runner, signal: AbortSignal, log: Logger): void {
  let state: 'waiting' | 'running' | 'done' = 'waiting';
  let lastError = '';
  runner.everyBeat(() => {
    if (state !== 'waiting' || signal.aborted) return;
    state = 'running';
    work().then(
      () => {
        state = 'done';
        log.info('the database takes writes: timers, drills and evaluations started');
      },
      (err: unknown) => {
        state = 'waiting';
        const message = (err as Error).message;
        // A refusal again is the outage going on (the heartbeat reports it); anything else once.
        if (!storeRefusal(err) && message !== lastError) log.error({ err: message }, 'start-up work failed; tried again at the next heartbeat');
        lastError = message;
      },
    );
  });
}

/** What went wrong at start, said so that the person reading it knows what to change. */
function startupFailure(err: unknown, env: Env): string[] {
  if (err instanceof SlackStartError && err.phase === 'listen') return [`Cannot listen on port ${env.port}: ${err.message}`];
  if (err instanceof SlackStartError) {
    const code = slackErrorCode(err.cause);
    if (['invalid_auth', 'not_authed', 'not_allowed_token_type', 'token_revoked', 'account_inactive'].includes(code)) {
      return [
        `Slack refused the app-level token (SLACK_APP_TOKEN): ${code}.`,
        'Socket Mode needs an app-level token (xapp-…) with the connections:write scope, from the app\'s Basic Information page.',
      ];
    }
    if (code === 'request_failed') return [`Cannot open the Socket Mode connection: cannot reach the Slack API at ${env.slackApiUrl} (${rootCause(err.cause)}).`];
    return [`Cannot open the Socket Mode connection to Slack at ${env.slackApiUrl}: ${code === 'error' ? err.message : `${code} (${err.message})`}`];
  }
  return [`Rewind could not start: ${err instanceof Error ? err.message : String(err)}`];
}

export async function startRewind(options: StartOptions = {}): Promise<Rewind> {
  const envSource = options.envSource ?? process.env;
  const clock = options.clock ?? systemClock;
  const { env, config } = preflight(envSource);
  const log = createLogger({ level: env.logLevel, secrets: secretsOf(env), destination: options.logDestination });

  let store: Store;
  try {
    store = openStore(env.dbFile, { clock });
  } catch (err) {
    throw new StartupError([`Cannot open the database ${env.dbFile}: ${(err as Error).message}`]);
  }

  const stopping = new AbortController();
  const slackAuth = { ok: false, detail: 'auth.test not answered yet' };
  const queries = new Queries(store, judgment(config), config.slack.requiredApprovals);
  // This process's name and heartbeat, under which timers and outbox messages are claimed; the
  // heartbeat's write is also the probe that tells whether the database takes writes.
  const runner = new Runner({ repo: store.timers, clock, log });
  const databaseReady = () => {
    store.ping();
    const w = runner.writable();
    return w.ok
      ? { ok: true, detail: env.dbFile }
      : { ok: false, detail: `${env.dbFile} does not take writes since ${new Date(w.since).toISOString()} (${w.error}); Rewind backs off and recovers by itself` };
  };
  const registry = createMetricsRegistry(
    {
      openIncidents: () => store.incidents.listOpen().length,
      pendingTimers: () => store.timers.countPending(),
      storeWritable: () => runner.writable().ok,
      outbox: () => {
        const { count, oldestCreatedAt } = store.outbox.backlog();
        return { backlog: count, oldestCreatedAt, undeliverable: store.outbox.deadCount(), now: clock.now() };
      },
      responseTimes: () => queries.responseTimes(clock.now() - 30 * 86_400_000),
    },
    VERSION,
  );
  // The receivers take their routes at construction, before the services exist: the alert sink is
  // bound to them once they do.
  let alertSink: AlertSink | null = null;
  const routes: Route[] = [
    ...healthRoutes(
      [
        { name: 'database', check: databaseReady },
        { name: 'config', check: () => ({ ok: true, detail: env.configFile }) },
        { name: 'slack', check: () => ({ ok: slackAuth.ok, detail: slackAuth.detail }) },
      ],
      registry,
      [{ name: 'database', check: () => (store.ping(), { ok: true, detail: env.dbFile }) }],
    ),
    ...alertRoutes({
      token: env.alertWebhookToken,
      sink: { receive: (alerts) => (alertSink ? alertSink.receive(alerts) : Promise.reject(new Error('Rewind is still starting'))) },
      clock,
      log,
    }),
  ];
  const activity = new RequestActivity();
  const slack = createSlackApp({
    activity,
    botToken: env.slackBotToken ?? '',
    appToken: env.slackAppToken,
    signingSecret: env.slackSigningSecret,
    apiUrl: env.slackApiUrl,
    routes,
    log,
    clock,
    processedRequests: store.processedRequests,
    ...(options.slack?.botId ? { botId: options.slack.botId } : {}),
    ...(options.slack?.botUserId ? { botUserId: options.slack.botUserId } : {}),
    ...(options.slack?.retryConfig ? { retryConfig: options.slack.retryConfig } : {}),
    ...(options.slack?.timeoutMs ? { timeoutMs: options.slack.timeoutMs } : {}),
    ...(options.slack?.processBeforeResponse !== undefined ? { processBeforeResponse: options.slack.processBeforeResponse } : {}),
  });
  const client = slack.client;
  watchSlackAuth(slack, env.slackApiUrl, clock, log, stopping.signal, slackAuth);

  const locale = config.locale;
  const directory = new SlackUserGroups(client);
  const presenter = new SlackPresenter({
    client,
    directory,
    queries,
    outbox: store.outbox,
    clock,
    channel: config.slack.incidentChannel,
    stakeholderChannel: config.slack.stakeholderChannel,
    timezone: config.drills.timezone,
    locale,
    log,
    yieldToRequests: () => activity.quiet(),
    runner,
    ...(options.slack?.minUpdateIntervalMs !== undefined ? { minUpdateIntervalMs: options.slack.minUpdateIntervalMs } : {}),
  });
  const metrics = createMetrics(config, {
    clock,
    log,
    complaints: (service, windowMs) => store.complaints.count(service, clock.now() - windowMs, clock.now()),
  });
  // The Kubernetes engine, unless a test brings its own. Clients are built per context on first
  // use, so a cluster that is unreachable at start only matters when a rollback or drill needs it.
  const kubeClients = options.engine ? null : new KubeClients(env.kubeconfig ? { kubeconfigPath: env.kubeconfig } : {});
  // Said at start, not first at the moment a rollback needs the cluster (the library would make up a
  // context on localhost:8080 instead).
  if (kubeClients?.unavailable) log.warn(`Kubernetes: ${kubeClients.unavailable}; rollbacks and drills that need the cluster fail until Rewind restarts with one`);
  let injector: FaultInjector | { unavailable: string };
  try {
    injector = createInjector(config.drills.injector, { services: config.services, kubeClients, simulated: metrics.simulated, sleep: (ms) => clock.sleep(ms) });
  } catch (err) {
    // Drills are refused with this reason; everything else runs.
    injector = { unavailable: (err as Error).message };
    log.warn({ err: (err as Error).message }, 'drills cannot inject faults here');
  }
  const services = createServices(
    config,
    store,
    clock,
    {
      notifier: presenter,
      drillNotifier: presenter,
      injector,
      ...(kubeClients ? { cluster: new KubeCluster(config.services, kubeClients) } : options.engine ? { engine: options.engine(store, clock) } : {}),
      directory,
      metrics: metrics.source,
      yieldToRequests: () => activity.quiet(),
      runner,
      escalationNotifier: { escalate: (incident, level, lateMs, key) => presenter.escalate(incident.id, level, lateMs, key) },
    },
    log,
  );
  presenter.incidents = services.incidents;
  presenter.drills = new DrillMessages({ client, drills: services.drills, channel: config.slack.drillChannel, locale, timezone: config.drills.timezone });
  alertSink = services.alerts;
  registerListeners(slack.app, { config, services, clock, locale, log });
  // A listener whose write the database refuses (a full disk) has the person told so, plainly.
  slack.app.use(tellStoreRefusals({ incidentChannel: config.slack.incidentChannel, locale, clock, log }));

  // What start-up writes: a drill's fault removed (before any timer runs), the next drill armed,
  // the claims of a killed process released, the first evaluation rounds. On a full disk it waits:
  // the bot starts and answers what it can, /readyz says why it is not ready, and this runs at the
  // first heartbeat that finds the database taking writes.
  const startWork = async () => {
    await services.drills.heal();
    if (stopping.signal.aborted) return;
    services.drillSchedule.arm();
    services.timers.start();
    services.evaluator?.start();
  };

  let port: number;
  try {
    port = await slack.start(env.port, options.host);
    // The heartbeat first: its write is the probe of whether the database takes writes.
    runner.start();
    await startWork().catch((err: unknown) => {
      const refusal = storeRefusal(err);
      if (!refusal) throw err;
      log.warn({ code: refusal.code }, 'the database does not take writes: timers, drills and evaluations start once it does');
      whenWritable(startWork, runner, stopping.signal, log);
    });
    presenter.start();
  } catch (err) {
    // Nothing half-alive stays behind: no port answering /healthz for a bot that cannot work.
    stopping.abort();
    await services.timers.stop().catch(() => undefined);
    await services.evaluator?.stop();
    await presenter.stop().catch(() => undefined);
    await slack.stop().catch(() => undefined);
    await runner.stop();
    store.close();
    throw new StartupError(startupFailure(err, env));
  }
  log.info({ port, mode: slack.mode, services: Object.keys(config.services) }, `Rewind ${VERSION} listening on port ${port} (Slack ${slack.mode} mode)`);

  let stopped = false;
  return {
    env,
    config,
    store,
    services,
    metrics,
    presenter,
    slack,
    port,
    log,
    async stop() {
      if (stopped) return;
      stopped = true;
      stopping.abort();
      await services.timers.stop();
      await services.evaluator?.stop();
      await slack.stop();
      await services.rollbacks.idle();
      await presenter.stop();
      await runner.stop();
      store.close();
      log.info('Rewind stopped');
    },
  };
}
