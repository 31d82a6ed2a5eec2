/**
 * Which replica runs the work that must have one runner: the drift watch, a continuous loop of
 * informers that two replicas would each report on. With SQLite there is one replica by definition
 * (one writer on one file), so this one always leads and no Lease is touched. With PostgreSQL several
 * replicas share the database, and the one holding the Kubernetes Lease `rewind-leader` in Rewind's
 * own namespace (POD_NAMESPACE, else the pod's service account namespace, else `rewind`) runs it,
 * only while it holds it (adapters/kube/lease.ts).
 */
import { readFileSync } from 'node:fs';
import type { Env } from '../config/env.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { RoutingChange, RoutingWatch } from '../services/ports.ts';
import type { SqlDialect } from '../store/index.ts';
import type { CoordinationV1Api } from '@kubernetes/client-node';
import type { KubeClients } from '../adapters/kube/clients.ts';
import { LEADER_LEASE, LeaderElector, type LeaseTimings } from '../adapters/kube/lease.ts';

/** Where the pod's service account namespace is mounted. */
const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
const DEFAULT_NAMESPACE = 'rewind';

/** Rewind's own namespace: POD_NAMESPACE, else the service account's namespace file, else `rewind`. */
export function rewindNamespace(podNamespace: string | undefined, namespaceFile = SERVICE_ACCOUNT_NAMESPACE): string {
  if (podNamespace) return podNamespace;
  try {
    return readFileSync(namespaceFile, 'utf8').trim() || DEFAULT_NAMESPACE;
  } catch {
    return DEFAULT_NAMESPACE;
  }
}

export interface Leadership {
  /** The Lease's name, as /metrics labels it. */
  readonly name: string;
  /** Whether this replica runs the one-runner work now. */
  leading(): boolean;
  /**
   * A routing watch that runs only while this replica leads: `make` builds a fresh watch each time
   * it starts leading, and that watch is stopped the moment it stops. Its stop() ends the election
   * too, handing the Lease back.
   */
  whileLeading(make: () => RoutingWatch): RoutingWatch;
}

export interface LeadershipOptions {
  env: Pick<Env, 'podNamespace'>;
  dialect: SqlDialect;
  /** The Kubernetes clients (null when a test brings its own engine: then there is no watch to share). */
  kubeClients: KubeClients | null;
  /** This replica's name: the owner its timers and outbox messages are claimed under. */
  identity: string;
  clock: Clock;
  log: Logger;
  timings?: LeaseTimings;
}

const alone: Leadership = { name: LEADER_LEASE, leading: () => true, whileLeading: (make) => make() };

export function leadership(o: LeadershipOptions): Leadership {
  if (o.dialect === 'sqlite' || !o.kubeClients) return alone;
  const namespace = rewindNamespace(o.env.podNamespace);
  let coordination: CoordinationV1Api;
  try {
    // The Lease lives with Rewind itself: the current context (in a pod, its own cluster).
    coordination = o.kubeClients.forContext().coordination;
  } catch (err) {
    o.log.error(
      { err: (err as Error).message },
      'leader election: no Kubernetes context for the Lease; this replica never leads, so the drift watch does not run',
    );
    return { name: LEADER_LEASE, leading: () => false, whileLeading: () => idleWatch };
  }
  const elector = new LeaderElector(LEADER_LEASE, namespace, o.identity, o.clock, coordination, {
    log: o.log,
    ...(o.timings ? { timings: o.timings } : {}),
  });
  return {
    name: LEADER_LEASE,
    leading: () => elector.leading,
    whileLeading: (make) => ({
      start(onChange: (change: RoutingChange) => void) {
        let running: RoutingWatch | null = null;
        elector.onStartedLeading(() => {
          running = make();
          running.start(onChange);
        });
        elector.onStoppedLeading(async () => {
          const stopping = running;
          running = null;
          await stopping?.stop();
        });
        elector.start();
      },
      stop: () => elector.stop(),
    }),
  };
}

/** What a replica that can never lead runs: nothing. */
const idleWatch: RoutingWatch = { start: () => undefined, stop: async () => undefined };
