/**
 * What every router module gets and gives. A module is one file in this folder exporting a
 * RouterModule: how to build the Router, and where the version's endpoints show (the Service
 * whose EndpointSlices list its pods), which the cluster checks need and only the router knows.
 */
import type { RouterConfig, RouterKind, ServiceConfig, VersionConfig } from '../../../config/schema.ts';
import type { Router } from '../../../services/ports.ts';
import type { KubeApis } from '../clients.ts';
import { RouterError } from '../errors.ts';

export interface RouterDeps {
  apis: KubeApis;
  /** The service's name in config (`services.<name>`), for messages. */
  serviceName: string;
  service: ServiceConfig;
}

export type RouterConfigOf<K extends RouterKind> = Extract<RouterConfig, { kind: K }>;

export interface ServiceRef {
  namespace: string;
  name: string;
}

export interface RouterModule<K extends RouterKind> {
  readonly kind: K;
  create(deps: RouterDeps, config: RouterConfigOf<K>): Router;
  /** The Service whose EndpointSlices list the version's pods; null: none, count its ready pods. */
  endpointsService(deps: RouterDeps, config: RouterConfigOf<K>, version: VersionConfig): Promise<ServiceRef | null>;
}

/** `Kind namespace/name`, the form KubeChange.target and KubeError.target use. */
export const targetOf = (kind: string, namespace: string, name: string) => `${kind} ${namespace}/${name}`;

export function versionConfig(deps: RouterDeps, version: string): VersionConfig {
  const v = deps.service.versions.find((x) => x.version === version);
  if (!v) {
    throw new RouterError(
      `service ${deps.serviceName} has no version "${version}" in its config; configured: ${deps.service.versions.map((x) => x.version).join(', ')}`,
    );
  }
  return v;
}
