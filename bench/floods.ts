/**
 * Senders that are slow or not Slack, beside the real ones: a running Rewind (HTTP mode,
 * production settings) gets 200 bodies of 4 MB at once on /slack/events — half without a
 * signature, half with a timestamp an hour old, each written in full — while signed slash commands
 * arrive every 50 ms; then four alert webhooks that trickle a byte a second (chunked, valid token)
 * while small alerts arrive every 100 ms. Prints the commands' answer times before and during the
 * flood, what the flood was answered, the bot's resident memory, and the small alerts' answer
 * times beside the trickling senders. Target: commands answered in < 300 ms at p99 during the
 * flood (Slack gives up at 3 s), every small alert 202.
 *
 * The senders are a child process, so a stall of the bot's event loop shows in the figures
 * instead of delaying the sending.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { COMMAND } from '../src/adapters/slack/ids.ts';
import { signRequest, slashCommandBody } from '../test/support/slack-signing.ts';
import { ALERT_TOKEN, ALICE, SECRET, startWorld } from '../test/support/world.ts';
import { runSender } from './child-sender.ts';
import { SMOKE, scaled } from './scale.ts';

const FLOODS = scaled(200);
const FLOOD_BYTES = 4 * 1024 * 1024;
const COMMAND_INTERVAL_MS = 50;
const COMMANDS = scaled(60);
const TRICKLERS = 4;
const SMALL_ALERTS = scaled(30);
/**
 * A tenth of Slack's 3 s. Two hundred connections opened and refused at once cost the event loop
 * a few tens of milliseconds; bodies read whole before refusing had held commands for seconds.
 */
const TARGET_MS = 300;

interface Sent {
  ms: number;
  status: string;
}

/**
 * One sender, in a child process of its own so that one busy writing 800 MB does not delay the
 * others' timing: `commands` posts the signed commands one interval apart, `flood` the 4 MB
 * bodies all at once, `trickle` opens the trickling webhooks and then posts the small alerts.
 */
const SENDER = `
  const { request } = require('node:http');
  const net = require('node:net');
  const { performance } = require('node:perf_hooks');
  const chunks = [];
  process.stdin.on('data', (c) => chunks.push(c));
  process.stdin.on('end', async () => {
    const o = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const base = new URL(o.base);
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const post = (path, body, headers) => new Promise((resolve) => {
      const t = performance.now();
      const done = (status) => resolve({ ms: performance.now() - t, status: String(status) });
      const length = Buffer.byteLength(body);
      const options = { method: 'POST', agent: false, headers: { ...headers, 'content-length': length } };
      const req = request(o.base + path, options, (res) => {
        res.on('data', () => {});
        res.on('end', () => done(res.statusCode));
      });
      req.on('error', () => done('reset'));
      req.end(body);
    });
    const out = (value) => process.stdout.write(JSON.stringify(value));
    if (o.role === 'commands') {
      const sent = [];
      for (const c of o.commands) {
        sent.push(post('/slack/events', c.body, c.headers));
        await sleep(o.intervalMs);
      }
      return out(await Promise.all(sent));
    }
    if (o.role === 'flood') {
      const big = Buffer.alloc(o.floodBytes, 0x78);
      const ts = Math.floor(Date.now() / 1000) - 3600;
      return out(await Promise.all(Array.from({ length: o.floods }, (_, i) => {
        const stale = { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': 'v0=' + 'a'.repeat(64) };
        const signed = i % 2 ? stale : {};
        return post('/slack/events', big, { 'content-type': 'application/x-www-form-urlencoded', ...signed });
      })));
    }
    const tricklers = Array.from({ length: o.tricklers }, () => {
      const s = net.connect(Number(base.port), base.hostname);
      const state = { closed: false };
      s.on('error', () => {});
      s.on('close', () => (state.closed = true));
      s.write(
        'POST /alerts/generic HTTP/1.1\\r\\nHost: x\\r\\nauthorization: Bearer ' + o.token + '\\r\\n' +
          'content-type: application/json\\r\\ntransfer-encoding: chunked\\r\\n\\r\\n1\\r\\n{\\r\\n',
      );
      const t = setInterval(() => !state.closed && s.write('1\\r\\n \\r\\n'), 1000);
      return { state, stop: () => { clearInterval(t); s.destroy(); } };
    });
    await sleep(200);
    const small = [];
    for (let i = 0; i < o.smallAlerts; i++) {
      const alert = JSON.stringify({ service: 'prompt-service', severity: 'watch', summary: 'small alert ' + i });
      const headers = { 'content-type': 'application/json', authorization: 'Bearer ' + o.token };
      small.push(await post('/alerts/generic', alert, headers));
      await sleep(100);
    }
    const open = tricklers.filter((t) => !t.state.closed).length;
    tricklers.forEach((t) => t.stop());
    out({ small, open });
  });
`;

const sender = <T>(input: Record<string, unknown>): Promise<T> => runSender<T>(SENDER, input);

const at = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const f = (ms: number) => `${ms.toFixed(1)} ms`;
const spread = (sent: Sent[]) => {
  const s = sent.map((x) => x.ms).sort((a, b) => a - b);
  return `n=${s.length} p50 ${f(at(s, 50))}, p99 ${f(at(s, 99))}, max ${f(s.at(-1) ?? NaN)}`;
};
const counts = (sent: Sent[]) =>
  Object.entries(sent.reduce<Record<string, number>>((m, x) => ((m[x.status] = (m[x.status] ?? 0) + 1), m), {}))
    .map(([status, n]) => `${n} × ${status}`)
    .join(', ');

export async function benchFloods(print: (line: string) => void): Promise<void> {
  const world = await startWorld({ processBeforeResponse: false, minUpdateIntervalMs: 1_000 });
  try {
    const base = `http://127.0.0.1:${world.rewind.port}`;
    const channel = world.rewind.config.slack.incidentChannel;
    const commands = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => {
        const body = slashCommandBody({
          command: COMMAND.rollback,
          text: 'help',
          user_id: ALICE,
          channel_id: channel,
          trigger_id: `bench.flood.${tag}.${i}`,
        });
        return { body, headers: { ...signRequest(SECRET, body) } };
      });
    const idle = await sender<Sent[]>({
      role: 'commands',
      base,
      commands: commands(10, 'idle'),
      intervalMs: COMMAND_INTERVAL_MS,
    });

    const stall = monitorEventLoopDelay({ resolution: 10 });
    let peakRss = process.memoryUsage().rss;
    const idleRss = peakRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
    stall.enable();
    const [during, flood] = await Promise.all([
      sender<Sent[]>({
        role: 'commands',
        base,
        commands: commands(COMMANDS, 'during'),
        intervalMs: COMMAND_INTERVAL_MS,
      }),
      sender<Sent[]>({ role: 'flood', base, floods: FLOODS, floodBytes: FLOOD_BYTES }),
    ]);
    stall.disable();
    clearInterval(sampler);
    const trickle = await sender<{ small: Sent[]; open: number }>({
      role: 'trickle',
      base,
      token: ALERT_TOKEN,
      tricklers: TRICKLERS,
      smallAlerts: SMALL_ALERTS,
    });

    const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
    print(
      `${FLOODS} bodies of 4 MB at once on /slack/events (half unsigned, half an hour stale), a signed /rollback ` +
        `help every ${COMMAND_INTERVAL_MS} ms`,
    );
    print(
      `slash command before the flood ${spread(idle)}; during it ${spread(during)}; the bot's event-loop delay ` +
        `meanwhile max ${f(stall.max / 1e6)}, p99 ${f(stall.percentile(99) / 1e6)}`,
    );
    print(
      `the flood was answered ${counts(flood)} (a reset: refused and closed while the client still wrote); the bot's ` +
        `resident memory ${mb(idleRss)} before, peak ${mb(peakRss)}`,
    );
    print(
      `${TRICKLERS} webhooks trickling a byte a second: small alerts ${spread(trickle.small)}, answered ` +
        `${counts(trickle.small)}; trickling senders still connected at the end: ${trickle.open} of ${TRICKLERS}`,
    );
    const p99 = at(
      during.map((x) => x.ms).sort((a, b) => a - b),
      99,
    );
    const ok =
      during.every((x) => x.status === '200') &&
      trickle.small.every((x) => x.status === '202') &&
      flood.every((x) => x.status === '401' || x.status === 'reset');
    print(
      `target: commands p99 < ${TARGET_MS} ms during the flood (${f(p99)}), every command 200, every small alert ` +
        `202, every flood body refused: ` +
        `${SMOKE ? 'not judged on a smoke run' : p99 < TARGET_MS && ok ? 'PASS' : 'FAIL'}`,
    );
  } finally {
    await world.stop();
  }
}
