/**
 * The Prometheus registry behind GET /metrics: process metrics from prom-client plus Rewind's own
 * gauges, read from the store at scrape time so they can never drift from the database.
 */
import { Registry, collectDefaultMetrics, Gauge } from 'prom-client';

export interface MetricsSnapshot {
  openIncidents: () => number;
  pendingTimers: () => number;
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
  return registry;
}
