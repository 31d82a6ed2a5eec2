/**
 * Proves the Slack harness against a real Bolt App: the same listeners are reached through signed
 * HTTP requests (HTTPReceiver) and through Socket Mode envelopes (SocketModeReceiver), and what
 * they send back to Slack is recorded by the Web API stand-in.
 */
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ACTION, COMMAND, VIEW } from '../../../src/adapters/slack/ids.ts';
import { SlackApiStandIn } from '../../support/slack-api.ts';
import {
  appHomeOpenedEvent,
  blockActionsPayload,
  eventCallbackBody,
  eventCallbackPayload,
  interactionBody,
  nowSeconds,
  postSigned,
  slashCommandBody,
  slashCommandPayload,
  textInputState,
  viewSubmissionPayload,
} from '../../support/slack-signing.ts';
import { SocketModeStandIn } from '../../support/socket-mode.ts';

const SECRET = 'harness-signing-secret';
const APP_TOKEN = 'xapp-1-A0REWIND-1-harness';

interface Seen {
  commands: Array<{ text: string; user: string }>;
  clicks: Array<{ actionId: string; value: string; user: string }>;
  submissions: Array<{ callbackId: string; metadata: string; reason: string | null | undefined }>;
  homes: Array<{ user: string; retryNum: number | undefined; retryReason: string | undefined }>;
}

/** A minimal Rewind-shaped app: one listener per kind of request the real app handles. */
function registerListeners(app: App, seen: Seen): void {
  app.command(COMMAND.rollback, async ({ command, ack, respond }) => {
    seen.commands.push({ text: command.text, user: command.user_id });
    await ack({ response_type: 'ephemeral', text: `rollback ${command.text}: accepted` });
    if (command.text.startsWith('status')) await respond({ response_type: 'ephemeral', text: 'status: all green' });
  });
  app.action<BlockAction<ButtonAction>>(ACTION.immediate, async ({ ack, body, action, client }) => {
    await ack();
    if (!body.channel || !body.message) throw new Error('a message button click carries its channel and message');
    seen.clicks.push({ actionId: action.action_id, value: action.value ?? '', user: body.user.id });
    await client.chat.postMessage({
      channel: body.channel.id,
      thread_ts: body.message.ts,
      text: `Immediate rollback of ${action.value} requested by <@${body.user.id}>`,
    });
  });
  app.action<BlockAction<StaticSelectAction>>(ACTION.userImpact, async ({ ack, action, body }) => {
    await ack();
    seen.clicks.push({ actionId: action.action_id, value: action.selected_option.value, user: body.user.id });
  });
  app.view(VIEW.confirmRollback, async ({ ack, view }) => {
    const reason = view.state.values.reason?.reason_input?.value;
    seen.submissions.push({ callbackId: view.callback_id, metadata: view.private_metadata, reason });
    if (!reason) {
      await ack({ response_action: 'errors', errors: { reason: 'A reason is required' } });
      return;
    }
    await ack();
  });
  app.event('app_home_opened', async ({ event, client, context }) => {
    seen.homes.push({ user: event.user, retryNum: context.retryNum, retryReason: context.retryReason });
    await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: [] } });
  });
}

function newSeen(): Seen {
  return { commands: [], clicks: [], submissions: [], homes: [] };
}

const appOptions = (api: SlackApiStandIn) => ({
  token: 'xoxb-test',
  botId: 'B0REWIND',
  botUserId: 'U0REWIND',
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: api.url, retryConfig: { retries: 0 } },
});

describe('HTTP mode: signed requests reach a real Bolt App', () => {
  let api: SlackApiStandIn;
  let app: App;
  let receiver: HTTPReceiver;
  let url: string;
  let seen: Seen;

  beforeEach(async () => {
    api = await new SlackApiStandIn().start();
    receiver = new HTTPReceiver({ signingSecret: SECRET, processBeforeResponse: true, logLevel: LogLevel.ERROR });
    app = new App({ ...appOptions(api), receiver });
    seen = newSeen();
    registerListeners(app, seen);
    const server = await receiver.start({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterEach(async () => {
    await app.stop();
    await api.stop();
  });

  it('runs the slash command listener and returns its ack; respond() lands on the stand-in', async () => {
    const responseUrl = api.responseUrl('cmd-1');
    const res = await postSigned(
      url,
      slashCommandBody({
        command: '/rollback',
        text: 'status chat-api',
        user_id: 'U0ALICE',
        response_url: responseUrl,
      }),
      { secret: SECRET },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ response_type: 'ephemeral', text: 'rollback status chat-api: accepted' });
    expect(seen.commands).toEqual([{ text: 'status chat-api', user: 'U0ALICE' }]);
    expect(api.responsesTo(responseUrl).map((r) => r.body)).toEqual([
      { response_type: 'ephemeral', text: 'status: all green' },
    ]);
    // botId and botUserId were given, so the app never called auth.test.
    expect(api.callsTo('auth.test')).toEqual([]);
  });

  it('refuses a forged signature with 401 and never runs the listener', async () => {
    const res = await postSigned(
      url,
      slashCommandBody({ command: '/rollback', text: 'immediate chat-api', user_id: 'U0MALLORY' }),
      { secret: SECRET, signature: `v0=${'0'.repeat(64)}` },
    );
    expect(res.status).toBe(401);
    const wrongSecret = await postSigned(
      url,
      slashCommandBody({ command: '/rollback', text: 'immediate chat-api', user_id: 'U0MALLORY' }),
      { secret: 'not-the-secret' },
    );
    expect(wrongSecret.status).toBe(401);
    expect(seen.commands).toEqual([]);
  });

  it('refuses a correctly signed request older than five minutes with 401', async () => {
    const res = await postSigned(
      url,
      slashCommandBody({ command: '/rollback', text: 'immediate chat-api', user_id: 'U0ALICE' }),
      { secret: SECRET, timestamp: nowSeconds() - 6 * 60 },
    );
    expect(res.status).toBe(401);
    expect(seen.commands).toEqual([]);
  });

  it('runs a button listener whose chat.postMessage replies in the clicked message thread', async () => {
    const payload = blockActionsPayload({
      user: 'U0ALICE',
      actionId: ACTION.immediate,
      value: 'INC-20250101-001',
      blockId: 'decisions',
      channel: 'C0INCIDENT',
      messageTs: '1700000000.000100',
    });
    const res = await postSigned(url, interactionBody(payload), { secret: SECRET });
    expect(res.status).toBe(200);
    expect(seen.clicks).toEqual([{ actionId: ACTION.immediate, value: 'INC-20250101-001', user: 'U0ALICE' }]);
    const [post] = api.callsTo('chat.postMessage');
    expect(post?.token).toBe('xoxb-test');
    expect(post?.args).toMatchObject({
      channel: 'C0INCIDENT',
      thread_ts: '1700000000.000100',
      text: 'Immediate rollback of INC-20250101-001 requested by <@U0ALICE>',
    });
  });

  it('runs a static_select listener with the selected option', async () => {
    const payload = blockActionsPayload({
      user: 'U0BOB',
      actionId: ACTION.userImpact,
      blockId: 'matrix',
      selectedOption: { text: 'Some users', value: 'partial' },
      channel: 'C0INCIDENT',
      messageTs: '1700000000.000100',
    });
    expect((await postSigned(url, interactionBody(payload), { secret: SECRET })).status).toBe(200);
    expect(seen.clicks).toEqual([{ actionId: ACTION.userImpact, value: 'partial', user: 'U0BOB' }]);
  });

  it('runs the view listener and returns its response_action in the HTTP body', async () => {
    const empty = viewSubmissionPayload({
      user: 'U0ALICE',
      callbackId: VIEW.confirmRollback,
      privateMetadata: 'INC-1',
      values: { reason: { reason_input: textInputState(null) } },
    });
    const refused = await postSigned(url, interactionBody(empty), { secret: SECRET });
    expect(await refused.json()).toEqual({ response_action: 'errors', errors: { reason: 'A reason is required' } });
    const filled = viewSubmissionPayload({
      user: 'U0ALICE',
      callbackId: VIEW.confirmRollback,
      privateMetadata: 'INC-1',
      values: { reason: { reason_input: textInputState('error rate 12%') } },
    });
    const accepted = await postSigned(url, interactionBody(filled), { secret: SECRET });
    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toBe('');
    expect(seen.submissions).toEqual([
      { callbackId: VIEW.confirmRollback, metadata: 'INC-1', reason: null },
      { callbackId: VIEW.confirmRollback, metadata: 'INC-1', reason: 'error rate 12%' },
    ]);
  });

  it('shows x-slack-retry-num to the event listener as context.retryNum', async () => {
    const body = eventCallbackBody({ event: appHomeOpenedEvent('U0ALICE') });
    expect((await postSigned(url, body, { secret: SECRET })).status).toBe(200);
    expect((await postSigned(url, body, { secret: SECRET, retryNum: 2, retryReason: 'http_timeout' })).status).toBe(
      200,
    );
    expect(seen.homes).toEqual([
      { user: 'U0ALICE', retryNum: undefined, retryReason: undefined },
      { user: 'U0ALICE', retryNum: 2, retryReason: 'http_timeout' },
    ]);
    expect(api.callsTo('views.publish').map((c) => c.args.user_id)).toEqual(['U0ALICE', 'U0ALICE']);
  });
});

describe('Socket Mode: envelopes reach a real Bolt App over the WebSocket stand-in', () => {
  let api: SlackApiStandIn;
  let socket: SocketModeStandIn;
  let app: App;
  let seen: Seen;

  async function startApp(receiverOptions: { clientPingTimeout?: number } = {}): Promise<void> {
    const receiver = new SocketModeReceiver({
      appToken: APP_TOKEN,
      logLevel: LogLevel.ERROR,
      ...receiverOptions,
      installerOptions: { clientOptions: { slackApiUrl: api.url, retryConfig: { retries: 0 } } },
    });
    app = new App({ ...appOptions(api), receiver });
    registerListeners(app, seen);
    await app.start();
  }

  beforeEach(async () => {
    api = await new SlackApiStandIn().start();
    socket = await new SocketModeStandIn(api).start();
    seen = newSeen();
  });

  afterEach(async () => {
    await app.stop();
    await socket.close();
    await api.stop();
  });

  it('connects with the app-level token through apps.connections.open', async () => {
    await startApp();
    await socket.connected();
    expect(api.callsTo('apps.connections.open').map((c) => c.token)).toEqual([APP_TOKEN]);
    expect(socket.appTokens).toEqual([APP_TOKEN]);
    expect(socket.connections).toBe(1);
    await socket.ping();
  });

  it('runs the slash command listener and acks the envelope with the listener response', async () => {
    await startApp();
    await socket.connected();
    const responseUrl = api.responseUrl();
    const ack = await socket.send(
      'slash_commands',
      slashCommandPayload({
        command: '/rollback',
        text: 'status chat-api',
        user_id: 'U0ALICE',
        response_url: responseUrl,
      }),
    );
    expect(ack).toEqual({
      envelope_id: socket.sent[0]?.envelope_id,
      payload: { response_type: 'ephemeral', text: 'rollback status chat-api: accepted' },
    });
    expect(seen.commands).toEqual([{ text: 'status chat-api', user: 'U0ALICE' }]);
    expect((await api.waitForResponse()).body).toEqual({ response_type: 'ephemeral', text: 'status: all green' });
    expect(socket.acks).toEqual([ack]);
  });

  it('runs a button listener from an interactive envelope, acks it, and records its chat.postMessage', async () => {
    await startApp();
    await socket.connected();
    const ack = await socket.send(
      'interactive',
      blockActionsPayload({
        user: 'U0ALICE',
        actionId: ACTION.immediate,
        value: 'INC-7',
        channel: 'C0INCIDENT',
        messageTs: '1700000000.000200',
      }),
    );
    expect(ack).toEqual({ envelope_id: socket.sent[0]?.envelope_id, payload: {} });
    const post = await api.waitForCall('chat.postMessage');
    expect(post.args).toMatchObject({ channel: 'C0INCIDENT', thread_ts: '1700000000.000200' });
  });

  it('acks a view submission with the listener response_action', async () => {
    await startApp();
    await socket.connected();
    const ack = await socket.send(
      'interactive',
      viewSubmissionPayload({
        user: 'U0ALICE',
        callbackId: VIEW.confirmRollback,
        privateMetadata: 'INC-2',
        values: { reason: { reason_input: textInputState('') } },
      }),
    );
    expect(ack.payload).toEqual({ response_action: 'errors', errors: { reason: 'A reason is required' } });
  });

  it('passes an events_api retry_attempt to the listener as context.retryNum', async () => {
    await startApp();
    await socket.connected();
    await socket.send('events_api', eventCallbackPayload({ event: appHomeOpenedEvent('U0BOB') }), {
      retryAttempt: 1,
      retryReason: 'timeout',
    });
    await api.waitForCall('views.publish');
    expect(seen.homes).toEqual([{ user: 'U0BOB', retryNum: 1, retryReason: 'timeout' }]);
  });

  it('fails clearly when nothing acks an envelope in time', async () => {
    await startApp();
    await socket.connected();
    // No listener matches this command; Bolt still acks nothing, so the stand-in times out.
    await expect(
      socket.send('slash_commands', slashCommandPayload({ command: '/unknown', text: '', user_id: 'U0ALICE' }), {
        timeoutMs: 300,
      }),
    ).rejects.toThrow(/no ack for slash_commands envelope .* within 300 ms/);
  });

  // The client waits clientPingTimeout before it reconnects and pings every third of it. 2 s keeps
  // the test short and is far longer than a busy machine can keep a pong from being read: with a
  // few hundred ms, such a stall looks like a dead link and the client reconnects on its own.
  it(
    'reconnects after a disconnect message, keeping pings answered, and serves the new link',
    { timeout: 60_000 },
    async () => {
      await startApp({ clientPingTimeout: 2_000 });
      await socket.connected();
      socket.requestDisconnect();
      await socket.connected({ count: 2 });
      expect(socket.appTokens).toEqual([APP_TOKEN, APP_TOKEN]);
      // The client pings every clientPingTimeout / 3 and drops a link whose pongs stop coming (after
      // four unanswered pings at the latest): five pings on the new link, and it is still the only one.
      const pingsBefore = socket.pingsReceived;
      await vi.waitFor(() => expect(socket.pingsReceived - pingsBefore).toBeGreaterThanOrEqual(5), { timeout: 30_000 });
      expect(socket.appTokens).toHaveLength(2); // it did not reconnect again on its own
      expect(socket.connections).toBe(1);
      const ack = await socket.send(
        'slash_commands',
        slashCommandPayload({ command: '/rollback', text: 'history', user_id: 'U0ALICE' }),
      );
      expect(ack.payload).toEqual({ response_type: 'ephemeral', text: 'rollback history: accepted' });
    },
  );
});
