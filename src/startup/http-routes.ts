/**
 * The routes the HTTP server answers besides Slack's: liveness, readiness and metrics, and the
 * alert webhooks. Built before the services exist, because the receivers take their routes at
 * construction; the alert sink is bound once the services do.
 */
import { VERSION } from '../version.ts';
import type { Env } from '../config/env.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { Runner } from '../services/runners.ts';
import type { AlertSink } from '../services/ports.ts';
import type { Queries } from '../services/queries.ts';
import { storeName, type Store } from '../store/index.ts';
import { alertRoutes } from '../adapters/alerts/routes.ts';
import { healthRoutes, type Route } from '../adapters/http/routes.ts';
import { createMetricsRegistry } from '../adapters/http/metrics.ts';
import type { SlackApiErrors } from '../adapters/slack/api-errors.ts';
import type { KubeApiErrors } from '../adapters/kube/clients.ts';
import type { SlackAuthState } from './slack-auth.ts';

/** A pending timer this late counts as overdue on /metrics: the loop claims due rows every few seconds. */
const OVERDUE_AFTER_MS = 60_000;

export interface HttpRouteSources {
  env: Env;
  store: Store;
  /** Its heartbeat's write tells whether the database takes writes. */
  runner: Runner;
  queries: Queries;
  slackAuth: SlackAuthState;
  /** What the Slack app's clients count their error answers into. */
  slackApiErrors?: SlackApiErrors;
  /** What the Kubernetes clients count their error answers into; absent when a test brings its engine. */
  kubeApiErrors?: KubeApiErrors | undefined;
  /** Whether this replica leads (runs the drift watch), for /metrics. */
  leadership?: { name: string; leading(): boolean };
  clock: Clock;
  log: Logger;
}

export interface HttpRoutes {
  routes: Route[];
  /** Hands the alert webhooks the services' sink; until then they answer that Rewind is starting. */
  bindAlertSink(sink: AlertSink): void;
}

export function httpRoutes(sources: HttpRouteSources): HttpRoutes {
  const { env, store, runner, queries, slackAuth, slackApiErrors, kubeApiErrors, leadership, clock, log } = sources;
  const databaseReady = () => {
    store.ping();
    const w = runner.writable();
    return w.ok
      ? { ok: true, detail: storeName(env.dbFile) }
      : {
          ok: false,
          detail:
            `${storeName(env.dbFile)} does not take writes since ${new Date(w.since).toISOString()} (${w.error}); ` +
            'Rewind backs off and recovers by itself',
        };
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
      overdueTimers: () => store.healthStats.overdueTimers(clock.now() - OVERDUE_AFTER_MS),
      rollbackOutcomes: () => store.healthStats.rollbackOutcomes(),
      incidentsPrevented: () => store.healthStats.incidentsPrevented(),
      rollbackDurations: () => store.healthStats.rollbackDurations(),
      ...(slackApiErrors ? { slackApiErrors: () => slackApiErrors.entries() } : {}),
      ...(kubeApiErrors ? { kubeApiErrors: () => kubeApiErrors.byStatus() } : {}),
      ...(leadership ? { leader: () => ({ name: leadership.name, leading: leadership.leading() }) } : {}),
    },
    VERSION,
  );
  let alertSink: AlertSink | null = null;
  const routes: Route[] = [
    ...healthRoutes(
      [
        { name: 'database', check: databaseReady },
        { name: 'config', check: () => ({ ok: true, detail: env.configFile }) },
        { name: 'slack', check: () => ({ ok: slackAuth.ok, detail: slackAuth.detail }) },
      ],
      registry,
      // Liveness. A SQLite file this process cannot read means this process is broken: restart it. A
      // PostgreSQL server out of reach is not mended by restarting every replica (a new one would not
      // even start), so there liveness asks only that the store is open; /readyz says the rest.
      [
        {
          name: 'database',
          check: () =>
            store.dialect === 'postgres'
              ? { ok: store.isOpen(), detail: storeName(env.dbFile) }
              : (store.ping(), { ok: true, detail: storeName(env.dbFile) }),
        },
      ],
    ),
    ...alertRoutes({
      token: env.alertWebhookToken,
      sink: {
        receive: (alerts) =>
          alertSink ? alertSink.receive(alerts) : Promise.reject(new Error('Rewind is still starting')),
      },
      clock,
      log,
    }),
  ];
  return {
    routes,
    bindAlertSink: (sink) => {
      alertSink = sink;
    },
  };
}
