/**
 * `npm run bench`: every benchmark in turn, each printing its own figures. `npm run bench -- WORD…`
 * runs only those whose title contains one of the words (`npm run bench -- alertmanager kubectl`).
 */
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

const print = (line: string) => console.log(`  ${line}`);
const only = process.argv.slice(2).map((word) => word.toLowerCase());
/** Runs one benchmark under its title, unless words were given and its title has none of them. */
async function section(title: string, bench: (p: typeof print) => Promise<void>): Promise<void> {
  if (only.length > 0 && !only.some((word) => title.toLowerCase().includes(word))) return;
  console.log(title);
  await bench(print);
}
console.log(
  `Rewind benchmarks — node ${process.version}, ` +
    `${new Date().toISOString()}${SMOKE ? ' — SMOKE RUN (1/20 size): the figures mean nothing' : ''}`,
);
// First, while this process is idle: it times child processes, which share the cores with this one.
await section('start-up and idle memory (compiled build)', benchStartup);
await section('spine', benchSpine);
await section('slack acks', benchAck);
await section('rollback latency', benchRollback);
await section('rollback click beside kubectl patch', benchClickVsKubectl);
await section('alert storm', benchAlerts);
await section("alerts beside Alertmanager's own Slack notifier", benchAlertmanagerSideBySide);
await section('concurrent webhooks', benchWebhooks);
await section('big webhooks beside slash commands', benchBigWebhooks);
await section('slow senders and unsigned floods', benchFloods);
await section('PostgreSQL store and replicas', benchPostgres);
// Last: it measures the heap of the whole process, which the benchmarks before it have warmed.
await section('memory under traffic', benchMemory);
