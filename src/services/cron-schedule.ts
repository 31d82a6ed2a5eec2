/**
 * The next times a cron expression fires in a time zone, counted from the injected clock's now.
 * node-cron's own getNextRuns() starts from the system clock, which would break compressed-clock
 * tests and the demo, so this asks the task's matcher directly from the given instant.
 */
import { createTask, validate } from 'node-cron';

interface Matcher {
  getNextMatch(date: Date): Date;
}

export function nextCronRuns(expression: string, timezone: string, from: number, count: number): number[] {
  if (!validate(expression)) throw new Error(`invalid cron expression "${expression}"`);
  const task = createTask(expression, () => {}, { timezone });
  try {
    const matcher = (task as unknown as { timeMatcher?: Matcher }).timeMatcher;
    if (!matcher || typeof matcher.getNextMatch !== 'function')
      throw new Error('node-cron no longer exposes its time matcher; update cron-schedule.ts');
    const runs: number[] = [];
    let at = new Date(from);
    for (let i = 0; i < count; i++) {
      at = matcher.getNextMatch(at);
      runs.push(at.getTime());
    }
    return runs;
  } finally {
    void task.destroy();
  }
}
