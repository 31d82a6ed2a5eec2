/**
 * Rewind's hands on the cluster: the Kubernetes clients rollbacks move traffic with, and the fault
 * injector drills use. A kubeconfig that cannot serve every configured service stops the start
 * (openKubeClients): a bot that opens incidents but cannot roll back is worse than one that refuses
 * to start and says why. A cluster that does not answer does not stop it: clients talk on first
 * use, and rollbacks and drills that need it fail with the reason.
 */
import type { Env } from '../config/env.ts';
import type { Config } from '../config/schema.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { FaultInjector } from '../services/drill-ports.ts';
import type { ServicePorts } from '../services/index.ts';
import type { RollbackEngine } from '../services/ports.ts';
import type { Store } from '../store/index.ts';
import { KubeClients, kubeconfigSourceLine } from '../adapters/kube/clients.ts';
import { StartupError } from './failures.ts';
import { KubeCluster } from '../adapters/kube/cluster.ts';
import { injectorOrProblem } from '../adapters/drills/index.ts';
import { injectorProblemLine, type InjectorProblem } from '../domain/drill-refusals.ts';
import type { Metrics } from '../adapters/metrics/index.ts';

/** What a test's engine replaces: the Kubernetes rollback engine (tests record instead of moving traffic). */
type TestEngine = ((store: Store, clock: Clock) => RollbackEngine) | undefined;

export interface ClusterAccessOptions {
  config: Config;
  env: Env;
  store: Store;
  metrics: Metrics;
  /**
   * From openKubeClients (null when a test brings its engine). Left out, clients are built from `env`
   * without refusing anything: a command that needs no cluster must not fail for want of one.
   */
  kubeClients?: KubeClients | null;
  engine?: TestEngine;
  clock: Clock;
  log: Logger;
}

/**
 * The lines of a start-up refusal naming every service the loaded kubeconfig cannot serve: all of them
 * when there is no kubeconfig, else those whose `context` it lacks (or, without one, when it has no
 * current context). Empty when it serves them all.
 */
export function kubeconfigRefusal(services: Config['services'], clients: KubeClients): string[] {
  const contexts = clients.contexts();
  const current = clients.currentContext();
  const lacking = Object.entries(services).flatMap(([name, service]) => {
    const which = service.context === undefined ? 'the current context' : `context "${service.context}"`;
    if (clients.unavailable) return [`  ${name} (${which})`];
    if (service.context === undefined) return current ? [] : [`  ${name} (${which}: the kubeconfig names none)`];
    return contexts.includes(service.context) ? [] : [`  ${name} (${which}: not in the kubeconfig)`];
  });
  if (lacking.length === 0) return [];
  const loaded = `Kubernetes: kubeconfig loaded: ${kubeconfigSourceLine(clients.source)}`;
  const contextsLine = `contexts: ${contexts.join(', ') || 'none'}; current: ${current ?? 'none'}`;
  return [
    clients.unavailable && clients.source.kind !== 'none'
      ? `${loaded}, but ${clients.unavailable}. No service can reach its cluster:`
      : clients.unavailable
        ? `${loaded}. No service can reach its cluster:`
        : `${loaded} (${contextsLine}). It cannot serve ${lacking.length} of the configured services:`,
    ...lacking,
    clients.unavailable
      ? 'Point KUBECONFIG at a kubeconfig Rewind can read, or run it in a pod, where its service account is used ' +
        '(docs/cluster-access.md).'
      : lacking.some((line) => line.includes('names none'))
        ? 'Set a current context (kubectl config use-context NAME, on that kubeconfig), or name a context on each ' +
          'service (docs/cluster-access.md).'
        : 'Omit `context` on a service to use the current context (in a pod: its service account), or, for another ' +
          'cluster, mount a kubeconfig Secret, point KUBECONFIG at it and name its context (docs/cluster-access.md).',
  ];
}

/** Clients built from `env` that only warn when there is no kubeconfig: rollbacks and drills then fail with why. */
function lenientKubeClients(env: Env, engine: TestEngine, log: Logger): KubeClients | null {
  if (engine) return null;
  const clients = new KubeClients(env.kubeconfig ? { env: { KUBECONFIG: env.kubeconfig } } : {});
  // Said at once, not first when a rollback needs the cluster (the library would make up a context on localhost:8080).
  if (clients.unavailable)
    log.warn(
      `Kubernetes: ${clients.unavailable}; rollbacks and drills that need the cluster fail until Rewind restarts ` +
        'with one',
    );
  return clients;
}

/**
 * The Kubernetes clients every configured service reaches its cluster through, from KUBECONFIG, else
 * ~/.kube/config, else the pod's service account; null when a test brings its own engine. Throws a
 * StartupError naming every service the kubeconfig cannot serve, before anything is opened.
 */
export function openKubeClients(config: Config, env: Env, engine: TestEngine, log: Logger): KubeClients | null {
  if (engine) return null;
  const clients = new KubeClients(env.kubeconfig ? { env: { KUBECONFIG: env.kubeconfig } } : {});
  const refusal = kubeconfigRefusal(config.services, clients);
  if (refusal.length > 0) throw new StartupError(refusal);
  log.info(
    { kubeconfig: kubeconfigSourceLine(clients.source), current: clients.currentContext() },
    'Kubernetes: kubeconfig loaded',
  );
  return clients;
}

export interface ClusterAccess {
  /** What createServices moves traffic with: the cluster, a test's engine, or neither. */
  rollbacks: Pick<ServicePorts, 'cluster' | 'engine'>;
  /** The configured fault injector, or why drills cannot inject faults here. */
  injector: FaultInjector | { unavailable: InjectorProblem };
}

export function clusterAccess(options: ClusterAccessOptions): ClusterAccess {
  const { config, store, metrics, engine, clock, log } = options;
  const kubeClients =
    options.kubeClients === undefined ? lenientKubeClients(options.env, engine, log) : options.kubeClients;
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
