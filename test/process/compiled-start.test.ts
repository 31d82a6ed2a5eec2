/**
 * The production build: `npm run build` compiles src/ to dist/, the image runs `node dist/bin.js
 * start` with no sources beside it, and `npm start` runs dist/ only when it is not older than src/.
 * Built fresh into a temporary folder (test/support/compiled-build.ts), never the checkout's dist/.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../../src/store/migrations/index.ts';
import { checkoutLike, compileBuild, typescriptCompiler, type CompiledBuild } from '../support/compiled-build.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { REPO, cleanEnv, eventually, type Finished } from '../support/run-cli.ts';
import { SlackApiStandIn } from '../support/slack-api.ts';

// A build and several child processes (two through npm): seconds on an idle machine, many times
// that when other work holds the cores. The ceilings are for the slow case; waits end as soon as
// their condition holds.
const CEILING_MS = 180_000;
const CONFIG = join(REPO, 'config/rewind.yml');
const { version: VERSION } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

/** `npm start` in `root`, as a person types it there. */
function npmStart(root: string, env: NodeJS.ProcessEnv): Promise<Finished> {
  const child = spawn('npm', ['start', '--silent'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

/** What the image's runtime stage holds: package.json, manifest.yml, config/, dist/ and node_modules — no sources. */
function imageLike(build: CompiledBuild): string {
  const root = checkoutLike(['package.json']);
  cpSync(join(build.root, 'dist'), join(root, 'dist'), { recursive: true });
  cpSync(join(REPO, 'config'), join(root, 'config'), { recursive: true });
  cpSync(join(REPO, 'manifest.yml'), join(root, 'manifest.yml'));
  return root;
}

const folders: string[] = [];
/** Registers a folder a test made, removed after it. */
function made(root: string): string {
  folders.push(root);
  return root;
}
let slack: SlackApiStandIn | undefined;
afterEach(async () => {
  await slack?.stop();
  slack = undefined;
  for (const root of folders.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!typescriptCompiler())('the production build', { timeout: CEILING_MS }, () => {
  let build: CompiledBuild;
  beforeAll(() => {
    build = compileBuild();
  }, CEILING_MS);
  afterAll(() => build?.remove());

  it('compiles every source file, all TypeScript, to JavaScript whose imports name .js files', () => {
    // tsc emits JavaScript only: a file read at run time beside the code (SQL, JSON, YAML) would be
    // missing from dist/ and from the image until the build copied it.
    const sources = filesUnder(join(build.root, 'src'));
    expect(sources.filter((f) => !f.endsWith('.ts'))).toEqual([]);
    const compiled = filesUnder(join(build.root, 'dist'));
    expect(compiled.sort()).toEqual(sources.map((f) => f.replace(/\.ts$/, '.js')).sort());
    const tsImports = compiled.filter((f) =>
      /(from\s+|import\(\s*)['"][^'"]+\.ts['"]/.test(readFileSync(join(build.root, 'dist', f), 'utf8')),
    );
    expect(tsImports).toEqual([]);
  });

  it('runs from dist/ alone as the image does: health, readiness, the schema, a clean stop on SIGTERM', async () => {
    slack = await new SlackApiStandIn().start();
    const root = made(imageLike(build));
    const port = await freePort();
    const token = 'xoxb-0000-compiled-token';
    const child = spawn(process.execPath, ['dist/bin.js', 'start'], {
      cwd: root,
      env: cleanEnv({
        SLACK_BOT_TOKEN: token,
        SLACK_SIGNING_SECRET: 'signing-secret-compiled',
        SLACK_API_URL: slack.url,
        PORT: String(port),
        REWIND_DB: join(root, 'data/rewind.db'),
        HOME: root,
        // A cluster that does not answer: the start needs a kubeconfig that names one, not the cluster itself.
        KUBECONFIG: writeKubeconfig(
          [{ name: 'cluster', server: 'http://127.0.0.1:9' }],
          'cluster',
          join(root, 'kubeconfig'),
        ),
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((r) => child.on('close', r));
    try {
      const base = `http://127.0.0.1:${port}`;
      const health = await eventually(() => fetch(`${base}/healthz`).then((r) => r.json()), CEILING_MS);
      expect(health).toEqual({ status: 'ok' });
      const ready = await eventually(async () => {
        const r = await fetch(`${base}/readyz`);
        return r.status === 200 ? ((await r.json()) as { checks: { name: string; ok: boolean }[] }) : undefined;
      }, CEILING_MS);
      expect(ready.checks.every((c) => c.ok)).toBe(true);
      expect(slack.callsTo('auth.test').map((c) => c.token)).toEqual([token]);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await closed, stderr).toBe(0);
    const messages = stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    // The version comes from package.json, read beside dist/ as it is read beside src/.
    expect(messages).toEqual(
      expect.arrayContaining([`Rewind ${VERSION} listening on port ${port} (Slack http mode)`, 'Rewind stopped']),
    );
    // The migrations are compiled with the rest: the database has every one of them applied.
    const db = new Database(join(root, 'data/rewind.db'), { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      const tables = db.prepare("select name from sqlite_master where type = 'table'").pluck().all();
      expect(tables).toEqual(expect.arrayContaining(['incidents', 'timers', 'outbox']));
    } finally {
      db.close();
    }
  });

  it('`rewind playground` from the build: the bot starts from dist/ and the page is served', async () => {
    const root = made(imageLike(build));
    // Without the page's files (the image ships the bot only), it says so and where to run it.
    const bare = spawn(process.execPath, ['dist/bin.js', 'playground'], { cwd: root, env: cleanEnv({}) });
    let said = '';
    bare.stderr.on('data', (d: Buffer) => (said += d.toString()));
    expect(await new Promise((done) => bare.on('close', done))).toBe(1);
    expect(said).toContain("rewind playground: the page's files are not in this install");
    expect(said).toContain('npm run playground in a checkout');

    // Beside the repository's assets/, as in a checkout that ran npm run build.
    cpSync(join(REPO, 'assets'), join(root, 'assets'), { recursive: true });
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/bin.js', 'playground', '--port', String(port)], {
      cwd: root,
      env: cleanEnv({}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const closed = new Promise((done) => child.on('close', done));
    try {
      const ready = () => (out.includes(`Rewind playground: http://127.0.0.1:${port}`) ? true : undefined);
      await eventually(ready, CEILING_MS - 30_000);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await closed).toBe(0);
  });

  it('`npm start` runs the build; without credentials it names each missing variable and creates nothing', async () => {
    const db = join(build.root, 'data/rewind.db');
    const r = await npmStart(build.root, cleanEnv({ REWIND_CONFIG: CONFIG, REWIND_DB: db }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Missing environment variables: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET');
    expect(r.stderr).toContain('npm run demo');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(db)).toBe(false);
  });

  it('`npm start` refuses a dist/ older than a source, or missing a source, and says to build', async () => {
    const root = made(checkoutLike(['package.json', 'bin', 'src']));
    cpSync(join(build.root, 'dist'), join(root, 'dist'), { recursive: true });
    const env = cleanEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', REWIND_CONFIG: CONFIG });
    const edited = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src/main.ts'), edited, edited);
    const older = await npmStart(root, env);
    expect(older.code).toBe(1);
    expect(older.stderr).toBe(
      'rewind: src/main.ts changed after dist/ was built; run npm run build first ' +
        '(or bin/rewind.mjs, which runs the sources)\n',
    );
    expect(existsSync(join(root, 'data'))).toBe(false);

    utimesSync(join(root, 'src/main.ts'), new Date(0), new Date(0));
    writeFileSync(join(root, 'src/added.ts'), 'export const added = 1;\n');
    const missing = await npmStart(root, env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('rewind: src/added.ts has no compiled file in dist/; run npm run build first');
  });

  it('`npm start` in a checkout never built says to build', async () => {
    const root = made(checkoutLike(['package.json', 'bin', 'src']));
    const r = await npmStart(root, cleanEnv({ REWIND_CONFIG: CONFIG, REWIND_DB: join(root, 'r.db') }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('rewind: there is no compiled build in dist/; run npm run build first');
    expect(existsSync(join(root, 'r.db'))).toBe(false);
  });
});
