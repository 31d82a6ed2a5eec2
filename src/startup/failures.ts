/**
 * What stops Rewind from starting, said so that the person reading it knows what to change: the
 * environment and config checked together before anything opens, and the failures of the start
 * itself (a port taken, a token Slack refuses, a Slack API out of reach).
 */
import { readEnv, type Env } from '../config/env.ts';
import { formatProblem, loadConfigFile } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { SlackStartError } from '../adapters/slack/app.ts';
import { slackErrorCode } from '../adapters/slack/outbox-sender.ts';

/** Startup refused: each line says what is wrong and what to do. Printed without a stack trace. */
export class StartupError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'StartupError';
  }
}

/** Checks environment and config together so a newcomer sees every problem in one go. */
export function preflight(envSource: NodeJS.ProcessEnv): { env: Env; config: Config } {
  const { env, problems } = readEnv(envSource);
  const lines: string[] = [];
  if (problems.length > 0) {
    const missing = problems.filter((p) => !envSource[p.variable]?.trim()).map((p) => p.variable);
    if (missing.length > 0) lines.push(`Missing environment variables: ${missing.join(', ')}`);
    for (const p of problems) lines.push(`  ${p.variable}: ${p.message}`);
    lines.push('Set them in your environment or in a .env file (see .env.example).');
    lines.push('To try Rewind without a Slack workspace or a cluster, run: npm run demo');
  }
  const loaded = loadConfigFile(env.configFile);
  if (!loaded.ok) {
    lines.push(`The config file ${env.configFile} has ${loaded.problems.length} problem(s):`);
    for (const p of loaded.problems) lines.push(`  ${formatProblem(p)}`);
    lines.push('Check it with: npx rewind validate-config ' + env.configFile);
  }
  if (lines.length > 0 || !loaded.ok) throw new StartupError(lines);
  return { env, config: loaded.config };
}

/** What went wrong at start, said so that the person reading it knows what to change. */
export function startupFailure(err: unknown, env: Env): string[] {
  if (err instanceof SlackStartError && err.phase === 'listen')
    return [`Cannot listen on port ${env.port}: ${err.message}`];
  if (err instanceof SlackStartError) {
    const code = slackErrorCode(err.cause);
    if (['invalid_auth', 'not_authed', 'not_allowed_token_type', 'token_revoked', 'account_inactive'].includes(code)) {
      return [
        `Slack refused the app-level token (SLACK_APP_TOKEN): ${code}.`,
        'Socket Mode needs an app-level token (xapp-…) with the connections:write scope, ' +
          "from the app's Basic Information page.",
      ];
    }
    if (code === 'request_failed')
      return [
        'Cannot open the Socket Mode connection: ' +
          `cannot reach the Slack API at ${env.slackApiUrl} (${rootCause(err.cause)}).`,
      ];
    return [
      `Cannot open the Socket Mode connection to Slack at ${env.slackApiUrl}: ` +
        (code === 'error' ? err.message : `${code} (${err.message})`),
    ];
  }
  return [`Rewind could not start: ${err instanceof Error ? err.message : String(err)}`];
}

/** The innermost reason of a failed request (`connect ECONNREFUSED 127.0.0.1:9`), not the wrappers' "fetch failed". */
export function rootCause(err: unknown): string {
  let at = err as { original?: unknown; cause?: unknown; message?: unknown } | null;
  for (let depth = 0; depth < 5 && at; depth++) {
    const next = (at.original ?? at.cause) as typeof at | undefined;
    if (!next || typeof next !== 'object') break;
    at = next;
  }
  return typeof at?.message === 'string' ? at.message : String(at);
}
