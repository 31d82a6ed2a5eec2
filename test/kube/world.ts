/**
 * One prompt service in a stand-in cluster, reached through a kubeconfig context and the real
 * client-node: the stand-in, what was seeded, and the KubeCluster's router and checks for a
 * router kind. Requests made while seeding are cleared, so `api.requests` holds only the test's.
 */
import type { RouterKind, ServiceConfig } from '../../src/config/schema.ts';
import { KubeClients } from '../../src/adapters/kube/clients.ts';
import { KubeCluster } from '../../src/adapters/kube/cluster.ts';
import { KubeApiStandIn, type SeedOptions, type SeededService } from '../support/kube-api.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';

export const V2 = 'v2.0.0';
export const V15 = 'v1.5.0';
export const V10 = 'v1.0.0';
export const VERSIONS = [V2, V15, V10];
export const NS = 'prompts';

export interface KubeWorld {
  api: KubeApiStandIn;
  seeded: SeededService;
  config: ServiceConfig;
  cluster: KubeCluster;
  router: ReturnType<KubeCluster['forService']>['router'];
  checks: ReturnType<KubeCluster['forService']>['checks'];
  close(): Promise<void>;
}

export async function kubeWorld(
  kind: RouterKind,
  seed: Partial<SeedOptions> = {},
  options: { requestTimeoutMs?: number; config?: Partial<ServiceConfig> } = {},
): Promise<KubeWorld> {
  const api = await KubeApiStandIn.start({ token: 'token-prod' });
  const seeded = api.seedPromptService({ versions: VERSIONS, namespace: NS, context: 'prod', ...seed });
  const kubeconfigPath = writeKubeconfig([{ name: 'prod', server: api.url, token: 'token-prod' }]);
  const config = seeded.config(kind, options.config);
  const cluster = new KubeCluster(
    { 'prompt-service': config },
    new KubeClients({ kubeconfigPath, requestTimeoutMs: options.requestTimeoutMs ?? 5_000 }),
  );
  const { router, checks } = cluster.forService('prompt-service');
  api.clearRequests();
  return { api, seeded, config, cluster, router, checks, close: () => api.close() };
}
