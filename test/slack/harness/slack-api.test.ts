import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackApiStandIn } from '../../support/slack-api.ts';

describe('Web API stand-in extensions', () => {
  let api: SlackApiStandIn;
  let client: WebClient;

  beforeEach(async () => {
    api = await new SlackApiStandIn().start();
    client = new WebClient('xoxb-test', { slackApiUrl: api.url, retryConfig: { retries: 0 } });
  });

  afterEach(async () => {
    await api.stop();
  });

  it('answers a bare { ok: true } until answerLikeSlack() is called', async () => {
    expect(await client.chat.postMessage({ channel: 'C0INCIDENT', text: 'x' })).toEqual({
      ok: true,
      response_metadata: {},
    });
  });

  it('answerLikeSlack() returns message timestamps, channels and view ids the way Slack does', async () => {
    api.answerLikeSlack();
    const head = await client.chat.postMessage({ channel: 'C0INCIDENT', text: 'Incident INC-1' });
    const reply = await client.chat.postMessage({ channel: 'C0INCIDENT', thread_ts: head.ts, text: 'Rolling back' });
    expect(head).toMatchObject({ ok: true, channel: 'C0INCIDENT', ts: '1700000000.000001' });
    expect(reply).toMatchObject({
      ok: true,
      channel: 'C0INCIDENT',
      ts: '1700000000.000002',
      message: { thread_ts: '1700000000.000001' },
    });
    expect(await client.chat.update({ channel: 'C0INCIDENT', ts: head.ts ?? '', text: 'Resolved' })).toMatchObject({
      ok: true,
      channel: 'C0INCIDENT',
      ts: head.ts,
    });
    expect(await client.conversations.open({ users: 'U0MANAGER' })).toMatchObject({
      ok: true,
      channel: { id: 'D0U0MANAGER' },
    });
    const published = await client.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [] } });
    expect(published.view).toMatchObject({ type: 'home', blocks: [] });
    expect(published.view?.id).toMatch(/^V0\d+$/);
  });

  it('tells apart the clients that share a token by the base URL each was given', async () => {
    const before = Date.now();
    const replica = new WebClient('xoxb-test', { slackApiUrl: api.urlFor('replica-1'), retryConfig: { retries: 0 } });
    await replica.chat.postMessage({ channel: 'C0INCIDENT', text: 'from the replica' });
    await client.chat.postMessage({ channel: 'C0INCIDENT', text: 'from the other' });
    const [tagged, plain] = api.callsTo('chat.postMessage');
    expect(tagged).toMatchObject({ method: 'chat.postMessage', args: { text: 'from the replica' } });
    expect(tagged?.via?.client).toBe('replica-1');
    expect(tagged?.via?.at).toBeGreaterThanOrEqual(before);
    expect(plain).toEqual({ method: 'chat.postMessage', args: expect.anything(), token: 'xoxb-test' });
  });

  it('records posts to a response_url and waits for late calls', async () => {
    const url = api.responseUrl('cmd-1');
    const late = api.waitForCall('chat.postEphemeral');
    const posted = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'done', replace_original: false }),
    });
    await client.chat.postEphemeral({ channel: 'C0INCIDENT', user: 'U0ALICE', text: 'not allowed' });
    expect((await late).args).toMatchObject({ channel: 'C0INCIDENT', user: 'U0ALICE', text: 'not allowed' });
    expect((await posted).status).toBe(200);
    expect(await api.waitForResponse()).toEqual({ id: 'cmd-1', url, body: { text: 'done', replace_original: false } });
    expect(api.responsesTo(url)).toHaveLength(1);
    // Response posts are not Web API calls.
    expect(api.calls.map((c) => c.method)).toEqual(['chat.postEphemeral']);
  });

  it('names what did arrive when a waited-for call never comes', async () => {
    await client.auth.test();
    await expect(api.waitForCall('chat.update', { timeoutMs: 50 })).rejects.toThrow(
      'call #1 to chat.update did not arrive within 50 ms (calls so far: auth.test)',
    );
  });
});
