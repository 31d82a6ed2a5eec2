/**
 * `@kubernetes/client-node` API clients per kubeconfig context. The kubeconfig comes from
 * `KubeConfig.loadFromDefault()` (KUBECONFIG, ~/.kube/config, or the in-cluster service account)
 * unless a file or a loaded KubeConfig is given; a service's `context` picks a context on a copy,
 * so services in different clusters never share state. Each request carries a timeout; a request
 * that runs out surfaces as KubeError reason `Timeout` (retries are the engine's business).
 */
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  KubeConfig,
  NetworkingV1Api,
  ServerConfiguration,
  createConfiguration,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';

export interface KubeApis {
  /** The context these clients talk through. */
  context: string;
  server: string;
  core: CoreV1Api;
  apps: AppsV1Api;
  discovery: DiscoveryV1Api;
  networking: NetworkingV1Api;
  custom: CustomObjectsApi;
}

export interface KubeClientsOptions {
  /** A kubeconfig already loaded; otherwise `kubeconfigPath`, otherwise loadFromDefault(). */
  kubeConfig?: KubeConfig;
  kubeconfigPath?: string;
  /** Per request (default 10 s). */
  requestTimeoutMs?: number;
}

export class KubeContextError extends Error {
  override readonly name = 'KubeContextError';
}

export class KubeClients {
  private readonly kubeConfig: KubeConfig;
  private readonly requestTimeoutMs: number;
  private readonly byContext = new Map<string, KubeApis>();

  constructor(options: KubeClientsOptions = {}) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    if (options.kubeConfig) {
      this.kubeConfig = options.kubeConfig;
    } else {
      this.kubeConfig = new KubeConfig();
      if (options.kubeconfigPath) this.kubeConfig.loadFromFile(options.kubeconfigPath);
      else this.kubeConfig.loadFromDefault();
    }
  }

  /** The contexts the kubeconfig defines. */
  contexts(): string[] {
    return this.kubeConfig.getContexts().map((c) => c.name);
  }

  /** Clients for a context (undefined: the kubeconfig's current context), built once and cached. */
  forContext(context?: string): KubeApis {
    const name = context ?? this.kubeConfig.getCurrentContext();
    const cached = this.byContext.get(name);
    if (cached) return cached;
    if (!this.kubeConfig.getContextObject(name)) {
      const available = this.contexts();
      throw new KubeContextError(
        context === undefined
          ? `the kubeconfig has no current context${available.length ? `; set one or name a context on the service (available: ${available.join(', ')})` : ' and no contexts at all'}`
          : `kubeconfig context "${context}" does not exist; available contexts: ${available.length ? available.join(', ') : 'none'}`,
      );
    }
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: this.kubeConfig.clusters,
      users: this.kubeConfig.users,
      contexts: this.kubeConfig.contexts,
      currentContext: name,
    });
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new KubeContextError(`kubeconfig context "${name}" names a cluster the kubeconfig does not define`);
    const timeoutMs = this.requestTimeoutMs;
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kc },
      promiseMiddleware: [
        {
          pre: async (ctx: RequestContext) => {
            ctx.setSignal(AbortSignal.timeout(timeoutMs));
            return ctx;
          },
          post: async (rsp: ResponseContext) => rsp,
        },
      ],
    });
    const apis: KubeApis = {
      context: name,
      server: cluster.server,
      core: new CoreV1Api(configuration),
      apps: new AppsV1Api(configuration),
      discovery: new DiscoveryV1Api(configuration),
      networking: new NetworkingV1Api(configuration),
      custom: new CustomObjectsApi(configuration),
    };
    this.byContext.set(name, apis);
    return apis;
  }
}
