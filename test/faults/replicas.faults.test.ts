/**
 * Three equal bot processes on one PostgreSQL database, and two of them killed with SIGKILL in the
 * middle of the work and left dead: the one left finishes it. Ten runs in a row, each a gradual
 * rollback while the incident's escalations are pending: one replica is killed at a seeded random
 * point of the rollback's phases (the one running the rollback's timer, or another), and another
 * near the due time of escalation level 1 or 2. Odd runs take Slack's requests over HTTP, in turn
 * across the live bots as a load balancer would; even runs in Socket Mode, each envelope on one of
 * the open connections picked at random. Then the invariants of the kill -9 suite
 * (support/invariants.ts): the rollback succeeds with no Kubernetes write repeated, each escalation
 * level fires once with its thread mention and DMs, every message meant for Slack reached it once
 * and in order, no outbox row is left, nothing was unhandled.
 *
 * Needs REWIND_TEST_POSTGRES (scripts/postgres-test-db.sh). FAULTS_SEED=<n> replays a run's choices. */
import { afterAll, describe, expect, it } from 'vitest';
import { settleAndCheck } from './support/checks.ts';
import { escalationViolations, firingTimers, format, routing, type Violation } from './support/invariants.ts';
import { prng } from './support/killer.ts';
import { IN_FAULT_SUITE, MIN, Rig, replicaName, type RigConfigDoc } from './support/rig.ts';
import {
  ANSWERS,
  answerMatrix,
  decideAndConfirm,
  fastRunbook,
  latestIncident,
  openIncident,
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
/**
 * Escalation after 3 and 6 minutes; phases observed 3 minutes each and verification over 1, so
 * both levels come due while the rollback still runs (it cannot resolve the incident before 7).
 */
const LEVEL_MS = 3 * MIN;
const ROLLBACK_MS = 7 * MIN;

function quickRunbook(doc: RigConfigDoc): void {
  fastRunbook(doc);
  doc.rollback.verifyWindow = '1m';
  doc.rollback.gradual.phases = [{ weight: 25, observe: '3m' }, { weight: 5, observe: '3m' }, { weight: 0 }];
  doc.escalation.levels = doc.escalation.levels.map((level, i) => ({ ...level, after: `${(i + 1) * 3}m` }));
}

interface Run {
  n: number;
  socketMode: boolean;
  /** The first kill: scaled ms after the confirmation, on the rollback's worker or on a replica. */
  rollbackKill: { afterMs: number; worker: boolean };
  /** The second: scaled ms from escalation level 1's or 2's due time (negative: before it). */
  escalationKill: { level: 1 | 2; offsetMs: number };
  /** Which replicas die when no worker is named (two different ones). */
  victims: [number, number];
}

const RUN_PLAN: Run[] = Array.from({ length: RUNS }, (_, i) => {
  const first = Math.floor(random() * REPLICAS);
  return {
    n: i + 1,
    socketMode: i % 2 === 1,
    rollbackKill: { afterMs: Math.round(random() * (ROLLBACK_MS - 2 * MIN)), worker: random() < 0.5 },
    escalationKill: { level: random() < 0.5 ? 1 : 2, offsetMs: Math.round(-0.5 * MIN + random() * 1.5 * MIN) },
    victims: [first, (first + 1 + Math.floor(random() * (REPLICAS - 1))) % REPLICAS],
  };
});

const summary: string[] = [];
afterAll(() => console.log(`replicas suite (seed ${SEED}):\n${summary.join('\n')}`));

const describeRun = (r: Run) =>
  `#${r.n} over ${r.socketMode ? 'Socket Mode' : 'HTTP'}: kill -9 ${(r.rollbackKill.afterMs / MIN).toFixed(1)} ` +
  `scaled min into the rollback on ${r.rollbackKill.worker ? 'its worker' : 'a replica'}, and another ` +
  `${(r.escalationKill.offsetMs / 1000).toFixed(0)} s (scaled) from escalation level ${r.escalationKill.level}`;

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
  `${REPLICAS} replicas on PostgreSQL, two of them killed (seed ${SEED})`,
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
          const violations: Violation[] = [...(await answerMatrix(rig, incident, ANSWERS.gradual))];
          await decideAndConfirm(rig, incident, 'gradual');
          const confirmedAt = rig.clock.now();
          const openedAt = latestIncident(rig)!.started_at;
          const kills = [
            { at: confirmedAt + run.rollbackKill.afterMs, worker: run.rollbackKill.worker, victim: run.victims[0] },
            {
              at: openedAt + run.escalationKill.level * LEVEL_MS + run.escalationKill.offsetMs,
              worker: false,
              victim: run.victims[1],
            },
          ].sort((a, b) => a.at - b.at);
          const mayRepeat: (typeof rig.slack.calls)[number][] = [];
          for (const kill of kills) {
            await sleepScaled(rig, kill.at - rig.clock.now());
            const alive = rig.bots.filter((b) => b.alive());
            const worker = kill.worker ? holderOf(rig, 'rollback') : undefined;
            const planned = rig.bots[kill.victim]!;
            const victim = worker ?? (planned.alive() ? planned : alive[0]!);
            // A message the victim had sent whose sent mark it had not written yet is sent again by
            // the replica that takes its queue over: any call the victim made lately may repeat once.
            const lately = Date.now() - rig.real(DEAD_AFTER_MS);
            const name = replicaName(rig.bots.indexOf(victim));
            mayRepeat.push(...rig.slack.calls.filter((c) => c.via?.client === name && c.via.at >= lately));
            await victim.kill9();
          }

          const ceiling = rig.real(ROLLBACK_MS + 6 * MIN) + 30_000;
          await rig
            .until(
              'the rollback ended and escalation levels 1 and 2 fired, by the replica left',
              () =>
                rollbacksOf(rig).every((r) => ['succeeded', 'failed', 'aborted'].includes(r.status)) &&
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
            )
            .catch((err: Error) => {
              throw new Error(`${err.message.split('\n')[0]}\n${stateOf(rig)}`);
            });
          const { violations: checked, snapshot: s } = await settleAndCheck(rig, { mayRepeat, settleMs: 15_000 });
          violations.push(...checked, ...escalationViolations(s, incident.id, [1, 2]));
          const weights = routing(rig.kube).weights;
          if (s.rollbacks.length !== 1 || s.rollbacks[0]?.status !== 'succeeded' || weights['v1-5-0'] !== 100)
            violations.push({
              invariant: 'the replica left finishes the rollback',
              evidence:
                `rollbacks ${JSON.stringify(s.rollbacks.map((r) => r.status))}, ` +
                `route 0 ${JSON.stringify(weights)}`,
            });
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
