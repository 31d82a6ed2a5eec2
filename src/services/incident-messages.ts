/**
 * Where the notifier's messages about an incident were posted: the head message (kept on the
 * incident, so later changes update it in place) and the stakeholder notice (kept on the timeline).
 * The notifier is built before the services that call it, so it records these through this small
 * port on the store rather than through the incident service; neither write tells the notifier
 * anything, as the incident service's writes would.
 */
import type { Clock } from '../clock.ts';
import type { Actor } from '../domain/types.ts';
import { NotFoundError, type IncidentRepository, type Store } from '../store/index.ts';

export interface PostedMessage {
  channel: string;
  ts: string;
}

/** What the notifier records once Slack has taken one of its messages about an incident. */
export interface IncidentMessageRecorder {
  /** The head message is in Slack: kept on the incident, and its time on the timeline. */
  headPosted(incidentId: string, where: PostedMessage): void;
  /** The stakeholder notice is in Slack: its place on the timeline, so a restarted process updates it. */
  stakeholderNoticePosted(incidentId: string, where: PostedMessage): void;
}

export type IncidentMessageStore = Pick<Store, 'transaction'> & {
  incidents: Pick<IncidentRepository, 'get' | 'update' | 'appendEvent'>;
};

const SLACK: Actor = { kind: 'system', id: 'slack' };
/** The stakeholder notice has always been recorded in the name of the post-incident work that posts it. */
const POST_ACTIONS: Actor = { kind: 'system', id: 'post-actions' };

export class IncidentMessageRecords implements IncidentMessageRecorder {
  constructor(
    private readonly store: IncidentMessageStore,
    private readonly clock: Clock,
  ) {}

  headPosted(incidentId: string, where: PostedMessage): void {
    const { channel, ts } = where;
    // Both or neither: a head message recorded without its timeline line (or the other way round)
    // is never left behind. A drill's decision time counts from this line.
    this.store.transaction(() => {
      this.store.incidents.update({ ...this.incident(incidentId), slackChannel: channel, slackTs: ts });
      this.store.incidents.appendEvent({
        incidentId,
        at: this.clock.now(),
        kind: 'posted',
        actor: SLACK,
        detail: { channel, ts },
      });
    });
  }

  stakeholderNoticePosted(incidentId: string, where: PostedMessage): void {
    this.incident(incidentId);
    this.store.incidents.appendEvent({
      incidentId,
      at: this.clock.now(),
      kind: 'stakeholder_notice',
      actor: POST_ACTIONS,
      detail: { channel: where.channel, ts: where.ts },
    });
  }

  private incident(id: string) {
    const incident = this.store.incidents.get(id);
    if (!incident) throw new NotFoundError('incident', id);
    return incident;
  }
}
