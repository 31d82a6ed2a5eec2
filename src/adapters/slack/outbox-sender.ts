/**
 * Sends the outbox (src/store/outbox.ts): one worker per queue takes the queue's oldest waiting
 * message, delivers it, marks it sent, and takes the next — so a thread reads in the order things
 * happened. A failure holds the queue: the message is retried with a growing delay (30 s doubling
 * up to 5 min), and as soon as any message goes through again every waiting queue is tried at once
 * (Slack is back; nobody should wait out a backoff). A message Slack says it will never take
 * (`channel_not_found`, `invalid_blocks`, `no_such_subteam`, …) is marked dead, logged and counted,
 * and the queue moves on: one bad message must not silence an incident; `onUndeliverable` lets its
 * sender tell the people it was for another way. A sweep every `retryMs` picks up what is due,
 * also what a previous process left behind.
 */
import type { Clock } from '../../clock.ts';
import type { OutboxMessage, OutboxRepository } from '../../store/index.ts';

export interface SenderLog {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface OutboxSenderOptions {
  outbox: OutboxRepository;
  clock: Clock;
  log: SenderLog;
  /** Delivers one message; throws when Slack did not take it. */
  deliver: (message: OutboxMessage) => Promise<void>;
  /** First retry delay and sweep interval (default 30 s). */
  retryMs?: number;
  /** Longest retry delay (default 5 min). */
  maxRetryMs?: number;
  /** Resolves when background work may run (incoming requests first); default: the next turn of the event loop. */
  yieldToRequests?: () => Promise<void>;
  /**
   * This process's name and whether another process is gone (src/services/runners.ts): a queue
   * whose head another live process is sending is left to it, so two processes on one database
   * never send one queue at once; the claim of a process that is gone is taken over.
   */
  runner: { owner: string; isGone(owner: string): boolean };
  /**
   * Told of a message given up as undeliverable, before it is marked: whoever it was for can be told
   * another way (an escalation DM that never arrives is said in the incident thread). Runs again
   * if the process dies before the mark, so what it queues must be keyed.
   */
  onUndeliverable?: (message: OutboxMessage, code: string) => void;
}

/**
 * Slack errors that no retry can fix: the message, its channel, its person or its user group is
 * wrong, or the app may not do it (a scope or permission it was not installed with). Everything
 * else is retried: timeouts, 5xx, rate limits — and a token Slack refuses (`invalid_auth`,
 * `token_revoked`, …), because then every message fails, `/readyz` says why, and what waited goes
 * out in order once an operator replaces the token, rather than the whole backlog being dropped.
 */
const UNDELIVERABLE = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'channel_is_archived',
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_attachments',
  'msg_too_long',
  'no_text',
  'too_many_attachments',
  'user_not_found',
  'users_not_found',
  'user_disabled',
  'cannot_dm_bot',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'invalid_arguments',
  'invalid_arg_name',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'unreadable_payload',
  // usergroups.users.list (an escalation level's group): the group does not exist, the workspace
  // has no user groups, or the app lacks usergroups:read.
  'no_such_subteam',
  'plan_upgrade_required',
  'missing_scope',
  'no_permission',
  'access_denied',
  'not_allowed_token_type',
  'ekm_access_denied',
  'team_access_not_granted',
  'user_not_visible',
  'method_deprecated',
  'deprecated_endpoint',
]);

/** Slack's error code of a failed Web API call (`channel_not_found`), or what went wrong on the way. */
export function slackErrorCode(err: unknown): string {
  const e = err as { code?: unknown; data?: { error?: unknown }; statusCode?: unknown } | null;
  if (typeof e?.data?.error === 'string') return e.data.error;
  if (typeof e?.statusCode === 'number') return `http_${e.statusCode}`;
  if (e?.code === 'slack_webapi_request_error') return 'request_failed';
  if (e?.code === 'slack_webapi_rate_limited_error') return 'ratelimited';
  if (typeof e?.code === 'string' && UNDELIVERABLE.has(e.code)) return e.code;
  return 'error';
}

export function isUndeliverable(code: string): boolean {
  return UNDELIVERABLE.has(code);
}

/** Thrown by a deliverer for a message it can never send (a payload it cannot read). */
export class UndeliverableError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const HOUR = 3_600_000;
/** A live process that has held a message this long is stuck (a send takes at most about 25 s): taken over. */
const CLAIM_MAX_MS = 2 * 60_000;
/** Sent messages are kept this long (what was said, for an inquiry), then deleted with their dedup keys. */
const KEEP_SENT_MS = 30 * 86_400_000;

export class OutboxSender {
  private readonly workers = new Map<string, Promise<void>>();
  /** Queues kicked while their worker was finishing: it looks once more before it goes. */
  private readonly again = new Set<string>();
  private readonly inFlight = new Set<number>();
  private readonly stopping = new AbortController();
  private readonly sweepStop = new AbortController();
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private sweepLoop: Promise<void> | null = null;
  private lastPrune = -Infinity;
  private lastStoreError = -Infinity;
  /**
   * Messages Slack took whose `sent` mark the database refused: marked before anything else is sent, never sent twice.
   */
  private readonly unmarked = new Set<number>();
  /** A delivery failed since the last success: the next success makes every waiting queue due. */
  private failing = false;
  /**
   * When waiting queues were last hurried: at most once per tenth of `retryMs`, so one message that keeps failing is
   * not retried after every success elsewhere.
   */
  private lastHurry = -Infinity;

  constructor(private readonly o: OutboxSenderOptions) {
    this.retryMs = o.retryMs ?? 30_000;
    this.maxRetryMs = o.maxRetryMs ?? 5 * 60_000;
  }

  /** Whether this message is being delivered right now (it must not be changed or joined). */
  isInFlight(id: number): boolean {
    return this.inFlight.has(id);
  }

  /** Starts (or reminds) the worker of a queue. */
  kick(queue: string): void {
    if (this.stopping.signal.aborted) return;
    if (this.workers.has(queue)) {
      this.again.add(queue);
      return;
    }
    // Started once incoming requests give way: the request that queued the message (a webhook, a
    // click) is answered first, and a burst of them is not held up by the sends they cause.
    const run = (this.o.yieldToRequests?.() ?? new Promise<void>((turn) => setImmediate(turn)))
      .then(() => this.work(queue))
      .catch((err: unknown) => {
        // The database refused a write (a full disk): said once a minute, picked up by the sweep.
        const now = this.o.clock.now();
        if (now - this.lastStoreError < 60_000) return;
        this.lastStoreError = now;
        this.o.log.error(
          { queue, err: (err as Error).message },
          'outbox worker stopped; the sweep will pick the queue up again',
        );
      })
      .finally(() => {
        this.workers.delete(queue);
        if (this.again.delete(queue)) this.kick(queue);
      });
    this.workers.set(queue, run);
  }

  /** Sends what is due now and every `retryMs` until stopped. */
  start(): void {
    if (this.sweepLoop) return;
    this.sweepLoop = (async () => {
      while (!this.sweepStop.signal.aborted) {
        this.sweep();
        await this.o.clock.sleep(this.retryMs, this.sweepStop.signal).catch(() => undefined);
      }
    })();
  }

  /**
   * Kicks every queue whose next message is due; returns how many. Sent messages older than a month are deleted hourly.
   */
  sweep(): number {
    let heads: OutboxMessage[];
    const now = this.o.clock.now();
    try {
      if (now - this.lastPrune >= HOUR) {
        this.lastPrune = now;
        this.o.outbox.pruneSent(now - KEEP_SENT_MS);
      }
      heads = this.o.outbox.dueHeads(now);
    } catch (err) {
      this.o.log.error({ err: (err as Error).message }, 'cannot read the outbox; trying again at the next sweep');
      return 0;
    }
    for (const head of heads) this.kick(head.queue);
    return heads.length;
  }

  /** Resolves once every worker has finished what it could send now (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.workers.size > 0) await Promise.all([...this.workers.values()]);
  }

  /**
   * Stops sweeping, gives what is due now up to `graceMs` (real time) to go out — a clean stop
   * should leave nothing behind that it could send — then stops the workers after their current
   * message, waiting at most another `graceMs`: SIGTERM ends well within Kubernetes' 30 s grace
   * period. What is left stays in the outbox for the next start.
   */
  async stop(graceMs = 5_000): Promise<void> {
    this.sweepStop.abort();
    await this.sweepLoop;
    this.sweep();
    await this.idleWithin(graceMs);
    this.stopping.abort();
    // A send Slack holds open is not waited for past another grace period: its message stays in the
    // outbox (claimed by a process that is then gone) and the next start sends it.
    await this.idleWithin(graceMs);
  }

  private async idleWithin(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle(), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
  }

  /**
   * Whether Slack took this message though the database does not say so yet: it is not waiting, whatever its row says.
   */
  isSentUnmarked(id: number): boolean {
    return this.unmarked.has(id);
  }

  private async work(queue: string): Promise<void> {
    for (;;) {
      if (this.stopping.signal.aborted) return;
      const message = this.o.outbox.head(queue);
      const now = this.o.clock.now();
      if (message && this.unmarked.has(message.id)) {
        this.o.outbox.markSent(message.id, now); // throws again while the database still refuses
        this.unmarked.delete(message.id);
        continue;
      }
      if (!message || message.nextAttemptAt > now) return; // empty, or waiting out a failure
      const holder = message.claimedBy;
      const theirs =
        holder !== null &&
        holder !== this.o.runner.owner &&
        !this.o.runner.isGone(holder) &&
        now - (message.claimedAt ?? now) < CLAIM_MAX_MS;
      // another process sends this queue
      if (theirs || !this.o.outbox.claim(message.id, this.o.runner.owner, holder, now)) return;
      this.inFlight.add(message.id);
      try {
        await this.o.deliver(message);
      } catch (err) {
        if (!this.failed(message, err)) return;
        continue;
      } finally {
        this.inFlight.delete(message.id);
      }
      try {
        this.o.outbox.markSent(message.id, this.o.clock.now());
      } catch (err) {
        this.unmarked.add(message.id);
        throw err;
      }
      if (this.failing) this.recovered();
    }
  }

  /** Records a failed delivery; true when the queue may go on (the message was given up). */
  private failed(message: OutboxMessage, err: unknown): boolean {
    const code = err instanceof UndeliverableError ? err.code : slackErrorCode(err);
    const detail = `${code}: ${(err as Error).message}`;
    const now = this.o.clock.now();
    if (isUndeliverable(code)) {
      try {
        this.o.onUndeliverable?.(message, code);
      } catch (hookErr) {
        // Telling people is a courtesy on top of the error log below: it must not hold the queue.
        this.o.log.error(
          { queue: message.queue, outbox: message.id, err: (hookErr as Error).message },
          'could not queue the note about an undeliverable message',
        );
      }
      this.o.outbox.markDead(message.id, detail, now);
      this.o.log.error(
        { queue: message.queue, kind: message.kind, outbox: message.id, code },
        'Slack will never take this message; it is kept in the outbox as undeliverable and the next one goes on',
      );
      return true;
    }
    this.failing = true;
    const wait = Math.min(this.maxRetryMs, this.retryMs * 2 ** Math.min(20, message.attempts));
    this.o.outbox.markFailed(message.id, detail, now + wait);
    this.o.log.warn(
      {
        queue: message.queue,
        kind: message.kind,
        outbox: message.id,
        code,
        attempt: message.attempts + 1,
        retryInMs: wait,
      },
      'Slack message not sent yet; it waits in the outbox and is sent again, in order',
    );
    return false;
  }

  private recovered(): void {
    const now = this.o.clock.now();
    if (now - this.lastHurry < this.retryMs / 10) return;
    this.lastHurry = now;
    this.failing = false;
    const hurried = this.o.outbox.hurry(now);
    if (hurried > 0) this.o.log.info({ messages: hurried }, 'Slack answers again; sending the messages that waited');
    this.sweep();
  }
}
