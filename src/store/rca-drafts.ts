/** The RCA draft of each incident (the latest one generated). */
import type { SqlDatabase } from './sql.ts';

export interface RcaDraft {
  incidentId: string;
  markdown: string;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

export function createRcaDraftRepository(db: SqlDatabase) {
  const upsert = db.prepare(
    `INSERT INTO rca_drafts (incident_id, markdown, created_by, created_at, updated_at)
     VALUES (@id, @markdown, @by, @at, @at)
     ON CONFLICT (incident_id) DO UPDATE SET
       markdown = excluded.markdown, created_by = excluded.created_by, updated_at = excluded.updated_at`,
  );
  const select = db.prepare<
    [string],
    { incident_id: string; markdown: string; created_by: string; created_at: number; updated_at: number }
  >(`SELECT incident_id, markdown, created_by, created_at, updated_at FROM rca_drafts WHERE incident_id = ?`);
  return {
    save(incidentId: string, markdown: string, by: string, at: number): void {
      upsert.run({ id: incidentId, markdown, by, at });
    },
    get(incidentId: string): RcaDraft | null {
      const r = select.get(incidentId);
      return r
        ? {
            incidentId: r.incident_id,
            markdown: r.markdown,
            createdBy: r.created_by,
            createdAt: r.created_at,
            updatedAt: r.updated_at,
          }
        : null;
    },
  };
}

export type RcaDraftRepository = ReturnType<typeof createRcaDraftRepository>;
