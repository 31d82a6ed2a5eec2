/**
 * Fuzzing the real bot process through its two doors — signed Slack deliveries on /slack/events and
 * the alert webhooks — with 10,000 requests each from the generators of test/support/fuzz/
 * (`sampleSlackDeliveries`, `sampleAlertBodies`). Whatever arrives: no answer is a 5xx (or missing),
 * nothing is unhandled in the bot's log, the deliveries the generators mark `refused` (ones any
 * correct reader must refuse) change nothing in the database, and the bot's resident memory after
 * the run and an idle pause stays within a stated bound.
 *
 * The refused requests are sent first, on their own, so "changed nothing" is a before/after
 * comparison of every table; the rest follow and may change what valid requests change.
 */
import { request as httpRequest } from 'node:http';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  changedTables,
  dbState,
  sampleAlertBodies,
  sampleSlackDeliveries,
  signedHeaders,
  type DbState,
} from '../support/fuzz/index.ts';
import { ALERT_TOKEN, IN_FAULT_SUITE, LEAD, MALLORY, Rig, SECRET } from './support/rig.ts';

/** Requests per door; FAULTS_FUZZ_RUNS lowers it for a quick local look (CI runs the full 10,000). */
const RUNS = Number(process.env.FAULTS_FUZZ_RUNS ?? 10_000);
const CONCURRENCY = 8;
/** Real time the requests of one door may take; a healthy bot needs about 15 s for 10,000. */
const SEND_BUDGET_MS = 150_000;
const SEED = Number(process.env.FAULTS_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** The bound on the bot's resident memory after the runs and an idle pause (a fresh bot holds about 250 MB). */
const RSS_LIMIT_KB = 512 * 1024;
/**
 * Tables a running bot changes by itself whatever arrives: its heartbeat, its timers (the drill
 * calendar, evaluations) and the trigger states the evaluator rewrites every interval.
 */
const MOVING_BY_THEMSELVES = ['runners', 'timers', 'trigger_states'];

interface Request {
  path: string;
  headers: Record<string, string>;
  body: string;
  refused: boolean;
  describe: string;
}

let rig: Rig;

const state = (): DbState => rig.read((db) => dbState(db as unknown as Database.Database, MOVING_BY_THEMSELVES));

/** The alert routes' body limit: past it the bot answers 413 and closes the connection. */
const MAX_BODY_BYTES = 1024 * 1024;

interface Result {
  request: Request;
  /** The answer's status; 0 when none came. */
  status: number;
  /** Why none came: `timeout`, or the socket error (a reset while the body was still being sent). */
  error?: string;
  ms?: number;
}

/**
 * One POST through node:http. Not fetch: a body past the limit is answered 413 with `Connection:
 * close` before it is all sent, and node:http hands over that answer where fetch reports only the
 * broken upload.
 */
function post(request: Request): Promise<Result> {
  return new Promise((resolve) => {
    let status = 0;
    const req = httpRequest(
      `${rig.bot.url}${request.path}`,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        timeout: 30_000,
      },
      (res) => {
        status = res.statusCode ?? 0;
        res.resume();
        res.on('end', () => resolve({ request, status }));
        res.on('error', () => resolve({ request, status }));
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('no answer within 30 s'), { code: 'timeout' })));
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ request, status, ...(status === 0 ? { error: err.code ?? err.message } : {}) }),
    );
    req.end(request.body);
  });
}

/**
 * Sends the requests, CONCURRENCY at a time, until all are answered or `deadline` (epoch ms) has
 * passed: a bot that takes seconds per request is a finding to report, not a reason to time out.
 */
async function send(requests: Request[], deadline: number): Promise<Result[]> {
  const out: Result[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length && Date.now() < deadline) {
        const started = Date.now();
        const result = await post(requests[next++] as Request);
        out.push({ ...result, ms: Date.now() - started });
      }
    }),
  );
  return out;
}

function statusCounts(results: Result[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[String(r.status || r.error)] = (counts[String(r.status || r.error)] ?? 0) + 1;
  return counts;
}

function latency(results: Result[]): string {
  const ms = results.map((r) => r.ms ?? 0).sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0;
  return `median ${at(0.5)} ms, p99 ${at(0.99)} ms, slowest ${ms.at(-1) ?? 0} ms`;
}

/**
 * A failure: a 5xx, no answer at all, or a connection broken on a body within the limit. A body
 * past the limit may meet a reset instead of its 413 (the bot closes while the client still
 * sends); that is counted and printed, not failed.
 */
const failed = (r: Result) =>
  r.status >= 500 || (r.status === 0 && (r.error === 'timeout' || Buffer.byteLength(r.request.body) <= MAX_BODY_BYTES));

function slackRequests(): Request[] {
  const context = {
    users: [MALLORY, 'U0STRANGER', LEAD],
    channel: 'C0INCIDENT',
    incidentIds: ['INC-20261201-001'],
    rollbackIds: ['RB-20261201-001'],
    drillIds: ['DRILL-20261201-001'],
    messageTs: ['1700000000.000001'],
    services: ['prompt-service'],
    versions: ['v2.0.0', 'v1.5.0', 'v1.0.0'],
    scenarios: ['high-error-rate', 'latency-spike', 'partial-outage'],
    responseUrl: rig.slack.responseUrl('fuzz'),
  };
  return sampleSlackDeliveries({ seed: SEED, count: RUNS, context }).map((d) => ({
    path: '/slack/events',
    headers: signedHeaders(d, SECRET),
    body: d.http.body,
    refused: d.verdict === 'refused',
    describe: d.describe,
  }));
}

function webhookRequests(): Request[] {
  return sampleAlertBodies({ seed: SEED, count: RUNS, services: ['prompt-service'] }).map((b) => ({
    path: b.path,
    headers: { 'content-type': b.contentType, authorization: `Bearer ${ALERT_TOKEN}` },
    body: b.body,
    refused: b.verdict === 'refused',
    describe: b.describe,
  }));
}

describe.skipIf(!IN_FAULT_SUITE)(`fuzzing the bot process (seed ${SEED})`, () => {
  // A fresh bot per door: what valid requests of one door start (a rollback, escalations) must
  // not be counted against the refused requests of the other.
  afterEach(async () => rig?.stop());

  for (const [door, build] of [
    ['signed Slack deliveries', slackRequests],
    ['alert webhook requests', webhookRequests],
  ] as const) {
    it(
      `${RUNS} ${door}: all answered, no 5xx, nothing unhandled, refused ones change nothing, memory bounded`,
      { timeout: SEND_BUDGET_MS + 60_000 },
      async () => {
        rig = await Rig.start({ scale: 60 });
        const requests = build();
        const refused = requests.filter((r) => r.refused);
        const deadline = Date.now() + SEND_BUDGET_MS;
        const before = state();
        const first = await send(refused, deadline);
        const changed = changedTables(before, state());
        expect(changed, `${first.length} requests that must be refused changed tables`).toEqual({});
        const all = [
          ...first,
          ...(await send(
            requests.filter((r) => !r.refused),
            deadline,
          )),
        ];
        console.log(`fuzz: ${all.length} ${door} answered (${latency(all)})`);
        expect(
          all.length,
          `only ${all.length} of ${requests.length} ${door} were answered within ${SEND_BUDGET_MS / 1000} s ` +
            `(${latency(all)}); statuses: ${JSON.stringify(statusCounts(all))}`,
        ).toBe(requests.length);
        const resets = all.filter((r) => r.status === 0 && !failed(r));
        if (resets.length > 0)
          console.log(
            `fuzz: ${resets.length} bodies past the ${MAX_BODY_BYTES}-byte limit met a reset (${resets[0]?.error}) ` +
              `instead of their 413`,
          );
        const bad = all.filter(failed);
        expect(
          bad.length,
          `answers of 5xx or none:\n${bad
            .slice(0, 5)
            .map((r) => `${r.status || r.error} ${r.request.path} ${r.request.describe.slice(0, 300)}`)
            .join('\n')}`,
        ).toBe(0);
        expect(rig.bot.unhandled().map((l) => l.raw.slice(0, 300))).toEqual([]);
        expect(rig.bot.alive() && (await fetch(`${rig.bot.url}/healthz`)).status).toBe(200);
        await new Promise((r) => setTimeout(r, 3_000));
        const rss = rig.bot.rssKb();
        console.log(`fuzz: bot RSS ${Math.round(rss / 1024)} MB after ${RUNS} ${door} and a 3 s pause`);
        expect(rss, `resident memory after the run (kB), bound ${RSS_LIMIT_KB}`).toBeLessThanOrEqual(RSS_LIMIT_KB);
      },
    );
  }
});
