/**
 * The page's gestures as Slack delivers them: each slash command, click, select, checkbox, modal
 * submission and Home-tab visit becomes the request Slack would send (slack-signing.ts builds the
 * same payloads the tests use), signed with the app's signing secret and POSTed to the bot's real
 * receiver. What comes back in the HTTP answer is what Slack would show: a slash command's reply
 * to its sender only, a modal's errors, or the modal closed.
 */
import {
  appHomeOpenedEvent,
  blockActionsPayload,
  eventCallbackBody,
  interactionBody,
  postSigned,
  slashCommandBody,
  viewSubmissionPayload,
  type StateValues,
} from '../demo/stand-ins/slack-signing.ts';
import type { Feed } from './feed.ts';
import { PEOPLE } from './people.ts';
import { SIGNING_SECRET, type Session } from './session.ts';

export type Gesture =
  | { kind: 'command'; user: string; channel: string; command: string; text: string }
  | {
      kind: 'action';
      user: string;
      channel: string;
      messageTs: string;
      threadTs?: string;
      actionId: string;
      blockId: string;
      text?: string;
      value?: string;
      selected?: { value: string; text: string };
      checked?: string[];
      state?: StateValues;
    }
  | { kind: 'submit'; user: string; values: StateValues }
  | { kind: 'close'; user: string }
  | { kind: 'home'; user: string };

/** A gesture the page may not make, said in one line; nothing is sent. */
export class GestureError extends Error {}

const COMMANDS = ['/rollback', '/incident', '/drill'];
let counter = 0;

export async function relay(session: Session, feed: Feed, g: Gesture): Promise<{ status: number }> {
  if (!PEOPLE.some((p) => p.actor && p.id === g.user)) throw new GestureError(`nobody called ${g.user} can act here`);
  // Closing a modal is the Slack client's own business: the bot's views ask for no view_closed, so
  // nothing is sent and a modal closes whether the bot is up or not.
  if (g.kind === 'close') {
    feed.note({ type: 'modal-closed', user: g.user });
    return { status: 200 };
  }
  if (session.bot.state !== 'running')
    throw new GestureError(`the bot is ${session.bot.state}: Slack would retry, then give up`);
  const url = session.eventsUrl;
  const sign = (body: string) => postSigned(url, body, { secret: SIGNING_SECRET });
  switch (g.kind) {
    case 'command': {
      if (!COMMANDS.includes(g.command))
        throw new GestureError(`${g.command} is not a command of this app (it has ${COMMANDS.join(', ')})`);
      const id = `cmd-${++counter}`;
      feed.note({ type: 'response-url', id, user: g.user, channel: g.channel });
      const triggerId = trigger(feed, g.user);
      const res = await sign(
        slashCommandBody({
          user_id: g.user,
          command: g.command,
          text: g.text,
          channel_id: g.channel,
          response_url: session.slack.responseUrl(id),
          trigger_id: triggerId,
        }),
      );
      const ack = await answerOf(res);
      if (typeof ack.text === 'string' || Array.isArray(ack.blocks))
        feed.note({
          type: 'ephemeral',
          user: g.user,
          channel: g.channel,
          text: String(ack.text ?? ''),
          ...(Array.isArray(ack.blocks) ? { blocks: ack.blocks } : {}),
        });
      return { status: res.status };
    }
    case 'action': {
      const id = `act-${++counter}`;
      feed.note({
        type: 'response-url',
        id,
        user: g.user,
        channel: g.channel,
        ...(g.threadTs ? { threadTs: g.threadTs } : {}),
      });
      const res = await sign(
        interactionBody(
          blockActionsPayload({
            user: g.user,
            actionId: g.actionId,
            blockId: g.blockId,
            channel: g.channel,
            messageTs: g.messageTs,
            ...(g.threadTs ? { threadTs: g.threadTs } : {}),
            ...(g.text ? { text: g.text } : {}),
            ...(g.value !== undefined ? { value: g.value } : {}),
            ...(g.selected ? { selectedOption: g.selected } : {}),
            ...(g.checked ? { checked: g.checked } : {}),
            messageBlocks: feed.blocksOf(g.channel, g.messageTs) ?? [],
            state: g.state ?? {},
            responseUrl: session.slack.responseUrl(id),
            triggerId: trigger(feed, g.user),
          }),
        ),
      );
      await res.text();
      return { status: res.status };
    }
    case 'submit': {
      const modal = feed.modalOf(g.user);
      if (!modal) throw new GestureError(`${g.user} has no dialog open`);
      const view = modal.view as { callback_id?: string; private_metadata?: string; blocks?: unknown[] };
      const res = await sign(
        interactionBody(
          viewSubmissionPayload({
            user: g.user,
            callbackId: String(view.callback_id ?? ''),
            privateMetadata: String(view.private_metadata ?? ''),
            values: g.values,
            viewId: modal.viewId,
            blocks: view.blocks ?? [],
            triggerId: trigger(feed, g.user),
          }),
        ),
      );
      const ack = await answerOf(res);
      if (ack.response_action === 'errors')
        feed.note({ type: 'modal-errors', user: g.user, errors: ack.errors as Record<string, string> });
      else if (res.status === 200) feed.note({ type: 'modal-closed', user: g.user });
      return { status: res.status };
    }
    case 'home': {
      const res = await sign(eventCallbackBody({ event: appHomeOpenedEvent(g.user, { channel: `D0${g.user}` }) }));
      await res.text();
      return { status: res.status };
    }
  }
}

/** A fresh trigger id, remembered as this person's so the dialog it opens is shown to them. */
function trigger(feed: Feed, user: string): string {
  const triggerId = `${Date.now()}.${++counter}.playground`;
  feed.note({ type: 'trigger', triggerId, user });
  return triggerId;
}

async function answerOf(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (!text.trim().startsWith('{')) return text.trim() ? { text } : {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}
