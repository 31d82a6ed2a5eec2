/** Approver user groups resolved through Slack's `usergroups.users.list` (scope usergroups:read). */
import type { WebClient } from '@slack/web-api';
import type { UserGroupDirectory } from '../../services/ports.ts';

export class SlackUserGroups implements UserGroupDirectory {
  constructor(private readonly client: WebClient) {}

  async members(groupId: string): Promise<string[]> {
    const r = await this.client.usergroups.users.list({ usergroup: groupId });
    return r.users ?? [];
  }
}
