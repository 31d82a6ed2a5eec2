/**
 * The router kinds by name. Adding a router is one new file in this folder exporting a
 * RouterModule, plus one line in ROUTER_MODULES.
 */
import type { RouterKind } from '../../../config/schema.ts';
import type { Router } from '../../../services/ports.ts';
import { RouterError } from '../errors.ts';
import { gatewayApiRouter } from './gateway-api.ts';
import { istioRouter } from './istio.ts';
import { nginxRouter } from './nginx.ts';
import { replicasRouter } from './replicas.ts';
import { serviceSelectorRouter } from './service-selector.ts';
import type { RouterConfigOf, RouterDeps, RouterModule } from './types.ts';

export type { RouterDeps, RouterModule, ServiceRef } from './types.ts';

const ROUTER_MODULES: { [K in RouterKind]: RouterModule<K> } = {
  'service-selector': serviceSelectorRouter,
  'gateway-api': gatewayApiRouter,
  istio: istioRouter,
  nginx: nginxRouter,
  replicas: replicasRouter,
};

/** The module of `kind`, typed over any kind (its config is checked by `routerConfig`). */
export function routerModule(kind: RouterKind): RouterModule<RouterKind> {
  const module = ROUTER_MODULES[kind] as RouterModule<RouterKind> | undefined;
  if (!module) throw new RouterError(`unknown router kind "${kind}"; known: ${Object.keys(ROUTER_MODULES).join(', ')}`);
  return module;
}

/** The service's router config, checked to be of `kind`. */
export function routerConfig<K extends RouterKind>(kind: K, deps: RouterDeps): RouterConfigOf<K> {
  const config = deps.service.router;
  if (config.kind !== kind) throw new RouterError(`service ${deps.serviceName} is configured with router kind ${config.kind}, not ${kind}`);
  return config as RouterConfigOf<K>;
}

export function createRouter(kind: RouterKind, deps: RouterDeps): Router {
  return routerModule(kind).create(deps, routerConfig(kind, deps) as never);
}
