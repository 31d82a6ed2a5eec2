/**
 * Seeds the stand-in with a prompt service the way it would run in a cluster: one Deployment per
 * version (pods labelled `app` + version label, some of them ready), the main Service, one backend
 * Service per version, and the routing objects of every router kind, all agreeing on one split:
 * an HTTPRoute, a VirtualService (destination host `<name>-mesh`, a Service selecting every
 * version), and NGINX main + canary Ingresses (canary = the newest version, main = the next one). `config(kind)` gives
 * the parsed ServiceConfig that addresses them.
 */
import type { RouterConfig, RouterKind, ServiceConfig } from '../../../config/schema.ts';
import type { Split } from '../../../services/ports.ts';
import type { KubeApiStandIn } from '../kube-api.ts';

export interface SeedVersion {
  version: string;
  deployment?: string;
  backend?: string;
  subset?: string;
  replicas?: number;
  readyReplicas?: number;
}

export interface SeedOptions {
  namespace?: string;
  /** Name of the main Service, HTTPRoute, VirtualService and main Ingress (canary: `<name>-canary`). */
  name?: string;
  app?: string;
  versionLabel?: string;
  /** Newest first, like the config's fallback chain. */
  versions: (string | SeedVersion)[];
  /** Replicas per version (default 2). */
  replicas?: number;
  /** Ready pods per version (default: all of them). */
  readyReplicas?: number | Record<string, number>;
  /** Traffic per version in percent (default: all on the newest). */
  split?: Split;
  /** Kubeconfig context put into the configs `config()` returns. */
  context?: string;
}

export interface SeededService {
  namespace: string;
  name: string;
  app: string;
  versionLabel: string;
  canaryIngress: string;
  /** The Service the VirtualService destinations name (selects all versions). */
  meshHost: string;
  versions: Required<Omit<SeedVersion, 'readyReplicas'>>[];
  /** The parsed service config for a router kind, addressing the seeded objects. */
  config(kind: RouterKind, overrides?: Partial<ServiceConfig>): ServiceConfig;
}

export const slug = (version: string) =>
  version
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();

export function seedPromptService(api: KubeApiStandIn, options: SeedOptions): SeededService {
  const namespace = options.namespace ?? 'prompts';
  const name = options.name ?? 'prompt-service';
  const app = options.app ?? name;
  const versionLabel = options.versionLabel ?? 'version';
  const versions = options.versions.map((v) => {
    const s = typeof v === 'string' ? { version: v } : v;
    return {
      version: s.version,
      deployment: s.deployment ?? `${name}-${slug(s.version)}`,
      backend: s.backend ?? `${name}-${slug(s.version)}`,
      subset: s.subset ?? slug(s.version),
      replicas: s.replicas ?? options.replicas ?? 2,
      readyReplicas: s.readyReplicas,
    };
  });
  const newest = versions[0];
  if (!newest) throw new Error('seedPromptService needs at least one version');
  const split = options.split ?? { [newest.version]: 100 };
  const weight = (v: string) => split[v] ?? 0;
  const serving = versions.reduce((best, v) => (weight(v.version) > weight(best.version) ? v : best), newest);
  const ports = [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }];

  for (const v of versions) {
    const labels = { app, [versionLabel]: v.version };
    api.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: v.deployment, namespace, labels },
      spec: {
        replicas: v.replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: app, image: `registry.example.com/${app}:${v.version}` }] },
        },
      },
    });
    const ready =
      v.readyReplicas ??
      (typeof options.readyReplicas === 'number' ? options.readyReplicas : options.readyReplicas?.[v.version]) ??
      v.replicas;
    const pods = api.list(
      'Pod',
      namespace,
      Object.entries(labels)
        .map(([k, x]) => `${k}=${x}`)
        .join(','),
    );
    pods.slice(ready).forEach((p) => api.setPodReady(namespace, p.metadata.name, false));
    api.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: v.backend, namespace, labels: { app } },
      spec: { selector: labels, ports },
    });
  }
  api.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels: { app } },
    spec: { selector: { app, [versionLabel]: serving.version }, ports },
  });

  api.create({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace },
    spec: {
      parentRefs: [{ name: 'prompts-gateway' }],
      hostnames: ['prompts.example.com'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: versions.map((v) => ({ name: v.backend, port: 80, weight: weight(v.version) })),
        },
      ],
    },
  });
  // In a mesh the destination host selects every version and DestinationRule subsets pick one;
  // the main Service selects one version (for service-selector), so the mesh host is its own.
  const meshHost = `${name}-mesh`;
  api.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: meshHost, namespace, labels: { app } },
    spec: { selector: { app }, ports },
  });
  api.create({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace },
    spec: {
      hosts: [name],
      http: [
        {
          route: versions.map((v) => ({
            destination: { host: `${meshHost}.${namespace}.svc.cluster.local`, subset: v.subset, port: { number: 80 } },
            weight: weight(v.version),
          })),
        },
      ],
    },
  });
  const main = versions[1] ?? newest;
  const ingressSpec = (backend: string) => ({
    ingressClassName: 'nginx',
    rules: [
      {
        host: 'prompts.example.com',
        http: {
          paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: backend, port: { number: 80 } } } }],
        },
      },
    ],
  });
  api.create({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace },
    spec: ingressSpec(main.backend),
  });
  const canaryIngress = `${name}-canary`;
  api.create({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: canaryIngress,
      namespace,
      annotations: {
        'nginx.ingress.kubernetes.io/canary': 'true',
        'nginx.ingress.kubernetes.io/canary-weight': String(weight(newest.version)),
      },
    },
    spec: ingressSpec(newest.backend),
  });

  const routers: Record<RouterKind, RouterConfig> = {
    'service-selector': { kind: 'service-selector', service: name },
    'gateway-api': { kind: 'gateway-api', httpRoute: name, rule: 0 },
    istio: { kind: 'istio', virtualService: name, route: 0 },
    nginx: { kind: 'nginx', ingress: name, canaryIngress },
    replicas: { kind: 'replicas' },
  };
  return {
    namespace,
    name,
    app,
    versionLabel,
    canaryIngress,
    meshHost,
    versions: versions.map(({ readyReplicas: _r, ...v }) => v),
    config: (kind, overrides = {}) => ({
      ...(options.context ? { context: options.context } : {}),
      namespace,
      versionLabel,
      router: routers[kind],
      versions: versions.map((v, i) => ({
        version: v.version,
        deployment: v.deployment,
        backend: v.backend,
        subset: v.subset,
        timeout: [3000, 5000][i] ?? 10000,
      })),
      finalMessage: 'サービスが一時的に利用できません',
      drill: 'denied',
      ...overrides,
    }),
  };
}
