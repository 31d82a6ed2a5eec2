/**
 * What a service's metrics read now, for `/rollback status`: each version taking traffic, its share
 * of it, and its readings over the observation window, read the way the evaluator reads them (the
 * routing from the cluster, else the newest version of the chain). A person asking is answered
 * within Slack's three seconds: a read the backend has not answered by the deadline is shown as
 * not read, never waited for. Those are seconds of the wall clock, like a request's timeout, not
 * of the bot's clock (which a compressed timeline runs hundreds of times faster).
 */
import { systemClock, type Clock } from '../clock.ts';
import {
  sampleUnits,
  type MetricCatalogue,
  type MetricName,
  type MetricSample,
  type MetricUnit,
} from '../domain/metrics.ts';
import type { ClusterPort, MetricsSource } from './ports.ts';

export interface VersionReading {
  version: string;
  /** Its share of the traffic in percent; null when the routing could not be read. */
  weight: number | null;
  /** Null when the backend did not answer (in time); a metric it could not read is absent. */
  sample: MetricSample | null;
  /** The units of the custom metrics in the sample (the built-ins' are fixed). */
  units?: Record<MetricName, MetricUnit>;
}

export interface LiveReadingsOptions {
  /** What the deadline is measured on: the wall clock; tests give a clock they move. */
  wallClock?: Pick<Clock, 'sleep'>;
  metrics: MetricsSource;
  cluster: ClusterPort | null;
  /** Fallback chain per service, newest first. */
  chains: Record<string, string[]>;
  catalogue: MetricCatalogue;
  observationWindowMs: number;
  /** How long a reading may take before the answer goes without it (Slack waits 3 s for the whole answer). */
  deadlineMs?: number;
}

const DEADLINE_MS = 1_500;

export class LiveReadings {
  constructor(private readonly o: LiveReadingsOptions) {}

  /** The window the readings cover (the trigger tiers' observation window). */
  get windowMs(): number {
    return this.o.observationWindowMs;
  }

  async of(service: string): Promise<VersionReading[]> {
    const stop = new AbortController();
    const late = (this.o.wallClock ?? systemClock)
      .sleep(this.o.deadlineMs ?? DEADLINE_MS, stop.signal)
      .then(() => null)
      .catch(() => null);
    try {
      const split = await Promise.race([this.split(service), late]);
      if (split === null) return [];
      return await Promise.all(
        split.map(async ({ version, weight }) => {
          const sample = await Promise.race([
            this.o.metrics.sample(service, version, this.o.observationWindowMs).catch(() => null),
            late,
          ]);
          return { version, weight, sample, ...sampleUnits(sample, this.o.catalogue) };
        }),
      );
    } finally {
      stop.abort();
    }
  }

  /** The versions taking traffic, with their shares; the newest of the chain when the routing cannot be read. */
  private async split(service: string): Promise<Array<{ version: string; weight: number | null }>> {
    const newest = this.o.chains[service]?.[0];
    const fallback = newest ? [{ version: newest, weight: null }] : [];
    if (!this.o.cluster) return fallback;
    try {
      const split = await this.o.cluster.forService(service).router.read();
      const live = Object.entries(split)
        .filter(([, w]) => w > 0)
        .map(([version, weight]) => ({ version, weight }));
      return live.length ? live : fallback;
    } catch {
      return fallback;
    }
  }
}
