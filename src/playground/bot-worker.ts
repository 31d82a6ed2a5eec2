/**
 * The bot as the playground runs it: a child process of the playground server, started with
 * `node bin/run-ts.mjs src/playground/bot-worker.ts` and an IPC channel, so the page's kill -9 is
 * a real SIGKILL of a real process. It calls the real composition root (startRewind) with the
 * environment it is given — HTTP mode with a signing secret, the Slack and Kubernetes stand-ins'
 * URLs, a SQLite file — and only two things come from the playground over the channel: the
 * timeline its clock follows (the visitor's ×1/×60/×600) and the script of the simulated metrics
 * (the visitor's sliders, with their history).
 *
 * Messages in: `{ type: 'init', segment, scripts }` first, then `{ type: 'timeline', segment }` and
 * `{ type: 'scripts', scripts }`. Out: `{ type: 'ready', port }` or `{ type: 'failed', lines }`.
 * When the playground goes away the channel closes and the worker ends with it.
 */
import { SimulatedMetrics } from '../adapters/metrics/simulated.ts';
import { startRewind, StartupError, type Rewind } from '../main.ts';
import type { Scripts } from './scenario.ts';
import { TimelineClock, type TimeSegment } from './timeline.ts';

export type WorkerMessage =
  | { type: 'init'; segment: TimeSegment; scripts: Scripts }
  | { type: 'timeline'; segment: TimeSegment }
  | { type: 'scripts'; scripts: Scripts };

export type WorkerReport = { type: 'ready'; port: number } | { type: 'failed'; lines: string[] };

const send = (report: WorkerReport) => process.send?.(report);

function applyScripts(simulated: SimulatedMetrics | null, scripts: Scripts): void {
  if (!simulated) return;
  for (const [service, versions] of Object.entries(scripts))
    for (const [version, steps] of Object.entries(versions)) simulated.script(service, version, steps);
}

async function boot(segment: TimeSegment, initial: Scripts): Promise<void> {
  const clock = new TimelineClock(segment);
  let scripts = initial;
  let rewind: Rewind;
  try {
    // The scenario is there from the bot's first sample: a restarted bot resumes a rollback's
    // observation inside startRewind, and a metric it cannot read would hold the abortIf.
    rewind = await startRewind({ clock, host: '127.0.0.1', metricsScript: scripts });
  } catch (err) {
    send({ type: 'failed', lines: err instanceof StartupError ? err.lines : [String(err)] });
    process.exitCode = 1;
    return;
  }
  process.on('message', (m: WorkerMessage) => {
    if (m.type === 'timeline') clock.follow(m.segment);
    if (m.type !== 'scripts') return;
    scripts = m.scripts;
    applyScripts(rewind.metrics.simulated, scripts);
  });
  stopBot = () => rewind.stop();
  send({ type: 'ready', port: rewind.port });
}

/** Stops the bot cleanly once it has started; before that there is nothing to stop. */
let stopBot: () => Promise<void> = async () => {};
const shutdown = () => void stopBot().finally(() => process.exit(0));
process.once('SIGTERM', shutdown);
process.once('disconnect', shutdown);
process.once('message', (m: WorkerMessage) => {
  if (m.type === 'init') void boot(m.segment, m.scripts);
});
