/**
 * The playground's workspace: the people the visitor can act as (an approver, a non-approver and
 * the manager, so refusals can be seen), the escalation contacts, the user groups the shipped
 * config names, and the channels the bot is in. The Slack stand-in answers from it as Slack would.
 */
import type { Config } from '../config/schema.ts';
import type { SlackWorkspace } from '../demo/stand-ins/slack-api.ts';

export interface Person {
  id: string;
  name: string;
  /** What the user picker says about them. */
  role: string;
  /** Whether the visitor can act as them (the picker lists only these). */
  actor: boolean;
}

export const PEOPLE: readonly Person[] = [
  { id: 'U0LEAD', name: 'Aiko Tanaka', role: 'incident lead, approver', actor: true },
  { id: 'U0DEV', name: 'Ken Sato', role: 'developer, not an approver', actor: true },
  { id: 'U0MANAGER', name: 'Mika Ito', role: 'engineering manager', actor: true },
  { id: 'U0SRE', name: 'Ryo Kimura', role: 'SRE, approver through @sre', actor: false },
  { id: 'U0SENIOR', name: 'Yuki Mori', role: 'senior engineer', actor: false },
];

/** User groups by id: the shipped config's approver group and first escalation level. */
export const GROUPS: Record<string, { handle: string; members: string[] }> = {
  S0SRE: { handle: 'sre', members: ['U0LEAD', 'U0SRE'] },
  S0SENIOR: { handle: 'senior-engineers', members: ['U0SENIOR'] },
};

export const personName = (id: string) => PEOPLE.find((p) => p.id === id)?.name ?? id;

/** Channel names by id, as the sidebar shows them. */
export function channelNames(config: Config): Record<string, string> {
  return {
    [config.slack.incidentChannel]: 'incident',
    [config.slack.stakeholderChannel]: 'stakeholders',
    [config.slack.drillChannel]: 'drills',
  };
}

export function workspaceOf(config: Config, botUserId: string): SlackWorkspace {
  const channels = Object.fromEntries(
    Object.entries(channelNames(config)).map(([id, name]) => [id, { name, isMember: true }]),
  );
  return {
    scopes: ['commands', 'chat:write', 'im:write', 'usergroups:read', 'files:write', 'channels:read', 'groups:read'],
    channels,
    userGroups: Object.fromEntries(Object.entries(GROUPS).map(([id, g]) => [id, g.members])),
    users: Object.fromEntries([...PEOPLE.map((p) => [p.id, { name: p.name }]), [botUserId, { name: 'rewind' }]]),
  };
}
