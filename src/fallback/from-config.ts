/**
 * The chain as Rewind's config describes it (`services.<name>.versions`, newest first, each with
 * its timeout in ms, and `finalMessage`). The bot reads the same list to pick rollback targets,
 * so a prompt service built from this config falls back exactly where the bot rolls back to.
 */
import type { ServiceConfig } from '../config/schema.ts';
import { createFallbackChain } from './chain.ts';
import type { FallbackChain, FallbackChainConfig, FallbackVersion, PromptCall } from './types.ts';

/** The part of a service's config the chain needs; a parsed `ServiceConfig` fits. */
export type FallbackServiceConfig = {
  versions: ReadonlyArray<Pick<ServiceConfig['versions'][number], 'version' | 'timeout'>>;
  finalMessage: ServiceConfig['finalMessage'];
};

export type FallbackChainOptions<I, O> = Pick<FallbackChainConfig<I, O>, 'onFallback' | 'registry' | 'clock'>;

/** The service's versions in fallback order with their timeouts. */
export function fallbackVersions(service: FallbackServiceConfig): FallbackVersion[] {
  return service.versions.map((v) => ({ version: v.version, timeoutMs: v.timeout }));
}

export function fallbackChainFromConfig<I, O>(
  service: FallbackServiceConfig,
  call: PromptCall<I, O>,
  options: FallbackChainOptions<I, O> = {},
): FallbackChain<I, O> {
  return createFallbackChain<I, O>({
    ...options,
    versions: fallbackVersions(service),
    finalMessage: service.finalMessage,
    call,
  });
}
