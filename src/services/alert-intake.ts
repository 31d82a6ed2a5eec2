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
  alerts: Pick<Store['alerts'], 'upsert' | 'anyFiring'>;
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

/** The incident an alert goes to, and whether the alert opened or raised it. */
interface IncidentFound {
  incident: Incident;
  raised: boolean;
}

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
      // its handler — and gets them all before the next commit blocks the loop again. Then two more
      // passes over the sockets: other work (the next body's slices, a collection) may have filled
      // the gap, and a connection accepted in one pass is read only in the next.
      if (this.pending.length > 0) setTimeout(() => afterTwoPolls(() => this.flush()), COMMIT_GAP_MS);
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
   * commit together, or not at all. Each incident is read once per delivery and then held as this
   * delivery writes it: nothing else runs until the commit (it is synchronous), and a delivery of
   * hundreds of alerts for one service read it again for every one of them.
   */
  private store(alerts: IncomingAlert[]) {
    const unknown = new Set<string>();
    const touched = new Set<string>();
    const now = this.o.clock.now();
    const held = new HeldIncidents(this.o.incidents, this.o.store.incidents);
    for (const alert of alerts) {
      const service = alert.service ?? '(no service label)';
      const known = alert.service !== null && this.o.services.includes(alert.service);
      // A new or changed firing alert of a known service goes to its incident: found (or opened)
      // before the alert is written, so the link is written with it rather than in a second write.
      const linked: IncidentFound[] = [];
      const linkTo = () => {
        const found = this.incidentFor(alert, held.peek(service));
        held.keep(found.incident);
        linked.push(found);
        return found.incident.id;
      };
      const {
        alert: stored,
        outcome,
        wasFiring,
      } = this.o.store.alerts.upsert(
        { ...alert, service, receivedAt: this.o.clock.now() },
        known && alert.status === 'firing' ? linkTo : undefined,
      );
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
      const [found] = linked;
      if (found) {
        const { incident, raised } = found;
        touched.add(incident.id);
        this.o.incidents.record(incident, 'alert', { kind: 'system', id: alert.source }, what);
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
        const incident = stored.incidentId ? held.get(stored.incidentId) : held.openFor(service);
        if (!incident || incident.status === 'resolved') continue;
        this.o.incidents.record(incident, 'alert', { kind: 'system', id: alert.source }, what);
        this.o.notifier.notice(incident.id, note);
        // Said when the last firing alert resolves, not again for a resolved alert never seen firing. Asked, not
        // listed: this runs for every resolved alert, and an incident may hold thousands.
        if (wasFiring && !this.o.store.alerts.anyFiring(incident.id))
          this.o.notifier.notice(incident.id, { kind: 'alerts_resolved', incidentId: incident.id });
        touched.add(incident.id);
      }
    }
    return { accepted: alerts.length, unknown, touched };
  }

  /**
   * The service's open incident (raised to the alert's tier if higher), or a new one. `held` is the
   * open one as this delivery holds it; when it holds none, opening looks (one read, not two).
   */
  private incidentFor(alert: IncomingAlert, held: Incident | null | undefined): IncidentFound {
    let open = held ?? null;
    if (!open) {
      const { incident, created } = this.o.incidents.open(
        {
          service: alert.service as string,
          version: alert.version,
          severity: alert.severity,
          title: alert.summary,
          drill: false,
          startedAt: Math.min(alert.startsAt, this.o.clock.now()),
        },
        BOT_ACTOR,
      );
      if (created && alert.severity === 'watch') return { incident, raised: true };
      if (created) {
        const tier = { tier: alert.severity };
        return { incident: this.o.incidents.transition(incident, 'awaiting_decision', BOT_ACTOR, tier), raised: true };
      }
      open = incident;
    }
    if (severityRank(alert.severity) <= severityRank(open.severity)) return { incident: open, raised: false };
    return { incident: this.raise(open, alert.severity, alert.version), raised: true };
  }

  private raise(incident: Incident, severity: Tier, version: string | null): Incident {
    const raised = this.o.incidents.raiseSeverity(incident, severity, version, BOT_ACTOR);
    if (raised.status !== 'detected') return raised;
    return this.o.incidents.transition(raised, 'awaiting_decision', BOT_ACTOR, { tier: severity });
  }
}

/**
 * The incidents one delivery reads, each read once and then kept as the delivery changes it: the
 * open one per service, and any by id (a resolved alert's incident).
 */
class HeldIncidents {
  private readonly open = new Map<string, Incident | null>();
  private readonly byId = new Map<string, Incident | null>();

  constructor(
    private readonly service: Pick<IncidentService, 'openFor'>,
    private readonly store: Pick<Store['incidents'], 'get'>,
  ) {}

  openFor(service: string): Incident | null {
    if (!this.open.has(service)) this.remember(service, this.service.openFor(service));
    return this.open.get(service) ?? null;
  }

  /** The service's open incident as held (null: none), or undefined when not read yet. */
  peek(service: string): Incident | null | undefined {
    return this.open.get(service);
  }

  get(id: string): Incident | null {
    if (!this.byId.has(id)) this.byId.set(id, this.store.get(id));
    return this.byId.get(id) ?? null;
  }

  /** The delivery opened, raised or moved the incident: this is it now. */
  keep(incident: Incident): void {
    this.remember(incident.service, incident);
  }

  private remember(service: string, incident: Incident | null): void {
    this.open.set(service, incident && incident.status !== 'resolved' ? incident : null);
    if (incident) this.byId.set(incident.id, incident);
  }
}

/** Runs `fn` once the event loop has polled its sockets twice more (setImmediate runs after a poll). */
function afterTwoPolls(fn: () => void): void {
  setImmediate(() => setImmediate(fn));
}

function answerOf(accepted: number, unknown: ReadonlySet<string>): AlertAnswer {
  const unknownServices = [...unknown].slice(0, UNKNOWN_SERVICES_ANSWERED);
  return unknown.size > unknownServices.length
    ? { accepted, unknownServices, unknownServiceCount: unknown.size }
    : { accepted, unknownServices };
}
