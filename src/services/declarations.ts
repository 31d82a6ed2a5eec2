/**
 * Incidents declared by a person (`/incident declare`): what an alert does when it opens an
 * incident, started by someone who saw the problem before the metrics did. The incident is the
 * same kind of row — one open per service, the head message with the judgment matrix, escalation
 * armed from its start, the timeline — so everything after the declaration is the runbook as usual.
 *
 * Two choices differ from the alert path on purpose:
 * - A declared critical incident never starts the automatic rollback. `autoRollback: critical` is
 *   the config's approval of the critical tier's metric evidence; a declaration is a sentence from
 *   anyone who can see incidents, and letting it switch production traffic would step around the
 *   approvers. It asks for a decision like a critical incident with `autoRollback: off`.
 * - The declarer is the actor of the opening lines, so the timeline (and the RCA drawn from it)
 *   says who declared it, with `declared: true`.
 */
import { busiestVersion } from '../domain/rollback-plan.ts';
import type { Actor, Incident, Tier } from '../domain/types.ts';
import type { Store } from '../store/index.ts';
import type { IncidentService } from './incidents.ts';
import type { ClusterPort } from './ports.ts';

export interface Declaration {
  service: string;
  severity: Tier;
  /** One line, already cut to the length the surface allows; stored as the title. */
  summary: string;
}

/**
 * Where the incident's version came from: the router's split now, or the records (the router could not be read, or
 * there is none).
 */
export type VersionSource = 'router' | 'records';

export type DeclareOutcome =
  | { kind: 'declared'; incident: Incident; versionSource: VersionSource }
  /** The service already has an open incident: everything about the service goes there. */
  | { kind: 'already_open'; incident: Incident }
  | { kind: 'unknown_service'; known: string[] };

/** A declaration writes through the incident service; the store only makes it one transaction. */
export type DeclarationStore = Pick<Store, 'transaction'>;

export interface DeclarationOptions {
  store: DeclarationStore;
  incidents: IncidentService;
  cluster: ClusterPort | null;
  /** Configured services, each with its fallback chain (newest first). */
  chains: Record<string, string[]>;
  /**
   * The version serving by the records: where the last finished rollback left it, else the newest
   * (RollbackRequests.servingVersion).
   */
  recordedVersion: (service: string) => string | null;
  log?: { warn(o: object, m: string): void };
}

export class IncidentDeclarations {
  constructor(private readonly o: DeclarationOptions) {}

  /** The open incident of the service, to refuse before anything slower is asked. */
  openFor(service: string): Incident | null {
    return this.o.incidents.openFor(service);
  }

  async declare(d: Declaration, actor: Actor): Promise<DeclareOutcome> {
    if (!Object.hasOwn(this.o.chains, d.service)) return { kind: 'unknown_service', known: Object.keys(this.o.chains) };
    const before = this.o.incidents.openFor(d.service);
    if (before) return { kind: 'already_open', incident: before };
    const { version, source } = await this.currentVersion(d.service);
    // Reading the router took a while: an alert may have opened the service's incident meanwhile.
    // open() returns that one instead of a second, and the person is pointed to it.
    return this.o.store.transaction((): DeclareOutcome => {
      const { incident, created } = this.o.incidents.open(
        {
          service: d.service,
          version,
          severity: d.severity,
          title: d.summary,
          drill: false,
          detail: { declared: true },
        },
        actor,
      );
      if (!created) return { kind: 'already_open', incident };
      // As the alert path: a watch is a quiet head message; warning and critical ask for a decision.
      if (d.severity !== 'watch')
        this.o.incidents.transition(incident.id, 'awaiting_decision', actor, { tier: d.severity, declared: true });
      return { kind: 'declared', incident: this.o.incidents.get(incident.id), versionSource: source };
    });
  }

  /**
   * The version taking most traffic, as the router says now (the drill plan aims the same way);
   * without a readable router, what the records say is serving.
   */
  private async currentVersion(service: string): Promise<{ version: string | null; source: VersionSource }> {
    const recorded = () => ({ version: this.o.recordedVersion(service), source: 'records' as const });
    if (!this.o.cluster) return recorded();
    try {
      const serving = busiestVersion(await this.o.cluster.forService(service).router.read());
      return serving ? { version: serving, source: 'router' } : recorded();
    } catch (err) {
      this.o.log?.warn(
        { service, err: (err as Error).message },
        'declare: routing could not be read; naming the version the records say is serving',
      );
      return recorded();
    }
  }
}
