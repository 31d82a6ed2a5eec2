/** The metric names Rewind knows (the runbook's, plus user complaints) and what kind of number each one is. */
export const METRIC_NAMES = [
  'error_rate',
  'availability',
  'p50_latency',
  'p95_latency',
  'p99_latency',
  'hallucination_rate',
  'user_complaints',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

/** ratio: 0–1 (written 0.10 or 10%); latency: milliseconds; count: events in the observation window. */
export type MetricKind = 'ratio' | 'latency' | 'count';

export const METRIC_KIND: Record<MetricName, MetricKind> = {
  error_rate: 'ratio',
  availability: 'ratio',
  p50_latency: 'latency',
  p95_latency: 'latency',
  p99_latency: 'latency',
  hallucination_rate: 'ratio',
  user_complaints: 'count',
};

export function isMetricName(name: string): name is MetricName {
  return (METRIC_NAMES as readonly string[]).includes(name);
}

/** One reading of every metric that could be measured; a metric that could not be read is absent. */
export type MetricSample = Partial<Record<MetricName, number>>;
