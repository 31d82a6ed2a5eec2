/**
 * The fallback counter. A prompt service often builds one chain per route or per request
 * handler with the same registry, so the counter is looked up before it is created: prom-client
 * throws "already registered" on a second `new Counter` with the same name.
 */
import { Counter, Registry } from 'prom-client';
import type { FallbackReason } from './types.ts';

export const FALLBACK_COUNTER_NAME = 'rewind_prompt_fallbacks_total';
const LABELS = ['version', 'reason'] as const;

export type FallbackCounter = Counter<(typeof LABELS)[number]>;

export function fallbackCounter(registry: Registry): FallbackCounter {
  const existing = registry.getSingleMetric(FALLBACK_COUNTER_NAME);
  if (existing !== undefined) {
    if (!(existing instanceof Counter)) {
      throw new Error(
        `the registry already holds a metric named ${FALLBACK_COUNTER_NAME} that is not a Counter; the fallback ` +
          `chain cannot record its events there`,
      );
    }
    const labels = (existing as unknown as { labelNames?: readonly string[] }).labelNames ?? [];
    if ([...labels].sort().join(',') !== [...LABELS].sort().join(',')) {
      throw new Error(
        `the registry already holds a Counter named ${FALLBACK_COUNTER_NAME} with labels [${labels.join(', ')}]; the ` +
          `fallback chain needs exactly [${LABELS.join(', ')}]`,
      );
    }
    return existing as FallbackCounter;
  }
  return new Counter({
    name: FALLBACK_COUNTER_NAME,
    help: 'Prompt calls that fell back from a version, by the version given up and why (timeout or error).',
    labelNames: LABELS,
    registers: [registry],
  });
}

export function recordFallback(counter: FallbackCounter, version: string, reason: FallbackReason): void {
  counter.inc({ version, reason });
}
