/**
 * The store: one object holding the open database and a repository per aggregate, which the
 * composition root builds once and passes around. All SQL of Rewind lives in this folder.
 */
import { systemClock, type Clock } from '../clock.ts';
import { createAlertRepository } from './alerts.ts';
import { createApprovalRepository } from './approvals.ts';
import { createAssessmentRepository } from './assessments.ts';
import { createComplaintRepository } from './complaints.ts';
import { createAuditRepository } from './audit.ts';
import { openDatabase, type OpenDatabaseOptions } from './db.ts';
import { dialectOf, type SqlDatabase } from './sql.ts';
import { openPostgres } from './postgres/open.ts';
import { describeTarget, isPostgresUrl } from './postgres/sync-connection.ts';
import { createDrillRepository } from './drills.ts';
import { createIncidentRepository } from './incidents.ts';
import { createOutboxRepository } from './outbox.ts';
import { createProcessedRequestRepository } from './processed-requests.ts';
import { createRollbackRepository } from './rollbacks.ts';
import { createTimerRepository } from './timers.ts';
import { createTriggerStateRepository } from './trigger-states.ts';
import { createRcaDraftRepository } from './rca-drafts.ts';
import { createChecklistRepository } from './checklists.ts';
import { createUnknownServiceRepository } from './unknown-services.ts';
import { createHealthStatsRepository } from './health-stats.ts';
import { createDriftRepository } from './drifts.ts';

export interface StoreOptions extends OpenDatabaseOptions {
  /** Stamps created_at/updated_at bookkeeping columns; default the system clock. */
  clock?: Clock;
}

export function createStore(db: SqlDatabase, clock: Clock = systemClock) {
  const dialect = dialectOf(db);
  return {
    db,
    incidents: createIncidentRepository(db, clock),
    alerts: createAlertRepository(db),
    rollbacks: createRollbackRepository(db, clock),
    timers: createTimerRepository(db),
    approvals: createApprovalRepository(db),
    drills: createDrillRepository(db, clock),
    audit: createAuditRepository(db),
    outbox: createOutboxRepository(db),
    assessments: createAssessmentRepository(db),
    processedRequests: createProcessedRequestRepository(db),
    complaints: createComplaintRepository(db),
    triggerStates: createTriggerStateRepository(db),
    rcaDrafts: createRcaDraftRepository(db),
    checklists: createChecklistRepository(db),
    unknownServices: createUnknownServiceRepository(db),
    /** Routing changed behind Rewind's back, and how it was settled. */
    drifts: createDriftRepository(db),
    /** Rewind's own health figures for /metrics. */
    healthStats: createHealthStatsRepository(db),
    /**
     * Runs `fn` in one transaction, for a change that spans repositories (open an incident and link
     * its alert). Repository calls inside nest as savepoints. `fn` must be synchronous.
     */
    transaction<T>(fn: () => T): T {
      return db.transaction(fn).immediate();
    },
    /** For /readyz. */
    isOpen(): boolean {
      return db.open;
    },
    /** Reads from the database; throws when it cannot be used (closed, unreadable). For /healthz. */
    ping(): void {
      // SQLite: reads the file, not just the connection. PostgreSQL: a round trip to the server.
      db.prepare(dialect === 'sqlite' ? 'SELECT count(*) FROM sqlite_master' : 'SELECT 1').get();
    },
    /** `sqlite` (one file, one writer process at a time) or `postgres` (shared by replicas). */
    dialect,
    /** Idempotent. */
    close(): void {
      if (db.open) db.close();
    },
  };
}

export type Store = ReturnType<typeof createStore>;

/**
 * Opens the store REWIND_DB names, creating and migrating it when needed: a `postgres://` URL is
 * PostgreSQL (shared by replicas); anything else is the SQLite file at that path, `:memory:` allowed.
 */
export function openStore(target: string, options: StoreOptions = {}): Store {
  const db = isPostgresUrl(target)
    ? openPostgres(target, options.migrations ? { migrations: options.migrations } : {})
    : openDatabase(target, options);
  return createStore(db, options.clock ?? systemClock);
}

export { openDatabase, schemaVersion, sqliteHandle, type Database } from './db.ts';
export { dialectOf, type SqlDatabase, type SqlDialect } from './sql.ts';
export { isPostgresUrl } from './postgres/sync-connection.ts';

/** REWIND_DB as messages and /readyz show it: a file path, or `PostgreSQL at host:port/db` (never a password). */
export function storeName(target: string): string {
  return isPostgresUrl(target) ? `PostgreSQL at ${describeTarget(target)}` : target;
}
export { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index.ts';
export * from './errors.ts';
export type {
  IncidentRepository,
  NewIncident,
  NewTimelineEvent,
  StoredTimelineEvent,
  ListIncidentsFilter,
} from './incidents.ts';
export type { AlertRepository, AlertInput, AlertRecord, AlertStatus, AlertUpsertOutcome } from './alerts.ts';
export {
  ROLLBACK_STRATEGIES,
  ROLLBACK_STATUSES,
  ACTIVE_ROLLBACK_STATUSES,
  STEP_STATUSES,
  isActiveRollbackStatus,
  type RollbackRepository,
  type RollbackRecord,
  type RollbackStrategy,
  type RollbackStatus,
  type NewRollback,
  type RollbackPatch,
  type RollbackStep,
  type NewRollbackStep,
  type RollbackStepPatch,
  type StepStatus,
} from './rollbacks.ts';
export { TIMER_STATUSES, type TimerRepository, type TimerRecord, type TimerStatus, type NewTimer } from './timers.ts';
export type { ApprovalRepository, Approval } from './approvals.ts';
export {
  DRILL_STATUSES,
  type DrillList,
  type DrillRepository,
  type DrillRecord,
  type DrillStatus,
  type NewDrill,
  type DrillPatch,
} from './drills.ts';
export {
  AUDIT_OUTCOMES,
  type AuditRepository,
  type AuditEntry,
  type NewAuditEntry,
  type AuditFilter,
  type AuditOutcome,
} from './audit.ts';
export type { OutboxRepository, OutboxMessage } from './outbox.ts';
export type { AssessmentRepository } from './assessments.ts';
export type { ProcessedRequestRepository } from './processed-requests.ts';
export type { ComplaintRepository, Complaint } from './complaints.ts';
export type { UnknownServiceRepository, UnknownServiceTold } from './unknown-services.ts';
export { splitKey, type RoutingDrift, type DriftSettlement } from './drifts.ts';
