/**
 * The composition root: environment and config in, store, clock, timers and HTTP routes wired, the
 * process started. With src/startup/ (the parts it is built from), the only code that knows every
 * room of the house; this file is the order they are wired in.
 */
import { VERSION } from './version.ts';
import { secretsOf, type Env } from './config/env.ts';
import type { Config } from './config/schema.ts';
import { createLogger, type Logger } from './logger.ts';
import { systemClock, type Clock } from './clock.ts';
import { createServices, type Services } from './services/index.ts';
import { Runner } from './services/runners.ts';
import type { RollbackEngine } from './services/ports.ts';
import { Queries } from './services/queries.ts';
import { openStore, storeName, type Store } from './store/index.ts';
import { createMetrics, type Metrics } from './adapters/metrics/index.ts';
import type { MetricsScript } from './adapters/metrics/simulated.ts';
import { RequestActivity } from './adapters/http/activity.ts';
import type { SlackSurface } from './adapters/slack/app.ts';
import { SlackApiErrors } from './adapters/slack/api-errors.ts';
import { SlackUserGroups } from './adapters/slack/directory.ts';
import type { SlackPresenter } from './adapters/slack/presenter.ts';
import { judgment } from './config/derive.ts';
import { preflight, StartupError, startupFailure } from './startup/failures.ts';
import { slackAuthPending, watchSlackAuth } from './startup/slack-auth.ts';
import { httpRoutes } from './startup/http-routes.ts';
import {
  buildPresenter,
  openSlackApp,
  presenterPorts,
  wireListeners,
  type SlackTestOptions,
} from './startup/slack-side.ts';
import { clusterAccess, openKubeClients } from './startup/cluster-access.ts';
import { startBackgroundWork } from './startup/background-work.ts';
import { KubeDriftWatch } from './adapters/kube/drift-watch.ts';
import { leadership } from './startup/leadership.ts';
import { abandonStart, stopRunning, type RunningParts } from './startup/shutdown.ts';

// The CLI, the demo and the tests start Rewind and read its refusals from here.
export { VERSION, preflight, StartupError };

export interface StartOptions {
  envSource?: NodeJS.ProcessEnv;
  clock?: Clock;
  logDestination?: NodeJS.WritableStream;
  /** Host to bind; tests use 127.0.0.1. */
  host?: string;
  /** Replaces the Kubernetes rollback engine (tests record instead of moving traffic). */
  engine?: (store: Store, clock: Clock) => RollbackEngine;
  /** Tests and the demo: the stand-in's bot identity, retries off, listeners finished before the HTTP answer. */
  slack?: SlackTestOptions;
  /**
   * The simulated metrics' script from the first sample (the playground's scenario): a restarted
   * bot resumes a rollback's observation inside startRewind, before a caller could script it.
   */
  metricsScript?: MetricsScript;
  /**
   * Heartbeat timings (src/services/runners.ts), for a clock sped up in tests: a replica whose beat
   * is late by more than `deadAfterMs` of clock time is taken for dead and its claims taken over.
   */
  runner?: { heartbeatMs?: number; deadAfterMs?: number };
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

export async function startRewind(options: StartOptions = {}): Promise<Rewind> {
  const envSource = options.envSource ?? process.env;
  const clock = options.clock ?? systemClock;
  const { env, config } = preflight(envSource);
  const log = createLogger({ level: env.logLevel, secrets: secretsOf(env), destination: options.logDestination });
  // Before anything opens: a kubeconfig that cannot serve every configured service refuses the start.
  const kubeClients = openKubeClients(config, env, options.engine, log);

  let store: Store;
  try {
    store = openStore(env.dbFile, { clock });
  } catch (err) {
    throw new StartupError([`Cannot open the database ${storeName(env.dbFile)}: ${(err as Error).message}`]);
  }

  const stopping = new AbortController();
  const slackAuth = slackAuthPending();
  const queries = new Queries(store, judgment(config), config.slack.requiredApprovals);
  // This process's name and heartbeat, under which timers and outbox messages are claimed; the
  // heartbeat's write is also the probe that tells whether the database takes writes.
  const runner = new Runner({ repo: store.timers, clock, log, ...options.runner });
  // With replicas on one PostgreSQL database, the one holding the Lease runs the drift watch.
  const leader = leadership({ env, dialect: store.dialect, kubeClients, identity: runner.owner, clock, log });
  const slackApiErrors = new SlackApiErrors();
  const kubeApiErrors = kubeClients?.apiErrors;
  const http = httpRoutes({
    env,
    store,
    runner,
    queries,
    slackAuth,
    slackApiErrors,
    kubeApiErrors,
    leadership: leader,
    clock,
    log,
  });
  const activity = new RequestActivity();
  // Once stopping, background work waits for no request: the timers and the outbox sender are stopped next.
  stopping.signal.addEventListener('abort', () => activity.release(), { once: true });
  const testing = options.slack;
  const slack = openSlackApp({
    env,
    routes: http.routes,
    activity,
    store,
    clock,
    log,
    testing,
    apiErrors: slackApiErrors,
  });
  watchSlackAuth(slack, env.slackApiUrl, clock, log, stopping.signal, slackAuth);

  const directory = new SlackUserGroups(slack.client);
  const metrics = createMetrics(config, {
    clock,
    log,
    ...(options.metricsScript ? { script: options.metricsScript } : {}),
    complaints: (service, windowMs) => store.complaints.count(service, clock.now() - windowMs, clock.now()),
  });
  const { rollbacks, injector } = clusterAccess({
    config,
    env,
    store,
    metrics,
    kubeClients,
    engine: options.engine,
    clock,
    log,
  });
  const presenter = buildPresenter({
    config,
    store,
    slack,
    directory,
    queries,
    injector,
    activity,
    runner,
    clock,
    log,
    testing,
  });
  const services = createServices(
    config,
    store,
    clock,
    {
      ...presenterPorts(presenter),
      injector,
      ...rollbacks,
      directory,
      metrics: metrics.source,
      // Timers (an automatic rollback, an escalation) and rollback starts go ahead of the Slack messages waiting.
      yieldToRequests: () => activity.quiet('ahead'),
      runner,
    },
    log,
  );
  http.bindAlertSink(services.alerts);
  wireListeners(slack, config, services, clock, log);

  // Routing changed behind Rewind's back is watched on the cluster itself, never on a test engine.
  const routingWatch = kubeClients
    ? leader.whileLeading(() => new KubeDriftWatch(config.services, kubeClients, { clock, log }))
    : undefined;
  const parts: RunningParts = { stopping, services, presenter, slack, runner, store, log, routingWatch };
  let port: number;
  try {
    port = await slack.start(env.port, options.host);
    await startBackgroundWork(services, runner, stopping.signal, log);
    presenter.start();
    routingWatch?.start((change) => void services.drift.observe(change));
  } catch (err) {
    await abandonStart(parts);
    throw new StartupError(startupFailure(err, env));
  }
  log.info(
    { port, mode: slack.mode, services: Object.keys(config.services) },
    `Rewind ${VERSION} listening on port ${port} (Slack ${slack.mode} mode)`,
  );

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
      await stopRunning(parts);
    },
  };
}
