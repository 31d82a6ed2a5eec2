/**
 * The doctor's Slack checks, with the bot token and Web API URL `rewind start` uses: the token
 * works (auth.test), it carries every bot scope manifest.yml declares (auth.test's
 * `x-oauth-scopes`), the bot is in each configured channel, and each approver and escalation entry
 * is a user group with members or a user of the workspace.
 *
 * People are looked up with users.info. The manifest leaves users:read out on purpose, so when
 * Slack refuses users.info for that scope, a person is looked up the way an escalation DM reaches
 * them: conversations.open, which opens (and writes nothing into) the DM Rewind would use.
 */
import { LogLevel, WebClient, type Logger } from '@slack/web-api';
import type { Clock } from '../clock.ts';
import type { Config } from '../config/schema.ts';
import { failed, oneLine, passed, withinDeadline, type DoctorCheck } from './checks.ts';
import type { ManifestScope } from './manifest.ts';

const SECTION = 'Slack';
const REINSTALL = 'then reinstall the app to the workspace (the token carries the new scope only after that)';

export interface SlackDoctorInput {
  token: string | undefined;
  /** The Web API base URL, with its trailing slash (Env.slackApiUrl). */
  apiUrl: string;
  /** The config; null when it could not be loaded (then only the token and its scopes are checked). */
  config: Config | null;
  /** The bot scopes manifest.yml declares, or why they could not be read. */
  scopes: ManifestScope[] | { unreadable: string };
  clock: Clock;
  timeoutMs: number;
}

/** The checklist is the output: the client's own warnings would land between its lines. */
const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/** Slack's error code of a failed call, `unreachable: …` when Slack never answered. */
function slackProblem(err: unknown): string {
  const e = err as { code?: unknown; data?: { error?: unknown }; statusCode?: unknown; original?: unknown } | null;
  if (typeof e?.data?.error === 'string') return e.data.error;
  if (typeof e?.statusCode === 'number') return `HTTP ${e.statusCode}`;
  if (e?.code === 'slack_webapi_request_error') {
    // `fetch failed` wraps what the network said (ECONNREFUSED, ENOTFOUND, …) in its cause.
    let at = e.original as { message?: unknown; code?: unknown; cause?: unknown } | undefined;
    while (at?.cause && typeof at.cause === 'object') at = at.cause as typeof at;
    return `unreachable: ${String(at?.code ?? at?.message ?? 'no answer')}`;
  }
  return oneLine(err);
}

/** Where each principal is configured, e.g. S0SRE → [slack.approvers, escalation.levels[0].notify]. */
function principals(config: Config): Map<string, string[]> {
  const where = new Map<string, string[]>();
  const add = (id: string, path: string) => where.set(id, [...(where.get(id) ?? []), path]);
  for (const id of config.slack.approvers) add(id, 'slack.approvers');
  config.escalation.levels.forEach((level, i) => {
    for (const id of level.notify) add(id, `escalation.levels[${i}].notify`);
  });
  return where;
}

export async function slackChecks(input: SlackDoctorInput): Promise<DoctorCheck[]> {
  const out: DoctorCheck[] = [];
  if (!input.token) {
    out.push(
      failed(
        SECTION,
        'auth.test',
        'not called: SLACK_BOT_TOKEN is not set, so no Slack check can run',
        'set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) from the app\'s "OAuth & Permissions" page',
      ),
    );
    return out;
  }
  const client = new WebClient(input.token, {
    slackApiUrl: input.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: input.timeoutMs,
    logger: quiet,
  });
  const call = <T>(work: () => Promise<T>) => withinDeadline(input.clock, input.timeoutMs, work);

  let auth: Awaited<ReturnType<WebClient['auth']['test']>>;
  try {
    auth = await call(() => client.auth.test());
  } catch (err) {
    const problem = slackProblem(err);
    out.push(
      problem.startsWith('unreachable: ') || problem.startsWith('no answer')
        ? failed(
            SECTION,
            'auth.test',
            `cannot reach the Slack API at ${input.apiUrl} (${problem.replace('unreachable: ', '')})`,
            'check SLACK_API_URL (unset means https://slack.com/api/) and that this host reaches it (proxy, firewall)',
          )
        : failed(
            SECTION,
            'auth.test',
            `Slack refused the token: ${problem}`,
            'set SLACK_BOT_TOKEN to the current Bot User OAuth Token (xoxb-…) from "OAuth & Permissions"; a ' +
              'reinstall or a revoked token changes it',
          ),
    );
    return out;
  }
  const bot = auth.user ?? 'rewind';
  out.push(
    passed(
      SECTION,
      'auth.test',
      `token valid: team ${auth.team ?? '?'} (${auth.team_id ?? '?'}), bot @${bot} (${auth.user_id ?? '?'})`,
    ),
  );
  out.push(...scopeChecks(input.scopes, auth.response_metadata?.scopes));
  if (!input.config) return out;
  const config = input.config;

  const channels = new Map<string, string[]>();
  for (const key of ['incidentChannel', 'stakeholderChannel', 'drillChannel'] as const) {
    const id = config.slack[key];
    channels.set(id, [...(channels.get(id) ?? []), `slack.${key}`]);
  }
  const calls: Calls = (work) => call(() => work(client));
  const results = await Promise.all([
    ...[...channels].map(([id, keys]) => channelCheck(id, keys, bot, calls)),
    ...[...principals(config)].map(([id, paths]) =>
      id.startsWith('S') ? groupCheck(id, paths, calls) : userCheck(id, paths, calls),
    ),
  ]);
  out.push(...results);
  return out;
}

type Calls = <T>(work: (client: WebClient) => Promise<T>) => Promise<T>;

function scopeChecks(declared: SlackDoctorInput['scopes'], granted: string[] | undefined): DoctorCheck[] {
  if ('unreadable' in declared) {
    return [
      failed(
        SECTION,
        'scopes',
        `the scopes to compare with are unknown: ${declared.unreadable}`,
        'restore manifest.yml beside package.json',
      ),
    ];
  }
  if (!granted) {
    return [
      failed(
        SECTION,
        'scopes',
        'Slack did not say which scopes the token has (auth.test came without an x-oauth-scopes header)',
        "point SLACK_API_URL at Slack's Web API (or a proxy that passes its headers on)",
      ),
    ];
  }
  const missing = declared.filter((d) => !granted.includes(d.scope));
  if (missing.length === 0) {
    return [
      passed(
        SECTION,
        'scopes',
        `all ${declared.length} bot scopes manifest.yml declares are granted ` +
          `(${declared.map((d) => d.scope).join(', ')})`,
      ),
    ];
  }
  return missing.map((m) =>
    failed(
      SECTION,
      `scope ${m.scope}`,
      `not granted to the bot token${m.purpose ? `; manifest.yml needs it for: ${m.purpose}` : ''}`,
      `add ${m.scope} under "OAuth & Permissions" → Bot Token Scopes (or update the app from manifest.yml), ` +
        `${REINSTALL}`,
    ),
  );
}

async function channelCheck(id: string, keys: string[], bot: string, calls: Calls): Promise<DoctorCheck> {
  const check = `channel ${id}`;
  const configured = keys.join(', ');
  try {
    const r = await calls((c) => c.conversations.info({ channel: id }));
    const name = r.channel?.name ? `#${r.channel.name}` : id;
    if (r.channel?.is_member) return passed(SECTION, check, `${name} (${configured}): Rewind is a member`);
    return failed(
      SECTION,
      check,
      `${name} (${configured}): Rewind is not a member, so it cannot post there`,
      `run /invite @${bot} in ${name}`,
    );
  } catch (err) {
    const problem = slackProblem(err);
    if (problem === 'channel_not_found') {
      return failed(
        SECTION,
        check,
        `${configured}: no such channel, or a private one Rewind was not invited to`,
        `set ${configured} to the channel's ID (channel details → "Channel ID", C…); for a private channel run ` +
          `/invite @${bot} in it first`,
      );
    }
    return failed(SECTION, check, `${configured}: conversations.info failed: ${problem}`, scopeOrRetry(err));
  }
}

async function groupCheck(id: string, paths: string[], calls: Calls): Promise<DoctorCheck> {
  const check = `user group ${id}`;
  const configured = paths.join(', ');
  try {
    const r = await calls((c) => c.usergroups.users.list({ usergroup: id }));
    const members = r.users ?? [];
    if (members.length > 0)
      return passed(SECTION, check, `${configured}: ${members.length} member${members.length === 1 ? '' : 's'}`);
    return failed(
      SECTION,
      check,
      `${configured}: the group has no members, so it names nobody`,
      `add people to the group in Slack, or name users (U…) in ${configured} instead`,
    );
  } catch (err) {
    const problem = slackProblem(err);
    if (problem === 'no_such_subteam') {
      return failed(
        SECTION,
        check,
        `${configured}: no such user group in this workspace`,
        `correct ${configured}: a group's ID (S…) is on its page in Slack (People → User groups)`,
      );
    }
    return failed(SECTION, check, `${configured}: usergroups.users.list failed: ${problem}`, scopeOrRetry(err));
  }
}

async function userCheck(id: string, paths: string[], calls: Calls): Promise<DoctorCheck> {
  const check = `user ${id}`;
  const configured = paths.join(', ');
  const notFound = failed(
    SECTION,
    check,
    `${configured}: no such user in this workspace`,
    `correct ${configured}: a person's member ID (U… or W…) is in their profile → ⋮ → "Copy member ID"`,
  );
  const deactivated = failed(
    SECTION,
    check,
    `${configured}: the account is deactivated`,
    `name someone else in ${configured}`,
  );
  try {
    const r = await calls((c) => c.users.info({ user: id }));
    if (r.user?.deleted) return deactivated;
    return passed(SECTION, check, `${configured}: @${r.user?.name ?? id}`);
  } catch (err) {
    const problem = slackProblem(err);
    if (problem === 'user_not_found') return notFound;
    if (problem !== 'missing_scope')
      return failed(SECTION, check, `${configured}: users.info failed: ${problem}`, scopeOrRetry(err));
  }
  try {
    await calls((c) => c.conversations.open({ users: id }));
    return passed(SECTION, check, `${configured}: a DM to them opens (checked as escalation DMs are sent)`);
  } catch (err) {
    const problem = slackProblem(err);
    if (problem === 'user_not_found') return notFound;
    if (problem === 'user_disabled') return deactivated;
    return failed(SECTION, check, `${configured}: conversations.open failed: ${problem}`, scopeOrRetry(err));
  }
}

/** The fix of a call that failed for another reason than the check's own: a scope, or Slack itself. */
function scopeOrRetry(err: unknown): string {
  const needed = (err as { data?: { needed?: unknown } } | null)?.data?.needed;
  if (slackProblem(err) === 'missing_scope') {
    const scope = typeof needed === 'string' ? needed : 'the scope it needs';
    return `add ${scope} under "OAuth & Permissions" → Bot Token Scopes, ${REINSTALL}`;
  }
  return "run rewind doctor again; if it keeps failing, check Slack's status page and SLACK_API_URL";
}
