/**
 * Who a break-glass command acts as, and asking them before it acts. The approvals policy and the
 * audit know people by their Slack user ID, so every action names one with `--as`; the
 * operating-system account the command ran under is recorded beside it, in the audit, the timeline
 * and the thread note. Nothing happens until the person has seen what will and said yes (or given
 * --yes); a stdin that is not a terminal cannot say yes, so it is refused rather than left hanging.
 */
import os from 'node:os';
import { createInterface } from 'node:readline';
import type { Output } from '../../cli.ts';
import type { Actor } from '../../domain/types.ts';
import { refusalLine } from '../../services/refusal-lines.ts';
import type { Refusal } from '../../services/refusals.ts';
import { UsageError } from '../args.ts';
import type { GroupLookups } from './setup.ts';

/** A Slack user ID: U… (or W… on Enterprise Grid). A user group (S…) or a name is not a person to act as. */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** The operating-system account; a container without a passwd entry for its uid still has a uid. */
function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER?.trim() || `uid ${process.getuid?.() ?? '?'}`;
  }
}

/** The person an action is taken as: the Slack user named with --as, from the command line. */
export function actorFrom(as: string | undefined): Actor {
  if (as === undefined)
    throw new UsageError(
      'missing --as <Slack user ID>: the approvals policy and the audit know people by their Slack user ID (U…)',
    );
  if (!SLACK_USER_ID.test(as))
    throw new UsageError(
      `--as "${as}" is not a Slack user ID; it starts with U or W, like U0123ABCD ` +
        '(in Slack: a profile → ⋯ → Copy member ID)',
    );
  return { kind: 'user', id: as, via: { kind: 'cli', osUser: osUser() } };
}

/**
 * A refusal as one line. A person refused while an approver group could not be listed is told so
 * (they may be in it), with who can act instead: never silently allowed, never just "not an approver".
 */
export function refusalText(refusal: Refusal, actor: Actor, groups: GroupLookups, approvers: string[]): string {
  if (refusal.kind !== 'not_approver' || groups.unreachable.size === 0) return refusalLine(refusal);
  const unchecked = [...groups.unreachable.keys()];
  const why = [...new Set(groups.unreachable.values())].join('; ');
  const byId = approvers.filter((id) => SLACK_USER_ID.test(id));
  const instead =
    byId.length > 0
      ? `ask an approver listed by user ID (${byId.join(', ')}) to run the same command with their --as, or try ` +
        'again once Slack answers'
      : 'no approver is listed by user ID in slack.approvers, so try again once Slack answers';
  return (
    `${actor.id} is not listed as an approver by user ID, and the approver ` +
    `${unchecked.length === 1 ? 'group' : 'groups'} ${unchecked.join(', ')} could not be checked: ${why}; nothing ` +
    `was changed and the attempt was recorded. To act now, ${instead}`
  );
}

/** The answer read from a terminal; false on anything but y/yes, on Ctrl-C and at the end of input. */
function ask(stdin: NodeJS.ReadableStream, question: string): Promise<boolean> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: stdin, output: process.stdout });
    let answered = false;
    const done = (yes: boolean) => {
      if (answered) return;
      answered = true;
      rl.close();
      resolve(yes);
    };
    rl.on('SIGINT', () => done(false));
    rl.on('close', () => done(false));
    rl.question(question, (answer) => done(/^y(es)?$/i.test(answer.trim())));
  });
}

/** Prints what will happen, then asks "Proceed? [y/N]" unless --yes; true when the person said yes. */
export async function proceed(
  command: string,
  what: string[],
  o: { yes: boolean; stdin: NodeJS.ReadableStream & { isTTY?: boolean }; out: Output },
): Promise<boolean> {
  for (const line of what) o.out.log(line);
  if (o.yes) return true;
  if (!o.stdin.isTTY) {
    o.out.error(
      `rewind ${command}: not confirmed: stdin is not a terminal, so nothing can be asked; add --yes to proceed ` +
        'without the question. Nothing was changed',
    );
    return false;
  }
  if (await ask(o.stdin, 'Proceed? [y/N] ')) return true;
  o.out.error(`rewind ${command}: not confirmed; nothing was changed`);
  return false;
}
