/**
 * What a prompt service imports: the runbook's fallback chain. See README,
 * "The fallback chain library", for a usage example and what it guarantees.
 */
export { createFallbackChain } from './chain.ts';
export { fallbackChainFromConfig, fallbackVersions } from './from-config.ts';
export type { FallbackChainOptions, FallbackServiceConfig } from './from-config.ts';
export { DEFAULT_FINAL_MESSAGE, FallbackExhaustedError, isFallbackExhaustedError } from './errors.ts';
export { FALLBACK_COUNTER_NAME } from './metrics.ts';
export type {
  ExecuteOptions,
  FallbackChain,
  FallbackChainConfig,
  FallbackEvent,
  FallbackReason,
  FallbackResult,
  FallbackVersion,
  PromptCall,
} from './types.ts';
