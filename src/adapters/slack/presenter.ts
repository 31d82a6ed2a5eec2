/**
 * The incident notifier on Slack: one head message per incident in the incident channel, updated
 * in place from the stored state, and every notice in its thread (SPEC section 4).
 *
 * Work per incident runs in order on its own queue, so the head message exists before the first
 * thread reply and updates never overtake each other. Repeated `changed` calls while an update is
 * waiting collapse into one, which keeps a burst of changes to one chat.update. Failures are
 * logged and never thrown: a Slack outage must not undo a decision already stored.
 */
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../services/clock.ts';
import type { IncidentService } from '../../services/incidents.ts';
import type { ChannelNotice, IncidentAnnouncer, IncidentNotice, IncidentNotifier } from '../../services/ports.ts';
import type { Queries } from '../../services/queries.ts';
import { incidentMessage } from './blocks/incident.ts';
import { channelNoticeText, noteMessage } from './blocks/notes.ts';
import type { Locale } from './i18n/locale.ts';
import { incidentView, noteView } from './view-mapping.ts';

export interface PresenterLog {
  error(obj: object, msg: string): void;
}

export class SlackPresenter implements IncidentNotifier, IncidentAnnouncer {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly updatePending = new Set<string>();
  /** Set after construction: the incident service needs the presenter and the presenter needs it. */
  incidents: IncidentService | null = null;

  constructor(
    private readonly client: WebClient,
    private readonly queries: Queries,
    private readonly clock: Clock,
    private readonly channel: string,
    private readonly locale: Locale,
    private readonly log: PresenterLog,
  ) {}

  changed(incidentId: string): void {
    if (this.updatePending.has(incidentId)) return; // an update is already waiting: it will show this change too
    this.updatePending.add(incidentId);
    this.enqueue(incidentId, async () => {
      this.updatePending.delete(incidentId);
      await this.render(incidentId);
    });
  }

  notice(incidentId: string, notice: IncidentNotice): void {
    // Render now, while the notice's rollback is in the state the notice speaks of.
    const note = noteMessage(noteView(notice, this.queries), this.locale);
    this.enqueue(incidentId, async () => {
      const ts = await this.headTs(incidentId);
      if (!ts) return;
      await this.client.chat.postMessage({ channel: ts.channel, thread_ts: ts.ts, text: note.text, blocks: note.blocks });
    });
  }

  announce(notice: ChannelNotice): void {
    const text = channelNoticeText(notice, this.locale);
    this.enqueue(`channel:${notice.kind}`, async () => {
      await this.client.chat.postMessage({ channel: this.channel, text });
    });
  }

  /** Resolves once everything queued so far has been sent (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  private enqueue(incidentId: string, work: () => Promise<void>): void {
    const previous = this.queues.get(incidentId) ?? Promise.resolve();
    const next = previous
      .then(work)
      .catch((err: unknown) => this.log.error({ incident: incidentId, err: (err as Error).message }, 'Slack update of an incident failed'));
    this.queues.set(incidentId, next);
    void next.then(() => {
      if (this.queues.get(incidentId) === next) this.queues.delete(incidentId);
    });
  }

  /** The head message, posting it first if the incident has none yet. */
  private async headTs(incidentId: string): Promise<{ channel: string; ts: string } | null> {
    const snapshot = this.queries.incident(incidentId);
    if (!snapshot) return null;
    const { slackChannel, slackTs } = snapshot.incident;
    if (slackChannel && slackTs) return { channel: slackChannel, ts: slackTs };
    return this.render(incidentId);
  }

  private async render(incidentId: string): Promise<{ channel: string; ts: string } | null> {
    const snapshot = this.queries.incident(incidentId);
    if (!snapshot) return null;
    const message = incidentMessage(incidentView(snapshot, this.clock.now()), this.locale);
    const { slackChannel, slackTs } = snapshot.incident;
    if (slackChannel && slackTs) {
      await this.client.chat.update({ channel: slackChannel, ts: slackTs, text: message.text, blocks: message.blocks });
      return { channel: slackChannel, ts: slackTs };
    }
    const posted = await this.client.chat.postMessage({ channel: this.channel, text: message.text, blocks: message.blocks });
    if (!posted.ts || !posted.channel) throw new Error('chat.postMessage answered without channel and ts');
    this.incidents?.attachMessage(incidentId, posted.channel, posted.ts);
    return { channel: posted.channel, ts: posted.ts };
  }
}
