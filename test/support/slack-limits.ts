/**
 * Slack's limits, for what does not pass through the Web API stand-in: the bodies the bot answers
 * Slack's own requests with (a slash command's ack, a view submission's `response_action`). Web API
 * calls and response_url posts are refused by the stand-in itself; the same checks
 * (src/demo/stand-ins/slack-limits-check.ts, written from Slack's reference) run here.
 */
import { checkCall, checkMessage, checkView } from '../../src/demo/stand-ins/slack-limits-check.ts';

interface Call {
  method: string;
  args: Record<string, unknown>;
}

/**
 * Every limit one call breaks, as `method: error — problem [json-pointer:/…]`; empty when Slack
 * takes it. A method that is not a Web API one (an ack, a response_url body) is checked as a
 * message, or as a view when it carries one.
 */
export function slackLimitViolations(call: Call): string[] {
  const asCall = checkCall(call.method, call.args);
  const verdict =
    asCall !== undefined ? asCall : call.args.view !== undefined ? checkView(call.args.view) : checkMessage(call.args);
  if (!verdict) return [];
  return verdict.errors.length === 0
    ? [`${call.method}: ${verdict.error}`]
    : verdict.errors.map((e) => `${call.method}: ${verdict.error} — ${e}`);
}

/** The violations of every call, each prefixed with the call's index. */
export function allSlackLimitViolations(calls: readonly Call[]): string[] {
  return calls.flatMap((c, i) => slackLimitViolations(c).map((v) => `#${i} ${v}`));
}
