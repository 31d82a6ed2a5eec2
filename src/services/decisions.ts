/**
 * The judgment matrix and the non-rollback decisions of the runbook (判断フロー): answers to the
 * three questions are stored as they come, the recommendation is the config matrix's checked
 * against the service and its latest readings (incidentRecommendation), and "Try a fix" / "Fix in
 * next release" move the incident on. Who chose what goes to the timeline.
 */
import { actedBy } from '../domain/actors.ts';
import { IllegalTransitionError } from '../domain/lifecycle.ts';
import { recommend, type Assessment, type Judgment, type Recommendation } from '../domain/matrix.ts';
import type { Action, Actor, Incident } from '../domain/types.ts';
import type { Store } from '../store/index.ts';
import type { Authorizer } from './authorization.ts';
import type { Clock } from '../clock.ts';
import { incidentRecommendation } from './incident-snapshot.ts';
import type { IncidentService } from './incidents.ts';
import type { IncidentNotifier } from './ports.ts';
import { notApprover, ok, refuse, type Outcome } from './refusals.ts';

/** What decisions read and write: the incident and its timeline, the judgment matrix's answers. */
export type DecisionStore = {
  incidents: Pick<Store['incidents'], 'get' | 'timeline'>;
  assessments: Pick<Store['assessments'], 'get' | 'merge'>;
  transaction: Store['transaction'];
};

export interface DecisionServiceOptions {
  store: DecisionStore;
  clock: Clock;
  incidents: IncidentService;
  notifier: IncidentNotifier;
  judgment: Judgment;
  authorizer: Authorizer;
}

const STATUS_FOR: Record<'fix' | 'next_release', 'fixing' | 'deferred'> = { fix: 'fixing', next_release: 'deferred' };

export class DecisionService {
  constructor(private readonly o: DecisionServiceOptions) {}

  /** The incident if it exists and is open, else the refusal to show. */
  openIncident(incidentId: string): Outcome<Incident> {
    const incident = this.o.store.incidents.get(incidentId);
    if (!incident) return refuse({ kind: 'unknown_incident', incidentId });
    if (incident.status === 'resolved') return refuse({ kind: 'incident_resolved', incidentId });
    return ok(incident);
  }

  assessment(incidentId: string): { assessment: Assessment; recommendation: Recommendation | null } {
    const assessment = this.o.store.assessments.get(incidentId);
    return { assessment, recommendation: this.recommendation(incidentId, assessment) };
  }

  private recommendation(incidentId: string, assessment: Assessment): Recommendation | null {
    const incident = this.o.store.incidents.get(incidentId);
    if (!incident) return recommend(this.o.judgment.matrix, assessment);
    return incidentRecommendation(this.o.judgment, incident, assessment, this.o.store.incidents.timeline(incidentId));
  }

  /** Stores matrix answers; once all three are in, the recommendation goes to the timeline and thread. */
  assess(
    incidentId: string,
    answers: Assessment,
    actor: Actor,
  ): Outcome<{ assessment: Assessment; recommendation: Recommendation | null }> {
    // What was there, the merge and the note on the change are one transaction: the same answer handled by two
    // replicas at once is one change, told once.
    return this.o.store.transaction(() => this.merge(incidentId, answers, actor));
  }

  private merge(
    incidentId: string,
    answers: Assessment,
    actor: Actor,
  ): Outcome<{ assessment: Assessment; recommendation: Recommendation | null }> {
    const open = this.openIncident(incidentId);
    if (!open.ok) return open;
    const before = this.assessment(incidentId);
    const assessment = this.o.store.assessments.merge(incidentId, answers, actor.id, this.o.clock.now());
    const recommendation = this.recommendation(incidentId, assessment);
    const changed = JSON.stringify(before.assessment) !== JSON.stringify(assessment);
    if (recommendation && changed) {
      const instead = recommendation.instead
        ? { matrixRecommended: recommendation.instead.matrixAction, insteadBecause: recommendation.instead.reason.kind }
        : {};
      this.o.incidents.record(incidentId, 'assessment', actor, {
        ...assessment,
        recommended: recommendation.action,
        rule: recommendation.rule,
        ...instead,
      });
      this.o.notifier.notice(incidentId, { kind: 'assessment', ...actedBy(actor), assessment, recommendation });
    }
    this.o.notifier.changed(incidentId);
    return ok({ assessment, recommendation });
  }

  /** "Try a fix" or "Fix in next release": no traffic moves, the incident changes state. */
  decide(incidentId: string, action: 'fix' | 'next_release', actor: Actor): Outcome<Incident> {
    const open = this.openIncident(incidentId);
    if (!open.ok) return open;
    const recommended = this.assessment(incidentId).recommendation?.action ?? null;
    try {
      const incident = this.o.incidents.transition(incidentId, STATUS_FOR[action], actor, { action });
      this.recordDecision(incidentId, action, actor, recommended);
      return ok(incident);
    } catch (err) {
      if (err instanceof IllegalTransitionError) {
        return refuse({ kind: 'illegal_transition', incidentId, from: err.from, to: err.to });
      }
      throw err;
    }
  }

  /**
   * Resolving ends escalation and says the service is healthy again: like a rollback, only
   * approvers may do it (audited either way). Acknowledging stays open to everyone.
   */
  async resolve(incidentId: string, actor: Actor): Promise<Outcome<Incident>> {
    const open = this.openIncident(incidentId);
    if (!open.ok) return open;
    const auth = await this.o.authorizer.authorize(actor, 'incident.resolve', incidentId);
    if (!auth.ok) return refuse(notApprover({ kind: 'resolve_incident' }, auth.approvers));
    try {
      return ok(this.o.incidents.resolve(incidentId, actor));
    } catch (err) {
      if (err instanceof IllegalTransitionError)
        return refuse({ kind: 'illegal_transition', incidentId, from: err.from, to: err.to });
      throw err;
    }
  }

  /** Timeline line and thread notice for a chosen action (rollbacks record theirs too). */
  recordDecision(incidentId: string, action: Action, actor: Actor, recommended: Action | null = null): void {
    this.o.incidents.record(incidentId, 'decision', actor, { action, recommended });
    this.o.notifier.notice(incidentId, { kind: 'decision', action, ...actedBy(actor), recommended });
  }
}
