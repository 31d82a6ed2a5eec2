/**
 * Whether a live VirtualService serves the drill service alone, judged on the object itself: its
 * name being the drill service's own says nothing of what it routes. A VirtualService named
 * prompt-service-staging whose `spec.hosts` is `prompt-service` takes over production's traffic
 * in the mesh, and a destination `prompt-service-mesh` sends the drill's requests to production's
 * pods; a fault on either lands on production. So, before every injection:
 *
 * - every `spec.hosts` entry and every destination host of every HTTP route must be one of the
 *   drill service's own Services (ownerOfName in src/config/drill-target.ts), in its namespace:
 *   a host another service uses or is named after, a host in another namespace, a wildcard or an
 *   outside name (which no config can vouch for) refuses;
 * - a gateway (`spec.gateways`, other than `mesh`) named after another service refuses: shared
 *   ingress gateways name no service and pass;
 * - a label naming an app (`app.kubernetes.io/instance`, `name`, `part-of`, `app`) that is another
 *   service in the same cluster refuses: the object has been taken over by (or belongs to) it.
 *
 * Only the HTTP routes are judged for destinations: the fault is an HTTP fault, and `tcp`/`tls`
 * routes of the same object are untouched by it (their hosts are still judged through spec.hosts).
 */
import type { Config, ServiceConfig } from '../../config/schema.ts';
import {
  describeOwner,
  describeOwnerJa,
  namesOf,
  ownerOfName,
  type Claim,
  type Said,
  type SameCluster,
} from '../../config/drill-target.ts';

/** Labels by which an object names the app it belongs to: Kubernetes' recommended ones, then the classic one. */
export const OWNER_LABELS = [
  'app.kubernetes.io/instance',
  'app.kubernetes.io/name',
  'app.kubernetes.io/part-of',
  'app',
] as const;

/**
 * The parts of a VirtualService that say whose traffic it carries; anything may be missing or mistyped in a live
 * object.
 */
export interface LiveVirtualService {
  metadata?: { labels?: Record<string, unknown> };
  spec?: { hosts?: unknown; gateways?: unknown; http?: unknown };
}

/** At most this many findings are spelled out; the rest are counted. */
const SHOWN = 4;

type HostTarget = { kind: 'service'; name: string; namespace: string } | { kind: 'wildcard' } | { kind: 'outside' };

/**
 * The Service a host names, as Istio reads it: `svc` in the VirtualService's namespace,
 * `svc.ns.svc…` anywhere; `svc.ns` when `ns` is a namespace some service is configured in
 * (otherwise `example.com` would be a Service "example" in a namespace "com").
 */
function hostTarget(host: string, namespace: string, namespaces: ReadonlySet<string>): HostTarget {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  if (h.startsWith('*')) return { kind: 'wildcard' };
  const [name, ns, svc] = h.split('.');
  const labels = h.split('.').length;
  if (!name) return { kind: 'outside' };
  if (labels === 1) return { kind: 'service', name, namespace };
  if (labels === 2 && ns !== undefined && namespaces.has(ns)) return { kind: 'service', name, namespace: ns };
  if (labels >= 3 && ns !== undefined && svc === 'svc') return { kind: 'service', name, namespace: ns };
  return { kind: 'outside' };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * What in `vs` (the drill service's VirtualService as just read) is not the drill service's own,
 * one sentence per finding; empty when it serves the drill service alone.
 */
export function foreignRouting(o: {
  services: Config['services'];
  drillService: string;
  object: string;
  vs: LiveVirtualService;
  sameCluster: SameCluster;
}): Said[] {
  const { services, drillService, object, vs } = o;
  const d = services[drillService] as ServiceConfig;
  const namespace = d.namespace ?? 'default';
  const inScope = (s: string) => o.sameCluster(services[s]?.context, d.context);
  const namespaces = new Set(Object.values(services).map((s) => s?.namespace ?? 'default'));

  /** "prompt-service (drill: denied)": how the name is theirs only when it is not simply their name. */
  const owner = (claim: Claim, name: string): Said => {
    const drill = services[claim.service]?.drill ?? 'denied';
    const plain = name === claim.service;
    const notDrillJa = drill === 'allowed' ? `訓練対象の ${drillService} ではなく ` : '';
    return {
      en:
        `${claim.service} (${plain ? '' : `${claim.via}; `}drill: ` +
        `${drill})${drill === 'allowed' ? `, not to the drill service ${drillService}` : ''}`,
      ja: `${notDrillJa}${claim.service}（${plain ? '' : `${claim.viaJa}、`}drill: ${drill}）`,
    };
  };
  const ownNames = namesOf(drillService, d);
  const ownRule: Said = {
    en:
      `its own are the Services in namespace ${namespace} named ${ownNames.join(', ')}, or starting with one of ` +
      `these and "-"`,
    ja: `${drillService} のものは名前空間 ${namespace} の ${ownNames.join('、')}、またはそれらに「-」を続けた名前の Service です`,
  };

  /** Why `host` is not the drill service's own, after `subject` ("… routes host h"), or null. */
  const judgeHost = (host: string, subject: Said): Said | null => {
    const t = hostTarget(host, namespace, namespaces);
    if (t.kind === 'wildcard')
      return {
        en: `${subject.en}, a wildcard that matches other services' hosts too`,
        ja: `${subject.ja}これはワイルドカードで、ほかのサービスのホストにも一致します`,
      };
    if (t.kind === 'outside') {
      return {
        en: `${subject.en}, an outside name that cannot be shown to be ${drillService}'s own (${ownRule.en})`,
        ja: `${subject.ja}これは外部の名前で、${drillService} 自身のものとは確認できません（${ownRule.ja}）`,
      };
    }
    const found = ownerOfName(services, drillService, t.name, { namespace: t.namespace, inScope });
    if (found.kind === 'other') {
      const who = owner(found.claim, t.name);
      return { en: `${subject.en}, which belongs to ${who.en}`, ja: `${subject.ja}これは ${who.ja}のものです` };
    }
    if (t.namespace !== namespace) {
      return {
        en: `${subject.en}, a Service in namespace ${t.namespace}, not in ${drillService}'s namespace ${namespace}`,
        ja: `${subject.ja}これは名前空間 ${t.namespace} の Service で、${drillService} の名前空間 ${namespace} にはありません`,
      };
    }
    if (found.kind === 'own') return null;
    return {
      en: `${subject.en}, which is not shown to be ${drillService}'s own (${ownRule.en})`,
      ja: `${subject.ja}${drillService} 自身のものとは確認できません（${ownRule.ja}）`,
    };
  };

  const findings: Said[] = [];
  const labels = vs.metadata?.labels ?? {};
  for (const label of OWNER_LABELS) {
    const value = labels[label];
    if (typeof value !== 'string' || value === drillService) continue;
    const found = ownerOfName(services, drillService, value, { inScope });
    if (found.kind !== 'other') continue;
    findings.push({
      en:
        `${object} is labelled ${label}=${value}, so it belongs to ` +
        `${describeOwner(services, found.claim, drillService)}; the drill faults only ${drillService}'s own ` +
        `VirtualService`,
      ja:
        `${object} にはラベル ${label}=${value} があり、${describeOwnerJa(services, found.claim, drillService)}のものです。` +
        `訓練で障害を入れるのは ${drillService} 自身の VirtualService だけです`,
    });
  }

  const hosts = strings(vs.spec?.hosts);
  if (hosts.length === 0) {
    findings.push({
      en: `${object} has no spec.hosts, so it cannot be shown to serve ${drillService} alone`,
      ja: `${object} には spec.hosts がないため、${drillService} だけに使われていると確認できません`,
    });
  }
  for (const host of hosts) {
    const f = judgeHost(host, {
      en: `${object} routes host ${host}`,
      ja: `${object} はホスト ${host} をルーティングしていますが、`,
    });
    if (f) findings.push(f);
  }

  for (const gateway of strings(vs.spec?.gateways)) {
    if (gateway === 'mesh') continue;
    const [ns, name] = gateway.includes('/') ? gateway.split('/', 2) : [namespace, gateway];
    if (!name) continue;
    const found = ownerOfName(services, drillService, name, { namespace: ns ?? namespace, inScope });
    if (found.kind !== 'other') continue;
    const who = owner(found.claim, name);
    findings.push({
      en: `${object} is bound to gateway ${gateway}, which belongs to ${who.en}`,
      ja: `${object} はゲートウェイ ${gateway} に結び付いていますが、これは ${who.ja}のものです`,
    });
  }

  const http = Array.isArray(vs.spec?.http) ? (vs.spec.http as unknown[]) : [];
  http.forEach((route, i) => {
    const dests = Array.isArray((route as { route?: unknown })?.route) ? (route as { route: unknown[] }).route : [];
    const seen = new Set<string>();
    for (const dest of dests) {
      const host = (dest as { destination?: { host?: unknown } })?.destination?.host;
      if (typeof host !== 'string' || seen.has(host)) continue;
      seen.add(host);
      const f = judgeHost(host, {
        en: `${object} spec.http[${i}] sends traffic to ${host}`,
        ja: `${object} の spec.http[${i}] は ${host} へトラフィックを送っていますが、`,
      });
      if (f) findings.push(f);
    }
  });
  return findings;
}

/** The findings as one refusal: the first few spelled out, the rest counted. */
export function joinFindings(findings: Said[]): Said | null {
  if (findings.length === 0) return null;
  const shown = findings.slice(0, SHOWN);
  const more = findings.length - shown.length;
  return {
    en: shown.map((f) => f.en).join('; ') + (more > 0 ? `; and ${more} more` : ''),
    ja: shown.map((f) => f.ja).join('。') + (more > 0 ? `。ほか ${more} 件` : ''),
  };
}
