/**
 * The doctor's database checks when REWIND_DB is a postgres:// URL: the server answers, and the
 * schema is one this build can run (none yet: start creates it). Read-only: nothing is created,
 * not even Rewind's schema-version table.
 */
import { StoreVersionError } from '../store/errors.ts';
import { PostgresDatabase } from '../store/postgres/database.ts';
import { LATEST_POSTGRES_SCHEMA_VERSION } from '../store/postgres/migrations/index.ts';
import { schemaOf } from '../store/postgres/open.ts';
import { failed, oneLine, passed, type DoctorCheck } from './checks.ts';

const SECTION = 'Database';

export function postgresChecks(url: string): DoctorCheck[] {
  const db = new PostgresDatabase({ url, connectTimeoutMs: 5_000 });
  try {
    let server: string;
    try {
      server =
        db.prepare<[], { v: string }>(`SELECT split_part(current_setting('server_version'), ' ', 1) AS v`).get()?.v ??
        '?';
    } catch (err) {
      return [
        failed(
          SECTION,
          'REWIND_DB',
          `cannot reach PostgreSQL at ${db.target}: ${oneLine((err as { cause?: unknown }).cause ?? err)}`,
          'check the host, port, database, user and password in REWIND_DB, and that the server is up and lets ' +
            "Rewind's pods in",
        ),
      ];
    }
    const checks = [passed(SECTION, 'REWIND_DB', `PostgreSQL ${server} at ${db.target} answers`)];
    let version: number;
    let mayCreate: boolean;
    try {
      const table = db.prepare<[], { t: string | null }>(`SELECT to_regclass('rewind_schema')::text AS t`).get()?.t;
      version = table
        ? (db.prepare<[], { v: number | null }>('SELECT max(version) AS v FROM rewind_schema').get()?.v ?? 0)
        : 0;
      mayCreate =
        db.prepare<[], { ok: number }>(`SELECT has_schema_privilege(current_schema(), 'CREATE') AS ok`).get()?.ok === 1;
    } catch (err) {
      return [
        ...checks,
        failed(
          SECTION,
          'schema',
          `Rewind's user cannot read its schema: ${oneLine((err as { cause?: unknown }).cause ?? err)}`,
          "make Rewind's user the owner of its tables (ALTER TABLE … OWNER TO <user>), or point REWIND_DB at that " +
            'owner',
        ),
      ];
    }
    // A migration creates tables, so the right is needed until the schema is the newest this build knows.
    if (version < LATEST_POSTGRES_SCHEMA_VERSION && !mayCreate) {
      const cannot =
        version === 0
          ? 'none yet, and rewind start cannot create it'
          : `${version}, and rewind start cannot migrate it to ${LATEST_POSTGRES_SCHEMA_VERSION}`;
      checks.push(
        failed(
          SECTION,
          'schema',
          `${cannot}: Rewind's user may not create tables in schema ${schemaOf(db)}`,
          `GRANT CREATE, USAGE ON SCHEMA ${schemaOf(db)} TO <Rewind's user>, or point REWIND_DB at a user that may`,
        ),
      );
      return checks;
    }
    if (version > LATEST_POSTGRES_SCHEMA_VERSION) {
      const refusal = new StoreVersionError(db.target, version, LATEST_POSTGRES_SCHEMA_VERSION);
      checks.push(
        failed(SECTION, 'schema', refusal.message, `run the newer Rewind image that wrote it (schema ${version})`),
      );
    } else {
      checks.push(
        passed(
          SECTION,
          'schema',
          version === 0
            ? 'none yet: rewind start creates it'
            : version === LATEST_POSTGRES_SCHEMA_VERSION
              ? `${version}, the newest this build knows`
              : `${version}: rewind start migrates it to ${LATEST_POSTGRES_SCHEMA_VERSION}`,
        ),
      );
    }
    return checks;
  } finally {
    db.close();
  }
}
