import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Gauge, Registry } from 'prom-client';
import {
  DEFAULT_FINAL_MESSAGE,
  FALLBACK_COUNTER_NAME,
  FallbackExhaustedError,
  createFallbackChain,
  isFallbackExhaustedError,
  type FallbackEvent,
} from '../../src/fallback/index.ts';

/** The runbook's chain: primary v2.0.0 3000 ms, fallback_1 v1.5.0 5000 ms, fallback_2 v1.0.0 10000 ms. */
const RUNBOOK_CHAIN = [
  { version: 'v2.0.0', timeoutMs: 3000 },
  { version: 'v1.5.0', timeoutMs: 5000 },
  { version: 'v1.0.0', timeoutMs: 10000 },
];

type Behaviour = { answer: string; afterMs: number } | { fail: Error; afterMs: number } | 'hang';

interface CallRecord {
  version: string;
  input: string;
  signal: AbortSignal;
  /** Set by the call itself when it sees its signal abort, like a fetch that is cancelled. */
  sawAbort: boolean;
  abortReason: unknown;
}

/**
 * A prompt call scripted per version. Like `fetch`, it rejects with the signal's reason when
 * aborted, and the scripted answer still "arrives" late so the test can prove it is ignored.
 */
function scriptedCall(script: Record<string, Behaviour>) {
  const calls: CallRecord[] = [];
  const call = (version: string, input: string, signal: AbortSignal): Promise<string> => {
    const record: CallRecord = { version, input, signal, sawAbort: false, abortReason: undefined };
    calls.push(record);
    const behaviour = script[version];
    if (behaviour === undefined) throw new Error(`test script has no behaviour for ${version}`);
    return new Promise<string>((resolve, reject) => {
      signal.addEventListener('abort', () => {
        record.sawAbort = true;
        record.abortReason = signal.reason;
        reject(signal.reason);
      });
      if (behaviour === 'hang') return;
      setTimeout(() => ('answer' in behaviour ? resolve(behaviour.answer) : reject(behaviour.fail)), behaviour.afterMs);
    });
  };
  return { call, calls };
}

async function counterValues(registry: Registry): Promise<Array<{ labels: Record<string, unknown>; value: number }>> {
  const metric = registry.getSingleMetric(FALLBACK_COUNTER_NAME);
  if (!metric) throw new Error('counter not registered');
  const { values } = await metric.get();
  return values.map((v) => ({ labels: { ...v.labels }, value: v.value }));
}

describe('fallback chain on the runbook timeouts (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const clock = { now: () => Date.now() };

  it('returns the primary answer without any fallback', async () => {
    const { call, calls } = scriptedCall({
      'v2.0.0': { answer: 'primary says hi', afterMs: 1200 },
      'v1.5.0': 'hang',
      'v1.0.0': 'hang',
    });
    const registry = new Registry();
    const events: FallbackEvent[] = [];
    const chain = createFallbackChain({
      versions: RUNBOOK_CHAIN,
      finalMessage: DEFAULT_FINAL_MESSAGE,
      call,
      registry,
      clock,
      onFallback: (e) => events.push(e),
    });

    const pending = chain.execute('hello');
    await vi.advanceTimersByTimeAsync(1200);

    await expect(pending).resolves.toEqual({ output: 'primary says hi', version: 'v2.0.0', attempts: [] });
    expect(calls.map((c) => [c.version, c.input])).toEqual([['v2.0.0', 'hello']]);
    expect(calls[0]?.signal.aborted).toBe(false);
    expect(events).toEqual([]);
    expect(await counterValues(registry)).toEqual([]);
  });

  it('aborts a primary outliving its 3000 ms, answers from fallback_1, ignores the late primary answer', async () => {
    const { call, calls } = scriptedCall({
      'v2.0.0': { answer: 'late primary', afterMs: 4000 },
      'v1.5.0': { answer: 'from v1.5.0', afterMs: 1500 },
      'v1.0.0': 'hang',
    });
    const events: FallbackEvent[] = [];
    const chain = createFallbackChain({
      versions: RUNBOOK_CHAIN,
      finalMessage: DEFAULT_FINAL_MESSAGE,
      call,
      clock,
      onFallback: (e) => events.push(e),
    });

    const pending = chain.execute('hello');
    await vi.advanceTimersByTimeAsync(2999);
    expect(calls.map((c) => c.version)).toEqual(['v2.0.0']);
    expect(calls[0]?.signal.aborted).toBe(false);

    await vi.advanceTimersByTimeAsync(1);
    // The loser is aborted the moment its time is up, and the next version starts at once.
    expect(calls[0]?.sawAbort).toBe(true);
    expect(calls[0]?.signal.aborted).toBe(true);
    expect(calls[0]?.abortReason).toBeInstanceOf(DOMException);
    expect((calls[0]?.abortReason as DOMException).name).toBe('TimeoutError');
    expect((calls[0]?.abortReason as DOMException).message).toBe('prompt version v2.0.0 did not answer within 3000 ms');
    expect(calls.map((c) => c.version)).toEqual(['v2.0.0', 'v1.5.0']);
    expect(events).toEqual([{ version: 'v2.0.0', reason: 'timeout', elapsedMs: 3000 }]);

    // The primary's scripted answer would arrive at 4000 ms, before v1.5.0's at 4500 ms.
    await vi.advanceTimersByTimeAsync(1500);
    const result = await pending;
    expect(result).toEqual({
      output: 'from v1.5.0',
      version: 'v1.5.0',
      attempts: [{ version: 'v2.0.0', reason: 'timeout', elapsedMs: 3000 }],
    });
    expect(calls[1]?.signal.aborted).toBe(false);
    expect(calls).toHaveLength(2);
    expect(await counterValues(chain.registry)).toEqual([
      { labels: { version: 'v2.0.0', reason: 'timeout' }, value: 1 },
    ]);
  });

  it('falls through to fallback_1 as soon as the primary errors, without waiting for its timeout', async () => {
    const { call, calls } = scriptedCall({
      'v2.0.0': { fail: new Error('upstream 502 Bad Gateway'), afterMs: 250 },
      'v1.5.0': { answer: 'from v1.5.0', afterMs: 100 },
      'v1.0.0': 'hang',
    });
    const chain = createFallbackChain({ versions: RUNBOOK_CHAIN, finalMessage: DEFAULT_FINAL_MESSAGE, call, clock });

    const pending = chain.execute('hello');
    await vi.advanceTimersByTimeAsync(350);

    await expect(pending).resolves.toEqual({
      output: 'from v1.5.0',
      version: 'v1.5.0',
      attempts: [{ version: 'v2.0.0', reason: 'error', error: 'upstream 502 Bad Gateway', elapsedMs: 250 }],
    });
    expect(calls.map((c) => c.version)).toEqual(['v2.0.0', 'v1.5.0']);
    // A version that failed on its own is not aborted after the fact.
    expect(calls[0]?.sawAbort).toBe(false);
    expect(await counterValues(chain.registry)).toEqual([{ labels: { version: 'v2.0.0', reason: 'error' }, value: 1 }]);
  });

  it('treats a call that throws synchronously as an error of that version', async () => {
    const calls: string[] = [];
    const chain = createFallbackChain<string, string>({
      versions: RUNBOOK_CHAIN,
      finalMessage: DEFAULT_FINAL_MESSAGE,
      clock,
      call: (version) => {
        calls.push(version);
        if (version === 'v2.0.0') throw new TypeError('prompt template v2.0.0 is missing {input}');
        return Promise.resolve(`from ${version}`);
      },
    });

    const result = await chain.execute('hello');
    expect(result).toEqual({
      output: 'from v1.5.0',
      version: 'v1.5.0',
      attempts: [
        { version: 'v2.0.0', reason: 'error', error: 'prompt template v2.0.0 is missing {input}', elapsedMs: 0 },
      ],
    });
    expect(calls).toEqual(['v2.0.0', 'v1.5.0']);
  });

  it('throws FallbackExhaustedError (final message, the three events in order) when every version fails', async () => {
    const { call, calls } = scriptedCall({
      'v2.0.0': 'hang',
      'v1.5.0': { fail: new Error('rate limited'), afterMs: 700 },
      'v1.0.0': 'hang',
    });
    const registry = new Registry();
    const events: FallbackEvent[] = [];
    const chain = createFallbackChain({
      versions: RUNBOOK_CHAIN,
      finalMessage: 'サービスが一時的に利用できません',
      call,
      registry,
      clock,
      onFallback: (e) => events.push(e),
    });

    const pending = chain.execute('hello');
    const settled = pending.then(
      () => null,
      (err: unknown) => err,
    );
    await vi.advanceTimersByTimeAsync(3000 + 700 + 10000);
    const err = await settled;

    expect(err).toBeInstanceOf(FallbackExhaustedError);
    expect(err).toBeInstanceOf(Error);
    expect(isFallbackExhaustedError(err)).toBe(true);
    const exhausted = err as FallbackExhaustedError;
    expect(exhausted.name).toBe('FallbackExhaustedError');
    expect(exhausted.message).toBe('サービスが一時的に利用できません');
    const expected = [
      { version: 'v2.0.0', reason: 'timeout', elapsedMs: 3000 },
      { version: 'v1.5.0', reason: 'error', error: 'rate limited', elapsedMs: 700 },
      { version: 'v1.0.0', reason: 'timeout', elapsedMs: 10000 },
    ];
    expect(exhausted.attempts).toEqual(expected);
    expect(events).toEqual(expected);
    // The last version's failure is kept as the cause for logs.
    expect((exhausted.cause as DOMException).name).toBe('TimeoutError');
    expect(calls.map((c) => [c.version, c.sawAbort])).toEqual([
      ['v2.0.0', true],
      ['v1.5.0', false],
      ['v1.0.0', true],
    ]);
    expect(await counterValues(registry)).toEqual([
      { labels: { version: 'v2.0.0', reason: 'timeout' }, value: 1 },
      { labels: { version: 'v1.5.0', reason: 'error' }, value: 1 },
      { labels: { version: 'v1.0.0', reason: 'timeout' }, value: 1 },
    ]);
  });

  it('uses the runbook final message when none is configured', async () => {
    const chain = createFallbackChain<string, string>({
      versions: [{ version: 'v1.0.0', timeoutMs: 10 }],
      clock,
      call: () => Promise.reject(new Error('down')),
    });
    const err = await chain.execute('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FallbackExhaustedError);
    expect((err as Error).message).toBe('サービスが一時的に利用できません');
    expect(DEFAULT_FINAL_MESSAGE).toBe('サービスが一時的に利用できません');
  });

  it('stops at once with an AbortError on caller abort, aborting the running version and trying no other', async () => {
    const { call, calls } = scriptedCall({
      'v2.0.0': 'hang',
      'v1.5.0': { answer: 'never asked', afterMs: 1 },
      'v1.0.0': { answer: 'never asked', afterMs: 1 },
    });
    const events: FallbackEvent[] = [];
    const chain = createFallbackChain({
      versions: RUNBOOK_CHAIN,
      finalMessage: DEFAULT_FINAL_MESSAGE,
      call,
      clock,
      onFallback: (e) => events.push(e),
    });
    const caller = new AbortController();

    const pending = chain.execute('hello', { signal: caller.signal });
    const settled = pending.then(
      () => null,
      (err: unknown) => err,
    );
    await vi.advanceTimersByTimeAsync(1000);
    caller.abort(new Error('client disconnected'));
    const err = await settled;

    expect(err).toBeInstanceOf(DOMException);
    expect((err as DOMException).name).toBe('AbortError');
    expect((err as DOMException).message).toBe('the prompt call was aborted by its caller: client disconnected');
    expect(((err as DOMException).cause as Error).message).toBe('client disconnected');
    expect(calls.map((c) => c.version)).toEqual(['v2.0.0']);
    expect(calls[0]?.sawAbort).toBe(true);
    expect((calls[0]?.abortReason as Error).message).toBe('client disconnected');

    // Nothing else starts later either: not when the primary's timeout would have fired, not ever.
    await vi.advanceTimersByTimeAsync(20000);
    expect(calls).toHaveLength(1);
    expect(events).toEqual([]);
    expect(await counterValues(chain.registry)).toEqual([]);
  });

  it("passes the caller's own AbortError through unchanged", async () => {
    const { call } = scriptedCall({ 'v2.0.0': 'hang', 'v1.5.0': 'hang', 'v1.0.0': 'hang' });
    const chain = createFallbackChain({ versions: RUNBOOK_CHAIN, finalMessage: DEFAULT_FINAL_MESSAGE, call, clock });
    const caller = new AbortController();
    const settled = chain.execute('hello', { signal: caller.signal }).catch((e: unknown) => e);
    caller.abort();
    const err = await settled;
    expect(err).toBe(caller.signal.reason);
    expect((err as DOMException).name).toBe('AbortError');
  });

  it('never calls a version when the caller has already aborted', async () => {
    const { call, calls } = scriptedCall({ 'v2.0.0': { answer: 'x', afterMs: 1 }, 'v1.5.0': 'hang', 'v1.0.0': 'hang' });
    const chain = createFallbackChain({ versions: RUNBOOK_CHAIN, finalMessage: DEFAULT_FINAL_MESSAGE, call, clock });
    const err = await chain.execute('hello', { signal: AbortSignal.abort('gone') }).catch((e: unknown) => e);
    expect((err as DOMException).name).toBe('AbortError');
    expect((err as DOMException).message).toBe('the prompt call was aborted by its caller: gone');
    expect(calls).toEqual([]);
  });

  it('does not start the next version when the caller aborts between two versions', async () => {
    const { call, calls } = scriptedCall({
      'v2.0.0': { fail: new Error('boom'), afterMs: 5 },
      'v1.5.0': { answer: 'x', afterMs: 1 },
      'v1.0.0': 'hang',
    });
    const caller = new AbortController();
    const chain = createFallbackChain({
      versions: RUNBOOK_CHAIN,
      finalMessage: DEFAULT_FINAL_MESSAGE,
      call,
      clock,
      onFallback: () => caller.abort('user pressed stop'),
    });
    const settled = chain.execute('hello', { signal: caller.signal }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5);
    const err = await settled;
    expect((err as DOMException).name).toBe('AbortError');
    expect(calls.map((c) => c.version)).toEqual(['v2.0.0']);
  });

  it('keeps falling back when the onFallback listener throws', async () => {
    const { call } = scriptedCall({
      'v2.0.0': { fail: new Error('boom'), afterMs: 5 },
      'v1.5.0': { answer: 'still answered', afterMs: 5 },
      'v1.0.0': 'hang',
    });
    const chain = createFallbackChain({
      versions: RUNBOOK_CHAIN,
      finalMessage: DEFAULT_FINAL_MESSAGE,
      call,
      clock,
      onFallback: () => {
        throw new Error('logger is broken');
      },
    });
    const pending = chain.execute('hello');
    await vi.advanceTimersByTimeAsync(10);
    await expect(pending).resolves.toMatchObject({ output: 'still answered', version: 'v1.5.0' });
    expect(await counterValues(chain.registry)).toEqual([{ labels: { version: 'v2.0.0', reason: 'error' }, value: 1 }]);
  });
});

describe('fallback counter', () => {
  it('shares rewind_prompt_fallbacks_total between chains built on the same registry', async () => {
    const registry = new Registry();
    const failing = (version: string) =>
      version === 'v1.0.0' ? Promise.resolve('ok') : Promise.reject(new Error(`${version} broke`));
    const a = createFallbackChain<string, string>({
      versions: RUNBOOK_CHAIN,
      finalMessage: DEFAULT_FINAL_MESSAGE,
      call: failing,
      registry,
    });
    const b = createFallbackChain<string, string>({
      versions: RUNBOOK_CHAIN.slice(1),
      finalMessage: DEFAULT_FINAL_MESSAGE,
      call: failing,
      registry,
    });
    expect(a.registry).toBe(registry);
    expect(b.registry).toBe(registry);

    await a.execute('one');
    await a.execute('two');
    await b.execute('three');

    expect(await counterValues(registry)).toEqual([
      { labels: { version: 'v2.0.0', reason: 'error' }, value: 2 },
      { labels: { version: 'v1.5.0', reason: 'error' }, value: 3 },
    ]);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE rewind_prompt_fallbacks_total counter');
    expect(text).toContain('rewind_prompt_fallbacks_total{version="v1.5.0",reason="error"} 3');
  });

  it('gives each chain without a registry its own', () => {
    const call = () => Promise.resolve('ok');
    const a = createFallbackChain({ versions: RUNBOOK_CHAIN, call });
    const b = createFallbackChain({ versions: RUNBOOK_CHAIN, call });
    expect(a.registry).not.toBe(b.registry);
    expect(a.registry.getSingleMetric(FALLBACK_COUNTER_NAME)).toBeDefined();
  });

  it('refuses a registry where the name is taken by another kind of metric', () => {
    const registry = new Registry();
    new Gauge({ name: FALLBACK_COUNTER_NAME, help: 'not ours', registers: [registry] });
    expect(() => createFallbackChain({ versions: RUNBOOK_CHAIN, call: () => Promise.resolve('ok'), registry })).toThrow(
      'the registry already holds a metric named rewind_prompt_fallbacks_total that is not a Counter; the fallback ' +
        'chain cannot record its events there',
    );
  });
});

describe('fallback chain with real timers', () => {
  it('gives up each version after its own timeout, with sane elapsed times', async () => {
    const versions = [
      { version: 'v2.0.0', timeoutMs: 20 },
      { version: 'v1.5.0', timeoutMs: 40 },
      { version: 'v1.0.0', timeoutMs: 80 },
    ];
    const { call, calls } = scriptedCall({ 'v2.0.0': 'hang', 'v1.5.0': 'hang', 'v1.0.0': 'hang' });
    const chain = createFallbackChain({ versions, finalMessage: DEFAULT_FINAL_MESSAGE, call });

    const started = performance.now();
    const err = await chain.execute('hello').catch((e: unknown) => e);
    const total = performance.now() - started;

    expect(err).toBeInstanceOf(FallbackExhaustedError);
    const attempts = (err as FallbackExhaustedError).attempts;
    expect(attempts.map((a) => [a.version, a.reason])).toEqual([
      ['v2.0.0', 'timeout'],
      ['v1.5.0', 'timeout'],
      ['v1.0.0', 'timeout'],
    ]);
    attempts.forEach((a, i) => {
      const timeout = versions[i]!.timeoutMs;
      // Node may fire a timer a fraction of a millisecond early against performance.now().
      expect(a.elapsedMs).toBeGreaterThanOrEqual(timeout - 1);
    });
    // Each attempt is timed from its own start, not from the start of the chain: one after the
    // other, the attempts fit in the time the whole call took (the same monotonic clock; the small
    // addend covers floating-point rounding). A bound in absolute milliseconds would not hold on a
    // busy machine, where any timer may fire late; the fake-timer tests above pin the exact times.
    expect(attempts.reduce((sum, a) => sum + a.elapsedMs, 0)).toBeLessThanOrEqual(total + 0.001);
    expect(total).toBeGreaterThanOrEqual(20 + 40 + 80 - 3);
    expect(calls.every((c) => c.sawAbort)).toBe(true);
  });
});

describe('chain configuration', () => {
  const call = () => Promise.resolve('ok');
  it('refuses an empty chain', () => {
    expect(() => createFallbackChain({ versions: [], call })).toThrow(
      'fallback chain: expected at least one version, newest first',
    );
  });
  it('refuses a version listed twice', () => {
    expect(() => createFallbackChain({ versions: [RUNBOOK_CHAIN[0]!, RUNBOOK_CHAIN[0]!], call })).toThrow(
      'fallback chain: version v2.0.0 is listed twice; each version is tried once',
    );
  });
  it('refuses a timeout that is not a positive number of ms', () => {
    expect(() => createFallbackChain({ versions: [{ version: 'v2.0.0', timeoutMs: 0 }], call })).toThrow(
      'fallback chain: versions[0] (v2.0.0) needs a positive timeoutMs in milliseconds; got 0',
    );
    expect(() => createFallbackChain({ versions: [{ version: 'v2.0.0', timeoutMs: Number.NaN }], call })).toThrow(
      'got NaN',
    );
  });
  it('refuses an empty final message', () => {
    expect(() => createFallbackChain({ versions: RUNBOOK_CHAIN, finalMessage: '  ', call })).toThrow(
      'fallback chain: finalMessage must not be empty',
    );
  });
  it('exposes the versions in the order they are tried', () => {
    expect(createFallbackChain({ versions: RUNBOOK_CHAIN, call }).versions).toEqual(RUNBOOK_CHAIN);
  });
});
