/**
 * Three equal bot processes on one PostgreSQL database, and one of them killed with SIGKILL in the
 * middle of the work and left dead: the other two finish it. Ten runs in a row, alternating a
 * gradual rollback (the kill lands at a seeded random point of its phases, on the replica running
 * the rollback's timer or on another) and an incident waiting for its escalations (the kill lands
 * near level 1 or level 2). Odd runs take Slack's requests over HTTP, in turn across the live bots
 * as a load balancer would; even runs in Socket Mode, each envelope on one of the open connections
 * picked at random. Then the invariants of the kill -9 suite (support/invariants.ts): the rollback
 * succeeds with no Kubernetes write repeated, each escalation level fires once with its thread
 * mention and DMs, every message meant for Slack reached it once and in order, no outbox row is
 * left, nothing was unhandled.
 *
 * Needs REWIND_TEST_POSTGRES (scripts/postgres-test-db.sh). FAULTS_SEED=<n> replays a run's choices.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { settleAndCheck } from './support/checks.ts';
import { escalationViolations, firingTimers, format, routing, type Violation } from './support/invariants.ts';
import { prng } from './support/killer.ts';
import { IN_FAULT_SUITE, MIN, Rig, type RigConfigDoc } from './support/rig.ts';
import {
  ANSWERS,
  answerMatrix,
  decideAndConfirm,
  fastRunbook,
  latestIncident,
  openIncident,
  resolveIncident,
  rollbacksOf,
} from './support/scenarios.ts';
import type { BotProcess } from './support/bot-process.ts';
import { STORE_KINDS } from '../support/stores.ts';

const SEED = Number(process.env.FAULTS_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`replicas suite seed: ${SEED} (replay with FAULTS_SEED=${SEED})`);
const random = prng(SEED);
const REPLICAS = 3;
const RUNS = 10;
/**
 * Scaled ms per real ms. Three bots on a 2-core machine are slow to turn their event loops, and a
 * replica whose heartbeat is late counts as dead: the runs give it 90 s of clock time (3 s real)
 * instead of the bot's 20 s, and shorten the runbook's waits instead of speeding the clock more.
 */
const SCALE = 30;
const DEAD_AFTER_MS = 90_000;
/** Escalation levels after 4 and 8 minutes; phases observed 2 minutes; verification over 1. */
const LEVEL_MS = 4 * MIN;
const EXPECTED = { gradual: 6 * MIN, escalation: 9 * MIN } as const;

function quickRunbook(doc: RigConfigDoc): void {
  fastRunbook(doc);
  doc.rollback.verifyWindow = '1m';
  doc.rollback.gradual.phases = [{ weight: 25, observe: '2m' }, { weight: 5, observe: '2m' }, { weight: 0 }];
  doc.escalation.levels = doc.escalation.levels.map((level, i) => ({ ...level, after: `${(i + 1) * 4}m` }));
}

interface Run {
  n: number;
  kind: 'gradual' | 'escalation';
  socketMode: boolean;
  /** Scaled ms after the last interaction (gradual) or from the level's due time (escalation). */
  delayMs: number;
  /** Gradual: kill the replica holding the rollback's timer (else one picked at random). */
  killWorker: boolean;
  nearLevel: 1 | 2;
  victim: number;
}

const RUN_PLAN: Run[] = Array.from({ length: RUNS }, (_, i) => {
  const kind = i % 2 === 0 ? 'gradual' : 'escalation';
  return {
    n: i + 1,
    kind,
    socketMode: Math.floor(i / 2) % 2 === 1,
    delayMs:
      kind === 'gradual'
        ? Math.round(random() * EXPECTED.gradual * 0.8)
        : Math.round(-0.5 * MIN + random() * 1.5 * MIN),
    killWorker: random() < 0.5,
    nearLevel: random() < 0.5 ? 1 : 2,
    victim: Math.floor(random() * REPLICAS),
  };
});

const summary: string[] = [];
afterAll(() => console.log(`replicas suite (seed ${SEED}):\n${summary.join('\n')}`));

const describeRun = (r: Run) =>
  `#${r.n} ${r.kind} over ${r.socketMode ? 'Socket Mode' : 'HTTP'}: kill -9 ` +
  (r.kind === 'gradual'
    ? `${(r.delayMs / MIN).toFixed(1)} scaled min in, on ${r.killWorker ? 'the rollback worker' : 'a replica'}`
    : `${(r.delayMs / 1000).toFixed(0)} s (scaled) from escalation level ${r.nearLevel}`);

/** The bot whose owner (`host:pid:…`) holds a firing timer of `kind`, if any. */
function holderOf(rig: Rig, kind: string): BotProcess | undefined {
  const owner = rig.read(firingTimers).find((t) => t.kind === kind)?.claimed_by;
  const pid = Number(owner?.split(':')[1]);
  return rig.bots.find((b) => b.alive() && b.pid === pid);
}

/** What the replicas left behind, for a failure's message: rollbacks, unfinished timers, heartbeats. */
function stateOf(rig: Rig): string {
  return rig.read((db) =>
    JSON.stringify(
      {
        rollbacks: db.prepare('SELECT id, status, current_phase, error FROM rollbacks').all(),
        timers: db
          .prepare(`SELECT key, status, claimed_by, run_at, attempts FROM timers WHERE status IN ('pending', 'firing')`)
          .all(),
        runners: db.prepare('SELECT owner, beat_at FROM runners').all(),
        now: rig.clock.now(),
        killed: rig.bots.filter((b) => !b.alive()).map((b) => b.pid),
      },
      null,
      1,
    ),
  );
}

async function sleepScaled(rig: Rig, scaledMs: number): Promise<void> {
  await new Promise((r) => setTimeout(r, Math.max(0, rig.real(scaledMs))));
}

describe.skipIf(!IN_FAULT_SUITE || !STORE_KINDS.includes('postgres'))(
  `${REPLICAS} replicas on PostgreSQL, one killed (seed ${SEED})`,
  () => {
    for (const run of RUN_PLAN) {
      const title = `${describeRun(run)} (seed ${SEED})`;
      it(title, async () => {
        const started = Date.now();
        const rig = await Rig.start({
          scale: SCALE,
          runnerDeadAfterMs: DEAD_AFTER_MS,
          config: quickRunbook,
          replicas: REPLICAS,
          store: 'postgres',
          ...(run.socketMode ? { socketMode: { spread: random } } : {}),
        });
        try {
          const incident = await openIncident(rig);
          const violations: Violation[] = [];
          let victim: BotProcess;
          if (run.kind === 'gradual') {
            violations.push(...(await answerMatrix(rig, incident, ANSWERS.gradual)));
            await decideAndConfirm(rig, incident, 'gradual');
            await sleepScaled(rig, run.delayMs);
            victim = (run.killWorker ? holderOf(rig, 'rollback') : undefined) ?? rig.bots[run.victim]!;
          } else {
            const due = latestIncident(rig)!.started_at + run.nearLevel * LEVEL_MS;
            await sleepScaled(rig, due + run.delayMs - rig.clock.now());
            victim = rig.bots[run.victim]!;
          }
          const lastSlackCall = rig.slack.calls.at(-1);
          await victim.kill9();

          const ceiling = rig.real(EXPECTED[run.kind] + 6 * MIN) + 30_000;
          if (run.kind === 'gradual') {
            await rig
              .until(
                'the rollback ended, finished by the replicas left',
                () => rollbacksOf(rig).every((r) => ['succeeded', 'failed', 'aborted'].includes(r.status)),
                ceiling,
              )
              .catch((err: Error) => {
                throw new Error(`${err.message.split('\n')[0]}\n${stateOf(rig)}`);
              });
          } else {
            await rig.until(
              'escalation levels 1 and 2 on the timeline',
              () =>
                rig.read(
                  (db) =>
                    (
                      db
                        .prepare(
                          `SELECT count(*) AS n FROM timeline_events WHERE kind = 'escalation' AND incident_id = ?`,
                        )
                        .get(incident.id) as { n: number }
                    ).n >= 2,
                ),
              ceiling,
            );
            await resolveIncident(rig, incident);
          }
          const { violations: checked, snapshot: s } = await settleAndCheck(rig, {
            mayRepeat: lastSlackCall ? [lastSlackCall] : [],
            settleMs: 15_000,
          });
          violations.push(...checked);
          violations.push(...escalationViolations(s, incident.id, run.kind === 'escalation' ? [1, 2] : []));
          if (run.kind === 'gradual') {
            const weights = routing(rig.kube).weights;
            if (s.rollbacks.length !== 1 || s.rollbacks[0]?.status !== 'succeeded' || weights['v1-5-0'] !== 100)
              violations.push({
                invariant: 'the replicas left finish the rollback',
                evidence:
                  `rollbacks ${JSON.stringify(s.rollbacks.map((r) => r.status))}, route 0 ` +
                  `${JSON.stringify(weights)}`,
              });
          }
          const kinds = [...new Set(violations.map((x) => x.invariant))];
          summary.push(
            `  ${describeRun(run)}: ${kinds.length ? `FAIL (${kinds.join('; ')})` : 'ok'} in ` +
              `${((Date.now() - started) / 1000).toFixed(1)}s`,
          );
          expect(
            violations,
            `${title}\n${format(violations)}\n--- bot logs (tail):\n` +
              rig.bots.map((b) => b.output(undefined, 2_000)).join('\n--- next bot:\n'),
          ).toEqual([]);
        } catch (err) {
          if (!summary.some((l) => l.startsWith(`  #${run.n} `)))
            summary.push(`  ${describeRun(run)}: ERROR ${String((err as Error).message).split('\n')[0]}`);
          throw err;
        } finally {
          await rig.stop();
        }
      });
    }
  },
);
