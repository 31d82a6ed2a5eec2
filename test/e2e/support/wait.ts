/**
 * Polling for things that happen on the daemons' own schedule (a scrape, a rule evaluation, a
 * webhook). A probe returns the value once it is there and undefined until then; it may throw to
 * say why not yet, and the last such reason is in the timeout's message.
 */
export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 200;
  const deadline = Date.now() + timeoutMs;
  let reason: string | undefined;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason ? `; last: ${reason}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
