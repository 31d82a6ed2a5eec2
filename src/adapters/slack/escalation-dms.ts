/**
 * The direct messages of an escalation level: user groups expanded to their people when the level's
 * outbox message is sent, one keyed DM queued per person (a second run after a crash adds none).
 *
 * A level must never wait on one bad entry of its `notify` list, nor fail quietly:
 * - a group Slack cannot list for now (a timeout, a 5xx, a rate limit) holds this level's message,
 *   which is tried again; the people already known are messaged meanwhile;
 * - a group Slack will never list (`no_such_subteam`, `missing_scope`, …: the outbox sender's
 *   undeliverable codes) is said in the incident thread, naming the group, the reason and the
 *   config key to fix, and the level's message is given up as undeliverable (logged and counted)
 *   instead of being retried for hours while the seniors are never paged;
 * - a DM Slack refuses for good (`user_not_found`, …) is said in the thread the same way
 *   (`dmUndeliverableNote`, called by the presenter when the sender gives the DM up).
 */
import type { WebClient } from '@slack/web-api';
import type { UserGroupDirectory } from '../../services/ports.ts';
import type { Queries } from '../../services/queries.ts';
import { escapeMrkdwn } from './blocks/format.ts';
import { escalationDmText } from './blocks/notes.ts';
import { ESCALATION_DELIVERY_STRINGS } from './i18n/escalation.ts';
import type { Locale } from './i18n/locale.ts';
import { UndeliverableError, isUndeliverable, slackErrorCode } from './outbox-sender.ts';

/** One firing of a level, as its outbox message keeps it. */
export interface EscalationFiring {
  incidentId: string;
  level: number;
  label: string;
  notify: string[];
  /** Names this firing: the keys of its DMs and notes derive from it. */
  key: string;
}

/** Whose level a DM belongs to, kept with the DM so a refusal can be told in the right thread. */
export interface DmAbout {
  incidentId: string;
  level: number;
  label: string;
}

export interface EscalationDmOptions {
  client: WebClient;
  directory: UserGroupDirectory;
  queries: Queries;
  locale: Locale;
  /** Queues a DM (keyed: queued once per key). */
  dm(user: string, text: string, dedupKey: string, about: DmAbout): void;
  /** Queues a note in the incident's thread (keyed). */
  note(incidentId: string, text: string, dedupKey: string): void;
}

/** The config key of a level's people. Levels are numbered in config order (the schema keeps them in order of time). */
export const notifyPath = (level: number): string => `escalation.levels[${level - 1}].notify`;

/** Slack's codes are snake_case words; anything else is not repeated into a message. */
const shownCode = (code: string): string => (/^[a-z0-9_]{1,64}$/.test(code) ? code : 'error');

export async function expandEscalation(o: EscalationDmOptions, p: EscalationFiring): Promise<void> {
  const people = new Set<string>();
  const unreadable: Array<{ group: string; code: string }> = [];
  let later: unknown = null;
  for (const id of p.notify) {
    if (!id.startsWith('S')) {
      people.add(id);
      continue;
    }
    try {
      for (const member of await o.directory.members(id)) people.add(member);
    } catch (err) {
      const code = slackErrorCode(err);
      if (isUndeliverable(code)) unreadable.push({ group: id, code });
      else later ??= err;
    }
  }
  // The head message is the incident queue's to post: reaching people must not depend on the
  // incident channel (a DM still goes out when the channel refuses posts, just without a link).
  const snapshot = o.queries.incident(p.incidentId);
  const head =
    snapshot?.incident.slackChannel && snapshot.incident.slackTs
      ? { channel: snapshot.incident.slackChannel, ts: snapshot.incident.slackTs }
      : null;
  const link = head
    ? ((await o.client.chat.getPermalink({ channel: head.channel, message_ts: head.ts }).catch(() => null))
        ?.permalink ?? null)
    : null;
  const text = escalationDmText(
    p.incidentId,
    snapshot?.incident.service ?? '?',
    p.label,
    link,
    o.locale,
    snapshot?.incident.drill ?? false,
  );
  const about: DmAbout = { incidentId: p.incidentId, level: p.level, label: p.label };
  for (const user of people) o.dm(user, text, `${p.key}:dm:${user}`, about);

  const s = ESCALATION_DELIVERY_STRINGS[o.locale];
  for (const { group, code } of unreadable) {
    o.note(
      p.incidentId,
      s.groupUnreadable(p.level, escapeMrkdwn(p.label), escapeMrkdwn(group), shownCode(code), notifyPath(p.level)),
      `${p.key}:unreadable:${group}`,
    );
  }
  // A group that may answer later keeps the message waiting; the DMs and notes above are keyed,
  // so the next attempt queues only what is new.
  if (later !== null) throw later;
  const [refused] = unreadable;
  if (refused) {
    const groups = unreadable.map((u) => `${u.group} (${u.code})`).join(', ');
    throw new UndeliverableError(
      refused.code,
      `escalation level ${p.level} of ${p.incidentId}: user groups Slack will not list: ${groups}`,
    );
  }
}

/** The thread note for an escalation DM that Slack gave up on. */
export function dmUndeliverableNote(locale: Locale, about: DmAbout, user: string, code: string): string {
  return ESCALATION_DELIVERY_STRINGS[locale].dmUndeliverable(
    about.level,
    escapeMrkdwn(about.label),
    escapeMrkdwn(user),
    shownCode(code),
    notifyPath(about.level),
  );
}
