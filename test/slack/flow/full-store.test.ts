/**
 * While the database refuses writes (a full disk: SQLITE_FULL at the store boundary, see
 * test/support/refuse-writes.ts), Rewind keeps answering through its real entry points, signed
 * Slack requests: read commands answer from what is stored; a command, a click or a dialog that
 * must save something is told plainly that nothing was changed, and nothing is; Slack's delivery
 * ids are remembered in memory, so a redelivery is still dropped; a Pause or Abort is held and
 * recorded before the rollback's next phase once writes work again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../../src/adapters/slack/ids.ts';
import BetterSqlite3 from 'better-sqlite3';
import { refuseWrites } from '../../support/refuse-writes.ts';
import { sqliteHandle } from '../../../src/store/index.ts';
import { eventually } from '../../support/run-cli.ts';
import { postSigned, slashCommandBody } from '../../support/slack-signing.ts';
import { LEAD, SECRET, startWorld, textOf, type World } from '../../support/world.ts';

const CANNOT_SAVE =
  '⚠️ Rewind cannot save anything right now: its disk is full; nothing was changed. Try again in a minute.';

let world: World | undefined;
let writesBack: (() => void) | undefined;
afterEach(async () => {
  writesBack?.();
  writesBack = undefined;
  await world?.stop();
  world = undefined;
});

/** The private answer a response_url got, once it arrives. */
const answerAt = (w: World, url: string) => eventually(() => w.slack.responsesTo(url)[0]?.body, 10_000);

describe('the database refuses writes', () => {
  it(
    'read commands answer; a command, a click and a dialog that must save are told plainly and change nothing; all ' +
      'works again after',
    async () => {
      world = await startWorld();
      const w = world;
      const incident = await w.openIncident();
      const store = w.rewind.store;
      await w.act({
        user: LEAD,
        actionId: ACTION.immediate,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: incident.slackTs ?? '',
      });
      const metadata = (w.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string }).private_metadata;
      writesBack = refuseWrites(sqliteHandle(store.db));

      const list = await w.command(LEAD, '/incident', 'list');
      expect(list.body.text).toContain(incident.id);
      expect((await w.command(LEAD, '/incident', `timeline ${incident.id}`)).body.text).toContain(incident.id);
      expect((await w.command(LEAD, '/rollback', 'status')).body.text).toContain('prompt-service');

      const ackUrl = w.slack.responseUrl();
      await w.command(LEAD, '/incident', `ack ${incident.id}`, ackUrl);
      expect(await answerAt(w, ackUrl)).toEqual({ response_type: 'ephemeral', text: CANNOT_SAVE });
      const clickUrl = w.slack.responseUrl();
      await w.act({
        user: LEAD,
        actionId: ACTION.acknowledge,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: incident.slackTs ?? '',
        responseUrl: clickUrl,
      });
      expect(await answerAt(w, clickUrl)).toEqual({
        response_type: 'ephemeral',
        replace_original: false,
        text: CANNOT_SAVE,
      });
      expect(store.incidents.get(incident.id)?.acknowledgedAt).toBeNull();

      // The confirmation dialog opened before: its submission cannot start anything, and says so.
      const ephemerals = w.slack.callsTo('chat.postEphemeral').length;
      await w.submit(LEAD, VIEW.confirmRollback, metadata);
      const told = await eventually(() => w.slack.callsTo('chat.postEphemeral')[ephemerals], 10_000);
      expect(told.args).toMatchObject({ channel: 'C0INCIDENT', user: LEAD, text: CANNOT_SAVE });
      expect(store.rollbacks.history()).toEqual([]);
      expect(
        w.slack
          .callsTo('chat.postEphemeral')
          .slice(ephemerals)
          .map((c) => c.args.text),
      ).toEqual([CANNOT_SAVE]);

      writesBack();
      writesBack = undefined;
      expect((await w.command(LEAD, '/incident', `ack ${incident.id}`)).body.text).toBe(
        `✋ You acknowledged ${incident.id}.`,
      );
      expect(store.incidents.get(incident.id)?.acknowledgedAt).not.toBeNull();
    },
  );

  it('says it in Japanese when the locale is ja', async () => {
    world = await startWorld({ config: (c) => (c.locale = 'ja') });
    const incident = await world.openIncident();
    writesBack = refuseWrites(sqliteHandle(world.rewind.store.db));
    const url = world.slack.responseUrl();
    await world.command(LEAD, '/incident', `ack ${incident.id}`, url);
    expect((await answerAt(world, url)).text).toBe(
      '⚠️ Rewind は今、何も保存できません（ディスクがいっぱいです）。何も変更していません。1 分ほどしてからもう一度お試しください。',
    );
  });

  it('a read-only or locked database is named as such, not as a full disk', async () => {
    world = await startWorld();
    const incident = await world.openIncident();
    for (const [code, why] of [
      ['SQLITE_READONLY', 'its database is read-only (SQLITE_READONLY)'],
      ['SQLITE_BUSY', 'another program holds its database (SQLITE_BUSY)'],
    ] as const) {
      writesBack = refuseWrites(
        sqliteHandle(world.rewind.store.db),
        code,
        code === 'SQLITE_BUSY' ? 'database is locked' : 'attempt to write a readonly database',
      );
      const url = world.slack.responseUrl();
      await world.command(LEAD, '/incident', `ack ${incident.id}`, url);
      expect((await answerAt(world, url)).text).toBe(
        `⚠️ Rewind cannot save anything right now: ${why}; nothing was changed. Try again in a minute.`,
      );
      writesBack();
      writesBack = undefined;
    }
  });

  it('delivery ids the database refuses are kept in memory: the delivery handled, its redelivery dropped', async () => {
    world = await startWorld();
    const repo = world.rewind.store.processedRequests;
    const full = () => {
      throw new BetterSqlite3.SqliteError('database or disk is full', 'SQLITE_FULL');
    };
    Object.assign(repo, { remember: full, prune: full });
    const complaint = slashCommandBody({
      command: '/rollback',
      text: 'complaint prompt-service answers in the wrong language',
      user_id: LEAD,
      channel_id: 'C0INCIDENT',
      response_url: world.slack.responseUrl(),
      trigger_id: '1111.2222.redelivered',
    });
    const first = await postSigned(world.url, complaint, { secret: SECRET });
    expect(first.status).toBe(200);
    expect(String(((await first.json()) as { text?: string }).text)).toContain('prompt-service');
    const again = await postSigned(world.url, complaint, { secret: SECRET }); // Slack's retry of the same delivery
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('');
    expect(world.rewind.store.complaints.count('prompt-service', 0, Number.MAX_SAFE_INTEGER)).toBe(1);
  });
});

describe('a Pause or Abort while the database refuses writes', () => {
  const vsPath = '/apis/networking.istio.io/v1/namespaces/prompts/virtualservices/prompt-service';
  const phases = (w: World) =>
    w.kube!.writes().filter((r) => r.path === vsPath && r.method === 'PUT' && r.status === 200).length;
  const statusOf = (w: World) => w.rewind.store.rollbacks.history()[0]?.status;
  const timeline = (w: World, id: string) =>
    w.rewind.store.incidents.timeline(id).map((e) => `${e.kind} ${e.actor.id}`);

  it(
    'is held, recorded before the next phase once writes work again, and said in the thread; an Abort outranks a ' +
      'Pause',
    async () => {
      world = await startWorld({ kube: { split: { 'v2.0.0': 50, 'v1.5.0': 50, 'v1.0.0': 0 } } });
      const w = world;
      const incident = await w.openIncident();
      await w.act({
        user: LEAD,
        actionId: ACTION.gradual,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: incident.slackTs ?? '',
      });
      await w.submit(
        LEAD,
        VIEW.confirmRollback,
        (w.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string }).private_metadata,
      );
      await w.runUntil(() => phases(w) === 1, { maxMs: 10 * 60_000 });
      const rollbackId = w.rewind.store.rollbacks.history()[0]?.id ?? '';

      writesBack = refuseWrites(sqliteHandle(w.rewind.store.db));
      const url = w.slack.responseUrl();
      await w.act({
        user: LEAD,
        actionId: ACTION.pause,
        value: rollbackId,
        blockId: BLOCK.rollbackControls,
        messageTs: incident.slackTs ?? '',
        responseUrl: url,
      });
      expect(String((await answerAt(w, url)).text)).toContain(
        `Rewind cannot save anything right now: its disk is full, so ${rollbackId} is *not paused yet*. It takes no ` +
          `further step`,
      );
      // Phase 1 is observed for 10 minutes: 15 pass and nothing moves while nothing can be recorded.
      await w.runUntil(() => false, { stepMs: 5_000, maxMs: 15 * 60_000 }).catch(() => undefined);
      expect([phases(w), statusOf(w)]).toEqual([1, 'running']);

      writesBack();
      writesBack = undefined;
      await w.runUntil(() => statusOf(w) === 'paused', { stepMs: 1_000, maxMs: 2 * 60_000 });
      expect(phases(w)).toBe(1);
      expect(timeline(w, incident.id)).toContain(`rollback_pause ${LEAD}`);
      expect(
        w.rewind.store.audit
          .list({})
          .filter((e) => e.action === 'rollback.pause')
          .map((e) => e.detail),
      ).toEqual([{ rollbackId, held: true }]);
      await w.runUntil(
        () =>
          w.slack
            .callsTo('chat.postMessage')
            .some((c) => c.args.thread_ts === incident.slackTs && textOf(c).includes('paused')),
        { maxMs: 60_000 },
      );

      // Resumed: phase 2 starts once phase 1's observation is over (the ceiling is a whole window, so
      // a busy machine that resumed inside it is waited for, not raced). Then, writes refused again,
      // `/rollback pause` and `/rollback abort`: the Abort is what lands, and phase 3 never starts.
      await w.act({
        user: LEAD,
        actionId: ACTION.resume,
        value: rollbackId,
        blockId: BLOCK.rollbackControls,
        messageTs: incident.slackTs ?? '',
      });
      expect(statusOf(w)).toBe('running');
      await w.runUntil(() => phases(w) === 2, { maxMs: 11 * 60_000 });
      writesBack = refuseWrites(sqliteHandle(w.rewind.store.db));
      const pauseUrl = w.slack.responseUrl();
      await w.command(LEAD, '/rollback', 'pause prompt-service', pauseUrl);
      const abortUrl = w.slack.responseUrl();
      await w.command(LEAD, '/rollback', 'abort prompt-service', abortUrl);
      expect(String((await answerAt(w, abortUrl)).text)).toContain(`so ${rollbackId} is *not aborted yet*`);
      writesBack();
      writesBack = undefined;
      await w.runUntil(() => statusOf(w) === 'aborted', { stepMs: 1_000, maxMs: 2 * 60_000 });
      await w.runUntil(() => false, { stepMs: 5_000, maxMs: 15 * 60_000 }).catch(() => undefined);
      expect(phases(w)).toBe(2);
      expect(
        timeline(w, incident.id).filter((e) => ['rollback_pause', 'rollback_abort'].includes(e.split(' ')[0] ?? '')),
      ).toEqual([`rollback_pause ${LEAD}`, `rollback_abort ${LEAD}`]);
    },
  );
});

describe('a message Slack took while its place could not be recorded', () => {
  it(
    'the head message and the stakeholder notice are not posted twice: their place is kept in memory and recorded ' +
      'once writes work',
    async () => {
      world = await startWorld();
      const w = world;
      let n = 0;
      const answered: Array<{ channel: string; thread: unknown; ts: string }> = [];
      // The disk fills the moment Slack takes the first post (the head, or the stakeholder notice beside it): from then
      // on no place can be stored.
      w.slack.handle('chat.postMessage', (args) => {
        n++;
        if (n === 1) writesBack = refuseWrites(sqliteHandle(w.rewind.store.db));
        const ts = `1767600000.00${String(n).padStart(4, '0')}`;
        answered.push({ channel: String(args.channel), thread: args.thread_ts, ts });
        return { body: { ok: true, channel: String(args.channel), ts } };
      });
      const { incident } = w.rewind.services.incidents.open(
        {
          service: 'prompt-service',
          version: 'v2.0.0',
          severity: 'warning',
          title: 'error_rate 7.2% > 5%',
          drill: false,
          breaches: [],
        },
        { kind: 'system', id: 'test' },
      );
      await eventually(() => w.slack.callsTo('chat.postMessage').length > 0 || undefined, 10_000);
      // The outbox tries again meanwhile (its sent mark could not be written either): no second head.
      await w.runUntil(() => false, { maxMs: 2 * 60_000 }).catch(() => undefined);
      const heads = () =>
        w.slack
          .callsTo('chat.postMessage')
          .filter((c) => c.args.thread_ts === undefined && c.args.channel === w.rewind.config.slack.incidentChannel);
      expect(heads()).toHaveLength(1);
      expect(w.rewind.store.incidents.get(incident.id)?.slackTs ?? null).toBeNull();

      writesBack?.();
      writesBack = undefined;
      w.rewind.services.incidents.transition(incident.id, 'awaiting_decision', { kind: 'system', id: 'test' });
      await w.settle();
      expect(heads()).toHaveLength(1);
      // The stakeholder notice beside it, the same: one post, then updates.
      expect(
        w.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === w.rewind.config.slack.stakeholderChannel),
      ).toHaveLength(1);
      const headTs = answered.find(
        (a) => a.channel === w.rewind.config.slack.incidentChannel && a.thread === undefined,
      )?.ts;
      expect(headTs).toBeDefined();
      expect(w.rewind.store.incidents.get(incident.id)?.slackTs).toBe(headTs);
      expect(w.slack.callsTo('chat.update').at(-1)?.args.ts).toBe(headTs);
    },
  );
});
