/**
 * The Prometheus registry behind GET /metrics: process metrics from prom-client plus Rewind's own
 * figures, read from the store at scrape time so they can never drift from the database (and are
 * right across restarts), and the API errors the Slack and Kubernetes clients counted since start.
 * deploy/monitoring.yaml alerts on them.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsSnapshot {
  openIncidents: () => number;
  pendingTimers: () => number;
  /** Whether the database took the last heartbeat write (a full disk or a read-only file: no). */
  storeWritable?: () => boolean;
  /** Slack messages waiting in the outbox, and those Slack will never take. */
  outbox?: () => { backlog: number; oldestCreatedAt: number | null; undeliverable: number; now: number };
  /** Mean response times over the last 30 days of real incidents (drills excluded). */
  responseTimes?: () => { incidents: number; mttaMs: number | null; mttrMs: number | null };
  /** Pending timers more than a minute past their due time: the timer loop is stuck or the store refuses writes. */
  overdueTimers?: () => number;
  /** Rollbacks that ended, by strategy, trigger (automatic | manual) and outcome (the status they ended in). */
  rollbackOutcomes?: () => Array<{ strategy: string; trigger: string; outcome: string; count: number }>;
  /** Automatic rollbacks of real incidents that ended with the target verified recovered. */
  incidentsPrevented?: () => number;
  /** How long each rollback that ran to an end took, started → finished. */
  rollbackDurations?: () => Array<{ strategy: string; seconds: number }>;
  /** Slack Web API error answers since start, by method and error code. */
  slackApiErrors?: () => Array<{ method: string; error: string; count: number }>;
  /** Kubernetes API error answers since start: [HTTP status, count]. */
  kubeApiErrors?: () => Array<[number, number]>;
  /** The leader Lease's name, and whether this replica holds it (runs the drift watch). */
  leader?: () => { name: string; leading: boolean };
}

/** Rollbacks run from minutes (immediate) to hours (a cautious canary's five steps of 20 minutes, then verify). */
const ROLLBACK_SECONDS_BUCKETS = [30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400];

export function createMetricsRegistry(snapshot: MetricsSnapshot, version: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'rewind_' });
  new Gauge({
    name: 'rewind_build_info',
    help: 'Always 1; the version label says which Rewind is running.',
    labelNames: ['version'],
    registers: [registry],
  }).set({ version }, 1);
  new Gauge({
    name: 'rewind_open_incidents',
    help: 'Incidents not yet resolved.',
    registers: [registry],
    collect() {
      this.set(snapshot.openIncidents());
    },
  });
  new Gauge({
    name: 'rewind_pending_timers',
    help: 'Durable timers waiting to fire (escalations, phase observations, reminders).',
    registers: [registry],
    collect() {
      this.set(snapshot.pendingTimers());
    },
  });
  const writable = snapshot.storeWritable;
  if (writable) {
    new Gauge({
      name: 'rewind_store_writable',
      help:
        '1 while the database takes writes; 0 while it refuses them (full disk, read-only file), when webhooks ' +
        'answer 500 and work waits.',
      registers: [registry],
      collect() {
        this.set(writable() ? 1 : 0);
      },
    });
  }
  const outbox = snapshot.outbox;
  if (outbox) {
    new Gauge({
      name: 'rewind_outbox_backlog',
      help: 'Slack messages written to the outbox and not sent yet (Slack unreachable, rate limited, or paced).',
      registers: [registry],
      collect() {
        this.set(outbox().backlog);
      },
    });
    new Gauge({
      name: 'rewind_outbox_oldest_seconds',
      help: 'How long the oldest unsent Slack message has waited; 0 when none waits.',
      registers: [registry],
      collect() {
        const o = outbox();
        this.set(o.oldestCreatedAt === null ? 0 : Math.max(0, (o.now - o.oldestCreatedAt) / 1000));
      },
    });
    new Gauge({
      name: 'rewind_slack_messages_undeliverable',
      help:
        'Slack messages given up because Slack said they can never be delivered (channel_not_found, invalid_blocks, ' +
        '…); each is logged.',
      registers: [registry],
      collect() {
        this.set(outbox().undeliverable);
      },
    });
  }
  registerRollbackMetrics(registry, snapshot);
  registerApiErrorMetrics(registry, snapshot);
  const leader = snapshot.leader;
  if (leader) {
    new Gauge({
      name: 'rewind_leader',
      help:
        '1 while this replica holds the leader Lease and runs the drift watch; 0 while another does. Always 1 on ' +
        'SQLite (one replica).',
      labelNames: ['name'],
      registers: [registry],
      collect() {
        const { name, leading } = leader();
        this.set({ name }, leading ? 1 : 0);
      },
    });
  }
  const times = snapshot.responseTimes;
  if (times) {
    // A mean of no incidents is no number: the series is left out until there is one (remove() drops
    // the unlabelled sample, set() brings it back), so a scrape never reads NaN — or a made-up 0.
    const mean = (gauge: Gauge, ms: number | null) => (ms === null ? gauge.remove() : gauge.set(ms / 1000));
    new Gauge({
      name: 'rewind_mtta_seconds',
      help:
        'Mean time from detection to acknowledgement over the last 30 days (drills excluded); absent before the ' +
        'first acknowledgement.',
      registers: [registry],
      collect() {
        mean(this, times().mttaMs);
      },
    });
    new Gauge({
      name: 'rewind_mttr_seconds',
      help:
        'Mean time from detection to resolution over the last 30 days (drills excluded); absent before the first ' +
        'resolution.',
      registers: [registry],
      collect() {
        mean(this, times().mttrMs);
      },
    });
    new Gauge({
      name: 'rewind_incidents_last_30d',
      help: 'Real incidents (drills excluded) that started in the last 30 days.',
      registers: [registry],
      collect() {
        this.set(times().incidents);
      },
    });
  }
  return registry;
}

/** Overdue timers and the ended rollbacks, counted from the store at each scrape. */
function registerRollbackMetrics(registry: Registry, snapshot: MetricsSnapshot): void {
  const { overdueTimers, rollbackOutcomes, incidentsPrevented, rollbackDurations } = snapshot;
  if (overdueTimers) {
    new Gauge({
      name: 'rewind_timers_overdue',
      help:
        'Pending durable timers (escalations, phase observations, reminders, drills) more than a minute past their ' +
        'due time: the timer loop is stuck or the database refuses writes.',
      registers: [registry],
      collect() {
        this.set(overdueTimers());
      },
    });
  }
  // Counters read from the store: each scrape resets them and sets the counts the rows give, which
  // only ever grow, so rate() and increase() work and a restart loses nothing.
  if (rollbackOutcomes) {
    new Counter({
      name: 'rewind_rollbacks_total',
      help:
        'Rollbacks that ended (dry runs left out), by strategy, trigger (automatic: started by Rewind on a critical ' +
        'tier or alert; manual: by a person) and outcome (succeeded, failed, aborted, cancelled).',
      labelNames: ['strategy', 'trigger', 'outcome'],
      registers: [registry],
      collect() {
        this.reset();
        for (const { count, ...labels } of rollbackOutcomes()) this.inc(labels, count);
      },
    });
  }
  if (incidentsPrevented) {
    new Counter({
      name: 'rewind_incidents_prevented_total',
      help: 'Automatic rollbacks of real incidents (drills left out) that ended with the target verified recovered.',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(incidentsPrevented());
      },
    });
  }
  if (rollbackDurations) {
    new Histogram({
      name: 'rewind_rollback_duration_seconds',
      help:
        'How long rollbacks that ran to an end (succeeded, failed, aborted) took, from their first step to their ' +
        'end, by strategy.',
      labelNames: ['strategy'],
      buckets: ROLLBACK_SECONDS_BUCKETS,
      registers: [registry],
      collect() {
        this.reset();
        for (const { strategy, seconds } of rollbackDurations()) this.observe({ strategy }, seconds);
      },
    });
  }
}

/** The API errors the Slack and Kubernetes clients counted since start. */
function registerApiErrorMetrics(registry: Registry, snapshot: MetricsSnapshot): void {
  const { slackApiErrors, kubeApiErrors } = snapshot;
  if (slackApiErrors) {
    new Counter({
      name: 'rewind_slack_api_errors_total',
      help:
        "Slack Web API answers that were errors since start, by method and error code (Slack's error, ratelimited, " +
        'http_<status>, request_failed, timeout); each attempt counts, retries included.',
      labelNames: ['method', 'error'],
      registers: [registry],
      collect() {
        this.reset();
        for (const { method, error, count } of slackApiErrors()) this.inc({ method, error }, count);
      },
    });
  }
  if (kubeApiErrors) {
    new Counter({
      name: 'rewind_kube_api_errors_total',
      help: 'Kubernetes API answers with an error status since start, by HTTP status code (409: a conflict re-read).',
      labelNames: ['code'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [code, count] of kubeApiErrors()) this.inc({ code: String(code) }, count);
      },
    });
  }
}
