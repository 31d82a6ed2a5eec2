import { isValidSlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import {
  appHomeOpenedEvent,
  blockActionsPayload,
  eventCallbackBody,
  interactionBody,
  selectState,
  signRequest,
  slashCommandBody,
  slashCommandPayload,
  viewSubmissionPayload,
} from '../../support/slack-signing.ts';

const SECRET = 'harness-signing-secret';

describe('signRequest', () => {
  it('produces a v0 signature that Bolt accepts, and only for the same secret and body', () => {
    const body = slashCommandBody({ command: '/rollback', text: 'status chat-api', user_id: 'U0ALICE' });
    const ts = 1_700_000_000;
    const headers = signRequest(SECRET, body, ts);
    expect(headers['x-slack-request-timestamp']).toBe('1700000000');
    expect(headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
    const verify = (secret: string, b: string) =>
      isValidSlackRequest({
        signingSecret: secret,
        body: b,
        headers: { 'x-slack-signature': headers['x-slack-signature'], 'x-slack-request-timestamp': ts },
        nowMilliseconds: ts * 1000 + 1000,
      });
    expect(verify(SECRET, body)).toBe(true);
    expect(verify('another-secret', body)).toBe(false);
    expect(verify(SECRET, `${body}&text=tampered`)).toBe(false);
  });

  it('labels form bodies and JSON bodies with the content type Bolt parses', () => {
    expect(signRequest(SECRET, 'a=b')['content-type']).toBe('application/x-www-form-urlencoded');
    expect(signRequest(SECRET, '{"type":"event_callback"}')['content-type']).toBe('application/json');
  });
});

describe('payload builders', () => {
  it('sends every slash command field Slack sends, form-encoded', () => {
    const body = slashCommandBody({
      command: '/rollback',
      text: 'immediate chat-api to v1.2.0 & more',
      user_id: 'U0ALICE',
      response_url: 'http://127.0.0.1:1/response/x',
    });
    const form = new URLSearchParams(body);
    expect([...form.keys()]).toEqual([
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ]);
    expect(form.get('text')).toBe('immediate chat-api to v1.2.0 & more');
    expect(form.get('is_enterprise_install')).toBe('false');
    expect(form.get('response_url')).toBe('http://127.0.0.1:1/response/x');
    expect(form.get('trigger_id')).toMatch(/^\d+\.\d+\.[0-9a-f]{32}$/);
    expect(
      slashCommandPayload({ command: '/drill', text: '', user_id: 'U0BOB', channel_id: 'C0DRILLS' }),
    ).toMatchObject({ channel_id: 'C0DRILLS', user_name: 'u0bob' });
  });

  it('wraps an interaction in a single payload form field', () => {
    const body = interactionBody({ type: 'block_actions', note: 'a&b=c' });
    expect([...new URLSearchParams(body).keys()]).toEqual(['payload']);
    expect(JSON.parse(new URLSearchParams(body).get('payload') ?? '')).toEqual({
      type: 'block_actions',
      note: 'a&b=c',
    });
  });

  it('shapes a button click like Slack', () => {
    const p = blockActionsPayload({
      user: { id: 'U0ALICE', name: 'alice' },
      actionId: 'decide_immediate',
      value: 'INC-1',
      blockId: 'decisions',
      text: 'Immediate rollback',
      channel: 'C0INCIDENT',
      messageTs: '1700000000.000100',
      actionTs: '1700000001.000000',
      triggerId: 't1',
      responseUrl: 'http://r',
    });
    expect(p).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0ALICE', username: 'alice', name: 'alice', team_id: 'T0TEST' },
      team: { id: 'T0TEST', domain: 'rewind-test' },
      channel: { id: 'C0INCIDENT' },
      container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0INCIDENT', is_ephemeral: false },
      message: { type: 'message', ts: '1700000000.000100', bot_id: 'B0REWIND' },
      trigger_id: 't1',
      response_url: 'http://r',
      api_app_id: 'A0REWIND',
    });
    expect(p.actions).toEqual([
      {
        type: 'button',
        action_id: 'decide_immediate',
        block_id: 'decisions',
        text: { type: 'plain_text', text: 'Immediate rollback', emoji: true },
        value: 'INC-1',
        action_ts: '1700000001.000000',
      },
    ]);
  });

  it('shapes a static_select choice like Slack, with the message state', () => {
    const p = blockActionsPayload({
      user: 'U0ALICE',
      actionId: 'matrix_user_impact',
      blockId: 'matrix',
      selectedOption: { text: 'All users', value: 'all' },
      channel: 'C0INCIDENT',
      messageTs: '1.2',
      threadTs: '1.1',
      state: { matrix: { matrix_user_impact: selectState('all', 'All users') } },
    });
    const [action] = p.actions as Array<Record<string, unknown>>;
    expect(action).toMatchObject({
      type: 'static_select',
      action_id: 'matrix_user_impact',
      block_id: 'matrix',
      selected_option: { text: { type: 'plain_text', text: 'All users', emoji: true }, value: 'all' },
    });
    expect(action?.action_ts).toMatch(/^\d+\.\d{6}$/);
    expect(p.container).toMatchObject({ thread_ts: '1.1' });
    expect(p.state).toEqual({
      values: {
        matrix: {
          matrix_user_impact: {
            type: 'static_select',
            selected_option: { text: { type: 'plain_text', text: 'All users', emoji: true }, value: 'all' },
          },
        },
      },
    });
  });

  it('shapes a view submission with callback id, private metadata and state', () => {
    const p = viewSubmissionPayload({
      user: 'U0ALICE',
      callbackId: 'confirm_rollback',
      privateMetadata: '{"incidentId":"INC-1"}',
      viewId: 'V0X',
      values: { reason: { reason_input: { type: 'plain_text_input', value: 'errors' } } },
    });
    expect(p).toMatchObject({
      type: 'view_submission',
      user: { id: 'U0ALICE' },
      view: {
        id: 'V0X',
        type: 'modal',
        callback_id: 'confirm_rollback',
        private_metadata: '{"incidentId":"INC-1"}',
        root_view_id: 'V0X',
        state: { values: { reason: { reason_input: { value: 'errors' } } } },
      },
    });
  });

  it('wraps an event in an event_callback envelope', () => {
    const body = JSON.parse(eventCallbackBody({ event: appHomeOpenedEvent('U0ALICE'), eventId: 'Ev0001' })) as Record<
      string,
      unknown
    >;
    expect(body).toMatchObject({
      type: 'event_callback',
      team_id: 'T0TEST',
      api_app_id: 'A0REWIND',
      event_id: 'Ev0001',
      event: { type: 'app_home_opened', user: 'U0ALICE', tab: 'home' },
    });
    expect(body.authorizations).toEqual([
      { enterprise_id: null, team_id: 'T0TEST', user_id: 'U0REWIND', is_bot: true, is_enterprise_install: false },
    ]);
  });
});
