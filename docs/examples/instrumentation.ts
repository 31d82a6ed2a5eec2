/**
 * What a Node.js prompt service exports for Rewind's default queries (config/rewind.yml, `metrics.queries` and
 * `metrics.custom`), with prom-client. Copy it into the service: create the metrics once per process, call
 * `record` when a request has been answered, and serve `metricsHandler` on the port Prometheus scrapes.
 * docs/prometheus.md explains each series; test/docs/metrics-contract.test.ts runs this file and checks that every
 * series and label the shipped queries read is served.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Request duration buckets, in seconds. The runbook's latency thresholds (p50 1 s, p95 3 s, p99 10 s) are bounds,
 * so histogram_quantile() is exact where a tier fires instead of interpolated inside a wide bucket.
 */
export const DURATION_BUCKETS_SECONDS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 30, 60];
/** Time-to-first-token buckets, in seconds: streaming answers should start well under a second. */
export const TTFT_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10];

/** What one answered request measured. */
export interface PromptRequestOutcome {
  /** The HTTP status answered; a 5xx counts against error_rate and availability. */
  status: number;
  /** From the request's arrival to the last byte of the answer. */
  durationSeconds: number;
  /** From the request's arrival to the first token streamed back; absent when nothing was streamed. */
  firstTokenSeconds?: number;
  /** What the model calls made for this request cost, in US dollars. */
  costUsd?: number;
  /** The answer failed the service's grounding check (an evaluator model, a citation check, …). */
  hallucinated?: boolean;
}

export interface PromptMetrics {
  /** Serve it with metricsHandler; the fallback chain (src/fallback) can share it for its own counter. */
  readonly registry: Registry;
  record(outcome: PromptRequestOutcome): void;
}

export interface PromptMetricsOptions {
  /** Rewind's service name (the key under `services:` in config/rewind.yml); becomes the `service` label. */
  service: string;
  /** The version this process runs, as in the service's `versions:` list; becomes the `version` label. */
  version: string;
  registry?: Registry;
}

export function createPromptMetrics(options: PromptMetricsOptions): PromptMetrics {
  const registry = options.registry ?? new Registry();
  // Every series of this process carries the two labels Rewind's queries select on.
  registry.setDefaultLabels({ service: options.service, version: options.version });
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'prompt_requests_total',
    help: 'Prompt requests answered, by HTTP status code.',
    labelNames: ['code'],
    registers: [registry],
  });
  // Both series exist from the start: with no 5xx series at all, error_rate would read "no data" instead of 0
  // until the first error, and a version that never failed could not be compared with one that did.
  requests.inc({ code: '200' }, 0);
  requests.inc({ code: '500' }, 0);
  const duration = new Histogram({
    name: 'prompt_request_duration_seconds',
    help: 'Time from a prompt request to the last byte of its answer.',
    buckets: DURATION_BUCKETS_SECONDS,
    registers: [registry],
  });
  const hallucinations = new Counter({
    name: 'prompt_hallucinations_total',
    help: 'Answers that failed the grounding check.',
    registers: [registry],
  });
  const firstToken = new Histogram({
    name: 'prompt_ttft_seconds',
    help: 'Time from a prompt request to the first token streamed back.',
    buckets: TTFT_BUCKETS_SECONDS,
    registers: [registry],
  });
  const cost = new Counter({
    name: 'prompt_cost_usd_total',
    help: 'What the model calls cost, in US dollars.',
    registers: [registry],
  });

  return {
    registry,
    record(outcome) {
      requests.inc({ code: String(outcome.status) });
      duration.observe(outcome.durationSeconds);
      if (outcome.hallucinated) hallucinations.inc();
      if (outcome.firstTokenSeconds !== undefined) firstToken.observe(outcome.firstTokenSeconds);
      if (outcome.costUsd !== undefined) cost.inc(outcome.costUsd);
    },
  };
}

/** GET /metrics in the Prometheus text format; anything else is 404. */
export function metricsHandler(registry: Registry): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
    );
  };
}
