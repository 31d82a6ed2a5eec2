/**
 * The composition root: environment and config in, store, clock, timers and HTTP routes wired, the
 * process started. The only file that knows every room of the house.
 */
import { readFileSync } from 'node:fs';
import { WebClient } from '@slack/web-api';
import { readEnv, secretsOf, type Env } from './config/env.ts';
import { loadConfigFile, formatProblem } from './config/load.ts';
import type { Config } from './config/schema.ts';
import { createLogger, type Logger } from './logger.ts';
import { systemClock, type Clock } from './services/clock.ts';
import { TimerService } from './services/timers.ts';
import { openStore, type Store } from './store/index.ts';
import { healthRoutes } from './adapters/http/routes.ts';
import { createMetricsRegistry } from './adapters/http/metrics.ts';
import { startHttpServer, type RunningServer } from './adapters/http/server.ts';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

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
}

export interface Rewind {
  env: Env;
  config: Config;
  store: Store;
  timers: TimerService;
  http: RunningServer;
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

/** Calls auth.test until it passes; readiness reports the last answer. */
function watchSlackAuth(client: WebClient, clock: Clock, log: Logger, signal: AbortSignal) {
  const state = { ok: false, detail: 'auth.test not answered yet' };
  void (async () => {
    while (!signal.aborted) {
      try {
        const r = await client.auth.test();
        state.ok = true;
        state.detail = `team ${r.team ?? '?'} as ${r.user ?? '?'}`;
        log.info({ team: r.team, user: r.user }, 'Slack auth.test passed');
        return;
      } catch (err) {
        const code = (err as { data?: { error?: string } }).data?.error;
        state.ok = false;
        state.detail = code ? `auth.test failed: ${code}` : `auth.test failed: ${(err as Error).message}`;
        log.error({ err }, `Slack ${state.detail}; retrying in 30s`);
      }
      await clock.sleep(30_000, signal).catch(() => undefined);
    }
  })();
  return state;
}

export async function startRewind(options: StartOptions = {}): Promise<Rewind> {
  const envSource = options.envSource ?? process.env;
  const clock = options.clock ?? systemClock;
  const { env, config } = preflight(envSource);
  const log = createLogger({ level: env.logLevel, secrets: secretsOf(env), destination: options.logDestination });

  let store: Store;
  try {
    store = openStore(env.dbFile);
  } catch (err) {
    throw new StartupError([`Cannot open the database ${env.dbFile}: ${(err as Error).message}`]);
  }

  const stopping = new AbortController();
  const slack = new WebClient(env.slackBotToken, {
    slackApiUrl: env.slackApiUrl,
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 5_000 },
  });
  const slackAuth = watchSlackAuth(slack, clock, log, stopping.signal);

  const timers = new TimerService({ repo: store.timers, clock, log });
  const registry = createMetricsRegistry(
    { openIncidents: () => store.incidents.listOpen().length, pendingTimers: () => store.timers.countPending() },
    VERSION,
  );
  const routes = healthRoutes(
    [
      { name: 'database', check: () => ({ ok: store.isOpen(), detail: env.dbFile }) },
      { name: 'config', check: () => ({ ok: true, detail: env.configFile }) },
      { name: 'slack', check: () => ({ ok: slackAuth.ok, detail: slackAuth.detail }) },
    ],
    registry,
  );

  let http: RunningServer;
  try {
    http = await startHttpServer(routes, env.port, options.host);
  } catch (err) {
    store.close();
    throw new StartupError([`Cannot listen on port ${env.port}: ${(err as Error).message}`]);
  }
  timers.start();
  log.info(
    { port: http.port, mode: env.socketMode ? 'socket' : 'http', services: Object.keys(config.services) },
    `Rewind ${VERSION} listening on port ${http.port}`,
  );

  let stopped = false;
  return {
    env,
    config,
    store,
    timers,
    http,
    log,
    async stop() {
      if (stopped) return;
      stopped = true;
      stopping.abort();
      await timers.stop();
      await http.close();
      store.close();
      log.info('Rewind stopped');
    },
  };
}
