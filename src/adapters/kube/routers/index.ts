/**
 * Builds the router of a configured service from the module of its kind (registry.ts lists them).
 */
import type { Router } from '../../../services/ports.ts';
import { RouterError } from '../errors.ts';
import { ROUTER_MODULES, routerModule, type RouterConfig } from './registry.ts';
import type { RoutedVersion, RouterDeps, ServiceRef } from './types.ts';

export type { RouterDeps, RouterModule, ServiceRef } from './types.ts';

/** A service's Router, and where its versions' endpoints show (for the cluster checks). */
export interface BuiltRouter {
  router: Router;
  endpointsService(version: RoutedVersion): Promise<ServiceRef | null>;
}

export function buildRouter(config: RouterConfig, deps: RouterDeps): BuiltRouter {
  const module = routerModule(config.kind);
  if (!module) {
    throw new RouterError(
      `unknown router kind "${config.kind}"; known: ${ROUTER_MODULES.map((m) => m.kind).join(', ')}`,
    );
  }
  // The config parsed against this module's own schema (the union is keyed by kind), so its shape is the module's.
  const own = config as never;
  return {
    router: module.create(deps, own),
    endpointsService: (version) => module.endpointsService(deps, own, version),
  };
}
