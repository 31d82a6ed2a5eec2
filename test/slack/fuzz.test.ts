/**
 * Fuzzed but correctly signed Slack deliveries, and fuzzed alert webhook bodies, against the running
 * bot in HTTP mode, with the listener finishing before the answer (processBeforeResponse) and after
 * it (production). Generators: test/support/fuzz (seeded, so every run sends the same requests).
 *
 * Each request is checked on its own: the answer is never 5xx (and is the ack, 200, unless Bolt
 * could not read the body at all: 400); and the database changes only as the request allows:
 *   - a delivery Rewind's schemas refuse changes nothing — not even the record of deliveries seen,
 *     which proves the running bot refused it too; a delivery the generator broke on purpose must
 *     be one of them;
 *   - a delivery they accept is remembered once, and, sent by people who are not approvers and
 *     naming nothing that exists, may only add refused attempts to the audit log, and complaints
 *     (/rollback complaint, which anyone may record) with their note on the open incident;
 *   - an alert body answered with anything but 202 changes nothing.
 * No unhandled rejection may appear during the whole run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deliveryKey } from '../../src/adapters/slack/idempotency.ts';
import { parseDelivery } from '../../src/adapters/slack/payloads.ts';
import { BOT_ACTOR } from '../../src/domain/types.ts';
import {
  ALERT_SOURCES,
  SLACK_KINDS,
  bodyAsBoltReadsIt,
  changedTables,
  dbState,
  sampleAlertBodies,
  sampleSlackDeliveries,
  signedHeaders,
  type DbState,
  type SlackFuzzContext,
} from '../support/fuzz/index.ts';
import { ALERT_TOKEN, MALLORY, SECRET, startWorld, type World } from '../support/world.ts';
import { collectUnhandledRejections } from '../support/rejections.ts';

/**
 * Per kind of Slack delivery and per alert source, in each mode. A longer, or another, run:
 * FUZZ_SLACK=2500 FUZZ_ALERTS=1000 FUZZ_SEED=7 npx vitest run test/slack/fuzz.test.ts
 */
const SLACK_EACH = Number(process.env.FUZZ_SLACK ?? 90);
const ALERTS_EACH = Number(process.env.FUZZ_ALERTS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_105);
/** A ceiling for a stuck run, not a budget: the default run takes a few seconds. */
const TEST_CEILING_MS = 120_000 + (4 * SLACK_EACH + 3 * ALERTS_EACH) * 100;
const QUIET_CEILING_MS = 30_000;
/** A request not answered in this long is a hang (Slack gives up after 3 s); the run stops there. */
const ANSWER_CEILING_MS = 20_000;
const MAX_PROBLEMS = 12;

let world: World | undefined;
const rejections = collectUnhandledRejections();
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

/** Counts deliveries that reached the listeners and finished there, so a test can wait for them. */
function listenerTracker(w: World): { finished: () => number } {
  let finished = 0;
  w.rewind.slack.app.use(async ({ next }) => {
    try {
      await next();
    } finally {
      finished += 1;
    }
  });
  return { finished: () => finished };
}

/** The answer's status, or null when none came within the ceiling. */
async function post(url: string, init: { headers: Record<string, string>; body: string }): Promise<number | null> {
  try {
    const res = await fetch(url, { method: 'POST', ...init, signal: AbortSignal.timeout(ANSWER_CEILING_MS) });
    await res.text();
    return res.status;
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') return null;
    throw err;
  }
}

async function until(done: () => boolean, what: string): Promise<void> {
  const end = Date.now() + QUIET_CEILING_MS;
  while (!done()) {
    if (Date.now() > end) throw new Error(`not within ${QUIET_CEILING_MS / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

function context(w: World): SlackFuzzContext {
  const config = w.rewind.config;
  return {
    // Not approvers, and nothing named below exists: no accepted delivery may start or change anything.
    users: [MALLORY, 'U0NOBODY01'],
    channel: config.slack.incidentChannel,
    incidentIds: ['INC-19990101-901', 'INC-19990101-902'],
    rollbackIds: ['RB-19990101-901'],
    drillIds: ['DRILL-19990101-901'],
    messageTs: ['1600000000.000001'],
    services: Object.keys(config.services),
    versions: [...new Set(Object.values(config.services).flatMap((s) => s.versions.map((v) => v.version)))],
    scenarios: config.drills.scenarios.map((s) => s.name),
    responseUrl: w.slack.responseUrl('fuzz'),
  };
}

/** One open incident per service, so commands without an id have something to refuse over. */
async function openIncidents(w: World): Promise<void> {
  await w.openIncident();
  w.rewind.services.incidents.open(
    {
      service: 'prompt-service-staging',
      version: 'v2.0.0',
      severity: 'warning',
      title: 'p95 2.4s > 2s',
      drill: false,
      breaches: [],
    },
    BOT_ACTOR,
  );
  await w.settle();
}

function auditOutcomesAfter(w: World, id: number): string[] {
  return (
    w.rewind.store.db.prepare('SELECT outcome FROM audit_log WHERE id > ?').all(id) as Array<{ outcome: string }>
  ).map((r) => r.outcome);
}

function lastTimelineId(w: World): number {
  return (
    w.rewind.store.db.prepare('SELECT coalesce(max(rowid), 0) AS id FROM timeline_events').get() as { id: number }
  ).id;
}

function timelineKindsAfter(w: World, id: number): string[] {
  return (
    w.rewind.store.db.prepare('SELECT kind FROM timeline_events WHERE rowid > ?').all(id) as Array<{ kind: string }>
  ).map((r) => r.kind);
}

function lastAuditId(w: World): number {
  return (w.rewind.store.db.prepare('SELECT coalesce(max(id), 0) AS id FROM audit_log').get() as { id: number }).id;
}

describe.each([true, false])('fuzzed requests in HTTP mode, processBeforeResponse %s', (processBeforeResponse) => {
  it(
    'never answer 5xx, leave no unhandled rejection and change nothing they may not',
    { timeout: TEST_CEILING_MS },
    async () => {
      const w = (world = await startWorld({ processBeforeResponse }));
      await openIncidents(w);
      const tracker = listenerTracker(w);
      const seenKeys = new Set<string>();
      let reachedListeners = 0;
      const problems: string[] = [];
      const tally = { refused: 0, accepted: 0 };

      let state: DbState | null = null;
      const deliveries = SLACK_KINDS.flatMap((kind, i) =>
        sampleSlackDeliveries({ seed: SEED + i, count: SLACK_EACH, context: context(w), kinds: [kind] }),
      );
      for (const [n, d] of deliveries.entries()) {
        // Enough to see what is wrong; a broken gate would otherwise cost Bolt's 3 s timeout per request.
        if (problems.length >= MAX_PROBLEMS) break;
        // After a refused request nothing can still be moving (nothing ran), so its after-state is this
        // one's before-state; after an accepted one the state is read again.
        const before = state ?? dbState(w.rewind.store.db);
        const auditBefore = lastAuditId(w);
        const timelineBefore = lastTimelineId(w);
        const body = bodyAsBoltReadsIt(d);
        const verdict = body === undefined ? null : parseDelivery(body);
        const accepted = verdict?.ok === true;
        const key = accepted ? deliveryKey(body) : null;
        const fresh = key !== null && !seenKeys.has(key);
        if (key !== null) seenKeys.add(key);
        if (fresh) reachedListeners += 1;

        const label = `#${n} ${d.describe}`;
        const status = await post(w.url, { headers: signedHeaders(d, SECRET), body: d.http.body });
        if (status === null) {
          problems.push(`${label}: no answer within ${ANSWER_CEILING_MS / 1000} s`);
          break;
        }
        await until(
          () => tracker.finished() >= reachedListeners,
          `the listeners of delivery #${n} (${d.describe}) to finish`,
        );
        await w.settle();

        const expectedStatus = body === undefined ? 400 : 200;
        if (status !== expectedStatus) problems.push(`${label}: answered ${status}, expected ${expectedStatus}`);
        if (d.verdict === 'refused' && accepted)
          problems.push(`${label}: broken on purpose, yet the schemas accept it`);
        const after = dbState(w.rewind.store.db);
        state = accepted ? null : after;
        const changed = changedTables(before, after);
        if (!accepted) {
          tally.refused += 1;
          if (Object.keys(changed).length > 0)
            problems.push(`${label}: refused, yet changed ${JSON.stringify(changed)}`);
          continue;
        }
        tally.accepted += 1;
        const {
          processed_requests: processed,
          audit_log: audit,
          complaints,
          timeline_events: timeline,
          ...rest
        } = changed;
        const remembered =
          (processed?.after ?? before.processed_requests?.rows ?? 0) - (before.processed_requests?.rows ?? 0);
        if (remembered !== (fresh ? 1 : 0))
          problems.push(`${label}: accepted, remembered ${remembered} times (fresh delivery: ${fresh})`);
        if (audit && auditOutcomesAfter(w, auditBefore).some((o) => o !== 'refused'))
          problems.push(`${label}: audited as allowed`);
        if (audit && (audit.after ?? 0) < (audit.before ?? 0)) problems.push(`${label}: audit rows went away`);
        // Anyone may record a complaint (/rollback complaint); it is noted on the service's open incident.
        const complaintAllowed = verdict.delivery.kind === 'command' && verdict.delivery.command === '/rollback';
        if (complaints && !complaintAllowed) problems.push(`${label}: recorded a complaint`);
        if (
          timeline &&
          !(complaints && complaintAllowed && timelineKindsAfter(w, timelineBefore).every((k) => k === 'complaint'))
        ) {
          problems.push(
            `${label}: a non-approver changed the timeline: ${JSON.stringify(timelineKindsAfter(w, timelineBefore))}`,
          );
        }
        if (Object.keys(rest).length > 0) problems.push(`${label}: a non-approver changed ${JSON.stringify(rest)}`);
      }

      // Alert bodies last: the ones that are accepted open and group incidents.
      const bodies = ALERT_SOURCES.flatMap((source, i) =>
        sampleAlertBodies({ seed: SEED + 100 + i, count: ALERTS_EACH, sources: [source] }),
      );
      const alertAnswers: Record<string, number> = {};
      for (const [n, a] of bodies.entries()) {
        if (problems.length >= MAX_PROBLEMS) break;
        const before = dbState(w.rewind.store.db);
        const label = `alert #${n} ${a.describe.slice(0, 300)}`;
        const status = await post(`http://127.0.0.1:${w.rewind.port}${a.path}`, {
          headers: { authorization: `Bearer ${ALERT_TOKEN}`, 'content-type': a.contentType },
          body: a.body,
        });
        if (status === null) {
          problems.push(`${label}: no answer within ${ANSWER_CEILING_MS / 1000} s`);
          break;
        }
        await w.settle();
        alertAnswers[status] = (alertAnswers[status] ?? 0) + 1;
        if (status >= 500) problems.push(`${label}: answered ${status}`);
        if (a.verdict === 'refused' && (status < 400 || status >= 500))
          problems.push(`${label}: broken on purpose, answered ${status}`);
        const changed = changedTables(before, dbState(w.rewind.store.db));
        if (status !== 202 && Object.keys(changed).length > 0)
          problems.push(`${label}: answered ${status}, yet changed ${JSON.stringify(changed)}`);
      }

      expect(problems).toEqual([]);
      expect(rejections).toEqual([]);
      // The run exercised both sides of the gate, and the code behind the accepted alerts.
      expect(tally.refused).toBeGreaterThan(SLACK_EACH);
      expect(tally.accepted).toBeGreaterThan(SLACK_EACH);
      expect(alertAnswers[202]).toBeGreaterThan(ALERTS_EACH / 2);
      expect(alertAnswers[400]).toBeGreaterThan(ALERTS_EACH / 2);
    },
  );
});
