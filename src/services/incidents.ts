/**
 * Incidents: open one per service, move it through the lifecycle, keep its timeline. The rules
 * (which transitions are legal, what an acknowledgement means) are the domain's; this service adds
 * the clock, the store and the escalation timers that start and stop with an incident.
 */
import { actedBy } from '../domain/actors.ts';
import {
  acknowledge as ackIncident,
  openIncident,
  transition as applyTransition,
  type AckOutcome,
  type NewIncident,
} from '../domain/lifecycle.ts';
import { severityRank } from '../domain/triggers.ts';
import type { BreachRecord, RecordedKind, StatusDetail, TimelineDetail } from '../domain/timeline.ts';
import type { Actor, Incident, IncidentStatus, Tier } from '../domain/types.ts';
import { NotFoundError, type Store, type StoredTimelineEvent } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import type { IncidentNotifier } from './ports.ts';
import type { StakeholderPort } from './post-actions.ts';

/** What the incident service needs from escalation: arm the levels on open, disarm them on resolve. */
export interface EscalationPort {
  arm(incident: Incident): void;
  disarm(incidentId: string): void;
}

export interface OpenRequest extends Omit<NewIncident, 'startedAt'> {
  /** Detection time when it is earlier than now (an alert's startsAt); default now. */
  startedAt?: number;
  /** The conditions that held when it was detected, shown on the head message. */
  breaches?: BreachRecord[];
  /** More about how it was opened, kept on the timeline's opening line (a declaration says so). */
  detail?: Pick<TimelineDetail<'detected'>, 'declared'>;
}

/** What the incident service reads and writes: the incidents and their timelines, nothing else. */
export type IncidentStore = {
  incidents: Pick<
    Store['incidents'],
    'findOpenByService' | 'create' | 'get' | 'applyTransition' | 'update' | 'appendEvent' | 'listOpen' | 'timeline'
  >;
};

export interface IncidentServiceOptions {
  store: IncidentStore;
  clock: Clock;
  escalations: EscalationPort;
  notifier: IncidentNotifier;
  /** Told when an incident opens at or rises to `from` (config slack.stakeholderSeverity). */
  stakeholders: { port: StakeholderPort; from: Tier };
  /**
   * The drill running on a service, if any. An incident opened on a service while a drill runs
   * there is the drill's, marked as a drill everywhere.
   */
  drillOn: (service: string) => string | null;
}

export class IncidentService {
  private readonly store: IncidentStore;
  private readonly clock: Clock;
  private readonly escalations: EscalationPort;
  private readonly notifier: IncidentNotifier;
  private readonly stakeholders: IncidentServiceOptions['stakeholders'];
  private readonly drillOn: (service: string) => string | null;

  constructor(options: IncidentServiceOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.escalations = options.escalations;
    this.notifier = options.notifier;
    this.stakeholders = options.stakeholders;
    this.drillOn = options.drillOn;
  }

  /**
   * Opens an incident for the service, or returns the one already open: a service has at most one
   * open incident, and everything about it lands there.
   */
  open(request: OpenRequest, actor: Actor): { incident: Incident; created: boolean } {
    const existing = this.store.incidents.findOpenByService(request.service);
    if (existing) return { incident: existing, created: false };
    const { breaches = [], detail = {}, ...fields } = request;
    const drillId = this.drillOn(request.service);
    const { incident, event } = openIncident(
      { ...fields, drill: fields.drill || drillId !== null, startedAt: request.startedAt ?? this.clock.now() },
      actor,
    );
    const created = this.store.incidents.create(incident, [
      { ...event, detail: { ...detail, ...event.detail, breaches, ...(drillId ? { drillId } : {}) } },
    ]);
    this.escalations.arm(created);
    this.notifier.changed(created.id);
    this.tellStakeholders(created);
    return { incident: created, created: true };
  }

  get(id: string): Incident {
    const incident = this.store.incidents.get(id);
    if (!incident) throw new NotFoundError('incident', id);
    return incident;
  }

  /**
   * Moves the incident to `to`; an illegal move throws IllegalTransitionError and writes nothing.
   * Given the incident itself rather than its id, it is not read again: the caller read it in its
   * own transaction and wrote it since only through this service (the alert intake, thousands of
   * alerts in one commit). The write is conditional on the status, so a stale one is refused.
   */
  transition(of: string | Incident, to: IncidentStatus, actor: Actor, detail: StatusDetail = {}): Incident {
    const current = typeof of === 'string' ? this.get(of) : of;
    const id = current.id;
    const { incident, event } = applyTransition(current, to, actor, this.clock.now(), detail);
    this.store.incidents.applyTransition(incident, event);
    if (to === 'resolved') {
      this.escalations.disarm(id);
      this.notifier.notice(id, { kind: 'resolved', ...actedBy(actor), incidentId: id });
    }
    this.notifier.changed(id);
    return incident;
  }

  resolve(id: string, actor: Actor, detail: StatusDetail = {}): Incident {
    return this.transition(id, 'resolved', actor, detail);
  }

  acknowledge(id: string, actor: Actor): { incident: Incident; outcome: AckOutcome } {
    const { incident, event, outcome } = ackIncident(this.get(id), actor, this.clock.now());
    if (event) {
      this.store.incidents.update(incident, event);
      this.notifier.notice(id, { kind: 'acknowledged', ...actedBy(actor) });
      this.notifier.changed(id);
    }
    return { incident, outcome };
  }

  /**
   * Appends a line to the timeline that is not a status change (a decision, an alert, a complaint):
   * its details are those of its kind, checked when it is compiled.
   */
  record<K extends RecordedKind>(of: string | Incident, kind: K, actor: Actor, detail: TimelineDetail<K>): void {
    // An id is checked first (NotFoundError); an incident the caller holds is known to exist.
    const id = typeof of === 'string' ? this.get(of).id : of.id;
    this.store.incidents.appendEvent({ incidentId: id, at: this.clock.now(), kind, actor, detail });
  }

  /**
   * A higher tier fired for the open incident: raise its severity (never lowers it). Like
   * transition, it takes the incident as the caller holds it, on the same terms, or its id.
   */
  raiseSeverity(of: string | Incident, severity: Incident['severity'], version: string | null, actor: Actor): Incident {
    const incident = typeof of === 'string' ? this.get(of) : of;
    const id = incident.id;
    const updated = { ...incident, severity, version: incident.version ?? version };
    this.store.incidents.update(updated, {
      incidentId: id,
      at: this.clock.now(),
      kind: 'severity',
      actor,
      detail: { from: incident.severity, to: severity },
    });
    this.notifier.notice(id, { kind: 'severity_raised', from: incident.severity, to: severity });
    this.notifier.changed(id);
    this.tellStakeholders(updated);
    return updated;
  }

  /**
   * People outside the team hear of an incident once it is serious enough, not only after the
   * rollback half an hour in: at the configured severity the stakeholder notice is posted (and, on
   * a later rise, brought up to date — the port keeps it one message per incident).
   */
  private tellStakeholders(incident: Incident): void {
    if (severityRank(incident.severity) >= severityRank(this.stakeholders.from))
      this.stakeholders.port.stakeholderNotice(incident.id);
  }

  /** The open incident of a service, if any. */
  openFor(service: string): Incident | null {
    return this.store.incidents.findOpenByService(service);
  }

  listOpen(): Incident[] {
    return this.store.incidents.listOpen();
  }

  timeline(id: string): StoredTimelineEvent[] {
    this.get(id);
    return this.store.incidents.timeline(id);
  }
}
