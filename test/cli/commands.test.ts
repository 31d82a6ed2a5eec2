/**
 * Every `rewind` command, run as a person would (the real bin, a child process in an empty folder):
 * its help on stdout; a wrong option, a wrong argument or a file that cannot be opened as exactly
 * one line on stderr with exit code 2; never a stack trace. The cases run side by side — each is
 * a Node start of a fraction of a second, mostly waiting on tsx.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { COMMAND_NAMES as COMMANDS } from '../../src/cli/help.ts';
import { REPO, cleanEnv, runRewind, spawnRewind, tempDir, type Finished } from '../support/run-cli.ts';

const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const CONFIG = join(REPO, 'config/rewind.yml');
const DIR = tempDir('rewind-cli-table-');
const MISSING = join(DIR, 'no-such.yml');
const NOT_THERE = 'the file does not exist; check the path (the default is config/rewind.yml)';
// Help answers at once, even on a busy machine; the ceiling is for the slowest Node start.
const CEILING = { timeout: 60_000 };

interface Case {
  args: string[];
  code: number;
  /** The one line expected on stderr. */
  line?: string;
  env?: Record<string, string>;
  cwd?: string;
}

/** Nothing printed by any case may be a stack frame. */
function noStack(r: Finished): boolean {
  return !/^\s+at /m.test(r.stdout + r.stderr);
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

describe('rewind --version and help', () => {
  it.concurrent('--version prints the package version', CEILING, async ({ expect }) => {
    const r = await runRewind(['--version'], cleanEnv());
    expect([r.code, r.stdout, r.stderr]).toEqual([0, `${VERSION}\n`, '']);
  });

  it.concurrent.for([
    [['--help'], 0],
    [[], 2],
  ] as const)('%j prints the list of commands on stdout (exit %i)', CEILING, async ([args, code], { expect }) => {
    const r = await runRewind([...args], cleanEnv());
    expect(r.code).toBe(code);
    expect(r.stdout).toMatch(/^Usage: rewind <command> \[options\]\n/);
    for (const c of COMMANDS) expect(r.stdout).toContain(`\n  ${c}`);
    expect(r.stderr).toBe('');
  });

  it.concurrent(
    'a reader that closes the pipe early (rewind --help | head -0) ends it quietly',
    CEILING,
    async ({ expect }) => {
      const child = spawnRewind(['--help'], cleanEnv());
      child.stdout?.destroy(); // closed before the first line is written: that write fails with EPIPE
      const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
      expect(child.output().stderr).toBe('');
      expect(code).toBe(0);
    },
  );

  it.concurrent.for(COMMANDS)(
    '%s --help prints its usage and does nothing else',
    CEILING,
    async (command, { expect }) => {
      const cwd = tempDir('rewind-cli-help-');
      const r = await runRewind([command, '--help'], cleanEnv(), cwd);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: rewind ${command}\\b`));
      expect(r.stderr).toBe('');
      // generate-schema once wrote a file named --help, start started the bot: nothing may appear.
      expect(readdirSync(cwd)).toEqual([]);
    },
  );

  it.concurrent(
    'help <command>, -h and drill run --help print the same help; help before a wrong option still wins',
    CEILING,
    async ({ expect }) => {
      const [drill, viaHelp, short, run, withBogus] = await Promise.all([
        runRewind(['drill', '--help'], cleanEnv()),
        runRewind(['help', 'drill'], cleanEnv()),
        runRewind(['drill', '-h'], cleanEnv()),
        runRewind(['drill', 'run', '--help'], cleanEnv()),
        runRewind(['backtest', '--bogus', '--help'], cleanEnv()),
      ]);
      expect(drill.stdout).toMatch(/^Usage: rewind drill run <scenario> --dry-run/);
      expect(viaHelp).toEqual(drill);
      expect(short).toEqual(drill);
      expect(run).toEqual(drill);
      expect(withBogus.code).toBe(0);
      expect(withBogus.stdout).toMatch(/^Usage: rewind backtest /);
    },
  );
});

const usageErrors: Case[] = [
  { args: ['--bogus'], code: 2, line: 'rewind: unknown option "--bogus"; rewind --help lists the commands' },
  {
    args: ['valdate-config'],
    code: 2,
    line:
      'rewind: unknown command "valdate-config" (did you mean "validate-config"?); rewind --help lists the ' +
      'commands',
  },
  { args: ['help', 'deploy'], code: 2, line: 'rewind: unknown command "deploy"; rewind --help lists the commands' },
  {
    args: ['start', '--bogus'],
    code: 2,
    line: 'rewind start: unknown option "--bogus"; this command takes no options; see rewind start --help',
  },
  {
    args: ['start', 'now'],
    code: 2,
    line: 'rewind start: unexpected argument "now": this command takes none; see rewind start --help',
  },
  {
    args: ['demo', '--fast'],
    code: 2,
    line: 'rewind demo: unknown option "--fast"; see rewind demo --help',
  },
  {
    args: ['validate-config', '--bogus'],
    code: 2,
    line:
      'rewind validate-config: unknown option "--bogus"; this command takes no options; see rewind validate-config ' +
      '--help',
  },
  {
    args: ['validate-config', 'a.yml', 'b.yml'],
    code: 2,
    line:
      'rewind validate-config: unexpected argument "b.yml": it takes at most one config file; see rewind ' +
      'validate-config --help',
  },
  {
    args: ['generate-schema', '--check'],
    code: 2,
    line:
      'rewind generate-schema: unknown option "--check"; this command takes no options; see rewind generate-schema ' +
      '--help',
  },
  {
    args: ['backtest', '--sevrice', 'checkout'],
    code: 2,
    line: 'rewind backtest: unknown option "--sevrice" (did you mean "--service"?); see rewind backtest --help',
  },
  {
    args: ['backtest', '--service', 'checkout', '--from', '-1h'],
    code: 2,
    line: 'rewind backtest: missing --to; see rewind backtest --help',
  },
  {
    args: ['drill', 'walk'],
    code: 2,
    line: 'rewind drill: unknown subcommand "walk"; the only one is run; see rewind drill --help',
  },
  {
    args: ['drill', 'run', '--dry-run'],
    code: 2,
    line: 'rewind drill: which scenario? Name one of drills.scenarios; see rewind drill --help',
  },
  {
    args: ['drill', 'run', 'high-error-rate', '--dry-run', '--confg', 'x.yml'],
    code: 2,
    line: 'rewind drill: unknown option "--confg" (did you mean "--config"?); see rewind drill --help',
  },
];

const unusableFiles: Case[] = [
  { args: ['validate-config', MISSING], code: 2, line: `${MISSING}: ${NOT_THERE}` },
  { args: ['validate-config', DIR], code: 2, line: `${DIR}: this is a directory, not a config file` },
  { args: ['demo', MISSING], code: 2, line: `${MISSING}: ${NOT_THERE}` },
  {
    args: ['validate-config', process.execPath],
    code: 2,
    line:
      `${process.execPath}: this is a binary file, not YAML text; check the path ` +
      '(the default is config/rewind.yml)',
  },
  {
    args: ['generate-schema'],
    code: 2,
    line:
      'rewind generate-schema: cannot write config/rewind.schema.json: its folder does not exist; see rewind ' +
      'generate-schema --help',
  },
  {
    args: ['generate-schema', DIR],
    code: 2,
    line:
      `rewind generate-schema: cannot write ${DIR}: it is a folder; name the file, such as ` +
      `${DIR}/rewind.schema.json; see rewind generate-schema --help`,
  },
  {
    args: ['backtest', '--service', 'prompt-service', '--from', '-1h', '--to', 'now', '--config', MISSING],
    code: 2,
    line: `${MISSING}: ${NOT_THERE}`,
  },
  {
    args: ['drill', 'run', 'high-error-rate', '--dry-run'],
    env: { REWIND_CONFIG: DIR },
    code: 2,
    line: `${DIR}: this is a directory, not a config file`,
  },
];

describe('wrong command lines and files that cannot be opened', () => {
  it.concurrent.for([...usageErrors, ...unusableFiles])(
    '$args → exit $code, one line',
    CEILING,
    async (c, { expect }) => {
      const r = await runRewind(c.args, cleanEnv(c.env), c.cwd);
      expect({ code: r.code, stderr: lines(r.stderr), stdout: r.stdout }).toEqual({
        code: c.code,
        stderr: [c.line],
        stdout: '',
      });
      expect(noStack(r)).toBe(true);
    },
  );

  it.concurrent('a .env that is a folder is one line, before any command runs', CEILING, async ({ expect }) => {
    const cwd = tempDir('rewind-cli-dotenv-');
    mkdirSync(join(cwd, '.env'));
    const r = await runRewind(['validate-config', CONFIG], cleanEnv(), cwd);
    expect([r.code, lines(r.stderr), r.stdout]).toEqual([
      2,
      ['rewind: .env is not a file; it should hold VARIABLE=value lines (see .env.example)'],
      '',
    ]);
  });

  it.concurrent(
    'demo refuses a config without prompt-service in one line, before the scenario starts',
    CEILING,
    async ({ expect }) => {
      const file = join(tempDir('rewind-cli-demo-'), 'other.yml');
      writeFileSync(file, readFileSync(CONFIG, 'utf8').replace(/^ {2}prompt-service:$/m, '  search:'));
      const r = await runRewind(['demo', file], cleanEnv());
      expect([r.code, lines(r.stderr), r.stdout]).toEqual([
        1,
        [
          `rewind demo: the demo plays its scenario on the service prompt-service, which ${file} does not configure ` +
            `(it has search, prompt-service-staging)`,
        ],
        '',
      ]);
      expect(noStack(r)).toBe(true);
    },
  );
});

describe('validate-config words its problems for people', () => {
  it.concurrent(
    'a misspelt key names the right one; a wrong cron field says which item and why',
    CEILING,
    async ({ expect }) => {
      const file = join(tempDir('rewind-cli-validate-'), 'rewind.yml');
      const text = readFileSync(CONFIG, 'utf8');
      expect(text).toMatch(/^ {2}incidentChannel: /m);
      expect(text).toMatch(/^ {2}schedule: /m);
      writeFileSync(
        file,
        text
          .replace(/^ {2}incidentChannel: /m, '  incidentChanel: ')
          .replace(/^ {2}schedule: .*$/m, '  schedule: "0 10 1 1,4,7,13 *"'),
      );
      const r = await runRewind(['validate-config', file], cleanEnv());
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      // Two lines: the misspelt key is not also reported as a missing incidentChannel.
      const problems = lines(r.stderr);
      expect(problems).toHaveLength(2);
      expect(problems).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^${file}:\\d+:3 slack\\.incidentChanel: unknown key "incidentChanel" \\(did you mean ` +
              `"incidentChannel"\\?\\); allowed keys: incidentChannel, `,
          ),
        ),
      );
      expect(problems).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^${file}:\\d+:\\d+ drills\\.schedule: 1,4,7,13: 13 is not a month \\(1–12 or jan–dec\\); expected a ` +
              `cron expression such as "0 10 1 1,4,7,10 \\*" \\(minute hour day-of-month month day-of-week\\)$`,
          ),
        ),
      );
      expect(noStack(r)).toBe(true);
    },
  );
});

// Inside a pod the service account is found, rightly; there is nothing to test there.
const IN_A_POD = existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token');

describe.skipIf(IN_A_POD)('without a kubeconfig', () => {
  it.concurrent(
    'drill run --dry-run says none was found, not the client library’s made-up context',
    CEILING,
    async ({ expect }) => {
      const home = tempDir('rewind-cli-home-');
      const folder = tempDir('rewind-cli-kubeconfig-');
      const [none, unreadable] = await Promise.all([
        runRewind(['drill', 'run', 'high-error-rate', '--dry-run', '--config', CONFIG], cleanEnv({ HOME: home })),
        runRewind(
          ['drill', 'run', 'high-error-rate', '--dry-run', '--config', CONFIG],
          cleanEnv({ HOME: home, KUBECONFIG: folder }),
        ),
      ]);
      for (const r of [none, unreadable]) {
        expect(r.stderr + r.stdout).not.toContain('loaded-context');
        expect(r.stderr + r.stdout).not.toContain('localhost:8080');
        expect(noStack(r)).toBe(true);
      }
      expect(none.stderr + none.stdout).toContain('no kubeconfig found: set KUBECONFIG or run inside the cluster');
      expect(unreadable.stderr + unreadable.stdout).toContain(
        `cannot read the kubeconfig ${folder}: it is a directory`,
      );
    },
  );
});
