/**
 * What Slack sends to an app, built the way Slack builds it: signed HTTP requests (v0 signature over
 * `v0:timestamp:body`), slash-command form bodies, interaction payloads (`payload=<json>`) and
 * Events API callbacks. The shapes follow Slack's reference pages for slash commands,
 * block_actions, view_submission and event_callback, so a listener tested against them reads the
 * same fields it will read in production.
 *
 * Identifiers default to one fictional workspace that matches the Web API stand-in's `auth.test`
 * (team T0TEST, bot U0REWIND / B0REWIND) and the Socket Mode stand-in's app (A0REWIND).
 */
import { createHmac, randomBytes } from 'node:crypto';

export const TEAM = { id: 'T0TEST', domain: 'rewind-test' } as const;
export const APP_ID = 'A0REWIND';
export const BOT = { userId: 'U0REWIND', botId: 'B0REWIND' } as const;
/** Deprecated verification token; Slack still sends one, Bolt ignores it. */
const VERIFICATION_TOKEN = 'vErIfIcAtIoNtOkEn00000000';
/**
 * Default `response_url`: a closed local port, so a test that forgets to pass the stand-in's
 * `responseUrl()` fails fast on respond() instead of reaching Slack.
 */
const UNROUTED_RESPONSE_URL = 'http://127.0.0.1:9/hooks/unrouted';

export interface SignedHeaders {
  'x-slack-request-timestamp': string;
  'x-slack-signature': string;
  'content-type': string;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret. */
export function signature(secret: string, body: string, timestamp: number): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/**
 * Headers of a signed Slack request. Content type follows the body: Events API callbacks are
 * JSON, commands and interactions are form-encoded (Bolt parses the form only for exactly
 * `application/x-www-form-urlencoded`, without a charset).
 */
export function signRequest(secret: string, body: string, timestamp: number = nowSeconds()): SignedHeaders {
  return {
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signature(secret, body, timestamp),
    'content-type': body.trimStart().startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded',
  };
}

function triggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e12)}.${randomBytes(16).toString('hex')}`;
}

function actionTs(): string {
  return (Date.now() / 1000).toFixed(6);
}

// --- slash commands -------------------------------------------------------------------------

export interface SlashCommandFields {
  command: string;
  text: string;
  user_id: string;
  user_name?: string;
  channel_id?: string;
  channel_name?: string;
  team_id?: string;
  trigger_id?: string;
  response_url?: string;
}

/** Every field Slack sends with a slash command, as an object (Socket Mode's `slash_commands` payload). */
export function slashCommandPayload(fields: SlashCommandFields): Record<string, string> {
  const teamId = fields.team_id ?? TEAM.id;
  return {
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    team_domain: teamId === TEAM.id ? TEAM.domain : teamId.toLowerCase(),
    channel_id: fields.channel_id ?? 'C0INCIDENT',
    channel_name: fields.channel_name ?? 'incident',
    user_id: fields.user_id,
    user_name: fields.user_name ?? fields.user_id.toLowerCase(),
    command: fields.command,
    text: fields.text,
    api_app_id: APP_ID,
    is_enterprise_install: 'false',
    response_url: fields.response_url ?? UNROUTED_RESPONSE_URL,
    trigger_id: fields.trigger_id ?? triggerId(),
  };
}

/** The form-encoded body of a slash command request (HTTP mode). */
export function slashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams(slashCommandPayload(fields)).toString();
}

// --- interactions ---------------------------------------------------------------------------

/** The form body Slack posts for any interaction: one field, `payload`, holding the JSON. */
export function interactionBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A user as the builders accept it: an ID, or an ID with the display handle. */
export type UserRef = string | { id: string; name?: string };

function userOf(ref: UserRef, teamId: string) {
  const id = typeof ref === 'string' ? ref : ref.id;
  const name = (typeof ref === 'string' ? undefined : ref.name) ?? id.toLowerCase();
  return { id, username: name, name, team_id: teamId };
}

/** One entry of `view.state.values[blockId][actionId]`, as Slack reports input and select state. */
export interface StateValue {
  type: string;
  value?: string | null;
  selected_option?: { text: { type: 'plain_text'; text: string; emoji?: boolean }; value: string } | null;
  [key: string]: unknown;
}

export type StateValues = Record<string, Record<string, StateValue>>;

/** A static_select state entry, the way the head message's judgment-matrix selects report it. */
export function selectState(value: string, text: string = value): StateValue {
  return { type: 'static_select', selected_option: { text: { type: 'plain_text', text, emoji: true }, value } };
}

/** A plain_text_input state entry. */
export function textInputState(value: string | null): StateValue {
  return { type: 'plain_text_input', value };
}

export interface BlockActionsOptions {
  user: UserRef;
  actionId: string;
  /** Button value. Ignored when `selectedOption` is given. */
  value?: string;
  /** Makes the action a static_select choice instead of a button click. */
  selectedOption?: { text: string; value: string };
  /** Makes the action a checkboxes change: the values now ticked in that element. */
  checked?: string[];
  blockId?: string;
  /** Button label (buttons carry their `text` in the payload). */
  text?: string;
  channel: string;
  channelName?: string;
  messageTs: string;
  /** Set when the clicked message is a thread reply. */
  threadTs?: string;
  messageText?: string;
  /** The clicked message's blocks, for listeners that rebuild the message from them. */
  messageBlocks?: unknown[];
  /** State of every stateful element in the message (Slack sends it with every block_actions). */
  state?: StateValues;
  triggerId?: string;
  actionTs?: string;
  responseUrl?: string;
  teamId?: string;
}

/** A `block_actions` payload for a click on a message in a channel. */
export function blockActionsPayload(o: BlockActionsOptions): Record<string, unknown> {
  const teamId = o.teamId ?? TEAM.id;
  const blockId = o.blockId ?? 'actions';
  const ts = o.actionTs ?? actionTs();
  const action = o.checked
    ? {
        type: 'checkboxes',
        action_id: o.actionId,
        block_id: blockId,
        selected_options: o.checked.map((value) => ({ text: { type: 'plain_text', text: value, emoji: true }, value })),
        action_ts: ts,
      }
    : o.selectedOption
      ? {
          type: 'static_select',
          action_id: o.actionId,
          block_id: blockId,
          selected_option: {
            text: { type: 'plain_text', text: o.selectedOption.text, emoji: true },
            value: o.selectedOption.value,
          },
          placeholder: { type: 'plain_text', text: 'Select', emoji: true },
          action_ts: ts,
        }
      : {
          type: 'button',
          action_id: o.actionId,
          block_id: blockId,
          text: { type: 'plain_text', text: o.text ?? o.actionId, emoji: true },
          value: o.value ?? '',
          action_ts: ts,
        };
  const threadPart = o.threadTs ? { thread_ts: o.threadTs } : {};
  return {
    type: 'block_actions',
    user: userOf(o.user, teamId),
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: o.messageTs, channel_id: o.channel, is_ephemeral: false, ...threadPart },
    trigger_id: o.triggerId ?? triggerId(),
    team: { id: teamId, domain: teamId === TEAM.id ? TEAM.domain : teamId.toLowerCase() },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: o.channel, name: o.channelName ?? 'incident' },
    message: {
      type: 'message',
      subtype: 'bot_message',
      text: o.messageText ?? '',
      ts: o.messageTs,
      bot_id: BOT.botId,
      user: BOT.userId,
      app_id: APP_ID,
      team: teamId,
      blocks: o.messageBlocks ?? [],
      ...threadPart,
    },
    state: { values: o.state ?? {} },
    response_url: o.responseUrl ?? UNROUTED_RESPONSE_URL,
    actions: [action],
  };
}

export interface ViewSubmissionOptions {
  user: UserRef;
  callbackId: string;
  privateMetadata: string;
  values?: StateValues;
  viewId?: string;
  triggerId?: string;
  title?: string;
  blocks?: unknown[];
  teamId?: string;
}

/** A `view_submission` payload for a modal the app opened. */
export function viewSubmissionPayload(o: ViewSubmissionOptions): Record<string, unknown> {
  const teamId = o.teamId ?? TEAM.id;
  const viewId = o.viewId ?? `V0${randomBytes(4).toString('hex').toUpperCase()}`;
  return {
    type: 'view_submission',
    team: { id: teamId, domain: teamId === TEAM.id ? TEAM.domain : teamId.toLowerCase() },
    user: userOf(o.user, teamId),
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: o.triggerId ?? triggerId(),
    view: {
      id: viewId,
      team_id: teamId,
      type: 'modal',
      blocks: o.blocks ?? [],
      private_metadata: o.privateMetadata,
      callback_id: o.callbackId,
      state: { values: o.values ?? {} },
      hash: `${nowSeconds()}.${randomBytes(4).toString('hex')}`,
      title: { type: 'plain_text', text: o.title ?? 'Rewind', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: { type: 'plain_text', text: 'Cancel', emoji: true },
      submit: { type: 'plain_text', text: 'Submit', emoji: true },
      previous_view_id: null,
      root_view_id: viewId,
      app_id: APP_ID,
      external_id: '',
      app_installed_team_id: teamId,
      bot_id: BOT.botId,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

// --- Events API -----------------------------------------------------------------------------

export interface EventCallbackOptions {
  event: Record<string, unknown> & { type: string };
  eventId?: string;
  teamId?: string;
  eventTime?: number;
}

/** An Events API `event_callback` envelope (Socket Mode's `events_api` payload). */
export function eventCallbackPayload(o: EventCallbackOptions): Record<string, unknown> {
  const teamId = o.teamId ?? TEAM.id;
  return {
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    api_app_id: APP_ID,
    event: o.event,
    type: 'event_callback',
    event_id: o.eventId ?? `Ev0${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: o.eventTime ?? nowSeconds(),
    authorizations: [
      { enterprise_id: null, team_id: teamId, user_id: BOT.userId, is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(12).toString('base64url')}`,
  };
}

/** The JSON body of an Events API request (HTTP mode). */
export function eventCallbackBody(o: EventCallbackOptions): string {
  return JSON.stringify(eventCallbackPayload(o));
}

/** An `app_home_opened` event for the Home tab (the App Home DM channel is a `D…` ID). */
export function appHomeOpenedEvent(
  user: string,
  { channel = 'D0APPHOME', tab = 'home' }: { channel?: string; tab?: 'home' | 'messages' } = {},
): Record<string, unknown> & { type: string } {
  return { type: 'app_home_opened', user, channel, tab, event_ts: actionTs() };
}

// --- sending --------------------------------------------------------------------------------

export interface PostSignedOptions {
  secret: string;
  timestamp?: number;
  /** Sends `x-slack-retry-num` (and `x-slack-retry-reason`), as Slack does on a redelivery. */
  retryNum?: number;
  retryReason?: string;
  /** Replaces the computed signature, to forge a request. */
  signature?: string;
}

/** POSTs `body` to `url` signed with `secret`, the way Slack delivers to a Request URL. */
export function postSigned(url: string, body: string, o: PostSignedOptions): Promise<Response> {
  const headers: Record<string, string> = { ...signRequest(o.secret, body, o.timestamp ?? nowSeconds()) };
  if (o.signature !== undefined) headers['x-slack-signature'] = o.signature;
  if (o.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(o.retryNum);
    headers['x-slack-retry-reason'] = o.retryReason ?? 'http_timeout';
  }
  return fetch(url, { method: 'POST', headers, body });
}
