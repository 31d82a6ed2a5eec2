/**
 * A workspace for the Slack Web API stand-in (`likeWorkspace`): the bot token's scopes, the channels
 * and whether the bot is in them, the user groups and the users. The methods that read it answer
 * as Slack does: `x-oauth-scopes` on every answer, `missing_scope` when the token lacks the scope a
 * method needs, `channel_not_found` for an unknown channel and for a private one the bot is not in,
 * `no_such_subteam`, `user_not_found`. The handlers read the workspace on every call, so a test may
 * change it between calls.
 */
import type { SlackHandler } from './slack-api-types.ts';

export interface WorkspaceChannel {
  name: string;
  isMember: boolean;
  isPrivate?: boolean;
}

export interface WorkspaceUser {
  name: string;
  /** A deactivated account: users.info still finds it, conversations.open refuses it. */
  deleted?: boolean;
}

export interface SlackWorkspace {
  /** When set, a call with any other token is answered `invalid_auth`. */
  token?: string;
  /** The bot token's scopes, as `x-oauth-scopes` lists them. */
  scopes: string[];
  /** By channel ID. */
  channels: Record<string, WorkspaceChannel>;
  /** Members by user-group ID (S…). */
  userGroups: Record<string, string[]>;
  /** By user ID (U…, W…). */
  users: Record<string, WorkspaceUser>;
}

/** The identity auth.test answers with (the stand-in's default, so the bot's own id stays the same). */
export const WORKSPACE_IDENTITY = {
  url: 'https://rewind-test.slack.com/',
  team: 'Rewind Test',
  user: 'rewind',
  team_id: 'T0TEST',
  user_id: 'U0REWIND',
  bot_id: 'B0REWIND',
};

type Answer = ReturnType<SlackHandler>;

/** Each method's handler, reading `w` when it is called. */
export function workspaceAnswers(w: SlackWorkspace): Array<[method: string, handler: SlackHandler]> {
  const answer = (body: Record<string, unknown>): Answer => ({
    headers: { 'x-oauth-scopes': w.scopes.join(',') },
    body,
  });
  const refuse = (error: string, extra: Record<string, unknown> = {}) => answer({ ok: false, error, ...extra });
  /** Runs `ok` when the token is the workspace's and holds one of `scopes`; else Slack's refusal. */
  const guarded =
    (scopes: string[], ok: (args: Record<string, unknown>) => Answer): SlackHandler =>
    (args, call) => {
      if (w.token !== undefined && call.token !== w.token) return { body: { ok: false, error: 'invalid_auth' } };
      if (!scopes.some((s) => w.scopes.includes(s)))
        return refuse('missing_scope', { needed: scopes.join(','), provided: w.scopes.join(',') });
      return ok(args);
    };
  const userOf = (id: unknown) => (typeof id === 'string' ? w.users[id] : undefined);
  return [
    [
      'auth.test',
      (_args, call) =>
        w.token !== undefined && call.token !== w.token
          ? { body: { ok: false, error: 'invalid_auth' } }
          : answer({ ok: true, ...WORKSPACE_IDENTITY }),
    ],
    [
      'conversations.info',
      guarded(['channels:read', 'groups:read'], (args) => {
        const id = String(args.channel ?? '');
        const c = w.channels[id];
        // A private channel the bot is not in does not exist as far as the bot can tell.
        if (!c || (c.isPrivate && !c.isMember)) return refuse('channel_not_found');
        const isPrivate = c.isPrivate ?? false;
        return answer({
          ok: true,
          channel: {
            id,
            name: c.name,
            is_channel: !isPrivate,
            is_group: isPrivate,
            is_private: isPrivate,
            is_member: c.isMember,
          },
        });
      }),
    ],
    [
      'usergroups.users.list',
      guarded(['usergroups:read'], (args) => {
        const members = w.userGroups[String(args.usergroup ?? '')];
        return members ? answer({ ok: true, users: [...members] }) : refuse('no_such_subteam');
      }),
    ],
    [
      'users.info',
      guarded(['users:read'], (args) => {
        const user = userOf(args.user);
        if (!user) return refuse('user_not_found');
        return answer({ ok: true, user: { id: args.user, name: user.name, deleted: user.deleted ?? false } });
      }),
    ],
    [
      'conversations.open',
      guarded(['im:write'], (args) => {
        const id = String(args.users ?? '');
        const user = userOf(id);
        if (!user) return refuse('user_not_found');
        if (user.deleted) return refuse('user_disabled');
        return answer({ ok: true, channel: { id: `D0${id.replace(/[^A-Z0-9]/gi, '').toUpperCase()}` } });
      }),
    ],
  ];
}
