/** `npm run bench`: every benchmark in turn, each printing its own figures. */
import { benchAck } from './ack.ts';
import { benchAlerts } from './alerts.ts';
import { benchBigWebhooks } from './big-webhooks.ts';
import { benchFloods } from './floods.ts';
import { benchMemory } from './memory.ts';
import { benchRollback } from './rollback.ts';
import { SMOKE } from './scale.ts';
import { benchSpine } from './spine.ts';
import { benchStartup } from './startup.ts';
import { benchWebhooks } from './webhooks.ts';

const print = (line: string) => console.log(`  ${line}`);
console.log(
  `Rewind benchmarks — node ${process.version}, ` +
    `${new Date().toISOString()}${SMOKE ? ' — SMOKE RUN (1/20 size): the figures mean nothing' : ''}`,
);
// First, while this process is idle: it times child processes, which share the cores with this one.
console.log('start-up and idle memory (compiled build)');
await benchStartup(print);
console.log('spine');
await benchSpine(print);
console.log('slack acks');
await benchAck(print);
console.log('rollback latency');
await benchRollback(print);
console.log('alert storm');
await benchAlerts(print);
console.log('concurrent webhooks');
await benchWebhooks(print);
console.log('big webhooks beside slash commands');
await benchBigWebhooks(print);
console.log('slow senders and unsigned floods');
await benchFloods(print);
// Last: it measures the heap of the whole process, which the benchmarks before it have warmed.
console.log('memory under traffic');
await benchMemory(print);
