/**
 * The Kubernetes API failing during a gradual rollback run by the real bot process: 409 storms
 * (another writer keeps moving the VirtualService's resourceVersion), 500s, and a write the API
 * server carries out but never answers. For each: the final routing is right (or, when the
 * rollback fails, left where it was and the failure reported), no write is sent twice to the same
 * state (after an unanswered write the bot must read before it writes again), and the incident
 * thread says what happened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../src/demo/stand-ins/kube-api.ts';
import { settleAndCheck } from './support/checks.ts';
import { format, routing, type Violation } from './support/invariants.ts';
import { INCIDENT_CHANNEL, IN_FAULT_SUITE, Rig, VS, VS_PATH } from './support/rig.ts';
import {
  ANSWERS,
  answerMatrix,
  decideAndConfirm,
  fastRunbook,
  latestIncident,
  openIncident,
  rollbacksOf,
} from './support/scenarios.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const vsPut = (r: RecordedRequest) => r.method === 'PUT' && r.path === VS_PATH;
/** Matches only the `nth` PUT of the VirtualService (counted from when the script is set). */
function nthPut(nth: number): (r: RecordedRequest) => boolean {
  let seen = 0;
  return (r) => vsPut(r) && ++seen === nth;
}

const ALL_ON_NEW = { 'v2-0-0': 100, 'v1-5-0': 0, 'v1-0-0': 0 };
const ROLLED_BACK = { 'v2-0-0': 0, 'v1-5-0': 100, 'v1-0-0': 0 };

interface Outcome {
  status: string;
  thread: string[];
  violations: Violation[];
}

/**
 * A gradual rollback (25 → 5 → 0 % left on v2.0.0) confirmed from Slack, with `inject` run just before the
 * confirmation.
 */
async function gradualUnder(inject: (r: Rig) => void): Promise<Outcome> {
  rig = await Rig.start({ scale: 60, config: fastRunbook });
  const incident = await openIncident(rig);
  const matrix = await answerMatrix(rig, incident, ANSWERS.gradual);
  inject(rig);
  await decideAndConfirm(rig, incident, 'gradual');
  await rig.until(
    'the rollback over',
    () => {
      const rs = rollbacksOf(rig!);
      return rs.length > 0 && rs.every((x) => ['succeeded', 'failed', 'aborted'].includes(x.status));
    },
    90_000,
  );
  const { violations } = await settleAndCheck(rig);
  const thread = rig.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === INCIDENT_CHANNEL && c.args.thread_ts === latestIncident(rig!)?.slack_ts)
    .map((c) => String(c.args.text));
  return { status: rollbacksOf(rig)[0]?.status ?? 'none', thread, violations: [...matrix, ...violations] };
}

/** The thread must say what happened: some note names the failure. */
function says(o: Outcome, what: RegExp, fault: string): Violation[] {
  return o.thread.some((t) => what.test(t))
    ? []
    : [
        {
          invariant: 'the thread says what happened',
          evidence:
            `no note in the incident thread mentions the ${fault} (looked for ${what}); notes: ` +
            `${o.thread.map((t) => JSON.stringify(t.split('\n')[0])).join(' | ')}`,
        },
      ];
}

function finalRouting(expected: Record<string, number>, why: string): Violation[] {
  const { weights } = routing(rig!.kube);
  return JSON.stringify(weights) === JSON.stringify(expected)
    ? []
    : [
        {
          invariant: 'the final routing is right',
          evidence: `${why}: route 0 is ${JSON.stringify(weights)}, expected ${JSON.stringify(expected)}`,
        },
      ];
}

describe.skipIf(!IN_FAULT_SUITE)('the Kubernetes API failing during a rollback', () => {
  describe('409 storms', () => {
    it('three conflicts in a row are absorbed: re-read, the other writer kept, the rollback finishes', async () => {
      const o = await gradualUnder((r) => r.kube.concurrentWriterNext(vsPut, VS, 3));
      const v = [
        ...o.violations,
        ...finalRouting(ROLLED_BACK, 'after the rollback'),
        ...says(o, /\b409\b|conflict|changed underneath/i, '409 conflicts'),
      ];
      expect(o.status).toBe('succeeded');
      const vs = rig!.kube.mustGet(VS.kind, VS.namespace, VS.name);
      expect(vs.metadata.annotations?.['faults.rewind.test/other-writer'], "the other writer's change is kept").toBe(
        '3',
      );
      expect(rig!.kube.writes().filter((r) => r.status === 409)).toHaveLength(3);
      expect(v, format(v)).toEqual([]);
    });

    it('an endless storm fails the rollback, leaves the routing as it was, and the thread says why', async () => {
      const o = await gradualUnder((r) => r.kube.concurrentWriterNext(vsPut, VS, 1_000));
      const v = [
        ...o.violations,
        ...finalRouting(ALL_ON_NEW, 'after the failed first phase'),
        ...says(o, /\b409\b|conflict|kept changing/i, '409 conflicts'),
      ];
      expect(o.status).toBe('failed');
      expect(v, format(v)).toEqual([]);
    });
  });

  describe('500s', () => {
    it('two 500s on a phase write are retried: the rollback finishes and the thread says so', async () => {
      const o = await gradualUnder((r) =>
        r.kube.failNext(vsPut, { status: 500, times: 2, message: 'etcdserver: leader changed' }),
      );
      const v = [
        ...o.violations,
        ...finalRouting(ROLLED_BACK, 'after the rollback'),
        ...says(o, /\b500\b|leader changed|InternalError|retried|retry/i, 'HTTP 500s'),
      ];
      expect(o.status).toBe('succeeded');
      expect(v, format(v)).toEqual([]);
    });

    it('500s beyond the retries fail the rollback, the routing stays, and the thread says why', async () => {
      const o = await gradualUnder((r) =>
        r.kube.failNext(vsPut, { status: 500, times: 10, message: 'etcdserver: leader changed' }),
      );
      const v = [
        ...o.violations,
        ...finalRouting(ALL_ON_NEW, 'after the failed first phase'),
        ...says(o, /leader changed/, 'HTTP 500s'),
      ];
      expect(o.status).toBe('failed');
      expect(v, format(v)).toEqual([]);
    });
  });

  describe('a write carried out but never answered', () => {
    it('the second phase write (5 %) lands, its answer never comes: the bot reads before it writes again', async () => {
      const o = await gradualUnder((r) => r.kube.applyThenHang(nthPut(2)));
      const v = [
        ...o.violations,
        ...finalRouting(ROLLED_BACK, 'after the rollback'),
        ...says(o, /timed? ?out|no answer|did not answer|retried|retry/i, 'unanswered write'),
      ];
      expect(rig!.kube.appliedWrites().filter(vsPut).length, 'the hung write was carried out').toBeGreaterThanOrEqual(
        2,
      );
      expect(o.status).toBe('succeeded');
      expect(v, format(v)).toEqual([]);
    });
  });
});
