import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { loadConfigFile } from '../../src/config/load.ts';
import { chooseTarget } from '../../src/domain/target.ts';
import {
  FallbackExhaustedError,
  fallbackChainFromConfig,
  fallbackVersions,
  type FallbackEvent,
} from '../../src/fallback/index.ts';

function projectService() {
  const loaded = loadConfigFile('config/rewind.yml');
  if (!loaded.ok)
    throw new Error(`config/rewind.yml does not load: ${loaded.problems.map((p) => p.message).join('; ')}`);
  const service = loaded.config.services['prompt-service'];
  if (!service) throw new Error('config/rewind.yml has no prompt-service');
  return service;
}

describe('fallbackChainFromConfig', () => {
  it("builds the runbook chain from the project's config: v2.0.0 3000 ms, v1.5.0 5000 ms, v1.0.0 10000 ms", () => {
    const service = projectService();
    expect(fallbackVersions(service)).toEqual([
      { version: 'v2.0.0', timeoutMs: 3000 },
      { version: 'v1.5.0', timeoutMs: 5000 },
      { version: 'v1.0.0', timeoutMs: 10000 },
    ]);
    const chain = fallbackChainFromConfig(service, () => Promise.resolve('ok'));
    expect(chain.versions.map((v) => v.version)).toEqual(['v2.0.0', 'v1.5.0', 'v1.0.0']);
  });

  it('falls back where the bot rolls back to: the version after a failing one is the rollback target', async () => {
    const service = projectService();
    const chain = fallbackChainFromConfig<string, string>(service, (version) =>
      version === 'v2.0.0' ? Promise.reject(new Error('bad prompt')) : Promise.resolve(`answer from ${version}`),
    );
    const result = await chain.execute('question');
    const target = chooseTarget({
      chain: fallbackVersions(service).map((v) => v.version),
      from: 'v2.0.0',
      requested: null,
      history: [],
    });
    expect(target).toEqual({ ok: true, to: result.version, reason: 'fallback_chain' });
    expect(result.version).toBe('v1.5.0');
  });

  it("ends with the service's own final message and passes registry and onFallback through", async () => {
    const registry = new Registry();
    const events: FallbackEvent[] = [];
    const service = {
      versions: [
        { version: 'v3.1.0', timeout: 15 },
        { version: 'v3.0.0', timeout: 25 },
      ],
      finalMessage: 'Our assistant is resting; please try again in a minute.',
    };
    const chain = fallbackChainFromConfig<string, string>(
      service,
      () => Promise.reject(new Error('model overloaded')),
      { registry, onFallback: (e) => events.push(e), clock: { now: () => 0 } },
    );
    const err = await chain.execute('q').catch((e: unknown) => e);

    expect(err).toBeInstanceOf(FallbackExhaustedError);
    expect((err as FallbackExhaustedError).message).toBe('Our assistant is resting; please try again in a minute.');
    expect(events).toEqual([
      { version: 'v3.1.0', reason: 'error', error: 'model overloaded', elapsedMs: 0 },
      { version: 'v3.0.0', reason: 'error', error: 'model overloaded', elapsedMs: 0 },
    ]);
    expect(chain.registry).toBe(registry);
    expect(await registry.metrics()).toContain('rewind_prompt_fallbacks_total{version="v3.0.0",reason="error"} 1');
  });
});
