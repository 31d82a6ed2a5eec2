/**
 * The real Alertmanager (Debian's /usr/bin/prometheus-alertmanager, 0.25) on 127.0.0.1 with one
 * webhook receiver — Rewind's /alerts/alertmanager in the suite proper, a WebhookSink in the
 * harness's own test. Grouping and repeat intervals are seconds instead of minutes so a
 * notification and its resolution arrive within a test. Clustering is off
 * (`--cluster.listen-address=`): one instance, no gossip port.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startDaemon, statusOf } from './daemon.ts';

export interface AlertmanagerOptions {
  /** Where the webhook receiver POSTs (webhook payload version "4"). */
  webhookUrl: string;
  /** Sent as `Authorization: Bearer <token>` (http_config.authorization). */
  bearerToken?: string;
  /** Name of the receiver, `receiver` in the payload; default `rewind`. */
  receiver?: string;
  /** Default `['alertname', 'service']`. */
  groupBy?: string[];
  /** Default `1s`. */
  groupWait?: string;
  /** Default `1s`. */
  groupInterval?: string;
  /** Default `1m`. */
  repeatInterval?: string;
  /** Default 20 s. */
  startTimeoutMs?: number;
}

/** An entry of GET /api/v2/alerts. */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
  status: { state: 'unprocessed' | 'active' | 'suppressed' };
  receivers: Array<{ name: string }>;
}

export interface RunningAlertmanager {
  /** `http://127.0.0.1:PORT`, for PrometheusOptions.alertmanagerUrl. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Its temporary folder (config and data), removed by stop(). */
  readonly dir: string;
  /** The alerts Alertmanager holds right now. */
  alerts(): Promise<AlertmanagerAlert[]>;
  /** The tail of Alertmanager's log. */
  output(): string;
  /** Kills Alertmanager and removes its folder; safe to call twice. */
  stop(): Promise<void>;
}

export async function startAlertmanager(options: AlertmanagerOptions): Promise<RunningAlertmanager> {
  const receiver = options.receiver ?? 'rewind';
  const daemon = await startDaemon({
    name: 'Alertmanager',
    binary: 'prometheus-alertmanager',
    tempPrefix: 'rewind-e2e-alertmanager-',
    readyTimeoutMs: options.startTimeoutMs ?? 20_000,
    prepare(port, dir) {
      const webhook: Record<string, unknown> = { url: options.webhookUrl, send_resolved: true };
      if (options.bearerToken !== undefined)
        webhook.http_config = { authorization: { type: 'Bearer', credentials: options.bearerToken } };
      const config = {
        route: {
          receiver,
          group_by: options.groupBy ?? ['alertname', 'service'],
          group_wait: options.groupWait ?? '1s',
          group_interval: options.groupInterval ?? '1s',
          repeat_interval: options.repeatInterval ?? '1m',
        },
        receivers: [{ name: receiver, webhook_configs: [webhook] }],
      };
      const configFile = join(dir, 'alertmanager.yml');
      writeFileSync(configFile, stringify(config));
      return [
        `--config.file=${configFile}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // Links in alerts (generatorURL, externalURL) would otherwise name this machine's hostname.
        `--web.external-url=http://127.0.0.1:${port}`,
        '--cluster.listen-address=',
        '--log.level=info',
      ];
    },
    isReady: async (url) => (await statusOf(`${url}/-/ready`)) === 200,
  });

  return {
    url: daemon.url,
    port: daemon.port,
    pid: daemon.pid,
    dir: daemon.dir,
    async alerts() {
      const res = await fetch(`${daemon.url}/api/v2/alerts`, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok)
        throw new Error(`Alertmanager /api/v2/alerts answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      return (await res.json()) as AlertmanagerAlert[];
    },
    output: daemon.output,
    stop: daemon.stop,
  };
}
