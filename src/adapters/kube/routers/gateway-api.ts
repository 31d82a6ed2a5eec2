/**
 * Gateway API: an HTTPRoute rule's `backendRefs[].weight`, one backendRef per version, matched by
 * the version's `backend` (a Service in the service's namespace). Weights are proportional (an
 * unset weight counts 1), so `read` normalises them to percent; `write` sets percent values.
 *
 * Written read-modify-write: the whole HTTPRoute is PUT back with the resourceVersion it was read
 * at, so any change someone else made in between (weights, rule order, a new backendRef) makes
 * the API server answer 409, and the write is recomputed from a fresh read. A PUT was chosen over
 * a JSON patch with `test` ops because its precondition covers the whole object, not only the
 * paths we would think of testing. Strategic merge patches are not an option: HTTPRoute is a
 * custom resource, and the API server refuses them (415).
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
  type RoutedVersion,
  type RouterDeps,
} from './types.ts';

export const HTTP_ROUTE = { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes' } as const;

interface BackendRef {
  name?: string;
  namespace?: string;
  kind?: string;
  group?: string;
  weight?: number;
}
interface HttpRoute {
  metadata?: { resourceVersion?: string; managedFields?: ManagedFields[] };
  spec?: { rules?: { backendRefs?: BackendRef[] }[] };
}

const isVersionRef = (ref: BackendRef, v: RoutedVersion, namespace: string) =>
  ref.name === v.backend &&
  (ref.kind ?? 'Service') === 'Service' &&
  (ref.group ?? '') === '' &&
  (ref.namespace ?? namespace) === namespace;

function ruleOf(route: HttpRoute, rule: number, target: string): BackendRef[] {
  const rules = route.spec?.rules ?? [];
  const r = rules[rule];
  if (!r)
    throw new RouterError(
      `${target} has no rule ${rule} (it has ${rules.length}); set router.rule to the index of the rule to split`,
    );
  return (r.backendRefs ??= []);
}

/** Weight per configured version; a backendRef carrying traffic to something else is refused. */
function weightsOf(refs: BackendRef[], deps: RouterDeps, where: string): Record<string, number> {
  const { service } = deps;
  const weights: Record<string, number> = Object.fromEntries(service.versions.map((v) => [v.version, 0]));
  const strangers: string[] = [];
  for (const ref of refs) {
    const weight = ref.weight ?? 1;
    const v = service.versions.find((x) => isVersionRef(ref, x, service.namespace));
    if (v) weights[v.version] = (weights[v.version] ?? 0) + weight;
    else if (weight > 0) strangers.push(`${ref.name ?? '(unnamed)'} (weight ${weight})`);
  }
  if (strangers.length > 0) {
    throw new RouterError(
      `${where} also sends traffic to ${strangers.join(', ')}, which is no configured version's backend of ` +
        `${deps.serviceName}; add it to versions or set its weight to 0`,
    );
  }
  return weights;
}

function get(deps: RouterDeps, name: string, target: string): Promise<HttpRoute> {
  return kubeCall(
    target,
    'read',
    () =>
      deps.apis.custom.getNamespacedCustomObject({
        ...HTTP_ROUTE,
        namespace: deps.service.namespace,
        name,
      }) as Promise<HttpRoute>,
  );
}

/** Weights per backendRef: any split. The HTTPRoute is read and PUT back (update). */
const traits: KubeRouterTraits = {
  movesAtOnce: false,
  routesThrough: ['HTTPRoute'],
  access: [{ group: HTTP_ROUTE.group, resource: HTTP_ROUTE.plural, verbs: ['get', 'list', 'watch', 'update'] }],
};

export const gatewayApiRouter = defineRouter({
  kind: 'gateway-api',
  schema: routerSchema('gateway-api', {
    httpRoute: kubeName('the HTTPRoute name'),
    rule: int(0, 1000, 'rule (index in spec.rules)').default(0),
  }),
  traits,
  versionKey: { key: 'backend', what: "the Service named in the HTTPRoute's backendRefs" },
  objects: (config) => [{ kind: 'HTTPRoute', name: config.httpRoute, route: config.rule }],

  create(deps, config): Router {
    const { service, serviceName } = deps;
    const target = targetOf('HTTPRoute', service.namespace, config.httpRoute);
    const where = `${target} rule ${config.rule}`;
    const versions = service.versions.map((v) => v.version);
    return {
      kind: 'gateway-api',
      allOrNothing: traits.movesAtOnce,

      async read(): Promise<Split> {
        const route = await get(deps, config.httpRoute, target);
        return toPercent(weightsOf(ruleOf(route, config.rule, target), deps, where), where);
      },

      async write(split, { dryRun }): Promise<KubeChange[]> {
        const full = completeSplit(split, versions, serviceName);
        return writeOptimistically<HttpRoute>({
          target,
          dryRun,
          read: () => get(deps, config.httpRoute, target),
          // The backendRefs of the split rule, with their weights: what a write here sets.
          routing: (current) => ({
            fields: current.spec?.rules?.[config.rule]?.backendRefs ?? [],
            managedFields: current.metadata?.managedFields ?? [],
            paths: [['spec', 'rules']],
          }),
          plan(current) {
            const route = structuredClone(current);
            const refs = ruleOf(route, config.rule, target);
            weightsOf(refs, deps, where);
            for (const v of service.versions) {
              const matching = refs.filter((ref) => isVersionRef(ref, v, service.namespace));
              if (matching.length === 0 && (full[v.version] ?? 0) > 0) {
                throw new RouterError(
                  `${where} has no backendRef for ${v.version} (Service ${v.backend}); add one with weight 0 so ` +
                    `traffic can be moved to it`,
                );
              }
              // Two refs to one backend would double its share: the first carries it, the rest get 0.
              matching.forEach((ref, i) => (ref.weight = i === 0 ? (full[v.version] ?? 0) : 0));
            }
            return { method: 'PUT', target, contentType: 'application/json', body: route };
          },
          send: async (change) => {
            await deps.apis.custom.replaceNamespacedCustomObject({
              ...HTTP_ROUTE,
              namespace: service.namespace,
              name: config.httpRoute,
              body: change.body,
              fieldManager: FIELD_MANAGER,
            });
          },
        });
      },
    };
  },

  async endpointsService(deps, _config, version) {
    if (!version.backend)
      throw new RouterError(
        `version ${version.version} of ${deps.serviceName} has no backend (the Service its HTTPRoute backendRef names)`,
      );
    return { namespace: deps.service.namespace, name: version.backend };
  },
});
