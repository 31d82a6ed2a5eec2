/**
 * The bot's identity, learnt from Slack's auth.test once at start rather than per request, and
 * the answer readiness reports while it is not learnt yet.
 */
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { SlackSurface } from '../adapters/slack/app.ts';
import { slackErrorCode } from '../adapters/slack/outbox-sender.ts';
import { rootCause } from './failures.ts';

/** The last auth.test answer, as /readyz shows it. */
export interface SlackAuthState {
  ok: boolean;
  detail: string;
}

export function slackAuthPending(): SlackAuthState {
  return { ok: false, detail: 'auth.test not answered yet' };
}

/**
 * Calls auth.test until it passes — once, not per request — and hands the bot's identity to the
 * Slack surface; readiness reports the last answer.
 */
export function watchSlackAuth(
  slack: SlackSurface,
  slackApiUrl: string,
  clock: Clock,
  log: Logger,
  signal: AbortSignal,
  state: SlackAuthState,
): void {
  void (async () => {
    while (!signal.aborted) {
      try {
        const r = await slack.client.auth.test();
        // A start that failed meanwhile has said its last line: nothing is logged after it.
        if (signal.aborted) return;
        slack.identify({ botId: r.bot_id, botUserId: r.user_id, teamId: r.team_id });
        state.ok = true;
        state.detail = `team ${r.team ?? '?'} as ${r.user ?? '?'}`;
        log.info({ team: r.team, user: r.user }, 'Slack auth.test passed');
        return;
      } catch (err) {
        if (signal.aborted) return;
        const code = slackErrorCode(err);
        state.ok = false;
        state.detail =
          code === 'request_failed'
            ? `cannot reach the Slack API at ${slackApiUrl} (${rootCause(err)})`
            : code === 'error'
              ? `auth.test failed: ${(err as Error).message}`
              : `auth.test failed: ${code}`;
        log.error({ err }, `Slack ${state.detail}; retrying in 30s`);
      }
      await clock.sleep(30_000, signal).catch(() => undefined);
    }
  })();
}
