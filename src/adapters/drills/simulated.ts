/**
 * The simulated injector: no traffic is harmed, the simulated metrics provider reads as if it were.
 * The fault is a live override (`SimulatedMetrics.set`) on the serving version, so the evaluator,
 * the alerts and the scorecard see the drill exactly as they would see a real incident; `clear`
 * hands the overridden metrics back to the script.
 *
 * The overrides live in this process's memory: a restart takes them away with it, so start-up
 * cleanup after a crash has nothing to undo (it clears the names anyway, which is harmless).
 */
import {
  BUILTIN_UNIT,
  METRIC_NAMES,
  isBuiltinMetric,
  type MetricName,
  type MetricSample,
} from '../../domain/metrics.ts';
import {
  faultAmount,
  type AppliedFault,
  type FaultInjector,
  type FaultSpec,
  type RemoveResult,
  type TargetCheck,
} from '../../services/drill-ports.ts';
import type { SimulatedMetrics } from '../metrics/simulated.ts';

/** Every latency percentile: a delay on each request moves all of them. */
const LATENCY_METRICS: readonly MetricName[] = METRIC_NAMES.filter((m) => BUILTIN_UNIT[m] === 'ms');

const failing = (errorRate: number): MetricSample => ({ error_rate: errorRate, availability: 1 - errorRate });

/** The metric values a spec makes the serving version read. */
export function simulatedValuesOf(spec: FaultSpec): MetricSample {
  switch (spec.trigger) {
    case 'inject_errors':
      return failing(faultAmount(spec, 'errorRate'));
    case 'inject_latency': {
      const latencyMs = faultAmount(spec, 'latencyMs');
      return Object.fromEntries(LATENCY_METRICS.map((m) => [m, latencyMs]));
    }
    case 'partial_outage':
      // Only `share` of the traffic fails, at errorRate: the version as a whole fails the product.
      return failing(faultAmount(spec, 'errorRate') * faultAmount(spec, 'share'));
  }
}

const namesOf = (sample: MetricSample) => Object.keys(sample) as MetricName[];

/** The names stored in detail, or null when the detail is missing or not what apply wrote. */
function storedNames(fault: AppliedFault): MetricName[] | null {
  const names = fault.detail?.metrics;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string' && isBuiltinMetric(n))) return null;
  return names as MetricName[];
}

export function simulatedInjector(metrics: SimulatedMetrics): FaultInjector {
  /** Drill ids whose values this process has set and not yet cleared. */
  const active = new Set<string>();

  return {
    kind: 'simulated',

    // Only the drill service's own simulated numbers change: no traffic, no object to read.
    async checkTarget(): Promise<TargetCheck> {
      return { ok: true };
    },

    describe(spec) {
      return [`set simulated metrics of ${spec.service} ${spec.version}: ${JSON.stringify(simulatedValuesOf(spec))}`];
    },

    async apply(spec): Promise<AppliedFault> {
      const values = simulatedValuesOf(spec);
      metrics.set(spec.service, spec.version, values);
      active.add(spec.drillId);
      return { injector: 'simulated', spec, detail: { metrics: namesOf(values), values: { ...values } } };
    },

    async remove(fault): Promise<RemoveResult> {
      const { spec } = fault;
      const names = storedNames(fault) ?? namesOf(simulatedValuesOf(spec));
      metrics.clear(spec.service, spec.version, names);
      const what = { metrics: [...names], service: spec.service, version: spec.version };
      if (!active.delete(spec.drillId)) {
        return { removed: false, note: { kind: 'simulated_inactive', drillId: spec.drillId, ...what } };
      }
      return { removed: true, note: { kind: 'simulated_cleared', ...what } };
    },
  };
}
