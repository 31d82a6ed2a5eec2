/**
 * The real Prometheus (Debian's /usr/bin/prometheus) on 127.0.0.1, scraping the test exporter
 * every second, evaluating the given alert rules every second and sending what fires to an
 * Alertmanager. startPrometheus() returns once Prometheus is ready and has scraped every
 * target at least once, so the first query already sees data.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startDaemon, statusOf } from './daemon.ts';
import { waitFor } from './wait.ts';

export interface AlertRule {
  alert: string;
  expr: string;
  /** How long the expression must hold before the alert fires; default `0s`. */
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface PrometheusOptions {
  /** `host:port` of each exporter to scrape (TestExporter.target). */
  targets: string[];
  /** The scrape job's name, Prometheus's `job` label; default `prompt-service`. */
  job?: string;
  /** Default `1s`; the scrape timeout is the same. */
  scrapeInterval?: string;
  /** How often rules are evaluated; default `1s`. */
  evaluationInterval?: string;
  rules?: AlertRule[];
  /** Base URL of an Alertmanager to send alerts to (RunningAlertmanager.url). */
  alertmanagerUrl?: string;
  /** Until ready and every target scraped; default 20 s. */
  startTimeoutMs?: number;
}

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface RangeSeries {
  metric: Record<string, string>;
  /** [unix seconds, value] */
  values: Array<[number, number]>;
}

/** An entry of GET /api/v1/alerts. */
export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

export interface RunningPrometheus {
  /** `http://127.0.0.1:PORT` — what a Rewind config's metrics.prometheus.url would hold. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Its temporary folder (config and data), removed by stop(). */
  readonly dir: string;
  /** Instant query; a scalar answer comes back as one sample without labels. */
  query(promql: string, at?: Date): Promise<Sample[]>;
  /** The value of a query that answers one sample; undefined when it answers none. */
  queryValue(promql: string, at?: Date): Promise<number | undefined>;
  queryRange(promql: string, start: Date, end: Date, stepSeconds: number): Promise<RangeSeries[]>;
  /** Pending and firing alerts. */
  alerts(): Promise<PrometheusAlert[]>;
  /** The tail of Prometheus's log. */
  output(): string;
  /** Kills Prometheus and removes its folder; safe to call twice. */
  stop(): Promise<void>;
}

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
}

async function api<T>(baseUrl: string, path: string, params: Record<string, string> = {}): Promise<T> {
  const url = `${baseUrl}${path}${Object.keys(params).length ? `?${new URLSearchParams(params).toString()}` : ''}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body: ApiAnswer<T>;
  try {
    body = JSON.parse(text) as ApiAnswer<T>;
  } catch {
    throw new Error(`Prometheus ${path} answered ${res.status} with non-JSON: ${text.slice(0, 300)}`);
  }
  if (body.status !== 'success' || body.data === undefined) {
    throw new Error(
      `Prometheus ${path} ${JSON.stringify(params)} failed (${res.status}): ${body.errorType ?? ''} ` +
        `${body.error ?? text.slice(0, 300)}`,
    );
  }
  return body.data;
}

type QueryData =
  | { resultType: 'vector'; result: Array<{ metric: Record<string, string>; value: [number, string] }> }
  | { resultType: 'scalar'; result: [number, string] }
  | { resultType: 'matrix' | 'string'; result: unknown };

const seconds = (d: Date) => String(d.getTime() / 1000);

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  if (options.targets.length === 0) throw new Error('startPrometheus needs at least one scrape target');
  const job = options.job ?? 'prompt-service';
  const scrapeInterval = options.scrapeInterval ?? '1s';
  const evaluationInterval = options.evaluationInterval ?? '1s';

  const daemon = await startDaemon({
    name: 'Prometheus',
    binary: 'prometheus',
    tempPrefix: 'rewind-e2e-prometheus-',
    readyTimeoutMs: options.startTimeoutMs ?? 20_000,
    prepare(port, dir) {
      const config: Record<string, unknown> = {
        global: {
          scrape_interval: scrapeInterval,
          scrape_timeout: scrapeInterval,
          evaluation_interval: evaluationInterval,
        },
        scrape_configs: [{ job_name: job, static_configs: [{ targets: options.targets }] }],
      };
      if (options.rules?.length) {
        const rulesFile = join(dir, 'rules.yml');
        writeFileSync(
          rulesFile,
          stringify({
            groups: [{ name: 'rewind-e2e', interval: evaluationInterval, rules: options.rules.map(ruleYaml) }],
          }),
        );
        config.rule_files = [rulesFile];
      }
      if (options.alertmanagerUrl) {
        const am = new URL(options.alertmanagerUrl);
        config.alerting = {
          alertmanagers: [{ scheme: am.protocol.replace(':', ''), static_configs: [{ targets: [am.host] }] }],
        };
      }
      const configFile = join(dir, 'prometheus.yml');
      writeFileSync(configFile, stringify(config));
      return [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // Links in alerts (generatorURL, externalURL) would otherwise name this machine's hostname.
        `--web.external-url=http://127.0.0.1:${port}`,
        '--log.level=info',
      ];
    },
    isReady: async (url) => (await statusOf(`${url}/-/ready`)) === 200,
  });

  const base = daemon.url;
  const query = async (promql: string, at?: Date): Promise<Sample[]> => {
    const data = await api<QueryData>(
      base,
      '/api/v1/query',
      at ? { query: promql, time: seconds(at) } : { query: promql },
    );
    if (data.resultType === 'vector') return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    if (data.resultType === 'scalar') return [{ metric: {}, value: Number(data.result[1]) }];
    throw new Error(`Prometheus answered a ${data.resultType} to ${promql}; expected a vector or a scalar`);
  };

  const prometheus: RunningPrometheus = {
    url: base,
    port: daemon.port,
    pid: daemon.pid,
    dir: daemon.dir,
    query,
    async queryValue(promql, at) {
      const samples = await query(promql, at);
      if (samples.length > 1)
        throw new Error(
          `${promql} answered ${samples.length} samples; expected at most one: ${JSON.stringify(samples)}`,
        );
      return samples[0]?.value;
    },
    async queryRange(promql, start, end, stepSeconds) {
      const data = await api<{
        resultType: string;
        result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
      }>(base, '/api/v1/query_range', {
        query: promql,
        start: seconds(start),
        end: seconds(end),
        step: String(stepSeconds),
      });
      return data.result.map((r) => ({
        metric: r.metric,
        values: r.values.map(([t, v]) => [t, Number(v)] as [number, number]),
      }));
    },
    async alerts() {
      return (await api<{ alerts: PrometheusAlert[] }>(base, '/api/v1/alerts')).alerts;
    },
    output: daemon.output,
    stop: daemon.stop,
  };

  try {
    await waitFor(
      `Prometheus to scrape ${options.targets.join(', ')}`,
      async () => {
        const up = await query(`up{job="${job}"}`);
        if (up.length === options.targets.length && up.every((s) => s.value === 1)) return true;
        throw new Error(`targets: ${await describeTargets(base)}`);
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
  } catch (err) {
    await daemon.stop();
    throw new Error(`${(err as Error).message}\nPrometheus log:\n${daemon.output()}`, { cause: err });
  }
  return prometheus;
}

function ruleYaml(rule: AlertRule): Record<string, unknown> {
  return {
    alert: rule.alert,
    expr: rule.expr,
    for: rule.for ?? '0s',
    ...(rule.labels ? { labels: rule.labels } : {}),
    ...(rule.annotations ? { annotations: rule.annotations } : {}),
  };
}

async function describeTargets(base: string): Promise<string> {
  try {
    const data = await api<{ activeTargets: Array<{ scrapeUrl: string; health: string; lastError: string }> }>(
      base,
      '/api/v1/targets',
    );
    return (
      data.activeTargets.map((t) => `${t.scrapeUrl} ${t.health}${t.lastError ? ` (${t.lastError})` : ''}`).join('; ') ||
      'none'
    );
  } catch (err) {
    return `unknown (${(err as Error).message})`;
  }
}
