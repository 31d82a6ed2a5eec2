/**
 * What Rewind may do in a service's namespace, asked of the API server itself with one
 * SelfSubjectAccessReview per verb and resource: the access its router declares (`traits.access`
 * in the router's module), what the readiness checks read (src/adapters/kube/checks.ts), for
 * the drill service what the drill injector writes, and in its GitOps owner's namespace what pausing
 * that owner's sync needs (gitops.ts). The answer is the cluster's own RBAC (or
 * whatever authorizer it runs), so a Role that differs from deploy/rbac/ is caught before a
 * rollback needs it.
 */
import type { Config, ServiceConfig } from '../config/schema.ts';
import type { KubeApis } from '../adapters/kube/clients.ts';
import { ISTIO_FAULT_ACCESS } from '../adapters/drills/istio-fault.ts';
import { routerModule } from '../adapters/kube/routers/registry.ts';
import { failed, passed, type DoctorCheck } from './checks.ts';
import { kubeReason } from './kube-reasons.ts';

/** One verb on one resource in one namespace, and who needs it. */
export interface AccessNeed {
  namespace: string;
  /** '' for the core group. */
  group: string;
  resource: string;
  subresource: string;
  verb: string;
  /** One object's name, when the access is limited to it (a Role rule's resourceNames). */
  name?: string;
  neededBy: string[];
  /** Where the Role that grants it is kept, as the fix says it; the router Roles when absent. */
  role?: string;
}

/** Where the readiness checks count a version's ready endpoints: a Service's EndpointSlices, or pods alone. */
export type EndpointsWhere = { namespace: string; slices: boolean };

/**
 * Every access the service needs. `endpoints` is where the post-switch check reads (the router
 * decides: a Service's EndpointSlices, or just the pods when it routes by replicas).
 */
export function accessNeeds(
  name: string,
  service: ServiceConfig,
  config: Config,
  endpoints: EndpointsWhere,
): AccessNeed[] {
  const needs = new Map<string, AccessNeed>();
  const add = (namespace: string, group: string, resource: string, verb: string, by: string) => {
    const [plural = resource, subresource = ''] = resource.split('/');
    const key = JSON.stringify([namespace, group, plural, subresource, verb]);
    const known = needs.get(key);
    if (known) {
      if (!known.neededBy.includes(by)) known.neededBy.push(by);
    } else {
      needs.set(key, { namespace, group, resource: plural, subresource, verb, neededBy: [by] });
    }
  };
  const ns = service.namespace;
  const router = routerModule(service.router.kind);
  for (const a of router?.traits.access ?? [])
    for (const verb of a.verbs) add(ns, a.group, a.resource, verb, `the ${service.router.kind} router`);
  const checks = 'the readiness checks';
  add(ns, 'apps', 'deployments', 'get', checks);
  // A version without `deployment` in config is found by its label.
  if (service.versions.some((v) => !v.deployment)) add(ns, 'apps', 'deployments', 'list', checks);
  add(endpoints.namespace, '', 'pods', 'list', checks);
  if (endpoints.slices) add(endpoints.namespace, 'discovery.k8s.io', 'endpointslices', 'list', checks);
  if (config.drills.service === name && config.drills.injector.kind === 'istio-fault') {
    for (const a of ISTIO_FAULT_ACCESS)
      for (const verb of a.verbs) add(ns, a.group, a.resource, verb, 'the istio-fault drill injector');
  }
  return [...needs.values()];
}

const resourceName = (n: AccessNeed) => `${n.resource}${n.subresource ? `/${n.subresource}` : ''}`;
/** The resource as a person reads it: `leases rewind-leader` when the access is limited to one object. */
const named = (n: AccessNeed) => `${resourceName(n)}${n.name ? ` ${n.name}` : ''}`;
const groupName = (n: AccessNeed) => (n.group === '' ? 'core' : n.group);

/** The Role rule that grants `need`, on one line of YAML. */
export function roleRule(need: AccessNeed): string {
  const names = need.name ? `, resourceNames: ["${need.name}"]` : '';
  return `{apiGroups: ["${need.group}"], resources: ["${resourceName(need)}"]${names}, verbs: ["${need.verb}"]}`;
}

/**
 * The request of one SelfSubjectAccessReview, for the custom-objects client, which posts to any
 * /apis/<group>/<version>/<plural>, so the clients need no API of their own for it.
 */
export function accessReview(attributes: Record<string, string>) {
  return {
    group: 'authorization.k8s.io',
    version: 'v1',
    plural: 'selfsubjectaccessreviews',
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: attributes },
    },
  };
}

/** Asks one review. */
async function allowed(apis: KubeApis, need: AccessNeed): Promise<{ allowed: boolean; reason: string }> {
  const review = (await apis.custom.createClusterCustomObject(
    accessReview({
      namespace: need.namespace,
      group: need.group,
      resource: need.resource,
      ...(need.subresource ? { subresource: need.subresource } : {}),
      ...(need.name ? { name: need.name } : {}),
      verb: need.verb,
    }),
  )) as { status?: { allowed?: unknown; reason?: unknown } };
  const reason = typeof review.status?.reason === 'string' ? review.status.reason : '';
  return { allowed: review.status?.allowed === true, reason };
}

export async function accessChecks(
  section: string,
  apis: KubeApis,
  needs: AccessNeed[],
  call: <T>(work: () => Promise<T>) => Promise<T>,
): Promise<DoctorCheck[]> {
  type Answered = { need: AccessNeed; allowed: boolean; reason: string } | { need: AccessNeed; error: string };
  const answers = await Promise.all(
    needs.map(async (need): Promise<Answered> => {
      try {
        return { need, ...(await call(() => allowed(apis, need))) };
      } catch (err) {
        return { need, error: kubeReason(err) };
      }
    }),
  );
  const out: DoctorCheck[] = [];
  const errors = new Map<string, number>();
  for (const a of answers) {
    if ('error' in a) {
      errors.set(a.error, (errors.get(a.error) ?? 0) + 1);
    } else if (!a.allowed) {
      const n = a.need;
      out.push(
        failed(
          section,
          `access ${n.verb} ${named(n)}`,
          `denied: ${n.verb} ${named(n)} (group ${groupName(n)}) in namespace ${n.namespace}, which ` +
            `${n.neededBy.join(' and ')} need${n.neededBy.length === 1 ? 's' : ''}` +
            `${a.reason ? `; the API server says: ${a.reason}` : ''}`,
          `add this rule to the Role bound to Rewind in namespace ${n.namespace} ` +
            `(${n.role ?? 'deploy/rbac/: a Role per router kind, picked per namespace'}): ${roleRule(n)}`,
        ),
      );
    }
  }
  for (const [reason, count] of errors) {
    out.push(
      failed(
        section,
        'access reviews',
        `${count} of ${needs.length} SelfSubjectAccessReviews could not be asked: ${reason}`,
        'run rewind doctor again; every authenticated user may create SelfSubjectAccessReviews unless the ' +
          'cluster removed that (ClusterRole system:basic-user)',
      ),
    );
  }
  if (out.length === 0) {
    const byResource = new Map<string, string[]>();
    for (const n of needs) {
      const key = `${named(n)} (${groupName(n)}) in ${n.namespace}`;
      byResource.set(key, [...(byResource.get(key) ?? []), n.verb]);
    }
    const granted = [...byResource].map(([what, verbs]) => `${verbs.join(', ')} ${what}`).join('; ');
    out.push(passed(section, 'access', `all ${needs.length} permissions granted: ${granted}`));
  }
  return out;
}
