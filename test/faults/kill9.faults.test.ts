/**
 * kill -9 at random points: twenty runs of the runbook — immediate, gradual and planned rollbacks,
 * escalation waits and a drill — each on a fresh bot process that is killed once, at a seeded
 * random point (a delay of the bot's time, or the moment the Kubernetes API receives its Nth write),
 * started again on the same database, and left to finish. Then the invariants (support/invariants.ts):
 * each rollback ends and a failed one says so in its thread; no Kubernetes write is repeated; each
 * escalation level fires once, with its thread mention and DMs; a drill's fault is gone; every
 * message meant for Slack reached it once, in order; no outbox row is left unsent; nothing was
 * unhandled; and work the dead process was doing is picked up within seconds of the restart, not
 * after the 5-minute lease of a timer claim.
 *
 * FAULTS_SEED=<n> replays a run's kill points (the seed is printed and in every test name).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { settleAndCheck } from './support/checks.ts';
import { escalationViolations, format, routing, type Violation } from './support/invariants.ts';
import { Killer, describeKill, prng, type KillPlan, type KillReport } from './support/killer.ts';
import { IN_FAULT_SUITE, MIN, Rig } from './support/rig.ts';
import {
  ANSWERS,
  EXPECTED_MS,
  answerMatrix,
  decideAndConfirm,
  drillRow,
  fastRunbook,
  latestIncident,
  openIncident,
  planRollback,
  resolveIncident,
  rollbacksOf,
  runDrill,
  type ScenarioKind,
} from './support/scenarios.ts';

const SEED = Number(process.env.FAULTS_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`kill -9 suite seed: ${SEED} (replay with FAULTS_SEED=${SEED})`);
const random = prng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;

/**
 * Scaled ms per real ms. 60 for rollbacks: a restart takes 1–3 s of real time, i.e. 1–3 minutes of
 * the bot's, so a timer claim left by the dead process (5-minute lease) is still held when the new
 * process starts — the stall this suite must be able to see. Escalation waits have no long-running
 * step to stall and are run faster, so their 30 minutes take about 12 seconds.
 */
const SCALE: Record<ScenarioKind, number> = { immediate: 60, gradual: 60, planned: 60, escalation: 150, drill: 60 };
/** The dead process's unfinished work must be picked up within this much of the bot's time after the restart. */
const RESUME_CEILING_MS = 2 * MIN;
/** Writes each scenario sends when nothing goes wrong: a kill at the Nth write picks N among them. */
const WRITES: Record<ScenarioKind, number> = { immediate: 1, gradual: 3, planned: 1, escalation: 0, drill: 3 };

interface Iteration {
  n: number;
  kind: ScenarioKind;
  kill: KillPlan;
  /** Escalation waits: the level the kill is aimed at. */
  nearLevel?: 1 | 2;
}

function plan(): Iteration[] {
  const kinds: ScenarioKind[] = ['immediate', 'gradual', 'planned', 'escalation', 'drill'];
  const out: Iteration[] = [];
  for (let i = 0; i < 20; i++) {
    const kind = kinds[i % kinds.length] as ScenarioKind;
    if (kind === 'escalation') {
      // Aimed at a level's due time: a kill just before, while, or just after it fires.
      out.push({
        n: i + 1,
        kind,
        nearLevel: pick([1, 2] as const),
        kill: { mode: 'delay', delayMs: Math.round(-0.5 * MIN + random() * 2 * MIN) },
      });
    } else if (random() < 0.5) {
      out.push({
        n: i + 1,
        kind,
        kill: { mode: 'write', nth: 1 + Math.floor(random() * WRITES[kind]), applied: random() < 0.5 },
      });
    } else {
      out.push({ n: i + 1, kind, kill: { mode: 'delay', delayMs: Math.round(random() * EXPECTED_MS[kind]) } });
    }
  }
  return out;
}

const ITERATIONS = plan();
const summary: string[] = [];
afterAll(() => console.log(`kill -9 suite (seed ${SEED}):\n${summary.join('\n')}`));

/**
 * Drives the scenario up to its last interaction; `incidentId` is null when the kill came first (a drill killed at its
 * fault).
 */
async function drive(
  rig: Rig,
  it: Iteration,
  killer: Killer,
): Promise<{ incidentId: string | null; violations: Violation[] }> {
  if (it.kind === 'drill') {
    await runDrill(rig);
    // The fault goes on while /drill run is handled: a kill at the 1st write ends the drill there.
    // The fault is recorded as intended (appliedAt null) before it is written: only a time counts.
    await rig.until(
      'the drill running with its fault applied, or the kill',
      () => killer.fired || typeof JSON.parse(drillRow(rig)?.fault_applied ?? '{}').appliedAt === 'number',
    );
    if (killer.fired) return { incidentId: null, violations: [] };
  }
  const incident = await openIncident(rig);
  if (it.kind === 'escalation') return { incidentId: incident.id, violations: [] };
  const strategy = it.kind === 'gradual' ? 'gradual' : 'immediate';
  const violations = await answerMatrix(rig, incident, ANSWERS[strategy]);
  if (it.kind === 'planned') await planRollback(rig, 'in 6m immediate');
  else await decideAndConfirm(rig, incident, strategy);
  return { incidentId: incident.id, violations };
}

/** Waits for the scenario's end after the restart: rollbacks over, escalations fired, the drill over. */
async function finish(rig: Rig, it: Iteration, incidentId: string | null): Promise<void> {
  const ceiling = rig.real(EXPECTED_MS[it.kind] + 12 * MIN) + 30_000;
  if (it.kind === 'escalation') {
    await rig.until(
      'escalation levels 1 and 2 on the timeline',
      () => {
        const levels = rig.read(
          (db) =>
            db
              .prepare(
                `SELECT count(DISTINCT json_extract(detail, '$.level')) AS n FROM timeline_events WHERE kind = ` +
                  `'escalation'`,
              )
              .get() as { n: number },
        );
        return levels.n >= 2;
      },
      ceiling,
    );
    const incident = latestIncident(rig);
    if (incident?.slack_ts) await resolveIncident(rig, { id: incident.id, slack_ts: incident.slack_ts });
    return;
  }
  if (it.kind === 'drill') {
    await rig.until('the drill over', () => drillRow(rig)?.status !== 'running', ceiling);
  }
  if (incidentId)
    await rig.until(
      'every rollback ended',
      () => {
        const rs = rollbacksOf(rig);
        return rs.length > 0 && rs.every((r) => ['succeeded', 'failed', 'aborted', 'cancelled'].includes(r.status));
      },
      ceiling,
    );
}

function resumeViolations(kill: KillReport, resumedWriteAfterMs: number | null | undefined): Violation[] {
  const v: Violation[] = [];
  for (const r of kill.resumed) {
    if (r.afterMs === null || r.afterMs > RESUME_CEILING_MS) {
      v.push({
        invariant: 'work in flight at the kill resumes within seconds of the restart',
        evidence:
          `timer ${r.key}, left firing by the killed process, was ` +
          `${r.afterMs === null ? 'still firing' : `picked up only ${(r.afterMs / MIN).toFixed(1)} scaled minutes`} ` +
          `after the restart (ceiling ${RESUME_CEILING_MS / MIN} min; the claim lease is 5 min)`,
      });
    }
  }
  if (resumedWriteAfterMs === null || (resumedWriteAfterMs !== undefined && resumedWriteAfterMs > RESUME_CEILING_MS)) {
    const when =
      resumedWriteAfterMs === null
        ? 'not at all within 10 scaled minutes'
        : `${(resumedWriteAfterMs / MIN).toFixed(1)} scaled minutes`;
    v.push({
      invariant: 'a rollback resumes within seconds of the restart',
      evidence:
        `the write lost with the killed process was sent again ${when} ` +
        `after the restart (ceiling ${RESUME_CEILING_MS / MIN} min)`,
    });
  }
  return v;
}

describe.skipIf(!IN_FAULT_SUITE)(`kill -9 at random points (seed ${SEED})`, () => {
  for (const iteration of ITERATIONS) {
    const near =
      iteration.nearLevel && iteration.kill.mode === 'delay'
        ? `kill -9 ${(iteration.kill.delayMs / 1000).toFixed(0)}s (scaled) from escalation level ${iteration.nearLevel}`
        : null;
    const title = `#${iteration.n} ${iteration.kind}: ${near ?? describeKill(iteration.kill)} (seed ${SEED})`;
    it(title, async () => {
      const started = Date.now();
      const rig = await Rig.start({ scale: SCALE[iteration.kind], config: fastRunbook });
      try {
        const killer = new Killer(rig, iteration.kill);
        const { incidentId, violations: driving } = await drive(rig, iteration, killer);
        if (iteration.nearLevel && incidentId && iteration.kill.mode === 'delay') {
          // The planned delay is an offset from the level's due time, counted from the incident's start.
          const due = latestIncident(rig)!.started_at + iteration.nearLevel * 15 * MIN;
          killer.startDelay(due + iteration.kill.delayMs - rig.clock.now());
        } else killer.startDelay();
        const kill = await Promise.race([
          killer.done,
          rig.until<never>(
            'the kill and the restart',
            () => undefined,
            rig.real(EXPECTED_MS[iteration.kind] + 5 * MIN) + 30_000,
          ),
        ]);
        let resumedWriteAfterMs: number | null | undefined;
        // A lost rollback write must be sent again; a lost drill write (the fault never applied) has nothing to redo.
        if (
          iteration.kill.mode === 'write' &&
          !iteration.kill.applied &&
          kill.firing.some((t) => t.kind === 'rollback')
        ) {
          const healthyAt = rig.bot.starts.at(-1)?.healthyAt ?? Date.now();
          const seen = await rig
            .until(
              'the lost write sent again',
              () => (rig.kube.appliedWrites().length > kill.kubeWritesBefore ? Date.now() : undefined),
              rig.real(10 * MIN),
            )
            .catch(() => null);
          resumedWriteAfterMs = seen === null ? null : Math.round((seen - healthyAt) * rig.clock.scale);
        }
        await finish(rig, iteration, incidentId ?? latestIncident(rig)?.id ?? null);
        // The last Slack call before the kill may have been carried out with its answer lost with the process.
        const { violations: checked, snapshot: s } = await settleAndCheck(rig, {
          mayRepeat: kill.lastSlackCall ? [kill.lastSlackCall] : [],
          settleMs: 15_000,
        });
        const violations: Violation[] = [...driving, ...checked, ...resumeViolations(kill, resumedWriteAfterMs)];
        if (iteration.kind === 'escalation' && incidentId)
          violations.push(...escalationViolations(s, incidentId, [1, 2]));
        else for (const i of s.incidents) violations.push(...escalationViolations(s, i.id, []));
        const route = routing(rig.kube);
        if (route.fault !== undefined)
          violations.push({
            invariant: "a drill's fault is removed",
            evidence: `the VirtualService still holds ${JSON.stringify(route.fault)}`,
          });
        if (s.rollbacks.some((r) => r.status === 'succeeded') && route.weights['v1-5-0'] !== 100) {
          violations.push({
            invariant: 'the final routing is right',
            evidence: `rollback succeeded but route 0 is ${JSON.stringify(route.weights)}`,
          });
        }
        for (const d of s.drills.filter((x) => x.status === 'running'))
          violations.push({ invariant: 'a drill ends', evidence: `${d.id} is still running` });

        const kinds = [...new Set(violations.map((x) => x.invariant))];
        const pickedUp = kill.resumed.map(
          (r) => `${r.key} ${r.afterMs === null ? 'never' : `${(r.afterMs / MIN).toFixed(1)}m`}`,
        );
        summary.push(
          `  #${iteration.n} ${iteration.kind} ${near ?? describeKill(iteration.kill)}: ` +
            `${kinds.length ? `FAIL (${kinds.join('; ')})` : 'ok'} in ` +
            `${((Date.now() - started) / 1000).toFixed(1)}s; picked up after restart: ` +
            `${pickedUp.join(', ') || 'nothing in flight'}`,
        );
        expect(
          violations,
          `${title}\n${format(violations)}\n--- bot log (tail):\n${rig.bot.output(undefined, 4_000)}`,
        ).toEqual([]);
      } catch (err) {
        if (!summary.some((l) => l.startsWith(`  #${iteration.n} `)))
          summary.push(
            `  #${iteration.n} ${iteration.kind} ${near ?? describeKill(iteration.kill)}: ERROR ` +
              `${String((err as Error).message).split('\n')[0]}`,
          );
        throw err;
      } finally {
        await rig.stop();
      }
    });
  }
});
