/**
 * Rollbacks and their steps. Every step is a row, so a restart can see where a rollback stood and
 * resume it. The database itself refuses a second active rollback for a service.
 */
import type { Clock } from '../clock.ts';
import type { SqlDatabase } from './sql.ts';
import { NotFoundError, RollbackConflictError, isUniqueViolation } from './errors.ts';
import { z } from 'zod';
import { parseColumn } from './columns.ts';
import { parseJsonColumn, toJson } from './json.ts';
import { rollbackPlanSchema, stepDetailSchema } from './rollback-schemas.ts';
import { dailyIdSequence } from './sequence.ts';
import {
  ROLLBACK_STATUSES,
  ROLLBACK_STRATEGIES,
  STEP_STATUSES,
  type RollbackRecord,
  type RollbackStatus,
  type RollbackStep,
} from '../domain/rollback-record.ts';

export {
  ACTIVE_ROLLBACK_STATUSES,
  ROLLBACK_STATUSES,
  ROLLBACK_STRATEGIES,
  STEP_STATUSES,
  isActiveRollbackStatus,
  type RollbackPlanRecord,
  type RollbackRecord,
  type RollbackStatus,
  type RollbackStep,
  type RollbackStepDetail,
  type RollbackStrategy,
  type StepStatus,
} from '../domain/rollback-record.ts';

export type NewRollback = Omit<RollbackRecord, 'id' | 'finishedAt' | 'error' | 'currentPhase'> & {
  currentPhase?: number | null;
};

export type RollbackPatch = Partial<
  Pick<RollbackRecord, 'status' | 'currentPhase' | 'finishedAt' | 'error' | 'plan' | 'scheduledFor'>
>;

/** A new step: its name and what it is (`detail`); the rest defaults to a pending step numbered next. */
export type NewRollbackStep = Pick<RollbackStep, 'name' | 'detail'> &
  Partial<Omit<RollbackStep, 'rollbackId' | 'name' | 'detail'>>;
export type RollbackStepPatch = Partial<Pick<RollbackStep, 'status' | 'startedAt' | 'finishedAt' | 'detail'>>;
/** The patch to apply to a step as stored now, or null to leave it. */
export type StepPatchOf = (current: RollbackStep) => RollbackStepPatch | null;

interface RollbackRow {
  id: string;
  incident_id: string | null;
  service: string;
  strategy: string;
  from_version: string | null;
  to_version: string;
  status: string;
  current_phase: number | null;
  started_by: string;
  scheduled_for: number | null;
  started_at: number;
  finished_at: number | null;
  error: string | null;
  plan: string;
  dry_run: number;
}

interface StepRow {
  rollback_id: string;
  seq: number;
  name: string;
  status: string;
  started_at: number | null;
  finished_at: number | null;
  budget_ms: number | null;
  detail: string;
}

const COLUMNS = `id, incident_id, service, strategy, from_version, to_version, status, current_phase,
  started_by, scheduled_for, started_at, finished_at, error, plan, dry_run`;
const ACTIVE_SQL = `status IN ('pending', 'scheduled', 'running', 'paused')`;

function toRollback(row: RollbackRow): RollbackRecord {
  return {
    id: row.id,
    incidentId: row.incident_id,
    service: row.service,
    strategy: parseColumn(z.enum(ROLLBACK_STRATEGIES), row.strategy, {
      table: 'rollbacks',
      id: row.id,
      column: 'strategy',
    }),
    fromVersion: row.from_version,
    toVersion: row.to_version,
    status: parseColumn(z.enum(ROLLBACK_STATUSES), row.status, { table: 'rollbacks', id: row.id, column: 'status' }),
    currentPhase: row.current_phase,
    startedBy: row.started_by,
    scheduledFor: row.scheduled_for,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    plan: parseJsonColumn(rollbackPlanSchema, row.plan, { table: 'rollbacks', id: row.id, column: 'plan' }),
    dryRun: row.dry_run === 1,
  };
}

function toStep(row: StepRow): RollbackStep {
  return {
    rollbackId: row.rollback_id,
    seq: row.seq,
    name: row.name,
    status: parseColumn(z.enum(STEP_STATUSES), row.status, {
      table: 'rollback_steps',
      id: `${row.rollback_id}/${row.seq}`,
      column: 'status',
    }),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    budgetMs: row.budget_ms,
    detail: parseJsonColumn(stepDetailSchema, row.detail, {
      table: 'rollback_steps',
      id: `${row.rollback_id}/${row.seq}`,
      column: 'detail',
    }),
  };
}

export function createRollbackRepository(db: SqlDatabase, clock: Clock) {
  const nextId = dailyIdSequence(db);
  const insert = db.prepare(
    `INSERT INTO rollbacks (id, incident_id, service, strategy, from_version, to_version, status,
       current_phase, started_by, scheduled_for, started_at, plan, dry_run, created_at, updated_at)
     VALUES (@id, @incident_id, @service, @strategy, @from_version, @to_version, @status,
       @current_phase, @started_by, @scheduled_for, @started_at, @plan, @dry_run, @now, @now)`,
  );
  const selectOne = db.prepare<[string], RollbackRow>(`SELECT ${COLUMNS} FROM rollbacks WHERE id = ?`);
  const selectActiveForService = db.prepare<[string], RollbackRow>(
    `SELECT ${COLUMNS} FROM rollbacks WHERE service = ? AND ${ACTIVE_SQL}`,
  );
  const selectActive = db.prepare<[], RollbackRow>(
    `SELECT ${COLUMNS} FROM rollbacks WHERE ${ACTIVE_SQL} ORDER BY started_at, id`,
  );
  const selectHistory = db.prepare<{ service: string | null; limit: number }, RollbackRow>(
    `SELECT ${COLUMNS} FROM rollbacks WHERE (CAST(@service AS TEXT) IS NULL OR service = @service)
     ORDER BY started_at DESC, id DESC LIMIT @limit`,
  );
  const selectForIncident = db.prepare<[string], RollbackRow>(
    `SELECT ${COLUMNS} FROM rollbacks WHERE incident_id = ? ORDER BY started_at, id`,
  );
  const updateRow = db.prepare(
    `UPDATE rollbacks SET status = @status, current_phase = @current_phase, finished_at = @finished_at,
       error = @error, plan = @plan, scheduled_for = @scheduled_for, updated_at = @now
     WHERE id = @id AND status = @expected`,
  );
  const selectSteps = db.prepare<[string], StepRow>(
    `SELECT rollback_id, seq, name, status, started_at, finished_at, budget_ms, detail
     FROM rollback_steps WHERE rollback_id = ? ORDER BY seq`,
  );
  const selectStep = db.prepare<[string, number], StepRow>(
    `SELECT rollback_id, seq, name, status, started_at, finished_at, budget_ms, detail
     FROM rollback_steps WHERE rollback_id = ? AND seq = ?`,
  );
  const nextSeq = db.prepare<[string], { next: number }>(
    `SELECT coalesce(max(seq), 0) + 1 AS next FROM rollback_steps WHERE rollback_id = ?`,
  );
  const insertStep = db.prepare(
    `INSERT INTO rollback_steps (rollback_id, seq, name, status, started_at, finished_at, budget_ms, detail)
     VALUES (@rollback_id, @seq, @name, @status, @started_at, @finished_at, @budget_ms, @detail)`,
  );
  const updateStepRow = db.prepare(
    `UPDATE rollback_steps SET status = @status, started_at = @started_at, finished_at = @finished_at,
       detail = @detail WHERE rollback_id = @rollback_id AND seq = @seq`,
  );

  function conflictFor(service: string, err: unknown): unknown {
    const running = isUniqueViolation(err) ? selectActiveForService.get(service) : undefined;
    return running ? new RollbackConflictError(toRollback(running)) : err;
  }

  const createTx = db.transaction((input: NewRollback): RollbackRecord => {
    const id = nextId('RB', input.startedAt);
    try {
      insert.run({
        id,
        incident_id: input.incidentId,
        service: input.service,
        strategy: input.strategy,
        from_version: input.fromVersion,
        to_version: input.toVersion,
        status: input.status,
        current_phase: input.currentPhase ?? null,
        started_by: input.startedBy,
        scheduled_for: input.scheduledFor,
        started_at: input.startedAt,
        plan: toJson(input.plan),
        dry_run: input.dryRun ? 1 : 0,
        now: clock.now(),
      });
    } catch (err) {
      throw conflictFor(input.service, err);
    }
    return { ...input, id, currentPhase: input.currentPhase ?? null, finishedAt: null, error: null };
  });

  const updateTx = db.transaction(
    (id: string, patch: RollbackPatch, expect: RollbackStatus | undefined): RollbackRecord | null => {
      const row = selectOne.get(id);
      if (!row) throw new NotFoundError('rollback', id);
      const current = toRollback(row);
      if (expect !== undefined && current.status !== expect) return null;
      const next: RollbackRecord = { ...current, ...patch };
      try {
        updateRow.run({
          id,
          expected: current.status,
          status: next.status,
          current_phase: next.currentPhase,
          finished_at: next.finishedAt,
          error: next.error,
          plan: toJson(next.plan),
          scheduled_for: next.scheduledFor,
          now: clock.now(),
        });
      } catch (err) {
        throw conflictFor(current.service, err);
      }
      return next;
    },
  );

  const addStepTx = db.transaction((rollbackId: string, step: NewRollbackStep): RollbackStep => {
    const seq = step.seq ?? nextSeq.get(rollbackId)?.next ?? 1;
    const stored: RollbackStep = {
      rollbackId,
      seq,
      name: step.name,
      status: step.status ?? 'pending',
      startedAt: step.startedAt ?? null,
      finishedAt: step.finishedAt ?? null,
      budgetMs: step.budgetMs ?? null,
      detail: step.detail,
    };
    insertStep.run({
      rollback_id: rollbackId,
      seq,
      name: stored.name,
      status: stored.status,
      started_at: stored.startedAt,
      finished_at: stored.finishedAt,
      budget_ms: stored.budgetMs,
      detail: toJson(stored.detail),
    });
    return stored;
  });

  const updateStepTx = db.transaction((rollbackId: string, seq: number, patchOf: StepPatchOf): RollbackStep | null => {
    const row = selectStep.get(rollbackId, seq);
    if (!row) throw new NotFoundError(`step of rollback ${rollbackId}`, seq);
    const current = toStep(row);
    const patch = patchOf(current);
    if (!patch) return null;
    const next: RollbackStep = { ...current, ...patch };
    updateStepRow.run({
      rollback_id: rollbackId,
      seq,
      status: next.status,
      started_at: next.startedAt,
      finished_at: next.finishedAt,
      detail: toJson(next.detail),
    });
    return next;
  });

  return {
    /**
     * Records a new rollback with id `RB-YYYYMMDD-NNN`. Throws RollbackConflictError, naming the
     * running one, when the service already has an active rollback.
     */
    create(input: NewRollback): RollbackRecord {
      return createTx.immediate(input);
    },

    get(id: string): RollbackRecord | null {
      const row = selectOne.get(id);
      return row ? toRollback(row) : null;
    },

    activeForService(service: string): RollbackRecord | null {
      const row = selectActiveForService.get(service);
      return row ? toRollback(row) : null;
    },

    /** Every active rollback, oldest first: what a restart resumes. */
    listActive(): RollbackRecord[] {
      return selectActive.all().map(toRollback);
    },

    /** Most recent first. */
    history(filter: { service?: string; limit?: number } = {}): RollbackRecord[] {
      return selectHistory.all({ service: filter.service ?? null, limit: filter.limit ?? 20 }).map(toRollback);
    },

    listForIncident(incidentId: string): RollbackRecord[] {
      return selectForIncident.all(incidentId).map(toRollback);
    },

    /**
     * Applies `patch`. With `expectStatus`, only when the stored status is that one: returns null
     * (and writes nothing) otherwise, e.g. an abort that lost to the rollback finishing. Returns the
     * updated record. Throws NotFoundError for an unknown id, RollbackConflictError when the patch
     * would make this a second active rollback of its service.
     */
    update(id: string, patch: RollbackPatch, expectStatus?: RollbackStatus): RollbackRecord | null {
      return updateTx.immediate(id, patch, expectStatus);
    },

    /** Adds a step; `seq` defaults to the next number. */
    addStep(rollbackId: string, step: NewRollbackStep): RollbackStep {
      return addStepTx.immediate(rollbackId, step);
    },

    updateStep(rollbackId: string, seq: number, patch: RollbackStepPatch): RollbackStep {
      return updateStepTx.immediate(rollbackId, seq, () => patch)!;
    },

    /**
     * Applies the patch `patchOf` makes of the stored step, read and written in one transaction;
     * when it returns null nothing is written and null is returned (e.g. a claim someone holds already).
     */
    updateStepIf(rollbackId: string, seq: number, patchOf: StepPatchOf): RollbackStep | null {
      return updateStepTx.immediate(rollbackId, seq, patchOf);
    },

    /** In order of seq. */
    steps(rollbackId: string): RollbackStep[] {
      return selectSteps.all(rollbackId).map(toStep);
    },
  };
}

export type RollbackRepository = ReturnType<typeof createRollbackRepository>;
