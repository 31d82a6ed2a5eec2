/**
 * The workspace as the page shows it, rebuilt from what reached the Slack stand-in: every call the
 * bot made (messages posted and updated in place, thread replies, ephemerals, views opened and
 * published), every post to a response_url, and what the relay saw come back in the bot's HTTP
 * answers (a slash command's ephemeral reply, a modal's errors). Nothing here asks the bot: what
 * the page shows is only what Slack would have been told.
 */
import type { SlackApiStandIn, SlackCall } from '../demo/stand-ins/slack-api.ts';
import { PEOPLE } from './people.ts';

export interface FeedMessage {
  /** Unique on the page: channel and ts, or `e<seq>` for an ephemeral. */
  id: string;
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks?: unknown[];
  edited: boolean;
  /** Virtual epoch ms at which the page first saw it. */
  at: number;
  seq: number;
  /** Set on an ephemeral: the only person who sees it. */
  ephemeralFor?: string;
}

export interface FeedChannel {
  id: string;
  /** The person at the other end of a direct message with the bot. */
  dmWith?: string;
  messages: FeedMessage[];
  /** Thread replies by the parent's ts. */
  threads: Record<string, FeedMessage[]>;
}

export interface FeedModal {
  viewId: string;
  view: Record<string, unknown>;
  errors?: Record<string, string>;
  /** How many submissions the bot answered with errors: the same errors twice are still a new answer. */
  answers?: number;
}

export interface FeedState {
  channels: FeedChannel[];
  ephemerals: FeedMessage[];
  modals: Record<string, FeedModal>;
  homes: Record<string, unknown[]>;
}

/** What the relay noticed in the bot's answers and in the visitor's own gestures. */
export type RelayNote =
  | { type: 'ephemeral'; user: string; channel: string; threadTs?: string; text: string; blocks?: unknown[] }
  | { type: 'trigger'; triggerId: string; user: string }
  | { type: 'response-url'; id: string; user: string; channel: string; threadTs?: string }
  | { type: 'modal-errors'; user: string; errors: Record<string, string> }
  | { type: 'modal-closed'; user: string };

export class Feed {
  private readonly channels = new Map<string, FeedChannel>();
  private readonly byTs = new Map<string, FeedMessage>();
  private readonly ephemerals: FeedMessage[] = [];
  private readonly modals: Record<string, FeedModal> = {};
  private readonly homes: Record<string, unknown[]> = {};
  private readonly triggers = new Map<string, string>();
  private readonly responseUrls = new Map<string, { user: string; channel: string; threadTs?: string }>();
  readonly notes: RelayNote[] = [];
  private seen = { calls: 0, responses: 0, notes: 0 };
  private seq = 0;

  constructor(
    private readonly slack: SlackApiStandIn,
    private readonly answers: WeakMap<SlackCall, Record<string, unknown>>,
    private readonly now: () => number,
  ) {}

  note(n: RelayNote): void {
    this.notes.push(n);
  }

  /** Takes in what arrived since the last call; true when anything did. */
  refresh(): boolean {
    const { calls, responses } = this.slack;
    const before = this.seq;
    // Relay notes first: a trigger id must be known before the views.open that names it.
    for (const n of this.notes.slice(this.seen.notes)) this.takeNote(n);
    for (const c of calls.slice(this.seen.calls)) this.takeCall(c);
    for (const r of responses.slice(this.seen.responses)) {
      const where = this.responseUrls.get(r.id);
      if (where) this.addEphemeral(where.user, where.channel, r.body, where.threadTs);
    }
    this.seen = { calls: calls.length, responses: responses.length, notes: this.notes.length };
    return this.seq !== before;
  }

  /** The sequence number of the newest thing taken in: a page loaded now has seen everything up to it. */
  get latest(): number {
    return this.seq;
  }

  state(): FeedState {
    return {
      channels: [...this.channels.values()],
      ephemerals: this.ephemerals,
      modals: this.modals,
      homes: this.homes,
    };
  }

  /** The blocks of a message, as Slack sends them with a click on it. */
  blocksOf(channel: string, ts: string): unknown[] | undefined {
    return this.byTs.get(`${channel}:${ts}`)?.blocks;
  }

  modalOf(user: string): FeedModal | undefined {
    return this.modals[user];
  }

  private takeNote(n: RelayNote): void {
    this.seq++;
    switch (n.type) {
      case 'trigger':
        this.triggers.set(n.triggerId, n.user);
        return;
      case 'response-url':
        this.responseUrls.set(n.id, {
          user: n.user,
          channel: n.channel,
          ...(n.threadTs ? { threadTs: n.threadTs } : {}),
        });
        return;
      case 'ephemeral':
        return this.addEphemeral(n.user, n.channel, { text: n.text, blocks: n.blocks }, n.threadTs);
      case 'modal-errors': {
        const modal = this.modals[n.user];
        if (modal) Object.assign(modal, { errors: n.errors, answers: (modal.answers ?? 0) + 1 });
        return;
      }
      case 'modal-closed':
        delete this.modals[n.user];
        return;
    }
  }

  private takeCall(call: SlackCall): void {
    const a = call.args;
    const answer = this.answers.get(call) ?? {};
    switch (call.method) {
      case 'chat.postMessage':
        return this.post(String(a.channel), String(answer.ts ?? ''), a);
      case 'chat.update': {
        const m = this.byTs.get(`${String(a.channel)}:${String(a.ts)}`);
        if (!m) return;
        m.text = String(a.text ?? '');
        m.blocks = Array.isArray(a.blocks) ? a.blocks : undefined;
        m.edited = true;
        this.seq++;
        return;
      }
      case 'chat.postEphemeral':
        return this.addEphemeral(String(a.user), String(a.channel), a, a.thread_ts ? String(a.thread_ts) : undefined);
      case 'views.open': {
        const user = this.triggers.get(String(a.trigger_id));
        const view = answer.view as Record<string, unknown> | undefined;
        if (!user || !view) return;
        this.modals[user] = { viewId: String(view.id), view };
        this.seq++;
        return;
      }
      case 'views.update': {
        const entry = Object.entries(this.modals).find(([, m]) => m.viewId === String(a.view_id));
        if (entry) entry[1].view = { ...(a.view as Record<string, unknown>), id: entry[1].viewId };
        this.seq++;
        return;
      }
      case 'files.completeUploadExternal': {
        // A file shared into a channel or thread (the RCA draft): a message with its name and content.
        for (const f of (a.files ?? []) as Array<{ id: string; title?: string }>) {
          const content = this.slack.uploads.get(f.id) ?? '';
          this.post(String(a.channel_id ?? ''), `file-${f.id}`, {
            ...(a.thread_ts ? { thread_ts: a.thread_ts } : {}),
            text: `📎 *${f.title ?? f.id}*\n\`\`\`${content}\`\`\``,
          });
        }
        return;
      }
      case 'views.publish': {
        const view = a.view as { blocks?: unknown[] } | undefined;
        this.homes[String(a.user_id)] = view?.blocks ?? [];
        this.seq++;
        return;
      }
      default:
        return;
    }
  }

  private channel(id: string): FeedChannel {
    let c = this.channels.get(id);
    if (!c) {
      // A direct message's id is D0 followed by the person's (the stand-in's conversations.open).
      const dmWith = PEOPLE.find((p) => id === `D0${p.id}`)?.id;
      c = { id, ...(dmWith ? { dmWith } : {}), messages: [], threads: {} };
      this.channels.set(id, c);
    }
    return c;
  }

  private post(channelId: string, ts: string, a: Record<string, unknown>): void {
    const channel = this.channel(channelId);
    const threadTs = a.thread_ts ? String(a.thread_ts) : undefined;
    const m: FeedMessage = {
      id: `${channelId}:${ts}`,
      channel: channelId,
      ts,
      ...(threadTs ? { threadTs } : {}),
      text: String(a.text ?? ''),
      ...(Array.isArray(a.blocks) ? { blocks: a.blocks } : {}),
      edited: false,
      at: this.now(),
      seq: ++this.seq,
    };
    this.byTs.set(m.id, m);
    if (threadTs) (channel.threads[threadTs] ??= []).push(m);
    else channel.messages.push(m);
  }

  private addEphemeral(user: string, channel: string, body: Record<string, unknown>, threadTs?: string): void {
    const seq = ++this.seq;
    this.ephemerals.push({
      id: `e${seq}`,
      channel,
      ts: '',
      ...(threadTs ? { threadTs } : {}),
      text: String(body.text ?? ''),
      ...(Array.isArray(body.blocks) ? { blocks: body.blocks } : {}),
      edited: false,
      at: this.now(),
      seq,
      ephemeralFor: user,
    });
  }
}
