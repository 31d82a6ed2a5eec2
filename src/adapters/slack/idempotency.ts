/**
 * Slack redelivers what it thinks was lost (`x-slack-retry-num`), and a click can arrive twice.
 * Every delivery carries an id that a redelivery repeats — `trigger_id` for commands and
 * interactions, `event_id` for events — so the first delivery is remembered and any repeat is
 * acknowledged and dropped before a listener sees it.
 *
 * While the database refuses writes (a full disk, a lock held by a backup) the ids are remembered
 * in memory instead, and the delivery goes on to its listener. Dropping it would make Rewind deaf
 * exactly when people need it: no `/rollback status`, no Pause, no Abort — every command and click
 * acknowledged and then silently lost. Letting it through risks less: a repeat within this process
 * is still dropped from memory; only one redelivered across a restart during the outage could run
 * twice, and the runbook's actions meet a repeat with "already" (an acknowledged incident, the
 * one active rollback per service), while anything that must be saved is refused and said so
 * (./store-outage.ts).
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Clock } from '../../clock.ts';
import { storeRefusal, type ProcessedRequestRepository } from '../../store/index.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Ids kept in memory while the database refuses them: a day's worth of a busy workspace's clicks. */
const MEMORY_LIMIT = 20_000;

export interface IdempotencyLog {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
}

export function deliveryKey(body: unknown): string | null {
  const b = body as { event_id?: unknown; trigger_id?: unknown; type?: unknown; actions?: { action_ts?: unknown }[] };
  if (typeof b.event_id === 'string') return `event:${b.event_id}`;
  if (typeof b.trigger_id === 'string') {
    // One trigger_id per interaction; the action_ts tells two actions of one payload apart.
    const actionTs =
      Array.isArray(b.actions) && typeof b.actions[0]?.action_ts === 'string' ? `:${b.actions[0].action_ts}` : '';
    return `trigger:${b.trigger_id}${actionTs}`;
  }
  return null;
}

export function dropRepeats(
  repo: ProcessedRequestRepository,
  clock: Clock,
  log: IdempotencyLog,
): Middleware<AnyMiddlewareArgs> {
  let lastPrune = -Infinity;
  /** Ids the database refused, by when they came (insertion order is age order). */
  const memory = new Map<string, number>();
  let lastSaid = -Infinity;
  let unsaid = 0;

  const inMemory = (key: string, now: number): boolean => {
    for (const [oldest, at] of memory) {
      if (now - at < DAY && memory.size <= MEMORY_LIMIT) break;
      memory.delete(oldest);
    }
    return memory.has(key);
  };

  /** True the first time a key is seen, false for a repeat. */
  const remember = (key: string, now: number): boolean => {
    if (memory.size > 0 && inMemory(key, now)) return false;
    if (now - lastPrune >= HOUR) {
      lastPrune = now;
      try {
        repo.prune(now - DAY);
      } catch (err) {
        if (!storeRefusal(err)) throw err;
      }
    }
    try {
      return repo.remember(key, now);
    } catch (err) {
      const refusal = storeRefusal(err);
      if (!refusal) throw err;
      memory.set(key, now);
      // Once when it starts, then at most once a minute with how many meanwhile: not per delivery.
      unsaid++;
      if (now - lastSaid >= 60_000) {
        log.warn(
          { code: refusal.code, deliveries: unsaid, inMemory: memory.size },
          'the database does not take Slack delivery ids; remembering them in memory and handling the deliveries',
        );
        lastSaid = now;
        unsaid = 0;
      }
      return true;
    }
  };

  return async (args) => {
    const key = deliveryKey(args.body);
    if (key === null) return args.next();
    if (remember(key, clock.now())) return args.next();
    log.info(
      { key, retry: (args as { context?: { retryNum?: number } }).context?.retryNum ?? null },
      'dropped a repeated Slack delivery',
    );
    const ack = (args as { ack?: () => Promise<void> }).ack;
    if (ack) await ack();
  };
}
