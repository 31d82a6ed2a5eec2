/**
 * The stakeholder channel (config `slack.stakeholderChannel`): one message per incident, posted the
 * first time it is sent and updated in place after that — where it was posted is on the incident's
 * timeline (`stakeholder_notice`), so a restarted process updates it too. Rendered from the stored
 * incident when sent, so a message sent late from the outbox says what is true then.
 */
import type { WebClient } from '@slack/web-api';
import type { IncidentNotice } from '../../services/ports.ts';
import type { Queries } from '../../services/queries.ts';
import { stakeholderText } from './blocks/stakeholder.ts';
import type { Locale } from './i18n/locale.ts';
import { UnrecordedPosts } from './unrecorded-posts.ts';
import { stakeholderView } from './view-mapping.ts';

/**
 * What changes the notice once it exists: the symptoms (a tier fired, how many users), the course
 * taken, the rollback's state and the resolution. Everything else stays in the incident channel.
 */
const NEWS: ReadonlySet<IncidentNotice['kind']> = new Set([
  'tier_fired',
  'assessment',
  'decision',
  'rollback_requested',
  'approved',
  'rollback_scheduled',
  'rollback_finished',
  'resolved',
] as const);

/** Notices whose last text is remembered (to skip updates that change nothing); the oldest go first. */
const TEXTS_KEPT = 100;

export interface StakeholderMessagesOptions {
  client: WebClient;
  queries: Queries;
  /** None configured: nothing is sent. */
  channel: string | undefined;
  /** The team's time zone (config drills.timezone): the notice gives its times in it. */
  timezone: string;
  locale: Locale;
  /** Puts where the notice was posted on the incident's timeline. */
  posted: (incidentId: string, where: { channel: string; ts: string }) => void;
}

export class StakeholderMessages {
  private readonly texts = new Map<string, string>();
  /** Notices Slack took whose place the database could not record yet (a full disk). */
  private readonly unrecorded: UnrecordedPosts;

  constructor(private readonly o: StakeholderMessagesOptions) {
    this.unrecorded = new UnrecordedPosts(o.posted);
  }

  static isNews(kind: IncidentNotice['kind']): boolean {
    return NEWS.has(kind);
  }

  /** Posts the notice, or updates the one posted; an update that would change nothing is not sent. */
  async send(incidentId: string): Promise<void> {
    const snapshot = this.o.queries.incident(incidentId);
    if (!snapshot || !this.o.channel) return;
    const text = stakeholderText(stakeholderView(snapshot, this.o.timezone), this.o.locale);
    const posted = this.o.queries.stakeholderMessage(incidentId) ?? this.unrecorded.pending(incidentId);
    if (posted) {
      if (this.texts.get(incidentId) === text) return;
      await this.o.client.chat.update({ channel: posted.channel, ts: posted.ts, text });
    } else {
      const res = await this.o.client.chat.postMessage({ channel: this.o.channel, text });
      if (res.channel && res.ts) this.unrecorded.posted(incidentId, { channel: res.channel, ts: res.ts });
    }
    this.texts.delete(incidentId); // re-inserted last: the map stays in the order sent
    this.texts.set(incidentId, text);
    const oldest = this.texts.keys().next().value;
    if (this.texts.size > TEXTS_KEPT && oldest !== undefined) this.texts.delete(oldest);
  }
}
