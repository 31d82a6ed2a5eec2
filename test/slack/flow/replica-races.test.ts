/**
 * Two bots on one PostgreSQL database, and the other replica's request landing at the worst moment
 * of this one's: between its check and its write. Every top-level transaction on PostgreSQL takes
 * the store's writer lock, so a check and its write in one transaction leave no such moment — the
 * other replica waits for the lock (and, held past its lock timeout, is refused and told nothing
 * was changed) instead of acting on what this one is about to change. Timing is not raced: the
 * other replica's request is made from inside this one's write, synchronously.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import type { Outcome } from '../../../src/services/refusals.ts';
import type { RcaDraftOutcome } from '../../../src/services/rca.ts';
import { storeRefusal } from '../../../src/store/index.ts';
import { STORE_KINDS } from '../../support/stores.ts';
import { eventually } from '../../support/run-cli.ts';
import { ALICE, LEAD, startWorld, textOf, type World } from '../../support/world.ts';

let worlds: World[] = [];
afterEach(async () => {
  // The replica first: the first world owns the stand-ins both use.
  for (const w of worlds.reverse()) await w.stop();
  worlds = [];
});

describe.skipIf(!STORE_KINDS.includes('postgres'))('two replicas on one PostgreSQL database', () => {
  it('an RCA click on the other replica between this one’s repeat check and its save uploads nothing', async () => {
    const first = await startWorld({ store: 'postgres' });
    worlds.push(first);
    const second = await startWorld({ replicaOf: first });
    worlds.push(second);
    const incident = await first.openIncident();

    const drafts = first.rewind.store.rcaDrafts;
    const save = drafts.save.bind(drafts);
    let other: Outcome<RcaDraftOutcome> | Error | null = null;
    drafts.save = (...args) => {
      if (other === null) {
        try {
          other = second.rewind.services.rca.draft(incident.id, { kind: 'user', id: ALICE });
        } catch (err) {
          other = err as Error;
        }
      }
      save(...args);
    };
    const answer = await first.command(LEAD, '/incident', `rca ${incident.id}`);
    expect(answer.body.text).toContain('RCA draft');
    await first.settle();
    await second.settle();

    // The other replica could not act on a check this one was about to make stale: it waited for the writer lock,
    // past its lock timeout, and its person is told nothing was changed.
    expect(first.slack.callsTo('files.completeUploadExternal')).toHaveLength(1);
    const lines = first.rewind.store.incidents.timeline(incident.id).filter((e) => e.kind === 'rca_drafted');
    expect(lines).toHaveLength(1);
    expect(other).toBeInstanceOf(Error);
    expect(storeRefusal(other)?.reason).toBe('locked');
  });

  it('the other replica creating the request between this one’s check and create: this approval counts', async () => {
    const first = await startWorld({ store: 'postgres', config: (c) => (c.slack.requiredApprovals = 2) });
    worlds.push(first);
    const second = await startWorld({ replicaOf: first });
    worlds.push(second);
    const incident = await first.openIncident();
    await first.act({
      user: LEAD,
      actionId: ACTION.immediate,
      value: incident.id,
      blockId: BLOCK.decisions,
      messageTs: incident.slackTs ?? '',
    });
    const metadata = (first.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string }).private_metadata;

    // The other replica's approver confirmed the same rollback a moment before: its row goes in (as its own check,
    // made before this one's create, allows) from inside this one's create.
    const rollbacks = first.rewind.store.rollbacks;
    const create = rollbacks.create.bind(rollbacks);
    let other: unknown = null;
    rollbacks.create = (input) => {
      if (other === null) {
        try {
          other = second.rewind.store.rollbacks.create({ ...input, startedBy: ALICE });
        } catch (err) {
          other = err;
        }
      }
      return create(input);
    };
    const before = first.slack.callsTo('chat.postEphemeral').length;
    await first.submit(LEAD, VIEW.confirmRollback, metadata);
    const told = await eventually(() => first.slack.callsTo('chat.postEphemeral')[before], 10_000);

    // Not "already in progress" with the approval dropped: the other create waited for the lock and was refused,
    // and this approval is the request's first.
    expect(textOf(told)).toContain('1/2');
    const [pending] = first.rewind.store.rollbacks.history();
    expect(first.rewind.store.approvals.list(pending?.id ?? '').map((a) => a.approver)).toEqual([LEAD]);
    expect(storeRefusal(other)?.reason).toBe('locked');
  });

  it('the other replica telling the stakeholders between this one’s look at the outbox and its queueing', async () => {
    const first = await startWorld({ store: 'postgres' });
    worlds.push(first);
    const second = await startWorld({ replicaOf: first });
    worlds.push(second);
    const outbox = first.rewind.store.outbox;
    const lastWaiting = outbox.lastWaiting.bind(outbox);
    let other: unknown = null;
    outbox.lastWaiting = (queue, kind) => {
      const found = lastWaiting(queue, kind);
      if (kind === 'stakeholder' && other === null) {
        const incidentId = queue.slice(queue.indexOf(':') + 1);
        try {
          second.rewind.presenter.stakeholderNotice(incidentId);
          other = 'queued';
        } catch (err) {
          other = err;
        }
      }
      return found;
    };
    // A warning incident: the stakeholder channel hears of it (test/slack/flow/stakeholders.test.ts).
    await first.openIncident();
    await first.settle();
    await second.settle();

    const notices = first.rewind.store.db.prepare(`SELECT count(*) AS n FROM outbox WHERE kind = 'stakeholder'`);
    expect(Number((notices.get() as { n: number | string }).n)).toBe(1);
    expect(first.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0STAKEHOLDERS')).toHaveLength(1);
    expect(storeRefusal(other)?.reason).toBe('locked');
  });

  it('the same matrix answer on the other replica between this one’s read and its merge: told once', async () => {
    const first = await startWorld({ store: 'postgres' });
    worlds.push(first);
    const second = await startWorld({ replicaOf: first });
    worlds.push(second);
    const incident = await first.openIncident();
    const lead = { kind: 'user', id: LEAD } as const;
    first.rewind.services.decisions.assess(incident.id, { userImpact: 'partial', businessImpact: 'high' }, lead);
    const last = { fixTime: 'long' } as const;

    const assessments = first.rewind.store.assessments;
    const merge = assessments.merge.bind(assessments);
    let other: unknown = null;
    assessments.merge = (...args) => {
      if (other === null) {
        try {
          other = second.rewind.services.decisions.assess(incident.id, last, lead);
        } catch (err) {
          other = err;
        }
      }
      return merge(...args);
    };
    await first.act({
      user: LEAD,
      actionId: ACTION.fixTime,
      blockId: BLOCK.matrix,
      selectedOption: { text: 'long', value: 'long' },
      messageTs: incident.slackTs ?? '',
    });
    await first.settle();

    const notes = first.rewind.store.incidents.timeline(incident.id).filter((e) => e.kind === 'assessment');
    expect(notes).toHaveLength(1);
    expect(storeRefusal(other)?.reason).toBe('locked');
  });
});
