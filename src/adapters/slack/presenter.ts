/**
 * The incident notifier on Slack: one head message per incident in the incident channel, updated
 * in place from the stored state, and every notice in its thread.
 *
 * Nothing lost: every message is written to the outbox (src/store/outbox.ts) the moment a service
 * asks for it — synchronously, so inside the caller's transaction when there is one — and only
 * then sent, by the OutboxSender, in order per queue: an incident's head message and thread share
 * one queue, so the head exists before the first reply and a thread reads in the order things
 * happened, also after a Slack outage or a restart. A Slack outage never reaches the services.
 * Not flooded: a head-message update that is still waiting absorbs later changes (it renders the
 * state of when it is sent); alerts arriving while an alert note waits join that note; updates of
 * one message are spaced `minUpdateIntervalMs` apart (Slack allows about one per second).
 * Exactly once where it matters: escalation notes and DMs carry dedup keys, so a timer that runs
 * again after a crash queues nothing new.
 *
 * This file decides what is queued when a service asks; outbox-payloads.ts is the shape of what the
 * outbox keeps, message-delivery.ts sends one message to Slack when its turn comes.
 */
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../clock.ts';
import type { DrillNotice, DrillNotifier } from '../../services/drill-ports.ts';
import type { IncidentMessageRecorder } from '../../services/incident-messages.ts';
import type {
  ChannelNotice,
  IncidentAnnouncer,
  IncidentNotice,
  IncidentNotifier,
  UserGroupDirectory,
} from '../../services/ports.ts';
import type { StakeholderPort } from '../../services/post-actions.ts';
import type { Queries } from '../../services/queries.ts';
import type { RcaPublisher } from '../../services/rca.ts';
import type { OutboxMessage, OutboxRepository, Store } from '../../store/index.ts';
import { channelNoticeText, noteMessage } from './blocks/notes.ts';
import { driftMessage } from './blocks/drift.ts';
import { dmUndeliverableNote } from './escalation-dms.ts';
import type { Locale } from './i18n/locale.ts';
import { MessageDelivery, UpdatePacing, type DrillMessageSender } from './message-delivery.ts';
import { OutboxSender, UndeliverableError, type SenderLog } from './outbox-sender.ts';
import {
  ALERTS_KEPT,
  countMore,
  kept,
  pendingSchema,
  queueOf,
  type AlertNotice,
  type Pending,
} from './outbox-payloads.ts';
import { StakeholderMessages } from './stakeholder-messages.ts';
import { noteView } from './view-mapping.ts';

export type { DrillMessageSender } from './message-delivery.ts';
export type PresenterLog = SenderLog;

/** The longest a stakeholder notice waits for its incident's head message to be sent (see headFirst). */
const HEAD_FIRST_MAX_MS = 2_000;

export interface PresenterOptions {
  client: WebClient;
  queries: Queries;
  outbox: OutboxRepository;
  /** The store's transaction: a look at the outbox and the message queued on what it found commit together. */
  transaction: Store['transaction'];
  /** Expands user groups named by an escalation level to the people to message. */
  directory: UserGroupDirectory;
  /** Where head messages and stakeholder notices were posted: kept on the incident and its timeline. */
  records: IncidentMessageRecorder;
  /** Renders and sends the drill channel's messages. */
  drills: DrillMessageSender;
  clock: Clock;
  channel: string;
  /** Where stakeholder notices go (config slack.stakeholderChannel). */
  stakeholderChannel?: string;
  /** The team's time zone (config drills.timezone): every time in a message is written in it. */
  timezone: string;
  locale: Locale;
  log: PresenterLog;
  /** Spacing of updates to one message (default 1000 ms; tests use 0). */
  minUpdateIntervalMs?: number;
  /** How long an unsent message waits before the next try (default 30 s, doubling up to 5 min). */
  retryMs?: number;
  /** Resolves when sending may start (incoming requests are answered first). */
  yieldToRequests?: () => Promise<void>;
  /** This process's name and the liveness of others: who may send a queue. */
  runner: { owner: string; isGone(owner: string): boolean };
  /**
   * Write to the outbox and send nothing, not even when asked to (the break-glass command line):
   * what is queued goes out when a running bot's sender next reaches Slack.
   */
  queueOnly?: boolean;
}

/** An escalation level as the presenter tells it: who, and the key that makes it happen once. */
export interface EscalationCall {
  level: number;
  label: string;
  notify: string[];
}

export class SlackPresenter
  implements IncidentNotifier, IncidentAnnouncer, RcaPublisher, StakeholderPort, DrillNotifier
{
  /**
   * Outbox messages that have read the state they show (a head update after its pacing wait, an
   * alert note once its alerts are read): a later change or alert needs a message of its own.
   * Until then a waiting message absorbs them. Entries leave when the delivery ends.
   */
  private readonly started = new Set<number>();
  private readonly pacing: UpdatePacing;
  private readonly delivery: MessageDelivery;
  private readonly sender: OutboxSender;
  /** Alert notices of the batch running now, per incident, in order (see batch). */
  private collecting: Map<string, AlertNotice[]> | null = null;
  /** Incidents whose head update waits in the outbox, as the batch running now found or queued it. */
  private rendering: Set<string> | null = null;
  /** Per incident, the stakeholder notices waiting for its head message's delivery to end (see headFirst). */
  private readonly afterHead = new Map<string, Array<() => void>>();

  constructor(private readonly o: PresenterOptions) {
    this.pacing = new UpdatePacing(o.minUpdateIntervalMs ?? 1_000);
    const stakeholders = new StakeholderMessages({
      client: o.client,
      queries: o.queries,
      channel: o.stakeholderChannel,
      timezone: o.timezone,
      locale: o.locale,
      posted: (id, where) => o.records.stakeholderNoticePosted(id, where),
    });
    this.delivery = new MessageDelivery({
      client: o.client,
      queries: o.queries,
      directory: o.directory,
      clock: o.clock,
      channel: o.channel,
      timezone: o.timezone,
      locale: o.locale,
      records: o.records,
      stakeholders,
      drills: o.drills,
      pacing: this.pacing,
      post: (queue, pending, dedupKey) => this.post(queue, pending, dedupKey),
    });
    this.sender = new OutboxSender({
      outbox: o.outbox,
      clock: o.clock,
      log: o.log,
      deliver: (m) => this.deliver(m),
      ...(o.retryMs !== undefined ? { retryMs: o.retryMs } : {}),
      ...(o.yieldToRequests ? { yieldToRequests: o.yieldToRequests } : {}),
      runner: o.runner,
      onUndeliverable: (m, code) => this.undeliverable(m, code),
    });
  }

  changed(incidentId: string): void {
    const queue = queueOf.incident(incidentId);
    // Within a batch nothing is sent (it is synchronous): an update it found waiting, or queued, still waits.
    if (this.rendering?.has(incidentId)) return this.kick(queue);
    // A waiting update renders the state of when it is sent: it already shows this change.
    const waiting = this.o.outbox.lastWaiting(queue, 'render');
    if (!waiting || !this.joinable(waiting)) this.post(queue, { kind: 'render', incidentId });
    else this.kick(queue);
    this.rendering?.add(incidentId);
  }

  batch<T>(fn: () => T): T {
    if (this.collecting) return fn();
    const collecting = new Map<string, AlertNotice[]>();
    this.collecting = collecting;
    this.rendering = new Set();
    try {
      const result = fn();
      for (const incidentId of [...collecting.keys()]) this.flushAlerts(incidentId);
      return result;
    } finally {
      // On a throw the caller's transaction is rolled back: what was collected goes with it.
      this.collecting = null;
      this.rendering = null;
    }
  }

  notice(incidentId: string, notice: IncidentNotice): void {
    if (notice.kind === 'alert') {
      if (!this.collecting) return this.alertNotes(incidentId, [notice]);
      const list = this.collecting.get(incidentId) ?? [];
      list.push(notice);
      this.collecting.set(incidentId, list);
      return;
    }
    // A note after alerts ("every alert is resolved") comes after their note in the thread.
    this.flushAlerts(incidentId);
    // Once posted (or queued), the stakeholder notice follows the incident to its resolution.
    const stakeholdersTold =
      this.o.outbox.hasQueued(queueOf.stakeholders(incidentId)) || this.o.queries.stakeholderMessage(incidentId);
    if (StakeholderMessages.isNews(notice.kind) && stakeholdersTold) this.stakeholderNotice(incidentId);
    this.threadNote(incidentId, notice, null);
  }

  /**
   * An escalation level is due: a mention in the thread, the head message marked, and a direct
   * message to each person named, with a link to the incident — user groups expanded when it is sent
   * (escalation-dms.ts: again later if Slack cannot list one now, said in the thread if it never
   * will). `key` names this firing: the same key again (a timer re-run after a crash) sends nothing.
   */
  escalate(
    incidentId: string,
    level: EscalationCall,
    lateMs: number,
    key = `escalation:${incidentId}:${level.level}`,
  ): void {
    const { label, notify } = level;
    this.threadNote(incidentId, { kind: 'escalation', level: level.level, label, notify, lateMs }, `${key}:note`);
    this.changed(incidentId);
    // A queue per firing: a group Slack cannot list holds back this level's DMs, not the next level's.
    const dms: Pending = { kind: 'escalation_dms', incidentId, level: level.level, label, notify, key };
    this.post(queueOf.escalation(key), dms, `${key}:dms`);
  }

  /** The stakeholder notice: posted once in the stakeholder channel, then updated in place. */
  stakeholderNotice(incidentId: string): void {
    const queue = queueOf.stakeholders(incidentId);
    // The look for a waiting notice and the new one commit together (in the caller's transaction when there is
    // one): two replicas never both find none and queue one each.
    this.o.transaction(() => {
      const waiting = this.o.outbox.lastWaiting(queue, 'stakeholder');
      if (waiting && this.joinable(waiting)) return this.kick(queue);
      this.post(queue, { kind: 'stakeholder', incidentId });
    });
  }

  /** The RCA draft as a Markdown file in the incident's thread. */
  publishRca(incidentId: string, markdown: string, filename: string): void {
    this.post(queueOf.incident(incidentId), { kind: 'file', incidentId, filename, content: markdown });
  }

  /** A drill notice: one queue per drill, so its thread root exists before its replies. */
  drill(notice: DrillNotice): void {
    this.post(queueOf.drill(notice.drillId), { kind: 'drill', notice });
  }

  announce(notice: ChannelNotice): void {
    if (notice.kind === 'routing_drift' || notice.kind === 'routing_drift_settled') {
      const { text, blocks } = driftMessage(notice, this.o.locale, this.o.timezone);
      return this.post(queueOf.channel, { kind: 'channel', text, blocks });
    }
    this.post(queueOf.channel, { kind: 'channel', text: channelNoticeText(notice, this.o.locale, this.o.timezone) });
  }

  /** Sends what the outbox kept, now and every `retryMs` until stopped (started by main). */
  start(): void {
    this.sender.start();
  }

  async stop(): Promise<void> {
    await this.sender.stop();
  }

  /** Resolves once everything queued so far has been tried (tests, shutdown). */
  async idle(): Promise<void> {
    await this.sender.idle();
  }

  /** One pass over the outbox: every queue with a due message is sent; resolves when they were tried. */
  async drain(): Promise<number> {
    const queues = this.sender.sweep();
    await this.sender.idle();
    return queues;
  }

  /** Rendered now, while the notice's rollback is in the state the notice speaks of. */
  private threadNote(incidentId: string, notice: IncidentNotice, dedupKey: string | null): void {
    const note = noteMessage(noteView(notice, this.o.queries), this.o.locale, this.o.timezone);
    const thread: Pending = { kind: 'thread', incidentId, text: note.text, blocks: note.blocks };
    this.post(queueOf.incident(incidentId), thread, dedupKey);
  }

  /**
   * Alerts can come by the hundred: while one alert note waits its turn, later alerts join it, so
   * a burst is one message, never one per alert.
   */
  private alertNotes(incidentId: string, notices: readonly AlertNotice[]): void {
    const queue = queueOf.incident(incidentId);
    const waiting = this.o.outbox.lastWaiting(queue, 'alerts');
    const parsed = waiting && this.joinable(waiting) ? pendingSchema.safeParse(waiting.payload) : null;
    const joined = waiting && parsed?.success && parsed.data.kind === 'alerts' ? parsed.data : null;
    const batch = joined ?? { kind: 'alerts' as const, incidentId, notices: [], more: { firing: 0, resolved: 0 } };
    for (const notice of notices) {
      if (batch.notices.length < ALERTS_KEPT) batch.notices.push(kept(notice, batch.notices.length));
      else batch.more[notice.status === 'firing' ? 'firing' : 'resolved']++;
    }
    if (joined && waiting && this.o.outbox.replacePayload(waiting.id, batch)) return this.kick(queue);
    // The waiting note could not take them after all (it was sent or given up meanwhile): these alerts alone.
    const own = notices.slice(0, ALERTS_KEPT).map((n, i) => kept(n, i));
    this.post(queue, joined ? { ...batch, notices: own, more: countMore(notices.slice(ALERTS_KEPT)) } : batch);
  }

  /** Writes the alert notices collected for the incident during a batch (see batch). */
  private flushAlerts(incidentId: string): void {
    const collected = this.collecting?.get(incidentId);
    if (!collected || collected.length === 0) return;
    this.collecting?.delete(incidentId);
    this.alertNotes(incidentId, collected);
  }

  /** A waiting message may absorb a new request until it has read what it sends, and only in this process. */
  private joinable(m: OutboxMessage): boolean {
    // A message already sent whose sent mark the database refused (a full disk) looks waiting but is not.
    const ours = m.claimedBy === null || m.claimedBy === this.o.runner.owner;
    return !this.started.has(m.id) && !this.sender.isSentUnmarked(m.id) && ours;
  }

  private post(queue: string, pending: Pending, dedupKey: string | null = null): void {
    this.o.outbox.enqueue({ queue, kind: pending.kind, payload: pending, dedupKey }, this.o.clock.now());
    this.kick(queue);
  }

  private kick(queue: string): void {
    if (!this.o.queueOnly) this.sender.kick(queue);
  }

  private async deliver(message: OutboxMessage): Promise<void> {
    let rendered: string | null = null;
    try {
      const queued = this.parse(message, message.payload);
      if (queued.kind === 'render') rendered = queued.incidentId;
      if (queued.kind === 'stakeholder') await this.headFirst(queued.incidentId);
      // A head update or alert note waits for its spacing first and absorbs what comes meanwhile;
      // from the moment it reads what it sends, later changes need a message of their own.
      if (queued.kind === 'render') await this.pacing.pace(queued.incidentId);
      if (queued.kind === 'alerts') await this.pacing.pace(`alerts:${queued.incidentId}`);
      this.started.add(message.id);
      await this.delivery.send(this.parse(message, this.o.outbox.get(message.id)?.payload ?? message.payload));
    } finally {
      this.started.delete(message.id);
      if (rendered !== null) {
        for (const wake of this.afterHead.get(rendered) ?? []) wake();
        this.afterHead.delete(rendered);
      }
    }
  }

  /**
   * The incident channel hears first. A new incident's stakeholder notice is queued in the same
   * commit as its head message, and rendered and sent beside it would hold the head message up; so
   * when the head message is next in the incident's queue — not yet rendered by this process, and
   * sent by it — the notice waits until that delivery has ended (sent or failed), never longer than
   * HEAD_FIRST_MAX_MS. Later notices go out beside the head's updates, as before.
   */
  private headFirst(incidentId: string): Promise<void> {
    const next = this.o.outbox.head(queueOf.incident(incidentId));
    const ours = next?.claimedBy === null || next?.claimedBy === this.o.runner.owner;
    const dueNow = next !== null && next.nextAttemptAt <= this.o.clock.now();
    if (next?.kind !== 'render' || !ours || !dueNow || this.pacing.rendered(incidentId)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(wake, HEAD_FIRST_MAX_MS);
      function wake() {
        clearTimeout(timer);
        resolve();
      }
      this.afterHead.set(incidentId, [...(this.afterHead.get(incidentId) ?? []), wake]);
    });
  }

  private parse(message: OutboxMessage, payload: unknown): Pending {
    const parsed = pendingSchema.safeParse(payload);
    if (parsed.success) return parsed.data;
    const why = parsed.error.issues[0]?.message ?? 'bad shape';
    const what = `outbox message ${message.id} (${message.kind})`;
    throw new UndeliverableError('unreadable_payload', `${what} cannot be read: ${why}`);
  }

  /**
   * An escalation DM Slack will never take is said in its incident's thread: the level is short of
   * a person, not silently.
   */
  private undeliverable(message: OutboxMessage, code: string): void {
    const parsed = pendingSchema.safeParse(message.payload);
    if (!parsed.success || parsed.data.kind !== 'dm' || !parsed.data.about) return;
    const { user, about } = parsed.data;
    const text = dmUndeliverableNote(this.o.locale, about, user, code);
    this.delivery.plainNote(about.incidentId, text, `${message.dedupKey ?? `outbox:${message.id}`}:undeliverable`);
  }
}
