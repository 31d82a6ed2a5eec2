/**
 * Blue-green: the Service's `spec.selector[<versionLabel>]` names the one version that gets all
 * traffic. A switch is a strategic merge patch of that one selector key (a Service is a built-in
 * kind, and the patch touches nothing else), so it cannot express 25/75: such splits are refused.
 * The patch carries the resourceVersion read, so an edit between the read and the write is answered
 * with a 409 and read again (optimistic.ts), never silently overwritten.
 */
import type { V1Service } from '@kubernetes/client-node';
import { kubeName } from '../../../config/zod-kit.ts';
import type { KubeChange, Router, Split } from '../../../services/ports.ts';
import { PATCH_CONTENT_TYPES } from '../content-types.ts';
import { RouterError, kubeCall } from '../errors.ts';
import { writeOptimistically } from './optimistic.ts';
import { completeSplit, describeSplit } from './split.ts';
import { FIELD_MANAGER, defineRouter, routerSchema, targetOf, type KubeRouterTraits } from './types.ts';

/** One selector names one version: traffic moves at once. */
const traits: KubeRouterTraits = {
  movesAtOnce: true,
  routesThrough: ['Service'],
  access: [{ group: '', resource: 'services', verbs: ['get', 'list', 'watch', 'patch'] }],
};

export const serviceSelectorRouter = defineRouter({
  kind: 'service-selector',
  schema: routerSchema('service-selector', { service: kubeName('the Service whose selector is switched') }),
  traits,
  versionKey: null,
  objects: (config) => [{ kind: 'Service', name: config.service }],

  create(deps, config): Router {
    const { apis, service, serviceName } = deps;
    const { namespace, versionLabel } = service;
    const target = targetOf('Service', namespace, config.service);
    const versions = service.versions.map((v) => v.version);
    const readService = (): Promise<V1Service> =>
      kubeCall(target, 'read', () => apis.core.readNamespacedService({ name: config.service, namespace }));
    return {
      kind: 'service-selector',
      allOrNothing: traits.movesAtOnce,

      async read(): Promise<Split> {
        const svc = await readService();
        const selected = svc.spec?.selector?.[versionLabel];
        if (selected === undefined) {
          throw new RouterError(
            `${target} has no "${versionLabel}" key in spec.selector, so it does not pick one version (selector: ` +
              `${JSON.stringify(svc.spec?.selector ?? {})})`,
          );
        }
        if (!versions.includes(selected)) {
          throw new RouterError(
            `${target} selects ${versionLabel}=${selected}, which is not a configured version of ${serviceName} ` +
              `(configured: ${versions.join(', ')})`,
          );
        }
        return Object.fromEntries(versions.map((v) => [v, v === selected ? 100 : 0]));
      },

      async write(split, { dryRun }): Promise<KubeChange[]> {
        const full = completeSplit(split, versions, serviceName);
        const to = versions.find((v) => full[v] === 100);
        if (to === undefined) {
          throw new RouterError(
            `the service-selector router switches all traffic at once (blue-green) and cannot send ` +
              `${describeSplit(split)}; use a split of 100 to one version, or a weighted router (gateway-api, istio, ` +
              `nginx, replicas) for gradual rollbacks`,
          );
        }
        return writeOptimistically<V1Service>({
          target,
          dryRun,
          read: () => readService(),
          // The one selector key that names the version: what a write here sets.
          routing: (current) => ({
            fields: current.spec?.selector?.[versionLabel] ?? null,
            managedFields: current.metadata?.managedFields ?? [],
            paths: [['spec', 'selector', versionLabel]],
          }),
          // Guarded by the resourceVersion read: an edit between the read and this write gets a 409, not overwritten.
          plan: (current) => ({
            method: 'PATCH',
            target,
            contentType: PATCH_CONTENT_TYPES.strategicMerge,
            body: {
              metadata: { resourceVersion: current.metadata?.resourceVersion },
              spec: { selector: { [versionLabel]: to } },
            },
          }),
          send: async (change) => {
            await apis.core.patchNamespacedService(
              { name: config.service, namespace, body: change.body, fieldManager: FIELD_MANAGER },
              apis.sendAs(PATCH_CONTENT_TYPES.strategicMerge),
            );
          },
        });
      },
    };
  },

  async endpointsService(deps, config) {
    return { namespace: deps.service.namespace, name: config.service };
  },
});
