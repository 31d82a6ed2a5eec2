/** The judgment-matrix answers given for each incident (one row per incident, answers fill in). */
import type { Assessment } from '../domain/matrix.ts';
import type { BusinessImpact, FixTime, UserImpact } from '../domain/types.ts';
import type { Database } from './db.ts';

interface AssessmentRow {
  user_impact: string | null;
  business_impact: string | null;
  fix_time: string | null;
}

function toAssessment(row: AssessmentRow | undefined): Assessment {
  const out: Assessment = {};
  if (row?.user_impact) out.userImpact = row.user_impact as UserImpact;
  if (row?.business_impact) out.businessImpact = row.business_impact as BusinessImpact;
  if (row?.fix_time) out.fixTime = row.fix_time as FixTime;
  return out;
}

export function createAssessmentRepository(db: Database) {
  const select = db.prepare<[string], AssessmentRow>(
    `SELECT user_impact, business_impact, fix_time FROM incident_assessments WHERE incident_id = ?`,
  );
  const upsert = db.prepare(
    `INSERT INTO incident_assessments (incident_id, user_impact, business_impact, fix_time, updated_by, updated_at)
     VALUES (@id, @user_impact, @business_impact, @fix_time, @by, @at)
     ON CONFLICT (incident_id) DO UPDATE SET
       user_impact = coalesce(excluded.user_impact, user_impact),
       business_impact = coalesce(excluded.business_impact, business_impact),
       fix_time = coalesce(excluded.fix_time, fix_time),
       updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
  );

  return {
    get(incidentId: string): Assessment {
      return toAssessment(select.get(incidentId));
    },
    /** Merges the given answers into the stored ones; returns the result. */
    merge(incidentId: string, answers: Assessment, by: string, at: number): Assessment {
      upsert.run({
        id: incidentId,
        user_impact: answers.userImpact ?? null,
        business_impact: answers.businessImpact ?? null,
        fix_time: answers.fixTime ?? null,
        by,
        at,
      });
      return toAssessment(select.get(incidentId));
    },
  };
}

export type AssessmentRepository = ReturnType<typeof createAssessmentRepository>;
