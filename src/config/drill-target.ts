/**
 * Whose object a drill's fault lands on. A drill injects a real fault, so the injector may only
 * aim at the drill service's own routing: for istio-fault the VirtualService its istio router
 * names (in its namespace, on its route), for http an endpoint that is not another service's.
 * Config validation applies these rules with the YAML path; the injectors apply them again before
 * every injection, with `sameCluster` answered from the kubeconfig and the live object's labels.
 *
 * A name alone cannot prove an object is ours, but a name another configured service uses for its
 * routing, in the same namespace and cluster, proves it may be theirs, and that is enough to say no.
 */
import type { InjectorConfig, ServiceConfig } from './schema.ts';

type Services = Readonly<Record<string, ServiceConfig>>;

/** Whether two services' kubeconfig contexts reach the same cluster (undefined: the current context). */
export type SameCluster = (a: string | undefined, b: string | undefined) => boolean;

/**
 * Without a kubeconfig at hand, only the same context is surely the same cluster; contexts that
 * share an API server are caught again at run time, where the kubeconfig is read.
 */
export const sameContext: SameCluster = (a, b) => a === b;

export interface Claim {
  service: string;
  /** How the service uses the name, e.g. "its istio router's VirtualService". */
  via: string;
}

/** Every way the service uses `name` for its routing (its own name counts: objects are named after their app). */
function usesOf(name: string, key: string, s: ServiceConfig): string[] {
  const uses: string[] = [];
  const r = s.router;
  if (r?.kind === 'istio' && r.virtualService === name) uses.push("its istio router's VirtualService");
  if (r?.kind === 'service-selector' && r.service === name) uses.push("its service-selector router's Service");
  if (r?.kind === 'gateway-api' && r.httpRoute === name) uses.push("its gateway-api router's HTTPRoute");
  if (r?.kind === 'nginx' && (r.ingress === name || r.canaryIngress === name)) uses.push("its nginx router's Ingress");
  for (const v of s.versions ?? []) if (v?.backend === name) uses.push(`the backend Service of its version ${v.version}`);
  if (key === name) uses.push('its name');
  return uses;
}

/** The services other than `except` whose routing uses `name`, in `namespace` (undefined: any). */
export function claimsOn(services: Services, name: string, options: { namespace?: string; except?: string } = {}): Claim[] {
  const claims: Claim[] = [];
  for (const [key, s] of Object.entries(services)) {
    if (key === options.except || !s) continue;
    if (options.namespace !== undefined && (s.namespace ?? 'default') !== options.namespace) continue;
    const uses = usesOf(name, key, s);
    if (uses.length > 0) claims.push({ service: key, via: uses.join(' and ') });
  }
  return claims;
}

/** "service X (its name), which is drill: denied and not allowed for drills" */
export function describeOwner(services: Services, claim: Claim, drillService: string): string {
  const drill = services[claim.service]?.drill ?? 'denied';
  const verdict = drill === 'allowed' ? `, not the drill service ${drillService}` : ', which is drill: denied and not allowed for drills';
  return `service ${claim.service} (${claim.via})${verdict}`;
}

/**
 * Why the istio-fault injector must not write into VirtualService `virtualService` for a drill on
 * `drillService`, or null when it is that service's own (its istio router names it, and no other
 * service in the same namespace and cluster uses the name).
 */
export function istioFaultTargetProblem(services: Services, drillService: string, virtualService: string, sameCluster: SameCluster = sameContext): string | null {
  const d = services[drillService];
  if (!d) return `the drill service ${drillService} is not configured`;
  const namespace = d.namespace ?? 'default';
  const where = `VirtualService ${namespace}/${virtualService}`;
  const own = d.router?.kind === 'istio' ? d.router.virtualService : null;
  const claims = claimsOn(services, virtualService, { namespace, except: drillService });
  if (own === virtualService) {
    // Ours by config; still theirs too if another service in the same cluster uses the name.
    const shared = claims.find((c) => sameCluster(services[c.service]?.context, d.context));
    return shared ? `${where} is the routing object of ${drillService} but also belongs to ${describeOwner(services, shared, drillService)}; a drill must not fault a route another service uses` : null;
  }
  const hint =
    own === null
      ? `the istio-fault injector writes only into the drill service's own VirtualService, and ${drillService} routes with router kind ${d.router?.kind ?? '?'}, so it has none: route it through istio (router.kind: istio) or use injector kind http or simulated`
      : `the istio-fault injector writes only into the drill service's own VirtualService: set drills.injector.virtualService to ${own}`;
  const first = claims[0];
  if (first) return `${where} belongs to ${describeOwner(services, first, drillService)}; ${hint}`;
  if (own === null) return `${where} is not the routing object of the drill service ${drillService}; ${hint}`;
  return `${where} is not the routing object of the drill service ${drillService}, whose router names VirtualService ${own}; ${hint}`;
}

/** The Kubernetes Service an in-cluster URL reaches (`svc`, `svc.ns`, `svc.ns.svc…`); null for any other host. */
export function serviceOfUrl(url: string): { name: string; namespace: string | undefined } | null {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
  if (host === 'localhost' || /^[\d.]+$/.test(host) || host.includes(':')) return null;
  const labels = host.split('.');
  const [name, namespace] = labels;
  if (!name) return null;
  if (labels.length === 1) return { name, namespace: undefined };
  if (labels.length === 2 || labels[2] === 'svc') return { name, namespace };
  return null;
}

/**
 * Why the http injector must not send a drill's fault to `url`, or null. Only a URL that reaches
 * a Kubernetes Service another configured service uses can be judged; a dedicated fault endpoint
 * that names no service is the operator's to vouch for. Contexts do not matter: the URL is
 * resolved from wherever Rewind runs.
 */
export function httpFaultTargetProblem(services: Services, drillService: string, url: string): string | null {
  const target = serviceOfUrl(url);
  if (!target) return null;
  const claims = claimsOn(services, target.name, { except: drillService, ...(target.namespace !== undefined ? { namespace: target.namespace } : {}) });
  const first = claims[0];
  if (!first) return null;
  const where = target.namespace === undefined ? `Service "${target.name}"` : `Service ${target.namespace}/${target.name}`;
  return `${url} reaches ${where}, which belongs to ${describeOwner(services, first, drillService)}; the http injector must reach the drill service ${drillService}'s own fault endpoint`;
}

/** The problem of the configured injector for a drill on `drillService`, with the key it concerns. */
export function drillTargetProblem(services: Services, drillService: string, injector: InjectorConfig): { key: 'virtualService' | 'url'; message: string } | null {
  if (injector.kind === 'istio-fault') {
    const message = istioFaultTargetProblem(services, drillService, injector.virtualService);
    return message === null ? null : { key: 'virtualService', message };
  }
  if (injector.kind === 'http') {
    const message = httpFaultTargetProblem(services, drillService, injector.url);
    return message === null ? null : { key: 'url', message };
  }
  return null;
}

/**
 * The config's problem with its injector's target, at `drills.injector.<key>`: the drill service
 * is `drills.service`, or else the first service marked `drill: allowed`, as at run time.
 */
export function drillTargetIssue(c: { services: Services; drills: { service?: string | undefined; injector: InjectorConfig } }): { path: string[]; message: string } | null {
  const drillService = c.drills.service ?? Object.keys(c.services).find((n) => c.services[n]?.drill === 'allowed');
  if (drillService === undefined || !c.services[drillService]) return null;
  const problem = drillTargetProblem(c.services, drillService, c.drills.injector);
  return problem && { path: ['drills', 'injector', problem.key], message: problem.message };
}

/** Judged only on sound routing and injector settings: a broken one is reported as itself, not again as a target. */
export function soundForDrillTarget(issues: readonly { path?: readonly PropertyKey[] }[]): boolean {
  return !issues.some((i) => {
    const [a, b, k] = i.path ?? [];
    if (a === undefined) return true;
    if (a === 'drills') return b === undefined || b === 'service' || b === 'injector';
    return a === 'services' && (b === undefined || k === undefined || ['router', 'namespace', 'context', 'drill', 'versions'].includes(String(k)));
  });
}
