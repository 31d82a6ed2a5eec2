/** The shapes shared by the fallback chain, its metrics and the config adapter. */
import type { Registry } from 'prom-client';

/** One link of the chain: a prompt version and how long it may take before the next is tried. */
export interface FallbackVersion {
  version: string;
  timeoutMs: number;
}

export type FallbackReason = 'timeout' | 'error';

/** One version that did not answer: why, and how long the attempt took. */
export interface FallbackEvent {
  version: string;
  reason: FallbackReason;
  /** The error's message; present when `reason` is 'error'. */
  error?: string;
  /** Time from the start of this version's attempt until it was given up, in ms. */
  elapsedMs: number;
}

/** Calls one version of the prompt. It should stop its work (and its HTTP request) when `signal` aborts. */
export type PromptCall<I, O> = (version: string, input: I, signal: AbortSignal) => Promise<O>;

export interface FallbackChainConfig<I, O> {
  /** Newest first: the order the versions are tried in. */
  versions: ReadonlyArray<FallbackVersion>;
  /** The message of the FallbackExhaustedError; default サービスが一時的に利用できません. */
  finalMessage?: string;
  call: PromptCall<I, O>;
  /** Told about each fallback as it happens. An exception thrown here cannot stop the chain. */
  onFallback?: (event: FallbackEvent) => void;
  /** Where `rewind_prompt_fallbacks_total` is registered; a new Registry when absent. */
  registry?: Registry;
  /** Measures elapsed times; a monotonic clock by default. */
  clock?: { now(): number };
}

export interface ExecuteOptions {
  /** The caller's own signal (an HTTP request that went away): aborting it stops the chain at once. */
  signal?: AbortSignal;
}

export interface FallbackResult<O> {
  output: O;
  /** The version that answered. */
  version: string;
  /** The fallbacks that happened before it answered, in order; empty when the first version answered. */
  attempts: FallbackEvent[];
}

export interface FallbackChain<I, O> {
  execute(input: I, options?: ExecuteOptions): Promise<FallbackResult<O>>;
  /** The versions in the order they are tried. */
  readonly versions: ReadonlyArray<FallbackVersion>;
  /** The registry holding the fallback counter, for a service to expose on its own /metrics. */
  readonly registry: Registry;
}
