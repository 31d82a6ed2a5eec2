/**
 * The bot as the fault suite runs it: a separate OS process started with
 * `node bin/run-ts.mjs test/faults/support/bot-main.ts --clock-origin=<ms> --clock-scale=<n>`,
 * calling the real composition root (startRewind) with the environment it is given, the way
 * `rewind start` does, except for three test-only things:
 *
 * - the clock is a ScaledClock, so 15- and 30-minute escalations and 10-minute phases play in
 *   seconds, and a process restarted with the same origin and scale continues the same timeline;
 * - the simulated metrics provider reads every configured version as healthy (the suite injects
 *   faults into Slack and Kubernetes, not into the service's metrics);
 * - an unhandled rejection or uncaught exception is written as one JSON log line (msg starts with
 *   "unhandled") instead of ending the process, so the suite can count them and still see what the
 *   process does next.
 *
 * Everything else is production's: HTTP mode answers before the listeners finish
 * (processBeforeResponse false) unless `--process-before-response` is given, the Web API client
 * keeps its default retries, the bot identity is not passed in (Bolt finds it as it would in a
 * real deployment), and head-message updates are spaced as in production.
 */
import { startRewind, StartupError, type Rewind } from '../../../src/main.ts';
import { ScaledClock } from '../../../src/clock.ts';

/** Every version of every service reads like this, always. */
export const HEALTHY = {
  error_rate: 0.004,
  availability: 0.999,
  p50_latency: 400,
  p95_latency: 1500,
  p99_latency: 2500,
  hallucination_rate: 0.02,
  user_complaints: 0,
};

function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

function logLine(level: number, msg: string, extra: Record<string, unknown>): void {
  process.stdout.write(
    `${JSON.stringify({ level, time: Date.now(), pid: process.pid, name: 'fault-launcher', msg, ...extra })}\n`,
  );
}

const errorOf = (err: unknown) =>
  err instanceof Error ? { type: err.name, message: err.message, stack: err.stack } : { value: String(err) };

process.on('unhandledRejection', (reason) => logLine(50, 'unhandled rejection', { err: errorOf(reason) }));
process.on('uncaughtException', (err) => logLine(60, 'unhandled exception', { err: errorOf(err) }));

const origin = Number(flag('clock-origin'));
const scale = Number(flag('clock-scale'));
const clock = new ScaledClock(origin, scale);
/**
 * Replicas on a sped-up clock: the heartbeat's 20 s are a fraction of a second of real time, less
 * than a loaded machine may hold a process up; the replica suite gives them more (clock time).
 */
const deadAfterMs = Number(flag('runner-dead-after') ?? 0);

async function boot(): Promise<Rewind | null> {
  try {
    return await startRewind({
      clock,
      host: '127.0.0.1',
      ...(deadAfterMs ? { runner: { deadAfterMs } } : {}),
      ...(process.argv.includes('--process-before-response') ? { slack: { processBeforeResponse: true } } : {}),
    });
  } catch (err) {
    if (!(err instanceof StartupError)) throw err;
    for (const line of err.lines) process.stderr.write(`${line}\n`);
    return null;
  }
}

const rewind = await boot();
if (!rewind) {
  // Like `rewind start`: the exit code is set and the process ends once nothing keeps it alive.
  // Whatever still keeps it alive after a refused start makes a half-dead process, which the suite checks for.
  process.exitCode = 1;
} else {
  for (const [service, config] of Object.entries(rewind.config.services)) {
    for (const v of config.versions)
      rewind.metrics.simulated?.script(service, v.version, [{ from: 0, values: HEALTHY }]);
  }
  // The suite reads the port from this line (PORT=0 lets the kernel choose one per start).
  logLine(30, 'fault launcher ready', { launcher: 'ready', port: rewind.port, origin, scale });
  const shutdown = (signal: string) => {
    rewind.log.info({ signal }, 'shutting down');
    void rewind.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}
