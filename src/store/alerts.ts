/** Received alerts, deduplicated by (source, fingerprint): a repeat of the same alert is one row. */
import { z } from 'zod';
import { ALERT_LINK_KINDS, type AlertLinks } from '../domain/alert-links.ts';
import { ALERT_STATUSES, type AlertStatus } from '../domain/timeline.ts';
import type { Tier } from '../domain/types.ts';
import { TIER, parseColumn } from './columns.ts';
import type { SqlDatabase } from './sql.ts';
import { parseJsonColumn, stableJson, toJson } from './json.ts';

export type { AlertStatus };

const ALERT_STATUS = z.enum(ALERT_STATUSES);
const LINKS: z.ZodType<AlertLinks> = z.partialRecord(z.enum(ALERT_LINK_KINDS), z.string());
const STRINGS = z.record(z.string(), z.string());

/** One normalized alert as an adapter hands it over. */
export interface AlertInput {
  /** `alertmanager`, `grafana`, `generic`, `evaluator`, … */
  source: string;
  fingerprint: string;
  service: string;
  version: string | null;
  severity: Tier;
  status: AlertStatus;
  summary: string;
  /** The rule that fired (absent: none). */
  name?: string | null;
  /** Its http(s) links by kind (absent: none). */
  links?: AlertLinks;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  endsAt: number | null;
  receivedAt: number;
}

export interface AlertRecord extends Omit<AlertInput, 'receivedAt' | 'name' | 'links'> {
  id: number;
  name: string | null;
  /** As last received: links are where to look, not what the alert says, so they change nothing. */
  links: AlertLinks;
  /** When this (source, fingerprint) was first received. */
  receivedAt: number;
  /** When it was last received, changed or not. */
  lastReceivedAt: number;
  incidentId: string | null;
}

/** `new`: first time seen. `changed`: seen before, something that matters differs. `unchanged`: a repeat. */
export type AlertUpsertOutcome = 'new' | 'changed' | 'unchanged';
/** What an upsert stored, whether it was new or changed, and whether the alert fired before it. */
export interface AlertUpsert {
  alert: AlertRecord;
  outcome: AlertUpsertOutcome;
  wasFiring: boolean;
}

/** The incident to link a new or changed alert to (null: keep its link as it is); see upsert. */
export type LinkTo = (outcome: Exclude<AlertUpsertOutcome, 'unchanged'>) => string | null;

interface AlertRow {
  id: number;
  source: string;
  fingerprint: string;
  service: string;
  version: string | null;
  severity: string;
  status: string;
  summary: string;
  name: string | null;
  links: string;
  labels: string;
  annotations: string;
  starts_at: number;
  ends_at: number | null;
  received_at: number;
  last_received_at: number;
  incident_id: string | null;
}

const COLUMNS = `id, source, fingerprint, service, version, severity, status, summary, name, links, labels, annotations,
  starts_at, ends_at, received_at, last_received_at, incident_id`;

function toAlert(row: AlertRow): AlertRecord {
  const where = (column: string) => ({ table: 'alerts', id: row.id, column });
  return {
    id: row.id,
    source: row.source,
    fingerprint: row.fingerprint,
    service: row.service,
    version: row.version,
    severity: parseColumn(TIER, row.severity, where('severity')),
    status: parseColumn(ALERT_STATUS, row.status, where('status')),
    summary: row.summary,
    name: row.name,
    links: parseJsonColumn(LINKS, row.links, where('links')),
    labels: parseJsonColumn(STRINGS, row.labels, where('labels')),
    annotations: parseJsonColumn(STRINGS, row.annotations, where('annotations')),
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    receivedAt: row.received_at,
    lastReceivedAt: row.last_received_at,
    incidentId: row.incident_id,
  };
}

/**
 * The parts of an alert whose change is news; receipt times are not, nor are links: two
 * Alertmanager replicas of one HA pair send the same alert with their own externalURL, and that
 * must not make every repeat a new note.
 */
function signature(a: Omit<AlertInput, 'source' | 'fingerprint' | 'receivedAt'>): string {
  return stableJson([
    a.service,
    a.version,
    a.severity,
    a.status,
    a.summary,
    a.name ?? null,
    a.labels,
    a.annotations,
    a.startsAt,
    a.endsAt,
  ]);
}

/** Whether the stored row and `input` agree on every part of the signature that is a plain column. */
function sameColumns(row: AlertRow, input: AlertInput): boolean {
  return (
    row.status === input.status &&
    row.severity === input.severity &&
    row.service === input.service &&
    row.version === (input.version ?? null) &&
    row.summary === input.summary &&
    row.name === (input.name ?? null) &&
    row.starts_at === input.startsAt &&
    row.ends_at === (input.endsAt ?? null)
  );
}

/** The columns an insert or update writes from `input`, as the record reads them back. */
function written(input: AlertInput, links: AlertLinks): Omit<AlertRecord, 'id' | 'receivedAt' | 'incidentId'> {
  return {
    source: input.source,
    fingerprint: input.fingerprint,
    service: input.service,
    version: input.version ?? null,
    severity: input.severity,
    status: input.status,
    summary: input.summary,
    name: input.name ?? null,
    links,
    labels: input.labels,
    annotations: input.annotations,
    startsAt: input.startsAt,
    endsAt: input.endsAt ?? null,
    lastReceivedAt: input.receivedAt,
  };
}

export function createAlertRepository(db: SqlDatabase) {
  const selectByKey = db.prepare<[string, string], AlertRow>(
    `SELECT ${COLUMNS} FROM alerts WHERE source = ? AND fingerprint = ?`,
  );
  const insert = db.prepare(
    `INSERT INTO alerts (source, fingerprint, service, version, severity, status, summary, name, links, labels,
       annotations, starts_at, ends_at, received_at, last_received_at, incident_id)
     VALUES (@source, @fingerprint, @service, @version, @severity, @status, @summary, @name, @links, @labels,
       @annotations, @starts_at, @ends_at, @received_at, @received_at, @incident_id)
     RETURNING id`,
  );
  const update = db.prepare(
    `UPDATE alerts SET service = @service, version = @version, severity = @severity, status = @status,
       summary = @summary, name = @name, links = @links, labels = @labels, annotations = @annotations,
       starts_at = @starts_at, ends_at = @ends_at, last_received_at = @received_at,
       incident_id = COALESCE(CAST(@incident_id AS TEXT), incident_id)
     WHERE id = @id`,
  );
  const touch = db.prepare(`UPDATE alerts SET last_received_at = ?, links = ? WHERE id = ?`);
  const link = db.prepare(`UPDATE alerts SET incident_id = ? WHERE id = ?`);
  const selectForIncident = db.prepare<[string], AlertRow>(
    `SELECT ${COLUMNS} FROM alerts WHERE incident_id = ? ORDER BY received_at, id`,
  );
  const selectFiringForService = db.prepare<[string], AlertRow>(
    `SELECT ${COLUMNS} FROM alerts WHERE service = ? AND status = 'firing' ORDER BY received_at, id`,
  );
  // Through the (service, status) index: the service's firing alerts are visited, never the
  // incident's resolved ones, so resolving an incident's thousands of alerts one by one stays cheap.
  const selectFiringOfIncident = db.prepare<[string, string], { one: number }>(
    `SELECT 1 AS one FROM alerts WHERE service = (SELECT service FROM incidents WHERE id = ?) AND status = 'firing' ` +
      `AND incident_id = ? LIMIT 1`,
  );

  function params(input: AlertInput, incidentId: string | null) {
    return {
      incident_id: incidentId,
      source: input.source,
      fingerprint: input.fingerprint,
      service: input.service,
      version: input.version,
      severity: input.severity,
      status: input.status,
      summary: input.summary,
      name: input.name ?? null,
      links: toJson(input.links ?? {}),
      labels: toJson(input.labels),
      annotations: toJson(input.annotations),
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      received_at: input.receivedAt,
    };
  }

  /**
   * One write (insert, update or touch) after one read, and the record returned is made from what
   * was written rather than read back: the alert intake runs this for each of thousands of alerts
   * in one commit, where a second read and a JSON parse per alert blocked the event loop.
   */
  function upsertOne(input: AlertInput, linkTo?: LinkTo): AlertUpsert {
    const row = selectByKey.get(input.source, input.fingerprint);
    const links = input.links ?? {};
    if (!row) {
      const incidentId = linkTo?.('new') ?? null;
      const { id } = insert.get(params(input, incidentId)) as { id: number };
      const alert = { ...written(input, links), id, receivedAt: input.receivedAt, incidentId };
      return { alert, outcome: 'new', wasFiring: false };
    }
    // The plain columns first: an alert that resolves differs there, and its labels need no reading.
    const existing = sameColumns(row, input) ? toAlert(row) : null;
    if (existing && signature(existing) === signature(input)) {
      touch.run(input.receivedAt, toJson(links), existing.id);
      const alert = { ...existing, links, lastReceivedAt: input.receivedAt };
      return { alert, outcome: 'unchanged', wasFiring: row.status === 'firing' };
    }
    const incidentId = linkTo?.('changed') ?? null;
    update.run({ ...params(input, incidentId), id: row.id });
    const alert = {
      ...written(input, links),
      id: row.id,
      receivedAt: row.received_at,
      incidentId: incidentId ?? row.incident_id,
    };
    return { alert, outcome: 'changed', wasFiring: row.status === 'firing' };
  }
  // Alone, the read and the write hold the write lock together; inside a caller's transaction they
  // already do, and the single write needs no savepoint of its own to be all or nothing.
  const upsertTx = db.transaction(upsertOne);

  return {
    /**
     * Stores an alert, or refreshes the stored one with the same (source, fingerprint). The link to
     * an incident is kept as it was, unless `linkTo` (asked only when the alert is new or changed,
     * before it is written) names one: then it is written with the alert, not in a second write.
     */
    upsert(input: AlertInput, linkTo?: LinkTo): AlertUpsert {
      return db.inTransaction ? upsertOne(input, linkTo) : upsertTx.immediate(input, linkTo);
    },

    get(source: string, fingerprint: string): AlertRecord | null {
      const row = selectByKey.get(source, fingerprint);
      return row ? toAlert(row) : null;
    },

    linkIncident(alertId: number, incidentId: string | null): void {
      link.run(incidentId, alertId);
    },

    /** Oldest first. */
    listForIncident(incidentId: string): AlertRecord[] {
      return selectForIncident.all(incidentId).map(toAlert);
    },

    /**
     * Whether an alert linked to the incident still fires. A firing alert is linked only to the
     * incident of its own service (the alert intake links it when it fires), so the incident's
     * service narrows the search.
     */
    anyFiring(incidentId: string): boolean {
      return selectFiringOfIncident.get(incidentId, incidentId) !== undefined;
    },

    /** Alerts of a service still firing, oldest first. */
    listFiringForService(service: string): AlertRecord[] {
      return selectFiringForService.all(service).map(toAlert);
    },
  };
}

export type AlertRepository = ReturnType<typeof createAlertRepository>;
