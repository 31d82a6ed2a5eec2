/** Incidents and their timelines. A status change and its timeline line are written together. */
import type {
  NewTimelineEvent,
  RecordedEvent,
  RecordedKind,
  RecordedLine,
  StatusEvent,
  TimelineEvent,
  TimelineKind,
} from '../domain/timeline.ts';
import type { Incident, IncidentStatus } from '../domain/types.ts';
import type { Clock } from '../clock.ts';
import { committed, type SqlDatabase } from './sql.ts';
import { IncidentConflictError, OpenIncidentExistsError, isUniqueViolation } from './errors.ts';
import { UnreadableRowError, parseJsonColumn, toJson } from './json.ts';
import { dailyIdSequence } from './sequence.ts';
import { actorColumns, actorOf, INCIDENT_STATUS, TIER, parseColumn } from './columns.ts';
import { DETAIL_SCHEMAS, isTimelineKind } from './timeline-schemas.ts';

/** What a caller supplies to open an incident; the id is generated (`INC-YYYYMMDD-NNN`). */
export type NewIncident = Omit<Incident, 'id'>;

/** A timeline event as stored, with its row id (ties on `at` are ordered by it). */
export type StoredTimelineEvent = TimelineEvent & { id: number };

export type { NewTimelineEvent };

export interface ListIncidentsFilter {
  service?: string;
  /** Only incidents that started at or after this time. */
  since?: number;
  /** Leave out drill incidents (for real MTTA/MTTR). Default false: drills are included. */
  excludeDrills?: boolean;
  /** Default 50. */
  limit?: number;
}

interface IncidentRow {
  id: string;
  service: string;
  version: string | null;
  severity: string;
  status: string;
  title: string;
  drill: number;
  started_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  slack_channel: string | null;
  slack_ts: string | null;
}

interface EventRow {
  id: number;
  incident_id: string;
  at: number;
  kind: string;
  actor_kind: string;
  actor_id: string;
  actor_via: string | null;
  from_status: string | null;
  to_status: string | null;
  detail: string;
}

const COLUMNS = `id, service, version, severity, status, title, drill, started_at, acknowledged_at,
  acknowledged_by, resolved_at, slack_channel, slack_ts`;

function toIncident(row: IncidentRow): Incident {
  return {
    id: row.id,
    service: row.service,
    version: row.version,
    severity: parseColumn(TIER, row.severity, { table: 'incidents', id: row.id, column: 'severity' }),
    status: parseColumn(INCIDENT_STATUS, row.status, { table: 'incidents', id: row.id, column: 'status' }),
    title: row.title,
    drill: row.drill === 1,
    startedAt: row.started_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: row.resolved_at,
    slackChannel: row.slack_channel,
    slackTs: row.slack_ts,
  };
}

const EVENTS = 'timeline_events';

/**
 * A stored line, its details parsed against its kind. A kind this build does not know (written by a
 * newer build, or a misspelling) is refused like any other unreadable row: guessing how to show or
 * count a line of unknown meaning could put a wrong escalation level or decision on the head message.
 */
function toEvent(row: EventRow): StoredTimelineEvent {
  const kind = row.kind;
  if (!isTimelineKind(kind)) throw new UnreadableRowError(EVENTS, row.id, 'kind', `unknown kind "${kind}"`);
  const tagged = parseJsonColumn(DETAIL_SCHEMAS[kind], row.detail, { table: EVENTS, id: row.id, column: 'detail' });
  const base = {
    id: row.id,
    incidentId: row.incident_id,
    at: row.at,
    actor: actorOf(row, { table: EVENTS, id: row.id }),
  };
  if (tagged.kind !== 'status') return { ...base, ...tagged };
  const from = parseColumn(INCIDENT_STATUS, row.from_status, { table: EVENTS, id: row.id, column: 'from_status' });
  const to = parseColumn(INCIDENT_STATUS, row.to_status, { table: EVENTS, id: row.id, column: 'to_status' });
  return { ...base, ...tagged, from, to };
}

/** What the insert needs of any line, whichever way it was typed by its writer. */
interface EventToWrite {
  incidentId: string;
  at: number;
  kind: TimelineKind;
  actor: TimelineEvent['actor'];
  from?: IncidentStatus;
  to?: IncidentStatus;
  detail: unknown;
}

function fields(incident: Incident | NewIncident) {
  return {
    service: incident.service,
    version: incident.version,
    severity: incident.severity,
    status: incident.status,
    title: incident.title,
    drill: incident.drill ? 1 : 0,
    started_at: incident.startedAt,
    acknowledged_at: incident.acknowledgedAt,
    acknowledged_by: incident.acknowledgedBy,
    resolved_at: incident.resolvedAt,
    slack_channel: incident.slackChannel,
    slack_ts: incident.slackTs,
  };
}

export function createIncidentRepository(db: SqlDatabase, clock: Clock) {
  const nextId = dailyIdSequence(db);
  const insert = db.prepare(
    `INSERT INTO incidents (id, service, version, severity, status, title, drill, started_at,
       acknowledged_at, acknowledged_by, resolved_at, slack_channel, slack_ts, created_at, updated_at)
     VALUES (@id, @service, @version, @severity, @status, @title, @drill, @started_at,
       @acknowledged_at, @acknowledged_by, @resolved_at, @slack_channel, @slack_ts, @now, @now)`,
  );
  // The WHERE on status is the optimistic check: the row is written only if nobody moved it first.
  const updateIfStatus = db.prepare(
    `UPDATE incidents SET service = @service, version = @version, severity = @severity,
       status = @status, title = @title, drill = @drill, started_at = @started_at,
       acknowledged_at = @acknowledged_at, acknowledged_by = @acknowledged_by,
       resolved_at = @resolved_at, slack_channel = @slack_channel, slack_ts = @slack_ts,
       updated_at = @now
     WHERE id = @id AND status = @expected`,
  );
  const selectOne = db.prepare<[string], IncidentRow>(`SELECT ${COLUMNS} FROM incidents WHERE id = ?`);
  const selectStatus = db.prepare<[string], { status: string }>(`SELECT status FROM incidents WHERE id = ?`);
  const selectByMessage = db.prepare<[string, string], IncidentRow>(
    `SELECT ${COLUMNS} FROM incidents WHERE slack_channel = ? AND slack_ts = ?`,
  );
  const selectOpenByService = db.prepare<[string], IncidentRow>(
    `SELECT ${COLUMNS} FROM incidents WHERE service = ? AND status <> 'resolved'`,
  );
  const selectOpen = db.prepare<[], IncidentRow>(
    `SELECT ${COLUMNS} FROM incidents WHERE status <> 'resolved' ORDER BY started_at, id`,
  );
  const selectRecent = db.prepare<
    { service: string | null; since: number | null; excludeDrills: number; limit: number },
    IncidentRow
  >(
    `SELECT ${COLUMNS} FROM incidents
     WHERE (CAST(@service AS TEXT) IS NULL OR service = @service)
       AND (CAST(@since AS BIGINT) IS NULL OR started_at >= @since)
       AND (@excludeDrills = 0 OR drill = 0)
     ORDER BY started_at DESC, id DESC
     LIMIT @limit`,
  );
  const insertEvent = db.prepare(
    `INSERT INTO timeline_events (incident_id, at, kind, actor_kind, actor_id, actor_via, from_status, to_status,
       detail)
     VALUES (@incident_id, @at, @kind, @actor_kind, @actor_id, @actor_via, @from_status, @to_status, @detail)
     RETURNING id`,
  );
  const selectTimeline = db.prepare<[string], EventRow>(
    `SELECT id, incident_id, at, kind, actor_kind, actor_id, actor_via, from_status, to_status, detail
     FROM timeline_events WHERE incident_id = ? ORDER BY at, id`,
  );
  const selectTimelineWithout = db.prepare<[string, string], EventRow>(
    `SELECT id, incident_id, at, kind, actor_kind, actor_id, actor_via, from_status, to_status, detail
     FROM timeline_events WHERE incident_id = ? AND kind <> ? ORDER BY at, id`,
  );
  const selectFirstOfKind = db.prepare<[string, string], EventRow>(
    `SELECT id, incident_id, at, kind, actor_kind, actor_id, actor_via, from_status, to_status, detail
     FROM timeline_events WHERE incident_id = ? AND kind = ? ORDER BY at, id LIMIT 1`,
  );

  function writeEvent(event: EventToWrite): number {
    const row = committed(db, () =>
      insertEvent.get({
        incident_id: event.incidentId,
        at: event.at,
        kind: event.kind,
        ...actorColumns(event.actor),
        from_status: event.from ?? null,
        to_status: event.to ?? null,
        detail: toJson(event.detail ?? {}),
      }),
    );
    return (row as { id: number }).id;
  }

  function conflict(id: string, expected: IncidentStatus): IncidentConflictError {
    return new IncidentConflictError(id, expected, selectStatus.get(id)?.status ?? null);
  }

  const createTx = db.transaction((input: NewIncident, events: readonly NewTimelineEvent[]): Incident => {
    const id = nextId('INC', input.startedAt);
    try {
      insert.run({ id, ...fields(input), now: clock.now() });
    } catch (err) {
      const open = isUniqueViolation(err) ? selectOpenByService.get(input.service) : undefined;
      if (open) throw new OpenIncidentExistsError(input.service, open.id);
      throw err;
    }
    for (const event of events) writeEvent({ ...event, incidentId: id });
    return { ...input, id };
  });

  const writeTx = db.transaction((updated: Incident, expected: IncidentStatus, event: EventToWrite | null) => {
    let changes: number;
    try {
      changes = updateIfStatus.run({ ...fields(updated), id: updated.id, expected, now: clock.now() }).changes;
    } catch (err) {
      // Re-opening a resolved incident while another one of the service is open.
      const open = isUniqueViolation(err) ? selectOpenByService.get(updated.service) : undefined;
      if (open) throw new OpenIncidentExistsError(updated.service, open.id);
      throw err;
    }
    if (changes !== 1) throw conflict(updated.id, expected);
    if (event) writeEvent(event);
  });

  return {
    /**
     * Opens an incident. The id comes from the UTC date of `startedAt`. Events given here (e.g. the
     * `detected` line) are written in the same transaction. Throws OpenIncidentExistsError when the
     * service already has an open incident.
     */
    create(input: NewIncident, events: readonly NewTimelineEvent[] = []): Incident {
      return createTx.immediate(input, events);
    },

    get(id: string): Incident | null {
      const row = selectOne.get(id);
      return row ? toIncident(row) : null;
    },

    /** The service's open (not resolved) incident; there is at most one. */
    findOpenByService(service: string): Incident | null {
      const row = selectOpenByService.get(service);
      return row ? toIncident(row) : null;
    },

    /** Every open incident, oldest first. */
    /** The incident whose head message is this Slack message, if any. */
    findByMessage(channel: string, ts: string): Incident | null {
      const row = selectByMessage.get(channel, ts);
      return row ? toIncident(row) : null;
    },

    listOpen(): Incident[] {
      return selectOpen.all().map(toIncident);
    },

    /** Most recent first. */
    listRecent(filter: ListIncidentsFilter = {}): Incident[] {
      return selectRecent
        .all({
          service: filter.service ?? null,
          since: filter.since ?? null,
          excludeDrills: filter.excludeDrills ? 1 : 0,
          limit: filter.limit ?? 50,
        })
        .map(toIncident);
    },

    /**
     * Writes `updated` and appends `event` in one transaction, only if the stored status is still
     * `event.from`. Throws IncidentConflictError (and writes nothing) when it is not.
     */
    applyTransition(updated: Incident, event: StatusEvent): void {
      if (event.incidentId !== updated.id) {
        throw new TypeError(`event is for ${event.incidentId} but the incident is ${updated.id}`);
      }
      if (event.to !== updated.status) {
        throw new TypeError(`event goes to ${event.to} but the incident's status is ${updated.status}`);
      }
      writeTx.immediate(updated, event.from, event);
    },

    /**
     * Writes fields that are not the status (acknowledgement, Slack message, severity, …), optionally
     * with a timeline event. Refused with IncidentConflictError if the stored status differs from
     * `updated.status`: a status change goes through applyTransition.
     */
    update(updated: Incident, event?: RecordedEvent): void {
      writeTx.immediate(updated, updated.status, event ?? null);
    },

    /** Appends one line to a timeline (its details checked against its kind); returns its row id. */
    appendEvent<K extends RecordedKind>(event: RecordedLine<K>): number {
      return writeEvent(event);
    },

    /** The timeline, oldest first (ties in the order they were written). */
    timeline(incidentId: string): StoredTimelineEvent[] {
      return selectTimeline.all(incidentId).map(toEvent);
    },

    /**
     * The timeline without one kind of event: an incident may gather thousands of `alert` lines,
     * and what is drawn on every head-message update never reads them.
     */
    timelineWithout(incidentId: string, kind: TimelineKind): StoredTimelineEvent[] {
      return selectTimelineWithout.all(incidentId, kind).map(toEvent);
    },

    /** The first event of a kind on the incident's timeline, if any. */
    firstOfKind<K extends TimelineKind>(incidentId: string, kind: K): Extract<StoredTimelineEvent, { kind: K }> | null {
      const row = selectFirstOfKind.get(incidentId, kind);
      const event = row ? toEvent(row) : null;
      return event && isOfKind(event, kind) ? event : null;
    },
  };
}

function isOfKind<K extends TimelineKind>(
  event: StoredTimelineEvent,
  kind: K,
): event is Extract<StoredTimelineEvent, { kind: K }> {
  return event.kind === kind;
}

export type IncidentRepository = ReturnType<typeof createIncidentRepository>;
