/**
 * Rewind beside Alertmanager's own Slack notifier, in one run: the real Alertmanager (Debian's
 * prometheus-alertmanager) with `group_wait: 0s` and two receivers on one route — its Slack
 * notifier, pointed at a Slack Web API stand-in of its own, and Rewind's webhook — and N alerts,
 * each for a service nobody alerted on before, so every one opens a new incident in Rewind. For
 * each path: from the POST to Alertmanager to the first Slack API call reaching its stand-in
 * (p50 / p90 / p99), the ratio, and where Rewind's part of the time goes, stage by stage.
 *
 * The stages are timed by listening on the `rewind:alert-path` diagnostics channel, which the
 * webhook route, the alert intake and the head message's delivery publish to only while somebody
 * listens; the last stage ends at the Slack stand-in, the first starts at the POST to Alertmanager.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { findOnPath, startDaemon, statusOf } from '../test/e2e/support/daemon.ts';
import { slackLikeAnswers } from '../src/demo/stand-ins/slack-api-answers.ts';
import { SlackApiStandIn } from '../test/support/slack-api.ts';
import { ALERT_TOKEN, startWorld } from '../test/support/world.ts';
import { scaled, SMOKE } from './scale.ts';
import { copiesOfPromptService, serviceName } from './webhooks.ts';

const ALERTS = scaled(50);
/** Alerts sent first and not counted: both paths open their connections and warm up. */
const WARM_UP = SMOKE ? 1 : 3;
/** Quiet between two alerts, so each one is a lone alert and not part of a burst. */
const GAP_MS = 100;
const CHANNEL = 'rewind:alert-path';
export const INSTALL_ALERTMANAGER =
  'prometheus-alertmanager is not on the PATH; install it with `bash scripts/e2e-deps.sh` (as root) ' +
  'or `apt-get install prometheus-alertmanager`';

/** Rewind's path in stages: each runs from the mark before it to its own mark. */
const STAGES = [
  { mark: 'request', label: 'Alertmanager → webhook request at Rewind (headers read)' },
  { mark: 'parsed', label: 'parse (body read, JSON.parse)' },
  { mark: 'normalised', label: 'normalise (labels → service, tier, fingerprint)' },
  { mark: 'commit-start', label: 'wait for the commit (deliveries arriving together share one)' },
  { mark: 'committed', label: 'store transaction (alert, incident, timeline, outbox message)' },
  { mark: 'render-start', label: 'outbox hand-off (webhook answered, queue worker started, message claimed)' },
  { mark: 'slack-call', label: 'render (incident read, head message built)' },
  { mark: 'arrived', label: 'Slack client (Web API call until the stand-in has the request)' },
] as const;

type Marks = Partial<Record<(typeof STAGES)[number]['mark'], number>>;

function at(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export function percentiles(samples: number[]): { p50: number; p90: number; p99: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((sum, x) => sum + x, 0) / Math.max(1, s.length);
  return { p50: at(s, 50), p90: at(s, 90), p99: at(s, 99), mean };
}

export function line(label: string, samples: number[]): string {
  const { p50, p90, p99 } = percentiles(samples);
  return `${label}: n=${samples.length} p50 ${p50.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`;
}

function alert(service: string) {
  return {
    labels: { alertname: 'PromptErrorRate', service, version: 'v2.0.0', severity: 'warning' },
    annotations: { summary: `error rate of ${service} above 5%` },
    generatorURL: 'http://prometheus:9090/graph',
  };
}

/** Alertmanager with one route and its two receivers: the Slack notifier first, then Rewind's webhook. */
async function startAlertmanager(slackUrl: string, webhookUrl: string) {
  return startDaemon({
    name: 'Alertmanager',
    binary: 'prometheus-alertmanager',
    tempPrefix: 'rewind-bench-alertmanager-',
    readyTimeoutMs: 20_000,
    prepare(port, dir) {
      const config = {
        route: {
          receiver: 'slack',
          group_by: ['service'],
          group_wait: '0s',
          group_interval: '5m',
          repeat_interval: '4h',
          routes: [
            { receiver: 'slack', continue: true },
            { receiver: 'rewind', continue: false },
          ],
        },
        receivers: [
          {
            name: 'slack',
            slack_configs: [
              {
                api_url: `${slackUrl}chat.postMessage`,
                channel: '#incidents',
                send_resolved: false,
                http_config: { authorization: { type: 'Bearer', credentials: 'xoxb-alertmanager' } },
              },
            ],
          },
          {
            name: 'rewind',
            webhook_configs: [
              {
                url: webhookUrl,
                send_resolved: false,
                http_config: { authorization: { type: 'Bearer', credentials: ALERT_TOKEN } },
              },
            ],
          },
        ],
      };
      const file = join(dir, 'alertmanager.yml');
      writeFileSync(file, stringify(config));
      return [
        `--config.file=${file}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ];
    },
    isReady: async (url) => (await statusOf(`${url}/-/ready`)) === 200,
  });
}

/** Wakes the bench's wait when a stamped post arrives (see until). */
let arrived: () => void = () => undefined;

/**
 * Stamps, on this process's clock, each chat.postMessage reaching `slack` that `wanted` picks, then
 * answers it as Slack would (a fresh ts, from a range of its own).
 */
function stampPosts(slack: SlackApiStandIn, wanted: (args: Record<string, unknown>) => boolean) {
  let tsCount = 900_000;
  const [, answer] = slackLikeAnswers({ next: () => ++tsCount, uploadUrl: () => '' }).find(
    ([method]) => method === 'chat.postMessage',
  ) ?? [undefined, undefined];
  if (!answer) throw new Error('the Slack stand-in has no chat.postMessage answer');
  const stamps: Array<{ at: number; args: Record<string, unknown> }> = [];
  slack.handle('chat.postMessage', (args, call) => {
    if (wanted(args)) {
      stamps.push({ at: performance.now(), args });
      arrived();
    }
    return answer(args, call);
  });
  return stamps;
}

/** Waits, woken by each stamped post rather than polling the loop the paths run on, until `done()`. */
async function until(done: () => boolean, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: ${what} did not happen within 30 s`)), 30_000);
  });
  try {
    while (!done()) await Promise.race([new Promise<void>((resolve) => (arrived = resolve)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function benchAlertmanagerSideBySide(print: (line: string) => void): Promise<void> {
  const binary = findOnPath('prometheus-alertmanager');
  if (!binary) {
    print(`skipped: ${INSTALL_ALERTMANAGER}`);
    return;
  }
  const version = /version (\S+)/.exec(execFileSync(binary, ['--version'], { encoding: 'utf8' }))?.[1] ?? '?';
  const services = WARM_UP + ALERTS;
  const direct = await new SlackApiStandIn().answerLikeSlack().start();
  const world = await startWorld({
    processBeforeResponse: false,
    minUpdateIntervalMs: 1_000,
    config: copiesOfPromptService(services),
  });
  // Every post Alertmanager makes; of Rewind's, the incident head messages (not the stakeholder
  // notice nor thread notes, which may go out first).
  const toSlack = stampPosts(direct, () => true);
  const incidentChannel = world.rewind.config.slack.incidentChannel;
  const heads = stampPosts(world.slack, (args) => args.channel === incidentChannel && args.thread_ts === undefined);
  let marks: Marks = {};
  const onMark = (message: unknown) => {
    const mark = message as keyof Marks;
    // The first of each per alert: a later head update or thread note is not this alert's first call.
    marks[mark] ??= performance.now();
  };
  subscribe(CHANNEL, onMark);
  const am = await startAlertmanager(direct.url, `http://127.0.0.1:${world.rewind.port}/alerts/alertmanager`).catch(
    async (err: unknown) => {
      unsubscribe(CHANNEL, onMark);
      await world.stop();
      await direct.stop();
      throw err;
    },
  );
  const toDirect: number[] = [];
  const toRewind: number[] = [];
  const stages = STAGES.map(() => [] as number[]);
  try {
    for (let i = 0; i < services; i++) {
      const service = serviceName(i);
      const [directBefore, headsBefore] = [toSlack.length, heads.length];
      marks = {};
      const t0 = performance.now();
      const res = await fetch(`${am.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([alert(service)]),
      });
      const answer = await res.text();
      if (!res.ok) throw new Error(`Alertmanager answered ${res.status}: ${answer.slice(0, 300)}`);
      await until(() => toSlack.length > directBefore && heads.length > headsBefore, `both Slack posts for ${service}`);
      const d = toSlack[directBefore];
      const r = heads[headsBefore];
      for (const [path, post] of [
        ['Alertmanager', d],
        ['Rewind', r],
      ] as const) {
        if (!post || !JSON.stringify(post.args).includes(service))
          throw new Error(`${path}'s first Slack post after the alert for ${service} is not about it`);
      }
      if (!d || !r) continue;
      // The incident's alert note goes out before the next alert, which then has the loop to itself.
      await world.settle();
      await new Promise((resolve) => setTimeout(resolve, GAP_MS));
      if (i < WARM_UP) continue;
      toDirect.push(d.at - t0);
      toRewind.push(r.at - t0);
      marks.arrived = r.at;
      let from = t0;
      for (const [s, stage] of STAGES.entries()) {
        const to = marks[stage.mark];
        if (to === undefined) throw new Error(`no "${stage.mark}" mark for ${service}: is the hook still in place?`);
        stages[s]?.push(to - from);
        from = to;
      }
    }
  } finally {
    unsubscribe(CHANNEL, onMark);
    await am.stop();
    await world.stop();
    await direct.stop();
  }
  const d = percentiles(toDirect);
  const r = percentiles(toRewind);
  print(
    `Alertmanager ${version}, group_wait 0s, one route with two receivers; ${ALERTS} alerts after ${WARM_UP} ` +
      `unmeasured, one at a time, each for a new service (a new incident in Rewind)`,
  );
  print(line('POST to Alertmanager → its Slack notifier calls chat.postMessage (direct)', toDirect));
  print(line('POST to Alertmanager → Rewind posts the incident head message (through Rewind)', toRewind));
  print(
    `ratio Rewind / direct: p50 ${(r.p50 / d.p50).toFixed(2)}×, p90 ${(r.p90 / d.p90).toFixed(2)}×, ` +
      `p99 ${(r.p99 / d.p99).toFixed(2)}× (goal: p90 ≤ 1.5×)`,
  );
  print('where the time through Rewind goes, per stage: mean (share of the mean total), p50, p90');
  for (const [s, stage] of STAGES.entries()) {
    const p = percentiles(stages[s] ?? []);
    print(
      `  ${stage.label}: ${p.mean.toFixed(2)} ms (${((100 * p.mean) / r.mean).toFixed(0)}%), ` +
        `p50 ${p.p50.toFixed(2)} ms, p90 ${p.p90.toFixed(2)} ms`,
    );
  }
}
