/** Rollback drills: scheduled, run, scored, and kept for the trend report. */
import type { Clock } from '../clock.ts';
import { DRILL_STATUSES, type DrillEnding, type DrillRecord, type DrillStatus } from '../domain/drill-records.ts';
import type { SqlDatabase } from './sql.ts';
import { drillEndingSchema, drillScoresSchema, storedFaultSchema } from './drill-schemas.ts';
import { NotFoundError } from './errors.ts';
import { UnreadableRowError, parseJsonColumn, toJson } from './json.ts';
import { dailyIdSequence } from './sequence.ts';

export { DRILL_STATUSES, type DrillRecord, type DrillStatus } from '../domain/drill-records.ts';

const DRILL_STATUS_SET = new Map<string, DrillStatus>(DRILL_STATUSES.map((s) => [s, s]));

export type NewDrill = Pick<DrillRecord, 'scenario' | 'scheduledFor'> &
  Partial<Pick<DrillRecord, 'service' | 'status' | 'dryRun' | 'runner'>>;

export type DrillPatch = Partial<Omit<DrillRecord, 'id' | 'scenario' | 'dryRun'>>;

export type DrillList = 'preparation' | 'review';

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
  slack_channel: string | null;
  slack_ts: string | null;
  scorecard_ts: string | null;
  note: string | null;
  runner: string | null;
}

const COLUMNS = `id, scenario, service, status, scheduled_for, started_at, finished_at, incident_id, dry_run,
  scores, fault_applied, slack_channel, slack_ts, scorecard_ts, note, runner`;

const where = (id: string, column: string) => ({ table: 'drills', id, column });

/**
 * The ending is kept in the note column as JSON; a note an earlier Rewind wrote is a sentence, and
 * is shown as it was written.
 */
function readEnding(row: DrillRow): DrillEnding | null {
  if (row.note === null) return null;
  if (!row.note.startsWith('{')) return { kind: 'recorded', text: row.note };
  return parseJsonColumn(drillEndingSchema, row.note, where(row.id, 'note'));
}

function toDrill(row: DrillRow): DrillRecord {
  return {
    id: row.id,
    scenario: row.scenario,
    service: row.service,
    status: readStatus(row),
    scheduledFor: row.scheduled_for,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    incidentId: row.incident_id,
    dryRun: row.dry_run === 1,
    scores: parseJsonColumn(drillScoresSchema, row.scores, where(row.id, 'scores')),
    faultApplied: parseJsonColumn(storedFaultSchema, row.fault_applied, where(row.id, 'fault_applied')),
    slackChannel: row.slack_channel,
    slackTs: row.slack_ts,
    scorecardTs: row.scorecard_ts,
    ending: readEnding(row),
    runner: row.runner,
  };
}

function readStatus(row: DrillRow): DrillStatus {
  const status = DRILL_STATUS_SET.get(row.status);
  if (!status) throw new UnreadableRowError('drills', row.id, 'status', `unknown status "${row.status}"`);
  return status;
}

/** null stays SQL NULL rather than the JSON text `null`. */
function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : toJson(value);
}

export function createDrillRepository(db: SqlDatabase, clock: Clock) {
  const nextId = dailyIdSequence(db);
  const insert = db.prepare(
    `INSERT INTO drills (id, scenario, service, status, scheduled_for, dry_run, runner, created_at, updated_at)
     VALUES (@id, @scenario, @service, @status, @scheduled_for, @dry_run, @runner, @now, @now)`,
  );
  const selectOne = db.prepare<[string], DrillRow>(`SELECT ${COLUMNS} FROM drills WHERE id = ?`);
  const selectList = db.prepare<{ status: string | null; limit: number }, DrillRow>(
    `SELECT ${COLUMNS} FROM drills WHERE (CAST(@status AS TEXT) IS NULL OR status = @status)
     ORDER BY scheduled_for DESC, id DESC LIMIT @limit`,
  );
  const selectNext = db.prepare<[number], DrillRow>(
    `SELECT ${COLUMNS} FROM drills WHERE status IN ('scheduled', 'announced') AND scheduled_for >= ?
     ORDER BY scheduled_for, id LIMIT 1`,
  );
  const updateRow = db.prepare(
    `UPDATE drills SET service = @service, status = @status, scheduled_for = @scheduled_for,
       started_at = @started_at, finished_at = @finished_at, incident_id = @incident_id,
       scores = @scores, fault_applied = @fault_applied, slack_channel = @slack_channel, slack_ts = @slack_ts,
       scorecard_ts = @scorecard_ts, note = @note, runner = @runner, updated_at = @now
     WHERE id = @id`,
  );
  const selectByTime = db.prepare<[number], DrillRow>(
    `SELECT ${COLUMNS} FROM drills WHERE scheduled_for = ? AND dry_run = 0 ORDER BY id LIMIT 1`,
  );
  const selectByStatus = db.prepare<[string], DrillRow>(
    `SELECT ${COLUMNS} FROM drills WHERE status = ? ORDER BY scheduled_for, id`,
  );
  const selectByMessage = db.prepare<[string, string], DrillRow>(
    `SELECT ${COLUMNS} FROM drills WHERE slack_channel = ? AND slack_ts = ?`,
  );
  const selectScenario = db.prepare<[string, number, number], DrillRow>(
    `SELECT ${COLUMNS} FROM drills WHERE scenario = ? AND scores IS NOT NULL AND scheduled_for < ? ORDER BY ` +
      `scheduled_for DESC, id DESC LIMIT ?`,
  );
  const countAll = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM drills`);
  const selectChecked = db.prepare<[string, string], { item: string }>(
    `SELECT item FROM drill_checklist_items WHERE drill_id = ? AND list = ? ORDER BY item`,
  );
  const insertChecked = db.prepare(
    `INSERT INTO drill_checklist_items (drill_id, list, item, checked_by, checked_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT DO NOTHING`,
  );
  const deleteChecked = db.prepare(`DELETE FROM drill_checklist_items WHERE drill_id = ? AND list = ? AND item = ?`);
  const upsertRating = db.prepare(
    `INSERT INTO drill_ratings (drill_id, rater, rating, at) VALUES (?, ?, ?, ?)
     ON CONFLICT (drill_id, rater) DO UPDATE SET rating = excluded.rating, at = excluded.at`,
  );
  const selectRatings = db.prepare<[string], { rater: string; rating: number }>(
    `SELECT rater, rating FROM drill_ratings WHERE drill_id = ? ORDER BY at, rater`,
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
      slackChannel: null,
      slackTs: null,
      scorecardTs: null,
      ending: null,
      runner: input.runner ?? null,
    };
    insert.run({
      id: drill.id,
      scenario: drill.scenario,
      service: drill.service,
      status: drill.status,
      scheduled_for: drill.scheduledFor,
      dry_run: drill.dryRun ? 1 : 0,
      runner: drill.runner,
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
      slack_channel: next.slackChannel,
      slack_ts: next.slackTs,
      scorecard_ts: next.scorecardTs,
      note: jsonOrNull(next.ending),
      runner: next.runner,
      now: clock.now(),
    });
    return next;
  });

  /** The patch only when the drill is in one of `from`: how a timer or a click claims a step once. */
  const moveTx = db.transaction((id: string, from: readonly DrillStatus[], patch: DrillPatch): DrillRecord | null => {
    const row = selectOne.get(id);
    if (!row || !from.some((status) => status === row.status)) return null;
    return updateTx(id, patch);
  });

  /** The running drill handed from the runner `from` to `to`, once: only one taker wins. */
  const takeOverTx = db.transaction((id: string, from: string | null, to: string): DrillRecord | null => {
    const row = selectOne.get(id);
    if (!row || row.status !== 'running' || row.runner !== from) return null;
    return updateTx(id, { runner: to });
  });

  const setCheckedTx = db.transaction(
    (drillId: string, list: DrillList, items: readonly string[], by: string, at: number) => {
      const before = new Set(selectChecked.all(drillId, list).map((r) => r.item));
      for (const item of before) if (!items.includes(item)) deleteChecked.run(drillId, list, item);
      for (const item of items) if (!before.has(item)) insertChecked.run(drillId, list, item, by, at);
    },
  );

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

    /** Applies `patch` only while the drill is in one of `from`; null when it is not (someone else moved it). */
    move(id: string, from: readonly DrillStatus[], patch: DrillPatch): DrillRecord | null {
      return moveTx.immediate(id, from, patch);
    },

    /**
     * The running drill taken over by the runner `to` while its runner is still `from` (a process
     * found gone): null when it ended or another process took it first.
     */
    takeOver(id: string, from: string | null, to: string): DrillRecord | null {
      return takeOverTx.immediate(id, from, to);
    },

    /** The real (not dry-run) drill scheduled for exactly `at`, if any. */
    at(at: number): DrillRecord | null {
      const row = selectByTime.get(at);
      return row ? toDrill(row) : null;
    },

    withStatus(status: DrillStatus): DrillRecord[] {
      return selectByStatus.all(status).map(toDrill);
    },

    /** The drill running on `service`, if any: an incident opened there meanwhile is the drill's. */
    runningOn(service: string): DrillRecord | null {
      const row = selectByStatus.all('running').find((r) => r.service === service);
      return row ? toDrill(row) : null;
    },

    byMessage(channel: string, ts: string): DrillRecord | null {
      const row = selectByMessage.get(channel, ts);
      return row ? toDrill(row) : null;
    },

    /** Scored drills of a scenario before `before`, newest first: the trend's history. */
    scoredBefore(scenario: string, before: number, limit: number): DrillRecord[] {
      return selectScenario.all(scenario, before, limit).map(toDrill);
    },

    count(): number {
      return countAll.get()?.n ?? 0;
    },

    checked(drillId: string, list: DrillList): string[] {
      return selectChecked.all(drillId, list).map((r) => r.item);
    },

    /** Makes exactly `items` ticked on the list; items ticked before keep who ticked them. */
    setChecked(drillId: string, list: DrillList, items: readonly string[], by: string, at: number): void {
      setCheckedTx.immediate(drillId, list, items, by, at);
    },

    /** One rating per participant; rating again replaces it. */
    rate(drillId: string, rater: string, rating: number, at: number): void {
      upsertRating.run(drillId, rater, rating, at);
    },

    ratings(drillId: string): Array<{ rater: string; rating: number }> {
      return selectRatings.all(drillId);
    },
  };
}

export type DrillRepository = ReturnType<typeof createDrillRepository>;
