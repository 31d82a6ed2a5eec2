/**
 * NGINX Ingress canary: the canary Ingress (annotation `nginx.ingress.kubernetes.io/canary: "true"`)
 * takes `nginx.ingress.kubernetes.io/canary-weight` percent of the main Ingress's traffic (out of
 * `canary-weight-total`, default 100); the main Ingress takes the rest.
 *
 * Convention — which version is which: each Ingress routes to one Service, and the version whose
 * `backend` is that Service is the Ingress's version (normally the canary Ingress routes to the
 * newer version). So only these two versions can share traffic; a split giving any other version
 * a share is refused with the versions the Ingresses route to. Versions are read from the cluster
 * on every write, never assumed from the order of the chain.
 *
 * The write is a JSON merge patch of the canary Ingress's two annotations carrying the
 * resourceVersion it was computed from: if someone re-pointed the canary Ingress in between, the
 * API server answers 409 and the write is recomputed from a fresh read.
 */
import type { V1Ingress } from '@kubernetes/client-node';
import type { z } from 'zod';
import { kubeName } from '../../../config/zod-kit.ts';
import type { KubeChange, Router, Split } from '../../../services/ports.ts';
import { PATCH_CONTENT_TYPES } from '../content-types.ts';
import { RouterError, kubeCall } from '../errors.ts';
import { writeOptimistically } from './optimistic.ts';
import { apportion, completeSplit, describeSplit } from './split.ts';
import {
  FIELD_MANAGER,
  defineRouter,
  routerSchema,
  targetOf,
  type KubeRouterTraits,
  type RoutedVersion,
  type RouterDeps,
} from './types.ts';

export const CANARY = 'nginx.ingress.kubernetes.io/canary';
export const CANARY_WEIGHT = 'nginx.ingress.kubernetes.io/canary-weight';
export const CANARY_WEIGHT_TOTAL = 'nginx.ingress.kubernetes.io/canary-weight-total';

const schema = routerSchema('nginx', {
  ingress: kubeName('the main Ingress name'),
  canaryIngress: kubeName('the canary Ingress name'),
});
type NginxConfig = z.output<typeof schema>;

/** The canary weight is a percent of the main Ingress's traffic: any split of two versions. */
const traits: KubeRouterTraits = {
  movesAtOnce: false,
  routesThrough: ['Ingress'],
  access: [{ group: 'networking.k8s.io', resource: 'ingresses', verbs: ['get', 'list', 'watch', 'patch'] }],
};

interface Pair {
  main: { ingress: V1Ingress; version: RoutedVersion; backend: string };
  canary: { ingress: V1Ingress; version: RoutedVersion; backend: string };
}

function backendOf(ingress: V1Ingress, target: string): string {
  const names = new Set<string>();
  const dflt = ingress.spec?.defaultBackend?.service?.name;
  if (dflt) names.add(dflt);
  for (const rule of ingress.spec?.rules ?? [])
    for (const p of rule.http?.paths ?? []) if (p.backend.service?.name) names.add(p.backend.service.name);
  const [only, ...more] = [...names];
  if (!only) throw new RouterError(`${target} routes to no Service`);
  if (more.length > 0)
    throw new RouterError(
      `${target} routes to several Services (${[...names].join(', ')}); the nginx router needs each Ingress to route ` +
        `to one version's Service`,
    );
  return only;
}

async function readPair(deps: RouterDeps, config: NginxConfig): Promise<Pair> {
  const { namespace } = deps.service;
  const side = async (name: string) => {
    const target = targetOf('Ingress', namespace, name);
    const ingress = await kubeCall(target, 'read', () =>
      deps.apis.networking.readNamespacedIngress({ name, namespace }),
    );
    const backend = backendOf(ingress, target);
    const version = deps.service.versions.find((v) => v.backend === backend);
    if (!version) {
      throw new RouterError(
        `${target} routes to Service ${backend}, which is not the backend of any configured version of ` +
          `${deps.serviceName}; set versions[].backend to the Service each version runs behind`,
      );
    }
    return { ingress, version, backend };
  };
  const pair = { main: await side(config.ingress), canary: await side(config.canaryIngress) };
  if (pair.main.version === pair.canary.version) {
    throw new RouterError(
      `the main and canary Ingresses (${config.ingress}, ${config.canaryIngress}) both route to ` +
        `${pair.main.version.version}; point the canary Ingress at the other version's Service`,
    );
  }
  return pair;
}

function intAnnotation(ingress: V1Ingress, key: string, fallback: number, target: string): number {
  const raw = ingress.metadata?.annotations?.[key];
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw))
    throw new RouterError(`${target} has annotation ${key}: "${raw}", which is not a whole number`);
  return Number(raw);
}

export const nginxRouter = defineRouter({
  kind: 'nginx',
  schema,
  traits,
  versionKey: null,
  objects: (config) => [
    { kind: 'Ingress', name: config.ingress },
    { kind: 'Ingress', name: config.canaryIngress },
  ],

  create(deps, config): Router {
    const { service, serviceName } = deps;
    const target = targetOf('Ingress', service.namespace, config.canaryIngress);
    const versions = service.versions.map((v) => v.version);
    return {
      kind: 'nginx',
      allOrNothing: traits.movesAtOnce,

      async read(): Promise<Split> {
        const { main, canary } = await readPair(deps, config);
        const active = canary.ingress.metadata?.annotations?.[CANARY] === 'true';
        const total = intAnnotation(canary.ingress, CANARY_WEIGHT_TOTAL, 100, target);
        const weight = active ? Math.min(intAnnotation(canary.ingress, CANARY_WEIGHT, 0, target), total) : 0;
        const shares = apportion({ [canary.version.version]: weight, [main.version.version]: total - weight }, 100);
        return Object.fromEntries(versions.map((v) => [v, shares[v] ?? 0]));
      },

      async write(split, { dryRun }): Promise<KubeChange[]> {
        const full = completeSplit(split, versions, serviceName);
        return writeOptimistically<Pair>({
          target,
          dryRun,
          read: () => readPair(deps, config),
          // The canary Ingress's two annotations: what a write here sets.
          routing: ({ canary }) => {
            const annotations = canary.ingress.metadata?.annotations ?? {};
            return {
              fields: [annotations[CANARY] ?? null, annotations[CANARY_WEIGHT] ?? null],
              managedFields: canary.ingress.metadata?.managedFields ?? [],
              paths: [
                ['metadata', 'annotations', CANARY],
                ['metadata', 'annotations', CANARY_WEIGHT],
              ],
            };
          },
          plan({ main, canary }) {
            const outsiders = versions.filter(
              (v) => (full[v] ?? 0) > 0 && v !== main.version.version && v !== canary.version.version,
            );
            if (outsiders.length > 0) {
              throw new RouterError(
                `the nginx router moves traffic only between the main Ingress's version ${main.version.version} and ` +
                  `the canary Ingress's version ${canary.version.version}; ${describeSplit(split)} gives traffic to ` +
                  `${outsiders.join(', ')}`,
              );
            }
            const total = intAnnotation(canary.ingress, CANARY_WEIGHT_TOTAL, 100, target);
            const weight = Math.round(((full[canary.version.version] ?? 0) * total) / 100);
            return {
              method: 'PATCH',
              target,
              contentType: PATCH_CONTENT_TYPES.merge,
              body: {
                metadata: {
                  resourceVersion: canary.ingress.metadata?.resourceVersion,
                  annotations: { [CANARY]: 'true', [CANARY_WEIGHT]: String(weight) },
                },
              },
            };
          },
          send: async (change) => {
            await deps.apis.networking.patchNamespacedIngress(
              {
                name: config.canaryIngress,
                namespace: service.namespace,
                body: change.body,
                fieldManager: FIELD_MANAGER,
              },
              deps.apis.sendAs(PATCH_CONTENT_TYPES.merge),
            );
          },
        });
      },
    };
  },

  async endpointsService(deps, config, version) {
    const { main, canary } = await readPair(deps, config);
    const side = [main, canary].find((s) => s.version.version === version.version);
    if (!side) {
      throw new RouterError(
        `${version.version} is behind neither Ingress (${config.ingress} routes to ${main.version.version}, ` +
          `${config.canaryIngress} to ${canary.version.version})`,
      );
    }
    return { namespace: deps.service.namespace, name: side.backend };
  },
});
