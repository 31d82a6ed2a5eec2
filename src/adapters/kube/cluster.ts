/**
 * The ClusterPort on Kubernetes: per configured service, its router and checks, built on first
 * use (so a service in an unreachable or missing context only fails when it is used) and cached.
 */
import type { ServiceConfig } from '../../config/schema.ts';
import type { ClusterPort, ServiceCluster } from '../../services/ports.ts';
import { KubeClusterChecks } from './checks.ts';
import { KubeClients, type KubeClientsOptions } from './clients.ts';
import { RouterError } from './errors.ts';
import { serviceGitOps } from './gitops/index.ts';
import { buildRouter } from './routers/index.ts';

export class KubeCluster implements ClusterPort {
  private readonly clients: KubeClients;
  private readonly built = new Map<string, ServiceCluster>();

  /**
   * `clients`: a KubeClients, or the options to build one (default: KUBECONFIG, ~/.kube/config or
   * the service account).
   */
  constructor(
    private readonly services: Readonly<Record<string, ServiceConfig>>,
    clients: KubeClients | KubeClientsOptions = {},
  ) {
    this.clients = clients instanceof KubeClients ? clients : new KubeClients(clients);
  }

  forService(name: string): ServiceCluster {
    const cached = this.built.get(name);
    if (cached) return cached;
    const service = this.services[name];
    if (!service)
      throw new RouterError(`no service "${name}" in config; configured: ${Object.keys(this.services).join(', ')}`);
    const deps = { apis: this.clients.forContext(service.context), serviceName: name, service };
    const { router, endpointsService } = buildRouter(service.router, deps);
    const cluster: ServiceCluster = {
      router,
      checks: new KubeClusterChecks(deps, endpointsService),
      gitops: serviceGitOps(deps.apis, service),
    };
    this.built.set(name, cluster);
    return cluster;
  }
}
