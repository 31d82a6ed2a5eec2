/**
 * What the demo and the playground add to the shipped config: the fixed prompt version v2.0.1,
 * configured and deployed from the start (as a team would have it ready before re-deploying it).
 */

/** The fixed version's entry in `services.prompt-service.versions`. */
export const FIX = {
  version: 'v2.0.1',
  deployment: 'prompt-service-v2-0-1',
  backend: 'prompt-service-v2-0-1',
  subset: 'v2-0-1',
  timeout: '3000ms',
};

/** The parts of the shipped config the demo and the playground rewrite; everything else passes through as read. */
export interface ShippedConfig {
  metrics?: unknown;
  services: Record<string, { router?: unknown; versions: unknown[] }>;
  [key: string]: unknown;
}
