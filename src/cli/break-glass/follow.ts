/**
 * Running a rollback from the command line until it ends. Its steps are durable timers in the
 * database; this process joins the timer loop on it, beside a bot that may be running too: each
 * timer is claimed by exactly one process, so no step runs twice, and whichever process runs a
 * step, its row says so — this prints every step as its row lands. Stopping (Ctrl-C) leaves the
 * rollback's next timers pending for the next process that claims them.
 */
import type { Output } from '../../cli.ts';
import { isActiveRollbackStatus, type RollbackRecord } from '../../domain/rollback-record.ts';
import { stepLine, waitingLine } from './render.ts';
import type { BreakGlass } from './setup.ts';

/** How often the rollback's rows are read while waiting (real time: how soon a step shows, not when it runs). */
const LOOK_EVERY_MS = 200;

export type FollowEnd = 'finished' | 'paused' | 'detached' | 'interrupted';

export interface FollowOptions {
  /** Stop once the first traffic change is written and leave the rest to the bot. */
  detach: boolean;
  interrupt: AbortSignal;
  out: Output;
}

/** Runs the timer loop here and prints the rollback's steps until it ends, is paused, detaches or is interrupted. */
export async function follow(
  bg: BreakGlass,
  rollbackId: string,
  o: FollowOptions,
): Promise<{ end: FollowEnd; rollback: RollbackRecord }> {
  const { store, clock } = bg;
  const told = new Map<number, 'waiting' | 'ended'>();
  // The heartbeat first: it tells other processes that the claims this one takes are alive.
  bg.runner.start();
  bg.services.timers.start();
  try {
    for (;;) {
      const rollback = store.rollbacks.get(rollbackId);
      if (!rollback) throw new Error(`rollback ${rollbackId} is no longer in the database`);
      const steps = store.rollbacks.steps(rollbackId);
      for (const step of steps) {
        if (told.get(step.seq) === 'ended') continue;
        if (step.status === 'succeeded' || step.status === 'failed' || step.status === 'skipped') {
          o.out.log(stepLine(step, steps.length, rollback));
          told.set(step.seq, 'ended');
        } else if (step.status === 'running' && !told.has(step.seq)) {
          const waiting = waitingLine(step, steps.length, bg.config.drills.timezone);
          if (waiting) o.out.log(waiting);
          told.set(step.seq, 'waiting');
        }
      }
      if (!isActiveRollbackStatus(rollback.status)) return { end: 'finished', rollback };
      if (rollback.status === 'paused') return { end: 'paused', rollback };
      const moved = steps.some((s) => s.detail.kind === 'set_weight' && s.status === 'succeeded');
      if (o.detach && moved) return { end: 'detached', rollback };
      if (o.interrupt.aborted) return { end: 'interrupted', rollback };
      await clock.sleep(LOOK_EVERY_MS, o.interrupt).catch(() => undefined);
    }
  } finally {
    // A step being run here finishes before the loop stops: nothing is left half-done by this process.
    await bg.services.timers.stop();
  }
}

/** What the end of a follow means for the person, and the exit code: 0 succeeded or detached, 130 interrupted. */
export function followEnding(command: string, end: FollowEnd, r: RollbackRecord, out: Output): number {
  const status = `rewind status ${r.service}`;
  switch (end) {
    case 'finished':
      if (r.status === 'succeeded') {
        out.log(`Rollback ${r.id} succeeded: ${r.service} ${r.fromVersion ?? '?'} → ${r.toVersion}.`);
        return 0;
      }
      out.error(`rewind ${command}: rollback ${r.id} ${r.status}${r.error ? `: ${r.error}` : ''}`);
      return 1;
    case 'paused':
      out.error(
        `rewind ${command}: rollback ${r.id} was paused (from Slack or another command line); nothing moves until ` +
          `it is resumed: rewind resume ${r.service} --as <your Slack user ID>`,
      );
      return 1;
    case 'detached':
      out.log(
        `Detached after the first traffic change. The rest of ${r.id} runs in the bot, which claims its next steps ` +
          `from the database (if the bot is down, as soon as it starts); ${status} shows where it stands.`,
      );
      return 0;
    case 'interrupted':
      out.log(
        `Stopped waiting. ${r.id} goes on: its next step runs in whichever process claims its timers next (the bot, ` +
          `or another rewind command); ${status} shows where it stands.`,
      );
      return 130;
  }
}

/** An AbortSignal for Ctrl-C while `fn` runs; a second Ctrl-C quits at once, as usual. */
export async function untilInterrupted<T>(given: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>) {
  if (given) return fn(given);
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    return await fn(interrupt.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
