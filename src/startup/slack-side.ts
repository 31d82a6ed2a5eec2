/**
 * Rewind's Slack side: the Bolt app and its HTTP server, the presenter that writes what the
 * services tell into the outbox, and the listeners that answer commands, clicks and modals.
 */
import type { RetryOptions } from '@slack/web-api';
import type { Env } from '../config/env.ts';
import type { Config } from '../config/schema.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { ServicePorts, Services } from '../services/index.ts';
import type { InjectorProblem } from '../domain/drill-refusals.ts';
import type { FaultInjector } from '../services/drill-ports.ts';
import { DrillViews, drillRoles } from '../services/drill-views.ts';
import { IncidentMessageRecords } from '../services/incident-messages.ts';
import type { Queries } from '../services/queries.ts';
import type { UserGroupDirectory } from '../services/ports.ts';
import type { Runner } from '../services/runners.ts';
import type { Store } from '../store/index.ts';
import type { RequestActivity } from '../adapters/http/activity.ts';
import type { Route } from '../adapters/http/routes.ts';
import { createSlackApp, type SlackSurface } from '../adapters/slack/app.ts';
import type { SlackApiErrors } from '../adapters/slack/api-errors.ts';
import { DrillMessages } from '../adapters/slack/drill-messages.ts';
import { registerListeners } from '../adapters/slack/listeners/index.ts';
import { SlackPresenter } from '../adapters/slack/presenter.ts';
import { tellStoreRefusals } from '../adapters/slack/store-outage.ts';

/** Tests and the demo: the stand-in's bot identity, retries off, listeners finished before the HTTP answer. */
export interface SlackTestOptions {
  botId?: string;
  botUserId?: string;
  retryConfig?: RetryOptions;
  timeoutMs?: number;
  processBeforeResponse?: boolean;
  minUpdateIntervalMs?: number;
}

export interface SlackAppSources {
  env: Env;
  /** The routes the app's HTTP server answers besides Slack's (health, metrics, alert webhooks). */
  routes: Route[];
  activity: RequestActivity;
  store: Store;
  clock: Clock;
  log: Logger;
  testing?: SlackTestOptions | undefined;
  /** Where the app's Web API clients count their error answers (GET /metrics shows them). */
  apiErrors?: SlackApiErrors;
}

/** The Bolt app, Socket Mode when there is an app-level token, HTTP otherwise; not started yet. */
export function openSlackApp({
  env,
  routes,
  activity,
  store,
  clock,
  log,
  testing,
  apiErrors,
}: SlackAppSources): SlackSurface {
  return createSlackApp({
    activity,
    botToken: env.slackBotToken ?? '',
    appToken: env.slackAppToken,
    signingSecret: env.slackSigningSecret,
    apiUrl: env.slackApiUrl,
    routes,
    log,
    clock,
    processedRequests: store.processedRequests,
    ...(testing?.botId ? { botId: testing.botId } : {}),
    ...(testing?.botUserId ? { botUserId: testing.botUserId } : {}),
    ...(testing?.retryConfig ? { retryConfig: testing.retryConfig } : {}),
    ...(testing?.timeoutMs ? { timeoutMs: testing.timeoutMs } : {}),
    ...(testing?.processBeforeResponse !== undefined ? { processBeforeResponse: testing.processBeforeResponse } : {}),
    ...(apiErrors ? { apiErrors } : {}),
  });
}

export interface PresenterSources {
  config: Config;
  store: Store;
  /** Only its Web API client is used. */
  slack: Pick<SlackSurface, 'client'>;
  directory: UserGroupDirectory;
  queries: Queries;
  injector: FaultInjector | { unavailable: InjectorProblem };
  activity: RequestActivity;
  runner: Runner;
  clock: Clock;
  log: Logger;
  testing?: SlackTestOptions | undefined;
  /** Queue every message and send none (the break-glass command line; a running bot sends them). */
  queueOnly?: boolean;
}

/**
 * The presenter, built before the services that notify it: what it records and reads (where its
 * messages went, the drills it tells of) comes from the store, not from those services.
 */
export function buildPresenter(o: PresenterSources): SlackPresenter {
  const { config, store, clock } = o;
  const client = o.slack.client;
  const drillViews = new DrillViews({ store, drills: config.drills, injector: o.injector, roles: drillRoles(config) });
  const drillMessages = new DrillMessages({
    client,
    drills: drillViews,
    channel: config.slack.drillChannel,
    locale: config.locale,
    timezone: config.drills.timezone,
  });
  return new SlackPresenter({
    client,
    directory: o.directory,
    queries: o.queries,
    outbox: store.outbox,
    transaction: (fn) => store.transaction(fn),
    records: new IncidentMessageRecords(store, clock),
    drills: drillMessages,
    clock,
    channel: config.slack.incidentChannel,
    stakeholderChannel: config.slack.stakeholderChannel,
    timezone: config.drills.timezone,
    locale: config.locale,
    log: o.log,
    yieldToRequests: () => o.activity.quiet(),
    runner: o.runner,
    ...(o.queueOnly ? { queueOnly: true } : {}),
    ...(o.testing?.minUpdateIntervalMs !== undefined ? { minUpdateIntervalMs: o.testing.minUpdateIntervalMs } : {}),
  });
}

/** What the services tell people through: the presenter, as incident, drill and escalation notifier. */
export function presenterPorts(
  presenter: SlackPresenter,
): Pick<ServicePorts, 'notifier' | 'drillNotifier' | 'escalationNotifier'> {
  return {
    notifier: presenter,
    drillNotifier: presenter,
    escalationNotifier: {
      escalate: (incident, level, lateMs, key) => presenter.escalate(incident.id, level, lateMs, key),
    },
  };
}

/** The listeners, on the services; registered once the services exist. */
export function wireListeners(
  slack: SlackSurface,
  config: Config,
  services: Services,
  clock: Clock,
  log: Logger,
): void {
  const locale = config.locale;
  registerListeners(slack.app, { config, services, clock, locale, log });
  // A listener whose write the database refuses (a full disk) has the person told so, plainly.
  slack.app.use(tellStoreRefusals({ incidentChannel: config.slack.incidentChannel, locale, clock, log }));
}
