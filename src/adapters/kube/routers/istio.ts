/**
 * Istio: a VirtualService HTTP route's `route[].weight`, one destination per version matched by
 * `destination.subset` = the version's `subset`. Weights are percents summing to 100; a lone
 * destination without a weight takes all traffic, as Istio reads it.
 *
 * Written read-modify-write: the VirtualService is PUT back with the resourceVersion it was read
 * at; a 409 (someone else changed it — e.g. a drill adding `fault`) means read again and
 * recompute, so their change is kept and ours is never applied to a state it was not computed
 * from. PUT rather than a JSON patch with `test` ops: the precondition covers the whole object.
 * Never a strategic merge patch: VirtualService is a custom resource (the API server answers 415).
 */
import { int, kubeName } from '../../../config/zod-kit.ts';
import type { KubeChange, Router, Split } from '../../../services/ports.ts';
import { RouterError, kubeCall } from '../errors.ts';
import type { ManagedFields } from './managed-fields.ts';
import { writeOptimistically } from './optimistic.ts';
import { completeSplit, toPercent } from './split.ts';
import {
  FIELD_MANAGER,
  defineRouter,
  routerSchema,
  targetOf,
  type KubeRouterTraits,
  type RouterDeps,
} from './types.ts';

export const VIRTUAL_SERVICE = { group: 'networking.istio.io', version: 'v1', plural: 'virtualservices' } as const;

interface Destination {
  destination?: { host?: string; subset?: string };
  weight?: number;
}
interface VirtualService {
  metadata?: { resourceVersion?: string; managedFields?: ManagedFields[] };
  spec?: { http?: { route?: Destination[] }[] };
}

function routeOf(vs: VirtualService, index: number, target: string): Destination[] {
  const http = vs.spec?.http ?? [];
  const r = http[index];
  if (!r)
    throw new RouterError(
      `${target} has no spec.http[${index}] (it has ${http.length} HTTP routes); set router.route to the index of ` +
        `the route to split`,
    );
  return (r.route ??= []);
}

function weightsOf(dests: Destination[], deps: RouterDeps, where: string): Record<string, number> {
  const weights: Record<string, number> = Object.fromEntries(deps.service.versions.map((v) => [v.version, 0]));
  const strangers: string[] = [];
  for (const d of dests) {
    const weight = d.weight ?? (dests.length === 1 ? 100 : 0);
    const v = deps.service.versions.find((x) => x.subset !== undefined && x.subset === d.destination?.subset);
    if (v) weights[v.version] = (weights[v.version] ?? 0) + weight;
    else if (weight > 0)
      strangers.push(`${d.destination?.host ?? '?'} subset ${d.destination?.subset ?? '(none)'} (weight ${weight})`);
  }
  if (strangers.length > 0) {
    throw new RouterError(
      `${where} also sends traffic to ${strangers.join(', ')}, which is no configured version's subset of ` +
        `${deps.serviceName}; add it to versions or set its weight to 0`,
    );
  }
  return weights;
}

function get(deps: RouterDeps, name: string, target: string): Promise<VirtualService> {
  return kubeCall(
    target,
    'read',
    () =>
      deps.apis.custom.getNamespacedCustomObject({
        ...VIRTUAL_SERVICE,
        namespace: deps.service.namespace,
        name,
      }) as Promise<VirtualService>,
  );
}

/** Weights per destination: any split. The VirtualService is read and PUT back (update). */
const traits: KubeRouterTraits = {
  movesAtOnce: false,
  routesThrough: ['VirtualService'],
  access: [
    { group: VIRTUAL_SERVICE.group, resource: VIRTUAL_SERVICE.plural, verbs: ['get', 'list', 'watch', 'update'] },
  ],
};

export const istioRouter = defineRouter({
  kind: 'istio',
  schema: routerSchema('istio', {
    virtualService: kubeName('the VirtualService name'),
    route: int(0, 1000, 'route (index in spec.http)').default(0),
  }),
  traits,
  versionKey: { key: 'subset', what: "the VirtualService destination's subset" },
  objects: (config) => [{ kind: 'VirtualService', name: config.virtualService, route: config.route }],

  create(deps, config): Router {
    const { service, serviceName } = deps;
    const target = targetOf('VirtualService', service.namespace, config.virtualService);
    const where = `${target} spec.http[${config.route}]`;
    const versions = service.versions.map((v) => v.version);
    return {
      kind: 'istio',
      allOrNothing: traits.movesAtOnce,

      async read(): Promise<Split> {
        const vs = await get(deps, config.virtualService, target);
        return toPercent(weightsOf(routeOf(vs, config.route, target), deps, where), where);
      },

      async write(split, { dryRun }): Promise<KubeChange[]> {
        const full = completeSplit(split, versions, serviceName);
        return writeOptimistically<VirtualService>({
          target,
          dryRun,
          read: () => get(deps, config.virtualService, target),
          // The weights of the split route, each with its destination: what a write here sets.
          routing: (current) => ({
            fields: (current.spec?.http?.[config.route]?.route ?? []).map((d) => [d.destination, d.weight]),
            managedFields: current.metadata?.managedFields ?? [],
            paths: [['spec', 'http']],
          }),
          plan(current) {
            const vs = structuredClone(current);
            const dests = routeOf(vs, config.route, target);
            weightsOf(dests, deps, where);
            for (const v of service.versions) {
              const matching = dests.filter((d) => v.subset !== undefined && d.destination?.subset === v.subset);
              if (matching.length === 0 && (full[v.version] ?? 0) > 0) {
                throw new RouterError(
                  `${where} has no destination with subset ${v.subset} for ${v.version}; add one with weight 0 so ` +
                    `traffic can be moved to it`,
                );
              }
              matching.forEach((d, i) => (d.weight = i === 0 ? (full[v.version] ?? 0) : 0));
            }
            return { method: 'PUT', target, contentType: 'application/json', body: vs };
          },
          send: async (change) => {
            await deps.apis.custom.replaceNamespacedCustomObject({
              ...VIRTUAL_SERVICE,
              namespace: service.namespace,
              name: config.virtualService,
              body: change.body,
              fieldManager: FIELD_MANAGER,
            });
          },
        });
      },
    };
  },

  /** The destination `host` of the version's subset: `svc`, `svc.ns` or `svc.ns.svc.cluster.local`. */
  async endpointsService(deps, config, version) {
    const target = targetOf('VirtualService', deps.service.namespace, config.virtualService);
    const vs = await get(deps, config.virtualService, target);
    const dest = routeOf(vs, config.route, target).find(
      (d) => version.subset !== undefined && d.destination?.subset === version.subset,
    );
    const host = dest?.destination?.host;
    if (!host)
      throw new RouterError(
        `${target} spec.http[${config.route}] has no destination host for ${version.version} (subset ` +
          `${version.subset ?? 'unset'})`,
      );
    const [name = host, namespace = deps.service.namespace] = host.split('.');
    return { namespace, name };
  },
});
