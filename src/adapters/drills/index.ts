/**
 * Picks the injector of `drills.injector.kind`. Built once at start-up (the simulated injector
 * remembers which faults this process set); a kind whose dependency is missing is refused here,
 * at start, rather than at drill time with a half-started drill.
 */
import type { Config, InjectorConfig } from '../../config/schema.ts';
import type { FaultInjector } from '../../services/drill-ports.ts';
import type { KubeClients } from '../kube/clients.ts';
import type { SimulatedMetrics } from '../metrics/simulated.ts';
import { httpInjector } from './http.ts';
import { istioFaultInjector } from './istio-fault.ts';
import { simulatedInjector } from './simulated.ts';

export { httpInjector, istioFaultInjector, simulatedInjector };

export interface InjectorDeps {
  services: Config['services'];
  /** Kubernetes access; null when Rewind runs without it (a test engine, no cluster). */
  kubeClients: KubeClients | null;
  /** The simulated metrics provider; null unless `metrics.provider: simulated`. */
  simulated: SimulatedMetrics | null;
  fetch?: typeof globalThis.fetch;
  sleep?: (ms: number) => Promise<void>;
}

export function createInjector(config: InjectorConfig, deps: InjectorDeps): FaultInjector {
  switch (config.kind) {
    case 'istio-fault':
      if (!deps.kubeClients) {
        throw new Error(
          'drills.injector.kind is istio-fault, but Rewind runs without Kubernetes access here; give it a kubeconfig ' +
            '(KUBECONFIG or the in-cluster service account), or set drills.injector to kind: http (with url) or ' +
            'kind: simulated',
        );
      }
      return istioFaultInjector(config, { services: deps.services, kubeClients: deps.kubeClients });
    case 'http':
      return httpInjector(config, {
        services: deps.services,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
      });
    case 'simulated':
      if (!deps.simulated) {
        throw new Error(
          'drills.injector.kind is simulated, which drives the simulated metrics provider, but metrics.provider is ' +
            'not simulated; set metrics.provider: simulated, or use drills.injector kind: istio-fault (with ' +
            'virtualService) or kind: http (with url)',
        );
      }
      return simulatedInjector(deps.simulated);
  }
}
