/**
 * The cluster panel's data: each service's traffic split as the Kubernetes stand-in holds it right
 * now (read from its routing object, not from anything the bot says), and each version's metrics
 * over the last hour of virtual time, from the scenario the bot's simulated metrics read too.
 */
import type { Config } from '../config/schema.ts';
import type { KubeApiStandIn } from '../demo/stand-ins/kube-api.ts';
import type { ChartPoint, Misbehaviour, Scenario } from './scenario.ts';

export interface ServicePanel {
  service: string;
  namespace: string;
  /** How the split was read: the routing object, or why it could not be. */
  source: string;
  weights: Array<{ version: string; weight: number }>;
  versions: Array<{ version: string; behaviour: Misbehaviour | undefined; charts: Record<string, ChartPoint[]> }>;
}

/** The metrics the small charts show, one per slider. */
export const CHARTED = ['error_rate', 'p95_latency', 'hallucination_rate'] as const;
const CHART_SPAN_MS = 60 * 60_000;
const CHART_POINTS = 60;

interface RouteDestination {
  destination?: { subset?: string; host?: string };
  weight?: number;
}

export function clusterPanels(config: Config, kube: KubeApiStandIn, scenario: Scenario, now: number): ServicePanel[] {
  return Object.entries(config.services).map(([service, s]) => {
    const { source, weights } = splitOf(kube, s);
    return {
      service,
      namespace: s.namespace,
      source,
      weights,
      versions: s.versions.map((v) => ({
        version: v.version,
        behaviour: scenario.behaviour(service, v.version),
        charts: Object.fromEntries(
          CHARTED.map((m) => [
            m,
            scenario.chart(service, v.version, m, now - CHART_SPAN_MS, now, CHART_SPAN_MS / CHART_POINTS),
          ]),
        ),
      })),
    };
  });
}

type ServiceConfig = Config['services'][string];

function splitOf(kube: KubeApiStandIn, s: ServiceConfig): Pick<ServicePanel, 'source' | 'weights'> {
  const router = s.router as { kind: string; virtualService?: string; route?: number };
  if (router.kind !== 'istio' || !router.virtualService)
    return { source: `${router.kind} routing is not drawn by the playground`, weights: [] };
  const vs = kube.object('VirtualService', s.namespace, router.virtualService);
  if (!vs) return { source: `VirtualService ${s.namespace}/${router.virtualService} is missing`, weights: [] };
  const http = (vs.spec?.http as Array<{ route?: RouteDestination[] }> | undefined)?.[router.route ?? 0];
  const bySubset = new Map(s.versions.map((v) => [v.subset ?? v.version, v.version]));
  const weights = s.versions.map((v) => ({ version: v.version, weight: 0 }));
  for (const d of http?.route ?? []) {
    const version = bySubset.get(d.destination?.subset ?? '');
    const entry = weights.find((w) => w.version === version);
    if (entry) entry.weight += d.weight ?? 0;
  }
  return { source: `VirtualService ${s.namespace}/${router.virtualService}`, weights };
}
