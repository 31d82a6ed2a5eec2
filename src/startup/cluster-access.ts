/**
 * Rewind's hands on the cluster: the Kubernetes clients rollbacks move traffic with, and the fault
 * injector drills use. Neither stops the start when it cannot work here: rollbacks and drills that
 * need it fail with the reason, and everything else runs.
 */
import type { Env } from '../config/env.ts';
import type { Config } from '../config/schema.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { FaultInjector } from '../services/drill-ports.ts';
import type { ServicePorts } from '../services/index.ts';
import type { RollbackEngine } from '../services/ports.ts';
import type { Store } from '../store/index.ts';
import { KubeClients } from '../adapters/kube/clients.ts';
import { KubeCluster } from '../adapters/kube/cluster.ts';
import { injectorOrProblem } from '../adapters/drills/index.ts';
import { injectorProblemLine, type InjectorProblem } from '../domain/drill-refusals.ts';
import type { Metrics } from '../adapters/metrics/index.ts';

export interface ClusterAccessOptions {
  config: Config;
  env: Env;
  store: Store;
  metrics: Metrics;
  /** Replaces the Kubernetes rollback engine (tests record instead of moving traffic). */
  engine?: ((store: Store, clock: Clock) => RollbackEngine) | undefined;
  clock: Clock;
  log: Logger;
}

export interface ClusterAccess {
  /** What createServices moves traffic with: the cluster, a test's engine, or neither. */
  rollbacks: Pick<ServicePorts, 'cluster' | 'engine'>;
  /** The configured fault injector, or why drills cannot inject faults here. */
  injector: FaultInjector | { unavailable: InjectorProblem };
}

export function clusterAccess({
  config,
  env,
  store,
  metrics,
  engine,
  clock,
  log,
}: ClusterAccessOptions): ClusterAccess {
  // The Kubernetes engine, unless a test brings its own. Clients are built per context on first
  // use, so a cluster that is unreachable at start only matters when a rollback or drill needs it.
  const kubeClients = engine ? null : new KubeClients(env.kubeconfig ? { kubeconfigPath: env.kubeconfig } : {});
  // Said at start, not first at the moment a rollback needs the cluster (the library would make up a
  // context on localhost:8080 instead).
  if (kubeClients?.unavailable)
    log.warn(
      `Kubernetes: ${kubeClients.unavailable}; ` +
        'rollbacks and drills that need the cluster fail until Rewind restarts with one',
    );
  const injector = injectorOrProblem(config.drills.injector, {
    services: config.services,
    kubeClients,
    simulated: metrics.simulated,
    sleep: (ms) => clock.sleep(ms),
  });
  if ('unavailable' in injector)
    log.warn({ err: injectorProblemLine(injector.unavailable) }, 'drills cannot inject faults here');
  const rollbacks = kubeClients
    ? { cluster: new KubeCluster(config.services, kubeClients) }
    : engine
      ? { engine: engine(store, clock) }
      : {};
  return { rollbacks, injector };
}
