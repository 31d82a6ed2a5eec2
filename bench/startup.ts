/**
 * Start-up and idle memory of the compiled bot, against the floor its dependencies set.
 *
 * Each run, in child processes one after the other: (a) the floor, a node process that only imports
 * @slack/bolt, @kubernetes/client-node and better-sqlite3 (opening an in-memory database), then
 * idles; (b) the production build (`node dist/bin.js start`, compiled fresh into a temporary folder
 * from the sources as they are) with the Slack stand-in and a new database: the time from spawn to
 * the first 200 from /healthz. Both are left to settle for the same time, then their resident set
 * size is read. Targets: start → /healthz under 1.5 s, bot RSS within 1.3× of the floor.
 *
 * Alone: `node bin/run-ts.mjs bench/startup.ts` (BENCH_SMOKE=1 for one short run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { compileBuild } from '../test/support/compiled-build.ts';
import { writeKubeconfig } from '../test/support/kubeconfig.ts';
import { REPO, tempDir } from '../test/support/run-cli.ts';
import { SlackApiStandIn } from '../test/support/slack-api.ts';
import { SMOKE } from './scale.ts';

// Five, not three: the floor's own RSS lands on one of two levels (about 120 or 140 MB here, as V8
// sized its heap while importing), and the median of three too often takes the lower one.
const RUNS = SMOKE ? 1 : 5;
/** How long each process idles before its RSS is read; the same for both. */
const SETTLE_MS = SMOKE ? 1_000 : 5_000;
/** A ceiling for a start on a machine whose cores are busy; a start that ends sooner ends the wait. */
const START_CEILING_MS = 60_000;
const TARGET_START_MS = 1_500;
const TARGET_RATIO = 1.3;

const FLOOR_SCRIPT = `
import '@slack/bolt';
import '@kubernetes/client-node';
import Database from 'better-sqlite3';
const db = new Database(':memory:');
db.prepare('select 1').get();
process.stdout.write('ready\\n');
setInterval(() => {}, 60_000);
`;

const MB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The resident set size of a child process, from /proc (Linux, where CI and the image run). */
function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  const kb = Number(line?.match(/(\d+)\s*kB/)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return kb * 1024;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Output kept for the error message when a child does not get where it should. */
function captured(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  return () => text.slice(-2_000);
}

async function until(what: string, child: ChildProcess, output: () => string, done: () => Promise<boolean>) {
  const end = performance.now() + START_CEILING_MS;
  while (!(await done())) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${output()}`);
    if (performance.now() > end) throw new Error(`${what} not ready after ${START_CEILING_MS} ms:\n${output()}`);
    await sleep(5);
  }
}

/** The floor: how long its imports take from spawn (what no start of the bot can beat), and its RSS. */
async function floorProcess(): Promise<{ readyMs: number; rss: number }> {
  // Resolved from the repository, where node_modules is: an --eval module resolves from the cwd.
  const started = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '--eval', FLOOR_SCRIPT], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captured(child);
  try {
    await until('the floor process', child, output, async () => output().includes('ready'));
    const readyMs = performance.now() - started;
    await sleep(SETTLE_MS);
    return { readyMs, rss: rssOf(child.pid!) };
  } finally {
    await stopChild(child);
  }
}

async function botStart(entry: string, slackUrl: string): Promise<{ startMs: number; rss: number }> {
  const dir = tempDir('rewind-bench-startup-');
  const port = await freePort();
  const healthz = `http://127.0.0.1:${port}/healthz`;
  const started = performance.now();
  const child = spawn(process.execPath, [entry, 'start'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      NODE_ENV: 'production',
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: 'bench-signing-secret',
      SLACK_API_URL: slackUrl,
      PORT: String(port),
      REWIND_CONFIG: join(REPO, 'config/rewind.yml'),
      REWIND_DB: join(dir, 'rewind.db'),
      // A cluster that does not answer: the start needs a kubeconfig naming one, not the cluster itself.
      KUBECONFIG: writeKubeconfig(
        [{ name: 'cluster', server: 'http://127.0.0.1:9' }],
        'cluster',
        join(dir, 'kubeconfig'),
      ),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captured(child);
  try {
    await until('the bot', child, output, () =>
      fetch(healthz).then(
        (r) => r.status === 200,
        () => false,
      ),
    );
    const startMs = performance.now() - started;
    await sleep(SETTLE_MS);
    return { startMs, rss: rssOf(child.pid!) };
  } finally {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function benchStartup(print: (line: string) => void): Promise<void> {
  const build = compileBuild();
  const slack = await new SlackApiStandIn().start();
  const runs: Array<{ startMs: number; floorMs: number; floor: number; rss: number }> = [];
  try {
    print(`production build (npm run build): ${build.buildMs} ms`);
    for (let i = 0; i < RUNS; i++) {
      const floor = await floorProcess();
      const bot = await botStart(build.entry, slack.url);
      runs.push({ floorMs: floor.readyMs, floor: floor.rss, ...bot });
      print(
        `run ${i + 1}: start→healthz ${bot.startMs.toFixed(0)} ms (the floor's imports alone: ` +
          `${floor.readyMs.toFixed(0)} ms), floor RSS ${MB(floor.rss)}, bot RSS ${MB(bot.rss)}, ` +
          `ratio ${(bot.rss / floor.rss).toFixed(2)}`,
      );
    }
  } finally {
    await slack.stop();
    build.remove();
  }
  const startMs = median(runs.map((r) => r.startMs));
  const floorMs = median(runs.map((r) => r.floorMs));
  const floor = median(runs.map((r) => r.floor));
  const rss = median(runs.map((r) => r.rss));
  const ratio = median(runs.map((r) => r.rss / r.floor));
  print(
    `median of ${runs.length}: start→healthz ${startMs.toFixed(0)} ms (target < ${TARGET_START_MS}; ` +
      `the floor's imports ${floorMs.toFixed(0)} ms), floor RSS ${MB(floor)}, bot RSS ${MB(rss)}, ` +
      `ratio ${ratio.toFixed(2)} (target ≤ ${TARGET_RATIO}), ` +
      `after ${SETTLE_MS / 1000} s settling`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`start-up and idle memory${SMOKE ? ' — SMOKE RUN: the figures mean nothing' : ''}`);
  await benchStartup((line) => console.log(`  ${line}`));
}
