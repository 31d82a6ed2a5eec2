/**
 * Sends one outbox message to Slack, as the presenter queued it: the incident's head message
 * (posted once, then updated in place), thread notes and alert notes under it, the RCA file, an
 * escalation level's DMs, the channel's own notices; the stakeholder notice and the drill channel's
 * messages are handed to their own senders. Everything is rendered from the stored state when it
 * is sent, so a message sent late says what is true then.
 */
import { channel } from 'node:diagnostics_channel';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../clock.ts';
import type { DrillNotice } from '../../services/drill-ports.ts';
import type { IncidentMessageRecorder, PostedMessage } from '../../services/incident-messages.ts';
import type { UserGroupDirectory } from '../../services/ports.ts';
import type { Queries } from '../../services/queries.ts';
import { alertBatchMessage, alertNoteMessage } from './blocks/alert-notes.ts';
import { section } from './blocks/elements.ts';
import { incidentMessage } from './blocks/incident.ts';
import { expandEscalation, type DmAbout } from './escalation-dms.ts';
import type { Locale } from './i18n/locale.ts';
import { fit, queueOf, type Pending, type PostToOutbox } from './outbox-payloads.ts';
import type { StakeholderMessages } from './stakeholder-messages.ts';
import { UnrecordedPosts } from './unrecorded-posts.ts';
import { incidentView } from './view-mapping.ts';

/** Sends a drill notice to the drill channel (drill-messages.ts). */
export interface DrillMessageSender {
  send(notice: DrillNotice): Promise<void>;
}

/** Entries of the update-spacing map older than this are forgotten (the map stays small). */
const PACE_MEMORY_MS = 60_000;
/** Marks along an alert's way to Slack, for `npm run bench`; nothing is published while nobody listens. */
const alertPath = channel('rewind:alert-path');

/**
 * Spacing of updates to one message: Slack allows about one per second. Wall-clock time, not the
 * injected clock: Slack's limits are real time.
 */
export class UpdatePacing {
  private readonly lastUpdate = new Map<string, number>();

  constructor(private readonly minUpdateIntervalMs: number) {}

  /** Waits until the message may be updated again. */
  async pace(key: string): Promise<void> {
    const last = this.lastUpdate.get(key);
    const wait = last === undefined ? 0 : last + this.minUpdateIntervalMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }

  /** Whether the message was sent or updated in the last minute (or the last spacing, if longer). */
  rendered(key: string): boolean {
    return this.lastUpdate.has(key);
  }

  stamp(key: string): void {
    const now = Date.now();
    this.lastUpdate.delete(key); // re-inserted last: the map stays in time order for the pruning below
    this.lastUpdate.set(key, now);
    for (const [k, at] of this.lastUpdate) {
      if (now - at < Math.max(PACE_MEMORY_MS, this.minUpdateIntervalMs)) break;
      this.lastUpdate.delete(k);
    }
  }
}

export interface MessageDeliveryOptions {
  client: WebClient;
  queries: Queries;
  directory: UserGroupDirectory;
  clock: Clock;
  /** The incident channel: head messages and the channel's notices. */
  channel: string;
  timezone: string;
  locale: Locale;
  /** Where head messages were posted. */
  records: IncidentMessageRecorder;
  stakeholders: StakeholderMessages;
  drills: DrillMessageSender;
  pacing: UpdatePacing;
  /** Queues what a delivery leads to: an escalation level's DMs, a note in the thread. */
  post: PostToOutbox;
}

export class MessageDelivery {
  /** Head messages Slack took whose place the database could not record yet (a full disk). */
  private readonly heads: UnrecordedPosts;

  constructor(private readonly o: MessageDeliveryOptions) {
    this.heads = new UnrecordedPosts((id, where) => o.records.headPosted(id, where));
  }

  async send(p: Pending): Promise<void> {
    const { client } = this.o;
    switch (p.kind) {
      case 'render':
        await this.render(p.incidentId);
        return;
      case 'thread': {
        const head = await this.headTs(p.incidentId);
        if (!head) return;
        const thread = { channel: head.channel, thread_ts: head.ts };
        await client.chat.postMessage({ ...thread, text: fit(p.text), blocks: p.blocks });
        return;
      }
      case 'alerts':
        return this.sendAlerts(p);
      case 'drill':
        return this.o.drills.send(p.notice);
      case 'stakeholder':
        return this.o.stakeholders.send(p.incidentId);
      case 'file': {
        const head = await this.headTs(p.incidentId);
        if (!head) return;
        const { filename, content } = p;
        const thread = { channel_id: head.channel, thread_ts: head.ts };
        await client.filesUploadV2({ ...thread, filename, title: filename, content });
        return;
      }
      case 'escalation_dms': {
        const { directory, queries, locale } = this.o;
        const dm = (user: string, text: string, key: string, about: DmAbout) =>
          this.o.post(queueOf.dm(user), { kind: 'dm', user, text, about }, key);
        const note = (id: string, text: string, key: string) => this.plainNote(id, text, key);
        return expandEscalation({ client, directory, queries, locale, dm, note }, p);
      }
      case 'dm': {
        const opened = await client.conversations.open({ users: p.user });
        const channel = opened.channel?.id;
        if (!channel) throw new Error(`conversations.open gave no channel for ${p.user}`);
        await client.chat.postMessage({ channel, text: fit(p.text) });
        return;
      }
      case 'channel':
        await client.chat.postMessage({
          channel: this.o.channel,
          text: fit(p.text),
          ...(p.blocks ? { blocks: p.blocks } : {}),
        });
        return;
    }
  }

  /** A note of plain text in the incident's thread, queued once per dedup key. */
  plainNote(incidentId: string, text: string, dedupKey: string): void {
    this.o.post(queueOf.incident(incidentId), { kind: 'thread', incidentId, text, blocks: [section(text)] }, dedupKey);
  }

  private async sendAlerts(p: Extract<Pending, { kind: 'alerts' }>): Promise<void> {
    const head = await this.headTs(p.incidentId);
    if (!head) return;
    const only = p.notices.length === 1 && p.more.firing + p.more.resolved === 0 ? p.notices[0] : undefined;
    const note = only ? alertNoteMessage(only, this.o.locale) : alertBatchMessage(p.notices, this.o.locale, p.more);
    this.o.pacing.stamp(`alerts:${p.incidentId}`);
    const { text, blocks } = note;
    await this.o.client.chat.postMessage({ channel: head.channel, thread_ts: head.ts, text, blocks });
  }

  /** The head message, posting it first if the incident has none yet. */
  private async headTs(incidentId: string): Promise<PostedMessage | null> {
    const snapshot = this.o.queries.incident(incidentId);
    if (!snapshot) return null;
    const { slackChannel, slackTs } = snapshot.incident;
    if (slackChannel && slackTs) return { channel: slackChannel, ts: slackTs };
    return this.heads.pending(incidentId) ?? this.render(incidentId);
  }

  private async render(incidentId: string): Promise<PostedMessage | null> {
    if (alertPath.hasSubscribers) alertPath.publish('render-start');
    const snapshot = this.o.queries.incident(incidentId);
    if (!snapshot) return null;
    const message = incidentMessage(incidentView(snapshot, this.o.clock.now()), this.o.locale, this.o.timezone);
    const { slackChannel, slackTs } = snapshot.incident;
    this.o.pacing.stamp(incidentId);
    const head = slackChannel && slackTs ? { channel: slackChannel, ts: slackTs } : this.heads.pending(incidentId);
    const { text, blocks } = message;
    if (alertPath.hasSubscribers) alertPath.publish('slack-call');
    if (head) {
      await this.o.client.chat.update({ channel: head.channel, ts: head.ts, text, blocks });
      return head;
    }
    const posted = await this.o.client.chat.postMessage({ channel: this.o.channel, text, blocks });
    if (!posted.ts || !posted.channel) throw new Error('chat.postMessage answered without channel and ts');
    this.heads.posted(incidentId, { channel: posted.channel, ts: posted.ts });
    return { channel: posted.channel, ts: posted.ts };
  }
}
