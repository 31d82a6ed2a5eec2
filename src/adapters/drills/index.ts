/**
 * Picks the injector of `drills.injector.kind`. Built once at start-up (the simulated injector
 * remembers which faults this process set); a kind whose dependency is missing is refused here,
 * at start, rather than at drill time with a half-started drill.
 */
import type { Config, InjectorConfig } from '../../config/schema.ts';
import { injectorProblemLine, type InjectorProblem } from '../../domain/drill-refusals.ts';
import type { FaultInjector } from '../../services/drill-ports.ts';
import type { KubeClients } from '../kube/clients.ts';
import type { SimulatedMetrics } from '../metrics/simulated.ts';
import { httpInjector } from './http.ts';
import { istioFaultInjector } from './istio-fault.ts';
import { simulatedInjector } from './simulated.ts';

export { httpInjector, istioFaultInjector, simulatedInjector };

/** The configured injector cannot work in this process: drills are refused with the problem. */
export class InjectorUnavailableError extends Error {
  override readonly name = 'InjectorUnavailableError';
  constructor(readonly problem: InjectorProblem) {
    super(injectorProblemLine(problem));
  }
}

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
        throw new InjectorUnavailableError({ kind: 'needs_kubernetes' });
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
        throw new InjectorUnavailableError({ kind: 'needs_simulated_metrics' });
      }
      return simulatedInjector(deps.simulated);
  }
}

/**
 * The injector, or why it cannot work here: drills are then refused with that problem while
 * everything else runs.
 */
export function injectorOrProblem(
  config: InjectorConfig,
  deps: InjectorDeps,
): FaultInjector | { unavailable: InjectorProblem } {
  try {
    return createInjector(config, deps);
  } catch (err) {
    if (err instanceof InjectorUnavailableError) return { unavailable: err.problem };
    return { unavailable: { kind: 'other', message: err instanceof Error ? err.message : String(err) } };
  }
}
