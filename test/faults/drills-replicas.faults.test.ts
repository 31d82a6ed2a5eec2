/**
 * Drills on two equal bot processes sharing one PostgreSQL database, real processes killed with
 * SIGKILL, one case after the other on the same pair:
 *
 * - `/drill run` on both at the same moment, the drills table locked meanwhile: one drill, the
 *   other run told one drill runs at a time;
 * - the process running `/drill run` is killed while its fault's PUT is held in the Kubernetes
 *   stand-in, so the write lands after the process is gone and after the survivor has healed the
 *   drill: the drill's timers, armed with its row before that write, still end it, and the late
 *   fault is swept away;
 * - the killed bot starts again while the survivor runs a new drill, and leaves that drill alone:
 *   its fault stays on the route and it keeps running; once the drill's own process is killed, the
 *   one started heals it (fault removed, drill ended as `restarted`).
 *
 * Replicas on one host tell a killed peer by its pid (src/services/runners.ts); the heartbeat's
 * own staleness limit is set far out so a slow event loop on a loaded machine never counts a live
 * bot as dead. Nothing here is random. Needs REWIND_TEST_POSTGRES (scripts/postgres-test-db.sh).
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { COMMAND } from '../../src/adapters/slack/ids.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { postSigned, slashCommandBody } from '../support/slack-signing.ts';
import type { BotProcess } from './support/bot-process.ts';
import { ALICE, INCIDENT_CHANNEL, IN_FAULT_SUITE, LEAD, MIN, Rig, SECRET, VS } from './support/rig.ts';
import { drillRow, fastRunbook } from './support/scenarios.ts';

/**
 * Scaled ms per real ms: a watch tick (5 s of clock) is 250 ms real, the sweep of a dead process's
 * late write (1 minute of clock) 3 s real, and the 30-minute drill deadline never comes.
 */
const SCALE = 20;
/** Clock ms after which a silent heartbeat counts as dead: never within a run (see the top). */
const DEAD_AFTER_MS = 60 * MIN;
/** Real ms the stand-in holds the fault's PUT: longer than the survivor takes to heal the drill. */
const HOLD_MS = 1_500;
const FAULT_PUT = { method: 'PUT', path: /virtualservices\/prompt-service$/ } as const;

/** The fault on the drill's route as the cluster holds it, or null. */
function liveFault(rig: Rig): unknown {
  const vs = rig.kube.object(VS.kind, VS.namespace, VS.name) as { spec?: { http?: Array<{ fault?: unknown }> } };
  return vs.spec?.http?.[0]?.fault ?? null;
}

/** `/drill <text>` from `user` (the lead by default), sent to one chosen replica. */
async function drillCommandOn(rig: Rig, bot: BotProcess, text: string, user = LEAD): Promise<void> {
  const body = slashCommandBody({
    command: COMMAND.drill,
    text,
    user_id: user,
    channel_id: INCIDENT_CHANNEL,
    response_url: rig.slack.responseUrl(),
  });
  const res = await postSigned(`${bot.url}/slack/events`, body, { secret: SECRET });
  expect(res.status).toBe(200);
}

const runDrillOn = (rig: Rig, bot: BotProcess, user = LEAD) => drillCommandOn(rig, bot, 'run high-error-rate', user);

const runningDrills = (rig: Rig) =>
  rig.read((db) => db.prepare(`SELECT count(*) AS n FROM drills WHERE status = 'running'`).get() as { n: number }).n;

/** The drill's ending as stored (the note column's JSON), once it has ended. */
function ended(rig: Rig): { status: string; ending: { kind: string } } | null {
  const row = drillRow(rig);
  if (!row || row.status === 'running' || row.note === null) return null;
  return { status: row.status, ending: JSON.parse(row.note) as { kind: string } };
}

/** PUTs to the drill's VirtualService the stand-in carried out so far. */
const faultWrites = (rig: Rig) =>
  rig.kube.appliedWrites().filter((w) => w.method === FAULT_PUT.method && FAULT_PUT.path.test(w.path)).length;

/** A timer of the drill's, by the end of its key (`deadline`, `sweep`, …). */
const drillTimer = (rig: Rig, drillId: string, suffix: string) =>
  rig.read(
    (db) =>
      db.prepare('SELECT status, claimed_by FROM timers WHERE key = ?').get(`drill:${drillId}:${suffix}`) as
        { status: string; claimed_by: string | null } | undefined,
  );

/** Whether `bot` (its current process) has run one of the drill's watch ticks to the end. */
const watchedBy = (rig: Rig, drillId: string, bot: BotProcess) =>
  rig.read((db) =>
    db
      .prepare(`SELECT 1 AS yes FROM timers WHERE key LIKE ? AND status = 'done' AND claimed_by LIKE ?`)
      .get(`drill:${drillId}:watch:%`, `%:${bot.pid}:%`),
  );

/**
 * Two people run `/drill run` at the same moment, one on each replica. The drills table is locked
 * meanwhile (as a slow commit would hold it), so each run reaches its write before either's is
 * done: without check and insert in one transaction both would see no drill running and insert.
 * The lock goes once both inserts wait on it, or after 3 s (under the store's 5 s lock timeout)
 * when one run waits for the other's transaction instead, as it should.
 */
async function twoRunsAtOnce(rig: Rig): Promise<void> {
  const locker = new pg.Client({ connectionString: rig.dbFile });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE drills IN EXCLUSIVE MODE');
    const [first, second] = rig.bots as [BotProcess, BotProcess];
    const runs = Promise.all([runDrillOn(rig, first), runDrillOn(rig, second, ALICE)]);
    const insertsWaiting = async () =>
      Number(
        (
          await locker.query<{ n: string }>(
            `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()
             AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO drills%'`,
          )
        ).rows[0]?.n ?? 0,
      );
    const until = Date.now() + 3_000;
    while (Date.now() < until && (await insertsWaiting()) < 2) await new Promise((r) => setTimeout(r, 25));
    await locker.query('COMMIT');
    await runs;
  } finally {
    await locker.end();
  }
  const drill = await rig.until('a drill running with its fault applied', () => {
    const row = drillRow(rig);
    return row?.status === 'running' && row.fault_applied?.includes('"appliedAt":1') ? row : null;
  });
  // The loser is told one drill runs at a time, and wrote nothing (or, unguarded, started a second).
  const refused = () =>
    rig.slack.responses.some((r) =>
      JSON.stringify(r.body).includes(`Drill ${drill.id} is running; one drill runs at a time`),
    );
  await rig.until('the second run answered', () => refused() || runningDrills(rig) > 1);
  expect(runningDrills(rig)).toBe(1);
  expect(refused()).toBe(true);
  expect(rig.read((db) => db.prepare('SELECT count(*) AS n FROM drills WHERE started_at IS NOT NULL').get())).toEqual({
    n: 1,
  });
  await drillCommandOn(rig, rig.bot, `abort ${drill.id}`);
  await rig.until('the drill aborted', () => ended(rig));
  expect(liveFault(rig)).toBeNull();
}

/**
 * A replica that starts while the other runs a drill (a rolling update, a pod rescheduled) leaves it
 * alone: fault on, drill running. Once the drill's own process is killed, the one started heals it.
 */
async function startBesideADrill(rig: Rig, runner: BotProcess, starting: BotProcess): Promise<void> {
  await runDrillOn(rig, runner);
  const drill = await rig.until('the drill running with its fault applied', () => {
    const row = drillRow(rig);
    return row?.status === 'running' && row.fault_applied?.includes('"appliedAt":1') ? row : null;
  });
  expect(liveFault(rig)).not.toBeNull();

  // The bot is healthy only once its start-up work (the drill heal among it) is done: what it
  // would abort is aborted by now.
  await starting.start();
  expect(drillRow(rig)?.status).toBe('running');
  expect(liveFault(rig)).not.toBeNull();
  // And its timer loop, looking at the drill while its runner lives, lets it run too.
  await rig.until('a watch tick of the drill run by the replica started', () => watchedBy(rig, drill.id, starting));
  expect(drillRow(rig)?.status).toBe('running');
  expect(liveFault(rig)).not.toBeNull();

  // The drill's own process dies: the survivor removes the fault and ends the drill.
  await runner.kill9();
  const end = await rig.until('the drill ended by the survivor', () => ended(rig), 30_000);
  expect(end).toEqual({ status: 'aborted', ending: { kind: 'restarted' } });
  expect(liveFault(rig)).toBeNull();
}

/**
 * The process running `/drill run` is killed while the stand-in holds its fault's PUT: the
 * survivor ends the drill, and the write that lands afterwards is swept away.
 */
async function killWhileApplying(rig: Rig, runner: BotProcess): Promise<void> {
  // The fault's PUT: noticed as it arrives, then held, then carried out with nobody to answer.
  let arrived!: () => void;
  const putArrived = new Promise<void>((resolve) => (arrived = resolve));
  rig.kube.beforeNext(FAULT_PUT, () => arrived());
  rig.kube.delayNext(FAULT_PUT, { ms: HOLD_MS });
  const appliedBefore = faultWrites(rig);
  await runDrillOn(rig, runner);
  await putArrived;
  const drillId = drillRow(rig)?.id;
  expect(drillId).toBeDefined();
  await runner.kill9();

  const end = await rig.until('the drill ended by the survivor', () => ended(rig), 30_000);
  expect(end).toEqual({ status: 'aborted', ending: { kind: 'restarted' } });
  // The dead process's write landed after all (the stand-in carried it out)...
  await rig.until('the held fault write carried out', () => faultWrites(rig) > appliedBefore);
  // ...and the sweep armed with the heal took it away again.
  await rig.until('the sweep of the late write done', () => drillTimer(rig, drillId!, 'sweep')?.status === 'done');
  expect(liveFault(rig)).toBeNull();
  expect(drillTimer(rig, drillId!, 'deadline')?.status).toBe('cancelled');
  expect(runningDrills(rig)).toBe(0);
}

describe.skipIf(!IN_FAULT_SUITE || !STORE_KINDS.includes('postgres'))('drills on replicas', () => {
  // The cases on one rig, one after the other: starting a bot is most of a case's time, and the
  // bot the second case kills is the one the third starts beside a drill.
  it("one drill from two runs at once; a dead runner's drill healed, late fault too; a live one's kept", async () => {
    const rig = await Rig.start({
      scale: SCALE,
      runnerDeadAfterMs: DEAD_AFTER_MS,
      replicas: 2,
      store: 'postgres',
      config: fastRunbook,
    });
    try {
      const [first, second] = rig.bots as [BotProcess, BotProcess];
      await twoRunsAtOnce(rig);
      await killWhileApplying(rig, first);
      await startBesideADrill(rig, second, first);
    } finally {
      await rig.stop();
    }
  });
});
