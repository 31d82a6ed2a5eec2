/**
 * What every router module gets and gives. A module is one file in this folder exporting a
 * RouterModule, listed once in registry.ts: the `router:` keys its kind takes (the config schema's
 * union is built from them), its traits (what the runbook can do on it, which API resources it
 * needs), the objects it routes through, how to build the Router, and where a version's endpoints
 * show (the Service whose EndpointSlices list its pods), which the cluster checks need and only
 * the router knows.
 *
 * config loads these modules to build its schema, so a module imports nothing with I/O at load
 * time: the cluster is reached only through `deps.apis` when a Router is built.
 */
import { z } from 'zod';
import { strict } from '../../../config/zod-kit.ts';
import type { RouterTraits } from '../../../domain/routing.ts';
import type { Router } from '../../../services/ports.ts';
import type { KubeApis } from '../clients.ts';
import { RouterError } from '../errors.ts';

/**
 * The field manager every write of Rewind's names (`?fieldManager=`), so `metadata.managedFields`
 * shows which fields Rewind set last — what a GitOps controller told to leave Rewind's fields alone
 * (Argo CD's `managedFieldsManagers`) and a person reading the object both go by.
 */
export const FIELD_MANAGER = 'rewind';

/** A configured version, as far as routers read it (the config's VersionConfig has these and more). */
export interface RoutedVersion {
  version: string;
  deployment?: string | undefined;
  backend?: string | undefined;
  subset?: string | undefined;
}

/** A configured service, as far as routers read it (the config's ServiceConfig has these and more). */
export interface RoutedService {
  context?: string | undefined;
  namespace: string;
  versionLabel: string;
  versions: readonly RoutedVersion[];
}

export interface RouterDeps {
  apis: KubeApis;
  /** The service's name in config (`services.<name>`), for messages. */
  serviceName: string;
  service: RoutedService;
}

export interface ServiceRef {
  namespace: string;
  name: string;
}

/** Access to one API resource, as a Role rule grants it (deploy/rbac/roles/<kind>/role.yaml). */
export interface ApiAccess {
  /** The API group; '' for core. */
  group: string;
  resource: string;
  verbs: readonly ('get' | 'list' | 'watch' | 'patch' | 'update' | 'create')[];
  /** Only these objects (a Role rule's `resourceNames`); left out, every object of the resource. */
  resourceNames?: readonly string[];
}

export interface KubeRouterTraits extends RouterTraits {
  /** The kinds of the objects it routes through (RouterModule.objects names them). */
  routesThrough: readonly string[];
  /** Every API resource the router reads or writes, and lists and watches (drift detection's informers). */
  access: readonly ApiAccess[];
}

/** An object in the service's namespace the router routes through, named in its config. */
export interface RoutingObject {
  /** The Kubernetes kind, e.g. VirtualService. */
  kind: string;
  name: string;
  /** The route (VirtualService `spec.http`) or rule (HTTPRoute `spec.rules`) it moves traffic on, if it picks one. */
  route?: number;
}

/** The per-version key a router finds each version by, required on every version when it has one. */
export interface VersionKey {
  key: 'backend' | 'subset' | 'deployment';
  /** What the key names, for the validation message. */
  what: string;
}

/** The settings of one router kind: a strict object whose `kind` is the kind's literal name. */
export type RouterSchema = z.ZodObject<{ kind: z.ZodLiteral<string> } & z.core.$ZodLooseShape>;

export interface RouterModule<S extends RouterSchema = RouterSchema> {
  readonly kind: z.output<S>['kind'];
  /** The keys of `router:` for this kind, with their defaults and messages. */
  readonly schema: S;
  readonly traits: KubeRouterTraits;
  readonly versionKey: VersionKey | null;
  /** The objects the router routes through (what a drill must not fault for another service). */
  objects(config: z.output<S>): RoutingObject[];
  create(deps: RouterDeps, config: z.output<S>): Router;
  /** The Service whose EndpointSlices list the version's pods; null: none, count its ready pods. */
  endpointsService(deps: RouterDeps, config: z.output<S>, version: RoutedVersion): Promise<ServiceRef | null>;
}

/**
 * The `router:` settings of one kind: `kind` plus its own keys, every unknown key refused with the
 * kind named ("unknown key "x" for router kind istio").
 */
export function routerSchema<K extends string, T extends z.core.$ZodLooseShape>(kind: K, shape: T) {
  return strict({ kind: z.literal(kind), ...shape }, 'key', ` for router kind ${kind}`);
}

/** A router module with its config type taken from its schema. */
export function defineRouter<S extends RouterSchema>(module: RouterModule<S>): RouterModule<S> {
  return module;
}

/** `Kind namespace/name`, the form KubeChange.target and KubeError.target use. */
export const targetOf = (kind: string, namespace: string, name: string) => `${kind} ${namespace}/${name}`;

export function versionConfig(deps: RouterDeps, version: string): RoutedVersion {
  const v = deps.service.versions.find((x) => x.version === version);
  if (!v) {
    throw new RouterError(
      `service ${deps.serviceName} has no version "${version}" in its config; configured: ` +
        `${deps.service.versions.map((x) => x.version).join(', ')}`,
    );
  }
  return v;
}
