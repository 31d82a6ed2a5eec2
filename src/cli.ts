/**
 * The `rewind` command (bin/rewind.mjs). Each subcommand returns an exit code; nothing here calls
 * process.exit, so tests can drive it in-process.
 *
 * Whatever is typed, the answer is help on stdout or one line on stderr — never a stack trace: a
 * wrong line is a UsageError (exit 2), and an error nobody expected is still said in one line
 * (exit 1), with the stack only when REWIND_DEBUG asks for it.
 */
import { DotEnvError, loadDotEnv } from './config/env.ts';
import { didYouMean } from './config/suggest.ts';
import { UsageError, wantsHelp } from './cli/args.ts';
import { COMMAND_NAMES, HELP_TEXT, USAGE, type CommandName } from './cli/help.ts';
import { VERSION } from './version.ts';

export interface Output {
  log(line: string): void;
  error(line: string): void;
}

const consoleOutput: Output = { log: (l) => console.log(l), error: (l) => console.error(l) };

const isCommand = (name: string): name is CommandName => (COMMAND_NAMES as readonly string[]).includes(name);

function unknownCommand(name: string): string {
  const what = name.startsWith('-') ? 'option' : 'command';
  return (
    `rewind: unknown ${what} ` +
    `"${name}"${didYouMean(name, name.startsWith('-') ? ['--help', '--version'] : COMMAND_NAMES)}; rewind --help ` +
    `lists the commands`
  );
}

/**
 * For the entry points: a reader that stops early (`rewind status | head`) closes the pipe, and the
 * next write fails with EPIPE. That is the reader's choice, not a failure: end quietly with the exit
 * code so far, instead of a stack trace.
 */
export function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    });
}

export async function runCli(argv: string[], out: Output = consoleOutput): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined) {
    out.log(USAGE);
    return 2;
  }
  if (command === '--help' || command === '-h') {
    out.log(USAGE);
    return 0;
  }
  if (command === '--version' || command === '-v') {
    out.log(VERSION);
    return 0;
  }
  if (!isCommand(command)) {
    out.error(unknownCommand(command));
    return 2;
  }
  if (command === 'help') {
    const topics = args.filter((a) => a !== '--help' && a !== '-h');
    const topic = topics[0];
    if (topic === undefined) {
      out.log(wantsHelp(args) ? HELP_TEXT.help : USAGE);
      return 0;
    }
    if (topics.length > 1) {
      out.error(`rewind help: one command at a time; got ${topics.join(' ')}`);
      return 2;
    }
    if (!isCommand(topic)) {
      out.error(unknownCommand(topic));
      return 2;
    }
    out.log(HELP_TEXT[topic]);
    return 0;
  }
  if (wantsHelp(args)) {
    out.log(HELP_TEXT[command]);
    return 0;
  }
  try {
    loadDotEnv();
    const { COMMANDS } = await import('./cli/commands.ts');
    return await COMMANDS[command](args, out);
  } catch (err) {
    if (err instanceof UsageError) {
      out.error(`rewind ${command}: ${err.message}; see rewind ${command} --help`);
      return 2;
    }
    if (err instanceof DotEnvError) {
      out.error(`rewind: ${err.message}`);
      return 2;
    }
    if (process.env.REWIND_DEBUG) throw err;
    const message = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
    out.error(`rewind ${command}: unexpected error: ${message} (REWIND_DEBUG=1 prints where)`);
    return 1;
  }
}
