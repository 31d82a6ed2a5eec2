/**
 * `@kubernetes/client-node` API clients per kubeconfig context. The kubeconfig is the file given,
 * else KUBECONFIG, else ~/.kube/config, else the in-cluster service account — the order of
 * `KubeConfig.loadFromDefault()`, looked up here because when none exists the library quietly
 * invents a context "loaded-context" on http://localhost:8080, and every later error would name
 * that instead of the real problem. Without a kubeconfig (or with one that cannot be read) the
 * clients say so (`unavailable`), and every use fails with that sentence. `source` says which
 * kubeconfig was loaded, so a start-up refusal can name it. A service's `context` picks a context
 * on a copy, so services in different clusters never share state. Each request carries a timeout;
 * a request that runs out surfaces as KubeError reason `Timeout` (retries are the engine's
 * business). Every answer with an error status is counted by status code (`apiErrors`), for
 * /metrics.
 */
import { existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  KubeConfig,
  NetworkingV1Api,
  ServerConfiguration,
  createConfiguration,
  setHeaderOptions,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { KubeContextError } from './errors.ts';

export { KubeContextError };

export interface KubeApis {
  /** The context these clients talk through. */
  context: string;
  server: string;
  core: CoreV1Api;
  apps: AppsV1Api;
  discovery: DiscoveryV1Api;
  networking: NetworkingV1Api;
  custom: CustomObjectsApi;
  /** Leases: the replicas' leader election (lease.ts). */
  coordination: CoordinationV1Api;
  /** The request options that send a PATCH body as `contentType` (one of PATCH_CONTENT_TYPES). */
  sendAs(contentType: string): ConfigurationOptions<ObservableMiddleware>;
  /** The kubeconfig of this context alone, for what the API classes do not cover (watches). */
  kubeConfig: KubeConfig;
}

export interface KubeClientsOptions {
  /**
   * A kubeconfig already loaded; otherwise `kubeconfigPath` (a file or a list), otherwise KUBECONFIG,
   * ~/.kube/config or the service account.
   */
  kubeConfig?: KubeConfig;
  kubeconfigPath?: string;
  /** Where KUBECONFIG and HOME are read when no path is given (default process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * Put before the service account's mount path (/var/run/secrets/…) when looking for it; tests point it at a
   * folder that has one. Default: none, the real mount.
   */
  serviceAccountRoot?: string;
  /** Per request (default 10 s). */
  requestTimeoutMs?: number;
}

export const NO_KUBECONFIG = 'no kubeconfig found: set KUBECONFIG or run inside the cluster';
/** Where the in-cluster service account's token is mounted (the library's own path). */
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Which kubeconfig the clients loaded, in the order they look for one. */
export type KubeconfigSource =
  /** A KubeConfig object handed in by the caller. */
  | { kind: 'given' }
  /** The file (or list) the caller named. */
  | { kind: 'path'; files: string[] }
  | { kind: 'KUBECONFIG'; files: string[] }
  | { kind: 'home'; file: string }
  /** The pod's service account: the token, the CA and KUBERNETES_SERVICE_HOST/PORT. */
  | { kind: 'in-cluster'; tokenFile: string }
  | { kind: 'none' };

/** The source in words, for start-up lines and logs. */
export function kubeconfigSourceLine(source: KubeconfigSource): string {
  switch (source.kind) {
    case 'given':
      return 'the kubeconfig the caller handed in';
    case 'path':
      return `the kubeconfig ${source.files.join(delimiter)}`;
    case 'KUBECONFIG':
      return `KUBECONFIG=${source.files.join(delimiter)}`;
    case 'home':
      return `~/.kube/config (${source.file})`;
    case 'in-cluster':
      return `the pod's service account (${source.tokenFile})`;
    case 'none':
      return 'none (KUBECONFIG is unset, there is no ~/.kube/config and no in-cluster service account)';
  }
}

/** Answers of the API server with an error status, counted by status code since the clients were built. */
export class KubeApiErrors {
  private readonly counts = new Map<number, number>();

  record(status: number): void {
    this.counts.set(status, (this.counts.get(status) ?? 0) + 1);
  }

  /** [status, count] pairs, lowest status first. */
  byStatus(): Array<[number, number]> {
    return [...this.counts].sort(([a], [b]) => a - b);
  }
}

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

function readFailure(file: string, err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const why =
    e.code === 'ENOENT'
      ? 'the file does not exist'
      : e.code === 'EISDIR'
        ? 'it is a directory'
        : e.code === 'EACCES'
          ? 'permission denied'
          : String(e.message ?? e).split('\n')[0];
  return `cannot read the kubeconfig ${file}: ${why}`;
}

/** Loads `paths` (a KUBECONFIG list, merged like kubectl's) into `kc`; a problem is returned, not thrown. */
function loadFiles(kc: KubeConfig, paths: string[]): string | undefined {
  for (const [i, file] of paths.entries()) {
    try {
      if (i === 0) {
        kc.loadFromFile(file);
      } else {
        const more = new KubeConfig();
        more.loadFromFile(file);
        kc.mergeConfig(more);
      }
    } catch (err) {
      return readFailure(file, err);
    }
  }
  return undefined;
}

interface Loaded {
  source: KubeconfigSource;
  /** The problem when there is no kubeconfig to use. */
  problem: string | undefined;
}

/** loadFromDefault's order, without its made-up fallback: where the kubeconfig came from, or the problem. */
function loadDefault(kc: KubeConfig, env: NodeJS.ProcessEnv, serviceAccountRoot: string): Loaded {
  const listed = (env.KUBECONFIG ?? '')
    .split(delimiter)
    .map((f) => f.trim())
    .filter(Boolean);
  if (listed.length > 0) {
    // As kubectl: a listed file that does not exist is skipped; one that exists but cannot be read is a problem.
    const present = listed.filter((f) => existsSync(f));
    const problem = present.length
      ? loadFiles(kc, present)
      : `none of the files KUBECONFIG lists exists (${listed.join(delimiter)})`;
    return { source: { kind: 'KUBECONFIG', files: listed }, problem };
  }
  const home = env.HOME ?? env.USERPROFILE;
  const homeConfig = home ? join(home, '.kube', 'config') : undefined;
  if (homeConfig && isFile(homeConfig))
    return { source: { kind: 'home', file: homeConfig }, problem: loadFiles(kc, [homeConfig]) };
  const tokenFile = `${serviceAccountRoot}${SERVICE_ACCOUNT_TOKEN}`;
  if (isFile(tokenFile)) {
    kc.loadFromCluster(serviceAccountRoot);
    return { source: { kind: 'in-cluster', tokenFile }, problem: undefined };
  }
  return { source: { kind: 'none' }, problem: NO_KUBECONFIG };
}

export class KubeClients {
  private readonly kubeConfig: KubeConfig;
  private readonly requestTimeoutMs: number;
  private readonly byContext = new Map<string, KubeApis>();
  /** Why there is no kubeconfig to use (none found, or it cannot be read); undefined when there is. */
  readonly unavailable: string | undefined;
  /** Which kubeconfig was loaded (or tried, when `unavailable` says it cannot be read). */
  readonly source: KubeconfigSource;
  /** Error answers of every context's requests, by status code. */
  readonly apiErrors = new KubeApiErrors();

  constructor(options: KubeClientsOptions = {}) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    if (options.kubeConfig) {
      this.kubeConfig = options.kubeConfig;
      this.source = { kind: 'given' };
    } else if (options.kubeconfigPath) {
      this.kubeConfig = new KubeConfig();
      const files = options.kubeconfigPath.split(delimiter).filter(Boolean);
      this.source = { kind: 'path', files };
      this.unavailable = loadFiles(this.kubeConfig, files);
    } else {
      this.kubeConfig = new KubeConfig();
      const loaded = loadDefault(this.kubeConfig, options.env ?? process.env, options.serviceAccountRoot ?? '');
      this.source = loaded.source;
      this.unavailable = loaded.problem;
    }
  }

  /** The contexts the kubeconfig defines. */
  contexts(): string[] {
    return this.unavailable ? [] : this.kubeConfig.getContexts().map((c) => c.name);
  }

  /** The context a service without `context` uses; undefined when there is no kubeconfig or it names none. */
  currentContext(): string | undefined {
    if (this.unavailable) return undefined;
    const name = this.kubeConfig.getCurrentContext();
    return name && this.kubeConfig.getContextObject(name) ? name : undefined;
  }

  /** Clients for a context (undefined: the kubeconfig's current context), built once and cached. */
  forContext(context?: string): KubeApis {
    if (this.unavailable) throw new KubeContextError(this.unavailable);
    const name = context ?? this.kubeConfig.getCurrentContext();
    const cached = this.byContext.get(name);
    if (cached) return cached;
    if (!this.kubeConfig.getContextObject(name)) {
      const available = this.contexts();
      const noCurrent = available.length
        ? `; set one or name a context on the service (available: ${available.join(', ')})`
        : ' and no contexts at all';
      throw new KubeContextError(
        context === undefined
          ? `the kubeconfig has no current context${noCurrent}`
          : `kubeconfig context "${context}" does not exist; available contexts: ` +
              `${available.length ? available.join(', ') : 'none'}`,
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
    if (!cluster)
      throw new KubeContextError(`kubeconfig context "${name}" names a cluster the kubeconfig does not define`);
    const timeoutMs = this.requestTimeoutMs;
    const apiErrors = this.apiErrors;
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kc },
      promiseMiddleware: [
        {
          pre: async (ctx: RequestContext) => {
            ctx.setSignal(AbortSignal.timeout(timeoutMs));
            return ctx;
          },
          post: async (rsp: ResponseContext) => {
            if (rsp.httpStatusCode >= 400) apiErrors.record(rsp.httpStatusCode);
            return rsp;
          },
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
      coordination: new CoordinationV1Api(configuration),
      sendAs: (contentType) => setHeaderOptions('Content-Type', contentType),
      kubeConfig: kc,
    };
    this.byContext.set(name, apis);
    return apis;
  }
}
