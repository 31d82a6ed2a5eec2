/**
 * The `rewind` command (bin/rewind.mjs). Each subcommand returns an exit code; nothing here calls
 * process.exit, so tests can drive it in-process.
 */
import { validateConfigCommand } from './config/validate-command.ts';
import { writeJsonSchema } from './config/json-schema.ts';
import { loadDotEnv } from './config/env.ts';

export interface Output {
  log(line: string): void;
  error(line: string): void;
}

const consoleOutput: Output = { log: (l) => console.log(l), error: (l) => console.error(l) };

const USAGE = `Usage: rewind <command>

Commands:
  start                     run the bot (same as npm start)
  validate-config [file]    check a config file; prints every problem with its YAML path and line
  demo                      play the scripted scenario on embedded defaults (npm run demo)
  generate-schema [file]    write the JSON Schema of the config (default config/rewind.schema.json)
  backtest --service S --from T --to T   replay metric history through the triggers (backtest --help)
  drill run <scenario> --dry-run        the plan of a drill: what would be injected where; changes nothing
  help                      this text`;

async function start(out: Output): Promise<number> {
  const { startRewind, StartupError } = await import('./main.ts');
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

export async function runCli(argv: string[], out: Output = consoleOutput): Promise<number> {
  const [command, ...args] = argv;
  loadDotEnv();
  switch (command) {
    case 'start':
      return start(out);
    case 'validate-config':
      if (args.length > 1) {
        out.error('validate-config takes at most one file');
        return 2;
      }
      return validateConfigCommand(args[0], out);
    case 'demo': {
      const { runDemo } = await import('./demo/demo.ts');
      const result = await runDemo(out.log, args[0]);
      return result.rollbackStatus === 'succeeded' && result.incidentStatus === 'resolved' && result.canaryStatus === 'succeeded' ? 0 : 1;
    }
    case 'generate-schema': {
      const file = args[0] ?? 'config/rewind.schema.json';
      writeJsonSchema(file);
      out.log(`wrote ${file}`);
      return 0;
    }
    case 'backtest': return (await import('./cli/backtest.ts')).backtestCommand(args, out);
    case 'drill': return (await import('./cli/drill.ts')).drillCommand(args, out);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      out.error(`rewind: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}
