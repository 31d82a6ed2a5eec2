/**
 * Stopping Rewind, in an order where nothing runs on what has already stopped: no new timer claims
 * or evaluation rounds, then no new Slack requests, then the rollback starts left running in the
 * background are waited for, the outbox sender stopped, the heartbeat last (its row is removed once
 * nothing of ours is left running), and the database closed after everything that writes.
 */
import type { Logger } from '../logger.ts';
import type { Services } from '../services/index.ts';
import type { Runner } from '../services/runners.ts';
import type { Store } from '../store/index.ts';
import type { SlackSurface } from '../adapters/slack/app.ts';
import type { SlackPresenter } from '../adapters/slack/presenter.ts';
import type { RoutingWatch } from '../services/ports.ts';

export interface RunningParts {
  /** Aborted first: background loops and the start-up work stop at their next step. */
  stopping: AbortController;
  services: Services;
  presenter: SlackPresenter;
  slack: SlackSurface;
  runner: Runner;
  store: Store;
  log: Logger;
  /** Routing drift's informers (absent when a test engine replaces the cluster): stopped with the timers. */
  routingWatch?: RoutingWatch | undefined;
}

/** A start that failed: nothing half-alive stays behind, no port answering /healthz for a bot that cannot work. */
export async function abandonStart({
  stopping,
  services,
  presenter,
  slack,
  runner,
  store,
  routingWatch,
}: RunningParts): Promise<void> {
  stopping.abort();
  await routingWatch?.stop().catch(() => undefined);
  await services.timers.stop().catch(() => undefined);
  await services.evaluator?.stop();
  await presenter.stop().catch(() => undefined);
  await slack.stop().catch(() => undefined);
  await runner.stop();
  store.close();
}

/** A running Rewind stopped; the caller makes sure this runs once. */
export async function stopRunning({
  stopping,
  services,
  presenter,
  slack,
  runner,
  store,
  log,
  routingWatch,
}: RunningParts): Promise<void> {
  stopping.abort();
  await routingWatch?.stop();
  await services.drift.idle();
  await services.timers.stop();
  await services.evaluator?.stop();
  await slack.stop();
  await services.rollbacks.idle();
  await presenter.stop();
  await runner.stop();
  store.close();
  log.info('Rewind stopped');
}
