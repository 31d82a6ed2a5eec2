/**
 * `rewind migrate-store`: a SQLite store filled through the real repositories, moved to PostgreSQL
 * with the command, then read back through the same repositories; and every refusal, each of which
 * must leave both stores exactly as they were. The PostgreSQL cases run when REWIND_TEST_POSTGRES
 * names a server (test/support/stores.ts); the refusals that stop before PostgreSQL always run.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { ManualClock } from '../../src/clock.ts';
import { initialTriggerState } from '../../src/domain/triggers.ts';
import type { Incident } from '../../src/domain/types.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, openDatabase, openStore, type NewIncident } from '../../src/store/index.ts';
import { PostgresDatabase } from '../../src/store/postgres/database.ts';
import { describeTarget } from '../../src/store/postgres/sync-connection.ts';
import { LATEST_POSTGRES_SCHEMA_VERSION as PG_LATEST } from '../../src/store/postgres/migrations/index.ts';
import { freshDatabase } from '../support/stores.ts';

const POSTGRES = process.env['REWIND_TEST_POSTGRES'];
const withPostgres = it.skipIf(!POSTGRES);
/** Nothing listens on port 1: a target that cannot be reached, with a password that must never be printed. */
const NOWHERE = 'postgres://rewind:s3cret-pw@127.0.0.1:1/rewind';
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
/** Generous: PostgreSQL cases start a worker thread and migrate a schema on a busy machine. */
const CEILING = { timeout: 60_000 };

/** rewind_schema's rows in a PostgreSQL store this build migrated: one per migration. */
const PG_VERSIONS = Array.from({ length: PG_LATEST }, (_, i) => ({ version: i + 1 }));

async function migrateStore(...args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(['migrate-store', ...args], { log: (l) => stdout.push(l), error: (l) => stderr.push(l) });
  return { code, stdout, stderr };
}

/** The file's bytes and what lies beside it: a refusal changes neither (no -wal or -shm appears). */
function fileState(file: string) {
  const dir = path.dirname(file);
  const bytes = fs.existsSync(file) ? createHash('sha256').update(fs.readFileSync(file)).digest('hex') : null;
  return { bytes, beside: fs.readdirSync(dir).sort() };
}

/** Every table of the target's schema with its rows, sorted, for "nothing changed" and "same rows" checks. */
function postgresContent(url: string): Record<string, unknown[]> {
  const db = new PostgresDatabase({ url });
  try {
    const tables = db
      .prepare<[], { name: string }>(
        `SELECT table_name AS name FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
      )
      .all();
    return Object.fromEntries(tables.map(({ name }) => [name, sortRows(db.prepare(`SELECT * FROM "${name}"`).all())]));
  } finally {
    db.close();
  }
}

function sqliteContent(file: string): Record<string, unknown[]> {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const tables = db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all();
    return Object.fromEntries(tables.map(({ name }) => [name, sortRows(db.prepare(`SELECT * FROM "${name}"`).all())]));
  } finally {
    db.close();
  }
}

const sortRows = (rows: unknown[]) =>
  rows
    .map((r) => JSON.stringify(Object.fromEntries(Object.entries(r as object).sort(([a], [b]) => a.localeCompare(b)))))
    .sort()
    .map((text) => JSON.parse(text) as unknown);

function newIncident(overrides: Partial<NewIncident> = {}): NewIncident {
  return {
    service: 'chat-api',
    version: 'v2.3.0',
    severity: 'critical',
    status: 'detected',
    title: 'error_rate 6% > 5%',
    drill: false,
    startedAt: T0,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    slackChannel: 'C0INCIDENTS',
    slackTs: '1736067600.000100',
    ...overrides,
  };
}

/** A store that has seen a morning's work, written through the repositories the bot uses. */
function fillSqlite(file: string) {
  const store = openStore(file, { clock: new ManualClock(T0) });
  try {
    const incident = store.incidents.create(newIncident());
    const bot = { kind: 'bot' as const, id: 'rewind' };
    store.incidents.appendEvent({
      incidentId: incident.id,
      at: T0 + 1,
      kind: 'posted',
      actor: bot,
      detail: { channel: 'C1', ts: '1.1' },
    });
    const acknowledged: Incident = {
      ...incident,
      status: 'awaiting_decision',
      acknowledgedAt: T0 + 60_000,
      acknowledgedBy: 'U042',
    };
    store.incidents.applyTransition(acknowledged, {
      incidentId: incident.id,
      at: T0 + 60_000,
      kind: 'status',
      actor: { kind: 'user', id: 'U042' },
      from: 'detected',
      to: 'awaiting_decision',
      detail: { reason: { kind: 'manual_rollback' } },
    });
    const other = store.incidents.create(newIncident({ service: 'search-api', severity: 'warning', slackTs: null }));

    const alert = store.alerts.upsert({
      source: 'alertmanager',
      fingerprint: 'f00d',
      service: 'chat-api',
      version: 'v2.3.0',
      severity: 'critical',
      status: 'firing',
      summary: 'error rate above 5%',
      name: 'HighErrorRate',
      links: { graph: 'https://prometheus.example/graph' },
      labels: { alertname: 'HighErrorRate', service: 'chat-api' },
      annotations: { summary: 'error rate above 5%' },
      startsAt: T0 - 30_000,
      endsAt: null,
      receivedAt: T0,
    }).alert;
    store.alerts.linkIncident(alert.id, incident.id);

    const rollback = store.rollbacks.create({
      incidentId: incident.id,
      service: 'chat-api',
      strategy: 'gradual',
      fromVersion: 'v2.3.0',
      toVersion: 'v2.2.1',
      status: 'running',
      startedBy: 'U042',
      scheduledFor: null,
      startedAt: T0 + 90_000,
      plan: { phases: [50, 25, 5, 0] },
      dryRun: false,
    });
    store.rollbacks.addStep(rollback.id, {
      name: 'confirm',
      status: 'running',
      startedAt: T0 + 90_000,
      budgetMs: 30_000,
      detail: { kind: 'confirm', phase: null },
    });
    store.rollbacks.updateStep(rollback.id, 1, { status: 'succeeded', finishedAt: T0 + 95_000 });
    store.rollbacks.addStep(rollback.id, {
      name: 'phase 50%',
      budgetMs: 10_000,
      detail: { kind: 'set_weight', weight: 50, phase: 0 },
    });
    store.rollbacks.update(rollback.id, { currentPhase: 0 });

    // The newest timer fires and is pruned: SQLite never gives its id again, and neither may PostgreSQL.
    const pending = store.timers.insert(
      { kind: 'escalation', key: `escalate:${incident.id}:1`, dueAt: T0 + 1_800_000, payload: { level: 1 } },
      T0,
    );
    store.timers.insert({ kind: 'observe', key: `observe:${rollback.id}:0`, dueAt: T0 + 600_000 }, T0);
    const pruned = store.timers.insert({ kind: 'cleanup', key: 'cleanup:1', dueAt: T0 }, T0).timer;
    store.timers.claim(pruned.id, 'host:1:aaaa', T0 + 1);
    store.timers.markDone(pruned.id, 'host:1:aaaa', T0 + 2);
    expect(store.timers.pruneDone('cleanup', T0 + 3)).toBe(1);
    store.timers.beat('host:1:aaaa', T0);

    const sent = store.outbox.enqueue(
      { queue: `incident:${incident.id}`, kind: 'thread', payload: { text: 'posted' } },
      T0,
    ) as number;
    store.outbox.markSent(sent, T0 + 1_000);
    store.outbox.enqueue(
      { queue: `incident:${incident.id}`, kind: 'thread', payload: { text: 'waiting' }, dedupKey: 'note:1' },
      T0,
    );
    store.outbox.enqueue({ queue: 'dm:U042', kind: 'dm', payload: { text: 'escalated to you' } }, T0);

    const cli = { kind: 'cli' as const, osUser: 'alice' };
    store.audit.record({
      at: T0,
      actor: { kind: 'user', id: 'U042', via: cli },
      action: 'rollback.start',
      target: 'chat-api',
      outcome: 'allowed',
      detail: { strategy: 'gradual' },
    });
    store.audit.record({
      at: T0 + 1,
      actor: { kind: 'user', id: 'U777' },
      action: 'rollback.start',
      target: 'chat-api',
      outcome: 'refused',
    });
    store.approvals.record({ subject: rollback.id, approver: 'U042', at: T0 });
    store.approvals.record({ subject: rollback.id, approver: 'U043', at: T0 + 5, note: 'second pair of eyes' });

    const drill = store.drills.create({
      scenario: 'inject_errors',
      scheduledFor: Date.UTC(2026, 0, 8, 10),
      service: 'chat-api',
    });
    store.drills.update(drill.id, {
      status: 'completed',
      startedAt: Date.UTC(2026, 0, 8, 10),
      finishedAt: Date.UTC(2026, 0, 8, 10, 30),
    });
    store.drills.setChecked(drill.id, 'preparation', ['dashboards open', 'on-call told'], 'U042', T0);
    store.drills.rate(drill.id, 'U043', 4, T0);

    const drift = store.drifts.record({
      service: 'chat-api',
      object: 'VirtualService prod/chat-api',
      resourceVersion: '4711',
      writer: 'kubectl-edit',
      live: { 'v2.3.0': 100 },
      expected: { 'v2.3.0': 50, 'v2.2.1': 50 },
      expectedAt: T0 + 90_000,
      incidentId: incident.id,
      pausedRollbackId: null,
      notedAt: T0 + 120_000,
    });
    store.drifts.settle(drift!.id, 'reapplied', 'U042', T0 + 130_000);

    store.assessments.merge(incident.id, { userImpact: 'partial', fixTime: 'long' }, 'U042', T0);
    store.complaints.record({
      service: 'chat-api',
      reportedBy: 'U900',
      text: 'answers are garbled',
      at: T0,
      incidentId: incident.id,
    });
    store.rcaDrafts.save(incident.id, '# What happened', 'U042', T0);
    store.checklists.set(incident.id, 'fix', ['root cause found'], 'U042', T0);
    store.triggerStates.save('chat-api', 'v2.3.0', initialTriggerState(), T0);
    store.unknownServices.record('billing-api', T0, T0 - (T0 % 60_000), 'announced');
    // More rows than one INSERT carries: the copy goes in several batches.
    for (let i = 0; i < 1_234; i++) store.processedRequests.remember(`slack:${i}`, T0 + i);
    return {
      incident,
      other,
      alert,
      rollback,
      drill,
      drift: drift!,
      timerKey: pending.timer.key,
      prunedTimerId: pruned.id,
    };
  } finally {
    store.close();
  }
}

/** A file at an older schema (009), as a Rewind of that build left it, with an incident and a timer. */
function olderSource(file: string): void {
  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 9) });
  db.exec(`INSERT INTO incidents (id, service, severity, status, title, started_at, created_at, updated_at)
           VALUES ('INC-20260105-001', 'chat-api', 'warning', 'detected', 'old', ${T0}, ${T0}, ${T0});
           INSERT INTO id_seq (scope, day, last) VALUES ('INC', '20260105', 1);
           INSERT INTO timers (kind, key, due_at, run_at, status, created_at, updated_at)
           VALUES ('escalation', 'escalate:1', ${T0}, ${T0}, 'pending', ${T0}, ${T0});`);
  db.close();
}

const userVersion = (file: string) => {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true });
  } finally {
    db.close();
  }
};

describe('rewind migrate-store', () => {
  withPostgres('moves every row, keeps every id, and PostgreSQL continues past them', CEILING, async () => {
    const file = freshDatabase('sqlite').target;
    const target = freshDatabase('postgres').target;
    const made = fillSqlite(file);
    // An integer past 2^53 (no JavaScript number holds it) must arrive digit for digit.
    const raw = new BetterSqlite3(file);
    raw.prepare('UPDATE timers SET due_at = 9007199254740993 WHERE key = ?').run(made.timerKey);
    raw.close();

    const run = await migrateStore('--from', file, '--to', target);
    expect(run.stderr).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout[0]).toBe(
      `${file} (SQLite, schema ${LATEST_SCHEMA_VERSION}) → PostgreSQL at ${describeTarget(target)} (schema ` +
        `${PG_LATEST})`,
    );
    const counts = Object.fromEntries(
      run.stdout
        .filter((l) => /^ {2}\S+ +\d+ +\d+$/.test(l))
        .map((l) => [l.trim().split(/ +/)[0], l.trim().split(/ +/).slice(1).map(Number)]),
    );
    expect(counts['processed_requests']).toEqual([1_234, 1_234]);
    expect(counts['incidents']).toEqual([2, 2]);
    expect(counts['total']?.[0]).toBe(counts['total']?.[1]);
    expect(run.stdout.at(-2)).toMatch(/^Every count matches\. Copied in \d+\.\d s in one transaction/);

    const exact = new PostgresDatabase({ url: target });
    try {
      const dueAt = `SELECT due_at::text AS d FROM timers WHERE key = ?`;
      expect(exact.prepare<[string], { d: string }>(dueAt).get(made.timerKey)).toEqual({ d: '9007199254740993' });
    } finally {
      exact.close();
    }

    // Row for row, every table, every column.
    const { rewind_schema: schemaRows, ...copied } = postgresContent(target);
    expect(schemaRows).toEqual(PG_VERSIONS);
    expect(copied).toEqual(sqliteContent(file));

    const sqlite = openStore(file);
    const postgres = openStore(target, { clock: new ManualClock(T0) });
    try {
      const { incident, other, alert, rollback, drill, drift } = made;
      for (const s of [sqlite, postgres]) expect(s.incidents.get(incident.id)?.status).toBe('awaiting_decision');
      const same = (read: (s: typeof sqlite) => unknown) => expect(read(postgres)).toEqual(read(sqlite));
      same((s) => [s.incidents.get(incident.id), s.incidents.get(other.id), s.incidents.listOpen()]);
      same((s) => s.incidents.timeline(incident.id));
      same((s) => [s.alerts.get(alert.source, alert.fingerprint), s.alerts.listForIncident(incident.id)]);
      same((s) => [s.rollbacks.get(rollback.id), s.rollbacks.steps(rollback.id), s.rollbacks.listActive()]);
      same((s) => [s.timers.list(), s.timers.getByKey(made.timerKey), s.timers.runner('host:1:aaaa')]);
      same((s) => [s.outbox.dueHeads(T0 + 10_000), s.outbox.backlog(), s.outbox.get(1), s.outbox.get(2)]);
      same((s) => [s.audit.list(), s.approvals.list(rollback.id)]);
      same((s) => [s.drills.get(drill.id), s.drills.checked(drill.id, 'preparation'), s.drills.ratings(drill.id)]);
      same((s) => [s.drifts.get(drift.id), s.assessments.get(incident.id), s.complaints.recent('chat-api')]);
      same((s) => [s.rcaDrafts.get(incident.id), s.checklists.checked(incident.id, 'fix')]);
      same((s) => [s.triggerStates.get('chat-api', 'v2.3.0'), s.unknownServices.lastToldAt('billing-api')]);
      expect(postgres.outbox.backlog().count).toBe(2);
      expect(postgres.timers.list()).toHaveLength(2);

      // New rows after the move: the day's incident numbering goes on, numeric ids go above the copied ones.
      expect(postgres.incidents.create(newIncident({ service: 'ledger-api' })).id).toBe('INC-20260105-003');
      const timer = postgres.timers.insert({ kind: 'observe', key: 'after-the-move', dueAt: T0 }, T0).timer;
      expect(timer.id).toBe(made.prunedTimerId + 1);
      const message = postgres.outbox.enqueue({ queue: 'dm:U1', kind: 'dm', payload: { text: 'after' } }, T0);
      expect(message).toBe(4);
      const audit = postgres.audit.record({
        at: T0 + 9,
        actor: { kind: 'system', id: 'rewind' },
        action: 'moved',
        outcome: 'allowed',
      });
      expect(audit).toBe(3);
    } finally {
      sqlite.close();
      postgres.close();
    }
  });

  withPostgres(
    'a dry run copies and checks, then commits nothing and migrates only a copy of the file',
    CEILING,
    async () => {
      const file = freshDatabase('sqlite').target;
      const target = freshDatabase('postgres').target;
      olderSource(file);
      const before = fileState(file);

      const dry = await migrateStore('--from', file, '--to', target, '--dry-run');
      expect(dry.stderr).toEqual([]);
      expect(dry.code).toBe(0);
      expect(dry.stdout[1]).toBe(`a copy of ${file} was migrated from schema 9 first; the file itself is unchanged`);
      expect(dry.stdout).toContain('  incidents                   1           1');
      expect(dry.stdout.at(-1)).toMatch(
        /^Dry run: every count matches \(\d+\.\d s\), then all was rolled back: no row/,
      );
      expect(fileState(file)).toEqual(before);
      expect(userVersion(file)).toBe(9);
      const { rewind_schema: schemaRows, ...tables } = postgresContent(target);
      expect(schemaRows).toEqual(PG_VERSIONS);
      expect(Object.values(tables).every((rows) => rows.length === 0)).toBe(true);

      // The real run then migrates the file itself, and the old rows read back on PostgreSQL.
      const real = await migrateStore('--from', file, '--to', target);
      expect(real.code).toBe(0);
      expect(real.stdout[1]).toBe(`${file} was migrated from schema 9 first`);
      expect(userVersion(file)).toBe(LATEST_SCHEMA_VERSION);
      const postgres = openStore(target);
      try {
        expect(postgres.incidents.get('INC-20260105-001')).toMatchObject({ title: 'old', status: 'detected' });
        expect(postgres.timers.getByKey('escalate:1')).toMatchObject({ id: 1, status: 'pending' });
      } finally {
        postgres.close();
      }
    },
  );

  describe('refuses, in one line, changing nothing', () => {
    it('a source that does not exist, without creating it', async () => {
      const file = freshDatabase('sqlite').target;
      const before = fileState(file);
      const run = await migrateStore('--from', file, '--to', NOWHERE);
      expect(run).toEqual({
        code: 1,
        stdout: [],
        stderr: [
          `rewind migrate-store: ${file} does not exist: --from names the SQLite file Rewind ran on (its REWIND_DB, ` +
            'e.g. data/rewind.db)',
        ],
      });
      expect(fileState(file)).toEqual(before);
    });

    it('a file that is not a Rewind database: not SQLite at all, or another program’s SQLite', async () => {
      const text = freshDatabase('sqlite').target;
      fs.writeFileSync(text, 'incidents,timers\n1,2\n');
      const foreign = freshDatabase('sqlite').target;
      const db = new BetterSqlite3(foreign);
      db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES (1)');
      db.close();
      for (const [file, why] of [
        [text, 'SQLite cannot read it (file is not a database)'],
        [foreign, 'it holds no Rewind schema'],
      ] as const) {
        const before = fileState(file);
        const run = await migrateStore('--from', file, '--to', NOWHERE);
        expect(run).toMatchObject({
          code: 1,
          stdout: [],
          stderr: [`rewind migrate-store: ${file} is not a Rewind database: ${why}`],
        });
        expect(fileState(file)).toEqual(before);
      }
    });

    it('a file written by a newer Rewind', async () => {
      const file = freshDatabase('sqlite').target;
      openDatabase(file).close();
      const db = new BetterSqlite3(file);
      db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
      db.close();
      const before = fileState(file);
      const run = await migrateStore('--from', file, '--to', NOWHERE);
      expect(run.stderr).toEqual([
        `rewind migrate-store: ${file} was written by a newer Rewind (schema ${LATEST_SCHEMA_VERSION + 1}; this ` +
          `build knows up to ${LATEST_SCHEMA_VERSION}): run migrate-store of the build that wrote it`,
      ]);
      expect(run.code).toBe(1);
      expect(fileState(file)).toEqual(before);
    });

    it('a Rewind beating its heartbeat in the file, named; a heartbeat over 30 s old is a stopped one', async () => {
      const file = freshDatabase('sqlite').target;
      const store = openStore(file);
      store.timers.beat('rewind-0:1:live', Date.now() - 2_000);
      store.timers.beat('rewind-1:1:gone', Date.now() - 600_000);
      store.close();
      const before = fileState(file);
      const run = await migrateStore('--from', file, '--to', NOWHERE);
      expect(run.code).toBe(1);
      expect(run.stderr).toHaveLength(1);
      expect(run.stderr[0]).toMatch(
        new RegExp(
          `^rewind migrate-store: a Rewind still runs on ${file} ` +
            `\\(rewind-0:1:live, heartbeat \\d+ s ago\\): stop Rewind first`,
        ),
      );
      expect(fileState(file)).toEqual(before);

      // Only the old heartbeat left: the source passes, and the target is what stops it now.
      const db = new BetterSqlite3(file);
      db.prepare('DELETE FROM runners WHERE owner = ?').run('rewind-0:1:live');
      db.close();
      const stale = await migrateStore('--from', file, '--to', NOWHERE);
      expect(stale.stderr[0]).toMatch(/^rewind migrate-store: cannot reach PostgreSQL at 127\.0\.0\.1:1\/rewind:/);
    });

    it('a target that cannot be reached, naming the host and never the password', async () => {
      const file = freshDatabase('sqlite').target;
      olderSource(file);
      const before = fileState(file);
      const run = await migrateStore('--from', file, '--to', NOWHERE);
      expect(run.code).toBe(1);
      expect(run.stderr).toEqual([
        'rewind migrate-store: cannot reach PostgreSQL at 127.0.0.1:1/rewind: connect ECONNREFUSED 127.0.0.1:1; ' +
          'check --to (host, port, database, user, password) and that the server is up',
      ]);
      expect(run.stderr.join('')).not.toContain('s3cret-pw');
      expect(fileState(file)).toEqual(before);
      expect(userVersion(file)).toBe(9);
    });

    withPostgres('a target that already holds Rewind rows: it never merges', CEILING, async () => {
      const file = freshDatabase('sqlite').target;
      olderSource(file);
      const target = freshDatabase('postgres').target;
      const store = openStore(target, { clock: new ManualClock(T0) });
      store.incidents.create(newIncident());
      store.timers.insert({ kind: 'escalation', key: 'escalate:x', dueAt: T0 }, T0);
      store.close();
      const before = { file: fileState(file), target: postgresContent(target) };
      const run = await migrateStore('--from', file, '--to', target);
      expect(run).toEqual({
        code: 1,
        stdout: [],
        stderr: [
          `rewind migrate-store: PostgreSQL at ${describeTarget(target)} already holds 3 rows ` +
            '(id_seq 1, incidents 1, timers 1): migrate-store copies into an empty store only and never merges ' +
            'two; point --to at an empty database or schema',
        ],
      });
      expect({ file: fileState(file), target: postgresContent(target) }).toEqual(before);
    });

    withPostgres('a target whose schema a newer Rewind wrote', CEILING, async () => {
      const file = freshDatabase('sqlite').target;
      olderSource(file);
      const target = freshDatabase('postgres').target;
      const db = new PostgresDatabase({ url: target });
      const newer = PG_VERSIONS.map((v) => `(${v.version})`).join(', ') + `, (${PG_LATEST + 1})`;
      db.exec(`CREATE TABLE rewind_schema (version BIGINT NOT NULL); INSERT INTO rewind_schema VALUES ${newer}`);
      db.close();
      const before = { file: fileState(file), target: postgresContent(target) };
      const run = await migrateStore('--from', file, '--to', target);
      expect(run.stderr).toEqual([
        `rewind migrate-store: PostgreSQL at ${describeTarget(target)} holds the schema of a newer Rewind ` +
          `(${PG_LATEST + 1}; ` +
          `this build knows up to ${PG_LATEST}): run migrate-store of that build`,
      ]);
      expect({ file: fileState(file), target: postgresContent(target) }).toEqual(before);
    });

    withPostgres('a table that one schema has and the other lacks, naming it', CEILING, async () => {
      const file = freshDatabase('sqlite').target;
      fillSqlite(file);
      const db = new BetterSqlite3(file);
      db.exec(
        'CREATE TABLE operator_notes (id INTEGER PRIMARY KEY, body TEXT); ' +
          "INSERT INTO operator_notes (body) VALUES ('x')",
      );
      db.close();
      const target = freshDatabase('postgres').target;
      const run = await migrateStore('--from', file, '--to', target);
      expect(run.code).toBe(1);
      expect(run.stderr).toEqual([
        'rewind migrate-store: the SQLite and PostgreSQL schemas do not hold the same tables (only in SQLite: ' +
          'operator_notes): a migration lacks its twin in the other store, or the target holds tables that are not ' +
          'Rewind’s; nothing was copied',
      ]);
      const { rewind_schema: _schema, ...tables } = postgresContent(target);
      expect(Object.values(tables).every((rows) => rows.length === 0)).toBe(true);

      const other = freshDatabase('sqlite').target;
      fillSqlite(other);
      const pg = new PostgresDatabase({ url: target });
      pg.exec('CREATE TABLE audit_archive (id BIGINT)');
      pg.close();
      const extra = await migrateStore('--from', other, '--to', target);
      expect(extra.stderr[0]).toContain(`(only in PostgreSQL at ${describeTarget(target)}: audit_archive)`);
      expect(postgresContent(target)['incidents']).toEqual([]);
    });
  });

  withPostgres('--force copies although a heartbeat is fresh, and says so', CEILING, async () => {
    const file = freshDatabase('sqlite').target;
    const store = openStore(file);
    store.timers.beat('rewind-0:1:live', Date.now() - 1_000);
    store.close();
    const target = freshDatabase('postgres').target;
    const run = await migrateStore('--from', file, '--to', target, '--force');
    expect(run.code).toBe(0);
    expect(run.stderr).toHaveLength(1);
    expect(run.stderr[0]).toMatch(/^rewind migrate-store: --force: copying although rewind-0:1:live beat \d+ s ago/);
    expect(postgresContent(target)['runners']).toHaveLength(1);
  });

  it('says what is missing on the command line (exit 2), before touching anything', async () => {
    const file = freshDatabase('sqlite').target;
    expect(await migrateStore('--to', NOWHERE)).toMatchObject({
      code: 2,
      stderr: [
        'rewind migrate-store: --from is required: the SQLite file to copy (e.g. data/rewind.db); see rewind ' +
          'migrate-store --help',
      ],
    });
    expect((await migrateStore('--from', file, '--to', 'mysql://u:pw@db/rewind')).stderr).toEqual([
      'rewind migrate-store: --to must be a postgres:// URL (postgres://user:password@host:5432/db); see rewind ' +
        'migrate-store --help',
    ]);
    expect((await migrateStore('--from', file)).code).toBe(2);
    expect(fs.existsSync(file)).toBe(false);
  });
});
