/** User complaints filed from Slack; their count in the observation window is `user_complaints`. */
import type { SqlDatabase } from './sql.ts';

export interface Complaint {
  id: number;
  service: string;
  reportedBy: string;
  text: string;
  at: number;
  incidentId: string | null;
}

interface ComplaintRow {
  id: number;
  service: string;
  reported_by: string;
  text: string;
  at: number;
  incident_id: string | null;
}

const toComplaint = (r: ComplaintRow): Complaint => ({
  id: r.id,
  service: r.service,
  reportedBy: r.reported_by,
  text: r.text,
  at: r.at,
  incidentId: r.incident_id,
});

export function createComplaintRepository(db: SqlDatabase) {
  const insert = db.prepare<
    { service: string; by: string; text: string; at: number; incident: string | null },
    ComplaintRow
  >(
    `INSERT INTO complaints (service, reported_by, text, at, incident_id) VALUES (@service, @by, @text, @at, @incident)
     RETURNING id, service, reported_by, text, at, incident_id`,
  );
  const countSince = db.prepare<[string, number, number], { n: number }>(
    `SELECT count(*) AS n FROM complaints WHERE service = ? AND at > ? AND at <= ?`,
  );
  const recent = db.prepare<[string, number], ComplaintRow>(
    `SELECT id, service, reported_by, text, at, incident_id FROM complaints WHERE service = ? ORDER BY at DESC, id ` +
      `DESC LIMIT ?`,
  );

  return {
    record(c: Omit<Complaint, 'id'>): Complaint {
      // In a transaction: `.get()` of INSERT … RETURNING alone would return a row whose commit failed.
      const row = db.transaction(() =>
        insert.get({ service: c.service, by: c.reportedBy, text: c.text, at: c.at, incident: c.incidentId }),
      )();
      if (!row) throw new Error('complaint insert returned no row');
      return toComplaint(row);
    },
    /** Complaints about the service in (from, to]. */
    count(service: string, from: number, to: number): number {
      return countSince.get(service, from, to)?.n ?? 0;
    },
    recent(service: string, limit = 20): Complaint[] {
      return recent.all(service, limit).map(toComplaint);
    },
  };
}

export type ComplaintRepository = ReturnType<typeof createComplaintRepository>;
