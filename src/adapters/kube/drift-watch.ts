/**
 * Watches the routing objects of every configured service — the ones its router module names (the
 * Service, HTTPRoute, VirtualService, main and canary Ingress), or the versions' Deployments for a
 * router that has none of its own (replicas) — with client-node informers: one ListWatch per
 * context, kind and namespace (a fieldSelector on the name when it watches one object), which lists,
 * then watches from the list's resourceVersion and lists again after 410 Gone. A watch that ends in
 * an error is started again after a backoff on Rewind's clock.
 *
 * Each object seen added or changed is reported with the field manager that set its routing fields
 * last (metadata.managedFields: the entry whose fields cover a routing path, the latest by time), so
 * the drift service can tell Rewind's own writes (field manager `rewind`) from anybody else's.
 */
import { setMaxListeners } from 'node:events';
import { ListWatch, Watch, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { ServiceConfig } from '../../config/schema.ts';
import type { Clock } from '../../clock.ts';
import type { RoutingChange, RoutingWatch } from '../../services/ports.ts';
import type { KubeApis, KubeClients } from './clients.ts';
import { HTTP_ROUTE } from './routers/gateway-api.ts';
import { VIRTUAL_SERVICE } from './routers/istio.ts';
import { lastRoutingWriter } from './routers/managed-fields.ts';
import { CANARY, CANARY_WEIGHT } from './routers/nginx.ts';
import { routingObjects } from './routers/registry.ts';
import { FIELD_MANAGER, targetOf } from './routers/types.ts';

export { lastRoutingWriter };

/** The first backoff after a watch ended in an error, doubled each time up to the ceiling. */
const RESTART_BACKOFF = { firstMs: 1_000, maxMs: 60_000 };

/** A routing object of one service, and the fields of it that route traffic. */
interface Watched {
  service: string;
  kind: string;
  namespace: string;
  name: string;
  paths: string[][];
}

/** How each kind is listed and watched, and which of its fields route traffic. */
interface KindAccess {
  path(namespace: string): string;
  list(apis: KubeApis, namespace: string, fieldSelector?: string): Promise<KubernetesListObject<KubernetesObject>>;
  paths(versionLabel: string): string[][];
}

type Lister = Promise<KubernetesListObject<KubernetesObject>>;
const custom = (r: { group: string; version: string; plural: string }): KindAccess['list'] => {
  return (apis, namespace, fieldSelector) =>
    apis.custom.listNamespacedCustomObject({
      ...r,
      namespace,
      ...(fieldSelector ? { fieldSelector } : {}),
    }) as Lister;
};
const customPath = (r: { group: string; version: string; plural: string }) => (ns: string) =>
  `/apis/${r.group}/${r.version}/namespaces/${ns}/${r.plural}`;

const KINDS: Readonly<Record<string, KindAccess>> = {
  Service: {
    path: (ns) => `/api/v1/namespaces/${ns}/services`,
    list: (apis, namespace, fieldSelector) =>
      apis.core.listNamespacedService({ namespace, ...(fieldSelector ? { fieldSelector } : {}) }) as Lister,
    paths: (versionLabel) => [['spec', 'selector', versionLabel]],
  },
  Ingress: {
    path: (ns) => `/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses`,
    list: (apis, namespace, fieldSelector) =>
      apis.networking.listNamespacedIngress({ namespace, ...(fieldSelector ? { fieldSelector } : {}) }) as Lister,
    paths: () => [
      ['metadata', 'annotations', CANARY],
      ['metadata', 'annotations', CANARY_WEIGHT],
    ],
  },
  Deployment: {
    path: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments`,
    list: (apis, namespace, fieldSelector) =>
      apis.apps.listNamespacedDeployment({ namespace, ...(fieldSelector ? { fieldSelector } : {}) }) as Lister,
    paths: () => [['spec', 'replicas']],
  },
  HTTPRoute: { path: customPath(HTTP_ROUTE), list: custom(HTTP_ROUTE), paths: () => [['spec', 'rules']] },
  VirtualService: { path: customPath(VIRTUAL_SERVICE), list: custom(VIRTUAL_SERVICE), paths: () => [['spec', 'http']] },
};

/** The routing objects of one configured service: its router's, else the versions' Deployments. */
export function watchedObjects(service: string, config: ServiceConfig): Watched[] {
  const objects = routingObjects(config.router);
  const named =
    objects.length > 0
      ? objects.map((o) => ({ kind: o.kind, name: o.name }))
      : config.versions.flatMap((v) => (v.deployment ? [{ kind: 'Deployment', name: v.deployment }] : []));
  return named.flatMap(({ kind, name }) => {
    const access = KINDS[kind];
    return access
      ? [{ service, kind, namespace: config.namespace, name, paths: access.paths(config.versionLabel) }]
      : [];
  });
}

export interface KubeDriftWatchOptions {
  clock: Clock;
  log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

/**
 * A Watch that opens nothing once `signal` is aborted and ends a watch opened meanwhile. ListWatch.stop
 * can only abort a watch whose response has arrived: one stopped while its list or its watch request is
 * on the wire would otherwise open the watch afterwards and keep it open for good.
 */
class StoppableWatch extends Watch {
  constructor(
    config: ConstructorParameters<typeof Watch>[0],
    private readonly signal: AbortSignal,
  ) {
    super(config);
  }

  override async watch(...[path, query, callback, done]: Parameters<Watch['watch']>): Promise<AbortController> {
    if (this.signal.aborted) return new AbortController();
    const end = () => request.abort();
    const request = await super.watch(path, query, callback, (err) => {
      this.signal.removeEventListener('abort', end);
      done(err);
    });
    if (this.signal.aborted) request.abort();
    else this.signal.addEventListener('abort', end, { once: true });
    return request;
  }
}

/** The watches' one stop: every open watch listens to it, one per context, kind and namespace (50 services, 50). */
function stopSignal(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

export class KubeDriftWatch implements RoutingWatch {
  private readonly informers: ListWatch<KubernetesObject>[] = [];
  private readonly stopping = stopSignal();
  /** Starts (lists and watch requests) not yet answered: stop waits for them to settle. */
  private readonly starting = new Set<Promise<void>>();

  constructor(
    private readonly services: Readonly<Record<string, ServiceConfig>>,
    private readonly clients: KubeClients,
    private readonly o: KubeDriftWatchOptions,
  ) {}

  start(onChange: (change: RoutingChange) => void): void {
    const groups = new Map<string, { apis: KubeApis; kind: string; namespace: string; watched: Watched[] }>();
    for (const [name, config] of Object.entries(this.services)) {
      let apis: KubeApis;
      try {
        apis = this.clients.forContext(config.context);
      } catch (err) {
        this.o.log?.warn({ service: name, err: (err as Error).message }, 'drift: the routing cannot be watched');
        continue;
      }
      for (const w of watchedObjects(name, config)) {
        const key = `${apis.context}\u0000${w.kind}\u0000${w.namespace}`;
        const group = groups.get(key) ?? { apis, kind: w.kind, namespace: w.namespace, watched: [] };
        group.watched.push(w);
        groups.set(key, group);
      }
    }
    for (const group of groups.values()) this.watch(group, onChange);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.informers.map((i) => i.stop()));
    await Promise.all(this.starting);
  }

  private begin(informer: ListWatch<KubernetesObject>, where: string): void {
    const started = informer.start().catch((err: unknown) => {
      if (this.stopping.signal.aborted) return;
      this.o.log?.warn({ err: (err as Error)?.message, watch: where }, 'drift: no watch');
    });
    this.starting.add(started);
    void started.finally(() => this.starting.delete(started));
  }

  private watch(
    group: { apis: KubeApis; kind: string; namespace: string; watched: Watched[] },
    onChange: (change: RoutingChange) => void,
  ): void {
    const access = KINDS[group.kind]!;
    const names = new Set(group.watched.map((w) => w.name));
    const fieldSelector = names.size === 1 ? `metadata.name=${[...names][0]}` : undefined;
    const signal = this.stopping.signal;
    const informer = new ListWatch<KubernetesObject>(
      access.path(group.namespace),
      new StoppableWatch(group.apis.kubeConfig, signal),
      () => access.list(group.apis, group.namespace, fieldSelector),
      false,
      undefined,
      fieldSelector,
      { delayFn: (ms) => this.o.clock.sleep(ms, signal).catch(() => undefined) },
    );
    let backoffMs = RESTART_BACKOFF.firstMs;
    const seen = (object: KubernetesObject) => {
      backoffMs = RESTART_BACKOFF.firstMs;
      const name = object.metadata?.name;
      for (const w of group.watched) {
        if (w.name !== name) continue;
        const writer = lastRoutingWriter(object.metadata?.managedFields ?? [], w.paths);
        onChange({
          service: w.service,
          object: targetOf(w.kind, w.namespace, w.name),
          resourceVersion: object.metadata?.resourceVersion ?? '',
          writer,
          ownWrite: writer === FIELD_MANAGER,
        });
      }
    };
    informer.on('add', seen);
    informer.on('update', seen);
    const where = `${group.kind} ${group.namespace}`;
    informer.on('error', (err: unknown) => {
      if (signal.aborted) return;
      this.o.log?.warn({ err: (err as Error)?.message ?? String(err), watch: where }, 'drift: watch ended; restarting');
      const wait = backoffMs;
      backoffMs = Math.min(backoffMs * 2, RESTART_BACKOFF.maxMs);
      this.o.clock.sleep(wait, signal).then(
        () => this.begin(informer, where),
        () => undefined,
      );
    });
    this.informers.push(informer);
    this.begin(informer, where);
  }
}
