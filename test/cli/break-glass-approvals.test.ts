/**
 * `slack.requiredApprovals: 2` from the command line, as in Slack: the first approver's command
 * records the request and their approval and says a second, different approver must confirm; the
 * same person again is refused; a second approver (here one in an approver group, which Slack
 * lists) starts it. The thread notes are written in the config's language.
 */
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, LEAD, SERVICE_PATH, startRig, type Rig } from './break-glass-rig.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const OS_USER = os.userInfo().username;

function queuedNotes(r: Rig): string[] {
  return (
    r.store.db
      .prepare(`SELECT payload FROM outbox WHERE kind = 'thread' AND sent_at IS NULL ORDER BY id`)
      .all() as Array<{ payload: string }>
  ).map((row) => (JSON.parse(row.payload) as { text: string }).text);
}

describe('two approvals from the command line', () => {
  it('records the first, refuses the same approver again, and starts on the second', { timeout: 60_000 }, async () => {
    rig = await startRig({
      config: (c) => {
        c.slack.requiredApprovals = 2;
        c.locale = 'ja';
      },
    });
    const command = ['rollback', 'immediate', 'prompt-service', '--yes'];
    const first = await rig.run([...command, '--as', LEAD]);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain('approvals: 2 different approvers must confirm; this records yours');
    expect(first.out).toMatch(
      /Recorded the approval of U0LEAD for (RB-\d{8}-\d{3}) \(immediate, prompt-service v2\.0\.0 → v1\.5\.0\): 1 of 2\. A second, different approver starts it with the same command and their own --as \(rewind rollback immediate prompt-service --as <their Slack user ID>\), or with Approve in the incident's thread\./,
    );
    const [pending] = rig.store.rollbacks.history();
    expect(pending?.status).toBe('pending');
    expect(rig.kube.writes()).toEqual([]);
    // Nothing started: the thread is told it waits for a second approval, as from Slack, and not that it started.
    const waiting = queuedNotes(rig);
    expect(waiting.some((n) => n.startsWith('🔐 ') && n.includes('承認が 2 件必要です（現在 1 件）'))).toBe(true);
    expect(waiting.filter((n) => n.startsWith('🔁 '))).toEqual([]);

    const again = await rig.run([...command, '--as', LEAD]);
    expect(again.code).toBe(1);
    expect(again.err).toBe(
      `rewind rollback: rollback ${pending?.id} was already approved or requested by you; the next approval ` +
        'must come from another approver',
    );
    expect(rig.store.approvals.count(pending?.id ?? '')).toBe(1);

    const second = await rig.run([...command, '--as', ALICE]);
    expect(second.err).toBe('');
    expect(second.code).toBe(0);
    expect(second.out).toContain(`Started ${pending?.id} (immediate, prompt-service v2.0.0 → v1.5.0) as ${ALICE}.`);
    expect(rig.store.rollbacks.get(pending?.id ?? '')?.status).toBe('succeeded');
    expect(rig.kube.writes().map((w) => [w.method, w.path])).toEqual([['PATCH', SERVICE_PATH]]);
    expect(rig.store.approvals.list(pending?.id ?? '').map((a) => a.approver)).toEqual([LEAD, ALICE]);
    const approvals = rig.store.incidents
      .timeline(pending?.incidentId ?? '')
      .filter((e) => e.kind === 'approval')
      .map((e) => [e.actor.id, e.actor.via?.kind, e.kind === 'approval' ? `${e.detail.have}/${e.detail.need}` : '']);
    expect(approvals).toEqual([
      [LEAD, 'cli', '1/2'],
      [ALICE, 'cli', '2/2'],
    ]);
    // Asked for the group's members once Slack answered.
    expect(rig.slack.callsTo('usergroups.users.list').map((c) => c.args.usergroup)).toContain('S0SRE');

    const notes = queuedNotes(rig);
    expect(
      notes.some((n) => n.startsWith(`🔐 <@${LEAD}>（コマンドラインから、ログインユーザー ${OS_USER} として）`)),
    ).toBe(true);
    expect(
      notes.some((n) => n.startsWith(`✅ <@${ALICE}>（コマンドラインから、ログインユーザー ${OS_USER} として）`)),
    ).toBe(true);
  });
});
