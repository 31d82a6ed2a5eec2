/**
 * The istio-fault injector: Istio's own fault injection on one HTTP route of a VirtualService
 * (`spec.http[i].fault`). inject_errors aborts a percentage of requests with 500, inject_latency
 * delays every request, partial_outage aborts `share × errorRate` of the requests with 503 on that
 * one route only, so every other route of the VirtualService keeps serving untouched.
 *
 * Written like the istio router (routers/istio.ts): GET, then PUT guarded by the resourceVersion
 * read, a 409 answered by reading again. The router writes the same object during a drill's
 * rollback, so each side keeps the other's change instead of overwriting it.
 *
 * Removal only takes away a fault that is still exactly the one we set: a fault someone else put
 * there (or changed ours into) is theirs, and removing it would be a surprise in the middle of an
 * exercise. With `detail: null` (the process died between the DB record and apply's answer) the
 * fault we would have set is rebuilt from the spec, so start-up cleanup finds it either way.
 *
 * The fault only ever goes into the drill service's own VirtualService. Config validation checks
 * the names; here, before every injection, the live object is checked too, because what config
 * cannot see decides whose route it is: two contexts reaching the same API server make another
 * service's same-named VirtualService this one, and what the object routes (its hosts, gateways
 * and destinations) and how it is labelled decide whose traffic the fault hits (istio-target.ts).
 * apply checks the very object it writes (each read, 409 re-reads too), so a change between the
 * drill's checks and its write cannot slip through.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Config, InjectorConfig, ServiceConfig } from '../../config/schema.ts';
import { drillServiceSaid, istioFaultTargetSaid, type Said } from '../../config/drill-target.ts';
import {
  faultAmount,
  type AppliedFault,
  type FaultInjector,
  type FaultSpec,
  type RemoveResult,
  type TargetCheck,
} from '../../services/drill-ports.ts';
import type { KubeClients } from '../kube/clients.ts';
import { RouterError, kubeCall } from '../kube/errors.ts';
import { VIRTUAL_SERVICE } from '../kube/routers/istio.ts';
import { writeOptimistically } from '../kube/routers/optimistic.ts';
import { routingObjects } from '../kube/routers/registry.ts';
import { FIELD_MANAGER, targetOf, type ApiAccess } from '../kube/routers/types.ts';
import { foreignRouting, joinFindings, type LiveVirtualService } from './istio-target.ts';

export type IstioFaultConfig = Extract<InjectorConfig, { kind: 'istio-fault' }>;

/** What it reads and writes, only in the drill service's namespace (deploy/rbac/roles/istio-fault grants it). */
export const ISTIO_FAULT_ACCESS: readonly ApiAccess[] = [
  { group: VIRTUAL_SERVICE.group, resource: VIRTUAL_SERVICE.plural, verbs: ['get', 'update'] },
];

export interface IstioFaultDeps {
  services: Config['services'];
  kubeClients: KubeClients;
}

/** `spec.http[].fault` as Istio reads it (the parts we write). */
export interface IstioFault {
  abort?: { percentage: { value: number }; httpStatus: number };
  delay?: { percentage: { value: number }; fixedDelay: string };
}

interface HttpRoute {
  fault?: unknown;
  [key: string]: unknown;
}
interface VirtualService extends LiveVirtualService {
  metadata?: { resourceVersion?: string; labels?: Record<string, unknown> };
  spec?: { hosts?: unknown; gateways?: unknown; http?: HttpRoute[] };
}

/** What apply stores in AppliedFault.detail. */
interface IstioFaultDetail {
  routeIndex: number;
  /** The route's fault before the drill; null: it had none (remove deletes the key). */
  previousFault: unknown;
  fault: IstioFault;
}

/** Percent with at most 4 decimals: 0.2 × 100 is 20.000000000000004 in floating point. */
const percent = (ratio: number) => Math.round(ratio * 100 * 10_000) / 10_000;

/** The fault a spec asks for, exactly as it is written into the VirtualService. */
export function istioFaultOf(spec: FaultSpec): IstioFault {
  switch (spec.trigger) {
    case 'inject_errors':
      return { abort: { percentage: { value: percent(faultAmount(spec, 'errorRate')) }, httpStatus: 500 } };
    case 'inject_latency':
      return { delay: { percentage: { value: 100 }, fixedDelay: `${faultAmount(spec, 'latencyMs') / 1000}s` } };
    case 'partial_outage':
      return {
        abort: {
          percentage: { value: percent(faultAmount(spec, 'share') * faultAmount(spec, 'errorRate')) },
          httpStatus: 503,
        },
      };
  }
}

/** The stored detail, or null when it is missing or not in the shape apply writes (then the spec speaks). */
function detailOf(fault: AppliedFault): IstioFaultDetail | null {
  const d = fault.detail;
  if (!d || typeof d.routeIndex !== 'number' || !d.fault || typeof d.fault !== 'object') return null;
  return { routeIndex: d.routeIndex, previousFault: d.previousFault ?? null, fault: d.fault as IstioFault };
}

/** Thrown from a plan to end the write without a PUT; carries what to answer. */
class NoWrite<T> {
  constructor(readonly result: T) {}
}

export function istioFaultInjector(config: IstioFaultConfig, deps: IstioFaultDeps): FaultInjector {
  function where(spec: Pick<FaultSpec, 'service' | 'drillId'>) {
    const service = deps.services[spec.service];
    if (!service) {
      throw new Error(
        `drill ${spec.drillId}: no service "${spec.service}" in config; configured: ` +
          `${Object.keys(deps.services).join(', ')}`,
      );
    }
    // The route the service's own router moves traffic on, when it routes through a VirtualService.
    const routeIndex = routingObjects(service.router).find((o) => o.kind === 'VirtualService')?.route ?? 0;
    const target = targetOf('VirtualService', service.namespace, config.virtualService);
    return { service, routeIndex, target, field: `spec.http[${routeIndex}].fault` };
  }

  /** Same API server; a context that cannot be resolved cannot be shown to be elsewhere, so it counts as the same. */
  function sameCluster(a: string | undefined, b: string | undefined): boolean {
    if (a === b) return true;
    try {
      return deps.kubeClients.forContext(a).server === deps.kubeClients.forContext(b).server;
    } catch {
      return true;
    }
  }

  /**
   * Why the fault must not go into the VirtualService for a drill on `serviceName` — the service
   * not allowed, the object not its own by config or cluster, or `live` (as just read) routing or
   * labelled as another service's — or null when it may.
   */
  function refusal(serviceName: string, live: VirtualService | null): Said | null {
    const service = deps.services[serviceName];
    const notAllowed = drillServiceSaid(deps.services, serviceName);
    if (notAllowed || !service) return notAllowed;
    const configured = istioFaultTargetSaid(deps.services, serviceName, config.virtualService, sameCluster);
    if (configured || !live) return configured;
    const object = targetOf('VirtualService', service.namespace, config.virtualService);
    return joinFindings(
      foreignRouting({ services: deps.services, drillService: serviceName, object, vs: live, sameCluster }),
    );
  }

  /**
   * Read-modify-write of the VirtualService, as the istio router does it: `edit` changes the HTTP
   * routes of a fresh copy (or throws NoWrite to send nothing); a 409 reads again and edits again.
   */
  async function rewrite(
    service: ServiceConfig,
    target: string,
    edit: (http: HttpRoute[], current: VirtualService) => void,
  ): Promise<void> {
    const apis = deps.kubeClients.forContext(service.context);
    const name = config.virtualService;
    const { namespace } = service;
    await writeOptimistically<VirtualService>({
      target,
      dryRun: false,
      read: () =>
        kubeCall(
          target,
          'read',
          () =>
            apis.custom.getNamespacedCustomObject({ ...VIRTUAL_SERVICE, namespace, name }) as Promise<VirtualService>,
        ),
      plan(current) {
        const vs = structuredClone(current);
        edit(vs.spec?.http ?? [], current);
        return { method: 'PUT', target, contentType: 'application/json', body: vs };
      },
      send: async (change) =>
        void (await apis.custom.replaceNamespacedCustomObject({
          ...VIRTUAL_SERVICE,
          namespace,
          name,
          body: change.body,
          fieldManager: FIELD_MANAGER,
        })),
    });
  }

  return {
    kind: 'istio-fault',

    async checkTarget(serviceName): Promise<TargetCheck> {
      const before = refusal(serviceName, null);
      if (before) return { ok: false, reason: before.en, reasonJa: before.ja };
      const { service, target } = where({ service: serviceName, drillId: 'plan' });
      let live: VirtualService;
      try {
        live = await kubeCall(
          target,
          'read',
          () =>
            deps.kubeClients.forContext(service.context).custom.getNamespacedCustomObject({
              ...VIRTUAL_SERVICE,
              namespace: service.namespace,
              name: config.virtualService,
            }) as Promise<VirtualService>,
        );
      } catch (err) {
        const why = (err as Error).message;
        return {
          ok: false,
          reason: `${target} could not be read to check that it is ${serviceName}'s own: ${why}`,
          reasonJa: `${target} を読み取れず、${serviceName} 自身のものか確認できません: ${why}`,
        };
      }
      const after = refusal(serviceName, live);
      return after ? { ok: false, reason: after.en, reasonJa: after.ja } : { ok: true };
    },

    describe(spec) {
      const { target, field } = where(spec);
      return [`PUT ${target} ${field} = ${JSON.stringify(istioFaultOf(spec))}`];
    },

    async apply(spec): Promise<AppliedFault> {
      const { service, routeIndex, target, field } = where(spec);
      const fault = istioFaultOf(spec);
      const detail: IstioFaultDetail = { routeIndex, previousFault: null, fault };
      const refuseWrite = (why: Said | null) => {
        if (why) throw new RouterError(`the drill was refused and nothing was written: ${why.en}`);
      };
      refuseWrite(refusal(spec.service, null));
      try {
        await rewrite(service, target, (http, current) => {
          refuseWrite(refusal(spec.service, current));
          const route = http[routeIndex];
          if (!route) {
            throw new RouterError(
              `${target} has no spec.http[${routeIndex}] (it has ${http.length} HTTP routes); the drill injects on ` +
                `the route the service's istio router names (router.route)`,
            );
          }
          if (route.fault !== undefined) {
            // Exactly our fault: left over from a run of this scenario whose cleanup did not
            // finish; take it over (remove will delete it) rather than refuse the drill.
            if (isDeepStrictEqual(route.fault, fault)) throw new NoWrite(null);
            throw new RouterError(
              `${target} ${field} already holds a fault the drill did not set: ${JSON.stringify(route.fault)}; the ` +
                `drill will not replace it. Remove it (kubectl edit virtualservice ${config.virtualService} -n ` +
                `${service.namespace}) or wait for whoever set it, then run the drill again`,
            );
          }
          route.fault = fault;
        });
      } catch (err) {
        if (!(err instanceof NoWrite)) throw err;
      }
      return { injector: 'istio-fault', spec, detail: { ...detail } };
    },

    async remove(applied): Promise<RemoveResult> {
      const { spec } = applied;
      const { service, routeIndex, target } = where(spec);
      const detail = detailOf(applied) ?? { routeIndex, previousFault: null, fault: istioFaultOf(spec) };
      const field = `spec.http[${detail.routeIndex}].fault`;
      try {
        await rewrite(service, target, (http) => {
          const route = http[detail.routeIndex];
          if (!route)
            throw new NoWrite<RemoveResult>({
              removed: false,
              note: { kind: 'route_missing', target, routeIndex: detail.routeIndex },
            });
          if (route.fault === undefined)
            throw new NoWrite<RemoveResult>({ removed: false, note: { kind: 'fault_gone', target, field } });
          if (!isDeepStrictEqual(route.fault, detail.fault)) {
            throw new NoWrite<RemoveResult>({
              removed: false,
              note: {
                kind: 'fault_changed',
                target,
                field,
                found: JSON.stringify(route.fault),
                ours: JSON.stringify(detail.fault),
              },
            });
          }
          if (detail.previousFault === null) delete route.fault;
          else route.fault = detail.previousFault;
        });
      } catch (err) {
        if (err instanceof NoWrite) return err.result as RemoveResult;
        throw err;
      }
      return {
        removed: true,
        note: { kind: detail.previousFault === null ? 'fault_removed' : 'fault_restored', target, field },
      };
    },
  };
}
