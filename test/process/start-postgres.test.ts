/**
 * `rewind start` and `rewind doctor` with REWIND_DB naming PostgreSQL: a server that is not there
 * stops the start at once, naming it; a real one (REWIND_TEST_POSTGRES) is migrated and served.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresDatabase } from '../../src/store/postgres/database.ts';
import { LATEST_POSTGRES_SCHEMA_VERSION } from '../../src/store/postgres/migrations/index.ts';
import { openStore } from '../../src/store/index.ts';
import { EVALUATE_TIMER } from '../../src/services/evaluator.ts';
import { SlackApiStandIn } from '../support/slack-api.ts';
import { REPO, cleanEnv, eventually, freePort, runRewind, spawnRewind, tempDir } from '../support/run-cli.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { STORE_KINDS, freshDatabase } from '../support/stores.ts';

const CONFIG = join(REPO, 'config/rewind.yml');
const CHILD_PROCESS_CEILING_MS = 120_000;

let slack: SlackApiStandIn | undefined;
afterEach(async () => {
  await slack?.stop();
  slack = undefined;
});

describe('rewind start on PostgreSQL', { timeout: CHILD_PROCESS_CEILING_MS }, () => {
  it('exits 1 naming the host and the error when the server cannot be reached', async () => {
    const port = await freePort(); // nothing listens there
    const r = await runRewind(
      ['start'],
      cleanEnv({
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_SIGNING_SECRET: 'secret',
        REWIND_CONFIG: CONFIG,
        REWIND_DB: `postgres://rewind:hunter2@127.0.0.1:${port}/rewind`,
        KUBECONFIG: writeKubeconfig([{ name: 'cluster', server: 'http://127.0.0.1:9' }]),
      }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `Cannot open the database PostgreSQL at 127.0.0.1:${port}/rewind: cannot reach the server: connect ECONNREFUSED`,
    );
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it.skipIf(!STORE_KINDS.includes('postgres'))(
    "the doctor says when Rewind's user may not create its tables, and start names the grant",
    async () => {
      const { target } = freshDatabase('postgres');
      const schema = new URL(target).searchParams.get('options')!.replace('-c search_path=', '');
      const role = `rewind_ro_${schema}`;
      const admin = new PostgresDatabase({ url: target });
      admin.exec(`CREATE ROLE ${role} LOGIN; GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
      try {
        // Peer authentication over the socket wants an OS user of the role's name, so the test's own
        // user connects and takes the role for the session (`-c role=`), as a login of it would.
        const url = new URL(target);
        url.searchParams.set('options', `-c search_path=${schema} -c role=${role}`);
        const env = cleanEnv({ REWIND_CONFIG: CONFIG, REWIND_DB: url.toString() });
        const doctor = await runRewind(['doctor', '--json'], env);
        const schemaCheck = (
          JSON.parse(doctor.stdout) as { section: string; check: string; ok: boolean; fix?: string }[]
        ).find((c) => c.section === 'Database' && c.check === 'schema');
        expect(schemaCheck).toMatchObject({ ok: false, fix: expect.stringContaining('GRANT CREATE, USAGE ON SCHEMA') });
        const start = await runRewind(
          ['start'],
          cleanEnv({
            SLACK_BOT_TOKEN: 'xoxb-1',
            SLACK_SIGNING_SECRET: 'secret',
            REWIND_CONFIG: CONFIG,
            REWIND_DB: url.toString(),
            KUBECONFIG: writeKubeconfig([{ name: 'cluster', server: 'http://127.0.0.1:9' }]),
          }),
        );
        expect(start.code).toBe(1);
        expect(start.stderr).toContain("the server refused Rewind's user a right it needs (permission denied");
        expect(start.stderr).toContain(`GRANT CREATE, USAGE ON SCHEMA ${schema} TO <user>`);
      } finally {
        admin.exec(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
        admin.close();
      }
    },
  );

  it.skipIf(!STORE_KINDS.includes('postgres'))(
    'a user that owns the migrated tables but may not create new ones runs the store, and the doctor agrees',
    async () => {
      const { target } = freshDatabase('postgres');
      openStore(target).close(); // migrated by a user that may create tables
      const schema = new URL(target).searchParams.get('options')!.replace('-c search_path=', '');
      const role = `rewind_owner_${schema}`;
      const admin = new PostgresDatabase({ url: target });
      admin.exec(`CREATE ROLE ${role} LOGIN; GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
      admin.exec(`DO $$ DECLARE t text; BEGIN
        FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = '${schema}' LOOP
          EXECUTE format('ALTER TABLE ${schema}.%I OWNER TO ${role}', t);
        END LOOP; END $$`);
      try {
        const url = new URL(target);
        url.searchParams.set('options', `-c search_path=${schema} -c role=${role}`);
        const store = openStore(url.toString());
        store.close();
        const doctor = await runRewind(
          ['doctor', '--json'],
          cleanEnv({ REWIND_CONFIG: CONFIG, REWIND_DB: url.toString() }),
        );
        const checks = JSON.parse(doctor.stdout) as { section: string; check: string; ok: boolean; detail: string }[];
        expect(checks.find((c) => c.section === 'Database' && c.check === 'schema')).toMatchObject({
          ok: true,
          detail: `${LATEST_POSTGRES_SCHEMA_VERSION}, the newest this build knows`,
        });
      } finally {
        admin.exec(`DROP OWNED BY ${role} CASCADE; DROP ROLE ${role}`);
        admin.close();
      }
    },
  );

  it.skipIf(!STORE_KINDS.includes('postgres'))(
    'migrates an empty database, serves readiness on it, and the doctor reads it without writing',
    async () => {
      const { target } = freshDatabase('postgres');
      const env = cleanEnv({ REWIND_CONFIG: CONFIG, REWIND_DB: target });
      const before = await runRewind(['doctor', '--json'], env);
      const section = (out: string) =>
        (JSON.parse(out) as { section: string; check: string; ok: boolean; detail: string }[])
          .filter((c) => c.section === 'Database')
          .map((c) => [c.check, c.ok, c.detail]);
      expect(section(before.stdout)).toEqual([
        ['REWIND_DB', true, expect.stringMatching(/^PostgreSQL 15\.\d+ at localhost\/rewind_test answers$/)],
        ['schema', true, 'none yet: rewind start creates it'],
      ]);

      slack = await new SlackApiStandIn().start();
      const port = await freePort();
      const child = spawnRewind(
        ['start'],
        cleanEnv({
          SLACK_BOT_TOKEN: 'xoxb-0000-token',
          SLACK_SIGNING_SECRET: 'signing-secret',
          SLACK_API_URL: slack.url,
          PORT: String(port),
          REWIND_CONFIG: CONFIG,
          REWIND_DB: target,
          KUBECONFIG: writeKubeconfig([{ name: 'cluster', server: 'http://127.0.0.1:9' }]),
        }),
        tempDir(),
      );
      const closed = new Promise<number | null>((r) => child.on('close', r));
      try {
        const base = `http://127.0.0.1:${port}`;
        const ready = await eventually(async () => {
          const r = await fetch(`${base}/readyz`).catch(() => null);
          return r?.status === 200 ? ((await r.json()) as { checks: { name: string; ok: boolean }[] }) : undefined;
        });
        expect(ready.checks.map((c) => [c.name, c.ok])).toContainEqual(['database', true]);
        const metrics = await (await fetch(`${base}/metrics`)).text();
        // The next drill of the quarterly schedule is armed, in PostgreSQL (beside it, each service's
        // evaluator round is a timer too, pending or firing depending on the moment it is read).
        expect(metrics).toMatch(/^rewind_pending_timers \d+$/m);
        const db = new PostgresDatabase({ url: target });
        try {
          const pending = `SELECT count(*) AS n FROM timers WHERE status = 'pending' AND kind <> '${EVALUATE_TIMER}'`;
          expect(db.prepare(pending).get()).toEqual({ n: 3 });
        } finally {
          db.close();
        }
      } finally {
        child.kill('SIGTERM');
      }
      expect(await closed).toBe(0);

      const after = await runRewind(['doctor', '--json'], env);
      expect(section(after.stdout)).toContainEqual([
        'schema',
        true,
        `${LATEST_POSTGRES_SCHEMA_VERSION}, the newest this build knows`,
      ]);
    },
  );
});
