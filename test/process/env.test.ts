import { describe, expect, it } from 'vitest';
import { readEnv, secretsOf } from '../../src/config/env.ts';

describe('readEnv', () => {
  it('names every missing Slack variable in HTTP mode', () => {
    const { problems } = readEnv({});
    expect(problems.map((p) => p.variable)).toEqual(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
  });

  it('needs no signing secret in Socket Mode', () => {
    const { env, problems } = readEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    expect(problems).toEqual([]);
    expect(env.socketMode).toBe(true);
  });

  it('applies the documented defaults', () => {
    const { env } = readEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' });
    expect(env).toMatchObject({
      port: 3000,
      configFile: 'config/rewind.yml',
      dbFile: 'data/rewind.db',
      slackApiUrl: 'https://slack.com/api/',
      logLevel: 'info',
      socketMode: false,
      alertWebhookToken: undefined,
    });
  });

  it('adds the trailing slash the Web API client needs', () => {
    const { env } = readEnv({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      SLACK_API_URL: 'http://127.0.0.1:9/api',
    });
    expect(env.slackApiUrl).toBe('http://127.0.0.1:9/api/');
  });

  it('rejects malformed values with a reason', () => {
    const { problems } = readEnv({
      SLACK_BOT_TOKEN: 'xoxp-user-token',
      SLACK_APP_TOKEN: 'nope',
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      SLACK_API_URL: 'slack.com',
    });
    expect(Object.fromEntries(problems.map((p) => [p.variable, p.message]))).toEqual({
      SLACK_BOT_TOKEN: 'must be a bot token starting with xoxb-',
      SLACK_APP_TOKEN: 'must be an app-level token starting with xapp- (or unset for HTTP mode)',
      PORT: 'must be a TCP port number (0–65535), got "eighty"',
      LOG_LEVEL: 'must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      SLACK_API_URL: 'must be an http(s) URL, got "slack.com"',
    });
  });

  it('collects the secrets the logger must scrub', () => {
    const { env } = readEnv({
      SLACK_BOT_TOKEN: 'xoxb-secret-bot',
      SLACK_SIGNING_SECRET: 'signing-secret-1',
      ALERT_WEBHOOK_TOKEN: 'webhook-token-1',
    });
    expect(secretsOf(env).sort()).toEqual(['signing-secret-1', 'webhook-token-1', 'xoxb-secret-bot']);
  });
});
