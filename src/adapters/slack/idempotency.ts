/**
 * Slack redelivers what it thinks was lost (`x-slack-retry-num`), and a click can arrive twice.
 * Every delivery carries an id that a redelivery repeats — `trigger_id` for commands and
 * interactions, `event_id` for events — so the first delivery is remembered and any repeat is
 * acknowledged and dropped before a listener sees it.
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Clock } from '../../services/clock.ts';
import type { ProcessedRequestRepository } from '../../store/index.ts';

const DAY = 86_400_000;

export function deliveryKey(body: unknown): string | null {
  const b = body as { event_id?: unknown; trigger_id?: unknown; type?: unknown; actions?: { action_ts?: unknown }[] };
  if (typeof b.event_id === 'string') return `event:${b.event_id}`;
  if (typeof b.trigger_id === 'string') {
    // One trigger_id per interaction; the action_ts tells two actions of one payload apart.
    const actionTs = Array.isArray(b.actions) && typeof b.actions[0]?.action_ts === 'string' ? `:${b.actions[0].action_ts}` : '';
    return `trigger:${b.trigger_id}${actionTs}`;
  }
  return null;
}

export function dropRepeats(repo: ProcessedRequestRepository, clock: Clock, log: { info(o: object, m: string): void }): Middleware<AnyMiddlewareArgs> {
  let lastPrune = 0;
  return async (args) => {
    const key = deliveryKey(args.body);
    if (key === null) return args.next();
    const now = clock.now();
    if (now - lastPrune > DAY / 24) {
      lastPrune = now;
      repo.prune(now - DAY);
    }
    if (repo.remember(key, now)) return args.next();
    log.info({ key, retry: (args as { context?: { retryNum?: number } }).context?.retryNum ?? null }, 'dropped a repeated Slack delivery');
    const ack = (args as { ack?: () => Promise<void> }).ack;
    if (ack) await ack();
  };
}
