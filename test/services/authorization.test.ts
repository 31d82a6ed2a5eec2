import { afterEach, describe, expect, it } from 'vitest';
import { Authorizer } from '../../src/services/authorization.ts';
import { ManualClock } from '../../src/clock.ts';
import { openStore, type Store } from '../../src/store/index.ts';

let store: Store;
afterEach(() => store?.close());

function setup() {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9));
  store = openStore(':memory:', { clock });
  const lookups: string[] = [];
  const directory = {
    members: { S0SRE: ['U0ALICE'] } as Record<string, string[]>,
    failing: false,
    async members_(group: string) {
      lookups.push(group);
      if (this.failing) throw new Error('slack unreachable');
      return this.members[group] ?? [];
    },
  };
  const authorizer = new Authorizer({
    approvers: ['S0SRE', 'U0LEAD'],
    directory: { members: (g) => directory.members_(g) },
    clock,
    audit: store.audit,
    cacheMs: 5 * 60_000,
  });
  return { clock, authorizer, directory, lookups };
}

describe('Authorizer', () => {
  it('allows listed users and members of listed groups, and nobody else', async () => {
    const { authorizer } = setup();
    expect(await authorizer.isApprover('U0LEAD')).toBe(true);
    expect(await authorizer.isApprover('U0ALICE')).toBe(true);
    expect(await authorizer.isApprover('U0MALLORY')).toBe(false);
  });

  it('caches a group for five minutes, then asks again', async () => {
    const { authorizer, clock, directory, lookups } = setup();
    await authorizer.isApprover('U0ALICE');
    await authorizer.isApprover('U0ALICE');
    expect(lookups).toEqual(['S0SRE']);
    directory.members.S0SRE = ['U0BOB'];
    await clock.advance(5 * 60_000);
    expect(await authorizer.isApprover('U0ALICE')).toBe(false);
    expect(await authorizer.isApprover('U0BOB')).toBe(true);
    expect(lookups).toEqual(['S0SRE', 'S0SRE']);
  });

  it('keeps the last known members when Slack is unreachable, and fails closed without any', async () => {
    const { authorizer, clock, directory } = setup();
    directory.failing = true;
    expect(await authorizer.isApprover('U0ALICE')).toBe(false); // never resolved: nobody gets in through the group
    directory.failing = false;
    expect(await authorizer.isApprover('U0ALICE')).toBe(true);
    directory.failing = true;
    await clock.advance(10 * 60_000);
    expect(await authorizer.isApprover('U0ALICE')).toBe(true);
  });

  it('audits every decision; the bot itself is always allowed', async () => {
    const { authorizer } = setup();
    expect(
      await authorizer.authorize({ kind: 'user', id: 'U0MALLORY' }, 'rollback.immediate', 'prompt-service'),
    ).toEqual({ ok: false, approvers: ['S0SRE', 'U0LEAD'] });
    expect(await authorizer.authorize({ kind: 'bot', id: 'rewind' }, 'rollback.immediate', 'prompt-service')).toEqual({
      ok: true,
    });
    expect(store.audit.list({}).map((a) => [a.actor.id, a.action, a.outcome, a.detail])).toEqual([
      ['rewind', 'rollback.immediate', 'allowed', {}],
      ['U0MALLORY', 'rollback.immediate', 'refused', { reason: 'not an approver' }],
    ]);
  });
});
