/**
 * Split by replica count: each version's Deployment gets a share of the replicas the service's
 * versions have now, in proportion to its weight — the total is kept, a version with a weight gets
 * at least one replica (so the total grows only when there are more such versions than
 * replicas), a version at 0 is scaled to 0. `read` is each version's share of the replicas.
 *
 * Each Deployment is scaled through its `scale` subresource with a JSON patch whose `test` op
 * holds the replica count the split was computed from: if an autoscaler or a person scaled it in
 * between, the API server answers 422 and nothing is overwritten. Scale-ups go before scale-downs
 * so capacity never dips during a switch.
 */
import type { KubeChange, Router, Split } from '../../../services/ports.ts';
import { PATCH_CONTENT_TYPES } from '../content-types.ts';
import { KubeError, RouterError, kubeCall } from '../errors.ts';
import { apportion, completeSplit } from './split.ts';
import {
  FIELD_MANAGER,
  defineRouter,
  routerSchema,
  targetOf,
  type KubeRouterTraits,
  type RouterDeps,
} from './types.ts';

/** Replica shares split traffic, coarsely: a gradual rollback runs on it (read back per phase). */
const traits: KubeRouterTraits = {
  movesAtOnce: false,
  routesThrough: [],
  access: [
    { group: 'apps', resource: 'deployments/scale', verbs: ['get', 'patch'] },
    // Drift detection watches the Deployments themselves: a subresource cannot be watched.
    { group: 'apps', resource: 'deployments', verbs: ['list', 'watch'] },
  ],
};

function deploymentOf(deps: RouterDeps, version: string): string {
  const name = deps.service.versions.find((v) => v.version === version)?.deployment;
  if (!name)
    throw new RouterError(
      `the replicas router needs versions[].deployment; ${version} of ${deps.serviceName} has none`,
    );
  return name;
}

async function readReplicas(deps: RouterDeps): Promise<Record<string, number>> {
  const { namespace } = deps.service;
  const out: Record<string, number> = {};
  for (const { version } of deps.service.versions) {
    const name = deploymentOf(deps, version);
    const scale = await kubeCall(targetOf('Deployment', namespace, name), 'read scale of', () =>
      deps.apis.apps.readNamespacedDeploymentScale({ name, namespace }),
    );
    out[version] = scale.spec?.replicas ?? 0;
  }
  return out;
}

/** Replicas per version for a split, keeping `current`'s total (see the file comment). */
export function allocateReplicas(current: Record<string, number>, split: Split): Record<string, number> {
  const weighted = Object.keys(split).filter((v) => (split[v] ?? 0) > 0);
  const total = Math.max(
    Object.values(current).reduce((a, b) => a + b, 0),
    weighted.length,
  );
  const out = apportion(split, total);
  for (const v of weighted) {
    if ((out[v] ?? 0) > 0) continue;
    const donor = Object.keys(out).reduce((best, k) => ((out[k] ?? 0) > (out[best] ?? 0) ? k : best));
    out[donor] = (out[donor] ?? 0) - 1;
    out[v] = 1;
  }
  return out;
}

export const replicasRouter = defineRouter({
  kind: 'replicas',
  schema: routerSchema('replicas', {}),
  traits,
  versionKey: { key: 'deployment', what: 'the Deployment that is scaled' },
  objects: () => [],

  create(deps): Router {
    const { service, serviceName } = deps;
    const versions = service.versions.map((v) => v.version);
    return {
      kind: 'replicas',
      allOrNothing: traits.movesAtOnce,

      async read(): Promise<Split> {
        const replicas = await readReplicas(deps);
        if (Object.values(replicas).every((n) => n === 0)) {
          throw new RouterError(
            `no version of ${serviceName} has any replicas (${versions.join(', ')} are all scaled to 0), so no ` +
              `traffic is served`,
          );
        }
        return apportion(replicas, 100);
      },

      async isAt(split: Split): Promise<boolean> {
        const current = await readReplicas(deps);
        const wanted = allocateReplicas(current, completeSplit(split, versions, serviceName));
        return versions.every((v) => (wanted[v] ?? 0) === (current[v] ?? 0));
      },

      async write(split, { dryRun }): Promise<KubeChange[]> {
        const full = completeSplit(split, versions, serviceName);
        const current = await readReplicas(deps);
        const wanted = allocateReplicas(current, full);
        const changes: (KubeChange & { grow: boolean; name: string })[] = versions
          .filter((v) => wanted[v] !== current[v])
          .map((v) => {
            const name = deploymentOf(deps, v);
            return {
              method: 'PATCH' as const,
              target: targetOf('Deployment', service.namespace, name),
              contentType: PATCH_CONTENT_TYPES.json,
              body: [
                { op: 'test', path: '/spec/replicas', value: current[v] ?? 0 },
                { op: 'replace', path: '/spec/replicas', value: wanted[v] ?? 0 },
              ],
              grow: (wanted[v] ?? 0) > (current[v] ?? 0),
              name,
            };
          })
          .sort((a, b) => Number(b.grow) - Number(a.grow));
        const sent: KubeChange[] = changes.map(({ grow: _g, name: _n, ...change }) => change);
        if (dryRun) return sent;
        for (const [i, c] of changes.entries()) {
          try {
            await kubeCall(c.target, 'PATCH of the scale of', () =>
              deps.apis.apps.patchNamespacedDeploymentScale({
                name: c.name,
                namespace: service.namespace,
                body: c.body,
                fieldManager: FIELD_MANAGER,
              }),
            );
          } catch (err) {
            const e = err as KubeError;
            if (e.status !== 422) throw e;
            const expected = (c.body as { value: number }[])[0]?.value;
            throw new KubeError(
              422,
              e.reason,
              `${c.target} was scaled by someone else since it was read (expected ${expected} replicas), so it was ` +
                `left alone${i > 0 ? ` (${i} earlier change(s) of this split were applied)` : ''}; read the split ` +
                `again and retry: ${e.message}`,
              c.target,
            );
          }
        }
        return sent;
      },
    };
  },

  async endpointsService() {
    return null;
  },
});
