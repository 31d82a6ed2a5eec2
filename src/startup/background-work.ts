/**
 * What start-up writes: a drill's fault removed (before any timer runs), the next drill armed, the
 * claims of a killed process released, the first evaluation rounds. On a full disk it waits: the
 * bot starts and answers what it can, /readyz says why it is not ready, and this runs at the first
 * heartbeat that finds the database taking writes.
 */
import type { Logger } from '../logger.ts';
import type { Services } from '../services/index.ts';
import type { Runner } from '../services/runners.ts';
import { storeRefusal } from '../store/index.ts';

/** Starts the heartbeat, then the start-up work now, or once the database takes writes. */
export async function startBackgroundWork(
  services: Services,
  runner: Runner,
  signal: AbortSignal,
  log: Logger,
): Promise<void> {
  const startWork = async () => {
    await services.drills.heal();
    if (signal.aborted) return;
    services.drillSchedule.arm();
    services.timers.start();
    services.evaluator?.start();
  };
  // The heartbeat first: its write is the probe of whether the database takes writes.
  runner.start();
  await startWork().catch((err: unknown) => {
    const refusal = storeRefusal(err);
    if (!refusal) throw err;
    log.warn(
      { code: refusal.code },
      'the database does not take writes: timers, drills and evaluations start once it does',
    );
    whenWritable(startWork, runner, signal, log);
  });
}

/** Runs `work` at the next heartbeat that could write, and at each one after until it has succeeded once. */
function whenWritable(work: () => Promise<void>, runner: Runner, signal: AbortSignal, log: Logger): void {
  let state: 'waiting' | 'running' | 'done' = 'waiting';
  let lastError = '';
  runner.everyBeat(() => {
    if (state !== 'waiting' || signal.aborted) return;
    state = 'running';
    work().then(
      () => {
        state = 'done';
        log.info('the database takes writes: timers, drills and evaluations started');
      },
      (err: unknown) => {
        state = 'waiting';
        const message = (err as Error).message;
        // A refusal again is the outage going on (the heartbeat reports it); anything else once.
        if (!storeRefusal(err) && message !== lastError)
          log.error({ err: message }, 'start-up work failed; tried again at the next heartbeat');
        lastError = message;
      },
    );
  });
}
