/**
 * Every router kind, listed once. Adding a router is one new file in this folder exporting a
 * RouterModule (types.ts), plus one line in ROUTER_MODULES: the config schema's `router:` union,
 * the traits the domain decides by, the drill-target check and the Router itself all follow.
 *
 * config imports this file to build its schema, so it and the modules stay free of I/O at load
 * time (the modules reach the cluster only through the clients handed to `create`).
 */
import type { z } from 'zod';
import type { RouterFacts } from '../../../domain/routing.ts';
import { gatewayApiRouter } from './gateway-api.ts';
import { istioRouter } from './istio.ts';
import { nginxRouter } from './nginx.ts';
import { replicasRouter } from './replicas.ts';
import { serviceSelectorRouter } from './service-selector.ts';
import type { RouterModule, RouterSchema, RoutingObject } from './types.ts';

export const ROUTER_MODULES = [
  serviceSelectorRouter,
  gatewayApiRouter,
  istioRouter,
  nginxRouter,
  replicasRouter,
] as const;

type Modules = typeof ROUTER_MODULES;
type SchemasOf<T extends readonly { schema: RouterSchema }[]> = { -readonly [I in keyof T]: T[I]['schema'] };

/** Each kind's `router:` settings, in registry order: the options of the config's discriminated union. */
export const ROUTER_SCHEMAS = ROUTER_MODULES.map((m) => m.schema) as SchemasOf<Modules>;

/** The `router:` settings of any kind, as parsed. */
export type RouterConfig = z.output<Modules[number]['schema']>;
export type RouterKind = RouterConfig['kind'];

export const ROUTER_KINDS: readonly RouterKind[] = ROUTER_MODULES.map((m) => m.kind);

/** The module of `kind`, typed over any kind (its config is checked by `routerConfig` before use). */
export function routerModule(kind: string): RouterModule | undefined {
  return ROUTER_MODULES.find((m) => m.kind === kind) as RouterModule | undefined;
}

/** The router as the domain sees it: the kind's name for texts, the module's traits to decide by. */
export function routerFacts(config: { kind: string }): RouterFacts {
  const module = routerModule(config.kind);
  return { name: config.kind, movesAtOnce: module?.traits.movesAtOnce ?? false };
}

/** The router kinds that route through objects of `objectKind` (a drill's fault lands on such an object). */
export function routerKindsThrough(objectKind: string): RouterKind[] {
  return ROUTER_MODULES.filter((m) => m.traits.routesThrough.includes(objectKind)).map((m) => m.kind);
}

/** The objects the configured router routes through; none for a kind not registered. */
export function routingObjects(config: { kind: string }): RoutingObject[] {
  const module = routerModule(config.kind);
  return module ? module.objects(config as never) : [];
}
