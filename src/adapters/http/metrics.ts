/**
 * The Prometheus registry behind GET /metrics: process metrics from prom-client plus Rewind's own
 * gauges, read from the store at scrape time so they can never drift from the database.
 */
import { Registry, collectDefaultMetrics, Gauge } from 'prom-client';

export interface MetricsSnapshot {
  openIncidents: () => number;
  pendingTimers: () => number;
  /** Whether the database took the last heartbeat write (a full disk or a read-only file: no). */
  storeWritable?: () => boolean;
  /** Slack messages waiting in the outbox, and those Slack will never take. */
  outbox?: () => { backlog: number; oldestCreatedAt: number | null; undeliverable: number; now: number };
  /** Mean response times over the last 30 days of real incidents (drills excluded). */
  responseTimes?: () => { incidents: number; mttaMs: number | null; mttrMs: number | null };
}

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
