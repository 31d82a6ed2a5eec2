/**
 * Who may run a rollback (only `slack.approvers`). Approvers are user IDs
 * (U…, W…) or user-group IDs (S…); groups are resolved through the directory port and cached, so
 * a click does not wait on Slack every time. Every decision, allowed or refused, is audited.
 */
import type { Actor } from '../domain/types.ts';
import type { AuditRepository } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import type { UserGroupDirectory } from './ports.ts';

export interface AuthorizerOptions {
  approvers: readonly string[];
  directory: UserGroupDirectory;
  clock: Clock;
  /** Where every decision is written; nothing here reads it back. */
  audit: Pick<AuditRepository, 'record'>;
  /** How long a group's member list is trusted. Default 5 minutes. */
  cacheMs?: number;
  log?: { warn(obj: object, msg: string): void };
}

export type Authorization = { ok: true } | { ok: false; approvers: string[] };

const isGroup = (id: string) => id.startsWith('S');

export class Authorizer {
  private readonly cache = new Map<string, { members: Set<string>; at: number }>();
  private readonly cacheMs: number;

  constructor(private readonly options: AuthorizerOptions) {
    this.cacheMs = options.cacheMs ?? 5 * 60_000;
  }

  get approvers(): string[] {
    return [...this.options.approvers];
  }

  async isApprover(userId: string): Promise<boolean> {
    return (await this.check(userId)).allowed;
  }

  /**
   * Whether the user is an approver, and the approver groups whose members could not be listed (Slack
   * unreachable, no list known yet): a user in none of the others is refused, and the audit names them.
   */
  private async check(userId: string): Promise<{ allowed: boolean; uncheckedGroups: string[] }> {
    if (this.options.approvers.includes(userId)) return { allowed: true, uncheckedGroups: [] };
    const uncheckedGroups: string[] = [];
    for (const group of this.options.approvers.filter(isGroup)) {
      const members = await this.members(group);
      if (members?.has(userId)) return { allowed: true, uncheckedGroups: [] };
      if (!members) uncheckedGroups.push(group);
    }
    return { allowed: false, uncheckedGroups };
  }

  /**
   * Checks that `actor` may do `action` on `target` and writes the audit line either way. The bot
   * itself (an automatic rollback) is always allowed: config `autoRollback` is its approval.
   */
  async authorize(
    actor: Actor,
    action: string,
    target: string | null,
    detail: Record<string, unknown> = {},
  ): Promise<Authorization> {
    const { allowed, uncheckedGroups } =
      actor.kind === 'user' ? await this.check(actor.id) : { allowed: true, uncheckedGroups: [] };
    // A refusal because a group could not be listed is told apart in the audit from a plain "not an approver".
    const unchecked = uncheckedGroups.length > 0 ? { uncheckedGroups } : {};
    this.options.audit.record({
      at: this.options.clock.now(),
      actor,
      action,
      target,
      outcome: allowed ? 'allowed' : 'refused',
      detail: allowed ? detail : { ...detail, reason: 'not an approver', ...unchecked },
    });
    return allowed ? { ok: true } : { ok: false, approvers: this.approvers };
  }

  /** The group's members; null when Slack cannot list them and no earlier list is known. */
  private async members(group: string): Promise<Set<string> | null> {
    const now = this.options.clock.now();
    const hit = this.cache.get(group);
    if (hit && now - hit.at < this.cacheMs) return hit.members;
    try {
      const members = new Set(await this.options.directory.members(group));
      this.cache.set(group, { members, at: now });
      return members;
    } catch (err) {
      // Slack unreachable: keep trusting the last known list rather than locking everyone out;
      // with no list at all, nobody gets in through this group (fail closed).
      this.options.log?.warn({ group, err: (err as Error).message }, 'cannot resolve approver group');
      return hit?.members ?? null;
    }
  }
}
