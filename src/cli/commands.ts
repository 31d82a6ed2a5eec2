/**
 * What each `rewind` command does with its arguments. Every command parses its line with the
 * shared parser first, so a wrong option is refused before anything is read, written or started;
 * the heavy modules (the bot, the demo, the schema) are imported only once the line is sound.
 */
import type { Output } from '../cli.ts';
import { parseArgs, UsageError } from './args.ts';
import type { CommandName } from './help.ts';

type Run = (args: string[], out: Output) => Promise<number>;

async function start(args: string[], out: Output): Promise<number> {
  parseArgs(args, {});
  const { startRewind, StartupError } = await import('../main.ts');
  try {
    const rewind = await startRewind();
    await new Promise<void>((resolve) => {
      const shutdown = (signal: string) => {
        rewind.log.info({ signal }, 'shutting down');
        void rewind.stop().then(resolve);
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });
    return 0;
  } catch (err) {
    if (err instanceof StartupError) {
      for (const line of err.lines) out.error(line);
      return 1;
    }
    throw err;
  }
}

async function validateConfig(args: string[], out: Output): Promise<number> {
  const { positionals } = parseArgs(args, { positionals: { max: 1, name: 'config file' } });
  const { validateConfigCommand } = await import('../config/validate-command.ts');
  return validateConfigCommand(positionals[0], out);
}

async function demo(args: string[], out: Output): Promise<number> {
  const parsed = parseArgs(args, { flags: ['verbose'], positionals: { max: 1, name: 'config file' } });
  const given = parsed.positionals[0];
  const { DEFAULT_CONFIG_FILE } = await import('../config/validate-command.ts');
  const { formatProblem, loadConfigFile } = await import('../config/load.ts');
  const file = given ?? DEFAULT_CONFIG_FILE;
  // The demo edits the config's raw YAML, so it is checked here first: a wrong file is a one-line
  // answer, not a TypeError from the middle of the script.
  const loaded = loadConfigFile(file);
  if (!loaded.ok) {
    for (const p of loaded.problems) out.error(formatProblem(p));
    return loaded.unreadable ? 2 : 1;
  }
  if (!loaded.config.services['prompt-service']) {
    out.error(
      `rewind demo: the demo plays its scenario on the service prompt-service, which ${file} does not configure (it ` +
        `has ${Object.keys(loaded.config.services).join(', ')})`,
    );
    return 1;
  }
  const { runDemo } = await import('../demo/demo.ts');
  const result = await runDemo(out.log, file, { verbose: parsed.flags.has('verbose') });
  return result.rollbackStatus === 'succeeded' &&
    result.incidentStatus === 'resolved' &&
    result.canaryStatus === 'succeeded' &&
    result.drillStatus === 'completed'
    ? 0
    : 1;
}

/** Why a file cannot be written, in the words of the path given. */
function writeFailure(file: string, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return `cannot write ${file}: its folder does not exist`;
    case 'ENOTDIR':
      return `cannot write ${file}: a folder on this path is a file`;
    case 'EISDIR':
      return `cannot write ${file}: it is a folder; name the file, such as ${file.replace(/\/?$/, '/rewind.schema.json')}`;
    case 'EACCES':
    case 'EPERM':
      return `cannot write ${file}: permission denied`;
    default:
      return `cannot write ${file}: ${err.message}`;
  }
}

async function generateSchema(args: string[], out: Output): Promise<number> {
  const given = parseArgs(args, { positionals: { max: 1, name: 'output file' } }).positionals[0];
  const { DEFAULT_SCHEMA_PATH, writeJsonSchema } = await import('../config/json-schema.ts');
  const file = given ?? DEFAULT_SCHEMA_PATH;
  try {
    writeJsonSchema(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (typeof e.code !== 'string') throw err;
    throw new UsageError(writeFailure(file, e));
  }
  out.log(`wrote ${file}`);
  return 0;
}

export const COMMANDS: Record<Exclude<CommandName, 'help'>, Run> = {
  start,
  demo,
  playground: async (args, out) => (await import('../playground/command.ts')).playgroundCommand(args, out),
  'validate-config': validateConfig,
  'generate-schema': generateSchema,
  backtest: async (args, out) => (await import('./backtest.ts')).backtestCommand(args, out),
  drill: async (args, out) => (await import('./drill.ts')).drillCommand(args, out),
  doctor: async (args, out) => (await import('./doctor.ts')).doctorCommand(args, out),
  status: async (args, out) => (await import('./break-glass/read.ts')).statusCommand(args, out),
  history: async (args, out) => (await import('./break-glass/read.ts')).historyCommand(args, out),
  rollback: async (args, out) => (await import('./break-glass/rollback.ts')).rollbackCommand(args, out),
  pause: async (args, out) => (await import('./break-glass/controls.ts')).controlCommand('pause', args, out),
  resume: async (args, out) => (await import('./break-glass/controls.ts')).controlCommand('resume', args, out),
  abort: async (args, out) => (await import('./break-glass/controls.ts')).controlCommand('abort', args, out),
  incident: async (args, out) => (await import('./break-glass/controls.ts')).incidentCommand(args, out),
  'migrate-store': async (args, out) => (await import('./migrate-store.ts')).migrateStoreCommand(args, out),
};
