/**
 * Alertmanager webhook bodies as large as the alert routes take: a group of hundreds of alerts
 * (one per pod and rule, the way a bad rollout across a fleet fires them) whose annotations carry
 * the long descriptions, runbook links and PromQL that real rules do. Used by the benchmark and
 * the tests that prove a 1 MiB body neither blocks the bot nor loses an alert.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_MAX_ALERT_BODY_BYTES } from '../../src/adapters/alerts/routes.ts';

export interface BigBodyOptions {
  /** The services the alerts are spread over, round robin. */
  services: readonly string[];
  /** Tells the bodies of one run apart: each tag gives different fingerprints (new alerts, not repeats). */
  tag: string;
  /** The body's size in bytes stays under this; default just under the route's limit. */
  maxBytes?: number;
  /** Each alert's severity label, by its index; default warning. */
  severity?: (index: number) => string;
  /** `resolved` sends the same alerts (same tag) as ended: what Alertmanager sends once they clear. */
  status?: 'firing' | 'resolved';
}

export interface BigBody {
  /** The JSON text, as posted. */
  json: string;
  bytes: number;
  alerts: number;
  /** How many alerts each service got. */
  perService: Map<string, number>;
  fingerprints: string[];
}

const RULES = ['PromptLatencyHigh', 'PromptErrorRateHigh', 'PromptTokenBudgetExceeded', 'PromptHallucinationRateHigh'];

const DESCRIPTION =
  'The p95 completion latency has been above the runbook threshold for more than five minutes. ' +
  'Requests are queueing in the inference gateway and the upstream model provider reports elevated ' +
  'time to first token. Check whether the prompt version deployed most recently increased the ' +
  'context length (few-shot examples, retrieved documents) or the maximum number of output tokens; ' +
  'either raises latency for every request. Compare the canary and stable versions on the dashboard, ' +
  'look at the token counts per request, and if the new version is the cause follow the rollback ' +
  'runbook: gradual reduction when users are only partly affected, immediate switch otherwise.';

function alert(service: string, i: number, tag: string, severity: string, status: 'firing' | 'resolved') {
  const rule = RULES[i % RULES.length] as string;
  const pod = `${service}-7c9d8f6b5-${tag}${i.toString(36).padStart(5, '0')}`;
  const labels = {
    alertname: rule,
    service,
    namespace: 'prompts',
    pod,
    container: 'server',
    instance: `10.${12 + (i % 4)}.${(i >> 8) & 255}.${i & 255}:8080`,
    job: service,
    endpoint: 'http-metrics',
    prometheus: 'monitoring/k8s',
    severity,
    version: 'v2.0.0',
  };
  const expr =
    `histogram_quantile(0.95, sum by (le, pod) ` +
    `(rate(prompt_request_duration_seconds_bucket{service="${service}",pod="${pod}"}[5m]))) > 3`;
  return {
    status,
    labels,
    annotations: {
      summary: `${rule} on ${pod}: p95 latency 4.2 s > 3 s (${severity})`,
      description: `${DESCRIPTION} Pod ${pod} in namespace prompts, container server, instance ${labels.instance}.`,
      runbook_url: `https://runbooks.example.com/prompt-services/${rule.toLowerCase()}#${service}`,
      dashboard: `https://grafana.example.com/d/prompt-latency/prompt-latency?var-service=${service}&var-pod=${pod}&from=now-1h&to=now`,
      query: expr,
    },
    startsAt: new Date(Date.UTC(2026, 0, 5, 8, 55, i % 60)).toISOString(),
    endsAt:
      status === 'resolved' ? new Date(Date.UTC(2026, 0, 5, 9, 30, i % 60)).toISOString() : '0001-01-01T00:00:00Z',
    generatorURL: `http://prometheus-k8s.monitoring.svc:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`,
    fingerprint: createHash('sha256').update(`${tag}/${service}/${i}`).digest('hex').slice(0, 16),
  };
}

/**
 * One Alertmanager (payload version 4) body with as many alerts as fit under `maxBytes`. The alerts
 * go round robin over the services, so every service gets a share of a body of any size.
 */
export function bigAlertmanagerBody(o: BigBodyOptions): BigBody {
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_ALERT_BODY_BYTES - 64;
  const status = o.status ?? 'firing';
  const head = JSON.stringify({
    version: '4',
    status,
    receiver: 'rewind',
    groupKey: '{}/{severity=~"warning|critical"}:{namespace="prompts"}',
    groupLabels: { namespace: 'prompts' },
    commonLabels: { namespace: 'prompts', container: 'server', prometheus: 'monitoring/k8s' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager-main.monitoring.svc:9093',
    truncatedAlerts: 0,
  }).slice(0, -1);
  const prefix = `${head},"alerts":[`;
  const suffix = ']}';
  const parts: string[] = [];
  const perService = new Map<string, number>();
  const fingerprints: string[] = [];
  // The envelope's status is the longer "resolved" for both, for the same reason.
  let bytes = Buffer.byteLength(prefix.replace('"firing"', '"resolved"')) + Buffer.byteLength(suffix);
  for (let i = 0; ; i++) {
    const service = o.services[i % o.services.length] as string;
    const severity = o.severity?.(i) ?? 'warning';
    const a = alert(service, i, o.tag, severity, status);
    const text = JSON.stringify(a);
    // Sized as the larger of the firing and the resolved alert, so the two bodies of one tag hold the same alerts.
    const other = JSON.stringify(alert(service, i, o.tag, severity, status === 'firing' ? 'resolved' : 'firing'));
    const size = Math.max(Buffer.byteLength(text), Buffer.byteLength(other)) + (parts.length > 0 ? 1 : 0);
    if (bytes + size > maxBytes) break;
    parts.push(text);
    bytes += size;
    perService.set(service, (perService.get(service) ?? 0) + 1);
    fingerprints.push(a.fingerprint);
  }
  const json = `${prefix}${parts.join(',')}${suffix}`;
  return { json, bytes: Buffer.byteLength(json), alerts: parts.length, perService, fingerprints };
}
