/**
 * What GET /metrics reads at every scrape about Rewind's own work: timers that should have fired
 * and have not, and the rollbacks that ended — by strategy, trigger and outcome, how long each
 * ran, and the automatic ones that ended verified. Counted from the rows on each call, so the
 * figures survive restarts and agree with every other replica reading the same database.
 */
import { BOT_ACTOR } from '../domain/types.ts';
import { dialectOf, type SqlDatabase } from './sql.ts';

/** The statuses a rollback ends in; rollbacks still active are not counted. */
const ENDED = `('succeeded', 'failed', 'aborted', 'cancelled')`;

export interface RollbackOutcomeCount {
  strategy: string;
  /** `automatic` when Rewind started it itself (a critical tier or alert), else `manual`. */
  trigger: 'automatic' | 'manual';
  /** The status it ended in. */
  outcome: string;
  count: number;
}

export interface RollbackDuration {
  strategy: string;
  /** From its first step's start (or its start, when none ran) to its end. */
  seconds: number;
}

export function createHealthStatsRepository(db: SqlDatabase) {
  const postgres = dialectOf(db) === 'postgres';
  const verifiedRecovered = postgres
    ? `(s.detail::json ->> 'kind') = 'verify' AND (s.detail::json ->> 'recovered') = 'true'`
    : `json_extract(s.detail, '$.kind') = 'verify' AND json_extract(s.detail, '$.recovered') = 1`;
  // The larger of two values: SQLite's two-argument max(), PostgreSQL's greatest().
  const greatest = postgres ? 'greatest' : 'max';
  const overdue = db.prepare<[number], { n: number }>(
    `SELECT count(*) AS n FROM timers WHERE status = 'pending' AND due_at < ?`,
  );
  // A dry run moved nothing: it is no rollback for these figures.
  const outcomes = db.prepare<{ bot: string }, RollbackOutcomeCount>(
    `SELECT strategy, CASE WHEN started_by = @bot THEN 'automatic' ELSE 'manual' END AS trigger,
            status AS outcome, count(*) AS count
     FROM rollbacks
     WHERE status IN ${ENDED} AND dry_run = 0
     GROUP BY 1, 2, 3
     ORDER BY 1, 2, 3`,
  );
  // Automatic, succeeded, and its verify step found the target recovered; a drill's incident was no real one.
  const prevented = db.prepare<{ bot: string }, { n: number }>(
    `SELECT count(*) AS n
     FROM rollbacks r JOIN incidents i ON i.id = r.incident_id AND i.drill = 0
     WHERE r.started_by = @bot AND r.status = 'succeeded' AND r.dry_run = 0
       AND EXISTS (SELECT 1 FROM rollback_steps s
                   WHERE s.rollback_id = r.id
                     AND ${verifiedRecovered})`,
  );
  // A planned rollback waits for its time and a rollback for its approvals before its first step:
  // the run is timed from that step. A cancelled one never ran.
  const durations = db.prepare<[], RollbackDuration>(
    `SELECT strategy,
            (finished_at - COALESCE((SELECT min(s.started_at) FROM rollback_steps s WHERE s.rollback_id = r.id),
                                    ${greatest}(started_at, COALESCE(scheduled_for, started_at)))) / 1000.0 AS seconds
     FROM rollbacks r
     WHERE status IN ('succeeded', 'failed', 'aborted') AND dry_run = 0 AND finished_at IS NOT NULL`,
  );

  return {
    /** Pending timers that were due before `dueBefore` (epoch ms) and have not fired. */
    overdueTimers(dueBefore: number): number {
      return overdue.get(dueBefore)?.n ?? 0;
    },
    /** Every ended rollback (dry runs left out), counted by strategy, trigger and outcome. */
    rollbackOutcomes(): RollbackOutcomeCount[] {
      return outcomes.all({ bot: BOT_ACTOR.id });
    },
    /** Automatic rollbacks of real incidents that ended with the target verified recovered. */
    incidentsPrevented(): number {
      return prevented.get({ bot: BOT_ACTOR.id })?.n ?? 0;
    },
    /** How long each rollback that ran to an end (succeeded, failed, aborted) took. */
    rollbackDurations(): RollbackDuration[] {
      return durations.all().map((d) => ({ strategy: d.strategy, seconds: Math.max(0, d.seconds) }));
    },
  };
}

export type HealthStatsRepository = ReturnType<typeof createHealthStatsRepository>;
