/**
 * Scripted metrics for the demo, drills without a cluster, and tests. Per service and version a
 * script is either a function of time or a list of steps `{ from, values }`; each step changes the
 * metrics it names and leaves the others as they were, so "at +2m error_rate goes to 4%" is one
 * line. `set` changes values live (the drill injector raises the error rate with it) and `clear`
 * takes them back; both are recorded with the clock's time, so `range` over a period that saw a
 * drill shows the drill, which is what a verification sparkline after it should show.
 *
 * A reading is the value at the clock's `now`, whatever the window: a script already says what
 * the window would have measured. NaN in a script means "cannot be read" and is left out.
 *
 * A script or `set` may name the config's custom metrics as well as the built-ins (any other name
 * is refused as a typo); a custom metric nobody sets reads as absent, so its conditions are unknown,
 * never healthy — the same as a query that returns nothing.
 */
import { METRIC_NAMES, type MetricName, type MetricSample } from '../../domain/metrics.ts';
import type { Clock } from '../../clock.ts';
import type { MetricsHistory, MetricsSource, Series } from '../../services/ports.ts';
import { defineProvider } from './provider.ts';

/**
 * `from` below this is an offset in ms from the simulation's start, at or above it an epoch time
 * (1e12 ms is September 2001; no script runs for 31 years).
 */
export const EPOCH_FROM = 1e12;

export interface ScriptStep {
  /** Offset from the start in ms, or an epoch time in ms (see EPOCH_FROM). */
  from: number;
  values: MetricSample;
}

/** Values at epoch time `at`, `offsetMs` after the simulation's start. */
export type ScriptFunction = (at: number, offsetMs: number) => MetricSample;

export type VersionScript = ScriptFunction | ScriptStep[];

/** service → version → script. */
export type MetricsScript = Record<string, Record<string, VersionScript>>;

type LiveChange = { at: number; values: MetricSample } | { at: number; clear: readonly MetricName[] | 'all' };

export class SimulatedMetrics implements MetricsSource, MetricsHistory {
  /** Epoch ms that step offsets count from: the clock's time at construction unless given. */
  readonly startedAt: number;
  private readonly scripts = new Map<string, ScriptFunction>();
  private readonly live = new Map<string, LiveChange[]>();
  /** The names a script or `set` may use: the built-ins unless the config's catalogue is given. */
  private readonly known: readonly MetricName[];

  constructor(
    private readonly clock: Clock,
    script: MetricsScript = {},
    options: { startedAt?: number; metrics?: readonly MetricName[] } = {},
  ) {
    this.startedAt = options.startedAt ?? clock.now();
    this.known = options.metrics ?? METRIC_NAMES;
    for (const [service, versions] of Object.entries(script)) {
      for (const [version, s] of Object.entries(versions)) this.script(service, version, s);
    }
  }

  /** Replaces the script of one version (live changes made with `set` stay). */
  script(service: string, version: string, script: VersionScript): void {
    this.scripts.set(
      keyOf(service, version),
      typeof script === 'function' ? script : this.stepsToFunction(script, `${service} ${version}`),
    );
  }

  /** From now on these metrics read these values, over whatever the script says. */
  set(service: string, version: string, sample: MetricSample): void {
    this.checkNames(sample, `set(${service}, ${version})`);
    this.changes(service, version).push({ at: this.clock.now(), values: { ...sample } });
  }

  /** From now on the script speaks again for these metrics (all of them when none are named). */
  clear(service: string, version: string, metrics?: readonly MetricName[]): void {
    this.changes(service, version).push({ at: this.clock.now(), clear: metrics ? [...metrics] : 'all' });
  }

  /** What a sample taken at epoch time `at` reads. */
  valuesAt(service: string, version: string, at: number): MetricSample {
    const key = keyOf(service, version);
    const scripted = this.scripts.get(key)?.(at, at - this.startedAt) ?? {};
    const overrides: MetricSample = {};
    for (const change of this.live.get(key) ?? []) {
      if (change.at > at) break;
      if ('values' in change) Object.assign(overrides, change.values);
      else if (change.clear === 'all') for (const m of Object.keys(overrides)) delete overrides[m];
      else for (const m of change.clear) delete overrides[m];
    }
    const merged: MetricSample = { ...scripted, ...overrides };
    for (const [m, v] of Object.entries(merged)) if (typeof v !== 'number' || Number.isNaN(v)) delete merged[m];
    return merged;
  }

  async sample(service: string, version: string, _windowMs: number): Promise<MetricSample> {
    return this.valuesAt(service, version, this.clock.now());
  }

  /** The script sampled at every step from `fromMs`; nothing after the clock's now (that is not history yet). */
  async range(
    service: string,
    version: string,
    fromMs: number,
    toMs: number,
    stepMs: number,
  ): Promise<Record<MetricName, Series>> {
    if (!(stepMs > 0)) throw new RangeError(`the step of a range query must be positive, got ${stepMs}ms`);
    const end = Math.min(toMs, this.clock.now());
    const out: Record<MetricName, Series> = {};
    for (let t = fromMs; t <= end; t += stepMs) {
      for (const [m, v] of Object.entries(this.valuesAt(service, version, t)))
        if (v !== undefined) (out[m] ??= []).push([t, v]);
    }
    return out;
  }

  private checkNames(sample: MetricSample, where: string): void {
    for (const name of Object.keys(sample))
      if (!this.known.includes(name)) throw new Error(`${where}: unknown metric "${name}"`);
  }

  private changes(service: string, version: string): LiveChange[] {
    const key = keyOf(service, version);
    let list = this.live.get(key);
    if (!list) this.live.set(key, (list = []));
    return list;
  }

  private stepsToFunction(steps: ScriptStep[], what: string): ScriptFunction {
    steps.forEach((s, i) => {
      if (!Number.isFinite(s.from))
        throw new RangeError(
          `script of ${what}: step ${i} has from ${s.from}; expected an offset or an epoch time in ms`,
        );
      this.checkNames(s.values, `script of ${what}, step ${i}`);
    });
    const absolute = steps
      .map((s, i) => ({ at: s.from >= EPOCH_FROM ? s.from : this.startedAt + s.from, i, values: s.values }))
      .sort((a, b) => a.at - b.at || a.i - b.i);
    return (at) => {
      const values: MetricSample = {};
      for (const step of absolute) {
        if (step.at > at) break;
        Object.assign(values, step.values);
      }
      return values;
    };
  }
}

function keyOf(service: string, version: string): string {
  return JSON.stringify([service, version]);
}

/** `metrics.provider: simulated`: the demo's script, or values a drill sets. */
export const simulatedProvider = defineProvider({
  name: 'simulated',
  noBacktest: 'whose scripted values exist only inside a running demo, so there is no history to replay',
  create(_settings, context) {
    const simulated = new SimulatedMetrics(context.clock, context.script ?? {}, { metrics: context.catalogue.names });
    return { source: simulated, history: simulated, simulated };
  },
});
