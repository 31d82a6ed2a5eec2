/** Rollback drills: scheduled, run, scored, and kept for the trend report. */
import type { Clock } from '../services/clock.ts';
import type { Database } from './db.ts';
import { NotFoundError } from './errors.ts';
import { fromJson, toJson } from './json.ts';
import { dailyIdSequence } from './sequence.ts';

export const DRILL_STATUSES = ['scheduled', 'announced', 'running', 'completed', 'aborted', 'failed'] as const;
export type DrillStatus = (typeof DRILL_STATUSES)[number];

export interface DrillRecord {
  /** `DRILL-YYYYMMDD-NNN`, from the UTC day of scheduledFor. */
  id: string;
  /** `inject_errors`, `inject_latency`, `partial_outage`, … */
  scenario: string;
  /** The service the fault is injected on, once chosen. */
  service: string | null;
  status: DrillStatus;
  scheduledFor: number;
  startedAt: number | null;
  finishedAt: number | null;
  incidentId: string | null;
  dryRun: boolean;
  /** The scorecard, as the drill service computed it. */
  scores: unknown;
  /** What the injector applied, so an abort or a restart can remove exactly that. */
  faultApplied: unknown;
}

export type NewDrill = Pick<DrillRecord, 'scenario' | 'scheduledFor'> &
  Partial<Pick<DrillRecord, 'service' | 'status' | 'dryRun'>>;

export type DrillPatch = Partial<Omit<DrillRecord, 'id' | 'scenario' | 'dryRun'>>;

interface DrillRow {
  id: string;
  scenario: string;
  service: string | null;
  status: string;
  scheduled_for: number;
  started_at: number | null;
  finished_at: number | null;
  incident_id: string | null;
  dry_run: number;
  scores: string | null;
  fault_applied: string | null;
}

const COLUMNS = `id, scenario, service, status, scheduled_for, started_at, finished_at, incident_id, dry_run,
  scores, fault_applied`;

function toDrill(row: DrillRow): DrillRecord {
  return {
    id: row.id,
    scenario: row.scenario,
    service: row.service,
    status: row.status as DrillStatus,
    scheduledFor: row.scheduled_for,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    incidentId: row.incident_id,
    dryRun: row.dry_run === 1,
    scores: fromJson<unknown>(row.scores, 'drills.scores'),
    faultApplied: fromJson<unknown>(row.fault_applied, 'drills.fault_applied'),
  };
}

/** null stays SQL NULL rather than the JSON text `null`. */
function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : toJson(value);
}

export function createDrillRepository(db: Database, clock: Clock) {
  const nextId = dailyIdSequence(db);
  const insert = db.prepare(
    `INSERT INTO drills (id, scenario, service, status, scheduled_for, dry_run, created_at, updated_at)
     VALUES (@id, @scenario, @service, @status, @scheduled_for, @dry_run, @now, @now)`,
  );
  const selectOne = db.prepare<[string], DrillRow>(`SELECT ${COLUMNS} FROM drills WHERE id = ?`);
  const selectList = db.prepare<{ status: string | null; limit: number }, DrillRow>(
    `SELECT ${COLUMNS} FROM drills WHERE (@status IS NULL OR status = @status)
     ORDER BY scheduled_for DESC, id DESC LIMIT @limit`,
  );
  const selectNext = db.prepare<[number], DrillRow>(
    `SELECT ${COLUMNS} FROM drills WHERE status IN ('scheduled', 'announced') AND scheduled_for >= ?
     ORDER BY scheduled_for, id LIMIT 1`,
  );
  const updateRow = db.prepare(
    `UPDATE drills SET service = @service, status = @status, scheduled_for = @scheduled_for,
       started_at = @started_at, finished_at = @finished_at, incident_id = @incident_id,
       scores = @scores, fault_applied = @fault_applied, updated_at = @now
     WHERE id = @id`,
  );

  const createTx = db.transaction((input: NewDrill): DrillRecord => {
    const drill: DrillRecord = {
      id: nextId('DRILL', input.scheduledFor),
      scenario: input.scenario,
      service: input.service ?? null,
      status: input.status ?? 'scheduled',
      scheduledFor: input.scheduledFor,
      startedAt: null,
      finishedAt: null,
      incidentId: null,
      dryRun: input.dryRun ?? false,
      scores: null,
      faultApplied: null,
    };
    insert.run({
      id: drill.id,
      scenario: drill.scenario,
      service: drill.service,
      status: drill.status,
      scheduled_for: drill.scheduledFor,
      dry_run: drill.dryRun ? 1 : 0,
      now: clock.now(),
    });
    return drill;
  });

  const updateTx = db.transaction((id: string, patch: DrillPatch): DrillRecord => {
    const row = selectOne.get(id);
    if (!row) throw new NotFoundError('drill', id);
    const next: DrillRecord = { ...toDrill(row), ...patch };
    updateRow.run({
      id,
      service: next.service,
      status: next.status,
      scheduled_for: next.scheduledFor,
      started_at: next.startedAt,
      finished_at: next.finishedAt,
      incident_id: next.incidentId,
      scores: jsonOrNull(next.scores),
      fault_applied: jsonOrNull(next.faultApplied),
      now: clock.now(),
    });
    return next;
  });

  return {
    create(input: NewDrill): DrillRecord {
      return createTx.immediate(input);
    },

    get(id: string): DrillRecord | null {
      const row = selectOne.get(id);
      return row ? toDrill(row) : null;
    },

    /** Most recently scheduled first. */
    list(filter: { status?: DrillStatus; limit?: number } = {}): DrillRecord[] {
      return selectList.all({ status: filter.status ?? null, limit: filter.limit ?? 20 }).map(toDrill);
    },

    /** The next drill still to run at or after `now`, for the App Home tab. */
    next(now: number): DrillRecord | null {
      const row = selectNext.get(now);
      return row ? toDrill(row) : null;
    },

    /** Applies `patch` and returns the updated drill; NotFoundError for an unknown id. */
    update(id: string, patch: DrillPatch): DrillRecord {
      return updateTx.immediate(id, patch);
    },
  };
}

export type DrillRepository = ReturnType<typeof createDrillRepository>;
