/**
 * `npm run bench`: every benchmark in turn, each printing its own figures. `npm run bench -- WORD…`
 * runs only those whose title contains one of the words (`npm run bench -- alertmanager kubectl`).
 *
 * Each benchmark runs in a fresh process of its own (this file again, told which one by
 * REWIND_BENCH_SECTION), one after the other: none inherits the heap, the garbage, the open
 * handles or the timers of those before it, so a figure is the same whether its benchmark runs
 * alone or inside the full run (a latency ratio measured after the others once came out 40% worse).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchAck } from './ack.ts';
import { benchAlertmanagerSideBySide } from './alertmanager-side-by-side.ts';
import { benchAlerts } from './alerts.ts';
import { benchBigWebhooks } from './big-webhooks.ts';
import { benchClickVsKubectl } from './click-vs-kubectl.ts';
import { benchFloods } from './floods.ts';
import { benchMemory } from './memory.ts';
import { benchPostgres } from './postgres.ts';
import { benchRollback } from './rollback.ts';
import { SMOKE } from './scale.ts';
import { benchSpine } from './spine.ts';
import { benchStartup } from './startup.ts';
import { benchWebhooks } from './webhooks.ts';

type Bench = (print: (line: string) => void) => Promise<void>;

/** In the order they run. */
const SECTIONS: ReadonlyArray<readonly [title: string, bench: Bench]> = [
  // First: it times child processes, which share the cores with whatever else runs.
  ['start-up and idle memory (compiled build)', benchStartup],
  ['spine', benchSpine],
  ['slack acks', benchAck],
  ['rollback latency', benchRollback],
  ['rollback click beside kubectl patch', benchClickVsKubectl],
  ['alert storm', benchAlerts],
  ["alerts beside Alertmanager's own Slack notifier", benchAlertmanagerSideBySide],
  ['concurrent webhooks', benchWebhooks],
  ['big webhooks beside slash commands', benchBigWebhooks],
  ['slow senders and unsigned floods', benchFloods],
  ['PostgreSQL store and replicas', benchPostgres],
  // Last: the longest, and the one that measures a whole process's heap (warmed by its own traffic).
  ['memory under traffic', benchMemory],
];

const print = (line: string) => console.log(`  ${line}`);
const own = process.env.REWIND_BENCH_SECTION || undefined;

if (own !== undefined) {
  const bench = SECTIONS.find(([title]) => title === own)?.[1];
  if (!bench) throw new Error(`bench: no section titled ${JSON.stringify(own)}`);
  await bench(print);
} else {
  const only = process.argv.slice(2).map((word) => word.toLowerCase());
  console.log(
    `Rewind benchmarks — node ${process.version}, ` +
      `${new Date().toISOString()}${SMOKE ? ' — SMOKE RUN (1/20 size): the figures mean nothing' : ''}`,
  );
  for (const [title] of SECTIONS) {
    if (only.length > 0 && !only.some((word) => title.toLowerCase().includes(word))) continue;
    console.log(title);
    const code = await runSection(title);
    // As when every section shared one process: a benchmark that fails ends the run.
    if (code !== 0) {
      console.error(`bench: "${title}" exited with ${code}`);
      process.exit(code);
    }
  }
}

/** Runs one section in a fresh process with this one's flags (--expose-gc), printing to this one's output. */
function runSection(title: string): Promise<number> {
  const runTs = fileURLToPath(new URL('../bin/run-ts.mjs', import.meta.url));
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, runTs, self], {
      stdio: 'inherit',
      env: { ...process.env, REWIND_BENCH_SECTION: title },
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
