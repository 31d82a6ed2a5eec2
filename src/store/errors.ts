/** Typed failures of the store, so callers can tell a refusal from a bug without parsing text. */

/** The database file was written by a newer Rewind: this build refuses to touch it. */
export class StoreVersionError extends Error {
  override readonly name = 'StoreVersionError';
  constructor(
    readonly file: string,
    readonly fileVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `${file} was written by a newer Rewind (schema ${fileVersion}, this build knows up to ${knownVersion}); ` +
        'upgrade Rewind or point REWIND_DB elsewhere',
    );
  }
}

/**
 * The database cannot be opened: the path is a folder or runs through a file, the folder cannot be
 * written, the file is damaged, or the disk is too full to open it or to migrate it. The message is
 * one sentence saying what is wrong and what to do.
 */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A migration failed; the transaction was rolled back and the file is still at `fromVersion`. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly file: string,
    readonly version: number,
    readonly migrationName: string,
    readonly fromVersion: number,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `${file}: migration ${String(version).padStart(3, '0')}_${migrationName} failed (${reason}); ` +
        `the file is unchanged at schema ${fromVersion}`,
      { cause },
    );
  }
}

/** An optimistic write lost: the incident is no longer in the status the caller read. */
export class IncidentConflictError extends Error {
  override readonly name = 'IncidentConflictError';
  constructor(
    readonly incidentId: string,
    readonly expectedStatus: string,
    readonly actualStatus: string | null,
  ) {
    super(
      actualStatus === null
        ? `incident ${incidentId} does not exist`
        : `incident ${incidentId} is ${actualStatus}, not ${expectedStatus}: someone changed it first; reload and ` +
            `retry`,
    );
  }
}

/** A second open incident for a service was refused; `open` is the one already open. */
export class OpenIncidentExistsError extends Error {
  override readonly name = 'OpenIncidentExistsError';
  constructor(
    readonly service: string,
    readonly openIncidentId: string,
  ) {
    super(`service ${service} already has an open incident, ${openIncidentId}`);
  }
}

/** Summary of the rollback that blocks a new one, as much as a refusal message needs. */
export interface RunningRollbackSummary {
  id: string;
  service: string;
  strategy: string;
  status: string;
  startedBy: string;
  startedAt: number;
}

/** A second active rollback for a service was refused by the database. */
export class RollbackConflictError extends Error {
  override readonly name = 'RollbackConflictError';
  constructor(readonly running: RunningRollbackSummary) {
    super(
      `service ${running.service} already has an active rollback, ${running.id} ` +
        `(${running.strategy}, ${running.status}, started by ${running.startedBy})`,
    );
  }
}

/** A row the caller named does not exist. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    readonly entity: string,
    readonly id: string | number,
  ) {
    super(`${entity} ${id} not found`);
  }
}

/** True for the error of a UNIQUE or PRIMARY KEY violation, from either store. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  // 23505: PostgreSQL's unique_violation.
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** Why the database refused a write, as much as a person needs to hear. */
export interface StoreRefusal {
  /**
   * `full`: no space left; `read_only`: the file or its volume; `locked`: another connection holds the write lock;
   * `io`: the disk failed; `unreachable`: the PostgreSQL server did not answer, or cannot be reached.
   */
  reason: 'full' | 'read_only' | 'locked' | 'io' | 'unreachable';
  /** SQLite's code (`SQLITE_FULL`), PostgreSQL's SQLSTATE (`53100`), or `REWIND_PG_UNAVAILABLE`. */
  code: string;
}

/**
 * Whether `err` is SQLite refusing to store something — a condition of the disk or of another
 * connection that passes by itself or by an operator's hand — rather than a bug. Looks through
 * `cause` and Bolt's `originals` (several listeners failing at once).
 */
export function storeRefusal(err: unknown, depth = 0): StoreRefusal | null {
  if (!err || typeof err !== 'object' || depth > 4) return null;
  const e = err as { code?: unknown; cause?: unknown; originals?: unknown };
  if (typeof e.code === 'string' && e.code.startsWith('SQLITE_')) {
    const code = e.code;
    if (code === 'SQLITE_FULL') return { reason: 'full', code };
    if (code.startsWith('SQLITE_READONLY')) return { reason: 'read_only', code };
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return { reason: 'locked', code };
    if (code.startsWith('SQLITE_IOERR')) return { reason: 'io', code };
    return null;
  }
  const pg = postgresRefusal(err);
  if (pg) return pg;
  for (const inner of [e.cause, ...(Array.isArray(e.originals) ? e.originals : [])]) {
    const found = storeRefusal(inner, depth + 1);
    if (found) return found;
  }
  return null;
}

/** The PostgreSQL counterparts: a server out of disk, in recovery or read-only, a lock wait that ran out, or gone. */
function postgresRefusal(err: object): StoreRefusal | null {
  if ((err as { name?: unknown }).name === 'PostgresUnavailableError')
    return { reason: 'unreachable', code: 'REWIND_PG_UNAVAILABLE' };
  if ((err as { name?: unknown }).name !== 'PostgresError') return null;
  const code = String((err as { code?: unknown }).code);
  if (code === '53100') return { reason: 'full', code };
  if (code === '25006' || code === '57P04') return { reason: 'read_only', code };
  if (code === '55P03' || code === '40P01' || code === '57014') return { reason: 'locked', code };
  if (code.startsWith('58')) return { reason: 'io', code };
  return null;
}
