/**
 * What `rewind doctor` reports: a list of checks, each passed or failed, each failure with the fix
 * in words a person can act on. Every check runs under a deadline, and whatever goes wrong inside
 * one — no answer, a refused connection, an error nobody expected — becomes a failed check with
 * the reason, never a stack trace and never the end of the run.
 */
import type { Clock } from '../clock.ts';

export interface DoctorCheck {
  /** Where it belongs: `Slack`, `Kubernetes prompt-service`, `Metrics`, … */
  section: string;
  /** What was checked, in a few words: `auth.test`, `scope im:write`, `version v1.5.0`. */
  check: string;
  ok: boolean;
  /** What was found, on one line. */
  detail: string;
  /** What to do about a failure, on one line; null when the check passed. */
  fix: string | null;
}

/**
 * Text as one line. A detail can quote what a server answered (an HTML page, a multi-line error);
 * the checklist gives each check one line and its fix one more, and a JSON reader expects the same.
 */
const flat = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

export const passed = (section: string, check: string, detail: string): DoctorCheck => ({
  section,
  check,
  ok: true,
  detail: flat(detail),
  fix: null,
});

export const failed = (section: string, check: string, detail: string, fix: string): DoctorCheck => ({
  section,
  check,
  ok: false,
  detail: flat(detail),
  fix: flat(fix),
});

/** How long one check may take before it is reported as unanswered. */
export const CHECK_TIMEOUT_MS = 10_000;

/** A check's work that did not finish in time. */
export class NoAnswerError extends Error {
  override readonly name = 'NoAnswerError';
  constructor(readonly withinMs: number) {
    super(`no answer within ${withinMs / 1000}s`);
  }
}

/** Runs `work` and rejects with NoAnswerError when it takes longer than `ms` on `clock`. */
export async function withinDeadline<T>(clock: Clock, ms: number, work: () => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const deadline = clock.sleep(ms, stop.signal).then(
    () => {
      throw new NoAnswerError(ms);
    },
    () => undefined as never,
  );
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    stop.abort();
  }
}

/** An error as one line: its message without line breaks. */
export function oneLine(err: unknown): string {
  return flat(err instanceof Error ? err.message : String(err));
}
