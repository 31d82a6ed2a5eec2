/** The judgment-matrix answers given for each incident (one row per incident, answers fill in). */
import { z } from 'zod';
import type { Assessment } from '../domain/matrix.ts';
import { BUSINESS_IMPACTS, FIX_TIMES, USER_IMPACTS } from '../domain/types.ts';
import { parseColumn } from './columns.ts';
import type { SqlDatabase } from './sql.ts';

const USER_IMPACT = z.enum(USER_IMPACTS).nullable();
const BUSINESS_IMPACT = z.enum(BUSINESS_IMPACTS).nullable();
const FIX_TIME = z.enum(FIX_TIMES).nullable();

interface AssessmentRow {
  incident_id: string;
  user_impact: string | null;
  business_impact: string | null;
  fix_time: string | null;
}

function toAssessment(row: AssessmentRow | undefined): Assessment {
  const out: Assessment = {};
  if (!row) return out;
  const where = (column: string) => ({ table: 'incident_assessments', id: row.incident_id, column });
  const userImpact = parseColumn(USER_IMPACT, row.user_impact, where('user_impact'));
  const businessImpact = parseColumn(BUSINESS_IMPACT, row.business_impact, where('business_impact'));
  const fixTime = parseColumn(FIX_TIME, row.fix_time, where('fix_time'));
  if (userImpact) out.userImpact = userImpact;
  if (businessImpact) out.businessImpact = businessImpact;
  if (fixTime) out.fixTime = fixTime;
  return out;
}

export function createAssessmentRepository(db: SqlDatabase) {
  const select = db.prepare<[string], AssessmentRow>(
    `SELECT incident_id, user_impact, business_impact, fix_time FROM incident_assessments WHERE incident_id = ?`,
  );
  const upsert = db.prepare(
    `INSERT INTO incident_assessments (incident_id, user_impact, business_impact, fix_time, updated_by, updated_at)
     VALUES (@id, @user_impact, @business_impact, @fix_time, @by, @at)
     ON CONFLICT (incident_id) DO UPDATE SET
       user_impact = coalesce(excluded.user_impact, incident_assessments.user_impact),
       business_impact = coalesce(excluded.business_impact, incident_assessments.business_impact),
       fix_time = coalesce(excluded.fix_time, incident_assessments.fix_time),
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
