/**
 * The environment variables Rewind reads (README lists them). Read once by the composition root; nothing else touches
 * process.env. Secrets are collected so the logger can scrub them from every line it writes.
 */
import { statSync } from 'node:fs';

export interface Env {
  slackBotToken: string | undefined;
  slackAppToken: string | undefined;
  slackSigningSecret: string | undefined;
  /** Web API base URL with a trailing slash, as @slack/web-api expects. */
  slackApiUrl: string;
  port: number;
  configFile: string;
  dbFile: string;
  alertWebhookToken: string | undefined;
  logLevel: string;
  /** Kubeconfig file; unset: ~/.kube/config or the in-cluster service account. */
  kubeconfig: string | undefined;
  /** Socket Mode when an app-level token is present, else HTTP mode. */
  socketMode: boolean;
  /** Rewind's own namespace (POD_NAMESPACE), where its replicas' leader Lease lives; unset: read in the pod. */
  podNamespace: string | undefined;
}

export interface EnvProblem {
  variable: string;
  message: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A `.env` that is there but cannot be read: said in one line, never a stack trace. */
export class DotEnvError extends Error {
  override readonly name = 'DotEnvError';
}

/** Loads `.env` from the working directory when present; variables already set win. */
export function loadDotEnv(file = '.env'): boolean {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    return false;
  }
  if (!isFile) throw new DotEnvError(`${file} is not a file; it should hold VARIABLE=value lines (see .env.example)`);
  try {
    process.loadEnvFile(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new DotEnvError(`cannot read ${file}: ${e.code === 'EACCES' ? 'permission denied' : e.message}`);
  }
  return true;
}

function value(source: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = source[name]?.trim();
  return v ? v : undefined;
}

/** Parses the environment; every problem is reported, not just the first. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): { env: Env; problems: EnvProblem[] } {
  const problems: EnvProblem[] = [];
  const slackBotToken = value(source, 'SLACK_BOT_TOKEN');
  const slackAppToken = value(source, 'SLACK_APP_TOKEN');
  const slackSigningSecret = value(source, 'SLACK_SIGNING_SECRET');

  if (!slackBotToken) {
    problems.push({
      variable: 'SLACK_BOT_TOKEN',
      message: 'the bot token (xoxb-…) from the Slack app\'s "OAuth & Permissions" page',
    });
  } else if (!slackBotToken.startsWith('xoxb-')) {
    problems.push({ variable: 'SLACK_BOT_TOKEN', message: 'must be a bot token starting with xoxb-' });
  }
  if (slackAppToken && !slackAppToken.startsWith('xapp-')) {
    problems.push({
      variable: 'SLACK_APP_TOKEN',
      message: 'must be an app-level token starting with xapp- (or unset for HTTP mode)',
    });
  }
  if (!slackAppToken && !slackSigningSecret) {
    problems.push({
      variable: 'SLACK_SIGNING_SECRET',
      message: 'required in HTTP mode (set SLACK_APP_TOKEN instead to use Socket Mode)',
    });
  }

  let slackApiUrl = value(source, 'SLACK_API_URL') ?? 'https://slack.com/api/';
  if (!/^https?:\/\//.test(slackApiUrl)) {
    problems.push({ variable: 'SLACK_API_URL', message: `must be an http(s) URL, got "${slackApiUrl}"` });
  }
  if (!slackApiUrl.endsWith('/')) slackApiUrl += '/';

  const portText = value(source, 'PORT') ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    problems.push({ variable: 'PORT', message: `must be a TCP port number (0–65535), got "${portText}"` });
  }

  const logLevel = value(source, 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push({ variable: 'LOG_LEVEL', message: `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"` });
  }

  return {
    env: {
      slackBotToken,
      slackAppToken,
      slackSigningSecret,
      slackApiUrl,
      port: Number.isFinite(port) ? port : 3000,
      configFile: value(source, 'REWIND_CONFIG') ?? 'config/rewind.yml',
      dbFile: value(source, 'REWIND_DB') ?? 'data/rewind.db',
      alertWebhookToken: value(source, 'ALERT_WEBHOOK_TOKEN'),
      logLevel,
      kubeconfig: value(source, 'KUBECONFIG'),
      socketMode: Boolean(slackAppToken),
      podNamespace: value(source, 'POD_NAMESPACE'),
    },
    problems,
  };
}

/** Every secret value the process holds, so the logger can blank them out wherever they appear. */
export function secretsOf(env: Env): string[] {
  return [env.slackBotToken, env.slackAppToken, env.slackSigningSecret, env.alertWebhookToken].filter(
    (s): s is string => typeof s === 'string' && s.length >= 6,
  );
}
