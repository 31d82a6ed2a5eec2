/**
 * A request whose transaction the database refuses leaves nothing behind, through the real entry
 * points (signed Slack requests), on both stores: the rollback's row, its approval, its claim and
 * the notes saying it started commit together or not at all, so "nothing was changed" is true and
 * the same request works when tried again. The same holds for an RCA draft and the upload it
 * promises. The refusal is the database's own (a lock whose wait ran out), injected into one
 * statement in the middle of the transaction: test/support/refuse-statements.ts.
 */
import { afterEach, expect, it } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import type { Store } from '../../../src/store/index.ts';
import { eventually } from '../../support/run-cli.ts';
import { refuseStatements } from '../../support/refuse-statements.ts';
import { describeStores } from '../../support/stores.ts';
import type { Incident } from '../../../src/domain/types.ts';
import { ALICE, LEAD, startWorld, textOf, type World } from '../../support/world.ts';

let world: World | undefined;
let restore: (() => void) | undefined;
afterEach(async () => {
  restore?.();
  restore = undefined;
  await world?.stop();
  world = undefined;
});

const NOTHING_CHANGED = 'nothing was changed. Try again in a minute.';
/** The insert of the start watchdog: the last write of a claim, after the row, the approval and the notes. */
const watchdogInsert = (sql: string, params: string) =>
  /INSERT INTO timers/i.test(sql) && params.includes('rollback_start');
const count = (store: Store, sql: string, ...params: unknown[]) =>
  Number((store.db.prepare(sql).get(...params) as { n: number | string }).n);
const outboxSize = (store: Store) => count(store, 'SELECT count(*) AS n FROM outbox');
const timelineKinds = (store: Store, incidentId: string) => store.incidents.timeline(incidentId).map((e) => e.kind);

/** Opens the confirmation dialog for `user` and returns its metadata, as Slack gives it back on submit. */
async function dialogFor(w: World, incident: Incident, user: string): Promise<string> {
  const before = w.slack.callsTo('views.open').length;
  await w.act({
    user,
    actionId: ACTION.immediate,
    value: incident.id,
    blockId: BLOCK.decisions,
    messageTs: incident.slackTs ?? '',
  });
  const opened = await eventually(() => w.slack.callsTo('views.open')[before], 10_000);
  return (opened.args.view as { private_metadata: string }).private_metadata;
}

/** Submits the dialog and returns the private answer the person got. */
async function confirm(w: World, user: string, metadata: string): Promise<string> {
  const before = w.slack.callsTo('chat.postEphemeral').length;
  await w.submit(user, VIEW.confirmRollback, metadata);
  const told = await eventually(() => w.slack.callsTo('chat.postEphemeral')[before], 10_000);
  return textOf(told);
}

describeStores('a request the database refuses', (store) => {
  it('a refused rollback start changes nothing and says so; confirming again starts it, once', async () => {
    world = await startWorld({ store });
    const w = world;
    const incident = await w.openIncident();
    const metadata = await dialogFor(w, incident, LEAD);
    await w.settle();
    const queued = outboxSize(w.rewind.store);
    const timeline = timelineKinds(w.rewind.store, incident.id);

    const refusal = refuseStatements(w.rewind.store.db, watchdogInsert);
    restore = refusal.restore;
    expect(await confirm(w, LEAD, metadata)).toContain(NOTHING_CHANGED);
    expect(refusal.refused).toBeGreaterThan(0);
    refusal.restore();
    restore = undefined;
    // Nothing of the request is kept: no row, no approval, no timeline line, no note queued for the thread or
    // the stakeholder channel, and the engine never ran.
    expect(w.rewind.store.rollbacks.history()).toEqual([]);
    expect(count(w.rewind.store, 'SELECT count(*) AS n FROM approvals')).toBe(0);
    expect(timelineKinds(w.rewind.store, incident.id)).toEqual(timeline);
    expect(outboxSize(w.rewind.store)).toBe(queued);
    expect(w.engine.started).toHaveLength(0);

    expect(await confirm(w, LEAD, metadata)).toContain('prompt-service');
    const [rollback] = w.rewind.store.rollbacks.history();
    expect(rollback?.status).not.toBe('pending');
    expect(w.engine.started).toHaveLength(1);
    expect(w.rewind.store.approvals.list(rollback?.id ?? '').map((a) => a.approver)).toEqual([LEAD]);
  });

  it('a second approval whose claim is refused is not kept; the same approver again starts it', async () => {
    world = await startWorld({ store, config: (c) => (c.slack.requiredApprovals = 2) });
    const w = world;
    const incident = await w.openIncident();
    const lead = await dialogFor(w, incident, LEAD);
    const alice = await dialogFor(w, incident, ALICE);
    expect(await confirm(w, LEAD, lead)).toContain('1/2');
    const [pending] = w.rewind.store.rollbacks.history();
    await w.settle();
    const queued = outboxSize(w.rewind.store);

    const refusal = refuseStatements(w.rewind.store.db, watchdogInsert);
    restore = refusal.restore;
    expect(await confirm(w, ALICE, alice)).toContain(NOTHING_CHANGED);
    refusal.restore();
    restore = undefined;
    expect(w.rewind.store.rollbacks.get(pending?.id ?? '')?.status).toBe('pending');
    expect(w.rewind.store.approvals.list(pending?.id ?? '').map((a) => a.approver)).toEqual([LEAD]);
    expect(outboxSize(w.rewind.store)).toBe(queued);

    // Not "you already approved", not "already in progress": her approval is the second, and it starts.
    expect(await confirm(w, ALICE, alice)).toContain('prompt-service');
    expect(w.rewind.store.rollbacks.get(pending?.id ?? '')?.status).not.toBe('pending');
    expect(
      w.rewind.store.approvals
        .list(pending?.id ?? '')
        .map((a) => a.approver)
        .sort(),
    ).toEqual([ALICE, LEAD]);
    expect(w.engine.started).toHaveLength(1);
  });

  it('an RCA draft whose timeline line is refused is not kept; the next ask uploads it', async () => {
    world = await startWorld({ store });
    const w = world;
    const incident = await w.openIncident();
    const rcaLine = (sql: string, params: string) =>
      /INSERT INTO timeline_events/i.test(sql) && params.includes('rca_drafted');
    const refusal = refuseStatements(w.rewind.store.db, rcaLine);
    restore = refusal.restore;
    const url = w.slack.responseUrl();
    await w.command(LEAD, '/incident', `rca ${incident.id}`, url);
    const told = await eventually(() => w.slack.responsesTo(url)[0]?.body, 10_000);
    expect(String((told as { text?: unknown }).text)).toContain(NOTHING_CHANGED);
    refusal.restore();
    restore = undefined;
    await w.settle();
    expect(w.rewind.store.rcaDrafts.get(incident.id)).toBeNull();
    expect(w.slack.callsTo('files.completeUploadExternal')).toHaveLength(0);

    // Not "already posted": nothing was.
    const answer = await w.command(LEAD, '/incident', `rca ${incident.id}`);
    expect(answer.body.text).toContain('RCA draft');
    await w.settle();
    expect(w.slack.callsTo('files.completeUploadExternal')).toHaveLength(1);
    expect(w.rewind.store.rcaDrafts.get(incident.id)).not.toBeNull();
  });
});
