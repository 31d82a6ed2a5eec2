/**
 * Answering a read command only where it may be read (../read-scope.ts). The answer is built only
 * once the place is allowed, so nothing of it is computed — or can leak — anywhere else.
 */
import type { RespondFn } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { READ_SCOPE_STRINGS } from '../../i18n/read-scope.ts';
import type { SlashCommand } from '../../payloads.ts';
import type { ListenerDeps } from '../context.ts';
import type { ReadScope, ReadTopic, ReadVerdict } from '../read-scope.ts';

export interface ReadAnswer {
  text: string;
  blocks?: KnownBlock[];
}

type Ephemeral = { response_type: 'ephemeral'; text: string; blocks?: KnownBlock[] };

export interface ReadRequest {
  command: SlashCommand;
  ack: (response?: Ephemeral) => Promise<void>;
  respond: RespondFn;
  client: WebClient;
  topic: ReadTopic;
}

export async function answerRead(
  d: ListenerDeps,
  scope: ReadScope,
  r: ReadRequest,
  answer: () => ReadAnswer | Promise<ReadAnswer>,
): Promise<void> {
  const place = scope.placeOf(r.command.channelId);
  if (place) return r.ack(await reply(d, place, r.topic, answer));
  // A DM is checked with Slack, which may take longer than the 3 s Slack waits for the ack: the
  // answer goes to the command's response_url instead.
  await r.ack();
  const verdict = await scope.checkDm(r.client, r.command.userId, r.command.channelId);
  await r.respond(await reply(d, verdict, r.topic, answer));
}

async function reply(
  d: ListenerDeps,
  verdict: ReadVerdict,
  topic: ReadTopic,
  answer: () => ReadAnswer | Promise<ReadAnswer>,
): Promise<Ephemeral> {
  if (verdict.kind === 'full') {
    const a = await answer();
    return { response_type: 'ephemeral', text: a.text, ...(a.blocks ? { blocks: a.blocks } : {}) };
  }
  return { response_type: 'ephemeral', text: notHereText(d, verdict, topic) };
}

/** Where to look instead, or why a DM gets no answer; never anything of the answer itself. */
export function notHereText(
  d: ListenerDeps,
  verdict: Exclude<ReadVerdict, { kind: 'full' }>,
  topic: ReadTopic,
): string {
  const s = READ_SCOPE_STRINGS[d.locale];
  const { incidentChannel, drillChannel } = d.config.slack;
  const incidents = `<#${incidentChannel}>`;
  switch (verdict.kind) {
    case 'elsewhere':
      return topic === 'drills' ? s.elsewhere.drills(`<#${drillChannel}>`) : s.elsewhere.incidents(incidents);
    case 'not_member':
      return s.notMember(incidents);
    case 'unchecked':
      return s.unchecked(incidents, uncheckedWhy(d, verdict.why));
  }
}

/** Why Slack could not say whether someone is in the incident channel, in a few words. */
export function uncheckedWhy(d: ListenerDeps, why: Extract<ReadVerdict, { kind: 'unchecked' }>['why']): string {
  const s = READ_SCOPE_STRINGS[d.locale];
  if (why === 'too_many_members') return s.tooManyMembers;
  // Slack's codes are snake_case words; anything else is not repeated into the message.
  if (why.slackError !== undefined)
    return s.slackSaid(/^[a-z0-9_]{1,64}$/.test(why.slackError) ? why.slackError : 'unknown_error');
  if (why.status !== undefined) return s.httpStatus(why.status);
  return s.unreachable;
}
