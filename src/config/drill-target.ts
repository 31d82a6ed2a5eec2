/**
 * Whose object a drill's fault lands on. A drill injects a real fault, so the injector may only
 * aim at the drill service's own routing: for istio-fault the VirtualService its istio router
 * names (in its namespace, on its route), for http an endpoint that is not another service's.
 * Config validation applies these rules with the YAML path; the injectors apply them again before
 * every injection, with `sameCluster` answered from the kubeconfig and the live object's labels.
 *
 * A name alone cannot prove an object is ours, but a name another configured service uses for its
 * routing, in the same namespace and cluster, proves it may be theirs, and that is enough to say no.
 * The same rules judge the hosts and destinations inside a live VirtualService
 * (src/adapters/drills/istio-target.ts), where a name must moreover be shown to be the drill
 * service's own.
 */
import { routerKindsThrough, routingObjects } from '../adapters/kube/routers/registry.ts';
import type { InjectorConfig, ServiceConfig } from './schema.ts';

type Services = Readonly<Record<string, ServiceConfig>>;

/** Whether two services' kubeconfig contexts reach the same cluster (undefined: the current context). */
export type SameCluster = (a: string | undefined, b: string | undefined) => boolean;

/**
 * Without a kubeconfig at hand, only the same context is surely the same cluster; contexts that
 * share an API server are caught again at run time, where the kubeconfig is read.
 */
export const sameContext: SameCluster = (a, b) => a === b;

/** A sentence in both languages Rewind speaks (config `locale`): a refusal is read by people in either. */
export interface Said {
  en: string;
  ja: string;
}

export interface Claim {
  service: string;
  /** How the service uses the name, e.g. "its istio router's VirtualService". */
  via: string;
  viaJa: string;
}

/** The objects the service's router routes through (none while its router is missing or of no known kind). */
function routerObjects(s: ServiceConfig) {
  return s.router ? routingObjects(s.router) : [];
}

/** Every way the service uses `name` for its routing (its own name counts: objects are named after their app). */
function usesOf(name: string, key: string, s: ServiceConfig): Said[] {
  const uses: Said[] = [];
  const r = s.router;
  // One line per kind of object: the main and canary Ingress of one router are one use.
  const kinds = new Set(
    routerObjects(s)
      .filter((o) => o.name === name)
      .map((o) => o.kind),
  );
  for (const kind of kinds) uses.push({ en: `its ${r.kind} router's ${kind}`, ja: `${r.kind} ルーターの ${kind}` });
  for (const v of s.versions ?? [])
    if (v?.backend === name)
      uses.push({
        en: `the backend Service of its version ${v.version}`,
        ja: `バージョン ${v.version} のバックエンド Service`,
      });
  if (key === name) uses.push({ en: 'its name', ja: 'サービス名' });
  return uses;
}

const joinUses = (uses: Said[]): Pick<Claim, 'via' | 'viaJa'> => ({
  via: uses.map((u) => u.en).join(' and '),
  viaJa: uses.map((u) => u.ja).join('・'),
});

/** The names a service's routing uses: its own, its router's objects, its versions' backend Services. */
export function namesOf(key: string, s: ServiceConfig): string[] {
  const names = [key, ...routerObjects(s).map((o) => o.name)];
  for (const v of s.versions ?? []) if (v?.backend) names.push(v.backend);
  return [...new Set(names)];
}

/** The services other than `except` whose routing uses `name`, in `namespace` (undefined: any). */
export function claimsOn(
  services: Services,
  name: string,
  options: { namespace?: string; except?: string } = {},
): Claim[] {
  const claims: Claim[] = [];
  for (const [key, s] of Object.entries(services)) {
    if (key === options.except || !s) continue;
    if (options.namespace !== undefined && (s.namespace ?? 'default') !== options.namespace) continue;
    const uses = usesOf(name, key, s);
    if (uses.length > 0) claims.push({ service: key, ...joinUses(uses) });
  }
  return claims;
}

/** Whose a name is, seen from the drill service. */
export type NameOwner = { kind: 'own' } | { kind: 'other'; claim: Claim } | { kind: 'none' };

/**
 * Whose a Kubernetes name (a Service a host resolves to, a gateway, a label's app) is, seen from
 * `drillService`. A name another service uses for its routing is theirs even if the drill service
 * uses it too: sharing it is what must not happen. Then a name the drill service uses is its own.
 * Otherwise a name is the service's it is named after — `prompt-service-mesh` is prompt-service's,
 * `prompt-service-staging-mesh` prompt-service-staging's: the longest name (a service's own, its
 * router's objects, its backends) it continues with "-" decides, and a tie goes to the other
 * service. Only services in `namespace` (when given) for which `inScope` holds (same cluster) count.
 */
export function ownerOfName(
  services: Services,
  drillService: string,
  name: string,
  o: { namespace?: string; inScope?: (service: string) => boolean } = {},
): NameOwner {
  const scoped = Object.fromEntries(
    Object.entries(services).filter(
      ([k, s]) =>
        s && (o.namespace === undefined || (s.namespace ?? 'default') === o.namespace) && (o.inScope?.(k) ?? true),
    ),
  ) as Services;
  const theirs = claimsOn(scoped, name, { except: drillService })[0];
  if (theirs) return { kind: 'other', claim: theirs };
  const drill = scoped[drillService];
  if (drill && usesOf(name, drillService, drill).length > 0) return { kind: 'own' };
  let best: { service: string; base: string } | null = null;
  for (const [key, s] of Object.entries(scoped)) {
    for (const base of namesOf(key, s)) {
      if (!name.startsWith(`${base}-`)) continue;
      const longer = !best || base.length > best.base.length;
      const tieToOther =
        best !== null && base.length === best.base.length && best.service === drillService && key !== drillService;
      if (longer || tieToOther) best = { service: key, base };
    }
  }
  if (!best) return { kind: 'none' };
  if (best.service === drillService) return { kind: 'own' };
  if (best.base === best.service)
    return {
      kind: 'other',
      claim: { service: best.service, via: 'named after it', viaJa: `名前が ${best.base}- で始まる` },
    };
  const via = joinUses(usesOf(best.base, best.service, scoped[best.service] as ServiceConfig));
  return {
    kind: 'other',
    claim: {
      service: best.service,
      via: `named after ${best.base}, ${via.via}`,
      viaJa: `名前が ${best.base}-（${via.viaJa}）で始まる`,
    },
  };
}

/** "service X (its name), which is drill: denied and not allowed for drills" */
export function describeOwner(services: Services, claim: Claim, drillService: string): string {
  const drill = services[claim.service]?.drill ?? 'denied';
  const verdict =
    drill === 'allowed'
      ? `, not the drill service ${drillService}`
      : ', which is drill: denied and not allowed for drills';
  return `service ${claim.service} (${claim.via})${verdict}`;
}

/** describeOwner in Japanese, a noun phrase: 「サービス X（サービス名、drill: denied のため訓練不可）」 */
export function describeOwnerJa(services: Services, claim: Claim, drillService: string): string {
  const drill = services[claim.service]?.drill ?? 'denied';
  const verdict = drill === 'allowed' ? `訓練対象の ${drillService} ではない` : 'drill: denied のため訓練不可';
  return `サービス ${claim.service}（${claim.viaJa}、${verdict}）`;
}

/**
 * Why the istio-fault injector must not write into VirtualService `virtualService` for a drill on
 * `drillService`, or null when it is that service's own (its istio router names it, and no other
 * service in the same namespace and cluster uses the name).
 */
export function istioFaultTargetProblem(
  services: Services,
  drillService: string,
  virtualService: string,
  sameCluster: SameCluster = sameContext,
): string | null {
  return istioFaultTargetSaid(services, drillService, virtualService, sameCluster)?.en ?? null;
}

/** istioFaultTargetProblem in both languages, for the refusal a person reads. */
export function istioFaultTargetSaid(
  services: Services,
  drillService: string,
  virtualService: string,
  sameCluster: SameCluster = sameContext,
): Said | null {
  const d = services[drillService];
  if (!d)
    return {
      en: `the drill service ${drillService} is not configured`,
      ja: `訓練対象のサービス ${drillService} は設定にありません`,
    };
  const namespace = d.namespace ?? 'default';
  const where = `VirtualService ${namespace}/${virtualService}`;
  const own = routerObjects(d).find((o) => o.kind === 'VirtualService')?.name ?? null;
  const through = routerKindsThrough('VirtualService');
  const claims = claimsOn(services, virtualService, { namespace, except: drillService });
  if (own === virtualService) {
    // Ours by config; still theirs too if another service in the same cluster uses the name.
    const shared = claims.find((c) => sameCluster(services[c.service]?.context, d.context));
    if (!shared) return null;
    return {
      en:
        `${where} is the routing object of ${drillService} but also belongs to ` +
        `${describeOwner(services, shared, drillService)}; a drill must not fault a route another service uses`,
      ja:
        `${where} は ${drillService} のルーティング対象ですが、${describeOwnerJa(services, shared, drillService)}のものでもあります。` +
        `ほかのサービスが使うルートに訓練で障害を入れることはできません`,
    };
  }
  const hint: Said =
    own === null
      ? {
          en:
            `the istio-fault injector writes only into the drill service's own VirtualService, and ${drillService} ` +
            `routes with router kind ${d.router?.kind ?? '?'}, so it has none: route it through ` +
            `${through.join(' or ')} (router.kind: ${through.join(' | ')}) or use injector kind http or simulated`,
          ja:
            `istio-fault インジェクターは訓練対象サービス自身の VirtualService にだけ書き込みますが、${drillService} はルーター kind ` +
            `${d.router?.kind ?? '?'} でルーティングしているため VirtualService がありません。${through.join(' または ')} ` +
            `でルーティングする（router.kind: ${through.join(' | ')}）か、インジェクター kind http または simulated を使ってください`,
        }
      : {
          en:
            `the istio-fault injector writes only into the drill service's own VirtualService: set ` +
            `drills.injector.virtualService to ${own}`,
          ja:
            `istio-fault インジェクターは訓練対象サービス自身の VirtualService にだけ書き込みます。drills.injector.virtualService を ${own} ` +
            `にしてください`,
        };
  const first = claims[0];
  if (first)
    return {
      en: `${where} belongs to ${describeOwner(services, first, drillService)}; ${hint.en}`,
      ja: `${where} は${describeOwnerJa(services, first, drillService)}のものです。${hint.ja}`,
    };
  if (own === null)
    return {
      en: `${where} is not the routing object of the drill service ${drillService}; ${hint.en}`,
      ja: `${where} は訓練対象サービス ${drillService} のルーティング対象ではありません。${hint.ja}`,
    };
  return {
    en:
      `${where} is not the routing object of the drill service ${drillService}, whose router names VirtualService ` +
      `${own}; ${hint.en}`,
    ja: `${where} は訓練対象サービス ${drillService} のルーティング対象ではありません（ルーターが指すのは VirtualService ${own}）。${hint.ja}`,
  };
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
 * a Kubernetes Service can be judged: one another configured service uses, or one named after
 * another service (`prompt-service-mesh`: ownerOfName), is refused; a dedicated fault endpoint
 * that names no service is the operator's to vouch for. Contexts do not matter: the URL is
 * resolved from wherever Rewind runs.
 */
export function httpFaultTargetProblem(services: Services, drillService: string, url: string): string | null {
  return httpFaultTargetSaid(services, drillService, url)?.en ?? null;
}

/** httpFaultTargetProblem in both languages, for the refusal a person reads. */
export function httpFaultTargetSaid(services: Services, drillService: string, url: string): Said | null {
  const target = serviceOfUrl(url);
  if (!target) return null;
  const owner = ownerOfName(
    services,
    drillService,
    target.name,
    target.namespace !== undefined ? { namespace: target.namespace } : {},
  );
  if (owner.kind !== 'other') return null;
  const where =
    target.namespace === undefined ? `Service "${target.name}"` : `Service ${target.namespace}/${target.name}`;
  return {
    en:
      `${url} reaches ${where}, which belongs to ${describeOwner(services, owner.claim, drillService)}; the http ` +
      `injector must reach the drill service ${drillService}'s own fault endpoint`,
    ja:
      `${url} が届く ${where} は${describeOwnerJa(services, owner.claim, drillService)}のものです。http インジェクターは訓練対象サービス ` +
      `${drillService} 自身の障害エンドポイントに送る必要があります`,
  };
}

/** The problem of the configured injector for a drill on `drillService`, with the key it concerns. */
export function drillTargetProblem(
  services: Services,
  drillService: string,
  injector: InjectorConfig,
): { key: 'virtualService' | 'url'; message: string; messageJa: string } | null {
  if (injector.kind === 'istio-fault') {
    const said = istioFaultTargetSaid(services, drillService, injector.virtualService);
    return said === null ? null : { key: 'virtualService', message: said.en, messageJa: said.ja };
  }
  if (injector.kind === 'http') {
    const said = httpFaultTargetSaid(services, drillService, injector.url);
    return said === null ? null : { key: 'url', message: said.en, messageJa: said.ja };
  }
  return null;
}

/**
 * The config's problem with its injector's target, at `drills.injector.<key>`: the drill service
 * is `drills.service`, or else the first service marked `drill: allowed`, as at run time.
 */
export function drillTargetIssue(c: {
  services: Services;
  drills: { service?: string | undefined; injector: InjectorConfig };
}): { path: string[]; message: string } | null {
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
    return (
      a === 'services' &&
      (b === undefined ||
        k === undefined ||
        ['router', 'namespace', 'context', 'drill', 'versions'].includes(String(k)))
    );
  });
}

/**
 * Why an injector may not fault `service` at all, whatever its target: not in the config, or not
 * marked `drill: allowed` (a drill injects real faults). Null when it may. Every injector asks
 * this first, again at the moment it would write.
 */
export function drillServiceSaid(services: Record<string, { drill: string }>, service: string): Said | null {
  const s = services[service];
  if (!s) return { en: `no service "${service}" in config`, ja: `設定にサービス "${service}" がありません` };
  if (s.drill === 'allowed') return null;
  return {
    en:
      `${service} is drill: ${s.drill}; a drill injects real faults, so it only runs on a service marked drill: ` +
      `allowed`,
    ja: `${service} は drill: ${s.drill} です。訓練は実際に障害を入れるため、drill: allowed のサービスでしか実行しません`,
  };
}
