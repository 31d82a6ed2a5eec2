/**
 * Big webhooks beside slash commands: a running Rewind (production settings: listeners after the
 * ack, head-message updates 1 s apart) gets three Alertmanager webhooks of just under the 1 MiB body
 * limit at once — hundreds of alerts each, with the long descriptions, links and PromQL real rules
 * carry — while signed slash commands (`/rollback help`, `/rollback status`) arrive every 50 ms.
 * Target: every slash command sent while the webhooks are processed is answered in < 100 ms (Slack
 * gives up at 3 s). Prints the command answer times during the webhooks, the webhook answer times,
 * and the bot's event-loop stall (perf_hooks monitorEventLoopDelay), per round and as medians.
 *
 * Both Slack and Alertmanager are a child process: a sender inside the bot's process would send
 * late whenever the bot's event loop is stalled, and the stall would go missing from the figures.
 * Each round sends new alerts (new fingerprints), so every round stores all of them.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { COMMAND } from '../src/adapters/slack/ids.ts';
import { BOT_ACTOR } from '../src/domain/types.ts';
import { bigAlertmanagerBody, type BigBody } from '../test/support/big-alerts.ts';
import { signRequest, slashCommandBody } from '../test/support/slack-signing.ts';
import { ALERT_TOKEN, ALICE, SECRET, startWorld, type World } from '../test/support/world.ts';
import { DEFAULT_MAX_ALERT_BODY_BYTES } from '../src/adapters/alerts/routes.ts';
import { runSender } from './child-sender.ts';
import { SMOKE, scaled } from './scale.ts';

const ROUNDS = SMOKE ? 1 : 5;
const WEBHOOKS = 3;
const BODY_BYTES = scaled(DEFAULT_MAX_ALERT_BODY_BYTES) - 64;
const COMMAND_INTERVAL_MS = 50;
/** Commands before the webhooks and after the last answer: the quiet baseline around the burst. */
const LEAD_MS = 300;
const TAIL_MS = 300;
const TARGET_MS = 100;
const SERVICES = ['prompt-service', 'prompt-service-staging'];

interface Sent {
  /** When it was sent, in ms since the sender started. */
  at: number;
  ms: number;
  status: number;
}

interface Traffic {
  commands: Sent[];
  webhooks: Sent[];
}

/**
 * The sender: slash commands every `intervalMs` from the start, the webhooks all at once after
 * `leadMs`, commands until `tailMs` after the last webhook answer. One plain HTTP/1.1 connection
 * per request, as Slack and Alertmanager open them.
 */
const SENDER = `
  const { request } = require('node:http');
  const { performance } = require('node:perf_hooks');
  const chunks = [];
  process.stdin.on('data', (c) => chunks.push(c));
  process.stdin.on('end', () => {
    const o = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const t0 = performance.now();
    const post = (path, body, headers) => new Promise((resolve) => {
      const at = performance.now() - t0;
      const length = Buffer.byteLength(body);
      const options = { method: 'POST', agent: false, headers: { ...headers, 'content-length': length } };
      const req = request(o.base + path, options, (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve({ at, ms: performance.now() - t0 - at, status: res.statusCode }));
      });
      req.on('error', () => resolve({ at, ms: performance.now() - t0 - at, status: 0 }));
      req.end(body);
    });
    const commands = [];
    let next = 0;
    let webhooksDone = null;
    const command = () => {
      const c = o.commands[next++];
      if (c) commands.push(post('/slack/events', c.body, c.headers));
    };
    const tick = setInterval(() => {
      const now = performance.now() - t0;
      const tailOver = webhooksDone !== null && now > webhooksDone + o.tailMs;
      if (tailOver || next >= o.commands.length) return clearInterval(tick);
      command();
    }, o.intervalMs);
    setTimeout(() => {
      const headers = { 'content-type': 'application/json', authorization: 'Bearer ' + o.token };
      const sent = Promise.all(o.bodies.map((b) => post('/alerts/alertmanager', b, headers)));
      // One command right behind the webhooks, so even a short burst has a command in it.
      command();
      sent.then(async (webhooks) => {
        webhooksDone = performance.now() - t0;
        await new Promise((r) => setTimeout(r, o.tailMs + o.intervalMs));
        clearInterval(tick);
        process.stdout.write(JSON.stringify({ commands: await Promise.all(commands), webhooks }));
      });
    }, o.leadMs);
  });
`;

function send(
  base: string,
  bodies: string[],
  commands: Array<{ body: string; headers: Record<string, string> }>,
): Promise<Traffic> {
  return runSender<Traffic>(SENDER, {
    base,
    token: ALERT_TOKEN,
    bodies,
    commands,
    intervalMs: COMMAND_INTERVAL_MS,
    leadMs: LEAD_MS,
    tailMs: TAIL_MS,
  });
}

/** Enough signed commands for the longest run: one every interval for a minute. */
function signedCommands(round: string, channel: string): Array<{ body: string; headers: Record<string, string> }> {
  return Array.from({ length: 60_000 / COMMAND_INTERVAL_MS }, (_, i) => {
    const body = slashCommandBody({
      command: COMMAND.rollback,
      text: i % 2 ? 'status prompt-service' : 'help',
      user_id: ALICE,
      channel_id: channel,
      trigger_id: `bench.big.${round}.${i}`,
    });
    return { body, headers: { ...signRequest(SECRET, body) } };
  });
}

const at = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const median = (values: number[]) =>
  at(
    [...values].sort((a, b) => a - b),
    50,
  );
const f = (ms: number) => `${ms.toFixed(1)} ms`;

interface Phase {
  /** Answer times of the commands sent between the first webhook going out and the last answer. */
  during: number[];
  /** Answer times of the commands sent before the webhooks: the same bot, idle. */
  idle: number[];
  webhooks: Sent[];
  stallMax: number;
  stallP99: number;
  commandsOk: boolean;
}

async function phase(world: World, bodies: BigBody[], round: number, label: string): Promise<Phase> {
  const commands = signedCommands(`${round}.${label}`, world.rewind.config.slack.incidentChannel);
  const stall = monitorEventLoopDelay({ resolution: 10 });
  stall.enable();
  const traffic = await send(
    `http://127.0.0.1:${world.rewind.port}`,
    bodies.map((b) => b.json),
    commands,
  );
  stall.disable();
  const start = Math.min(...traffic.webhooks.map((w) => w.at));
  const end = Math.max(...traffic.webhooks.map((w) => w.at + w.ms));
  return {
    during: traffic.commands.filter((c) => c.at >= start && c.at <= end).map((c) => c.ms),
    idle: traffic.commands.filter((c) => c.at + c.ms < start).map((c) => c.ms),
    webhooks: traffic.webhooks,
    stallMax: stall.max / 1e6,
    stallP99: stall.percentile(99) / 1e6,
    commandsOk: traffic.commands.every((c) => c.status === 200),
  };
}

interface Round {
  firing: Phase;
  resolved: Phase;
  /** What is wrong with what the bot stored, if anything. */
  problems: string[];
}

/** Three new groups of alerts fire at once, then the same three groups resolve at once. */
async function round(world: World, n: number): Promise<Round> {
  const firing = Array.from({ length: WEBHOOKS }, (_, k) =>
    bigAlertmanagerBody({ services: SERVICES, tag: `r${n}w${k}`, maxBytes: BODY_BYTES }),
  );
  const resolved = Array.from({ length: WEBHOOKS }, (_, k) =>
    bigAlertmanagerBody({ services: SERVICES, tag: `r${n}w${k}`, maxBytes: BODY_BYTES, status: 'resolved' }),
  );
  const fingerprints = firing.flatMap((b) => b.fingerprints);
  const statuses = () =>
    fingerprints.map((fp) => world.rewind.store.alerts.get('alertmanager', fp)?.status ?? 'missing');
  const problems: string[] = [];

  const fired = await phase(world, firing, n, 'firing');
  const open = world.rewind.store.incidents.listOpen();
  if (statuses().some((s) => s !== 'firing'))
    problems.push(`${statuses().filter((s) => s !== 'firing').length} alerts not stored as firing`);
  if (open.length !== SERVICES.length || new Set(open.map((i) => i.service)).size !== open.length)
    problems.push(`${open.length} open incidents for ${SERVICES.length} services`);
  await world.settle();

  const cleared = await phase(world, resolved, n, 'resolved');
  if (statuses().some((s) => s !== 'resolved'))
    problems.push(`${statuses().filter((s) => s !== 'resolved').length} alerts not stored as resolved`);
  await world.settle();
  // The next round opens its incidents again, so each round does the same work.
  for (const incident of open) world.rewind.services.incidents.resolve(incident.id, BOT_ACTOR);
  await world.settle();
  for (const p of [fired, cleared]) {
    if (p.webhooks.some((w) => w.status !== 202))
      problems.push(`webhooks answered ${p.webhooks.map((w) => w.status).join(', ')}`);
    if (!p.commandsOk) problems.push('a slash command was not answered 200');
  }
  return { firing: fired, resolved: cleared, problems };
}

function phaseLine(label: string, p: Phase): string {
  const s = [...p.during].sort((a, b) => a - b);
  return (
    `${label}: slash command during the webhooks n=${s.length} p50 ${f(at(s, 50))}, p99 ${f(at(s, 99))}, max ` +
    `${f(s.at(-1) ?? NaN)}; ` +
    `webhook answers ${p.webhooks.map((w) => `${w.status} in ${w.ms.toFixed(0)} ms`).join(', ')}; ` +
    `event-loop delay max ${f(p.stallMax)}, p99 ${f(p.stallP99)}`
  );
}

function medianLine(label: string, phases: Phase[]): string {
  const of = (p: Phase, q: number) =>
    at(
      [...p.during].sort((a, b) => a - b),
      q,
    );
  return (
    `${label}, median of ${phases.length} rounds: slash command before the webhooks p50 ` +
    `${f(median(phases.flatMap((p) => p.idle)))}; during the webhooks p50 ` +
    `${f(median(phases.map((p) => of(p, 50))))}, ` +
    `p99 ${f(median(phases.map((p) => of(p, 99))))}, max ${f(median(phases.map((p) => Math.max(...p.during))))}; ` +
    `last webhook answer ${f(median(phases.map((p) => Math.max(...p.webhooks.map((w) => w.ms)))))}; ` +
    `event-loop delay max ${f(median(phases.map((p) => p.stallMax)))}, p99 ${f(median(phases.map((p) => p.stallP99)))}`
  );
}

export async function benchBigWebhooks(print: (line: string) => void): Promise<void> {
  const world = await startWorld({ processBeforeResponse: false, minUpdateIntervalMs: 1_000 });
  try {
    const sample = bigAlertmanagerBody({ services: SERVICES, tag: 'sample', maxBytes: BODY_BYTES });
    print(
      `each webhook: ${sample.bytes.toLocaleString('en')} bytes, ${sample.alerts} alerts over ${SERVICES.length} ` +
        `services; ${WEBHOOKS} at once ` +
        `(firing, then the same alerts resolved), a slash command every ${COMMAND_INTERVAL_MS} ms`,
    );
    // A running bot, not a cold one: the code paths compiled, the incident messages' queues used.
    await round(world, 0);
    const rounds: Round[] = [];
    for (let n = 1; n <= ROUNDS; n++) {
      const r = await round(world, n);
      rounds.push(r);
      print(`round ${n} ${phaseLine('firing', r.firing)}`);
      print(`round ${n} ${phaseLine('resolved', r.resolved)}`);
    }
    print(
      medianLine(
        'firing',
        rounds.map((r) => r.firing),
      ),
    );
    print(
      medianLine(
        'resolved',
        rounds.map((r) => r.resolved),
      ),
    );
    const problems = rounds.flatMap((r, i) => r.problems.map((p) => `round ${i + 1}: ${p}`));
    print(
      `every webhook 202, every alert stored (firing, then resolved), one incident per service, every command 200: ` +
        `${problems.length === 0 ? 'yes' : `NO (${problems.join('; ')})`}`,
    );
    const worst = median(rounds.map((r) => Math.max(...r.firing.during, ...r.resolved.during)));
    print(
      `target: slash command answered in < ${TARGET_MS} ms while three 1 MiB webhooks are processed ` +
        `(slowest of a round, median of rounds: ${f(worst)}): ` +
        `${SMOKE ? 'not judged on a smoke run' : worst < TARGET_MS && problems.length === 0 ? 'PASS' : 'FAIL'}`,
    );
  } finally {
    await world.stop();
  }
}
