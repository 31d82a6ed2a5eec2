/**
 * Alerts from Alertmanager, Grafana or anything that speaks the generic webhook:
 * stored and deduplicated by fingerprint, grouped per service into its one open incident (never a
 * message per alert), severities mapped to the runbook's tiers. A critical alert with
 * `autoRollback: critical` starts the immediate rollback by itself; resolved alerts are noted,
 * and when every alert of an incident is resolved the thread offers to resolve it.
 *
 * The answer waits for the database only. Everything the alerts cause is written in the one
 * transaction that stores them: the incident, its timeline, the Slack messages to send (queued in
 * the outbox) and, for an incident raised to critical, the automatic rollback as a durable timer
 * due now. Slack and Kubernetes work all happens after the answer, and a crash right after the
 * answer loses none of it.
 */
import { channel } from 'node:diagnostics_channel';
import { z } from 'zod';
import { severityRank } from '../domain/triggers.ts';
import { BOT_ACTOR, type Incident, type Tier } from '../domain/types.ts';
import type { Store } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import type { IncidentService } from './incidents.ts';
import type { AlertAnswer, AlertSink, IncidentAnnouncer, IncidentNotifier, IncomingAlert } from './ports.ts';
import { defineTimer, type TimerService } from './timers.ts';
import { UnknownServices, type UnknownServicesStore } from './unknown-services.ts';

export const AUTOMATIC_ROLLBACK_TIMER = 'automatic-rollback';
const automaticRollbackTimer = defineTimer(AUTOMATIC_ROLLBACK_TIMER, z.object({ incidentId: z.string() }));
/** Unknown services a webhook's answer names; the rest are counted (a 6,500-label webhook gets a short answer). */
export const UNKNOWN_SERVICES_ANSWERED = 100;

/** What the intake needs to start the runbook's automatic rollback. */
export interface AutomaticRollback {
  automatic(incidentId: string, reason: string): Promise<unknown>;
}

/** What the intake reads and writes: alerts, their incidents, and the unknown services' memory. */
export type AlertIntakeStore = Pick<Store, 'transaction'> & {
  alerts: Pick<Store['alerts'], 'upsert' | 'linkIncident' | 'anyFiring'>;
  incidents: Pick<Store['incidents'], 'get'>;
} & UnknownServicesStore;

export interface AlertIntakeOptions {
  store: AlertIntakeStore;
  clock: Clock;
  incidents: IncidentService;
  notifier: IncidentNotifier & IncidentAnnouncer;
  rollbacks: AutomaticRollback;
  timers: TimerService;
  services: readonly string[];
  autoRollback: 'critical' | 'off';
  log?: { warn(o: object, m: string): void };
}

/**
 * The alerts one commit takes when several deliveries wait: the commit blocks the event loop
 * (SQLite transactions are synchronous), about 0.1 ms per alert, so a burst of small deliveries
 * shares a commit while big ones get a commit each.
 */
export const ALERTS_PER_COMMIT = 250;
/** The pause between two commits while deliveries wait (see flush). */
const COMMIT_GAP_MS = 5;
/** Marks along an alert's way to Slack, for `npm run bench`; nothing is published while nobody listens. */
const alertPath = channel('rewind:alert-path');

/** One webhook delivery waiting for the next commit. */
interface Delivery {
  alerts: IncomingAlert[];
  resolve(answer: AlertAnswer): void;
  reject(err: unknown): void;
}

export class AlertIntake implements AlertSink {
  private pending: Delivery[] = [];
  /** A flush is due or running; deliveries arriving meanwhile wait for one of its commits. */
  private flushing = false;
  private readonly unknownServices: UnknownServices;

  constructor(private readonly o: AlertIntakeOptions) {
    this.unknownServices = new UnknownServices({
      store: o.store,
      clock: o.clock,
      timers: o.timers,
      notifier: o.notifier,
    });
    // A failure here (the database) is retried by the timer; a refusal is the rollback service's to tell.
    o.timers.on(automaticRollbackTimer, async (t) => {
      await o.rollbacks.automatic(t.payload.incidentId, 'critical alert');
    });
  }

  /**
   * Stores the alerts and everything they cause — incidents opened or raised, timeline lines, the
   * Slack messages to send, the automatic rollback's timer — and resolves once that is committed,
   * so a sender told 202 has all of it on disk and a sender told 500 (rolled back) finds none of it
   * when it retries. Deliveries that arrive together (an Alertmanager burst) share a
   * transaction, each in its own savepoint: one commit for the burst instead of several per alert,
   * and one bad delivery fails alone. A commit takes up to ALERTS_PER_COMMIT alerts (a delivery is
   * never split: it is stored whole or not at all), and the event loop gets a turn between commits,
   * so a slash command arriving during three 1 MiB webhooks waits for one commit, not for all three.
   */
  receive(alerts: IncomingAlert[]): Promise<AlertAnswer> {
    return new Promise((resolve, reject) => {
      this.pending.push({ alerts, resolve, reject });
      // Whatever else arrived in this turn of the event loop (the bodies read in the same pass over
      // the sockets) joins the batch; an idle bot waits for nothing, not even a timer's millisecond:
      // a lone alert is committed as soon as the turn that read it ends.
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    try {
      this.commit(this.nextCommit());
    } finally {
      // A few milliseconds, not a loop or setImmediate: a request that came in during this commit
      // (a slash command on a new connection) needs several turns of the event loop — accept, read,
      // its handler — and gets them all before the next commit blocks the loop again.
      if (this.pending.length > 0) setTimeout(() => this.flush(), COMMIT_GAP_MS);
      else this.flushing = false;
    }
  }

  /** The oldest deliveries waiting, as many as fit in one commit; at least one, however big. */
  private nextCommit(): Delivery[] {
    let alerts = 0;
    let count = 0;
    for (const d of this.pending) {
      if (count > 0 && alerts + d.alerts.length > ALERTS_PER_COMMIT) break;
      alerts += d.alerts.length;
      count++;
    }
    return this.pending.splice(0, count);
  }

  private commit(batch: Delivery[]): void {
    let stored: Array<AlertAnswer | { failed: unknown }>;
    if (alertPath.hasSubscribers) alertPath.publish('commit-start');
    try {
      stored = this.o.store.transaction(() => {
        const results = batch.map((d) => {
          try {
            // The delivery's alert notes are joined in memory and written once, inside its savepoint.
            return this.o.store.transaction(() => this.o.notifier.batch(() => this.store(d.alerts)));
          } catch (failed) {
            return { failed };
          }
        });
        for (const id of new Set(results.flatMap((r) => ('touched' in r ? [...r.touched] : []))))
          this.o.notifier.changed(id);
        return results.map((r) => ('failed' in r ? r : answerOf(r.accepted, r.unknown)));
      });
    } catch (err) {
      for (const d of batch) d.reject(err);
      return;
    }
    if (alertPath.hasSubscribers) alertPath.publish('committed');
    for (const [i, d] of batch.entries()) {
      const r = stored[i];
      if (!r || 'failed' in r) d.reject(r?.failed ?? new Error('the alerts were not stored'));
      else d.resolve(r);
    }
  }

  /**
   * One delivery, inside its savepoint: what it stores and every message and timer it causes
   * commit together, or not at all.
   */
  private store(alerts: IncomingAlert[]) {
    const unknown = new Set<string>();
    const touched = new Set<string>();
    const now = this.o.clock.now();
    for (const alert of alerts) {
      const service = alert.service ?? '(no service label)';
      const known = alert.service !== null && this.o.services.includes(alert.service);
      const { alert: stored, outcome } = this.o.store.alerts.upsert({
        ...alert,
        service,
        receivedAt: this.o.clock.now(),
      });
      if (!known) {
        unknown.add(service);
        // Stored for the record; the incident channel hears about it within bounds (unknown-services.ts).
        this.unknownServices.seen(service, alert, now);
        continue;
      }
      if (outcome === 'unchanged') continue; // a repeat of what we already have
      const what = {
        fingerprint: alert.fingerprint,
        severity: alert.severity,
        summary: alert.summary,
        status: alert.status,
      };
      const note = {
        kind: 'alert' as const,
        source: alert.source,
        severity: alert.severity,
        summary: alert.summary,
        status: alert.status,
        name: alert.name ?? null,
        links: alert.links ?? {},
      };
      if (alert.status === 'firing') {
        const { incident, raised } = this.incidentFor(alert);
        this.o.store.alerts.linkIncident(stored.id, incident.id);
        touched.add(incident.id);
        this.o.incidents.record(incident.id, 'alert', { kind: 'system', id: alert.source }, what);
        this.o.notifier.notice(incident.id, note);
        if (raised && incident.severity === 'critical' && this.o.autoRollback === 'critical') {
          // Due now, run after the answer; keyed by incident, so it is started once whatever repeats.
          this.o.timers.schedule({
            kind: automaticRollbackTimer,
            key: `${AUTOMATIC_ROLLBACK_TIMER}:${incident.id}`,
            dueAt: this.o.clock.now(),
            payload: { incidentId: incident.id },
          });
        }
      } else {
        const incidentId = stored.incidentId ?? this.o.incidents.openFor(service)?.id;
        if (!incidentId || this.o.store.incidents.get(incidentId)?.status === 'resolved') continue;
        this.o.incidents.record(incidentId, 'alert', { kind: 'system', id: alert.source }, what);
        this.o.notifier.notice(incidentId, note);
        // Asked, not listed: this runs for every resolved alert, and an incident may hold thousands.
        if (!this.o.store.alerts.anyFiring(incidentId))
          this.o.notifier.notice(incidentId, { kind: 'alerts_resolved', incidentId });
        touched.add(incidentId);
      }
    }
    return { accepted: alerts.length, unknown, touched };
  }

  /** The service's open incident (raised to the alert's tier if higher), or a new one. */
  private incidentFor(alert: IncomingAlert): { incident: Incident; raised: boolean } {
    const service = alert.service as string;
    const open = this.o.incidents.openFor(service);
    if (!open) {
      const { incident } = this.o.incidents.open(
        {
          service,
          version: alert.version,
          severity: alert.severity,
          title: alert.summary,
          drill: false,
          startedAt: Math.min(alert.startsAt, this.o.clock.now()),
        },
        BOT_ACTOR,
      );
      if (alert.severity !== 'watch')
        this.o.incidents.transition(incident.id, 'awaiting_decision', BOT_ACTOR, { tier: alert.severity });
      return { incident: this.o.incidents.get(incident.id), raised: true };
    }
    if (severityRank(alert.severity) <= severityRank(open.severity)) return { incident: open, raised: false };
    return { incident: this.raise(open, alert.severity, alert.version), raised: true };
  }

  private raise(incident: Incident, severity: Tier, version: string | null): Incident {
    const raised = this.o.incidents.raiseSeverity(incident.id, severity, version, BOT_ACTOR);
    if (raised.status === 'detected')
      this.o.incidents.transition(raised.id, 'awaiting_decision', BOT_ACTOR, { tier: severity });
    return this.o.incidents.get(raised.id);
  }
}

function answerOf(accepted: number, unknown: ReadonlySet<string>): AlertAnswer {
  const unknownServices = [...unknown].slice(0, UNKNOWN_SERVICES_ANSWERED);
  return unknown.size > unknownServices.length
    ? { accepted, unknownServices, unknownServiceCount: unknown.size }
    : { accepted, unknownServices };
}
