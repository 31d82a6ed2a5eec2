/**
 * The incident notifier on Slack: one head message per incident in the incident channel, updated
 * in place from the stored state, and every notice in its thread (SPEC section 4).
 *
 * Ordering: work per incident runs in order on its own queue, so the head message exists before
 * the first thread reply and updates never overtake each other.
 * Rate limits: repeated `changed` calls while an update waits collapse into one, and updates of
 * one message are spaced at least `minUpdateIntervalMs` apart (Slack allows about one per second
 * per message); a 429 is waited out by the Web API client, which honours Retry-After.
 * Nothing lost: a message that still cannot be sent is kept in the outbox table and sent again
 * later (also after a restart); failures are logged, never thrown into the services — a Slack
 * outage must not undo or block a decision already stored.
 */
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../services/clock.ts';
import type { IncidentService } from '../../services/incidents.ts';
import type { ChannelNotice, IncidentAnnouncer, IncidentNotice, IncidentNotifier, UserGroupDirectory } from '../../services/ports.ts';
import type { Queries } from '../../services/queries.ts';
import type { RcaPublisher } from '../../services/rca.ts';
import type { StakeholderPort } from '../../services/post-actions.ts';
import { TERMS } from './i18n/terms.ts';
import type { OutboxRepository } from '../../store/index.ts';
import type { DrillNotice, DrillNotifier } from '../../services/drill-ports.ts';
import type { DrillMessages } from './drill-messages.ts';
import { incidentMessage } from './blocks/incident.ts';
import { alertBatchMessage, channelNoticeText, escalationDmText, noteMessage, stakeholderText } from './blocks/notes.ts';
import type { Locale } from './i18n/locale.ts';
import { incidentView, noteView } from './view-mapping.ts';

export interface PresenterLog {
  error(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

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
  locale: Locale;
  log: PresenterLog;
  /** Spacing of updates to one message (default 1000 ms; tests use 0). */
  minUpdateIntervalMs?: number;
  /** How long an unsent message waits before the next try (default 30 s, doubling up to 10 min). */
  retryMs?: number;
}

type AlertNotice = Extract<IncidentNotice, { kind: 'alert' }>;

/** What the outbox keeps: enough to send it again without the moment it was made. */
type Pending =
  | { kind: 'render'; incidentId: string }
  | { kind: 'thread'; incidentId: string; text: string; blocks: KnownBlock[] }
  | { kind: 'channel'; text: string }
  | { kind: 'dm'; user: string; text: string }
  | { kind: 'file'; incidentId: string; filename: string; content: string }
  | { kind: 'stakeholder'; incidentId: string }
  | { kind: 'drill'; notice: DrillNotice };

const MAX_RETRY_MS = 10 * 60_000;

export class SlackPresenter implements IncidentNotifier, IncidentAnnouncer, RcaPublisher, StakeholderPort, DrillNotifier {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly updatePending = new Set<string>();
  private readonly lastUpdate = new Map<string, number>();
  private readonly alertBatches = new Map<string, AlertNotice[]>();
  private readonly stakeholderRequested = new Set<string>();
  private readonly minUpdateIntervalMs: number;
  private readonly retryMs: number;
  private drainLoop: Promise<void> | null = null;
  private readonly stopping = new AbortController();
  /** Set after construction: the incident service needs the presenter and the presenter needs it. */
  incidents: IncidentService | null = null;
  /** Set after construction, like `incidents`: renders and sends the drill channel's messages. */
  drills: DrillMessages | null = null;

  constructor(private readonly o: PresenterOptions) {
    this.minUpdateIntervalMs = o.minUpdateIntervalMs ?? 1_000;
    this.retryMs = o.retryMs ?? 30_000;
  }

  changed(incidentId: string): void {
    if (this.updatePending.has(incidentId)) return; // an update is already waiting: it will show this change too
    this.updatePending.add(incidentId);
    this.enqueue(incidentId, { kind: 'render', incidentId }, async () => {
      await this.pace(incidentId);
      this.updatePending.delete(incidentId);
      await this.render(incidentId);
    });
  }

  notice(incidentId: string, notice: IncidentNotice): void {
    if (notice.kind === 'alert') return this.alertNotice(incidentId, notice);
    // The stakeholder notice follows the incident to its resolution (its post may still be queued).
    if (notice.kind === 'resolved' && (this.stakeholderRequested.has(incidentId) || this.o.queries.stakeholderMessage(incidentId))) this.stakeholderNotice(incidentId);
    // Rendered now, while the notice's rollback is in the state the notice speaks of.
    const note = noteMessage(noteView(notice, this.o.queries), this.o.locale);
    const pending: Pending = { kind: 'thread', incidentId, text: note.text, blocks: note.blocks };
    this.enqueue(incidentId, pending, () => this.send(pending));
  }

  /**
   * Alerts can come by the hundred: while one alert note waits its turn, later alerts join it, and
   * alert notes of one incident are spaced like head-message updates. One message per burst, never
   * one per alert.
   */
  private alertNotice(incidentId: string, notice: AlertNotice): void {
    const batch = this.alertBatches.get(incidentId);
    if (batch) {
      batch.push(notice);
      return;
    }
    const fresh: AlertNotice[] = [notice];
    this.alertBatches.set(incidentId, fresh);
    this.enqueue(incidentId, { kind: 'render', incidentId }, async () => {
      await this.pace(`alerts:${incidentId}`);
      this.alertBatches.delete(incidentId);
      this.lastUpdate.set(`alerts:${incidentId}`, Date.now());
      const note = fresh.length === 1 && fresh[0] ? noteMessage(noteView(fresh[0], this.o.queries), this.o.locale) : alertBatchMessage(fresh, this.o.locale);
      await this.send({ kind: 'thread', incidentId, text: note.text, blocks: note.blocks });
    });
  }

  /**
   * An escalation level is due (SPEC section 6): a mention in the thread, the head message marked,
   * and a direct message to each person named — user groups expanded to their members — with a
   * link to the incident.
   */
  escalate(incidentId: string, level: { level: number; label: string; notify: string[] }, lateMs: number): void {
    this.notice(incidentId, { kind: 'escalation', level: level.level, label: level.label, notify: level.notify, lateMs });
    this.changed(incidentId);
    this.enqueue(incidentId, { kind: 'render', incidentId }, async () => {
      const people = new Set<string>();
      for (const id of level.notify) {
        if (!id.startsWith('S')) people.add(id);
        else for (const member of await this.o.directory.members(id)) people.add(member);
      }
      const head = await this.headTs(incidentId);
      const link = head ? (await this.o.client.chat.getPermalink({ channel: head.channel, message_ts: head.ts }).catch(() => null))?.permalink ?? null : null;
      const snapshot = this.o.queries.incident(incidentId);
      const text = escalationDmText(incidentId, snapshot?.incident.service ?? '?', level.label, link, this.o.locale, snapshot?.incident.drill ?? false);
      for (const user of people) {
        const pending: Pending = { kind: 'dm', user, text };
        this.enqueue(`dm:${user}`, pending, () => this.send(pending));
      }
    });
  }

  /** The stakeholder notice: posted once in the stakeholder channel, updated when the incident resolves. */
  stakeholderNotice(incidentId: string): void {
    this.stakeholderRequested.add(incidentId);
    const pending: Pending = { kind: 'stakeholder', incidentId };
    this.enqueue(`stakeholders:${incidentId}`, pending, () => this.send(pending));
  }

  /** The RCA draft as a Markdown file in the incident's thread. */
  publishRca(incidentId: string, markdown: string, filename: string): void {
    const pending: Pending = { kind: 'file', incidentId, filename, content: markdown };
    this.enqueue(incidentId, pending, () => this.send(pending));
  }

  /** A drill notice: one queue per drill, so its thread root exists before its replies. */
  drill(notice: DrillNotice): void {
    const pending: Pending = { kind: 'drill', notice };
    this.enqueue(`drill:${notice.drillId}`, pending, () => this.send(pending));
  }

  announce(notice: ChannelNotice): void {
    const pending: Pending = { kind: 'channel', text: channelNoticeText(notice, this.o.locale) };
    this.enqueue(`channel:${notice.kind}`, pending, () => this.send(pending));
  }

  /** Sends what the outbox kept, now and every `retryMs` until stopped (started by main). */
  start(): void {
    if (this.drainLoop) return;
    this.drainLoop = (async () => {
      while (!this.stopping.signal.aborted) {
        await this.drain();
        await this.o.clock.sleep(this.retryMs, this.stopping.signal).catch(() => undefined);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.drainLoop;
    await this.idle();
  }

  /** Resolves once everything queued so far has been tried (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  /** One pass over the outbox: each due message is tried once; failures wait longer next time. */
  async drain(): Promise<number> {
    let sent = 0;
    for (const message of this.o.outbox.due(this.o.clock.now())) {
      try {
        await this.send(message.payload as Pending);
        this.o.outbox.markSent(message.id, this.o.clock.now());
        sent++;
      } catch (err) {
        const wait = Math.min(MAX_RETRY_MS, this.retryMs * 2 ** Math.max(0, message.attempts));
        this.o.outbox.markFailed(message.id, (err as Error).message, this.o.clock.now() + wait);
      }
    }
    if (sent > 0) this.o.log.info({ sent }, 'sent Slack messages kept in the outbox');
    return sent;
  }

  private enqueue(queue: string, pending: Pending, work: () => Promise<void>): void {
    const previous = this.queues.get(queue) ?? Promise.resolve();
    const next = previous.then(work).catch((err: unknown) => {
      const message = (err as Error).message;
      this.o.log.error({ queue, err: message }, 'Slack message could not be sent; kept in the outbox for later');
      this.o.outbox.enqueue(pending.kind, pending, this.o.clock.now() + this.retryMs);
    });
    this.queues.set(queue, next);
    void next.then(() => {
      if (this.queues.get(queue) === next) this.queues.delete(queue);
    });
  }

  /** Waits (wall-clock: Slack's limits are real time) until the message may be updated again. */
  private async pace(incidentId: string): Promise<void> {
    const last = this.lastUpdate.get(incidentId);
    const wait = last === undefined ? 0 : last + this.minUpdateIntervalMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }

  private async send(p: Pending): Promise<void> {
    if (p.kind === 'render') {
      await this.render(p.incidentId);
    } else if (p.kind === 'thread') {
      const head = await this.headTs(p.incidentId);
      if (head) await this.o.client.chat.postMessage({ channel: head.channel, thread_ts: head.ts, text: p.text, blocks: p.blocks });
    } else if (p.kind === 'drill') {
      if (!this.drills) throw new Error('drill messages are not set up yet');
      await this.drills.send(p.notice);
    } else if (p.kind === 'stakeholder') {
      await this.sendStakeholder(p.incidentId);
    } else if (p.kind === 'file') {
      const head = await this.headTs(p.incidentId);
      if (head) await this.o.client.filesUploadV2({ channel_id: head.channel, thread_ts: head.ts, filename: p.filename, title: p.filename, content: p.content });
    } else if (p.kind === 'dm') {
      const opened = await this.o.client.conversations.open({ users: p.user });
      const channel = opened.channel?.id;
      if (!channel) throw new Error(`conversations.open gave no channel for ${p.user}`);
      await this.o.client.chat.postMessage({ channel, text: p.text });
    } else {
      await this.o.client.chat.postMessage({ channel: this.o.channel, text: p.text });
    }
  }

  private async sendStakeholder(incidentId: string): Promise<void> {
    const snapshot = this.o.queries.incident(incidentId);
    if (!snapshot || !this.o.stakeholderChannel) return;
    const terms = TERMS[this.o.locale];
    const r = snapshot.rollback;
    const text = stakeholderText(
      {
        incidentId,
        service: snapshot.incident.service,
        title: snapshot.incident.title,
        userImpact: snapshot.assessment.userImpact ? `${terms.question.userImpact}: ${terms.userImpact[snapshot.assessment.userImpact]}` : null,
        severity: snapshot.incident.severity,
        status: terms.incidentStatus[snapshot.incident.status],
        rollback: r ? `${terms.strategy[r.strategy]} ${r.fromVersion ?? '?'} → ${r.toVersion} (${terms.rollbackStatus[r.status]})` : null,
        resolved: snapshot.incident.status === 'resolved',
        drill: snapshot.incident.drill,
      },
      this.o.locale,
    );
    const posted = this.o.queries.stakeholderMessage(incidentId);
    if (posted) {
      await this.o.client.chat.update({ channel: posted.channel, ts: posted.ts, text });
      return;
    }
    const res = await this.o.client.chat.postMessage({ channel: this.o.stakeholderChannel, text });
    if (res.channel && res.ts) this.incidents?.record(incidentId, 'stakeholder_notice', { kind: 'system', id: 'post-actions' }, { channel: res.channel, ts: res.ts });
  }

  /** The head message, posting it first if the incident has none yet. */
  private async headTs(incidentId: string): Promise<{ channel: string; ts: string } | null> {
    const snapshot = this.o.queries.incident(incidentId);
    if (!snapshot) return null;
    const { slackChannel, slackTs } = snapshot.incident;
    if (slackChannel && slackTs) return { channel: slackChannel, ts: slackTs };
    return this.render(incidentId);
  }

  private async render(incidentId: string): Promise<{ channel: string; ts: string } | null> {
    const snapshot = this.o.queries.incident(incidentId);
    if (!snapshot) return null;
    const message = incidentMessage(incidentView(snapshot, this.o.clock.now()), this.o.locale);
    const { slackChannel, slackTs } = snapshot.incident;
    this.lastUpdate.set(incidentId, Date.now());
    if (slackChannel && slackTs) {
      await this.o.client.chat.update({ channel: slackChannel, ts: slackTs, text: message.text, blocks: message.blocks });
      return { channel: slackChannel, ts: slackTs };
    }
    const posted = await this.o.client.chat.postMessage({ channel: this.o.channel, text: message.text, blocks: message.blocks });
    if (!posted.ts || !posted.channel) throw new Error('chat.postMessage answered without channel and ts');
    this.incidents?.attachMessage(incidentId, posted.channel, posted.ts);
    return { channel: posted.channel, ts: posted.ts };
  }
}
