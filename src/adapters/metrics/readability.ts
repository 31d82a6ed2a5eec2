/**
 * Says once that a metric cannot be read, and once that it reads again. The evaluator samples
 * every 30 s (15 s on watch); a Prometheus outage would otherwise put a warning per metric per
 * version into the log twice a minute and bury the one line that matters.
 */
import type { MetricName } from '../../domain/metrics.ts';

/** The two log levels the providers use; a pino Logger fits. */
export interface MetricsLog {
  warn(details: Record<string, unknown>, message: string): void;
  info(details: Record<string, unknown>, message: string): void;
}

export const silentMetricsLog: MetricsLog = { warn: () => {}, info: () => {} };

export class ReadabilityReporter {
  /** Keys of (service, version, metric) currently reported as unreadable. */
  private readonly unreadable = new Set<string>();

  constructor(private readonly log: MetricsLog = silentMetricsLog) {}

  failed(
    service: string,
    version: string,
    metric: MetricName,
    reason: string,
    details: Record<string, unknown> = {},
  ): void {
    const key = keyOf(service, version, metric);
    if (this.unreadable.has(key)) return;
    this.unreadable.add(key);
    this.log.warn(
      { service, version, metric, reason, ...details },
      `${metric} of ${service} ${version} cannot be read: ${reason}. It counts as unknown, never as healthy, until ` +
        `it reads again`,
    );
  }

  succeeded(service: string, version: string, metric: MetricName): void {
    if (!this.unreadable.delete(keyOf(service, version, metric))) return;
    this.log.info({ service, version, metric }, `${metric} of ${service} ${version} is readable again`);
  }

  isUnreadable(service: string, version: string, metric: MetricName): boolean {
    return this.unreadable.has(keyOf(service, version, metric));
  }
}

function keyOf(service: string, version: string, metric: string): string {
  return JSON.stringify([service, version, metric]);
}
