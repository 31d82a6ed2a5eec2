/**
 * Where a read command (`/incident list|timeline`, `/rollback status|history`, `/drill
 * history|report|schedule`) may answer in full. Incident channels are often private: their
 * timelines, versions and people must not be readable by anyone who types a command somewhere else.
 *
 * In full: in the incident, stakeholder and drill channels of the config (whoever can type there is
 * a member), and in the person's direct message with the bot when they are a member of the
 * incident channel. Anywhere else the answer says where to look, and nothing more.
 *
 * A command that changes something (`/incident ack|resolve|rca`, `/rollback immediate|…|abort`,
 * `/drill run|abort`: `writePlaceOf`) is for the people working the incident: it runs in the
 * incident channel (a drill's also in the drill channel), and in the bot's DM or Rewind's other
 * channels only for a member of the incident channel — the stakeholder channel is where people
 * outside the team read, not where an acknowledgement that stops the escalation may come from.
 *
 * The direct-message case asks Slack twice — which DM is the bot's with this person
 * (`conversations.open`), and who is in the incident channel (`conversations.members`) — so both
 * answers are kept briefly and boundedly: one member list of the incident channel for `ttlMs`, at
 * most `maxPages` pages of it, and at most `maxDms` DM ids. A failure is not kept: the next command
 * asks again, and meanwhile the person is told that Slack could not be asked — never the answer.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../../logger.ts';
import type { Clock } from '../../../clock.ts';
import { errorFields, type ErrorFields } from '../payload-guard.ts';

export type ReadTopic = 'incidents' | 'drills';

export type ReadVerdict =
  | { kind: 'full' }
  /** A channel that is not one of Rewind's, or a DM that is not the bot's. */
  | { kind: 'elsewhere' }
  /** The bot's DM, with someone who is not in the incident channel. */
  | { kind: 'not_member' }
  /** The bot's DM, and Slack could not say whether the person is in the incident channel. */
  | { kind: 'unchecked'; why: ErrorFields | 'too_many_members' };

export interface ReadScopeOptions {
  incidentChannel: string;
  /** Where drills are run from (config slack.drillChannel), besides the incident channel. */
  drillChannel?: string;
  /** Rewind's channels, where whoever runs a command is a member and sees the answer in full. */
  channels: readonly string[];
  clock: Clock;
  log: Pick<Logger, 'warn'>;
  /** How long the incident channel's member list is trusted (default one minute). */
  ttlMs?: number;
  /** Pages of 1,000 members read at most (default 10); a bigger channel cannot be checked. */
  maxPages?: number;
  /** DM ids remembered (default 1,000); the oldest is forgotten first. */
  maxDms?: number;
}

const PAGE = 1_000;

interface Members {
  ids: Set<string>;
  /** False when the list stopped at `maxPages` with more to read. */
  complete: boolean;
  at: number;
}

export class ReadScope {
  private members: Members | null = null;
  /** The list being read, shared by every command that needs it meanwhile. */
  private reading: Promise<Members> | null = null;
  private readonly dms = new Map<string, { channel: string; at: number }>();
  private readonly ttlMs: number;
  private readonly maxPages: number;
  private readonly maxDms: number;

  constructor(private readonly o: ReadScopeOptions) {
    this.ttlMs = o.ttlMs ?? 60_000;
    this.maxPages = o.maxPages ?? 10;
    this.maxDms = o.maxDms ?? 1_000;
  }

  /** What can be said without asking Slack: in full, elsewhere, or a DM that needs checking (null). */
  placeOf(channelId: string): ReadVerdict | null {
    if (this.o.channels.includes(channelId)) return { kind: 'full' };
    // Slack sends a slash command from a DM with the DM's id, D…; only the bot's own DM can answer.
    return channelId.startsWith('D') ? null : { kind: 'elsewhere' };
  }

  /**
   * Where a command that changes something may run without asking Slack: in full in the topic's own
   * channels, elsewhere outside Rewind's channels and DMs; null for the bot's DM or another of
   * Rewind's channels, where the person must be a member of the incident channel (checkWriter).
   */
  writePlaceOf(channelId: string, topic: ReadTopic): ReadVerdict | null {
    const home =
      topic === 'drills' && this.o.drillChannel
        ? [this.o.incidentChannel, this.o.drillChannel]
        : [this.o.incidentChannel];
    if (home.includes(channelId)) return { kind: 'full' };
    return this.o.channels.includes(channelId) || channelId.startsWith('D') ? null : { kind: 'elsewhere' };
  }

  /**
   * The verdict for a write that writePlaceOf left open: the bot's DM or one of Rewind's channels, by a member of the
   * incident channel.
   */
  async checkWriter(client: WebClient, userId: string, channelId: string): Promise<ReadVerdict> {
    return this.check(client, userId, channelId.startsWith('D') ? channelId : null);
  }

  /** The verdict for a DM (placeOf answered null): the bot's DM, and the person in the incident channel. */
  async checkDm(client: WebClient, userId: string, channelId: string): Promise<ReadVerdict> {
    return this.check(client, userId, channelId);
  }

  /** `dm`: the DM the command came from, which must be the bot's with this person; null: a channel of Rewind's. */
  private async check(client: WebClient, userId: string, dm: string | null): Promise<ReadVerdict> {
    try {
      if (dm !== null && (await this.dmOf(client, userId)) !== dm) return { kind: 'elsewhere' };
      const members = await this.incidentMembers(client);
      if (members.ids.has(userId)) return { kind: 'full' };
      return members.complete ? { kind: 'not_member' } : { kind: 'unchecked', why: 'too_many_members' };
    } catch (err) {
      const why = errorFields(err);
      this.o.log.warn(
        { component: 'read-scope', ...why },
        'could not check incident channel membership; the command was not answered in full',
      );
      return { kind: 'unchecked', why };
    }
  }

  private async dmOf(client: WebClient, userId: string): Promise<string> {
    const now = this.o.clock.now();
    const hit = this.dms.get(userId);
    if (hit && now - hit.at < this.ttlMs) return hit.channel;
    const opened = await client.conversations.open({ users: userId, return_im: false });
    const channel = opened.channel?.id;
    if (typeof channel !== 'string') throw new Error('conversations.open answered without a channel');
    this.dms.delete(userId);
    this.dms.set(userId, { channel, at: now });
    // A Map iterates in insertion order: the first key is the one remembered longest.
    while (this.dms.size > this.maxDms) this.dms.delete(this.dms.keys().next().value as string);
    return channel;
  }

  private async incidentMembers(client: WebClient): Promise<Members> {
    if (this.members && this.o.clock.now() - this.members.at < this.ttlMs) return this.members;
    this.reading ??= this.readMembers(client).finally(() => (this.reading = null));
    return this.reading;
  }

  private async readMembers(client: WebClient): Promise<Members> {
    const ids = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < this.maxPages; page += 1) {
      const answer = await client.conversations.members({
        channel: this.o.incidentChannel,
        limit: PAGE,
        ...(cursor ? { cursor } : {}),
      });
      if (!Array.isArray(answer.members)) throw new Error('conversations.members answered without members');
      for (const id of answer.members) ids.add(id);
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!cursor) {
        this.members = { ids, complete: true, at: this.o.clock.now() };
        return this.members;
      }
    }
    this.members = { ids, complete: false, at: this.o.clock.now() };
    return this.members;
  }
}
