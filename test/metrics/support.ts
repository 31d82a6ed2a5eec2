/** Shared bits of the metrics tests: a clock with a fixed `now` but real sleeps, and a log recorder. */
import { parseConfigText } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { systemClock, type Clock } from '../../src/clock.ts';

/** 2026-01-05T09:00:00Z: the time every instant query is asked at. */
export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

/**
 * `now` stays put (so the `time=` of a query is known), while backoff sleeps are real and short:
 * a ManualClock would need advancing from outside while a real socket is mid-request.
 */
export function fixedClock(now = T0): Clock {
  return { now: () => now, sleep: systemClock.sleep };
}

export interface LogLine {
  level: 'warn' | 'info';
  message: string;
  details: Record<string, unknown>;
}

export function recordingLog() {
  const lines: LogLine[] = [];
  return {
    lines,
    log: {
      warn: (details: Record<string, unknown>, message: string) => lines.push({ level: 'warn', message, details }),
      info: (details: Record<string, unknown>, message: string) => lines.push({ level: 'info', message, details }),
    },
    /** `warn: message` per line, for compact assertions. */
    text: () => lines.map((l) => `${l.level}: ${l.message}`),
  };
}

export const REFERENCE = {
  errorRate: (service: string, version: string, window: string) =>
    `sum(rate(prompt_requests_total{service="${service}",version="${version}",code=~"5.."}[${window}])) / ` +
    `sum(rate(prompt_requests_total{service="${service}",version="${version}"}[${window}]))`,
  availability: (service: string, version: string, window: string) =>
    `sum(rate(prompt_requests_total{service="${service}",version="${version}",code!~"5.."}[${window}])) / ` +
    `sum(rate(prompt_requests_total{service="${service}",version="${version}"}[${window}]))`,
  quantile: (q: string, service: string, version: string, window: string) =>
    `1000 * histogram_quantile(${q}, sum by (le) ` +
    `(rate(prompt_request_duration_seconds_bucket{service="${service}",version="${version}"}[${window}])))`,
  hallucination: (service: string, version: string, window: string) =>
    `sum(rate(prompt_hallucinations_total{service="${service}",version="${version}"}[${window}])) / ` +
    `sum(rate(prompt_requests_total{service="${service}",version="${version}"}[${window}]))`,
};

/** Every reference query of a service+version, by metric. */
export function referenceQueries(service: string, version: string, window: string) {
  return {
    error_rate: REFERENCE.errorRate(service, version, window),
    availability: REFERENCE.availability(service, version, window),
    p50_latency: REFERENCE.quantile('0.50', service, version, window),
    p95_latency: REFERENCE.quantile('0.95', service, version, window),
    p99_latency: REFERENCE.quantile('0.99', service, version, window),
    hallucination_rate: REFERENCE.hallucination(service, version, window),
  };
}

/** A valid config with one service and the given `metrics:` block (YAML, indented by two). */
/** A minimal config text with the given `metrics:` body; `moreServices` is appended under `services:`. */
export function configText(metricsYaml: string, extra = '', moreServices = ''): string {
  return `slack:
  incidentChannel: C0INCIDENT
  stakeholderChannel: C0STAKEHOLDERS
  drillChannel: C0DRILLS
  approvers: [U0LEAD]
metrics:
${metricsYaml}
${extra}
services:
  checkout:
    router: { kind: service-selector, service: checkout }
    versions:
      - { version: v3.1.0 }
      - { version: v3.0.0 }
${moreServices}`;
}

export function configWith(metricsYaml: string, extra = ''): Config {
  const text = configText(metricsYaml, extra);
  const r = parseConfigText(text, 'test.yml');
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('\n'));
  return r.config;
}
