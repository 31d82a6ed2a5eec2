import { describe, expect, test } from 'vitest';
import { createInjector } from '../../src/adapters/drills/index.ts';
import { KubeClients } from '../../src/adapters/kube/clients.ts';
import { SimulatedMetrics } from '../../src/adapters/metrics/simulated.ts';
import type { ServiceConfig } from '../../src/config/schema.ts';
import { ManualClock } from '../../src/clock.ts';
import type { FaultSpec } from '../../src/services/drill-ports.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { removeNoteLine, type RemoveResult } from '../../src/domain/drill-records.ts';

/** A removal with its note in English words, as the drill thread and the log say it. */
const said = (r: RemoveResult) => ({ ...r, note: removeNoteLine(r.note) });

const SERVICE: ServiceConfig = {
  namespace: 'prompts',
  versionLabel: 'version',
  router: { kind: 'istio', virtualService: 'prompt-service-staging', route: 2 },
  versions: [{ version: 'v2.0.0', subset: 'v2', timeout: 3000 }],
  finalMessage: 'サービスが一時的に利用できません',
  drill: 'allowed',
};
const services = { 'prompt-service-staging': SERVICE };
const SPEC: FaultSpec = {
  drillId: 'drill-1',
  service: 'prompt-service-staging',
  version: 'v2.0.0',
  scenario: 'high-error-rate',
  trigger: 'inject_errors',
  errorRate: 0.2,
  latencyMs: null,
  share: null,
  maxDurationMs: 1_800_000,
};

describe('createInjector', () => {
  test('istio-fault: built on the given Kubernetes clients, aiming at the router’s route', () => {
    const kubeClients = new KubeClients({
      kubeconfigPath: writeKubeconfig([{ name: 'staging', server: 'http://127.0.0.1:9' }]),
    });
    const injector = createInjector(
      { kind: 'istio-fault', virtualService: 'prompt-service-staging' },
      { services, kubeClients, simulated: null },
    );
    expect(injector.kind).toBe('istio-fault');
    expect(injector.describe(SPEC)).toEqual([
      'PUT VirtualService prompts/prompt-service-staging spec.http[2].fault = ' +
        '{"abort":{"percentage":{"value":20},"httpStatus":500}}',
    ]);
  });

  test('istio-fault without Kubernetes access is refused, saying which config to change', () => {
    expect(() =>
      createInjector({ kind: 'istio-fault', virtualService: 'vs' }, { services, kubeClients: null, simulated: null }),
    ).toThrow(
      'drills.injector.kind is istio-fault, but Rewind runs without Kubernetes access here; give it a kubeconfig ' +
        '(KUBECONFIG or the in-cluster service account), or set drills.injector to kind: http (with url) or kind: ' +
        'simulated',
    );
  });

  test('http: uses the injected fetch and sleep', async () => {
    const calls: { url: string; body: unknown }[] = [];
    const sleeps: number[] = [];
    const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
      calls.push({ url: String(url), body: JSON.parse(String(init?.body)) });
      return calls.length === 1 ? new Response('busy', { status: 502 }) : new Response(null, { status: 204 });
    }) as typeof globalThis.fetch;
    const injector = createInjector(
      { kind: 'http', url: 'http://prompts.test/admin/fault' },
      { services, kubeClients: null, simulated: null, fetch, sleep: async (ms) => void sleeps.push(ms) },
    );
    expect(injector.kind).toBe('http');
    expect(said(await injector.remove({ injector: 'http', spec: SPEC, detail: null }))).toEqual({
      removed: true,
      note: 'removed the fault of drill drill-1 through http://prompts.test/admin/fault',
    });
    expect(calls).toEqual([
      { url: 'http://prompts.test/admin/fault', body: { action: 'remove', drillId: 'drill-1' } },
      { url: 'http://prompts.test/admin/fault', body: { action: 'remove', drillId: 'drill-1' } },
    ]);
    expect(sleeps).toEqual([500]);
  });

  test('simulated: drives the given simulated metrics provider; without one it is refused', async () => {
    const clock = new ManualClock();
    const simulated = new SimulatedMetrics(clock);
    const injector = createInjector({ kind: 'simulated' }, { services, kubeClients: null, simulated });
    expect(injector.kind).toBe('simulated');
    await injector.apply(SPEC);
    expect(await simulated.sample('prompt-service-staging', 'v2.0.0', 60_000)).toEqual({
      error_rate: 0.2,
      availability: 0.8,
    });
    expect(() => createInjector({ kind: 'simulated' }, { services, kubeClients: null, simulated: null })).toThrow(
      'drills.injector.kind is simulated, which drives the simulated metrics provider, but metrics.provider is not ' +
        'simulated; set metrics.provider: simulated, or use drills.injector kind: istio-fault (with virtualService) ' +
        'or kind: http (with url)',
    );
  });
});
