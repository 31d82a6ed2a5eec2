/**
 * Rollback drills end to end: the quarterly schedule on the compressed clock
 * (announcement, reminder, start — exactly once each, across a restart; missed when Rewind was
 * down), a full simulated drill from `/drill run` through detection, a signed decision click, the
 * real engine's rollback on the Kubernetes API stand-in, verification and the scorecard, the fault
 * removed; the istio-fault injector healed at start-up after a crash; and the refusals.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, COMMAND, VIEW, drillRateActionId } from '../../../src/adapters/slack/ids.ts';
import type { StoredFault } from '../../../src/services/drill-ports.ts';
import type { DrillScores } from '../../../src/services/drills.ts';
import {
  ALICE,
  LEAD,
  MALLORY,
  actionIds,
  startWorld,
  textOf,
  type ConfigDoc,
  type World,
} from '../../support/world.ts';

const MIN = 60_000;
const DRILLS = 'C0DRILLS';
let world: World;
afterEach(async () => world?.stop());

const drillPosts = (w: World) => w.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === DRILLS);
const lastResponse = (w: World) => String(w.slack.responses.at(-1)?.body.text ?? '');

/** Drills on prompt-service itself (the world's stand-in cluster serves it), simulated fault, people decide. */
const drillsOnPromptService =
  (injector: ConfigDoc['drills']['injector'] = { kind: 'simulated' }) =>
  (c: ConfigDoc) => {
    c.services['prompt-service'].drill = 'allowed';
    c.drills.service = 'prompt-service';
    c.drills.injector = injector;
    c.triggers.autoRollback = 'off';
  };

describe('the quarterly schedule', () => {
  // T0 is 2026-01-05 09:00Z; the next "0 10 1 1,4,7,10 *" in Asia/Tokyo is 2026-04-01 10:00 JST = 01:00Z.
  const AT = Date.UTC(2026, 3, 1, 1, 0);

  it('announces 7 days ahead, reminds on the day, starts at its time, once each, across a restart', async () => {
    world = await startWorld({ config: (c) => (c.drills.injector = { kind: 'simulated' }) });
    const [armed] = world.rewind.store.drills.list();
    expect(armed).toMatchObject({
      id: 'DRILL-20260401-001',
      scenario: 'high-error-rate',
      status: 'scheduled',
      scheduledFor: AT,
      service: 'prompt-service-staging',
    });

    world.clock.jumpTo(AT - 7 * 24 * 60 * MIN - MIN);
    await world.runUntil(() => false, { stepMs: 10_000, maxMs: 50_000 }).catch(() => undefined);
    expect(drillPosts(world)).toEqual([]); // not before its time
    await world.runUntil(() => drillPosts(world).length > 0, { maxMs: 2 * MIN });
    const announcement = drillPosts(world)[0];
    expect(textOf(announcement)).toContain('DRILL-20260401-001');
    expect(actionIds(announcement)).toContain(ACTION.drillPrep);
    expect(world.rewind.store.drills.get('DRILL-20260401-001')?.status).toBe('announced');
    // The preparation checklist is ticked in Slack and kept in the database.
    await world.act({
      user: ALICE,
      actionId: ACTION.drillPrep,
      blockId: `${BLOCK.drillPrep}:DRILL-20260401-001`,
      messageTs: '1700000000.000001',
      checked: ['prep.scenario', 'prep.notify'],
    });
    expect(world.rewind.store.drills.checked('DRILL-20260401-001', 'preparation')).toEqual([
      'prep.notify',
      'prep.scenario',
    ]);

    await world.restart();
    world.clock.jumpTo(AT - 61 * MIN);
    await world.runUntil(() => drillPosts(world).length >= 2, { stepMs: 10_000, maxMs: 5 * MIN });
    await world.runUntil(() => world.rewind.store.drills.get('DRILL-20260401-001')?.status === 'running', {
      stepMs: 10_000,
      maxMs: 62 * MIN,
    });
    await world.runUntil(() => false, { stepMs: 10_000, maxMs: 2 * MIN }).catch(() => undefined);

    const posts = drillPosts(world);
    expect(posts.filter((c) => c.args.thread_ts === undefined && actionIds(c).includes(ACTION.drillPrep))).toHaveLength(
      1,
    ); // one announcement
    const thread = posts.filter((c) => c.args.thread_ts !== undefined);
    expect(new Set(thread.map((c) => c.args.thread_ts)).size).toBe(1); // all under the announcement
    // one reminder, in the thread
    expect(thread.filter((c) => actionIds(c).includes(ACTION.drillPrep))).toHaveLength(1);
    expect(thread.filter((c) => actionIds(c).includes(ACTION.drillAbort))).toHaveLength(1); // one start
    const started = world.rewind.store.drills.get('DRILL-20260401-001');
    expect(started?.startedAt).toBe(AT);
    // The next quarter is armed with the next scenario.
    expect(world.rewind.store.drills.list()[0]).toMatchObject({
      id: 'DRILL-20260701-001',
      scenario: 'latency-spike',
      status: 'scheduled',
    });
  });

  it('cancelling the scheduled drill (/drill abort <id>) arms the next quarter at once', async () => {
    world = await startWorld({ config: (c) => (c.drills.injector = { kind: 'simulated' }) });
    await world.command(MALLORY, COMMAND.drill, 'abort DRILL-20260401-001');
    // not an approver: nothing changed
    expect(world.rewind.store.drills.get('DRILL-20260401-001')?.status).toBe('scheduled');
    await world.command(LEAD, COMMAND.drill, 'abort DRILL-20260401-001');
    expect(world.rewind.store.drills.get('DRILL-20260401-001')).toMatchObject({
      status: 'aborted',
      ending: { kind: 'cancelled', by: 'U0LEAD' },
    });
    expect(world.rewind.store.drills.list()[0]).toMatchObject({ id: 'DRILL-20260701-001', status: 'scheduled' });
    await world.restart();
    expect(world.rewind.store.drills.list({ status: 'scheduled' }).map((d) => d.id)).toEqual(['DRILL-20260701-001']);
  });

  it('a drill due while Rewind was down is announced as missed, not run late', async () => {
    world = await startWorld({ config: (c) => (c.drills.injector = { kind: 'simulated' }) });
    world.clock.jumpTo(AT - 2 * 60 * MIN);
    await world.runUntil(() => world.rewind.store.drills.get('DRILL-20260401-001')?.status === 'announced', {
      maxMs: 2 * MIN,
    });
    await world.restart({ downForMs: 3 * 60 * MIN }); // down from 23:00Z to 02:00Z: the drill's time passes
    await world.runUntil(() => world.rewind.store.drills.get('DRILL-20260401-001')?.status === 'missed', {
      maxMs: 2 * MIN,
    });
    const drill = world.rewind.store.drills.get('DRILL-20260401-001');
    expect(drill?.startedAt).toBeNull();
    expect(drill?.faultApplied).toBeNull();
    await world.settle();
    expect(
      drillPosts(world).some((c) => textOf(c).includes('DRILL-20260401-001') && /missed|not run/i.test(textOf(c))),
    ).toBe(true);
  });
});

describe('a full simulated drill', () => {
  it(
    'injection → detection → drill incident → decision by a signed click → rollback → verification → scorecard; the ' +
      'fault removed',
    async () => {
      world = await startWorld({ kube: {}, config: drillsOnPromptService() });
      const metrics = world.rewind.metrics.simulated!;
      await world.command(LEAD, COMMAND.drill, 'run high-error-rate');
      const drill = world.rewind.store.drills.withStatus('running')[0];
      expect(drill).toBeDefined();
      expect(lastResponse(world)).toContain(`Drill ${drill?.id}`);
      const injectedAt = (drill?.faultApplied as StoredFault).appliedAt ?? 0;
      expect(injectedAt).toBe(world.clock.now());
      expect((await metrics.sample('prompt-service', 'v2.0.0', 5 * MIN)).error_rate).toBe(0.2);

      // Detected by the evaluator like a real incident, and marked as a drill.
      await world.runUntil(() => world.rewind.store.incidents.findOpenByService('prompt-service')?.slackTs != null, {
        stepMs: 10_000,
        maxMs: 10 * MIN,
      });
      const incident = world.rewind.store.incidents.findOpenByService('prompt-service')!;
      expect(incident.drill).toBe(true);
      expect(textOf(world.slack.callsTo('chat.postMessage').find((c) => c.args.channel !== DRILLS))).toContain('🧪');

      // The team decides three minutes after the message is posted: a signed click and the confirmation.
      await world.runUntil(() => false, { stepMs: 10_000, maxMs: 3 * MIN }).catch(() => undefined);
      const clickAt = world.clock.now();
      await world.act({
        user: LEAD,
        actionId: ACTION.immediate,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: incident.slackTs ?? '',
      });
      const metadata = (world.slack.callsTo('views.open').at(-1)?.args.view as { private_metadata: string })
        .private_metadata;
      await world.submit(LEAD, VIEW.confirmRollback, metadata);
      await world.runUntil(() => world.rewind.store.drills.get(drill!.id)?.status !== 'running', {
        stepMs: 10_000,
        maxMs: 20 * MIN,
      });

      const done = world.rewind.store.drills.get(drill!.id)!;
      expect(done.status).toBe('completed');
      expect(done.incidentId).toBe(incident.id);
      const resolved = world.rewind.store.incidents.get(incident.id)!;
      const posted = world.rewind.store.incidents.timeline(incident.id).find((e) => e.kind === 'posted')!.at;
      const scores = done.scores as DrillScores;
      expect(scores.scorecard.detection.ms).toBe(resolved.startedAt - injectedAt);
      expect(scores.scorecard.detection.ms).toBeGreaterThanOrEqual(2 * MIN); // the confirmation window
      expect(scores.scorecard.decision.ms).toBe(clickAt - posted);
      expect(scores.scorecard.execution.ms).toBe((resolved.resolvedAt ?? 0) - clickAt);
      expect(scores.scorecard.detection).toMatchObject({ targetMs: 5 * MIN, pass: true });

      // The fault was removed once the rollback switched traffic; v2.0.0 reads its own values again.
      const fault = done.faultApplied as StoredFault;
      expect(fault.removedAt).not.toBeNull();
      expect(fault.removedAt).toBeLessThan(resolved.resolvedAt ?? 0);
      expect((await metrics.sample('prompt-service', 'v2.0.0', 5 * MIN)).error_rate).toBe(0.004);
      // Outside the thread, the drill says it is one: the stakeholder notice starts with the drill mark.
      await world.settle();
      const stakeholders = world.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === world.rewind.config.slack.stakeholderChannel);
      expect(stakeholders.length).toBeGreaterThan(0);
      expect(stakeholders.every((c) => textOf(c).includes('🧪 *DRILL*'))).toBe(true);
      // Kept out of the real MTTA/MTTR.
      expect(world.rewind.services.queries.responseTimes(0).incidents).toBe(0);

      // The scorecard in the drill channel, with rating buttons; a rating updates it in place.
      await world.settle();
      const scorecard = drillPosts(world).find((c) => actionIds(c).includes(drillRateActionId(1)));
      expect(scorecard?.args.thread_ts).toBeUndefined();
      expect(actionIds(scorecard)).toContain(ACTION.drillReview);
      await world.act({
        user: ALICE,
        actionId: drillRateActionId(4),
        value: `${drill!.id}:4`,
        blockId: `${BLOCK.drillRate}:${drill!.id}`,
        messageTs: String(done.scorecardTs),
      });
      expect((world.rewind.store.drills.get(drill!.id)?.scores as DrillScores).scorecard.communication).toEqual({
        average: 4,
        count: 1,
      });
      expect(
        world.slack.callsTo('chat.update').some((c) => c.args.channel === DRILLS && c.args.ts === done.scorecardTs),
      ).toBe(true);

      // History and report.
      expect(text(await world.command(ALICE, COMMAND.drill, 'history'))).toContain(drill!.id);
      expect(JSON.stringify((await world.command(ALICE, COMMAND.drill, `report ${drill!.id}`)).body)).toContain(
        incident.id,
      );
    },
  );
});

const text = (r: { body: { text?: unknown } }) => String(r.body.text ?? '');

describe('the fault is always removed', () => {
  const VS = '/apis/networking.istio.io/v1/namespaces/prompts/virtualservices/prompt-service';
  const faultOfVs = (w: World) =>
    (w.kube!.mustGet('VirtualService', 'prompts', 'prompt-service') as { spec: { http: Array<{ fault?: unknown }> } })
      .spec.http[0]?.fault;

  it('istio-fault: a crash with the fault applied is healed at the next start; abort removes it too', async () => {
    world = await startWorld({
      kube: {},
      config: drillsOnPromptService({ kind: 'istio-fault', virtualService: 'prompt-service' }),
    });
    await world.command(LEAD, COMMAND.drill, 'run high-error-rate');
    expect(faultOfVs(world)).toEqual({ abort: { percentage: { value: 20 }, httpStatus: 500 } });
    const drill = world.rewind.store.drills.withStatus('running')[0]!;

    await world.restart();
    expect(faultOfVs(world)).toBeUndefined();
    const healed = world.rewind.store.drills.get(drill.id)!;
    expect(healed.status).toBe('aborted');
    expect(healed.ending).toEqual({ kind: 'restarted' });
    expect((healed.faultApplied as StoredFault).removal?.removed).toBe(true);
    expect(world.kube!.writes().filter((r) => r.path === VS && r.method === 'PUT')).toHaveLength(2); // apply, heal

    await world.command(LEAD, COMMAND.drill, 'run latency-spike');
    expect(faultOfVs(world)).toEqual({ delay: { percentage: { value: 100 }, fixedDelay: '12s' } });
    await world.command(LEAD, COMMAND.drill, 'abort');
    expect(faultOfVs(world)).toBeUndefined();
    expect(world.rewind.store.drills.list({ status: 'aborted', limit: 5 }).map((d) => d.ending)).toContainEqual({
      kind: 'aborted',
      by: 'U0LEAD',
    });
  });

  it('an abort that lands while the fault is still being applied does not leave the fault behind', async () => {
    world = await startWorld({
      kube: {},
      config: drillsOnPromptService({ kind: 'istio-fault', virtualService: 'prompt-service' }),
    });
    // The apply's PUT is held at the API server until the abort has been handled, so the abort
    // lands while the fault is on its way however long either takes.
    let putArrived!: () => void;
    const arrived = new Promise<void>((r) => (putArrived = r));
    let release!: (decision: 'apply') => void;
    const released = new Promise<'apply'>((r) => (release = r));
    world.kube!.interceptNext({ method: 'PUT', path: VS }, async () => {
      putArrived();
      return released;
    });
    const run = world.command(LEAD, COMMAND.drill, 'run high-error-rate');
    await arrived;
    await world.command(LEAD, COMMAND.drill, 'abort');
    expect(faultOfVs(world)).toBeUndefined(); // the PUT is still held
    release('apply');
    await run;
    await world.settle();
    expect(lastResponse(world)).toContain('ended while its fault was being applied');
    expect(faultOfVs(world)).toBeUndefined();
    const [drill] = world.rewind.store.drills.list({ status: 'aborted', limit: 1 });
    expect((drill?.faultApplied as StoredFault).removal?.removed).toBe(true);
    // apply, then the removal after it
    expect(world.kube!.writes().filter((r) => r.path === VS && r.method === 'PUT')).toHaveLength(2);
  });

  it('a removal that fails (the API server answers 500) is retried a minute apart till the fault is gone', async () => {
    world = await startWorld({
      kube: {},
      config: drillsOnPromptService({ kind: 'istio-fault', virtualService: 'prompt-service' }),
    });
    await world.command(LEAD, COMMAND.drill, 'run high-error-rate');
    const drill = world.rewind.store.drills.withStatus('running')[0]!;
    world.kube!.failNext({ method: 'PUT', path: VS }, { status: 500, times: 2, message: 'etcdserver: leader changed' });
    await world.command(LEAD, COMMAND.drill, 'abort');
    expect(world.rewind.store.drills.get(drill.id)?.status).toBe('aborted');
    expect(faultOfVs(world)).toEqual({ abort: { percentage: { value: 20 }, httpStatus: 500 } }); // still there, for now
    const abortedAt = world.clock.now();
    await world.runUntil(() => faultOfVs(world) === undefined, { stepMs: 5_000, maxMs: 5 * MIN });
    const fault = world.rewind.store.drills.get(drill.id)?.faultApplied as StoredFault;
    expect(fault.removal?.removed).toBe(true);
    expect(fault.removedAt).toBeGreaterThanOrEqual(abortedAt + 2 * MIN); // third try, two retries a minute apart
    await world.runUntil(() => false, { stepMs: 30_000, maxMs: 5 * MIN }).catch(() => undefined);
    expect(
      world
        .kube!.writes()
        .filter((r) => r.path === VS && r.method === 'PUT')
        .map((r) => r.status),
    ).toEqual([200, 500, 500, 200]);
  });

  it('maxDuration: a drill nobody answers ends as failed with its fault removed and a partial scorecard', async () => {
    world = await startWorld({ kube: {}, config: drillsOnPromptService() });
    await world.command(LEAD, COMMAND.drill, 'run high-error-rate');
    const drill = world.rewind.store.drills.withStatus('running')[0]!;
    await world.runUntil(() => world.rewind.store.drills.get(drill.id)?.status !== 'running', {
      stepMs: 30_000,
      maxMs: 31 * MIN,
    });
    const ended = world.rewind.store.drills.get(drill.id)!;
    expect(ended.status).toBe('failed');
    expect(ended.ending).toEqual({ kind: 'not_recovered', maxDurationMs: 30 * MIN });
    expect((ended.faultApplied as StoredFault).removedAt).toBe(drill.startedAt! + 30 * MIN);
    expect((ended.scores as DrillScores).scorecard.decision).toMatchObject({ ms: null, pass: null });
    // Its incident is closed with it: a real alert afterwards opens a new, real incident.
    const drillIncident = world.rewind.store.incidents.get(ended.incidentId!)!;
    expect(drillIncident).toMatchObject({ status: 'resolved', drill: true });
    const closing = world.rewind.store.incidents.timeline(drillIncident.id).at(-1);
    expect(closing?.kind === 'status' ? closing.detail.reason : closing?.kind).toMatchObject({
      kind: 'drill_over',
      drillId: drill.id,
    });
  });
});

describe('history and trend', () => {
  it("the second drill of a scenario shows each time against the first one's", async () => {
    world = await startWorld({ kube: {}, config: drillsOnPromptService() });
    for (let i = 0; i < 2; i++) {
      await world.command(LEAD, COMMAND.drill, 'run high-error-rate');
      const drill = world.rewind.store.drills.withStatus('running')[0]!;
      await world.runUntil(() => world.rewind.store.drills.get(drill.id)?.status !== 'running', {
        stepMs: 30_000,
        maxMs: 31 * MIN,
      });
      // The drill's incident closes with it, so the next drill (or a real alert) starts clean.
      expect(world.rewind.store.incidents.get(world.rewind.store.drills.get(drill.id)!.incidentId!)?.status).toBe(
        'resolved',
      );
      await world.runUntil(() => false, { stepMs: 30_000, maxMs: 10 * MIN }).catch(() => undefined);
    }
    await world.settle();
    const scorecards = drillPosts(world).filter((c) => actionIds(c).includes(drillRateActionId(1)));
    expect(scorecards).toHaveLength(2);
    expect(JSON.stringify(scorecards[0]?.args.blocks)).not.toContain('Trend:');
    expect(JSON.stringify(scorecards[1]?.args.blocks)).toContain('Trend:');
    const history = text(await world.command(ALICE, COMMAND.drill, 'history'));
    for (const d of world.rewind.store.drills.list({ status: 'failed' })) expect(history).toContain(d.id);
  });
});

describe('drill refusals change nothing', () => {
  it('non-approver, unknown scenario, an open real incident on the service, no service allowed', async () => {
    world = await startWorld({ kube: {}, config: drillsOnPromptService() });
    await world.command(MALLORY, COMMAND.drill, 'run high-error-rate');
    expect(lastResponse(world)).toContain('<@U0LEAD>');
    const unknown = text(await world.command(LEAD, COMMAND.drill, 'run meteor-strike'));
    expect(unknown).toContain('meteor-strike');
    expect(unknown).toContain('latency-spike');

    const incident = await world.openIncident();
    await world.command(LEAD, COMMAND.drill, 'run high-error-rate');
    expect(lastResponse(world)).toContain(`${incident.id} is open on prompt-service`);

    // The dry run shows the plan and changes nothing, even now.
    await world.command(LEAD, COMMAND.drill, 'run high-error-rate --dry-run');
    expect(lastResponse(world)).toContain('v2.0.0');
    expect(world.rewind.store.drills.withStatus('running')).toEqual([]);
    expect((await world.rewind.metrics.simulated!.sample('prompt-service', 'v2.0.0', MIN)).error_rate).toBe(0.004);
  });

  it('with no service marked drill: allowed, a drill is refused saying so', async () => {
    world = await startWorld({
      config: (c) => {
        c.services['prompt-service-staging'].drill = 'denied';
        delete c.drills.service;
        c.drills.injector = { kind: 'simulated' };
      },
    });
    await world.command(LEAD, COMMAND.drill, 'run high-error-rate');
    expect(lastResponse(world)).toContain('no service is marked drill: allowed');
    expect(world.rewind.store.drills.list()).toEqual([]);
  });
});
