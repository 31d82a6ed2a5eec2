/**
 * Alerts from Alertmanager, Grafana or anything that speaks the generic webhook (SPEC section 3):
 * stored and deduplicated by fingerprint, grouped per service into its one open incident (never a
 * message per alert), severities mapped to the runbook's tiers. A critical alert with
 * `autoRollback: critical` starts the immediate rollback by itself; resolved alerts are noted,
 * and when every alert of an incident is resolved the thread offers to resolve it.
 */
import { severityRank } from '../domain/triggers.ts';
import { BOT_ACTOR, type Incident, type Tier } from '../domain/types.ts';
import type { Store } from '../store/index.ts';
import type { Clock } from './clock.ts';
import type { IncidentService } from './incidents.ts';
import type { AlertSink, IncidentAnnouncer, IncidentNotifier, IncomingAlert } from './ports.ts';

/** What the intake needs to start the runbook's automatic rollback. */
export interface AutomaticRollback {
  automatic(incidentId: string, reason: string): Promise<unknown>;
}

export interface AlertIntakeOptions {
  store: Store;
  clock: Clock;
  incidents: IncidentService;
  notifier: IncidentNotifier & IncidentAnnouncer;
  rollbacks: AutomaticRollback;
  services: readonly string[];
  autoRollback: 'critical' | 'off';
  log?: { warn(o: object, m: string): void };
}

export class AlertIntake implements AlertSink {
  constructor(private readonly o: AlertIntakeOptions) {}

  async receive(alerts: IncomingAlert[]): Promise<{ accepted: number; unknownServices: string[] }> {
    const unknown = new Set<string>();
    const touched = new Map<string, { raisedToCritical: boolean }>();
    for (const alert of alerts) {
      const service = alert.service ?? '(no service label)';
      const known = alert.service !== null && this.o.services.includes(alert.service);
      const { alert: stored, outcome } = this.o.store.alerts.upsert({ ...alert, service, receivedAt: this.o.clock.now() });
      if (!known) {
        unknown.add(service);
        // Stored for the record; the incident channel hears about each unknown service once.
        if (this.o.store.processedRequests.remember(`unknown-service:${service}`, this.o.clock.now())) {
          this.o.notifier.announce({ kind: 'unknown_service', service, summary: alert.summary, source: alert.source });
        }
        continue;
      }
      if (outcome === 'unchanged') continue; // a repeat of what we already have
      if (alert.status === 'firing') {
        const { incident, raised } = this.incidentFor(alert);
        this.o.store.alerts.linkIncident(stored.id, incident.id);
        const t = touched.get(incident.id) ?? { raisedToCritical: false };
        touched.set(incident.id, { raisedToCritical: t.raisedToCritical || (raised && incident.severity === 'critical') });
        this.o.incidents.record(incident.id, 'alert', { kind: 'system', id: alert.source }, { fingerprint: alert.fingerprint, severity: alert.severity, summary: alert.summary, status: 'firing' });
        this.o.notifier.notice(incident.id, { kind: 'alert', source: alert.source, severity: alert.severity, summary: alert.summary, status: 'firing' });
      } else {
        const incidentId = stored.incidentId ?? this.o.incidents.openFor(service)?.id;
        if (!incidentId || this.o.store.incidents.get(incidentId)?.status === 'resolved') continue;
        this.o.incidents.record(incidentId, 'alert', { kind: 'system', id: alert.source }, { fingerprint: alert.fingerprint, severity: alert.severity, summary: alert.summary, status: 'resolved' });
        this.o.notifier.notice(incidentId, { kind: 'alert', source: alert.source, severity: alert.severity, summary: alert.summary, status: 'resolved' });
        const stillFiring = this.o.store.alerts.listForIncident(incidentId).filter((a) => a.status === 'firing');
        if (stillFiring.length === 0) this.o.notifier.notice(incidentId, { kind: 'alerts_resolved', incidentId });
        touched.set(incidentId, touched.get(incidentId) ?? { raisedToCritical: false });
      }
    }
    for (const [incidentId, { raisedToCritical }] of touched) {
      this.o.notifier.changed(incidentId);
      if (raisedToCritical && this.o.autoRollback === 'critical') await this.autoRollback(incidentId);
    }
    return { accepted: alerts.length, unknownServices: [...unknown] };
  }

  /** The service's open incident (raised to the alert's tier if higher), or a new one. */
  private incidentFor(alert: IncomingAlert): { incident: Incident; raised: boolean } {
    const service = alert.service as string;
    const open = this.o.incidents.openFor(service);
    if (!open) {
      const { incident } = this.o.incidents.open(
        { service, version: alert.version, severity: alert.severity, title: alert.summary, drill: false, startedAt: Math.min(alert.startsAt, this.o.clock.now()) },
        BOT_ACTOR,
      );
      if (alert.severity !== 'watch') this.o.incidents.transition(incident.id, 'awaiting_decision', BOT_ACTOR, { tier: alert.severity });
      return { incident: this.o.incidents.get(incident.id), raised: true };
    }
    if (severityRank(alert.severity) <= severityRank(open.severity)) return { incident: open, raised: false };
    return { incident: this.raise(open, alert.severity, alert.version), raised: true };
  }

  private raise(incident: Incident, severity: Tier, version: string | null): Incident {
    const raised = this.o.incidents.raiseSeverity(incident.id, severity, version, BOT_ACTOR);
    if (raised.status === 'detected') this.o.incidents.transition(raised.id, 'awaiting_decision', BOT_ACTOR, { tier: severity });
    return this.o.incidents.get(raised.id);
  }

  private async autoRollback(incidentId: string): Promise<void> {
    try {
      await this.o.rollbacks.automatic(incidentId, 'critical alert');
    } catch (err) {
      this.o.log?.warn({ incident: incidentId, err: (err as Error).message }, 'automatic rollback could not start');
    }
  }
}
