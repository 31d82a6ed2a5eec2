/**
 * The one argument parser every `rewind` command uses, so they all refuse the same things the same
 * way: an unknown option (with the closest known one), an option without its value, an option given
 * twice, an argument too many. Each refusal is a UsageError, which the CLI prints as one line and
 * exit code 2.
 */
import { didYouMean } from '../config/suggest.ts';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ArgSpec {
  /** Options that take a value: `--config file` or `--config=file`. The value may start with "-" (`--from -7d`). */
  values?: readonly string[];
  /** Options without a value (`--dry-run`). */
  flags?: readonly string[];
  /** How many plain arguments the command takes, and what the first one is called (for the refusal). */
  positionals?: { max: number; name?: string };
}

export interface ParsedArgs {
  values: Record<string, string>;
  flags: Set<string>;
  positionals: string[];
}

/** True when `--help` or `-h` comes before any `--`: help wins over every other problem on the line. */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

export function parseArgs(args: readonly string[], spec: ArgSpec): ParsedArgs {
  const values = spec.values ?? [];
  const flags = spec.flags ?? [];
  const known = [...values, ...flags].map((o) => `--${o}`);
  const parsed: ParsedArgs = { values: {}, flags: new Set(), positionals: [] };
  let optionsEnd = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!optionsEnd && arg === '--') {
      optionsEnd = true;
      continue;
    }
    if (optionsEnd || !arg.startsWith('-') || arg === '-') {
      parsed.positionals.push(arg);
      continue;
    }
    const m = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    const name = m?.[1] ?? '';
    if (m && values.includes(name)) {
      const value = m[2] ?? args[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      if (parsed.values[name] !== undefined) throw new UsageError(`--${name} is given twice`);
      parsed.values[name] = value;
    } else if (m && flags.includes(name)) {
      if (m[2] !== undefined) throw new UsageError(`--${name} takes no value`);
      parsed.flags.add(name);
    } else {
      const option = m ? `--${name}` : arg;
      const hint = didYouMean(option, known);
      throw new UsageError(
        known.length === 0
          ? `unknown option "${option}"${hint}; this command takes no options`
          : `unknown option "${option}"${hint}`,
      );
    }
  }
  const max = spec.positionals?.max ?? 0;
  if (parsed.positionals.length > max) {
    const extra = parsed.positionals[max] as string;
    throw new UsageError(
      max === 0
        ? `unexpected argument "${extra}": this command takes none`
        : `unexpected argument "${extra}": it takes at most ` +
            `${max === 1 ? `one ${spec.positionals?.name ?? 'argument'}` : `${max} arguments`}`,
    );
  }
  return parsed;
}
