/**
 * Memory under traffic: a running Rewind (production pacing, listeners after the ack, the real
 * Kubernetes engine against the API stand-in) gets 10,000 mixed requests — signed slash commands,
 * clicks on incident messages, modal submissions, App Home events, alert webhooks for known and
 * unknown services, some of them malformed — then idles. The heap is measured after a forced GC
 * before the traffic, right after it, and after the idle; the target is that after the idle it is
 * back within 10% of where it started (every cache and dedup map of the bot bounded).
 *
 * What is measured is the whole process: the bot, the load generator and the in-process Slack and
 * Kubernetes stand-ins. The stand-ins' records of what they were sent (kept for assertions in
 * tests) are emptied as the run goes, so the figure is the bot's own growth.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { ACTION, BLOCK, COMMAND, VIEW } from '../src/adapters/slack/ids.ts';
import {
  appHomeOpenedEvent,
  blockActionsPayload,
  eventCallbackBody,
  interactionBody,
  postSigned,
  slashCommandBody,
  viewSubmissionPayload,
} from '../test/support/slack-signing.ts';
import { ALERT_TOKEN, ALICE, BOB, LEAD, SECRET, startWorld, type World } from '../test/support/world.ts';
import { scaled, SMOKE } from './scale.ts';

const REQUESTS = scaled(10_000);
const IDLE_MS = SMOKE ? 2_000 : 30_000;
/** Requests in flight at once, as Slack and Alertmanager would send them. */
const CONCURRENCY = 16;
const USERS = [LEAD, ALICE, BOB, 'U0MALLORY'];

/** `global.gc` when node runs with --expose-gc (npm run bench does); else switched on here. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const MB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function settledHeap(gc: () => void): Promise<{ heap: number; rss: number }> {
  // Twice, with turns of the event loop between: finalizers and weak references let go late.
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed, rss };
}

function alertmanager(
  service: string,
  fingerprint: string,
  severity: string,
  status: 'firing' | 'resolved' = 'firing',
) {
  return {
    version: '4',
    status,
    receiver: 'rewind',
    groupKey: `{}:{service="${service}"}`,
    groupLabels: { service },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    truncatedAlerts: 0,
    alerts: [
      {
        status,
        labels: { alertname: 'PromptErrorRate', service, version: 'v2.0.0', severity },
        annotations: { summary: `${severity}: error rate of ${service}` },
        startsAt: '2026-01-05T08:58:00Z',
        endsAt: status === 'resolved' ? '2026-01-05T09:10:00Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph',
        fingerprint,
      },
    ],
  };
}

/** The i-th request of the mix; each sends one HTTP request to the bot and drains the answer. */
function request(world: World, i: number): () => Promise<unknown> {
  const slackUrl = world.url;
  const alerts =
    (source: string, body: string, token = ALERT_TOKEN) =>
    () =>
      fetch(`http://127.0.0.1:${world.rewind.port}/alerts/${source}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      }).then((r) => r.text());
  const signed = (body: string) => () => postSigned(slackUrl, body, { secret: SECRET }).then((r) => r.text());
  const user = USERS[i % USERS.length] ?? LEAD;
  // One Slack delivery in ten comes from a workspace id never seen before, as a fuzzer's do (or
  // an Enterprise Grid org's, from its many workspaces): per-team state must not pile up.
  const team_id = Math.floor(i / 12) % 10 === 3 ? `T0FUZZ${i}` : undefined;
  const teamId = team_id;
  const channel = world.rewind.config.slack.incidentChannel;
  const incident = world.rewind.store.incidents.findOpenByService('prompt-service');
  const messageTs = incident?.slackTs ?? '1700000000.000001';
  const responseUrl = world.slack.responseUrl();
  switch (i % 12) {
    case 0:
      return signed(
        slashCommandBody({
          command: COMMAND.rollback,
          text: i % 24 ? 'status prompt-service' : 'help',
          user_id: user,
          channel_id: channel,
          response_url: responseUrl,
          ...(team_id ? { team_id } : {}),
        }),
      );
    case 1:
      return signed(
        slashCommandBody({
          command: COMMAND.incident,
          text: i % 24 === 1 ? 'list' : 'status',
          user_id: user,
          channel_id: channel,
          response_url: responseUrl,
        }),
      );
    case 2:
      return signed(
        slashCommandBody({
          command: COMMAND.drill,
          text: 'history',
          user_id: user,
          channel_id: channel,
          response_url: responseUrl,
        }),
      );
    case 3: {
      const value = ['all', 'partial', 'minor'][i % 3] ?? 'all';
      return signed(
        interactionBody(
          blockActionsPayload({
            user,
            actionId: ACTION.userImpact,
            blockId: BLOCK.matrix,
            selectedOption: { text: value, value },
            channel,
            messageTs,
            responseUrl,
            ...(teamId ? { teamId } : {}),
          }),
        ),
      );
    }
    case 4:
      return signed(
        interactionBody(
          blockActionsPayload({
            user,
            actionId: ACTION.acknowledge,
            value: incident?.id ?? 'INC-0',
            channel,
            messageTs,
            responseUrl,
          }),
        ),
      );
    case 5:
      // A decision button: opens the confirmation modal for an approver, refuses anyone else.
      return signed(
        interactionBody(
          blockActionsPayload({
            user,
            actionId: ACTION.gradual,
            value: incident?.id ?? 'INC-0',
            channel,
            messageTs,
            responseUrl,
          }),
        ),
      );
    case 6:
      // A submission whose metadata no dialog of ours produced: refused, nothing started.
      return signed(
        interactionBody(
          viewSubmissionPayload({ user, callbackId: VIEW.confirmRollback, privateMetadata: `{"bench":${i}}` }),
        ),
      );
    case 7:
      return signed(eventCallbackBody({ event: appHomeOpenedEvent(user) }));
    case 8:
      // A new alert for a configured service: stored, grouped into its incident, noted in the thread.
      return alerts(
        'alertmanager',
        JSON.stringify(
          alertmanager(
            i % 24 === 8 ? 'prompt-service-staging' : 'prompt-service',
            `fp-${i}`,
            ['watch', 'warning'][i % 2] ?? 'warning',
          ),
        ),
      );
    case 9:
      // A service nobody configured: stored, announced once per service name.
      return alerts(
        'generic',
        JSON.stringify({ service: `unknown-${i % 500}`, severity: 'warning', summary: 'from another team' }),
      );
    case 10:
      return i % 24 === 10
        ? alerts('alertmanager', '{"version":"4","alerts":[')
        : alerts('grafana', JSON.stringify({ alerts: [{ status: 'firing' }] }));
    default:
      return i % 24 === 11
        ? alerts(
            'generic',
            JSON.stringify({ service: 'prompt-service', severity: 'warning', summary: 'x' }),
            'wrong-token',
          )
        : signed(
            slashCommandBody({
              command: COMMAND.rollback,
              text: 'nonsense words',
              user_id: user,
              channel_id: channel,
              response_url: responseUrl,
            }),
          );
  }
}

/** Resolves the open incidents now and then, so new ones open and per-incident state comes and goes. */
function resolveOpen(world: World): void {
  for (const incident of world.rewind.store.incidents.listOpen())
    world.rewind.services.incidents.resolve(incident.id, { kind: 'user', id: LEAD });
}

/** Empties what the stand-ins record for assertions, so only the bot's memory is left to grow. */
function forgetStandInRecords(world: World): void {
  world.slack.calls.length = 0;
  world.slack.responses.length = 0;
  world.kube?.clearRequests();
}

export async function benchMemory(print: (line: string) => void): Promise<void> {
  const gc = collector();
  const world = await startWorld({ processBeforeResponse: false, minUpdateIntervalMs: 1_000, kube: {} });
  try {
    // Warm-up: every kind of request once in a while, so compiled code and the lazily built
    // parts of the libraries are in the baseline rather than counted as growth.
    for (let i = 0; i < 48; i++) await request(world, i)();
    await world.settle();
    forgetStandInRecords(world);
    const start = await settledHeap(gc);

    let next = 0;
    const worker = async () => {
      for (let i = next++; i < REQUESTS; i = next++) {
        await request(world, 48 + i)();
        if (i % 500 === 499) {
          resolveOpen(world);
          forgetStandInRecords(world);
        }
      }
    };
    const t = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const sendMs = performance.now() - t;
    await world.settle();
    forgetStandInRecords(world);
    const after = await settledHeap(gc);

    await new Promise((r) => setTimeout(r, IDLE_MS));
    await world.settle();
    forgetStandInRecords(world);
    const idle = await settledHeap(gc);

    const growth = (idle.heap - start.heap) / start.heap;
    print(
      `${REQUESTS.toLocaleString('en')} mixed requests in ${(sendMs / 1000).toFixed(1)} s (${CONCURRENCY} in ` +
        `flight), then ${IDLE_MS / 1000} s idle`,
    );
    print(
      `heap after GC: start ${MB(start.heap)}, after traffic ${MB(after.heap)}, after idle ${MB(idle.heap)} ` +
        `(${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}%)`,
    );
    print(`rss: start ${MB(start.rss)}, after traffic ${MB(after.rss)}, after idle ${MB(idle.rss)}`);
    print(
      `target: heap after idle within 10% of start — ` +
        `${SMOKE ? 'not judged on a smoke run' : Math.abs(growth) <= 0.1 ? 'PASS' : 'FAIL'}`,
    );
  } finally {
    await world.stop();
  }
}
