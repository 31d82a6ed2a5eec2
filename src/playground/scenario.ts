/**
 * What the visitor has done to the world: how each version of each service misbehaves (the
 * sliders), kept as a history of steps in virtual time. The bot's worker reads the same steps as
 * the simulated metrics provider's script, so a bot killed and started again sees the whole history
 * (its verification sparklines included), and the page's charts are drawn from them.
 */
import type { MetricSample } from '../domain/metrics.ts';

/** The sliders: the three ways a prompt version goes wrong. */
export interface Misbehaviour {
  /** 0..1 */
  errorRate: number;
  /** The 95th percentile, ms; p50 and p99 move with it. */
  p95LatencyMs: number;
  /** 0..1 */
  hallucinationRate: number;
}

export const HEALTHY_MISBEHAVIOUR: Misbehaviour = { errorRate: 0.004, p95LatencyMs: 1800, hallucinationRate: 0.03 };

/** Slider bounds the server accepts; a value outside them is refused with a one-line reason. */
export const LIMITS = {
  errorRate: [0, 1],
  p95LatencyMs: [100, 20_000],
  hallucinationRate: [0, 1],
} as const satisfies Record<keyof Misbehaviour, readonly [number, number]>;

/**
 * The metrics a version with this behaviour reads. Numbers that agree: availability is the share of
 * requests that did not fail, and the median and the slowest 1% move with the 95th percentile.
 */
export function sampleOf(m: Misbehaviour): MetricSample {
  return {
    error_rate: m.errorRate,
    availability: round(1 - m.errorRate),
    p50_latency: Math.round(m.p95LatencyMs * 0.25),
    p95_latency: Math.round(m.p95LatencyMs),
    p99_latency: Math.round(m.p95LatencyMs * 1.45),
    hallucination_rate: m.hallucinationRate,
    user_complaints: m.errorRate > 0.1 ? 8 : 0,
  };
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

export interface Step {
  /** Epoch ms of virtual time. */
  from: number;
  values: MetricSample;
}

/** service → version → steps, the shape the simulated provider's `script` takes per version. */
export type Scripts = Record<string, Record<string, Step[]>>;

/** A point of a chart: virtual epoch ms and the value. */
export type ChartPoint = [number, number];

export class Scenario {
  private readonly history = new Map<string, { service: string; version: string; steps: Step[] }>();
  private readonly current = new Map<string, Misbehaviour>();

  /** Every version of every service healthy since `since` (epoch ms, before anything is looked at). */
  constructor(services: Record<string, { versions: Array<{ version: string }> }>, since: number) {
    for (const [service, s] of Object.entries(services))
      for (const { version } of s.versions) {
        this.history.set(key(service, version), {
          service,
          version,
          steps: [{ from: since, values: sampleOf(HEALTHY_MISBEHAVIOUR) }],
        });
        this.current.set(key(service, version), { ...HEALTHY_MISBEHAVIOUR });
      }
  }

  has(service: string, version: string): boolean {
    return this.history.has(key(service, version));
  }

  behaviour(service: string, version: string): Misbehaviour | undefined {
    return this.current.get(key(service, version));
  }

  /** From virtual time `at` on, the version behaves like this. */
  set(service: string, version: string, m: Misbehaviour, at: number): void {
    const entry = this.history.get(key(service, version));
    if (!entry) throw new Error(`no version ${version} of ${service}`);
    entry.steps.push({ from: at, values: sampleOf(m) });
    this.current.set(key(service, version), { ...m });
  }

  scripts(): Scripts {
    const out: Scripts = {};
    for (const { service, version, steps } of this.history.values())
      (out[service] ??= {})[version] = steps.map((s) => ({ from: s.from, values: { ...s.values } }));
    return out;
  }

  /** `metric` of one version sampled every `stepMs` over [from, to]. */
  chart(service: string, version: string, metric: string, from: number, to: number, stepMs: number): ChartPoint[] {
    const steps = this.history.get(key(service, version))?.steps ?? [];
    const points: ChartPoint[] = [];
    for (let t = from; t <= to; t += stepMs) {
      let value: number | undefined;
      for (const s of steps) if (s.from <= t && s.values[metric] !== undefined) value = s.values[metric];
      if (value !== undefined) points.push([t, value]);
    }
    return points;
  }
}

const key = (service: string, version: string) => JSON.stringify([service, version]);
