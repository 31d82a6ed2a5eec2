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
 */
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { IncidentService } from '../../services/incidents.ts';
import type { ChannelNotice, IncidentAnnouncer, IncidentNotice, IncidentNotifier, UserGroupDirectory } from '../../services/ports.ts';
import type { Queries } from '../../services/queries.ts';
import type { RcaPublisher } from '../../services/rca.ts';
import type { StakeholderPort } from '../../services/post-actions.ts';
import type { OutboxMessage, OutboxRepository } from '../../store/index.ts';
import type { DrillNotice, DrillNotifier } from '../../services/drill-ports.ts';
import type { DrillMessages } from './drill-messages.ts';
import { incidentMessage } from './blocks/incident.ts';
import { SLACK_LIMITS, clip } from './blocks/limits.ts';
import { channelNoticeText, noteMessage } from './blocks/notes.ts';
import { ALERTS_LISTED, NAME_SHOWN, SUMMARY_SHOWN, alertBatchMessage, alertNoteMessage } from './blocks/alert-notes.ts';
import { ALERT_LINK_KINDS } from '../../domain/alert-links.ts';
import type { Locale } from './i18n/locale.ts';
import { section } from './blocks/elements.ts';
import { dmUndeliverableNote, expandEscalation, type DmAbout } from './escalation-dms.ts';
import { OutboxSender, UndeliverableError, type SenderLog } from './outbox-sender.ts';
import { StakeholderMessages } from './stakeholder-messages.ts';
import { UnrecordedPosts } from './unrecorded-posts.ts';
import { incidentView, noteView } from './view-mapping.ts';

export type PresenterLog = SenderLog;

export interface PresenterOptions {
  client: WebClient;
  queries: Queries;
  outbox: OutboxRepository;
  /** Expands user groups named by an escalation level to the people to message. */
  directory: UserGroupDirectory;
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
}

type AlertNotice = Extract<IncidentNotice, { kind: 'alert' }>;

/** An escalation level as the presenter tells it: who, and the key that makes it happen once. */
export interface EscalationCall {
  level: number;
  label: string;
  notify: string[];
}

/** Alert notes list this many alerts; the rest are counted. */
const ALERTS_KEPT = 50;
/**
 * An alert as an alert note keeps it: name and summary as long as a note shows them, and links only
 * for the alerts a note lists (`at` is its place in the batch) — a 1 MiB summary, or fifty alerts'
 * links, must not be rewritten with every alert that joins.
 */
const kept = (n: AlertNotice, at: number): AlertNotice => ({
  ...n,
  summary: clip(n.summary, SUMMARY_SHOWN),
  name: n.name === null ? null : clip(n.name, NAME_SHOWN),
  links: at < ALERTS_LISTED ? n.links : {},
});
const countMore = (notices: readonly AlertNotice[]) => ({
  firing: notices.filter((n) => n.status === 'firing').length,
  resolved: notices.filter((n) => n.status !== 'firing').length,
});
/** Texts are clipped when made, but an outbox row may be older than that (a 200 KB notice once waited there). */
const fit = (text: string): string => clip(text, SLACK_LIMITS.messageText);

/** Blocks as the builders made them; Slack itself checks them when they are sent. */
const blocks = z.array(z.custom<KnownBlock>((v) => typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string'));
const alertNotice = z.object({
  kind: z.literal('alert'),
  source: z.string(),
  severity: z.enum(['watch', 'warning', 'critical']),
  summary: z.string(),
  status: z.enum(['firing', 'resolved']),
  // Absent in rows queued before alert notes carried names and links.
  name: z.string().nullable().default(null),
  links: z.partialRecord(z.enum(ALERT_LINK_KINDS), z.string()).default({}),
});

const drillNotice = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('announcement'), drillId: z.string(), reminder: z.boolean() }),
  z.object({ kind: z.literal('started'), drillId: z.string() }),
  z.object({ kind: z.literal('missed'), drillId: z.string() }),
  z.object({ kind: z.literal('fault_removed'), drillId: z.string(), removed: z.boolean(), note: z.string(), why: z.string() }),
  z.object({ kind: z.literal('ended'), drillId: z.string() }),
  z.object({ kind: z.literal('scorecard'), drillId: z.string() }),
]) satisfies z.ZodType<DrillNotice>;

/** What the outbox keeps: enough to send it again without the moment it was made. */
const pendingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('render'), incidentId: z.string() }),
  z.object({ kind: z.literal('thread'), incidentId: z.string(), text: z.string(), blocks }),
  z.object({ kind: z.literal('alerts'), incidentId: z.string(), notices: z.array(alertNotice), more: z.object({ firing: z.number(), resolved: z.number() }) }),
  z.object({ kind: z.literal('channel'), text: z.string() }),
  // `about`: the escalation level a DM belongs to (absent in rows queued before DMs named it).
  z.object({ kind: z.literal('dm'), user: z.string(), text: z.string(), about: z.object({ incidentId: z.string(), level: z.number(), label: z.string() }).optional() }),
  z.object({ kind: z.literal('escalation_dms'), incidentId: z.string(), level: z.number(), label: z.string(), notify: z.array(z.string()), key: z.string() }),
  z.object({ kind: z.literal('file'), incidentId: z.string(), filename: z.string(), content: z.string() }),
  z.object({ kind: z.literal('stakeholder'), incidentId: z.string() }),
  z.object({ kind: z.literal('drill'), notice: drillNotice }),
]);
type Pending = z.infer<typeof pendingSchema>;

const queueOf = {
  incident: (id: string) => `incident:${id}`,
  stakeholders: (id: string) => `stakeholders:${id}`,
  escalation: (key: string) => `dms:${key}`,
  dm: (user: string) => `dm:${user}`,
  drill: (id: string) => `drill:${id}`,
  channel: 'channel',
};

/** Entries of the update-spacing map older than this are forgotten (the map stays small). */
const PACE_MEMORY_MS = 60_000;

export class SlackPresenter implements IncidentNotifier, IncidentAnnouncer, RcaPublisher, StakeholderPort, DrillNotifier {
  private readonly lastUpdate = new Map<string, number>();
  /**
   * Outbox messages that have read the state they show (a head update after its pacing wait, an
   * alert note once its alerts are read): a later change or alert needs a message of its own.
   * Until then a waiting message absorbs them. Entries leave when the delivery ends.
   */
  private readonly started = new Set<number>();
  private readonly minUpdateIntervalMs: number;
  private readonly sender: OutboxSender;
  private readonly stakeholders: StakeholderMessages;
  /** Alert notices of the batch running now, per incident, in order (see batch). */
  private collecting: Map<string, AlertNotice[]> | null = null;
  /** Head messages Slack took whose place the database could not record yet (a full disk). */
  private readonly heads = new UnrecordedPosts((id, where) => this.incidents?.attachMessage(id, where.channel, where.ts));
  /** Set after construction: the incident service needs the presenter and the presenter needs it. */
  incidents: IncidentService | null = null;
  /** Set after construction, like `incidents`: renders and sends the drill channel's messages. */
  drills: DrillMessages | null = null;

  constructor(private readonly o: PresenterOptions) {
    this.minUpdateIntervalMs = o.minUpdateIntervalMs ?? 1_000;
    this.stakeholders = new StakeholderMessages({
      client: o.client,
      queries: o.queries,
      channel: o.stakeholderChannel,
      timezone: o.timezone,
      locale: o.locale,
      posted: (id, where) => this.incidents?.record(id, 'stakeholder_notice', { kind: 'system', id: 'post-actions' }, where),
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
    // A waiting update renders the state of when it is sent: it already shows this change.
    const waiting = this.o.outbox.lastWaiting(queue, 'render');
    if (waiting && this.joinable(waiting)) return this.sender.kick(queue);
    this.post(queue, { kind: 'render', incidentId });
  }

  batch<T>(fn: () => T): T {
    if (this.collecting) return fn();
    const collecting = new Map<string, AlertNotice[]>();
    this.collecting = collecting;
    try {
      const result = fn();
      for (const incidentId of [...collecting.keys()]) this.flushAlerts(incidentId);
      return result;
    } finally {
      // On a throw the caller's transaction is rolled back: what was collected goes with it.
      this.collecting = null;
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
    if (StakeholderMessages.isNews(notice.kind) && (this.o.outbox.hasQueued(queueOf.stakeholders(incidentId)) || this.o.queries.stakeholderMessage(incidentId))) {
      this.stakeholderNotice(incidentId);
    }
    this.threadNote(incidentId, notice, null);
  }

  /**
   * An escalation level is due: a mention in the thread, the head message marked, and a direct
   * message to each person named, with a link to the incident — user groups expanded when it is sent
   * (escalation-dms.ts: again later if Slack cannot list one now, said in the thread if it never
   * will). `key` names this firing: the same key again (a timer re-run after a crash) sends nothing.
   */
  escalate(incidentId: string, level: EscalationCall, lateMs: number, key = `escalation:${incidentId}:${level.level}`): void {
    this.threadNote(incidentId, { kind: 'escalation', level: level.level, label: level.label, notify: level.notify, lateMs }, `${key}:note`);
    this.changed(incidentId);
    // A queue per firing: a group Slack cannot list holds back this level's DMs, not the next level's.
    this.post(queueOf.escalation(key), { kind: 'escalation_dms', incidentId, level: level.level, label: level.label, notify: level.notify, key }, `${key}:dms`);
  }

  /** The stakeholder notice: posted once in the stakeholder channel, then updated in place. */
  stakeholderNotice(incidentId: string): void {
    const queue = queueOf.stakeholders(incidentId);
    const waiting = this.o.outbox.lastWaiting(queue, 'stakeholder');
    if (waiting && this.joinable(waiting)) return this.sender.kick(queue);
    this.post(queue, { kind: 'stakeholder', incidentId });
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
    this.post(queueOf.incident(incidentId), { kind: 'thread', incidentId, text: note.text, blocks: note.blocks }, dedupKey);
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
    if (joined && waiting && this.o.outbox.replacePayload(waiting.id, batch)) return this.sender.kick(queue);
    const fresh = joined ? { ...batch, notices: notices.slice(0, ALERTS_KEPT).map((n, i) => kept(n, i)), more: countMore(notices.slice(ALERTS_KEPT)) } : batch;
    this.post(queue, fresh);
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
    return !this.started.has(m.id) && !this.sender.isSentUnmarked(m.id) && (m.claimedBy === null || m.claimedBy === this.o.runner.owner);
  }

  private post(queue: string, pending: Pending, dedupKey: string | null = null): void {
    this.o.outbox.enqueue({ queue, kind: pending.kind, payload: pending, dedupKey }, this.o.clock.now());
    this.sender.kick(queue);
  }

  private async deliver(message: OutboxMessage): Promise<void> {
    try {
      const queued = this.parse(message, message.payload);
      // A head update or alert note waits for its spacing first and absorbs what comes meanwhile;
      // from the moment it reads what it sends, later changes need a message of their own.
      if (queued.kind === 'render') await this.pace(queued.incidentId);
      if (queued.kind === 'alerts') await this.pace(`alerts:${queued.incidentId}`);
      this.started.add(message.id);
      await this.send(this.parse(message, this.o.outbox.get(message.id)?.payload ?? message.payload));
    } finally {
      this.started.delete(message.id);
    }
  }

  private parse(message: OutboxMessage, payload: unknown): Pending {
    const parsed = pendingSchema.safeParse(payload);
    if (parsed.success) return parsed.data;
    throw new UndeliverableError('unreadable_payload', `outbox message ${message.id} (${message.kind}) cannot be read: ${parsed.error.issues[0]?.message ?? 'bad shape'}`);
  }

  private async send(p: Pending): Promise<void> {
    switch (p.kind) {
      case 'render':
        await this.render(p.incidentId);
        return;
      case 'thread': {
        const head = await this.headTs(p.incidentId);
        if (head) await this.o.client.chat.postMessage({ channel: head.channel, thread_ts: head.ts, text: fit(p.text), blocks: p.blocks });
        return;
      }
      case 'alerts':
        return this.sendAlerts(p);
      case 'drill':
        if (!this.drills) throw new Error('drill messages are not set up yet');
        return this.drills.send(p.notice);
      case 'stakeholder':
        return this.stakeholders.send(p.incidentId);
      case 'file': {
        const head = await this.headTs(p.incidentId);
        if (head) await this.o.client.filesUploadV2({ channel_id: head.channel, thread_ts: head.ts, filename: p.filename, title: p.filename, content: p.content });
        return;
      }
      case 'escalation_dms': {
        const { client, directory, queries, locale } = this.o;
        const dm = (user: string, text: string, key: string, about: DmAbout) => this.post(queueOf.dm(user), { kind: 'dm', user, text, about }, key);
        return expandEscalation({ client, directory, queries, locale, dm, note: (id, text, key) => this.plainNote(id, text, key) }, p);
      }
      case 'dm': {
        const opened = await this.o.client.conversations.open({ users: p.user });
        const channel = opened.channel?.id;
        if (!channel) throw new Error(`conversations.open gave no channel for ${p.user}`);
        await this.o.client.chat.postMessage({ channel, text: fit(p.text) });
        return;
      }
      case 'channel':
        await this.o.client.chat.postMessage({ channel: this.o.channel, text: fit(p.text) });
        return;
    }
  }

  private async sendAlerts(p: Extract<Pending, { kind: 'alerts' }>): Promise<void> {
    const head = await this.headTs(p.incidentId);
    if (!head) return;
    const only = p.notices.length === 1 && p.more.firing + p.more.resolved === 0 ? p.notices[0] : undefined;
    const note = only ? alertNoteMessage(only, this.o.locale) : alertBatchMessage(p.notices, this.o.locale, p.more);
    this.stamp(`alerts:${p.incidentId}`);
    await this.o.client.chat.postMessage({ channel: head.channel, thread_ts: head.ts, text: note.text, blocks: note.blocks });
  }

  /** An escalation DM Slack will never take is said in its incident's thread: the level is short of a person, not silently. */
  private undeliverable(message: OutboxMessage, code: string): void {
    const parsed = pendingSchema.safeParse(message.payload);
    if (!parsed.success || parsed.data.kind !== 'dm' || !parsed.data.about) return;
    const { user, about } = parsed.data;
    this.plainNote(about.incidentId, dmUndeliverableNote(this.o.locale, about, user, code), `${message.dedupKey ?? `outbox:${message.id}`}:undeliverable`);
  }

  private plainNote(incidentId: string, text: string, dedupKey: string): void {
    this.post(queueOf.incident(incidentId), { kind: 'thread', incidentId, text, blocks: [section(text)] }, dedupKey);
  }

  /** Waits (wall-clock: Slack's limits are real time) until the message may be updated again. */
  private async pace(key: string): Promise<void> {
    const last = this.lastUpdate.get(key);
    const wait = last === undefined ? 0 : last + this.minUpdateIntervalMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }

  private stamp(key: string): void {
    const now = Date.now();
    this.lastUpdate.delete(key); // re-inserted last: the map stays in time order for the pruning below
    this.lastUpdate.set(key, now);
    for (const [k, at] of this.lastUpdate) {
      if (now - at < Math.max(PACE_MEMORY_MS, this.minUpdateIntervalMs)) break;
      this.lastUpdate.delete(k);
    }
  }

  /** The head message, posting it first if the incident has none yet. */
  private async headTs(incidentId: string): Promise<{ channel: string; ts: string } | null> {
    const snapshot = this.o.queries.incident(incidentId);
    if (!snapshot) return null;
    const { slackChannel, slackTs } = snapshot.incident;
    if (slackChannel && slackTs) return { channel: slackChannel, ts: slackTs };
    return this.heads.pending(incidentId) ?? this.render(incidentId);
  }

  private async render(incidentId: string): Promise<{ channel: string; ts: string } | null> {
    const snapshot = this.o.queries.incident(incidentId);
    if (!snapshot) return null;
    const message = incidentMessage(incidentView(snapshot, this.o.clock.now()), this.o.locale, this.o.timezone);
    const { slackChannel, slackTs } = snapshot.incident;
    this.stamp(incidentId);
    const head = slackChannel && slackTs ? { channel: slackChannel, ts: slackTs } : this.heads.pending(incidentId);
    if (head) {
      await this.o.client.chat.update({ channel: head.channel, ts: head.ts, text: message.text, blocks: message.blocks });
      return head;
    }
    const posted = await this.o.client.chat.postMessage({ channel: this.o.channel, text: message.text, blocks: message.blocks });
    if (!posted.ts || !posted.channel) throw new Error('chat.postMessage answered without channel and ts');
    this.heads.posted(incidentId, { channel: posted.channel, ts: posted.ts });
    return { channel: posted.channel, ts: posted.ts };
  }
}
