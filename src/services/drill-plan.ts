/**
 * The plan of a drill run: which scenario, which service and version, what the injector would do.
 * Shared by `/drill run` (checked again before every run, scheduled or not), its `--dry-run`, and
 * `rewind drill run --dry-run`. Reads the router; changes nothing.
 */
import type { InjectorProblem } from '../domain/drill-refusals.ts';
import { drillTargetProblem } from '../config/drill-target.ts';
import type { Config, DrillScenario } from '../config/schema.ts';
import { busiestVersion } from '../domain/rollback-plan.ts';
import type { FaultInjector, FaultSpec, InjectorKind } from './drill-ports.ts';
import type { ClusterPort } from './ports.ts';
import { ok, refuse, type Outcome } from './refusals.ts';

export interface DrillPlan {
  scenario: DrillScenario;
  service: string;
  version: string;
  /** How the serving version was found: read from the router, or assumed (newest configured). */
  versionSource: 'router' | 'config';
  injector: InjectorKind;
  lines: string[];
  maxDurationMs: number;
}

export interface DrillPlanContext {
  drills: Config['drills'];
  services: Config['services'];
  cluster: ClusterPort | null;
  /** `unavailable`: why the configured injector cannot work here (e.g. no Kubernetes access). */
  injector: FaultInjector | { unavailable: InjectorProblem };
  log?: { warn(o: object, m: string): void };
}

export async function planDrill(o: DrillPlanContext, name: string): Promise<Outcome<DrillPlan>> {
  const scenario = o.drills.scenarios.find((s) => s.name === name);
  if (!scenario)
    return refuse({ kind: 'unknown_scenario', scenario: name, known: o.drills.scenarios.map((s) => s.name) });
  const service = o.drills.service;
  if (!service) return refuse({ kind: 'no_drill_service' });
  const config = o.services[service];
  if (!config) return refuse({ kind: 'drill_service_unconfigured', service });
  if (config.drill !== 'allowed') return refuse({ kind: 'drill_not_allowed', service });
  const injector = o.injector;
  if ('unavailable' in injector) return refuse({ kind: 'injector_unavailable', problem: injector.unavailable });
  // Judged again on every run, scheduled or not, and not only at start: the object the fault
  // would land on may have changed hands since the config was loaded.
  const configured = drillTargetProblem(o.services, service, o.drills.injector);
  if (configured)
    return refuse({ kind: 'drill_refused', service, reason: configured.message, reasonJa: configured.messageJa });
  const check = await injector.checkTarget(service);
  if (!check.ok) return refuse({ kind: 'drill_refused', service, reason: check.reason, reasonJa: check.reasonJa });
  const { version, source } = await servingVersion(o, service);
  const spec = faultSpec(scenario, service, version, 'DRILL-PLAN', o.drills.maxDuration);
  return ok({
    scenario,
    service,
    version,
    versionSource: source,
    injector: injector.kind,
    lines: injector.describe(spec),
    maxDurationMs: o.drills.maxDuration,
  });
}

/**
 * The version taking most traffic (the fault is aimed at it); the newest configured one when
 * routing cannot be read.
 */
async function servingVersion(
  o: DrillPlanContext,
  service: string,
): Promise<{ version: string; source: 'router' | 'config' }> {
  const newest = o.services[service]?.versions[0]?.version ?? '?';
  if (!o.cluster) return { version: newest, source: 'config' };
  try {
    const serving = busiestVersion(await o.cluster.forService(service).router.read());
    return serving ? { version: serving, source: 'router' } : { version: newest, source: 'config' };
  } catch (err) {
    o.log?.warn(
      { service, err: (err as Error).message },
      'drill: routing could not be read; aiming at the newest configured version',
    );
    return { version: newest, source: 'config' };
  }
}

export function faultSpec(
  s: DrillScenario,
  service: string,
  version: string,
  drillId: string,
  maxDurationMs: number,
): FaultSpec {
  return {
    drillId,
    service,
    version,
    scenario: s.name,
    trigger: s.trigger,
    errorRate: s.trigger === 'inject_latency' ? null : s.errorRate,
    latencyMs: s.trigger === 'inject_latency' ? s.latency : null,
    share: s.trigger === 'partial_outage' ? s.share : null,
    maxDurationMs,
  };
}
