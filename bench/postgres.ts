/**
 * The PostgreSQL store beside SQLite, and three replicas on one PostgreSQL beside one process.
 *
 * Alerts: the real bot as separate OS processes (the fault suite's launcher, on the real clock),
 * with the Slack Web API and Kubernetes API stand-ins in this process, in three setups: SQLite and
 * one process, PostgreSQL and one process, PostgreSQL and three processes with the alerts spread
 * over them in turn (as a load balancer would). In each: `ROUNDS` alerts one at a time, each for a
 * service nobody alerted on before, timed from the POST to the incident's head message in Slack;
 * then a burst of `BURST` alerts, again one per new service, `IN_FLIGHT` at a time, for throughput.
 *
 * Timer claims: `TIMERS` due timers claimed and fired through the real timer repository by one,
 * then by three competing TimerService loops, each on a connection of its own: in this process (as
 * test/timers/concurrency.test.ts runs them) on a SQLite file and on PostgreSQL, and on PostgreSQL
 * also each in a process of its own (this file with --claim-loop), as replicas run them.
 *
 * PostgreSQL comes from REWIND_BENCH_POSTGRES or REWIND_TEST_POSTGRES (a server where the bench may
 * create databases); each setup runs in a database of its own, dropped at the end. Without one the
 * section says how to get a server and is skipped.
 *
 * Alone: `node bin/run-ts.mjs bench/postgres.ts` (BENCH_SMOKE=1 for a short run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { z } from 'zod';
import { systemClock } from '../src/clock.ts';
import { TimerService, defineTimer } from '../src/services/timers.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { PostgresDatabase } from '../src/store/postgres/database.ts';
import { BotProcess } from '../test/faults/support/bot-process.ts';
import { shippedConfigDoc, type ServiceInput } from '../test/support/config-doc.ts';
import { KubeApiStandIn } from '../test/support/kube-api.ts';
import { writeKubeconfig } from '../test/support/kubeconfig.ts';
import { REPO } from '../test/support/run-cli.ts';
import { SlackApiStandIn } from '../test/support/slack-api.ts';
import { scaled, SMOKE } from './scale.ts';

const POSTGRES = process.env.REWIND_BENCH_POSTGRES ?? process.env.REWIND_TEST_POSTGRES;
/** Alerts timed one at a time, each opening a new incident. */
const ROUNDS = scaled(100);
/** Alerts of the throughput burst, one per new service. */
const BURST = scaled(200);
/** Requests of the burst in flight at once. */
const IN_FLIGHT = 16;
/** One warm-up alert per replica, before anything is timed. */
const WARM_UP = 3;
const TIMERS = scaled(2_000);
const TOKEN = 'bench-alert-token';
const INCIDENT_CHANNEL = 'C0INCIDENT';
const VERSIONS = ['v2.0.0', 'v1.5.0', 'v1.0.0'];
/** A ceiling for anything awaited: it catches a stuck bot, not a slow one. */
const CEILING_MS = 120_000;

const serviceName = (i: number) => `bench-service-${String(i).padStart(3, '0')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/**
 * An empty database on the server, dropped by drop(). A database, not a schema: the store's writer
 * lock is an advisory lock, which PostgreSQL scopes to a database, so a schema beside others' test
 * runs would queue behind their transactions. Where the role may not create databases, an empty
 * schema reached through `search_path` instead, and `shared` says so.
 */
function freshDatabase(base: string): { url: string; drop: () => void; shared: boolean } {
  const name = `rewind_bench_${randomBytes(6).toString('hex')}`;
  const run = (sql: string) => {
    const db = new PostgresDatabase({ url: base });
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  };
  const url = new URL(base);
  try {
    run(`CREATE DATABASE ${name}`);
    url.pathname = `/${name}`;
    // FORCE: the server may still hold the session of a bot that was just stopped.
    return { url: url.toString(), drop: () => run(`DROP DATABASE ${name} WITH (FORCE)`), shared: false };
  } catch {
    run(`CREATE SCHEMA ${name}`);
    url.searchParams.set('options', `-c search_path=${name}`);
    return { url: url.toString(), drop: () => run(`DROP SCHEMA ${name} CASCADE`), shared: true };
  }
}

/** One Alertmanager webhook: a warning (no automatic rollback) for `service`. */
function alertBody(service: string): string {
  return JSON.stringify({
    version: '4',
    status: 'firing',
    receiver: 'rewind',
    groupKey: `{}:{service="${service}"}`,
    groupLabels: { service },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    truncatedAlerts: 0,
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'PromptErrorRate', service, version: 'v2.0.0', severity: 'warning' },
        annotations: { summary: `error rate of ${service} above 5%` },
        startsAt: new Date().toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph',
        fingerprint: `fp-${service}`,
      },
    ],
  });
}

interface AlertSetup {
  store: 'SQLite' | 'PostgreSQL';
  replicas: number;
}

interface AlertFigures extends AlertSetup {
  firstCall: number[];
  /** Rounds whose first Slack call was the incident's head message. */
  headFirst: number;
  answers: number[];
  acceptedPerSecond: number;
  headsPerSecond: number;
  /** Head messages per burst service beyond the first (exactly-once across replicas: 0). */
  duplicates: number;
  refusedAnswers: number;
  /** 5xx answers tried again in the warm-up and the rounds, and the first answer that was not 202. */
  retried: number;
  firstRefusal: string | null;
}

/** The bots, stand-ins and files of one setup. */
async function alertWorld(setup: AlertSetup, db: string, dir: string) {
  const doc = shippedConfigDoc();
  const template = doc.services['prompt-service'];
  template.router = { kind: 'istio', virtualService: 'prompt-service', route: 0 };
  doc.metrics = { provider: 'simulated' };
  const services: Record<string, ServiceInput> = doc.services;
  const count = WARM_UP + ROUNDS + BURST;
  for (let i = 0; i < count; i++) services[serviceName(i)] = { ...structuredClone(template), namespace: `bench-${i}` };
  const configFile = join(dir, 'rewind.yml');
  writeFileSync(configFile, stringify(doc));

  const slack = await new SlackApiStandIn().answerLikeSlack().start();
  slack.handle('usergroups.users.list', () => ({ body: { ok: true, users: ['U0ALICE', 'U0BOB'] } }));
  const kube = await KubeApiStandIn.start({ token: 'token-bench' });
  kube.seedPromptService({ versions: VERSIONS, namespace: 'prompts', context: 'prod' });
  for (let i = 0; i < count; i++)
    kube.seedPromptService({ versions: VERSIONS, namespace: `bench-${i}`, context: 'prod' });
  const kubeconfig = writeKubeconfig(
    [
      { name: 'prod', server: kube.url, token: 'token-bench' },
      { name: 'staging', server: kube.url, token: 'token-bench' },
    ],
    'prod',
    join(dir, 'kubeconfig'),
  );
  const origin = Date.now();
  const bots = Array.from(
    { length: setup.replicas },
    () =>
      new BotProcess({
        origin,
        scale: 1,
        env: {
          SLACK_BOT_TOKEN: 'xoxb-bench',
          SLACK_SIGNING_SECRET: 'bench-signing-secret',
          SLACK_API_URL: slack.url,
          PORT: '0',
          REWIND_CONFIG: configFile,
          REWIND_DB: db,
          LOG_LEVEL: 'warn',
          ALERT_WEBHOOK_TOKEN: TOKEN,
          KUBECONFIG: kubeconfig,
        },
      }),
  );
  const stop = async () => {
    await Promise.all(bots.map((b) => b.stop()));
    await slack.stop();
    await kube.close();
  };
  try {
    // One after another: the first runs the migrations, the others find them done.
    for (const bot of bots) await bot.start();
  } catch (err) {
    await stop();
    throw err;
  }
  return { slack, bots, stop };
}

type SlackStandIn = Awaited<ReturnType<typeof alertWorld>>['slack'];

const isHeadFor = (call: { method: string; args: Record<string, unknown> }, service: string) =>
  call.method === 'chat.postMessage' &&
  call.args.channel === INCIDENT_CHANNEL &&
  call.args.thread_ts === undefined &&
  JSON.stringify(call.args).includes(service);

/** Resolves with the index in `slack.calls` of the head message of `service`'s incident. */
async function headMessage(slack: SlackStandIn, service: string, fromPost: number): Promise<number> {
  for (let count = fromPost + 1; ; count++) {
    const call = await slack.waitForCall('chat.postMessage', { count, timeoutMs: CEILING_MS });
    if (isHeadFor(call, service)) return slack.calls.indexOf(call);
  }
}

/** Waits until no Slack call has arrived for `quietMs`: the last incident's notes and updates are out. */
async function quiet(slack: SlackStandIn, quietMs = 150): Promise<void> {
  const end = performance.now() + CEILING_MS;
  let seen = -1;
  let since = performance.now();
  while (performance.now() - since < quietMs && performance.now() < end) {
    if (slack.calls.length !== seen) {
      seen = slack.calls.length;
      since = performance.now();
    }
    await sleep(25);
  }
}

/** Answers to one alert before it counts as refused: a 5xx is tried again, as Alertmanager retries it. */
const ATTEMPTS = 5;

/**
 * Posts the alert until it is answered other than 5xx (or ATTEMPTS ran out): the last status, and
 * how many 5xx answers came first. On a loaded machine a writer-lock wait can run out (a 500).
 */
async function deliver(
  bot: BotProcess,
  service: string,
  refused: string[],
): Promise<{ status: number; retried: number }> {
  for (let retried = 0; ; retried++) {
    const status = await post(bot, service, refused);
    if (status < 500 || retried + 1 >= ATTEMPTS) return { status, retried };
    await sleep(200);
  }
}

/** The answer's status; `answers` keeps the body of one that is not 202, for the failure's message. */
async function post(bot: BotProcess, service: string, answers?: string[]): Promise<number> {
  const res = await fetch(`${bot.url}/alerts/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: alertBody(service),
  });
  const body = await res.text();
  if (res.status !== 202) answers?.push(`${res.status} ${body.slice(0, 300)}`);
  return res.status;
}

async function alertRun(setup: AlertSetup, db: string): Promise<AlertFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'rewind-bench-postgres-'));
  try {
    const { slack, bots, stop } = await alertWorld(setup, db, dir);
    try {
      const botFor = (i: number) => bots[i % bots.length]!;
      // Answers other than 202, and how many 5xx were tried again (warm-up and rounds), for the figures.
      const refused: string[] = [];
      let retried = 0;
      const refusal = (what: string, bot: BotProcess) =>
        new Error(`${what} was refused: ${refused.join(' | ')}\n${bot.output(undefined, 3_000)}`);
      // Every replica has opened an incident before anything is timed: its code paths are compiled.
      for (let i = 0; i < WARM_UP; i++) {
        const before = slack.callsTo('chat.postMessage').length;
        const { status, retried: again } = await deliver(botFor(i), serviceName(i), refused);
        retried += again;
        if (status !== 202) throw refusal('a warm-up alert', botFor(i));
        await headMessage(slack, serviceName(i), before);
      }
      await quiet(slack);

      const firstCall: number[] = [];
      let headFirst = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const service = serviceName(WARM_UP + round);
        const calls = slack.calls.length;
        const posts = slack.callsTo('chat.postMessage').length;
        const t = performance.now();
        const answered = await deliver(botFor(round), service, refused);
        retried += answered.retried;
        if (answered.status !== 202) throw refusal(`the alert for ${service}`, botFor(round));
        const head = await headMessage(slack, service, posts);
        firstCall.push(performance.now() - t);
        if (head === calls) headFirst++;
        await quiet(slack);
      }

      const burst = Array.from({ length: BURST }, (_, k) => serviceName(WARM_UP + ROUNDS + k));
      const answers: number[] = [];
      let refusedAnswers = 0;
      let next = 0;
      const start = performance.now();
      const sender = async () => {
        for (let k = next++; k < burst.length; k = next++) {
          const t = performance.now();
          if ((await post(botFor(k), burst[k]!, refused)) !== 202) refusedAnswers++;
          answers.push(performance.now() - t);
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
      const acceptedMs = performance.now() - start;
      // Head messages per burst service, counted as the calls arrive (each call looked at once).
      const wanted = new Set(burst);
      const headsOf = new Map<string, number>();
      let scanned = 0;
      const scan = () => {
        for (; scanned < slack.calls.length; scanned++) {
          const call = slack.calls[scanned]!;
          const service = /bench-service-\d{3}/.exec(JSON.stringify(call.args))?.[0];
          if (service && wanted.has(service) && isHeadFor(call, service))
            headsOf.set(service, (headsOf.get(service) ?? 0) + 1);
        }
      };
      const end = performance.now() + CEILING_MS;
      while (headsOf.size < burst.length && performance.now() < end) {
        scan();
        if (headsOf.size < burst.length) await sleep(10);
      }
      const headCount = headsOf.size;
      const headsMs = performance.now() - start;
      await quiet(slack, 1_500);
      scan();
      return {
        ...setup,
        firstCall,
        headFirst,
        answers,
        acceptedPerSecond: burst.length / (acceptedMs / 1000),
        headsPerSecond: headCount === burst.length ? burst.length / (headsMs / 1000) : NaN,
        duplicates: [...headsOf.values()].reduce((sum, n) => sum + n - 1, 0),
        refusedAnswers,
        retried,
        firstRefusal: refused[0] ?? null,
      };
    } finally {
      await stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const claimTimer = defineTimer('bench-claim', z.unknown());

interface ClaimFigures {
  perSecond: number;
  byLoop: number[];
  /** Timers fired more than once (exactly once: 0) or not at all. */
  repeated: number;
  missing: number;
}

/** `TIMERS` due timers, claimed and fired by `loops` TimerService loops, each on its own connection. */
async function claimRun(target: string, loops: number): Promise<ClaimFigures> {
  const stores: Store[] = Array.from({ length: loops }, () => openStore(target, { clock: systemClock }));
  const services: TimerService[] = [];
  try {
    const dueAt = systemClock.now() - 1_000;
    for (let i = 0; i < TIMERS; i++)
      stores[0]!.timers.insert({ kind: claimTimer.name, key: `claim:${i}`, dueAt }, systemClock.now());
    const fired = new Map<string, number>();
    const byLoop = Array.from({ length: loops }, () => 0);
    let total = 0;
    stores.forEach((store, i) => {
      const timers = new TimerService({ repo: store.timers, clock: systemClock, owner: `bench-loop-${i}` });
      timers.on(claimTimer, (t) => {
        fired.set(t.key, (fired.get(t.key) ?? 0) + 1);
        byLoop[i]!++;
        total++;
      });
      services.push(timers);
    });
    const start = performance.now();
    for (const s of services) s.start();
    const end = start + CEILING_MS;
    while (total < TIMERS && performance.now() < end) await sleep(2);
    const ms = performance.now() - start;
    return {
      perSecond: total / (ms / 1000),
      byLoop,
      repeated: [...fired.values()].filter((n) => n > 1).length,
      missing: TIMERS - fired.size,
    };
  } finally {
    for (const s of services) await s.stop();
    for (const s of stores) s.close();
  }
}

/** The flag that makes this file a claim loop of its own process (claimProcesses). */
const CLAIM_LOOP = '--claim-loop';

/**
 * A child process: one TimerService loop on REWIND_BENCH_CLAIM_DB, named by the argument after the
 * flag. It opens its connection and says `ready`, starts on a `go` line, and when its stdin ends
 * stops and writes how many timers it fired.
 */
async function claimLoopProcess(): Promise<void> {
  const owner = process.argv[process.argv.indexOf(CLAIM_LOOP) + 1] ?? 'bench-process';
  const store = openStore(process.env.REWIND_BENCH_CLAIM_DB ?? '', { clock: systemClock });
  const timers = new TimerService({ repo: store.timers, clock: systemClock, owner });
  let fired = 0;
  timers.on(claimTimer, () => {
    fired++;
  });
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (text: string) => {
    if (text.includes('go')) timers.start();
  });
  process.stdin.on('end', () => {
    void timers.stop().then(() => {
      store.close();
      process.stdout.write(`${JSON.stringify({ fired })}\n`);
    });
  });
  process.stdout.write('ready\n');
}

/** A line of a child's stdout that passes `test`, or a throw when it exits first. */
function lineFrom(child: ChildProcess, test: (line: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const line = text.split('\n').find(test);
      if (line === undefined) return;
      child.stdout?.off('data', onData);
      resolve(line);
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`a claim loop process exited with ${code}: ${text}`)));
  });
}

/**
 * `TIMERS` due timers on PostgreSQL, claimed and fired by `count` loops, each in a process of its
 * own, started together once every one has connected. Progress and the exactly-once check are read
 * from the table: a timer claimed twice has two attempts.
 */
async function claimProcesses(target: string, count: number): Promise<ClaimFigures> {
  const store = openStore(target, { clock: systemClock });
  const dueAt = systemClock.now() - 1_000;
  for (let i = 0; i < TIMERS; i++)
    store.timers.insert({ kind: claimTimer.name, key: `claim:${i}`, dueAt }, systemClock.now());
  store.close();
  const db = new PostgresDatabase({ url: target });
  const children = Array.from({ length: count }, (_, i) =>
    spawn(process.execPath, [join(REPO, 'bin/run-ts.mjs'), 'bench/postgres.ts', CLAIM_LOOP, `bench-process-${i}`], {
      cwd: REPO,
      env: { ...process.env, REWIND_BENCH_CLAIM_DB: target },
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  try {
    await Promise.all(children.map((c) => lineFrom(c, (line) => line === 'ready')));
    const done = () =>
      Number(db.prepare<[string], { n: string }>('SELECT count(*) AS n FROM timers WHERE status = ?').get('done')?.n);
    const start = performance.now();
    for (const c of children) c.stdin.write('go\n');
    const end = start + CEILING_MS;
    while (done() < TIMERS && performance.now() < end) await sleep(10);
    const ms = performance.now() - start;
    const counts = children.map((c) => lineFrom(c, (line) => line.startsWith('{')));
    for (const c of children) c.stdin.end();
    const byLoop = (await Promise.all(counts)).map((line) => (JSON.parse(line) as { fired: number }).fired);
    const repeated = db.prepare<[], { n: string }>('SELECT count(*) AS n FROM timers WHERE attempts > 1').get()?.n;
    return { perSecond: done() / (ms / 1000), byLoop, repeated: Number(repeated), missing: TIMERS - done() };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    db.close();
  }
}

const cell = (text: string, width: number) => text.padEnd(width);
const ms = (n: number) => `${n.toFixed(1)} ms`;

export async function benchPostgres(print: (line: string) => void): Promise<void> {
  if (!POSTGRES) {
    print(
      'skipped: no PostgreSQL server (REWIND_BENCH_POSTGRES or REWIND_TEST_POSTGRES unset); as root, ' +
        'export REWIND_TEST_POSTGRES=$(bash scripts/postgres-test-db.sh) installs, starts and names one',
    );
    return;
  }
  const setups: AlertSetup[] = [
    { store: 'SQLite', replicas: 1 },
    { store: 'PostgreSQL', replicas: 1 },
    { store: 'PostgreSQL', replicas: 3 },
  ];
  const alerts: AlertFigures[] = [];
  /** True once a setup ran in a schema beside other users of the database (no right to create one). */
  let shared = false;
  for (const setup of setups) {
    if (setup.store === 'SQLite') {
      const dir = mkdtempSync(join(tmpdir(), 'rewind-bench-sqlite-'));
      try {
        alerts.push(await alertRun(setup, join(dir, 'rewind.db')));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else {
      const database = freshDatabase(POSTGRES);
      shared ||= database.shared;
      try {
        alerts.push(await alertRun(setup, database.url));
      } finally {
        database.drop();
      }
    }
  }
  print(
    `alerts: ${ROUNDS} one at a time, then a burst of ${BURST} (${IN_FLIGHT} in flight); every alert ` +
      'for a new service, so each opens an incident; replicas take the alerts in turn',
  );
  print(
    `${cell('store, processes', 19)}${cell('accepted alerts/s', 19)}${cell('head messages/s', 17)}` +
      `${cell('burst answer p50 / p99', 25)}alert → first Slack call p50 / p99`,
  );
  for (const a of alerts) {
    print(
      `${cell(`${a.store}, ${a.replicas}`, 19)}${cell(a.acceptedPerSecond.toFixed(0), 19)}` +
        `${cell(a.headsPerSecond.toFixed(0), 17)}` +
        `${cell(`${ms(percentile(a.answers, 50))} / ${ms(percentile(a.answers, 99))}`, 25)}` +
        `${ms(percentile(a.firstCall, 50))} / ${ms(percentile(a.firstCall, 99))}`,
    );
  }
  for (const a of alerts) {
    print(
      `${a.store}, ${a.replicas}: head message was the first Slack call in ${a.headFirst} of ` +
        `${a.firstCall.length} rounds; burst answers not 202: ${a.refusedAnswers}; duplicate head ` +
        `messages: ${a.duplicates}; warm-up and round alerts answered 5xx and sent again: ${a.retried}` +
        (a.firstRefusal ? ` (the first answer not 202: ${a.firstRefusal})` : ''),
    );
  }

  print(
    `timer claims: ${TIMERS} due timers claimed and fired by competing loops, a connection each: ` +
      'in this process (as the concurrency test runs them), and on PostgreSQL each in a process of its own',
  );
  const sqliteDir = mkdtempSync(join(tmpdir(), 'rewind-bench-claims-'));
  const runs: Array<{ label: string; run: (target: string) => Promise<ClaimFigures>; store: string }> = [
    { label: 'SQLite, 1 loop', store: 'SQLite', run: (t) => claimRun(t, 1) },
    { label: 'SQLite, 3 loops', store: 'SQLite', run: (t) => claimRun(t, 3) },
    { label: 'PostgreSQL, 1 loop', store: 'PostgreSQL', run: (t) => claimRun(t, 1) },
    { label: 'PostgreSQL, 3 loops', store: 'PostgreSQL', run: (t) => claimRun(t, 3) },
    { label: 'PostgreSQL, 1 process', store: 'PostgreSQL', run: (t) => claimProcesses(t, 1) },
    { label: 'PostgreSQL, 3 processes', store: 'PostgreSQL', run: (t) => claimProcesses(t, 3) },
  ];
  try {
    for (const [i, { label, store, run }] of runs.entries()) {
      const database = store === 'PostgreSQL' ? freshDatabase(POSTGRES) : null;
      shared ||= database?.shared ?? false;
      try {
        const c = await run(database?.url ?? join(sqliteDir, `claims-${i}.db`));
        print(
          `${cell(label, 25)}${c.perSecond.toFixed(0)} claims/s (fired by each: ${c.byLoop.join(' / ')}; ` +
            `fired twice: ${c.repeated}, never: ${c.missing})`,
        );
      } finally {
        database?.drop();
      }
    }
  } finally {
    rmSync(sqliteDir, { recursive: true, force: true });
  }
  print(
    shared
      ? 'PostgreSQL: a schema per setup (the role may not create databases): other writers on that ' +
          'database wait on the same writer lock and slow these figures'
      : 'PostgreSQL: a database of its own per setup, dropped after it',
  );
}

if (process.argv.includes(CLAIM_LOOP)) {
  await claimLoopProcess();
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`PostgreSQL and replicas${SMOKE ? ' — SMOKE RUN: the figures mean nothing' : ''}`);
  await benchPostgres((line) => console.log(`  ${line}`));
}
