/**
 * `rewind validate-config [file]`: every problem on its own line (file:line:column path: message)
 * and exit code 1, or the one-line summary and 0, after a `warning:` line in the same form for
 * each matrix rule that recommends what a service cannot run (capability-warnings.ts); a file
 * that cannot be opened is a usage error (2), like any other wrong argument. The CLI wires it;
 * output goes through `out` so tests and the CLI decide where it lands.
 */
import { configWarnings } from './capability-warnings.ts';
import { formatProblem, loadConfigFile } from './load.ts';

export interface CommandOutput {
  log(s: string): void;
  error(s: string): void;
}

export const DEFAULT_CONFIG_FILE = 'config/rewind.yml';

export function validateConfigCommand(file: string | undefined, out: CommandOutput): number {
  const path = file ?? process.env.REWIND_CONFIG ?? DEFAULT_CONFIG_FILE;
  const result = loadConfigFile(path);
  if (result.ok) {
    // Valid, but asking for what a service cannot run: said with the line, and still exit 0.
    for (const warning of configWarnings(path, result.config)) out.error(formatProblem(warning));
    out.log(result.summary);
    return 0;
  }
  for (const problem of result.problems) out.error(formatProblem(problem));
  return result.unreadable ? 2 : 1;
}
